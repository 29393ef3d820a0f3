"""torchvision v2's color and miscellaneous transforms (augment/photometric.py, mixing.py,
linear_transform.py) against torchvision's source, transcribed with torch tensor math as in
test_policies.py (torchvision itself is not importable beside the pinned torch; torch is).

Fixed parameters: each transform with p=1 on real photos equals the transcription (stated max
difference per transform). Random parameters: the applied fraction for p, the permutations, the
photometric distortion's steps and factors, MixUp's and CutMix's lambda and box, by chi-square or
KS over 5000 samples against torch's own draws.
"""
from __future__ import annotations

import os

import cv2
import numpy as np
import pytest
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment
from pixelpipes.node import Constant
from pixelpipes.resource import Resource

torch = pytest.importorskip("torch")
F = torch.nn.functional

from test_policies import (_chw, _gray, _hwc, tv_autocontrast, tv_brightness, tv_contrast,  # noqa: E402
                           tv_equalize, tv_posterize, tv_saturation, tv_sharpness, tv_solarize)

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "photos")
NAMES = ("astronaut", "chelsea", "coffee", "rocket")


def _photo(name="astronaut", size=(96, 128)):
    img = cv2.cvtColor(cv2.imread(os.path.join(PHOTOS, f"{name}.jpg")), cv2.COLOR_BGR2RGB)
    return cv2.resize(img, (size[1], size[0]), interpolation=cv2.INTER_AREA)


def _run(outputs, samples=(0,), seed=1):
    with pp.Graph() as g:
        for k, v in outputs().items():
            g.output(k, v)
    prog = pp.compile(g, seed=seed)
    return [prog.run(s) for s in samples]


def _one(cls, img, **kwargs):
    return _run(lambda: {"o": cls(Constant(img), **kwargs)})[0]["o"]


def _chi2(observed, probs):
    observed = np.asarray(observed, float)
    return stats.chisquare(observed, np.asarray(probs, float) * observed.sum()).pvalue


# -- torchvision's kernels, transcribed ---------------------------------------------------------------

def tv_grayscale(img, channels):
    g = _gray(_chw(img).float()).to(torch.uint8)     # .to(uint8) truncates the f32 luma
    if channels == 3:
        g = g.expand(3, -1, -1)
    return _hwc(g)


