"""Whole-image color effects and conversions (augment/color_effects.py, augment.Normalize's
albumentations modes) against albumentations 2.0.8.

* Fixed parameters on real photos (astronaut 512 x 512, chelsea 300 x 451, coffee resized to
  101 x 157), the same drawn parameters fed to both (FancyPCA's alpha vector, the temperature,
  the tone-curve control points, the illumination parameters, the plasma map):
  - FancyPCA: max abs diff <= 1, mean <= 1e-4 (measured 2e-5: albumentations rounds a float64
    sum, we a float32 one; its float32 running-sum mean is reproduced; the alpha vector is fed
    with our eigenvector signs mapped onto LAPACK's);
  - PlanckianJitter, RandomToneCurve, PlasmaShadow, PlasmaBrightnessContrast, Illumination
    corner, ToRGB, FromFloat: equal (0);
  - Illumination linear: max 1, mean <= 2e-4 (measured 5e-5; float32 rounding of a product at
    .5); Illumination gaussian: max 1, mean <= 1e-4 (one pixel: cv::exp of another OpenCV build);
  - the plasma pattern from the same uniforms (NumPy's Generator): max abs diff <= 2e-6
    (measured 4.2e-7);
  - Normalize (every mode, u8 and f32), ToFloat: max abs diff <= 2e-6 relative to the value's
    size (measured 7e-7).
* Random parameters: 5000 samples of our pipeline vs 5000 of albumentations' own draws
  (get_params / get_params_dependent_on_data, then its apply) on the same image, a statistic of
  each output compared: chi-square (few distinct values) or KS, p > 0.01.
"""
import os
import warnings

import cv2
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import augment
from pixelpipes.ops import color as color_ops
from pixelpipes.ops import noise as noise_ops

A = pytest.importorskip("albumentations")
F = pytest.importorskip("albumentations.augmentations.pixel.functional")
warnings.filterwarnings("ignore", category=UserWarning)

from test_catalog_tone import _code, _compare, _theirs  # noqa: E402  (shared reference-draw helpers)

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "photos")
N = 5000


