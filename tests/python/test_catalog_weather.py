"""Weather and effects (augment/weather.py, effects.* ops) against albumentations 2.0.8.

* Fixed geometry, on real photos (astronaut 512 x 512, chelsea 300 x 451, coffee resized to
  101 x 157): albumentations' own draws (its get_params_dependent_on_data with a seeded
  generator: rain drops, fog particles, flare circles, shadow polygons, gravel rectangles, snow
  and spatter noise layers) are fed to our render op and to its functional API, and the images
  compared. Tolerances per transform are in FIXED below (max and mean abs diff): exact for rain,
  fog, bleach snow, shadow and gravel; sun flare overlay within 1 level (albumentations blends
  through simsimd's u8 weighted sum, which rounds a few values the other way); the others are
  near-exact (float32 noise layers where albumentations keeps float64).
* Random parameters: 5000 samples of our classes' _params nodes (the geometry ops) on a small
  image vs 5000 of albumentations' get_params_dependent_on_data on an image of the same size:
  KS (continuous) or chi-square (discrete) on statistics of the draws, p > 0.01.
"""
import os
import warnings
from unittest import mock

import cv2
import numpy as np
import pytest
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment
from pixelpipes.ops import effects

A = pytest.importorskip("albumentations")
from albumentations.augmentations.pixel import functional as FP  # noqa: E402

warnings.filterwarnings("ignore", category=UserWarning)

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "photos")
N = 5000


