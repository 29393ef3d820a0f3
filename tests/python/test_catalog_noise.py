"""The noise family (augment/noise.py) against albumentations 2.0.8.

Per-pixel noise comes from PixelPipes' random streams, not NumPy's or OpenCV's generators, so it
cannot equal albumentations' bit for bit. What is checked instead:
* the deterministic part exactly: with the noise forced to a constant (a zero-width range) the
  output equals albumentations' apply on a real photograph (max and mean abs diff 0);
* the noise's distribution: the change of a mid-gray image (no saturation) against the noise
  albumentations' own get_params_dependent_on_data makes (truncated as its u8 add does), KS over
  5000 values; outputs of a constant image (Poisson noises) by chi-square;
* the random parameters (std, mean, scale, multipliers...) against albumentations' own draws,
  KS over 5000 draws, p > 0.01.
"""
import pathlib
import random as pyrandom

import numpy as np
import pytest
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment

A = pytest.importorskip("albumentations")
cv2 = pytest.importorskip("cv2")

PHOTOS = pathlib.Path(__file__).resolve().parents[2] / "examples" / "data" / "photos"
N = 5000
P_MIN = 0.01


def _photo(name="astronaut.jpg", h=160, w=200):
    img = cv2.cvtColor(cv2.imread(str(PHOTOS / name)), cv2.COLOR_BGR2RGB)
    return np.ascontiguousarray(img[:h, :w])


def _samples(cls, img, n=1, seed=3, **kw):
    """n outputs of cls(p=1) on a constant image (samples 0..n-1)."""
    with pp.Graph() as g:
        g.output("out", cls(pp.Constant(img), p=1.0, **kw))
    program = pp.compile(g, seed=seed)
    return [program.run(i)["out"] for i in range(n)]


def _diff(got, want, max_abs, mean_abs, what=""):
    assert got.shape == want.shape and got.dtype == want.dtype, (what, got.shape, want.shape, got.dtype, want.dtype)
    d = np.abs(got.astype(np.float64) - want.astype(np.float64))
    print(f"{what}: max abs diff {d.max():.4g}, mean {d.mean():.4g}")
    assert d.max() <= max_abs and d.mean() <= mean_abs, (what, d.max(), d.mean())


def _ks(a, b, what):
    p = stats.ks_2samp(np.ravel(a), np.ravel(b)).pvalue
    print(f"{what}: KS p = {p:.3g}")
    assert p > P_MIN, (what, p)


def _chi2(a, b, what):
    a, b = np.ravel(a), np.ravel(b)
    values = np.union1d(a, b)
    table = np.array([[np.sum(a == v) for v in values], [np.sum(b == v) for v in values]], dtype=np.float64)
    table = table[:, table.sum(0) >= 10]   # sparse tail cells carry no power
    p = 1.0 if table.shape[1] < 2 else stats.chi2_contingency(table)[1]
    print(f"{what}: chi-square p = {p:.3g}")
    assert p > P_MIN, (what, p)


def _our_params(cls, n=N, ref=None, **kw):
    """n samples of cls's parameter nodes (its _params), as arrays."""
    ref = np.zeros((8, 8, 3), np.uint8) if ref is None else ref
    with pp.Graph() as g:
        params = cls._params(None, pp.Constant(ref), cls.configure(**kw), "draw")
        for i, node in enumerate(params):
            g.output(f"p{i}", node)
    program = pp.compile(g, seed=11)
    rows = [program.run(i) for i in range(n)]
    return [np.array([np.asarray(r[f"p{i}"], dtype=np.float64) for r in rows]) for i in range(len(params))]


def _seeded(t, seed=0):
    t.py_random = pyrandom.Random(seed)
    t.random_generator = np.random.default_rng(seed)
    return t


GRAY = np.full((40, 50, 3), 128, np.uint8)


def _their_noise(t, img=GRAY, images=20):
    """albumentations' u8 change of img: trunc of its noise map (no saturation on mid-gray)."""
    _seeded(t)
    maps = [t.get_params_dependent_on_data({"shape": img.shape}, {"image": img})["noise_map"] for _ in range(images)]
    return np.trunc(np.stack(maps)).astype(np.float64)