def _photo(name, size=None):
    img = cv2.cvtColor(cv2.imread(os.path.join(PHOTOS, f"{name}.jpg")), cv2.COLOR_BGR2RGB)
    if size is not None:
        img = cv2.resize(img, (size[1], size[0]), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(img)


IMAGES = {"astronaut": _photo("astronaut"), "chelsea": _photo("chelsea"), "coffee": _photo("coffee", (101, 157))}


def _run(make, seed=1):
    with pp.Graph() as g:
        g.output("image", make())
    return pp.compile(g, seed=seed).run(0)["image"]


def _ours(cls, img, n=1, seed=1, **kw):
    with pp.Graph() as g:
        g.output("image", cls(pp.Constant(img), p=1.0, **kw))
    p = pp.compile(g, seed=seed)
    if n == 1:
        return p.run(0)["image"]
    return [s["image"] for s in p.run_many(0, n)]


def _same(ours, theirs, what, tolerance=0, mean_tolerance=0.0):
    ours, theirs = np.asarray(ours).astype(int), np.asarray(theirs).astype(int)
    assert ours.shape == theirs.shape, (what, ours.shape, theirs.shape)
    d = np.abs(ours - theirs)
    print(f"{what}: max abs diff {d.max()}, mean {d.mean():.5f}")
    assert d.max() <= tolerance and d.mean() <= mean_tolerance, f"{what}: max abs diff {d.max()}, mean {d.mean():.5f}"


def _close(ours, theirs, what, rel=2e-6):
    ours, theirs = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    assert ours.shape == theirs.shape, (what, ours.shape, theirs.shape)
    d = np.abs(ours - theirs)
    bound = rel * np.maximum(np.abs(theirs), 1.0)
    print(f"{what}: max abs diff {d.max():.3g}, mean {d.mean():.3g}")
    assert np.all(d <= bound), f"{what}: max abs diff {d.max():.3g}"


# -- FancyPCA ---------------------------------------------------------------------------------------

def _lapack_signs(img):
    """Signs mapping our eigenvectors (largest-magnitude entry positive) onto numpy's eigh ones,
    in albumentations' order (decreasing eigenvalue)."""
    x = (img.reshape(-1, img.shape[-1]).astype(np.float32) / 255)
    vals, vecs = np.linalg.eigh(np.cov(x - x.mean(0), rowvar=False))
    vecs = vecs[:, vals[::-1].argsort()]
    return np.array([np.sign(v[np.argmax(np.abs(v))]) for v in vecs.T])


@pytest.mark.parametrize("name", list(IMAGES))
@pytest.mark.parametrize("alpha", [(0.1, -0.05, 0.2), (2.0, 1.5, -3.0), (-0.7, 0.0, 0.4)])
def test_fancy_pca_equals_albumentations(name, alpha):
    img = IMAGES[name]
    alpha = np.array(alpha, np.float32)
    ours = _run(lambda: color_ops.FancyPca(pp.Constant(img), alpha))
    theirs = F.fancy_pca(img, (alpha * _lapack_signs(img)).astype(np.float32))
    _same(ours, theirs, f"FancyPCA {alpha} on {name}", tolerance=1, mean_tolerance=1e-4)


def test_fancy_pca_of_a_gray_image():
    gray = cv2.cvtColor(IMAGES["coffee"], cv2.COLOR_RGB2GRAY)[..., None]
    for a in (0.8, -1.5):
        ours = _run(lambda: color_ops.FancyPca(pp.Constant(gray), np.array([a], np.float32)))
        _same(ours, F.fancy_pca(gray, np.array([a], np.float32)), f"FancyPCA gray {a}", tolerance=1,
              mean_tolerance=1e-4)


# -- PlanckianJitter --------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["blackbody", "cied"])
def test_planckian_jitter_equals_albumentations(mode):
    lo = 3000 if mode == "blackbody" else 4000
    table = augment.PlanckianJitter._table(mode, lo, 15000)
    for name, img in IMAGES.items():
        for t in (lo, 3777, 4500, 5999, 6000, 8251, 12999, 15000):
            if t < lo:
                continue
            ours = _run(lambda: color_ops.ToneCurve(pp.Constant(img), table[t - lo], 0.0, curve="multiply_add"))
            _same(ours, F.planckian_jitter(img, t, mode=mode), f"PlanckianJitter {mode} {t} on {name}")
    img = IMAGES["coffee"]   # the class, with its temperature fixed at 6000
    _same(_ours(augment.PlanckianJitter, img, mode=mode, temperature_limit=(6000, 6000)),
          F.planckian_jitter(img, 6000, mode=mode), f"PlanckianJitter class {mode} 6000")


# -- RandomToneCurve --------------------------------------------------------------------------------

@pytest.mark.parametrize("low,high", [(0.25, 0.75), (0.0, 1.0), (0.4, 0.31), ((0.1, 0.3, 0.6), (0.9, 0.5, 0.7))])
def test_tone_curve_equals_albumentations(low, high):
    from pixelpipes.node import as_node
    per_channel = not np.isscalar(low)
    lo = np.array(low, np.float64).reshape(-1, 1) if per_channel else np.float64(low)
    hi = np.array(high, np.float64).reshape(-1, 1) if per_channel else np.float64(high)
    for name, img in IMAGES.items():
        ours = _run(lambda: color_ops.Lookup(pp.Constant(img),
                                             augment.RandomToneCurve._table(as_node(lo), as_node(hi))))
        theirs = F.move_tone_curve(img, np.array(low) if per_channel else low, np.array(high) if per_channel else high)
        _same(ours, theirs, f"RandomToneCurve {low} {high} on {name}")
    img = IMAGES["coffee"]
    _same(_ours(augment.RandomToneCurve, img, scale=0.0), F.move_tone_curve(img, 0.25, 0.75), "RandomToneCurve scale 0")


# -- Illumination -----------------------------------------------------------------------------------

ILLUMINATION = [
    *[("linear", i, dict(angle=a)) for i in (0.15, -0.07) for a in (0, 33.3, 45, 90, 135, 180, 200.5, 225, 270, 315, 359)],
    *[("corner", i, dict(corner=c)) for i in (0.2, -0.1) for c in range(4)],
    *[("gaussian", i, dict(center=(x, y), sigma=s)) for i in (0.18, -0.05) for x, y, s in ((0.3, 0.7, 0.25), (0.9, 0.1, 1.0))],
]


@pytest.mark.parametrize("case", range(len(ILLUMINATION)))
def test_illumination_equals_albumentations(case):
    mode, i, params = ILLUMINATION[case]
    for name, img in IMAGES.items():
        if mode == "linear":
            args, theirs = (params["angle"], 0.0, 0.0), F.apply_linear_illumination(img, i, params["angle"])
        elif mode == "corner":
            args, theirs = (float(params["corner"]), 0.0, 0.0), F.apply_corner_illumination(img, i, params["corner"])
        else:
            args = (*params["center"], params["sigma"])
            theirs = F.apply_gaussian_illumination(img, i, params["center"], params["sigma"])
        ours = _run(lambda: color_ops.Illumination(pp.Constant(img), i, *args, mode=mode))
        # linear: float32 rounding at .5; gaussian: cv::exp of another OpenCV build (1 ulp)
        loose = {"linear": 2e-4, "gaussian": 1e-4}.get(mode)
        _same(ours, theirs, f"Illumination {mode} {i} {params} on {name}", tolerance=1 if loose else 0,
              mean_tolerance=loose or 0.0)


def test_illumination_class_with_fixed_parameters():
    img = IMAGES["coffee"]
    ours = _ours(augment.Illumination, img, mode="linear", intensity_range=(0.1, 0.1), effect_type="darken",
                 angle_range=(30, 30))
    _same(ours, F.apply_linear_illumination(img, -0.1, 30), "Illumination class linear", 1, 0.001)
    ours = _ours(augment.Illumination, img, mode="gaussian", intensity_range=(0.15, 0.15), effect_type="brighten",
                 center_range=(0.4, 0.4), sigma_range=(0.5, 0.5))
    _same(ours, F.apply_gaussian_illumination(img, 0.15, (0.4, 0.4), 0.5), "Illumination class gaussian")


# -- plasma -----------------------------------------------------------------------------------------

def _plasma_count(h, w):
    d = max(h, w)
    k = int(np.ceil(np.log2(d - 1))) if d > 2 else 0
    return 9 + sum((2 ** (s + 2) + 1) ** 2 for s in range(max(k - 1, 0)))


@pytest.mark.parametrize("shape", [(512, 512), (300, 451), (101, 157), (2, 3), (17, 5), (1, 2)])
@pytest.mark.parametrize("roughness", [3.0, 0.5])
def test_plasma_pattern_equals_albumentations_from_the_same_draws(shape, roughness):
    seed = 7 + shape[0]
    u = np.random.default_rng(seed).random(_plasma_count(*shape))
    theirs = F.generate_plasma_pattern(shape, roughness, np.random.default_rng(seed))
    ours = _run(lambda: noise_ops.PlasmaFromUniforms(pp.Constant(np.zeros(shape, np.uint8)), pp.Constant(u),
                                                       roughness=roughness))
    assert ours.shape == theirs.shape and ours.dtype == np.float32
    d = np.abs(ours.astype(np.float64) - theirs)
    print(f"plasma {shape} roughness {roughness}: max abs diff {d.max():.3g}, mean {d.mean():.3g}")
    assert d.max() <= 2e-6


def test_plasma_with_its_own_draws_is_a_normalized_fractal():
    with pp.Graph() as g:
        g.output("p", noise_ops.Plasma(pp.Constant(np.zeros((100, 70, 3), np.uint8)), roughness=3.0))
    p = pp.compile(g, seed=4)
    a, b = p.run(0)["p"], p.run(1)["p"]
    assert a.shape == (100, 70) and a.dtype == np.float32
    assert a.min() == 0 and abs(a.max() - 1) < 1e-6 and not np.array_equal(a, b)
    assert np.array_equal(a, pp.compile(g, seed=4).run(0)["p"])


@pytest.mark.parametrize("name", list(IMAGES))
def test_plasma_effects_equal_albumentations_on_the_same_pattern(name):
    img = IMAGES[name]
    pattern = F.generate_plasma_pattern(img.shape[:2], 3.0, np.random.default_rng(3))
    for intensity in (0.3, 0.55, 1.0):
        ours = _run(lambda: color_ops.PlasmaShadow(pp.Constant(img), pp.Constant(pattern), intensity))
        _same(ours, F.apply_plasma_shadow(img, intensity, pattern), f"PlasmaShadow {intensity} on {name}")
    for b, c in ((0.3, 0.0), (0.0, 0.25), (0.2, -0.3), (-0.3, 0.3), (0.15, 0.27), (-0.1, -0.1)):
        ours = _run(lambda: color_ops.PlasmaBrightnessContrast(pp.Constant(img), pp.Constant(pattern), b, c))
        _same(ours, F.apply_plasma_brightness_contrast(img, b, c, pattern), f"PlasmaBrightnessContrast {b} {c} on {name}")


# -- Normalize, ToFloat, FromFloat, ToRGB -----------------------------------------------------------

@pytest.mark.parametrize("normalization", ["standard", "image", "image_per_channel", "min_max", "min_max_per_channel"])
def test_normalize_modes_equal_albumentations(normalization):
    kw = dict(mean=(0.5, 0.4, 0.3), std=(0.2, 0.25, 0.3), max_pixel_value=255.0)
    for name, img in IMAGES.items():
        theirs = A.Normalize(p=1, normalization=normalization, **kw).apply(img)
        ours = _ours(augment.Normalize, img, chw=False, normalization=normalization, **kw)
        assert ours.dtype == np.float32
        _close(ours, theirs, f"Normalize {normalization} on {name}")
        chw = _ours(augment.Normalize, img, normalization=normalization, **kw)
        assert np.array_equal(chw, ours.transpose(2, 0, 1))
    gray = cv2.cvtColor(IMAGES["coffee"], cv2.COLOR_RGB2GRAY)[..., None]
    if normalization != "standard":
        _close(_ours(augment.Normalize, gray, chw=False, normalization=normalization),
               A.Normalize(p=1, normalization=normalization).apply(gray), f"Normalize {normalization} gray")
    f = IMAGES["coffee"].astype(np.float32) / 255
    _close(_ours(augment.Normalize, f, chw=False, normalization=normalization, **kw),
           A.Normalize(p=1, normalization=normalization, **kw).apply(f), f"Normalize {normalization} f32", rel=1e-5)


def test_normalize_keeps_the_torchvision_form():
    img = IMAGES["coffee"]
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    out = _ours(augment.Normalize, img, mean=mean, std=std)
    ref = ((img / 255.0 - mean) / std).transpose(2, 0, 1)
    assert out.shape == ref.shape
    assert np.abs(out - ref).max() < 1e-5
    with pytest.raises(ValueError, match="chw must be a bool"):
        augment.Normalize(mean, std, 255.0)
    with pytest.raises(ValueError, match="normalization"):
        augment.Normalize(normalization="per_image")


def test_to_float_from_float_to_rgb_equal_albumentations():
    img = IMAGES["chelsea"]
    _close(_ours(augment.ToFloat, img), A.ToFloat(p=1).apply(img), "ToFloat", rel=1e-7)
    _close(_ours(augment.ToFloat, img, max_value=300.0), A.ToFloat(p=1, max_value=300.0).apply(img), "ToFloat 300",
           rel=1e-7)
    f = np.clip(img.astype(np.float32) / 255 * 1.1 - 0.05, -0.1, 1.1).astype(np.float32)
    _same(_ours(augment.FromFloat, f), A.FromFloat(p=1).apply(f), "FromFloat")
    _same(_ours(augment.FromFloat, f, dtype="uint16"), A.FromFloat(p=1, dtype="uint16").apply(f), "FromFloat u16")
    _same(_ours(augment.FromFloat, f, max_value=100.0), A.FromFloat(p=1, max_value=100.0).apply(f), "FromFloat 100")
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    _same(_ours(augment.ToRGB, gray), A.ToRGB(p=1).apply(gray), "ToRGB of H x W")
    _same(_ours(augment.ToRGB, gray[..., None], num_output_channels=4),
          A.ToRGB(p=1, num_output_channels=4).apply(gray[..., None]), "ToRGB of H x W x 1 to 4 channels")
    _same(_ours(augment.ToRGB, img), img, "ToRGB of RGB")


def test_argument_checks():
    with pytest.raises(ValueError, match="alpha"):
        augment.FancyPCA(alpha=-1)
    with pytest.raises(ValueError, match="temperature"):
        augment.PlanckianJitter(temperature_limit=(7000, 9000))
    with pytest.raises(ValueError, match="temperature"):
        augment.PlanckianJitter(mode="cied", temperature_limit=(3000, 9000))
    with pytest.raises(ValueError, match="scale"):
        augment.RandomToneCurve(scale=2)
    with pytest.raises(ValueError, match="intensity_range"):
        augment.Illumination(intensity_range=(0.0, 0.5))
    with pytest.raises(ValueError, match="mode"):
        augment.Illumination(mode="radial")
    with pytest.raises(ValueError, match="brightness_range"):
        augment.PlasmaBrightnessContrast(brightness_range=(-2, 0))
    with pytest.raises(ValueError, match="roughness"):
        augment.PlasmaShadow(roughness=0)
    with pytest.raises(ValueError, match="dtype"):
        augment.FromFloat(dtype="uint32")


# -- distributions ----------------------------------------------------------------------------------

RAMP = np.ascontiguousarray(np.stack([np.arange(256), np.arange(256)[::-1], (np.arange(256) * 7) % 256], -1)
                            .astype(np.uint8)[None])
SMALL = _photo("astronaut", (24, 32))
# channels uncorrelated (Walsh patterns) with distinct spreads: the principal components are the
# channels, so out[..., k] - x[..., k] is alpha_k * lambda_k * (x - mean)
WALSH = np.array([[[228, 188, 158], [228, 68, 98]], [[28, 188, 98], [28, 68, 158]]], np.uint8)


DISTRIBUTIONS = [
    ("FancyPCA", dict(alpha=0.5), WALSH, lambda o: int(o[0, 0, 0])),
    ("FancyPCA", dict(alpha=0.5), WALSH, lambda o: int(o[0, 0, 1])),
    ("FancyPCA", dict(alpha=2.0), WALSH, lambda o: int(o[0, 0, 2])),
    ("PlanckianJitter", {}, RAMP, _code),
    ("PlanckianJitter", dict(mode="cied", sampling_method="gaussian"), RAMP, _code),
    ("PlanckianJitter", dict(temperature_limit=(5000, 9000), sampling_method="gaussian"), RAMP, _code),
    ("RandomToneCurve", {}, RAMP, _code),
    ("RandomToneCurve", dict(scale=0.3, per_channel=True), RAMP, lambda o: int(o[0, 200, 1])),
    ("Illumination", {}, SMALL, _code),
    ("Illumination", dict(mode="corner", effect_type="darken"), SMALL, _code),
    ("Illumination", dict(mode="gaussian"), SMALL, _code),
    ("PlasmaBrightnessContrast", {}, SMALL, _code),
    ("PlasmaShadow", {}, SMALL, _code),
    ("PlasmaShadow", dict(roughness=0.7), SMALL, lambda o: int(o[5, 7].astype(int).sum())),
]


@pytest.mark.parametrize("case", range(len(DISTRIBUTIONS)))
def test_random_parameters_match_albumentations_draws(case):
    cls, kw, img, stat = DISTRIBUTIONS[case]
    ours = np.array([stat(o) for o in _ours(getattr(augment, cls), img, n=N, **kw)])
    theirs = _theirs(getattr(A, cls)(p=1, **kw), img, stat)
    _compare(ours, theirs, f"{cls} {kw}")


def test_random_transforms_are_deterministic_by_seed():
    for cls in ("FancyPCA", "PlanckianJitter", "RandomToneCurve", "Illumination", "PlasmaBrightnessContrast",
                "PlasmaShadow"):
        a = _ours(getattr(augment, cls), SMALL, n=4, seed=3)
        b = _ours(getattr(augment, cls), SMALL, n=4, seed=3)
        assert all(np.array_equal(x, y) for x, y in zip(a, b)), cls
        assert not all(np.array_equal(a[0], x) for x in a[1:]), cls