def _photo(name, size=None):
    img = cv2.cvtColor(cv2.imread(os.path.join(PHOTOS, f"{name}.jpg")), cv2.COLOR_BGR2RGB)
    if size is not None:
        img = cv2.resize(img, (size[1], size[0]), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(img)


IMAGES = {"astronaut": _photo("astronaut"), "chelsea": _photo("chelsea"), "coffee": _photo("coffee", (101, 157))}


def _run(build):
    """One sample of the node build(graph) returns."""
    with pp.Graph() as g:
        g.output("out", build())
    return np.asarray(pp.compile(g, seed=1).run(0)["out"])


def _same(ours, theirs, what, tolerance=0, mean_tolerance=0.0):
    ours, theirs = np.asarray(ours).astype(int), np.asarray(theirs).astype(int)
    assert ours.shape == theirs.shape, (what, ours.shape, theirs.shape)
    d = np.abs(ours - theirs)
    print(f"{what}: max abs diff {d.max()}, mean {d.mean():.5f}")
    assert d.max() <= tolerance and d.mean() <= mean_tolerance, f"{what}: max abs diff {d.max()}, mean {d.mean():.5f}"


def _alb_params(t, img, seed):
    t.set_random_seed(seed)
    return t.get_params_dependent_on_data({"shape": img.shape}, {"image": img})


# -- fixed geometry: pixels ---------------------------------------------------------------------

@pytest.mark.parametrize("name", list(IMAGES))
@pytest.mark.parametrize("kw", [{}, dict(drop_width=2, drop_color=(180, 120, 40), blur_value=3, brightness_coefficient=0.9,
                                         rain_type="heavy", slant_range=(-20, -20)),
                                dict(blur_value=1, brightness_coefficient=1.0, drop_length=9, slant_range=(13.7, 13.7))])
def test_rain_equals_albumentations(name, kw):
    img = IMAGES[name]
    t = A.RandomRain(p=1, **kw)
    prm = _alb_params(t, img, 3)
    c = augment.RandomRain.configure(**kw)
    want = FP.add_rain(img, prm["slant"], prm["drop_length"], t.drop_width, t.drop_color, t.blur_value,
                       t.brightness_coefficient, prm["rain_drops"])
    got = _run(lambda: effects.Rain(pp.Constant(img), pp.Constant(prm["rain_drops"].astype(np.int32)),
                                    pp.Constant(np.float64(prm["slant"])), drop_length=prm["drop_length"],
                                    drop_width=c["drop_width"], drop_color=list(c["drop_color"]),
                                    blur_value=c["blur_value"], brightness_coefficient=c["brightness_coefficient"]))
    _same(got, want, f"RandomRain {name} {kw}")


@pytest.mark.parametrize("name", list(IMAGES))
@pytest.mark.parametrize("intensity,alpha", [(0.3, 0.08), (0.75, 0.2), (1.0, 0.05)])
def test_fog_equals_albumentations(name, intensity, alpha):
    img = IMAGES[name]
    t = A.RandomFog(p=1, alpha_coef=alpha, fog_coef_range=(intensity, intensity))
    prm = _alb_params(t, img, 5)
    want = FP.add_fog(img, prm["intensity"], alpha, prm["particle_positions"], prm["radiuses"])
    particles = np.array([[x, y, r] for (x, y), r in zip(prm["particle_positions"], prm["radiuses"])], np.int32)
    got = _run(lambda: effects.Fog(pp.Constant(img), pp.Constant(particles.reshape(-1, 3)),
                                   pp.Constant(np.float64(intensity)), alpha_coef=alpha))
    _same(got, want, f"RandomFog {name} intensity {intensity}")


@pytest.mark.parametrize("name", list(IMAGES))
@pytest.mark.parametrize("point,coeff", [(0.1, 2.5), (0.3, 1.7), (0.77, 3.0)])
def test_snow_bleach_equals_albumentations(name, point, coeff):
    img = IMAGES[name]
    want = FP.add_snow_bleach(img, point, coeff)
    got = _run(lambda: effects.SnowBleach(pp.Constant(img), pp.Constant(np.float64(point)), brightness_coeff=coeff))
    _same(got, want, f"RandomSnow bleach {name} {point} {coeff}")


@pytest.mark.parametrize("name", list(IMAGES))
@pytest.mark.parametrize("point,coeff", [(0.1, 2.5), (0.3, 1.5)])
def test_snow_texture_near_albumentations(name, point, coeff):
    """The same normal and uniform layers (float64 there, float32 here): values whose float32 and
    float64 sums straddle an integer differ by 1 level, or by up to 255 where albumentations'
    unsaturated uint8 cast wraps (the reference's arithmetic, reproduced)."""
    img = IMAGES[name]
    h, w = img.shape[:2]
    tex, sparkle = FP.generate_snow_textures((h, w), np.random.default_rng(9))
    rng = np.random.default_rng(9)
    raw = rng.normal(size=(h, w), loc=0.5, scale=0.3)
    uni = rng.random((h, w))
    want = FP.add_snow_texture(img, point, coeff, tex, sparkle)
    got = _run(lambda: effects.SnowTexture(pp.Constant(img), pp.Constant(np.float64(point)),
                                           pp.Constant(raw.astype(np.float32)), pp.Constant(uni.astype(np.float32)),
                                           brightness_coeff=coeff))
    d = np.abs(got.astype(int) - want.astype(int))
    print(f"RandomSnow texture {name}: max abs diff {d.max()}, mean {d.mean():.5f}, share > 1: {(d > 1).mean():.5f}")
    assert d.mean() <= 0.001 and (d > 1).mean() <= 0.0001


def _flare(prm):
    rows = [[0, prm["flare_center"][0], prm["flare_center"][1], 0, 0, 0, 0]]
    rows += [[a, x, y, r3, *c] for a, (x, y), r3, c in prm["circles"]]
    return np.array(rows, np.float32)


@pytest.mark.parametrize("name", list(IMAGES))
@pytest.mark.parametrize("method,kw", [("overlay", {}), ("overlay", dict(src_radius=150, src_color=(255, 200, 90))),
                                       ("physics_based", {}), ("physics_based", dict(src_radius=120, src_color=(250, 220, 160)))])
def test_sun_flare_equals_albumentations(name, method, kw):
    img = IMAGES[name]
    t = A.RandomSunFlare(p=1, method=method, **kw)
    prm = _alb_params(t, img, 11)
    c = augment.RandomSunFlare.configure(method=method, **kw)
    got = _run(lambda: effects.SunFlare(pp.Constant(img), pp.Constant(_flare(prm)), src_radius=c["src_radius"],
                                        src_color=list(c["src_color"]), method=method))
    if method == "physics_based":
        want = FP.add_sun_flare_physics_based(img, prm["flare_center"], t.src_radius, t.src_color, prm["circles"])
        _same(got, want, f"RandomSunFlare {method} {name} {kw}", 1, 0.001)
        return
    want = FP.add_sun_flare_overlay(img, prm["flare_center"], t.src_radius, t.src_color, prm["circles"])
    # albumentations blends u8 images with simsimd's wsum, which on this CPU rounds through half
    # precision (round(f16(f16(f16(a) x) + f16(1 - a) y))): 40-odd blends drift by a few levels.
    _same(got, want, f"RandomSunFlare {method} {name} {kw}", 4, 0.8)
    # with the blend rounded once from f32 (ours), the rest of albumentations' code gives our bits
    with mock.patch.object(FP, "add_weighted", _add_weighted_f32):
        want = FP.add_sun_flare_overlay(img, prm["flare_center"], t.src_radius, t.src_color, prm["circles"])
    _same(got, want, f"RandomSunFlare {method} {name} {kw}, f32 blend")


def _add_weighted_f32(a, wa, b, wb):
    v = np.float32(wa) * a.astype(np.float32) + np.float32(wb) * b.astype(np.float32)
    return np.clip(np.rint(v), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", list(IMAGES))
@pytest.mark.parametrize("kw", [dict(shadow_intensity_range=(0.3, 0.7)),
                                dict(num_shadows_limit=(3, 4), shadow_dimension=8, shadow_roi=(0.1, 0.1, 0.9, 0.9),
                                     shadow_intensity_range=(0.2, 0.9))])
def test_shadow_equals_albumentations(name, kw):
    img = IMAGES[name]
    t = A.RandomShadow(p=1, **kw)
    prm = _alb_params(t, img, 13)
    want = FP.add_shadow(img, prm["vertices_list"], prm["intensities"])
    polys = np.stack(prm["vertices_list"]).astype(np.int32)
    got = _run(lambda: effects.Shadow(pp.Constant(img), pp.Constant(polys), pp.Constant(prm["intensities"])))
    # our OpenCV (4.6, Debian's) and cv2 (4.10) fill a few edge pixels of self-intersecting
    # polygons differently; cv2's own fillPoly mask on our side gives the same pixels exactly
    d = np.abs(got.astype(int) - want.astype(int)).max(axis=2)
    print(f"RandomShadow {name} {kw}: max abs diff {d.max()}, mean {d.mean():.5f}, pixels differing {(d > 0).mean():.5f}")
    assert (d > 0).mean() <= 0.002
    edges = np.zeros(img.shape[:2], bool)
    for v in prm["vertices_list"]:
        m = np.zeros(img.shape[:2], np.uint8)
        cv2.fillPoly(m, [v.astype(np.int32)], (255,))
        edges |= _edge_band(m > 0)
    assert not (d[~edges] > 0).any(), "a difference away from a polygon edge"


def _edge_band(mask):
    """Pixels within 1 of a polygon mask's boundary."""
    m = mask.astype(np.uint8)
    k = np.ones((3, 3), np.uint8)
    return cv2.dilate(m, k).astype(bool) & ~cv2.erode(m, k).astype(bool)


@pytest.mark.parametrize("name", list(IMAGES))
@pytest.mark.parametrize("kw", [{}, dict(gravel_roi=(0.0, 0.0, 1.0, 1.0), number_of_patches=5)])
def test_gravel_equals_albumentations(name, kw):
    img = IMAGES[name]
    t = A.RandomGravel(p=1, **kw)
    prm = _alb_params(t, img, 17)
    want = FP.add_gravel(img, prm["gravels_infos"])
    got = _run(lambda: effects.Gravel(pp.Constant(img), pp.Constant(prm["gravels_infos"].reshape(-1, 5).astype(np.int32))))
    _same(got, want, f"RandomGravel {name} {kw}")


def test_hls_round_trip_equals_opencv_on_every_color():
    """Gravel and bleach snow convert RGB -> HLS -> RGB with their own row kernels (no HLS image):
    over all 2^24 colors they give cv2's cvtColor results, with and without an edit of L."""
    allc = np.arange(1 << 24, dtype=np.uint32)
    img = np.stack([(allc >> 16) & 255, (allc >> 8) & 255, allc & 255], -1).astype(np.uint8).reshape(4096, 4096, 3)
    want = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2HLS), cv2.COLOR_HLS2RGB)
    got = _run(lambda: effects.Gravel(pp.Constant(img), pp.Constant(np.zeros((0, 5), np.int32))))
    _same(got, want, "HLS round trip, all colors")
    rect = np.array([[0, 4096, 0, 4096, 77]], np.int32)
    got = _run(lambda: effects.Gravel(pp.Constant(img), pp.Constant(rect)))
    _same(got, FP.add_gravel(img, rect), "lightness 77, all colors")
    got = _run(lambda: effects.SnowBleach(pp.Constant(img), pp.Constant(np.float64(0.5)), brightness_coeff=1.3))
    _same(got, FP.add_snow_bleach(img, 0.5, 1.3), "bleach, all colors")


