"""The blur and sharpness family (augment/blur.py, augment/sharpen.py) against albumentations 2.0.8.

Checked on real photographs (RGB u8): with fixed parameters (a given kernel size, sigma, motion
kernel, radius, zoom factors, swap offsets, alpha...) each transform's image equals albumentations'
within the tolerance stated per case (max and mean absolute difference; most are exact), and the
per-sample kernels (motion, defocus, generalized Gaussian, sharpen/emboss matrices) equal
albumentations' to f32 precision. The random parameters (kernel sizes: chi-square; sigmas, angles,
directions, shifts, alphas, radii, factors: KS) match albumentations' own draws (5000 each,
p > 0.01); the draws are read from the augmentations' own parameter nodes (their ``_params``).
"""
import pathlib
import random as pyrandom

import numpy as np
import pytest
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment
from pixelpipes.ops import filter as flt

A = pytest.importorskip("albumentations")
cv2 = pytest.importorskip("cv2")
from albumentations.augmentations.blur import functional as FB  # noqa: E402
from albumentations.augmentations.pixel import functional as FP  # noqa: E402

PHOTOS = pathlib.Path(__file__).resolve().parents[2] / "examples" / "data" / "photos"
N_DRAWS = 5000


def _photo(name="astronaut.jpg", h=160, w=200):
    img = cv2.cvtColor(cv2.imread(str(PHOTOS / name)), cv2.COLOR_BGR2RGB)
    return np.ascontiguousarray(img[:h, :w])


def _run(build, seed=1, sample=0):
    with pp.Graph() as g:
        g.output("out", build())
    return pp.compile(g, seed=seed).run(sample)["out"]


def _augment(cls, img, **kw):
    return _run(lambda: cls(pp.Constant(img), p=1.0, **kw))


def _diff(got, want, max_abs, mean_abs, what=""):
    assert got.shape == want.shape and got.dtype == want.dtype, (what, got.shape, want.shape, got.dtype, want.dtype)
    d = np.abs(got.astype(np.float64) - want.astype(np.float64))
    print(f"{what}: max abs diff {d.max():.4g}, mean {d.mean():.4g}")
    assert d.max() <= max_abs and d.mean() <= mean_abs, (what, d.max(), d.mean())


class _Recorder(pyrandom.Random):
    """albumentations' py_random with its draws logged (uniform, and randrange, which randint calls)."""

    def __init__(self, seed):
        super().__init__(seed)
        self.log = []

    def uniform(self, a, b):
        v = super().uniform(a, b)
        self.log.append(("uniform", v))
        return v

    def randrange(self, *args):
        v = super().randrange(*args)
        self.log.append(("randrange", v))
        return v


def _reference_draws(transform, n=N_DRAWS, data=False, img=None):
    """n get_params draws of an albumentations transform, each as the list of its py_random draws."""
    rec = _Recorder(0)
    transform.py_random = rec
    transform.random_generator = np.random.default_rng(0)
    out = []
    for _ in range(n):
        rec.log = []
        if data:
            transform.get_params_dependent_on_data({"shape": img.shape}, {"image": img})
        else:
            transform.get_params()
        out.append([v for _, v in rec.log])
    return out


def _our_draws(cls, n=N_DRAWS, pick=lambda params: params, **kw):
    """n samples of cls's parameter nodes (its _params over a small constant image)."""
    img = np.zeros((16, 16, 3), np.uint8)
    with pp.Graph() as g:
        ref = pp.Constant(img)
        params = pick(cls._params(None, ref, cls.configure(**kw), "draw"))
        for i, node in enumerate(params):
            g.output(f"p{i}", node)
    p = pp.compile(g, seed=7)
    rows = [p.run(i) for i in range(n)]
    return [np.array([float(np.asarray(r[f"p{i}"])) for r in rows]) for i in range(len(params))]