def _our_noise(cls, img=GRAY, images=20, **kw):
    return np.stack(_samples(cls, img, images, **kw)).astype(np.float64) - img


def _subsample(x, n=N, seed=0):
    x = np.ravel(x)
    return np.random.default_rng(seed).choice(x, size=min(n, x.size), replace=False)


# -- GaussNoise ------------------------------------------------------------------------------------

@pytest.mark.parametrize("mean", [0.1, -0.23, 0.5])
@pytest.mark.parametrize("per_channel", [True, False])
def test_gauss_noise_deterministic_part_matches_exactly(mean, per_channel):
    # std 0: the noise is the constant mean * 255; u8 x + trunc(n), saturated, as albucore's add.
    img = _photo()
    got = _samples(augment.GaussNoise, img, std_range=(0.0, 0.0), mean_range=(mean, mean), per_channel=per_channel)[0]
    want = A.GaussNoise(p=1).apply(img, noise_map=np.full(img.shape, mean * 255, np.float32))
    _diff(got, want, 0, 0, f"GaussNoise mean={mean}")


@pytest.mark.parametrize("per_channel", [True, False])
def test_gauss_noise_distribution(per_channel):
    kw = dict(std_range=(0.05, 0.05), mean_range=(0.02, 0.02), per_channel=per_channel)
    ours = _our_noise(augment.GaussNoise, **kw)
    theirs = _their_noise(A.GaussNoise(p=1, **kw))
    _ks(_subsample(ours), _subsample(theirs), f"GaussNoise noise per_channel={per_channel}")
    if not per_channel:   # one value per pixel, shared by the channels
        assert np.array_equal(ours[..., 0], ours[..., 1]) and np.array_equal(ours[..., 0], ours[..., 2])
    else:
        assert not np.array_equal(ours[..., 0], ours[..., 1])


def test_gauss_noise_scale_factor_distribution():
    # noise drawn on a half-size grid and resized bilinearly: smoother, smaller spread
    kw = dict(std_range=(0.1, 0.1), noise_scale_factor=0.5)
    ours = _our_noise(augment.GaussNoise, **kw)
    theirs = _their_noise(A.GaussNoise(p=1, **kw))
    _ks(_subsample(ours), _subsample(theirs), "GaussNoise noise_scale_factor=0.5")
    full = _our_noise(augment.GaussNoise, std_range=(0.1, 0.1))
    assert ours.std() < 0.8 * full.std()


def test_gauss_noise_parameter_distributions():
    std, mean = (0.1, 0.4), (-0.2, 0.3)
    t = _seeded(A.GaussNoise(std_range=std, mean_range=mean, p=1))
    draws = []
    rng = t.py_random
    for _ in range(N):   # get_params_dependent_on_data: sigma, then mean, from py_random.uniform
        draws.append((rng.uniform(*std), rng.uniform(*mean)))
    their_std, their_mean = np.array(draws).T
    our_mean, our_std = _our_params(augment.GaussNoise, std_range=std, mean_range=mean)
    _ks(our_std, their_std, "GaussNoise sigma")
    _ks(our_mean, their_mean, "GaussNoise mean")


# -- AdditiveNoise ---------------------------------------------------------------------------------

