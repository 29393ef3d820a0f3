"""filter.* ops in compiled pipelines against cv2 / NumPy references, every border mode.

Borders are checked independently of our padding code: the reference pads with np.pad
(constant, edge, symmetric, wrap = our constant, replicate, reflect, wrap), filters the padded
image with cv2 and crops. Tolerances: u8 +-1 level, f32 1e-5 (1e-4 for derivatives, whose
values reach hundreds)."""
import cv2
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import ops
from op_runner import random_image as image, run_graph

f = ops.filter
SIZES = [(1, 1, 1), (1, 7, 3), (5, 3, 1), (4, 9, 3), (6, 5, 0)]
NP_MODE = {"constant": "constant", "replicate": "edge", "reflect": "symmetric", "wrap": "wrap", "reflect_101": "reflect"}
BORDERS = list(NP_MODE)


def run(build, *arrays):
    return run_graph(build, *arrays, seed=1)


def padded_filter(img, top, bottom, left, right, border, value, fn):
    """fn applied to img padded by our border rule, cropped back (a 2-D or 3-D result like img)."""
    pad = [(top, bottom), (left, right)] + ([(0, 0)] if img.ndim == 3 else [])
    kw = {"constant_values": value} if border == "constant" else {}
    p = np.pad(img, pad, mode=NP_MODE[border], **kw)
    out = fn(p)
    if out.ndim == 2 and img.ndim == 3:
        out = out[..., None]
    return out[top:top + img.shape[0], left:left + img.shape[1]]


def close(got, want, tol=1e-5):
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, got.shape, want.dtype, want.shape)
    if want.dtype == np.uint8:
        assert np.abs(got.astype(int) - want.astype(int)).max(initial=0) <= 1
    else:
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def bv(dtype):
    return 77.0 if dtype == np.uint8 else 0.3


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("size", SIZES)
def test_gaussian_and_box_blur(border, dtype, size):
    img = image(*size, dtype)
    v = bv(dtype)
    got = run(lambda a: f.GaussianBlur(a, 1.3, kernel_size=5, border=border, border_value=v), img)
    want = padded_filter(img, 2, 2, 2, 2, border, v, lambda p: cv2.GaussianBlur(p, (5, 5), 1.3, 1.3))
    close(got, want)
    for k in (1, 3, 4):
        got = run(lambda a: f.BoxBlur(a, kernel_size=k, border=border, border_value=v), img)
        want = padded_filter(img, k // 2, k - 1 - k // 2, k // 2, k - 1 - k // 2, border, v,
                             lambda p: cv2.blur(p, (k, k)))
        close(got, want)


def test_gaussian_kernel_size_from_sigma():
    img = image(9, 11, 3, np.uint8)
    close(run(lambda a: f.GaussianBlur(a, 1.5), img), cv2.GaussianBlur(img, (0, 0), 1.5, borderType=cv2.BORDER_REFLECT))


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("size", SIZES)
def test_convolve(border, dtype, size):
    img = image(*size, dtype)
    kernel = np.array([[0.1, 0.2], [-0.3, 0.4], [0.5, 0.05]], np.float32)  # asymmetric: catches flips
    v = bv(dtype)
    got = run(lambda a, k: f.Convolve(a, k, border=border, border_value=v), img, kernel)
    want = padded_filter(img, 1, 1, 1, 0, border, v, lambda p: cv2.filter2D(p, -1, kernel))
    close(got, want)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("size", SIZES)
def test_median(dtype, size):
    img = image(*size, dtype)
    for k in (3, 5):
        want = cv2.medianBlur(img, k)
        if img.ndim == 3 and want.ndim == 2:
            want = want[..., None]
        np.testing.assert_array_equal(run(lambda a: f.MedianBlur(a, kernel_size=k), img), want)
    if dtype == np.uint8:
        want = cv2.medianBlur(img, 7)
        np.testing.assert_array_equal(run(lambda a: f.MedianBlur(a, kernel_size=7), img),
                                      want[..., None] if img.ndim == 3 and want.ndim == 2 else want)
    else:
        with pytest.raises(pp.PixelpipesError, match="u8"):
            run(lambda a: f.MedianBlur(a, kernel_size=7), img)


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("size", SIZES)
def test_bilateral(border, dtype, size):
    img = image(*size, dtype)
    sc = 40.0 if dtype == np.uint8 else 0.2
    v = bv(dtype)
    got = run(lambda a: f.Bilateral(a, diameter=5, sigma_color=sc, sigma_space=3.0, border=border, border_value=v), img)
    want = padded_filter(img, 2, 2, 2, 2, border, v, lambda p: cv2.bilateralFilter(p, 5, sc, 3.0))
    close(got, want)