def _chi2_same(a, b):
    values = sorted(set(a) | set(b))
    table = np.array([[np.sum(np.asarray(a) == v) for v in values], [np.sum(np.asarray(b) == v) for v in values]])
    if len(values) == 1:
        return 1.0
    return stats.chi2_contingency(table)[1]


# -- fixed parameters: pixels ------------------------------------------------------------------

@pytest.mark.parametrize("k", [3, 5, 7, 11])
@pytest.mark.parametrize("photo", ["astronaut.jpg", "coffee.jpg"])
def test_blur_fixed_kernel_matches_exactly(k, photo):
    img = _photo(photo)
    got = _augment(augment.Blur, img, blur_limit=(k, k))
    _diff(got, A.Blur(blur_limit=(k, k)).apply(img, kernel=k), 0, 0, f"Blur k={k}")


@pytest.mark.parametrize("k", [3, 5, 7, 9])
def test_median_blur_fixed_kernel_matches_exactly(k):
    img = _photo("chelsea.jpg")
    got = _augment(augment.MedianBlur, img, blur_limit=(k, k))
    _diff(got, A.MedianBlur(blur_limit=(k, k)).apply(img, kernel=k), 0, 0, f"MedianBlur k={k}")


@pytest.mark.parametrize("sigma,ksize", [(0.5, 0), (1.3, 0), (2.9, 0), (1.0, 5), (2.0, 9), (0.8, 4)])
def test_gaussian_blur_fixed_sigma_equals_albumentations(sigma, ksize):
    # the same f32 kernel and the same cv::sepFilter2D: equal but for a few pixels 1 apart where
    # Debian's OpenCV 4.6 and pip's 4.10 round their f32 sums differently
    img = _photo("astronaut.jpg")
    got = _augment(augment.GaussianBlur, img, sigma_limit=(sigma, sigma), blur_limit=(ksize, ksize))
    want = A.GaussianBlur().apply(img, kernel=FB.create_gaussian_kernel_1d(sigma, ksize))
    _diff(got, want, 1, 1e-4, f"GaussianBlur sigma={sigma} ksize={ksize}")


class _FixedRandom:
    """Stands for random.Random in create_motion_kernel: its uniform returns given values."""

    def __init__(self, values):
        self.values = list(values)

    def uniform(self, a, b):
        u = self.values.pop(0)
        return a + (b - a) * u


MOTION_CASES = [(3, 0.0, 0.0, 0.5, 0.5), (5, 45.0, 0.0, 0.5, 0.5), (7, 30.0, -0.4, 0.1, 0.9),
                (9, 200.0, 0.7, 0.95, 0.02), (7, 90.0, 1.0, 0.5, 0.5), (11, 333.3, -1.0, 0.3, 0.6),
                (5, 135.0, 0.25, 0.75, 0.25)]


@pytest.mark.parametrize("size,angle,direction,ux,uy", MOTION_CASES)
def test_motion_kernel_and_blur_match(size, angle, direction, ux, uy):
    want_k = FB.create_motion_kernel(size, angle, direction, True, _FixedRandom([ux, uy]))
    want_k = want_k.astype(np.float32) / np.sum(want_k)
    # the op takes the shifts as uniform(-1, 1) draws: -1 + 2 u
    got_k = _run(lambda: flt.MotionKernel(size, angle, direction, -1 + 2 * ux, -1 + 2 * uy))
    np.testing.assert_array_equal(got_k, want_k)
    img = _photo("rocket.jpg")
    got = _run(lambda: flt.Convolve(pp.Constant(img), flt.MotionKernel(size, angle, direction, -1 + 2 * ux,
                                                                        -1 + 2 * uy), border="reflect_101"))
    _diff(got, A.MotionBlur().apply(img, kernel=want_k), 0, 0, f"MotionBlur {size} {angle}")