@pytest.mark.parametrize("name", list(IMAGES))
@pytest.mark.parametrize("mode,kw", [("rain", {}), ("mud", {}), ("rain", dict(gauss_sigma=(1.3, 1.3), intensity=(0.9, 0.9))),
                                     ("mud", dict(gauss_sigma=(3.2, 3.2), cutout_threshold=(0.6, 0.6), color=(90, 60, 10)))])
def test_spatter_near_albumentations(name, mode, kw):
    """The same liquid layer (albumentations' normal draws, float64 there, float32 here): within 1
    level where the float32 layer rounds across a level boundary."""
    img = IMAGES[name]
    h, w = img.shape[:2]
    t = A.Spatter(p=1, mode=mode, **kw)
    prm = _alb_params(t, img, 19)
    t.set_random_seed(19)
    mean, std, cutout, sigma, intensity = (t.py_random.uniform(*r) for r in
                                           (t.mean, t.std, t.cutout_threshold, t.gauss_sigma, t.intensity))
    liquid = t.random_generator.normal(size=(h, w), loc=mean, scale=std)
    want = t.apply(img, **prm)
    c = augment.Spatter.configure(mode=mode, **kw)
    got = _run(lambda: effects.Spatter(pp.Constant(img), pp.Constant(liquid.astype(np.float32)), pp.Constant(np.float64(sigma)),
                                       pp.Constant(np.float64(cutout)), pp.Constant(np.float64(intensity)), mode=mode,
                                       color=list(c["color"])))
    _same(got, want, f"Spatter {mode} {name} {kw}", 1, 0.0001)