@pytest.mark.parametrize("noise_type,params", [
    ("uniform", {"ranges": [(-0.1, 0.15)]}),
    ("gaussian", {"mean_range": (-0.05, 0.05), "std_range": (0.05, 0.15)}),
    ("laplace", {"mean_range": (0.0, 0.02), "scale_range": (0.03, 0.08)}),
    ("beta", {"alpha_range": (0.5, 1.5), "beta_range": (0.5, 1.5), "scale_range": (0.1, 0.3)}),
])
@pytest.mark.parametrize("mode", ["per_pixel", "shared", "constant"])
def test_additive_noise_distribution(noise_type, params, mode):
    # The parameters are drawn per image, so one value per image, 5000 images: independent draws of
    # the whole distribution. The last value of a 4 x 4 image: albumentations seeds OpenCV's
    # generator with a number below 2^16 per image, and cv2.randn's first values after such a
    # seed are not normal (a 1 x 1 image gets a spread of 0.58 sigma); later ones are.
    kw = dict(noise_type=noise_type, spatial_mode=mode, noise_params=params)
    img = np.full((4, 4, 3), 128, np.uint8)
    ours = _our_noise(augment.AdditiveNoise, img=img, images=N, **kw).reshape(N, -1)
    if mode == "constant" and noise_type == "gaussian":
        # albumentations' constant gaussian is exactly that artifact (three cv2.randn values after
        # a fresh small seed): against the distribution it means, normal(mean, std) * 255, truncated
        rng = np.random.default_rng(0)
        mean = rng.uniform(*params["mean_range"], N)
        std = rng.uniform(*params["std_range"], N)
        theirs = np.trunc(rng.normal(mean, std) * 255)
    else:
        theirs = _their_noise(A.AdditiveNoise(p=1, **kw), img=img, images=N).reshape(N, -1)[:, -1]
    _ks(ours[:, -1], theirs, f"AdditiveNoise {noise_type} {mode}")


def test_additive_noise_shared_is_one_value_per_pixel():
    img = np.full((10, 12, 3), 128, np.uint8)
    ours = _our_noise(augment.AdditiveNoise, img=img, images=3, noise_type="gaussian", spatial_mode="shared")
    assert np.array_equal(ours[..., 0], ours[..., 1]) and np.array_equal(ours[..., 0], ours[..., 2])
    assert len(np.unique(ours[0, ..., 0])) > 5


def test_additive_noise_constant_deterministic_part_matches_exactly():
    img = _photo("coffee.jpg")
    ranges = [(0.1, 0.1), (-0.2, -0.2), (0.05, 0.05)]
    got = _samples(augment.AdditiveNoise, img, noise_params={"ranges": ranges})[0]
    want = A.AdditiveNoise(p=1).apply(img, noise_map=np.array([r[0] for r in ranges]) * 255)
    _diff(got, want, 0, 0, "AdditiveNoise constant")


# -- MultiplicativeNoise ---------------------------------------------------------------------------

@pytest.mark.parametrize("m", [0.7, 1.0, 1.37])
@pytest.mark.parametrize("elementwise", [False, True])
def test_multiplicative_noise_deterministic_part_matches_exactly(m, elementwise):
    img = _photo("chelsea.jpg")
    got = _samples(augment.MultiplicativeNoise, img, multiplier=(m, m), elementwise=elementwise)[0]
    t = _seeded(A.MultiplicativeNoise(multiplier=(m, m), elementwise=elementwise, p=1))
    multiplier = t.get_params_dependent_on_data({}, {"image": img})["multiplier"]
    _diff(got, t.apply(img, multiplier=multiplier), 0, 0, f"MultiplicativeNoise m={m} elementwise={elementwise}")


