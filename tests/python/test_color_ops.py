"""color.* ops in compiled pipelines against cv2 / NumPy references.

Tolerances: u8 +-1 level (rounding of float intermediates), f32 1e-5 (relative for values above 1).
Sizes include 1 x 1, 1 x N, odd and non-square images."""
import cv2
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import ops
from op_runner import random_image as image, run_graph

c = ops.color
SIZES = [(1, 1), (1, 7), (5, 3), (4, 9)]


def run(build, *arrays):
    return run_graph(build, *arrays, seed=1)


def close(got, want, dtype=None):
    dtype = dtype or want.dtype
    assert got.dtype == dtype and got.shape == want.shape, (got.dtype, got.shape, want.shape)
    if np.issubdtype(dtype, np.integer):
        assert np.abs(got.astype(np.int64) - want.astype(np.int64)).max(initial=0) <= 1
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def to_dtype(x, dtype):
    """Float results to the image dtype: rounded and saturated for integers, clamped to [0, 1] for f32."""
    if dtype == np.float32:
        return np.clip(x, 0, 1).astype(np.float32)
    hi = np.iinfo(dtype).max
    return np.clip(np.rint(x), 0, hi).astype(dtype)


def gray_tv(img):
    g = 0.2989 * img[..., 0].astype(np.float32) + 0.587 * img[..., 1] + 0.114 * img[..., 2]
    return np.floor(g) if img.dtype != np.float32 else g


CONVERSIONS = {
    "rgb_to_gray": (cv2.COLOR_RGB2GRAY, 3), "gray_to_rgb": (cv2.COLOR_GRAY2RGB, 1),
    "rgb_to_hsv": (cv2.COLOR_RGB2HSV, 3), "hsv_to_rgb": (cv2.COLOR_HSV2RGB, 3),
    "rgb_to_ycrcb": (cv2.COLOR_RGB2YCrCb, 3), "ycrcb_to_rgb": (cv2.COLOR_YCrCb2RGB, 3),
    "rgb_to_lab": (cv2.COLOR_RGB2Lab, 3), "lab_to_rgb": (cv2.COLOR_Lab2RGB, 3),
    "rgb_to_bgr": (cv2.COLOR_RGB2BGR, 3), "bgr_to_rgb": (cv2.COLOR_BGR2RGB, 3),
}


@pytest.mark.parametrize("name", sorted(CONVERSIONS))
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("size", SIZES)
def test_convert_matches_cv2(name, dtype, size):
    code, ch = CONVERSIONS[name]
    img = image(*size, ch, dtype)
    if name == "hsv_to_rgb" and dtype == np.float32:
        img = img * np.float32([360, 1, 1])  # f32 HSV has H in degrees
    got = run(lambda x: c.Convert(x, conversion=name), img)
    want = cv2.cvtColor(img, code)
    if want.ndim == 2:
        want = want[..., None]
    close(got, want)


@pytest.mark.parametrize("name", ["rgb_to_lab", "lab_to_rgb"])
@pytest.mark.parametrize("width", [4096, 4093])
def test_u8_lab_equals_cv2_on_every_triple(name, width):
    """u8 Lab runs our own kernel (kernels/lab_u8), which takes OpenCV's fixed-point steps: every one
    of the 2^24 inputs gives the bits of pip's cv2 (the one albumentations uses), in rows of whole
    16-pixel blocks and with a tail."""
    every = np.arange(1 << 24, dtype=np.uint32)
    img = np.stack([every >> 16, (every >> 8) & 255, every & 255], -1).astype(np.uint8).reshape(4096, 4096, 3)
    img = np.ascontiguousarray(img[:, :width])
    got = run(lambda x: c.Convert(x, conversion=name), img)
    want = cv2.cvtColor(img, CONVERSIONS[name][0])
    assert np.count_nonzero(got != want) == 0


def test_convert_gray_rank2_and_errors():
    assert run(lambda x: c.Convert(x, conversion="gray_to_rgb"), image(3, 5, 0, np.uint8)).shape == (3, 5, 3)
    with pytest.raises(pp.PixelpipesError):
        run(lambda x: c.Convert(x, conversion="rgb_to_hsv"), image(3, 5, 4, np.uint8))
    with pytest.raises(pp.PixelpipesError):
        run(lambda x: c.Convert(x, conversion="rgb_to_lab"), image(3, 5, 3, np.uint16))


ADJUST_DTYPES = [np.uint8, np.uint16, np.float32]