def test_motion_kernels_match_over_random_parameters():
    rng = np.random.default_rng(3)
    for _ in range(300):
        size = int(rng.choice([3, 5, 7, 9, 13, 21]))
        angle, direction = rng.uniform(0, 360), rng.uniform(-1, 1)
        ux, uy = rng.uniform(0, 1, 2)
        want = FB.create_motion_kernel(size, angle, direction, True, _FixedRandom([ux, uy]))
        want = want.astype(np.float32) / np.sum(want)
        got = _run(lambda: flt.MotionKernel(size, angle, direction, -1 + 2 * ux, -1 + 2 * uy))
        np.testing.assert_array_equal(got, want, err_msg=str((size, angle, direction, ux, uy)))


@pytest.mark.parametrize("radius,alias", [(3, 0.1), (8, 0.5), (10, 0.3), (5, 0.0)])
def test_defocus_fixed_matches(radius, alias):
    img = _photo("coffee.jpg")
    got = _augment(augment.Defocus, img, radius=(radius, radius), alias_blur=(alias, alias))
    want = FB.defocus(img, radius, alias)
    # the same kernel and cv::filter2D (a DFT for these sizes): f32 rounding of the sums may move
    # a value across .5
    _diff(got, want, 1, 0.01, f"Defocus r={radius} alias={alias}")


@pytest.mark.parametrize("radius,alias", [(3, 0.1), (8, 0.5), (10, 0.3), (1, 0.2), (20, 0.4)])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_defocus_op_equals_convolving_its_kernel(radius, alias, dtype):
    img = _photo("chelsea.jpg", 90, 120)
    img = img if dtype == np.uint8 else img.astype(np.float32) / 255
    got = _run(lambda: flt.Defocus(pp.Constant(img), radius, alias))
    want = _run(lambda: flt.Convolve(pp.Constant(img), flt.DefocusKernel(radius, alias), border="reflect_101"))
    if dtype == np.uint8:
        _diff(got, want, 1, 0.01, f"filter.defocus r={radius}")
    else:
        _diff(got, want, 1e-5, 1e-6, f"filter.defocus f32 r={radius}")


@pytest.mark.parametrize("top,step", [(1.31, 0.03), (1.1, 0.01), (1.2, 0.05), (1.0, 0.02)])
def test_zoom_blur_fixed_factors_match(top, step):
    img = _photo("astronaut.jpg")
    # f64 factors, as albumentations' (an f32 step would shift arange's points)
    got = _run(lambda: flt.ZoomBlur(pp.Constant(img), pp.Constant(np.float64(top)), pp.Constant(np.float64(step))))
    want = FB.zoom_blur(img, np.arange(1.0, top, step))
    _diff(got, want, 1, 0.01, f"ZoomBlur max={top} step={step}")


@pytest.mark.parametrize("mode", ["fast", "exact"])
@pytest.mark.parametrize("max_delta,iterations", [(4, 2), (2, 1), (3, 3)])
def test_glass_blur_given_offsets_matches_exactly(mode, max_delta, iterations):
    img = _photo("chelsea.jpg", 64, 80)
    t = A.GlassBlur(sigma=0.7, max_delta=max_delta, iterations=iterations, mode=mode)
    t.random_generator = np.random.default_rng(5)
    dxy = t.get_params_dependent_on_data({"shape": img.shape}, {"image": img})["dxy"]
    want = FB.glass_blur(img, 0.7, max_delta, iterations, dxy, mode)

    def build():
        x = flt.GaussianBlur(pp.Constant(img), 0.7, border="reflect_101")
        x = flt.GlassSwaps(x, pp.Constant(dxy), max_delta=max_delta, exact=mode == "exact")
        return flt.GaussianBlur(x, 0.7, border="reflect_101")
    _diff(_run(build), want, 0, 0, f"GlassBlur {mode} {max_delta} {iterations}")