# -- random parameters: distributions ------------------------------------------------------------

SHAPE = (48, 64, 3)


def _our_draws(cls, n=N, **kw):
    """n samples of cls's parameter nodes (its _params over a constant SHAPE image)."""
    img = np.zeros(SHAPE, np.uint8)
    with pp.Graph() as g:
        params = cls._params(None, pp.Constant(img), cls.configure(**kw), "draw")
        for i, node in enumerate(params):
            g.output(f"p{i}", node)
    p = pp.compile(g, seed=7)
    rows = [p.run(i) for i in range(n)]
    return [[np.asarray(r[f"p{i}"]) for r in rows] for i in range(len(params))]


def _their_draws(t, n=N):
    img = np.zeros(SHAPE, np.uint8)
    t.set_random_seed(0)
    return [t.get_params_dependent_on_data({"shape": img.shape}, {"image": img}) for _ in range(n)]


def _chi2_same(a, b):
    values = sorted(set(a) | set(b))
    if len(values) == 1:
        return 1.0
    table = np.array([[np.sum(np.asarray(a) == v) for v in values], [np.sum(np.asarray(b) == v) for v in values]])
    return stats.chi2_contingency(table)[1]


def _check(ps, what):
    print(what, {k: round(v, 3) for k, v in ps.items()})
    assert min(ps.values()) > 0.01, ps


def test_rain_distribution():
    kw = dict(slant_range=(-12, 7), rain_type="heavy")
    drops, slant = _our_draws(augment.RandomRain, **kw)
    ref = _their_draws(A.RandomRain(**kw))
    assert all(d.shape == r["rain_drops"].shape for d, r in zip(drops, ref))
    _check({"slant": stats.ks_2samp([float(s) for s in slant], [r["slant"] for r in ref]).pvalue,
            "x": stats.ks_2samp([d[0, 0] for d in drops], [r["rain_drops"][0, 0] for r in ref]).pvalue,
            "y": stats.ks_2samp([d[-1, 1] for d in drops], [r["rain_drops"][-1, 1] for r in ref]).pvalue}, "RandomRain")