@pytest.mark.parametrize("per_channel", [False, True])
def test_multiplicative_noise_multiplier_distribution(per_channel):
    t = _seeded(A.MultiplicativeNoise(multiplier=(0.8, 1.3), per_channel=per_channel, p=1))
    img = np.zeros((4, 4, 3), np.uint8)
    theirs = np.array([t.get_params_dependent_on_data({}, {"image": img})["multiplier"] for _ in range(N // 3 + 1)])
    ours = _our_params(augment.MultiplicativeNoise, n=N // 3 + 1, multiplier=(0.8, 1.3), per_channel=per_channel)[0]
    _ks(_subsample(ours), _subsample(theirs), f"MultiplicativeNoise multiplier per_channel={per_channel}")


@pytest.mark.parametrize("per_channel", [False, True])
def test_multiplicative_noise_elementwise_distribution(per_channel):
    img = np.full((10, 10, 3), 200, np.uint8)
    kw = dict(multiplier=(0.5, 1.2), per_channel=per_channel, elementwise=True)
    ours = np.stack(_samples(augment.MultiplicativeNoise, img, 60, **kw))
    t = _seeded(A.MultiplicativeNoise(p=1, **kw))
    theirs = np.stack([t.apply(img, **t.get_params_dependent_on_data({}, {"image": img})) for _ in range(60)])
    _ks(_subsample(ours), _subsample(theirs), f"MultiplicativeNoise elementwise per_channel={per_channel}")
    if not per_channel:
        assert np.array_equal(ours[..., 0], ours[..., 1])


# -- ShotNoise and ISONoise ------------------------------------------------------------------------

@pytest.mark.parametrize("value", [0, 30, 128, 240])
@pytest.mark.parametrize("scale", [0.05, 0.2])
def test_shot_noise_output_distribution(value, scale):
    # the output of a constant image is a function of one Poisson count per value: chi-square of
    # the output levels, ours against albumentations' apply
    img = np.full((40, 50, 3), value, np.uint8)
    ours = np.stack(_samples(augment.ShotNoise, img, 2, scale_range=(scale, scale)))
    t = _seeded(A.ShotNoise(scale_range=(scale, scale), p=1))
    theirs = np.stack([t.apply(img, **t.get_params()) for _ in range(2)])
    _chi2(ours, theirs, f"ShotNoise value={value} scale={scale}")


def test_shot_noise_levels_on_a_photo():
    # every pixel of a photo, 10 draws each side: the histograms of the output levels agree, and so
    # does the mean
    img = _photo("rocket.jpg", 60, 80)
    ours = np.stack(_samples(augment.ShotNoise, img, 10, scale_range=(0.1, 0.1)))
    t = _seeded(A.ShotNoise(scale_range=(0.1, 0.1), p=1))
    theirs = np.stack([t.apply(img, **t.get_params()) for _ in range(10)])
    print(f"ShotNoise on a photo: mean {ours.mean():.3f} here, {theirs.mean():.3f} albumentations")
    assert abs(ours.mean() - theirs.mean()) < 0.5
    _chi2(ours, theirs, "ShotNoise output levels on a photo")


def test_shot_noise_scale_distribution():
    t = _seeded(A.ShotNoise(scale_range=(0.05, 0.4), p=1))
    theirs = [t.get_params()["scale"] for _ in range(N)]
    _ks(_our_params(augment.ShotNoise, scale_range=(0.05, 0.4))[0], theirs, "ShotNoise scale")


@pytest.mark.parametrize("photo", ["astronaut.jpg", "coffee.jpg"])
def test_iso_noise_output_distribution(photo):
    img = _photo(photo, 80, 100)
    kw = dict(color_shift=(0.05, 0.05), intensity=(0.5, 0.5))
    ours = np.stack(_samples(augment.ISONoise, img, 4, **kw)).astype(np.int32) - img
    t = _seeded(A.ISONoise(p=1, **kw))
    theirs = np.stack([t.apply(img, **t.get_params_dependent_on_data({}, {"image": img}))
                       for _ in range(4)]).astype(np.int32) - img
    for c in range(3):
        _chi2(ours[..., c], theirs[..., c], f"ISONoise {photo} channel {c} change")


def test_iso_noise_no_intensity_is_the_hls_round_trip():
    # intensity 0: no noise, only albumentations' float HLS round trip (rint back to u8)
    img = _photo("chelsea.jpg")
    got = _samples(augment.ISONoise, img, intensity=(0.0, 0.0))[0]
    t = A.ISONoise(intensity=(0.0, 0.0), p=1)
    want = t.apply(img, color_shift=0.03, intensity=0.0, random_seed=1)
    _diff(got, want, 0, 0, "ISONoise intensity 0")


def test_iso_noise_parameter_distributions():
    t = _seeded(A.ISONoise(color_shift=(0.01, 0.2), intensity=(0.1, 0.9), p=1))
    img = np.zeros((4, 4, 3), np.uint8)
    theirs = [t.get_params_dependent_on_data({}, {"image": img}) for _ in range(N)]
    cs, it = _our_params(augment.ISONoise, color_shift=(0.01, 0.2), intensity=(0.1, 0.9))
    _ks(cs, [d["color_shift"] for d in theirs], "ISONoise color_shift")
    _ks(it, [d["intensity"] for d in theirs], "ISONoise intensity")


# -- SaltAndPepper ---------------------------------------------------------------------------------

def test_salt_and_pepper_fractions_distribution():
    # salt and pepper fractions per image: exact counts int(H W a), int(k r), as albumentations
    img = np.full((64, 64, 3), 100, np.uint8)
    kw = dict(amount=(0.01, 0.06), salt_vs_pepper=(0.3, 0.7))
    outs = _samples(augment.SaltAndPepper, img, N, **kw)
    salt = np.array([np.mean(o[..., 0] == 255) for o in outs])
    pepper = np.array([np.mean(o[..., 0] == 0) for o in outs])
    assert all(np.array_equal(o[..., 0], o[..., 2]) for o in outs[:20])   # whole pixels
    t = _seeded(A.SaltAndPepper(p=1, **kw))
    theirs = [t.get_params_dependent_on_data({}, {"image": img}) for _ in range(N)]
    _ks(salt, [m["salt_mask"].mean() for m in theirs], "SaltAndPepper salt fraction")
    _ks(pepper, [m["pepper_mask"].mean() for m in theirs], "SaltAndPepper pepper fraction")


@pytest.mark.parametrize("amount,ratio", [(0.03, 0.5), (0.7, 0.2), (0.9, 0.95)])
def test_salt_and_pepper_exact_counts_and_uniform_positions(amount, ratio):
    img = np.full((30, 40, 3), 100, np.uint8)
    outs = np.stack(_samples(augment.SaltAndPepper, img, 400, amount=(amount, amount), salt_vs_pepper=(ratio, ratio)))
    k = int(30 * 40 * amount)
    salt = int(k * ratio)
    for o in outs[:50]:
        assert (o[..., 0] == 255).sum() == salt and (o[..., 0] == 0).sum() == k - salt
    # every pixel equally likely to be corrupted: per-pixel counts over 400 images, chi-square
    hits = (outs[..., 0] != 100).sum(0).ravel()
    p = stats.chisquare(hits).pvalue
    print(f"SaltAndPepper a={amount}: corrupted-position uniformity chi-square p = {p:.3g}")
    assert p > P_MIN


def test_salt_and_pepper_full_amount():
    img = _photo()
    salt = _samples(augment.SaltAndPepper, img, amount=(1.0, 1.0), salt_vs_pepper=(1.0, 1.0))[0]
    pepper = _samples(augment.SaltAndPepper, img, amount=(1.0, 1.0), salt_vs_pepper=(0.0, 0.0))[0]
    assert (salt == 255).all() and (pepper == 0).all()


# -- arguments -------------------------------------------------------------------------------------

@pytest.mark.parametrize("cls,kw", [
    (augment.GaussNoise, dict(std_range=(0.5, 0.2))),
    (augment.GaussNoise, dict(std_range=(0.1, 1.5))),
    (augment.GaussNoise, dict(noise_scale_factor=0)),
    (augment.AdditiveNoise, dict(noise_type="poisson")),
    (augment.AdditiveNoise, dict(spatial_mode="per_row")),
    (augment.AdditiveNoise, dict(noise_type="gaussian", noise_params={"mean_range": (0, 0)})),
    (augment.MultiplicativeNoise, dict(multiplier=1.1)),
    (augment.MultiplicativeNoise, dict(multiplier=(-1, 1))),
    (augment.ShotNoise, dict(scale_range=(0, 0.1))),
    (augment.ISONoise, dict(color_shift=(0.1, 1.5))),
    (augment.SaltAndPepper, dict(amount=(0.1, 1.5))),
])
def test_bad_arguments_are_value_errors(cls, kw):
    with pytest.raises(ValueError):
        cls(**kw)