def test_advanced_blur_kernel_matches():
    img = _photo("hubble_deep_field.jpg")
    for seed in range(20):
        t = A.AdvancedBlur(p=1.0)
        rec = _Recorder(seed)
        t.py_random = rec
        t.random_generator = np.random.default_rng(seed)
        want_k = t.get_params()["kernel"]
        k = want_k.shape[0]
        draws = [v for _, v in rec.log]  # (ksize via randint), sigma_x, sigma_y, angle, beta
        noise = np.random.default_rng(seed).uniform(0.9, 1.1, size=(k, k))
        sx, sy, angle, beta = draws[-4:]
        got_k = _run(lambda: flt.GeneralizedGaussianKernel(k, sx, sy, angle, beta, pp.Constant(noise)))
        np.testing.assert_allclose(got_k, want_k, rtol=1e-5, atol=1e-7)
        if seed < 3:
            got = _run(lambda: flt.Convolve(pp.Constant(img), pp.Constant(got_k), border="reflect_101"))
            _diff(got, A.AdvancedBlur().apply(img, kernel=want_k), 1, 0.01, f"AdvancedBlur seed {seed}")


@pytest.mark.parametrize("alpha,lightness", [(0.2, 0.5), (0.5, 1.0), (1.0, 0.0), (0.35, 0.7)])
def test_sharpen_kernel_method_matches(alpha, lightness):
    img = _photo("camera.jpg")[..., :3]
    got = _augment(augment.Sharpen, img, alpha=(alpha, alpha), lightness=(lightness, lightness))
    t = A.Sharpen(alpha=(alpha, alpha), lightness=(lightness, lightness), p=1.0)
    _diff(got, t.apply(img, **t.get_params()), 1, 0.001, f"Sharpen a={alpha} l={lightness}")


def test_sharpen_gaussian_method_is_the_signed_unsharp_formula():
    img = _photo("astronaut.jpg")
    got = _augment(augment.Sharpen, img, alpha=(0.4, 0.4), method="gaussian", kernel_size=5, sigma=1.0)
    blurred = cv2.GaussianBlur(img, (5, 5), 1.0).astype(np.float32)
    x = img.astype(np.float32)
    want = np.clip(np.rint(x + np.float32(0.4) * (x - blurred)), 0, 255).astype(np.uint8)
    _diff(got, want, 1, 0.001, "Sharpen gaussian")


@pytest.mark.parametrize("alpha,strength", [(0.2, 0.2), (0.5, 0.7), (1.0, 1.5), (0.3, 0.45)])
def test_emboss_matches(alpha, strength):
    img = _photo("rocket.jpg")
    got = _augment(augment.Emboss, img, alpha=(alpha, alpha), strength=(strength, strength))
    t = A.Emboss(alpha=(alpha, alpha), strength=(strength, strength), p=1.0)
    _diff(got, t.apply(img, **t.get_params()), 1, 0.001, f"Emboss a={alpha} s={strength}")


@pytest.mark.parametrize("ksize,sigma,alpha,threshold", [(3, 0.0, 0.2, 10), (5, 1.0, 0.5, 10), (7, 0.0, 0.9, 0),
                                                         (5, 2.5, 0.35, 40)])
def test_unsharp_mask_fixed_matches(ksize, sigma, alpha, threshold):
    img = _photo("coffee.jpg")
    got = _augment(augment.UnsharpMask, img, blur_limit=(ksize, ksize), sigma_limit=(sigma, sigma),
                   alpha=(alpha, alpha), threshold=threshold)
    want = FP.unsharp_mask(img, ksize, sigma=sigma, alpha=alpha, threshold=threshold)
    _diff(got, want, 1, 0.001, f"UnsharpMask k={ksize} s={sigma} a={alpha} t={threshold}")


# -- random parameters: distributions ---------------------------------------------------------