@pytest.mark.parametrize("dtype", ADJUST_DTYPES)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("factor", [0.0, 0.6, 1.7])
def test_brightness_contrast_saturation(dtype, size, factor):
    img = image(*size, 3, dtype)
    x = img.astype(np.float64)
    close(run(lambda a: c.Brightness(a, factor), img), to_dtype(x * factor, dtype))
    mean = gray_tv(img).astype(np.float64).mean()
    close(run(lambda a: c.Contrast(a, factor), img), to_dtype(x * factor + mean * (1 - factor), dtype))
    g = gray_tv(img)[..., None].astype(np.float64)
    close(run(lambda a: c.Saturation(a, factor), img), to_dtype(x * factor + g * (1 - factor), dtype))
    # One channel: contrast blends with its own mean, saturation keeps it.
    one = image(*size, 1, dtype)
    close(run(lambda a: c.Contrast(a, factor), one),
          to_dtype(one * factor + one.astype(np.float64).mean() * (1 - factor), dtype))
    np.testing.assert_array_equal(run(lambda a: c.Saturation(a, factor), one), one)


def hue_ref(img, shift):
    """torchvision's _rgb_to_hsv / _hsv_to_rgb in NumPy (float32)."""
    m = 1.0 if img.dtype == np.float32 else float(np.iinfo(img.dtype).max)
    x = img.astype(np.float32) / np.float32(m)
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    maxc, minc = x.max(-1), x.min(-1)
    eqc = maxc == minc
    cr = maxc - minc
    s = cr / np.where(eqc, 1, maxc)
    d = np.where(eqc, 1, cr)
    rc, gc, bc = (maxc - r) / d, (maxc - g) / d, (maxc - b) / d
    h = np.where(maxc == r, bc - gc, np.where(maxc == g, 2.0 + rc - bc, 4.0 + gc - rc))
    h = np.fmod(h / 6.0 + 1.0, 1.0)
    h = np.mod(h + shift, 1.0)
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int32) % 6
    v = maxc
    p, q, t = (np.clip(v * (1 - s), 0, 1), np.clip(v * (1 - s * f), 0, 1), np.clip(v * (1 - s * (1 - f)), 0, 1))
    rr = np.choose(i, [v, q, p, p, t, v])
    gg = np.choose(i, [t, v, v, q, p, p])
    bb = np.choose(i, [p, p, t, v, v, q])
    return to_dtype(np.stack([rr, gg, bb], -1) * m, img.dtype)


@pytest.mark.parametrize("dtype", ADJUST_DTYPES)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("shift", [-0.5, -0.2, 0.0, 0.3])
def test_hue(dtype, size, shift):
    img = image(*size, 3, dtype)
    got = run(lambda a: c.Hue(a, shift), img)
    want = hue_ref(img, shift)
    if dtype == np.float32:
        np.testing.assert_allclose(got, want, atol=1e-5)
    else:
        close(got, want)


@pytest.mark.parametrize("dtype", ADJUST_DTYPES)
@pytest.mark.parametrize("size", SIZES)
def test_gamma(dtype, size):
    img = image(*size, 3, dtype)
    m = 1.0 if dtype == np.float32 else float(np.iinfo(dtype).max)
    want = to_dtype(1.2 * (img.astype(np.float64) / m) ** 0.7 * m, dtype) if dtype != np.float32 else \
        np.clip(1.2 * img.astype(np.float64) ** 0.7, 0, 1).astype(np.float32)
    close(run(lambda a: c.Gamma(a, 0.7, gain=1.2), img), want)