def test_fog_distribution():
    particles, intensity = _our_draws(augment.RandomFog, fog_coef_range=(0.3, 1))
    ref = _their_draws(A.RandomFog(fog_coef_range=(0.3, 1)))
    _check({"intensity": stats.ks_2samp([float(i) for i in intensity], [r["intensity"] for r in ref]).pvalue,
            "count": stats.ks_2samp([len(p) for p in particles], [len(r["radiuses"]) for r in ref]).pvalue,
            "x": stats.ks_2samp([p[0, 0] for p in particles], [r["particle_positions"][0][0] for r in ref]).pvalue,
            "y": stats.ks_2samp([p[-1, 1] for p in particles], [r["particle_positions"][-1][1] for r in ref]).pvalue,
            "radius": _chi2_same([int(p[0, 2]) for p in particles], [int(r["radiuses"][0]) for r in ref])}, "RandomFog")


def test_snow_distribution():
    (point,) = _our_draws(augment.RandomSnow, snow_point_range=(0.2, 0.6))
    ref = _their_draws(A.RandomSnow(snow_point_range=(0.2, 0.6)))
    _check({"snow_point": stats.ks_2samp([float(p) for p in point], [r["snow_point"] for r in ref]).pvalue}, "RandomSnow")
    point, noise, sparkle = _our_draws(augment.RandomSnow, n=200, method="texture")
    noise = np.concatenate([x.ravel() for x in noise])
    sparkle = np.concatenate([x.ravel() for x in sparkle])
    p_noise = stats.kstest(noise, "norm", args=(0.5, 0.3)).pvalue
    share = (sparkle > 0.99).mean()
    print(f"RandomSnow texture: noise KS vs normal(0.5, 0.3) p = {p_noise:.3f}, sparkle share {share:.4f}")
    assert noise.shape == (200 * SHAPE[0] * SHAPE[1],) and p_noise > 0.01 and abs(share - 0.01) < 0.001


def test_sun_flare_distribution():
    (flare,) = _our_draws(augment.RandomSunFlare)
    ref = _their_draws(A.RandomSunFlare())
    _check({"n": _chi2_same([len(f) - 1 for f in flare], [len(r["circles"]) for r in ref]),
            "cx": stats.ks_2samp([f[0, 1] for f in flare], [r["flare_center"][0] for r in ref]).pvalue,
            "cy": stats.ks_2samp([f[0, 2] for f in flare], [r["flare_center"][1] for r in ref]).pvalue,
            "alpha": stats.ks_2samp([f[1, 0] for f in flare], [r["circles"][0][0] for r in ref]).pvalue,
            "x": stats.ks_2samp([f[1, 1] for f in flare], [r["circles"][0][1][0] for r in ref]).pvalue,
            "y": stats.ks_2samp([f[1, 2] for f in flare], [r["circles"][0][1][1] for r in ref]).pvalue,
            "radius": _chi2_same([f[1, 3] for f in flare], [r["circles"][0][2] for r in ref]),
            "green": stats.ks_2samp([f[1, 5] for f in flare], [r["circles"][0][3][1] for r in ref]).pvalue}, "RandomSunFlare")


def test_shadow_distribution():
    kw = dict(num_shadows_limit=(1, 3), shadow_intensity_range=(0.2, 0.8))
    polygons, intensities = _our_draws(augment.RandomShadow, **kw)
    ref = _their_draws(A.RandomShadow(**kw))
    _check({"count": _chi2_same([len(p) for p in polygons], [len(r["vertices_list"]) for r in ref]),
            "x": stats.ks_2samp([p[0, 0, 0] for p in polygons], [r["vertices_list"][0][0, 0] for r in ref]).pvalue,
            "y": stats.ks_2samp([p[0, -1, 1] for p in polygons], [r["vertices_list"][0][-1, 1] for r in ref]).pvalue,
            "intensity": stats.ks_2samp([i[0] for i in intensities], [r["intensities"][0] for r in ref]).pvalue},
           "RandomShadow")