@pytest.mark.parametrize("cls,limit", [(augment.Blur, (3, 7)), (augment.MedianBlur, (3, 9)), (augment.Blur, 11)])
def test_blur_kernel_size_distribution(cls, limit):
    (index,) = _our_draws(cls, blur_limit=limit)
    sizes = np.array(cls.configure(blur_limit=limit)["sizes"])[index.astype(int)]
    ref = getattr(A, cls.__name__)(blur_limit=limit)
    ref.py_random = pyrandom.Random(0)
    want = [ref.get_params()["kernel"] for _ in range(N_DRAWS)]
    p = _chi2_same(sizes, want)
    print(f"{cls.__name__}{limit}: chi-square p = {p:.3f}")
    assert p > 0.01


def test_gaussian_blur_parameter_distributions():
    img = np.zeros((16, 16, 3), np.uint8)
    for limit in [0, (3, 9), (0, 6)]:
        size, sigma = _our_draws(augment.GaussianBlur, blur_limit=limit, sigma_limit=(0.5, 3.0))
        ref = A.GaussianBlur(blur_limit=limit, sigma_limit=(0.5, 3.0))
        draws = _reference_draws(ref, data=True, img=img)
        ref_sigma = np.array([d[0] for d in draws])
        ref_k = np.array([d[1] for d in draws])
        ref_size = np.array([len(FB.create_gaussian_kernel_1d(s, k)) for s, k in zip(ref_sigma, ref_k)])
        p_sigma = stats.ks_2samp(sigma, ref_sigma).pvalue
        p_size = _chi2_same(size, ref_size)
        print(f"GaussianBlur blur_limit={limit}: sigma KS p = {p_sigma:.3f}, size chi-square p = {p_size:.3f}")
        assert p_sigma > 0.01 and p_size > 0.01


def _kernel_inputs(params):
    (kernel,) = params
    return tuple(kernel.inputs)


def test_motion_blur_parameter_distributions():
    size, angle, direction, sx, sy = _our_draws(augment.MotionBlur, pick=_kernel_inputs, blur_limit=(3, 9))
    ref = A.MotionBlur(blur_limit=(3, 9))
    draws = np.array(_reference_draws(ref))  # ksize (randint index), angle, direction, shift x, shift y
    # the size: sample_odd_from_range's randint index -> 3 + 2 i
    ref_size = 3 + 2 * draws[:, 0]
    ps = {"size": _chi2_same(size, ref_size),
          "angle": stats.ks_2samp(angle, draws[:, 1]).pvalue,
          "direction": stats.ks_2samp(direction, draws[:, 2]).pvalue,
          "shift_x": stats.ks_2samp(sx, draws[:, 3]).pvalue,
          "shift_y": stats.ks_2samp(sy, draws[:, 4]).pvalue}
    print("MotionBlur p-values:", {k: round(v, 3) for k, v in ps.items()})
    assert min(ps.values()) > 0.01, ps


def test_defocus_parameter_distributions():
    radius, alias = _our_draws(augment.Defocus)
    draws = np.array(_reference_draws(A.Defocus()))
    p_r, p_a = _chi2_same(radius, draws[:, 0]), stats.ks_2samp(alias, draws[:, 1]).pvalue
    print(f"Defocus: radius chi-square p = {p_r:.3f}, alias_blur KS p = {p_a:.3f}")
    assert p_r > 0.01 and p_a > 0.01


def test_zoom_blur_parameter_distributions():
    step, top = _our_draws(augment.ZoomBlur)
    draws = np.array(_reference_draws(A.ZoomBlur()))
    ref_step = draws[:, 0]
    ref_top = np.maximum(1 + draws[:, 0], draws[:, 1])
    p_s, p_t = stats.ks_2samp(step, ref_step).pvalue, stats.ks_2samp(top, ref_top).pvalue
    print(f"ZoomBlur: step KS p = {p_s:.3f}, max factor KS p = {p_t:.3f}")
    assert p_s > 0.01 and p_t > 0.01