def tv_gaussian_blur(img, k, sigma):
    half = (k - 1) * 0.5
    x = torch.linspace(-half, half, steps=k)
    pdf = torch.exp(-0.5 * (x / sigma).pow(2))
    k1 = pdf / pdf.sum()
    k2 = torch.mm(k1[:, None], k1[None, :])
    t = _chw(img).float()[None]
    t = F.pad(t, [k // 2] * 4, mode="reflect")
    out = F.conv2d(t, k2.expand(3, 1, k, k), groups=3)
    return _hwc(out.round_().clamp_(0, 255).to(torch.uint8)[0])


def tv_hue(img, factor):
    # torchvision's _rgb_to_hsv / _hsv_to_rgb on [0, 1] floats, then back to u8 (mul 255, round)
    t = _chw(img).float() / 255
    r, g, b = t.unbind(0)
    maxc, _ = t.max(0)
    minc, _ = t.min(0)
    eqc = maxc == minc
    cr = maxc - minc
    ones = torch.ones_like(maxc)
    s = cr / torch.where(eqc, ones, maxc)
    cr_div = torch.where(eqc, ones, cr)
    rc, gc, bc = (maxc - r) / cr_div, (maxc - g) / cr_div, (maxc - b) / cr_div
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = ((hr + hg + hb) / 6.0 + 1.0).fmod(1.0)
    h = (h + factor).remainder(1.0)
    v = maxc
    h6 = h * 6.0
    i = torch.floor(h6)
    f = h6 - i
    i = i.to(torch.int32)
    sv = s * v
    p = (v - sv).clamp(0, 1)
    q = (v - sv * f).clamp(0, 1)
    tt = (v - sv * (1.0 - f)).clamp(0, 1)
    i = i.remainder(6)
    mask = i.unsqueeze(0) == torch.arange(6, dtype=torch.int32).view(-1, 1, 1)
    a1 = torch.stack((v, q, p, p, tt, v))
    a2 = torch.stack((tt, v, v, q, p, p))
    a3 = torch.stack((p, p, tt, v, v, q))
    a4 = torch.stack((a1, a2, a3))
    out = torch.einsum("...ijk, ...xijk -> ...xjk", mask.to(t.dtype), a4)
    return _hwc(out.mul(255).round_().to(torch.uint8))


# -- fixed parameters ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("channels", [1, 3])
def test_grayscale_equals_torchvision_luma(name, channels):
    img = _photo(name)
    out = _one(augment.Grayscale, img, num_output_channels=channels)
    ref = tv_grayscale(img, channels)
    assert out.shape == (96, 128, channels)
    d = np.abs(out.astype(int) - ref.astype(int))
    # the f32 luma truncated, the same bits as torch's on these photographs
    assert d.max() == 0, (d.max(), d.mean())
    print(f"Grayscale({channels}) {name}: max {d.max()}, mean {d.mean():.5f}")


def test_random_grayscale_keeps_channels_and_rgb_repeats_gray():
    img = _photo()
    out = _one(augment.RandomGrayscale, img, p=1.0)
    assert out.shape == img.shape and (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()
    gray = img[..., 0].copy()
    np.testing.assert_array_equal(_one(augment.RGB, gray), np.repeat(gray[..., None], 3, axis=2))
    np.testing.assert_array_equal(_one(augment.RGB, img), img)
    np.testing.assert_array_equal(_one(augment.Grayscale, gray, num_output_channels=3),
                                  np.repeat(gray[..., None], 3, axis=2))


@pytest.mark.parametrize("name", NAMES)
def test_random_value_transforms_equal_torchvision(name):
    img = _photo(name)
    np.testing.assert_array_equal(_one(augment.RandomInvert, img, p=1.0), 255 - img)
    for bits in (0, 1, 3, 8):
        np.testing.assert_array_equal(_one(augment.RandomPosterize, img, bits=bits, p=1.0), tv_posterize(img, bits))
    for threshold in (0.0, 64.0, 127.5, 200.0, 255.0, 300.0):
        np.testing.assert_array_equal(_one(augment.RandomSolarize, img, threshold=threshold, p=1.0),
                                      tv_solarize(img, threshold))
    np.testing.assert_array_equal(_one(augment.RandomAutocontrast, img, p=1.0), tv_autocontrast(img))
    np.testing.assert_array_equal(_one(augment.RandomEqualize, img, p=1.0), tv_equalize(img))
    for factor in (0.0, 0.5, 2.0):
        out = _one(augment.RandomAdjustSharpness, img, sharpness_factor=factor, p=1.0)
        d = np.abs(out.astype(int) - tv_sharpness(img, factor).astype(int))
        assert d.max() <= 1, (factor, d.max())   # we round where torchvision truncates


@pytest.mark.parametrize("k,sigma", [(3, 0.5), (5, 1.0), (9, 2.0), (23, 4.0)])
def test_random_gaussian_blur_equals_torchvision_within_one(k, sigma):
    img = _photo("coffee")
    out = _one(augment.RandomGaussianBlur, img, kernel_size=k, sigma=sigma)
    d = np.abs(out.astype(int) - tv_gaussian_blur(img, k, sigma).astype(int))
    assert d.max() <= 1 and d.mean() < 0.1, (k, sigma, d.max(), d.mean())
    print(f"RandomGaussianBlur k={k} sigma={sigma}: max {d.max()}, mean {d.mean():.4f}")


def test_random_gaussian_blur_sigma_is_uniform_like_torch():
    img = np.zeros((8, 8, 3), np.uint8)
    outs = _run(lambda: {"s": augment.RandomGaussianBlur(Constant(img), kernel_size=3, sigma=(0.1, 2.0)).inputs[2]},
                samples=range(5000))
    ours = np.array([float(o["s"]) for o in outs])
    g = torch.Generator().manual_seed(0)
    theirs = torch.empty(5000).uniform_(0.1, 2.0, generator=g).numpy()
    assert stats.ks_2samp(ours, theirs).pvalue > 0.01


def test_p_applies_the_given_fraction():
    img = _photo(size=(8, 8))
    for cls, kw, p in ((augment.RandomInvert, {}, 0.5), (augment.RandomGrayscale, {}, 0.1),
                       (augment.RandomSolarize, {"threshold": 0.0}, 0.3)):
        outs = _run(lambda: {"o": cls(Constant(img), **kw)} if p == cls.default_p else
                    {"o": cls(Constant(img), **kw, p=p)}, samples=range(5000))
        applied = sum(not np.array_equal(o["o"], img) for o in outs)
        assert stats.binomtest(applied, 5000, p).pvalue > 0.01, (cls.__name__, applied)


def test_channel_permutation_is_uniform_over_the_six_orders():
    img = np.zeros((2, 2, 3), np.uint8)
    img[..., 1], img[..., 2] = 1, 2
    outs = _run(lambda: {"o": augment.RandomChannelPermutation(Constant(img))}, samples=range(5000))
    orders = [tuple(o["o"][0, 0]) for o in outs]
    perms = sorted(set(orders))
    assert len(perms) == 6
    assert _chi2([orders.count(q) for q in perms], [1 / 6] * 6) > 0.01


# -- GaussianNoise and JPEG ------------------------------------------------------------------------

def test_gaussian_noise_adds_normal_noise_to_float_images():
    img = _photo(size=(64, 64)).astype(np.float32) / 255
    out = _one(augment.GaussianNoise, img, mean=0.1, sigma=0.2, clip=False)
    noise = (out - img).ravel()
    assert stats.kstest(noise[:5000], stats.norm(0.1, 0.2).cdf).pvalue > 0.01
    clipped = _one(augment.GaussianNoise, img, sigma=0.5)
    assert clipped.min() >= 0.0 and clipped.max() <= 1.0 and (clipped == 1.0).any() and (clipped == 0.0).any()
    with pytest.raises(ValueError, match="float images"):
        _one(augment.GaussianNoise, _photo())


def _cv2_jpeg(img, q):
    ok, data = cv2.imencode(".jpg", img[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, q])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1]


@pytest.mark.parametrize("q", [10, 50, 90])
def test_jpeg_equals_libjpeg_round_trip(q):
    img = _photo("coffee")
    out = _one(augment.JPEG, img, quality=q)
    d = np.abs(out.astype(int) - _cv2_jpeg(img, q).astype(int))
    assert d.max() == 0, (q, d.max(), d.mean())


def test_jpeg_quality_is_a_uniform_integer_with_both_ends():
    img = np.zeros((8, 8, 3), np.uint8)
    outs = _run(lambda: {"q": augment.JPEG(Constant(img), quality=(20, 24)).inputs[2]}, samples=range(5000))
    q = np.array([int(o["q"]) for o in outs])
    assert set(q) == {20, 21, 22, 23, 24}
    assert _chi2(np.bincount(q - 20), [0.2] * 5) > 0.01
    with pytest.raises(ValueError, match="quality"):
        augment.JPEG(quality=0)


# -- RandomPhotometricDistort -------------------------------------------------------------------------

def tv_photometric(img, b, c, s, h, before, perm):
    x = img
    if b is not None:
        x = tv_brightness(x, b)
    if c is not None and before:
        x = tv_contrast(x, c)
    if s is not None:
        x = tv_saturation(x, s)
    if h is not None:
        x = tv_hue(x, h)
    if c is not None and not before:
        x = tv_contrast(x, c)
    if perm is not None:
        x = x[..., list(perm)]
    return x


def _photometric_draws(img, samples, **kw):
    def build():
        out = augment.RandomPhotometricDistort(Constant(img), **kw)
        return {"out": out, **{f"d{i}": v for i, v in enumerate(out.inputs[2:])}}
    return _run(build, samples=range(samples), seed=11)


def test_photometric_distort_equals_torchvision_for_its_drawn_steps():
    img = _photo("chelsea")
    worst = 0
    for o in _photometric_draws(img, 24):
        d = [np.asarray(o[f"d{i}"]) for i in range(11)]
        on = [bool(d[0]), bool(d[2]), bool(d[4]), bool(d[6])]
        factors = [float(d[1]), float(d[3]), float(d[5]), float(d[7])]
        args = [f if a else None for a, f in zip(on, factors)]
        perm = tuple(int(v) for v in d[10]) if bool(d[9]) else None
        ref = tv_photometric(img, *args, bool(d[8]), perm)
        diff = np.abs(o["out"].astype(int) - ref.astype(int))
        # brightness, contrast and saturation round where torchvision truncates (one level per
        # step, as the policies' operations), and contrast and saturation factors up to 1.5 amplify
        # the earlier steps' differences; hue is torchvision's f32 HSV
        assert diff.max() <= 8 and diff.mean() < 2.0, (args, diff.max(), diff.mean())
        worst = max(worst, diff.max())
    print(f"RandomPhotometricDistort: max diff {worst} over 24 samples")


def test_photometric_distort_draws_like_torchvision():
    img = np.zeros((4, 4, 3), np.uint8)
    outs = _photometric_draws(img, 5000)
    d = np.array([[float(np.asarray(o[f"d{i}"])) for i in range(10)] for o in outs])
    for k in (0, 2, 4, 6, 9):   # each step applied with p = 0.5
        assert stats.binomtest(int(d[:, k].sum()), 5000, 0.5).pvalue > 0.01
    assert stats.binomtest(int(d[:, 8].sum()), 5000, 0.5).pvalue > 0.01     # contrast before
    for k, (lo, hi) in zip((1, 3, 5, 7), ((0.875, 1.125), (0.5, 1.5), (0.5, 1.5), (-0.05, 0.05))):
        assert stats.kstest(d[:, k], stats.uniform(lo, hi - lo).cdf).pvalue > 0.01
    # independent steps
    table = np.zeros((2, 2))
    np.add.at(table, (d[:, 0].astype(int), d[:, 2].astype(int)), 1)
    assert stats.chi2_contingency(table)[1] > 0.01


# -- LinearTransformation -----------------------------------------------------------------------------

def test_linear_transformation_equals_torchvision_in_chw_order():
    rng = np.random.default_rng(0)
    img = _photo(size=(6, 5))
    d = 6 * 5 * 3
    m = rng.normal(size=(d, d)).astype(np.float32) / 10
    v = rng.uniform(0, 255, size=d).astype(np.float32)
    out = _one(augment.LinearTransformation, img, transformation_matrix=m, mean_vector=v)
    t = _chw(img).float()
    ref = torch.mm(t.reshape(-1, d) - torch.from_numpy(v), torch.from_numpy(m)).reshape(t.shape)
    assert out.dtype == np.float32 and out.shape == img.shape
    np.testing.assert_allclose(out, _hwc(ref), rtol=1e-4, atol=1e-2)


def test_linear_transformation_checks_sizes():
    img = _photo(size=(6, 5))
    with pytest.raises(ValueError, match="square"):
        augment.LinearTransformation(transformation_matrix=np.zeros((2, 3)), mean_vector=np.zeros(2))
    with pytest.raises(ValueError, match="90 values"):
        _one(augment.LinearTransformation, img, transformation_matrix=np.eye(4), mean_vector=np.zeros(4))


# -- MixUp and CutMix ---------------------------------------------------------------------------------

def _pair_items(a, b, la=2, lb=7):
    return [Resource(image=Constant(a), label=Constant(np.int64(la))),
            Resource(image=Constant(b), label=Constant(np.int64(lb)))]


def _mix_draws(cls, samples, a, b, **kw):
    def build():
        out = cls(_pair_items(a, b), num_classes=10, **kw)
        return {"image": out["image"], "label": out["label"]}
    return _run(build, samples=range(samples), seed=4)


def test_mixup_blends_images_and_labels_with_one_lambda():
    a, b = _photo("astronaut"), _photo("coffee")
    for o in _mix_draws(augment.MixUp, 20, a, b, alpha=0.4):
        lam = float(o["label"][2])
        assert abs(lam + o["label"][7] - 1.0) < 1e-6 and np.count_nonzero(o["label"]) <= 2
        ref = np.clip(np.rint(a.astype(np.float64) * lam + b.astype(np.float64) * (1 - lam)), 0, 255)
        assert np.abs(o["image"].astype(int) - ref).max() <= 1


def test_mixup_lambda_is_beta_like_torch():
    torch.manual_seed(0)
    a = b = np.zeros((4, 4, 3), np.uint8)
    lams = np.array([float(o["label"][2]) for o in _mix_draws(augment.MixUp, 5000, a, b, alpha=0.4)])
    theirs = torch.distributions.Beta(torch.tensor([0.4]), torch.tensor([0.4])).sample((5000,)).numpy().ravel()
    assert stats.ks_2samp(lams, theirs).pvalue > 0.01


def tv_cutmix_box(lam, h, w, g):
    # torchvision's CutMix: center randint(W), randint(H); half sides int(r * size), r = 0.5 sqrt(1 - lam)
    r_x = torch.randint(w, size=(1,), generator=g)
    r_y = torch.randint(h, size=(1,), generator=g)
    r = 0.5 * np.sqrt(1.0 - lam)
    rw, rh = int(r * w), int(r * h)
    x1, y1 = int(torch.clamp(r_x - rw, min=0)), int(torch.clamp(r_y - rh, min=0))
    x2, y2 = int(torch.clamp(r_x + rw, max=w)), int(torch.clamp(r_y + rh, max=h))
    return x1, y1, x2, y2


def test_cutmix_pastes_the_partner_box_and_weights_labels_by_area():
    h, w = 40, 60
    a, b = np.zeros((h, w, 3), np.uint8), np.full((h, w, 3), 255, np.uint8)
    areas = []
    for o in _mix_draws(augment.CutMix, 5000, a, b):
        pasted = o["image"][..., 0] == 255
        ys, xs = np.nonzero(pasted)
        area = pasted.sum()
        if area:
            box = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
            assert area == (box[2] - box[0]) * (box[3] - box[1])   # one rectangle
        assert abs(o["label"][7] - area / (h * w)) < 1e-6 and abs(o["label"][2] - (1 - area / (h * w))) < 1e-6
        areas.append(area)
    g = torch.Generator().manual_seed(3)
    torch.manual_seed(3)
    beta = torch.distributions.Beta(torch.tensor([1.0]), torch.tensor([1.0]))
    theirs = []
    for _ in range(5000):
        x1, y1, x2, y2 = tv_cutmix_box(float(beta.sample()), h, w, g)
        theirs.append((x2 - x1) * (y2 - y1))
    assert stats.ks_2samp(areas, theirs).pvalue > 0.01


def test_mixing_checks_its_arguments():
    a = _photo(size=(8, 8))
    with pp.Graph():
        items = _pair_items(a, a)
        with pytest.raises(ValueError, match="two Resources"):
            augment.MixUp(items[:1], num_classes=10)
        with pytest.raises(ValueError, match="alpha"):
            augment.CutMix(items, num_classes=10, alpha=0)
        with pytest.raises(ValueError, match="label field"):
            augment.MixUp(items, num_classes=10, labels="cls")


# -- albumentations' ColorJitter, mapped to augment.ColorJitter ---------------------------------------

def test_color_jitter_against_albumentations_with_the_drawn_factors_and_order():
    """augment.ColorJitter implements torchvision's arithmetic; albumentations' ColorJitter takes
    the same ranges and also applies the four adjustments in a random order, with OpenCV's gray and
    HSV. With our drawn factors and order fed to albumentations' functions, the images agree
    within the bounds below (the catalog lists the difference)."""
    fpixel = pytest.importorskip("albumentations.augmentations.pixel.functional")
    names = ("brightness", "contrast", "saturation", "hue")
    funcs = [fpixel.adjust_brightness_torchvision, fpixel.adjust_contrast_torchvision,
             fpixel.adjust_saturation_torchvision, fpixel.adjust_hue_torchvision]
    kw = dict(brightness=(0.8, 1.2), contrast=(0.8, 1.2), saturation=(0.8, 1.2), hue=(-0.2, 0.2))
    worst, means = 0, []
    for name in NAMES:
        img = _photo(name)

        def build():
            out = augment.ColorJitter(Constant(img), **kw)
            return {"out": out, **{f"d{i}": v for i, v in enumerate(out.inputs[2:])}}
        for o in _run(build, samples=range(8), seed=2):
            order = [int(v) for v in np.asarray(o["d0"])]
            factors = [float(np.asarray(o[f"d{i + 1}"])) for i in range(4)]
            ref = img.copy()
            for k in order:
                ref = funcs[k](ref, factors[k])
            d = np.abs(o["out"].astype(int) - ref.astype(int))
            worst = max(worst, int(d.max()))
            means.append(d.mean())
    print(f"ColorJitter vs albumentations: max {worst}, mean {np.mean(means):.3f} ({', '.join(names)} in drawn orders)")
    # each step alone is within 1 level (brightness, contrast, saturation) or 4 (hue: OpenCV's u8
    # HSV against torchvision's f32 HSV); four steps in a row compound those
    assert np.mean(means) < 1.5 and worst <= 16


@pytest.mark.parametrize("step,factor,bound", [("brightness", 1.15, 1), ("contrast", 0.8, 1), ("saturation", 1.2, 1),
                                                ("hue", 0.1, 4)])
def test_color_jitter_steps_against_albumentations(step, factor, bound):
    fpixel = pytest.importorskip("albumentations.augmentations.pixel.functional")
    from pixelpipes.ops import color
    op = {"brightness": color.Brightness, "contrast": color.Contrast, "saturation": color.Saturation,
          "hue": color.Hue}[step]
    fn = getattr(fpixel, f"adjust_{step}_torchvision")
    for name in NAMES:
        img = _photo(name)
        out = _run(lambda: {"o": op(Constant(img), factor)})[0]["o"]
        d = np.abs(out.astype(int) - fn(img.copy(), factor).astype(int))
        assert d.max() <= bound and d.mean() < 0.7, (step, name, d.max(), d.mean())