def test_gravel_distribution():
    (rects,) = _our_draws(augment.RandomGravel, gravel_roi=(0.0, 0.0, 1.0, 1.0))
    ref = _their_draws(A.RandomGravel(gravel_roi=(0.0, 0.0, 1.0, 1.0)))
    ref = [r["gravels_infos"].reshape(-1, 5) for r in ref]
    _check({"count": _chi2_same([len(r) for r in rects], [len(r) for r in ref]),
            "y0": stats.ks_2samp([r[0, 0] for r in rects if len(r)], [r[0, 0] for r in ref if len(r)]).pvalue,
            "x1": stats.ks_2samp([r[-1, 3] for r in rects if len(r)], [r[-1, 3] for r in ref if len(r)]).pvalue,
            "lightness": stats.ks_2samp([r[0, 4] for r in rects if len(r)], [r[0, 4] for r in ref if len(r)]).pvalue},
           "RandomGravel")


def test_spatter_distribution():
    kw = dict(mean=(0.5, 0.7), std=(0.2, 0.4), gauss_sigma=(1, 3), cutout_threshold=(0.6, 0.7), intensity=(0.3, 0.9))
    liquid, sigma, cutout, intensity = _our_draws(augment.Spatter, n=300, **kw)
    # the layer: normal(mean, std) per pixel with mean, std uniform per sample: per-sample mean/std of the layer
    means = [float(x.mean()) for x in liquid]
    stds = [float(x.std()) for x in liquid]
    rng = np.random.default_rng(0)
    ref_mean = rng.uniform(0.5, 0.7, 300)
    ref_std = rng.uniform(0.2, 0.4, 300)
    _check({"layer_mean": stats.ks_2samp(means, ref_mean).pvalue, "layer_std": stats.ks_2samp(stds, ref_std).pvalue,
            "sigma": stats.ks_2samp([float(s) for s in sigma], rng.uniform(1, 3, 300)).pvalue,
            "cutout": stats.ks_2samp([float(c) for c in cutout], rng.uniform(0.6, 0.7, 300)).pvalue,
            "intensity": stats.ks_2samp([float(i) for i in intensity], rng.uniform(0.3, 0.9, 300)).pvalue}, "Spatter")


# -- classes ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("cls,kw", [(augment.RandomRain, {}), (augment.RandomFog, {}), (augment.RandomSnow, {}),
                                    (augment.RandomSnow, dict(method="texture")), (augment.RandomSunFlare, {}),
                                    (augment.RandomSunFlare, dict(method="physics_based")), (augment.RandomShadow, {}),
                                    (augment.RandomGravel, {}), (augment.Spatter, {}), (augment.Spatter, dict(mode="mud"))])
def test_classes_run_and_are_deterministic(cls, kw):
    img = IMAGES["coffee"]
    with pp.Graph() as g:
        g.output("image", cls(pp.Constant(img), p=1.0, **kw))
    a = pp.compile(g, seed=3).run(0)["image"]
    b = pp.compile(g, seed=3).run(0)["image"]
    assert a.shape == img.shape and a.dtype == np.uint8 and np.array_equal(a, b)
    assert np.abs(a.astype(int) - img).mean() > 0.1, "the effect changed nothing"


def test_argument_checks():
    for cls, kw in [(augment.RandomRain, dict(rain_type="storm")), (augment.RandomRain, dict(slant_range=(-50, 0))),
                    (augment.RandomFog, dict(fog_coef_range=(0.5, 1.5))), (augment.RandomSnow, dict(method="ice")),
                    (augment.RandomSunFlare, dict(flare_roi=(0.5, 0, 0.4, 1))), (augment.RandomShadow, dict(shadow_dimension=2)),
                    (augment.RandomGravel, dict(number_of_patches=0)), (augment.Spatter, dict(mode="oil")),
                    (augment.Spatter, dict(color=(1, 2)))]:
        with pp.Graph(), pytest.raises(ValueError):
            cls(pp.Constant(IMAGES["coffee"]), **kw)