def test_advanced_blur_parameter_distributions():
    size, sx, sy, angle, beta = _our_draws(augment.AdvancedBlur, n=3000, pick=lambda ps: _kernel_inputs(ps)[:5])
    ref = A.AdvancedBlur()
    draws = np.array(_reference_draws(ref, n=3000))  # size index, sx, sy, angle, beta side, beta
    ps = {"size": _chi2_same(size, 3 + 2 * draws[:, 0]), "sigma_x": stats.ks_2samp(sx, draws[:, 1]).pvalue,
          "sigma_y": stats.ks_2samp(sy, draws[:, 2]).pvalue, "angle": stats.ks_2samp(angle, draws[:, 3]).pvalue,
          "beta": stats.ks_2samp(beta, draws[:, -1]).pvalue}
    print("AdvancedBlur p-values:", {k: round(v, 3) for k, v in ps.items()})
    assert min(ps.values()) > 0.01, ps


@pytest.mark.parametrize("cls", [augment.Sharpen, augment.Emboss])
def test_sharpen_and_emboss_parameter_distributions(cls):
    # the kernel's entries are affine in the draws: alpha from the top-left entry, the second
    # parameter from the center (Sharpen: 1 + alpha (7 + lightness); Emboss: corner -alpha (1 + s))
    with pp.Graph() as g:
        (kernel,) = cls._params(None, None, cls.configure(), "draw")
        g.output("k", kernel)
    p = pp.compile(g, seed=11)
    ks = np.array([p.run(i)["k"] for i in range(N_DRAWS)], np.float64)
    ref = getattr(A, cls.__name__)()
    draws = np.array(_reference_draws(ref))
    if cls is augment.Sharpen:
        alpha = -ks[:, 0, 0]
        second = (ks[:, 1, 1] - 1) / alpha - 7
    else:
        # Emboss: k00 = -alpha (1 + s), k01 = -alpha s  -> alpha = k01 - k00, s = -k01 / alpha
        alpha = ks[:, 0, 1] - ks[:, 0, 0]
        second = -ks[:, 0, 1] / alpha
    p_a = stats.ks_2samp(alpha, draws[:, 0]).pvalue
    p_b = stats.ks_2samp(second, draws[:, 1]).pvalue
    print(f"{cls.__name__}: alpha KS p = {p_a:.3f}, second parameter KS p = {p_b:.3f}")
    assert p_a > 0.01 and p_b > 0.01


def test_unsharp_mask_parameter_distributions():
    img = np.zeros((16, 16, 3), np.uint8)
    size, sigma, alpha = _our_draws(augment.UnsharpMask, sigma_limit=(0.0, 2.0))
    draws = np.array(_reference_draws(A.UnsharpMask(sigma_limit=(0.0, 2.0)), data=True, img=img))
    ps = {"size": _chi2_same(size, draws[:, 0]), "sigma": stats.ks_2samp(sigma, draws[:, 1]).pvalue,
          "alpha": stats.ks_2samp(alpha, draws[:, 2]).pvalue}
    print("UnsharpMask p-values:", {k: round(v, 3) for k, v in ps.items()})
    assert min(ps.values()) > 0.01, ps


def test_glass_offsets_are_uniform_in_the_reference_range():
    img = np.zeros((24, 30, 3), np.uint8)
    got = _run(lambda: flt.GlassOffsets(pp.Constant(img), max_delta=4, iterations=2))
    assert got.shape == ((24 - 8) * (30 - 8), 2, 2) and got.dtype == np.int32
    t = A.GlassBlur(max_delta=4, iterations=2)
    t.random_generator = np.random.default_rng(0)
    want = t.get_params_dependent_on_data({"shape": img.shape}, {"image": img})["dxy"]
    assert want.shape == got.shape
    p = _chi2_same(got.ravel(), want.ravel())
    print(f"GlassBlur offsets: chi-square p = {p:.3f}")
    assert p > 0.01 and got.min() == -4 and got.max() == 3