def test_kernels():
    g = run(lambda s: f.GaussianKernel(s, 1.1), np.int64(7))
    k1 = cv2.getGaussianKernel(7, 1.1, ktype=cv2.CV_64F)
    np.testing.assert_allclose(g, (k1 @ k1.T).astype(np.float32), rtol=1e-6, atol=1e-7)
    assert g.dtype == np.float32 and abs(g.sum() - 1) < 1e-5
    np.testing.assert_allclose(run(lambda s: f.BoxKernel(s), np.int64(3)), np.full((3, 3), 1 / 9, np.float32))
    assert run(lambda s: f.GaussianKernel(s, 0.0), np.int64(1)).shape == (1, 1)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("size", SIZES + [(8, 13, 3)])
@pytest.mark.parametrize("amount", [-1.0, 0.0, 0.8, 3.0])
def test_sharpen_like_torchvision(dtype, size, amount):
    img = image(*size, dtype)
    x = img.astype(np.float64)
    k = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]], np.float64) / 13
    smooth = cv2.filter2D(x, -1, k)
    if smooth.ndim == 2 and x.ndim == 3:
        smooth = smooth[..., None]
    if dtype == np.uint8:
        smooth = np.rint(smooth)
    want = x + amount * (x - smooth)
    want = np.clip(np.rint(want), 0, 255) if dtype == np.uint8 else np.clip(want, 0, 1)
    want[0], want[-1], want[:, 0], want[:, -1] = x[0], x[-1], x[:, 0], x[:, -1]  # the frame is kept
    close(run(lambda a: f.Sharpen(a, amount), img), want.astype(dtype))


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("size", SIZES)
def test_sobel_laplacian(border, dtype, size):
    img = image(*size, dtype)
    v = bv(dtype)
    for dx, dy, ks in [(1, 0, 3), (0, 1, 3), (1, 1, 5), (2, 0, 7), (0, 1, -1)]:
        r = 1 if ks <= 1 else ks // 2
        got = run(lambda a: f.Sobel(a, dx=dx, dy=dy, ksize=ks, border=border, border_value=v), img)
        want = padded_filter(img, r, r, r, r, border, v, lambda p: cv2.Sobel(p, cv2.CV_32F, dx, dy, ksize=ks))
        close(got, want, 1e-4)
    for ks in (1, 3, 5):
        r = 1 if ks == 1 else ks // 2
        got = run(lambda a: f.Laplacian(a, ksize=ks, border=border, border_value=v), img)
        want = padded_filter(img, r, r, r, r, border, v, lambda p: cv2.Laplacian(p, cv2.CV_32F, ksize=ks))
        close(got, want, 1e-4)


@pytest.mark.parametrize("shape", [(1, 1), (1, 9, 3), (13, 7), (20, 31, 3), (24, 24, 1)])
@pytest.mark.parametrize("aperture,l2", [(3, False), (5, True)])
def test_canny(shape, aperture, l2):
    rng = np.random.default_rng(2)
    img = cv2.GaussianBlur(rng.integers(0, 256, shape, dtype=np.uint8), (3, 3), 1)
    if len(shape) == 3 and img.ndim == 2:
        img = img[..., None]
    got = run(lambda a: f.Canny(a, low=40.0, high=100.0, aperture=aperture, l2_gradient=l2), img)
    want = cv2.Canny(img, 40, 100, apertureSize=aperture, L2gradient=l2)
    if len(shape) == 3:
        want = want[..., None]
    np.testing.assert_array_equal(got, want)