@pytest.mark.parametrize("dtype", ADJUST_DTYPES)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("chw", [False, True])
def test_normalize(dtype, size, chw):
    img = image(*size, 3, dtype)
    mean = np.array([0.4, 0.5, 0.6], np.float32)
    std = np.array([0.2, 0.25, 0.3], np.float32)
    scale = 1 / 255
    got = run(lambda a: c.Normalize(a, mean, std, chw=chw, scale=scale), img)
    want = (img.astype(np.float64) * scale - mean) / std
    if chw:
        want = want.transpose(2, 0, 1)
    np.testing.assert_allclose(got, want.astype(np.float32), rtol=1e-5, atol=1e-4 if dtype == np.uint16 else 1e-5)
    assert got.dtype == np.float32
    # Scalars and a rank-2 image.
    g = image(*size, 0, dtype)
    np.testing.assert_allclose(run(lambda a: c.Normalize(a, 0.5, 2.0), g), (g.astype(np.float64) - 0.5) / 2.0,
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("src", ADJUST_DTYPES)
@pytest.mark.parametrize("dst", ["u8", "u16", "f32"])
def test_convert_depth(src, dst):
    img = image(5, 3, 3, src)
    got = run(lambda a: c.ConvertDepth(a, dtype=dst), img)
    dt = {"u8": np.uint8, "u16": np.uint16, "f32": np.float32}[dst]
    maxv = lambda d: 1.0 if d == np.float32 else float(np.iinfo(d).max)  # noqa: E731
    want = img.astype(np.float64) * (maxv(dt) / maxv(src))
    want = want.astype(np.float32) if dt == np.float32 else np.clip(np.rint(want), 0, maxv(dt)).astype(dt)
    close(got, want)
    raw = run(lambda a: c.ConvertDepth(a, dtype=dst, scale=False), img)
    want = img.astype(np.float32) if dt == np.float32 else np.clip(np.rint(img.astype(np.float64)), 0, maxv(dt)).astype(dt)
    close(raw, want)


@pytest.mark.parametrize("kind,flag", [("binary", cv2.THRESH_BINARY), ("binary_inv", cv2.THRESH_BINARY_INV),
                                       ("trunc", cv2.THRESH_TRUNC), ("to_zero", cv2.THRESH_TOZERO)])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("size", SIZES)
def test_threshold_matches_cv2(kind, flag, dtype, size):
    img = image(*size, 3, dtype)
    t, mv = (100.5, 200.0) if dtype == np.uint8 else (0.4, 0.9)
    got = run(lambda a: c.Threshold(a, t, max_value=mv, type=kind), img)
    _, want = cv2.threshold(img, t, mv, flag)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("size", SIZES)
def test_invert_solarize_posterize(size):
    u8 = image(*size, 3, np.uint8)
    np.testing.assert_array_equal(run(c.Invert, u8), 255 - u8)
    f = image(*size, 3, np.float32)
    np.testing.assert_allclose(run(c.Invert, f), 1 - f, atol=1e-7)
    u16 = image(*size, 0, np.uint16)
    np.testing.assert_array_equal(run(c.Invert, u16), 65535 - u16)
    np.testing.assert_array_equal(run(lambda a: c.Solarize(a, 128), u8), np.where(u8 >= 128, 255 - u8, u8))
    np.testing.assert_allclose(run(lambda a: c.Solarize(a, 0.5), f), np.where(f >= 0.5, 1 - f, f), atol=1e-7)
    for bits in range(9):
        mask = np.uint8((0xFF00 >> bits) & 0xFF)
        np.testing.assert_array_equal(run(lambda a: c.Posterize(a, bits), u8), u8 & mask)


def equalize_pil(img):
    """PIL's ImageOps.equalize per channel."""
    out = np.empty_like(img)
    chans = img.reshape(img.shape[0], img.shape[1], -1)
    res = out.reshape(chans.shape)
    for k in range(chans.shape[2]):
        ch = chans[..., k]
        h = np.bincount(ch.ravel(), minlength=256)
        nz = h[h > 0]
        step = (nz.sum() - nz[-1]) // 255
        if step == 0:
            lut = np.arange(256)
        else:
            lut = np.minimum((step // 2 + np.concatenate([[0], np.cumsum(h)[:-1]])) // step, 255)
        res[..., k] = lut[ch]
    return out


@pytest.mark.parametrize("shape", [(1, 1, 3), (1, 7, 1), (17, 31, 3), (64, 40), (300, 2, 2)])
def test_equalize_like_pil(shape):
    rng = np.random.default_rng(5)
    img = np.clip(rng.normal(100, 20, shape), 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(run(c.Equalize, img), equalize_pil(img))


@pytest.mark.parametrize("dtype", ADJUST_DTYPES)
@pytest.mark.parametrize("size", SIZES)
def test_blend(dtype, size):
    a, b = image(*size, 3, dtype, 1), image(*size, 3, dtype, 2)
    want = a.astype(np.float64) * 0.7 + b.astype(np.float64) * 0.3
    want = want.astype(np.float32) if dtype == np.float32 else np.clip(np.rint(want), 0, np.iinfo(dtype).max).astype(dtype)
    close(run(lambda x, y: c.Blend(x, y, 0.3), a, b), want)
    if dtype == np.uint8:
        close(run(lambda x, y: c.Blend(x, y, 0.3), a, b), cv2.addWeighted(a, 0.7, b, 0.3, 0))


@pytest.mark.parametrize("size", SIZES)
def test_select_merge_minmax(size):
    img = image(*size, 4, np.uint16)
    np.testing.assert_array_equal(run(lambda a: c.SelectChannels(a, channels=[3, 0, 0]), img), img[..., [3, 0, 0]])
    g = image(*size, 0, np.uint16)
    np.testing.assert_array_equal(run(lambda a, b: c.MergeChannels(a, b), g, img),
                                  np.concatenate([g[..., None], img], -1))
    f = image(*size, 3, np.float32) * 5 - 2
    got = run(c.MinmaxNormalize, f)
    want = (f - f.min()) / (f.max() - f.min()) if f.max() > f.min() else np.zeros_like(f)
    np.testing.assert_allclose(got, want, atol=1e-6)
    np.testing.assert_array_equal(run(c.MinmaxNormalize, np.full((2, 3), 9, np.uint8)), np.zeros((2, 3), np.float32))
