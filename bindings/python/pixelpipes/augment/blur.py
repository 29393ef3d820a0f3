"""Blurs of image fields, named and parameterized as albumentations 2.0's blur family: Blur,
MedianBlur, GaussianBlur, MotionBlur, Defocus, ZoomBlur, GlassBlur, AdvancedBlur. Masks, boxes and
keypoints pass through unchanged. Every image field of a sample gets the same draws; borders are
reflect_101 (OpenCV's default, as in albumentations)."""
from __future__ import annotations

import warnings
from typing import Optional, Sequence, Tuple

import numpy as np

from ..flow import Choice, Select
from ..node import as_node
from ..ops import filter as flt
from ..ops import math, random, tensor
from ._common import _is_number, _sub, _uniform
from .base import Augmentation

BORDER = "reflect_101"


# -- argument helpers (albumentations' range conventions) ----------------------------------------

def _range(value, what: str, low: Optional[float] = None, integer: bool = False) -> Tuple[float, float]:
    """albumentations' to_tuple: a number v is (low, v) (sorted) when low is given, else (-v, v);
    a pair is taken as is and must not decrease."""
    if _is_number(value):
        v = float(value)
        lo, hi = (min(low, v), max(low, v)) if low is not None else (-v, v)
    elif isinstance(value, (list, tuple)) and len(value) == 2 and all(_is_number(x) for x in value):
        lo, hi = float(value[0]), float(value[1])
    else:
        raise ValueError(f"{what} must be a number or a (min, max) pair, not {value!r}")
    if lo > hi:
        raise ValueError(f"{what}: the range {value!r} has min > max")
    if integer:
        lo, hi = int(lo), int(hi)
    return lo, hi


def _within(r: Tuple[float, float], what: str, low: Optional[float] = None, high: Optional[float] = None):
    if (low is not None and r[0] < low) or (high is not None and r[1] > high):
        raise ValueError(f"{what}: {r!r} must lie within [{low}, {high}]")
    return r


def _blur_limit(value, what: str = "blur_limit", min_value: int = 3) -> Tuple[int, int]:
    """albumentations' process_blur_limit: an int k is (min_value, k); values below min_value are
    raised to it and even ones to the next odd number (with a warning, as albumentations);
    min > max becomes (max, max)."""
    if isinstance(value, (list, tuple)):
        if len(value) != 2 or not all(_is_number(v) for v in value):
            raise ValueError(f"{what} must be an int or a pair of ints, not {value!r}")
        r = (int(value[0]), int(value[1]))
    elif _is_number(value):
        r = (min_value, int(value))
    else:
        raise ValueError(f"{what} must be an int or a pair of ints, not {value!r}")
    if r[0] < min_value or r[1] < min_value:
        new = (max(min_value, r[0]), max(min_value, r[1]))
        warnings.warn(f"{what}: kernel sizes below {min_value} are not allowed; {r} adjusted to {new}", UserWarning,
                      stacklevel=4)
        r = new
    odd = tuple(v if v == 0 or v % 2 == 1 else v + 1 for v in r)
    if odd != r:
        warnings.warn(f"{what}: kernel sizes must be odd; {r} adjusted to {odd}", UserWarning, stacklevel=4)
        r = odd
    if r[0] > r[1]:
        r = (r[1], r[1])
    return r


def _odd_sizes(lo: int, hi: int) -> Tuple[int, ...]:
    """The odd sizes albumentations' sample_odd_from_range draws from, uniformly."""
    lo = max(3, lo + (lo % 2 == 0))
    hi = max(3, hi + (hi % 2 == 0))
    hi = max(hi, lo)
    return tuple(range(lo, hi + 1, 2))


def _uniform64(lo: float, hi: float, label):
    """A uniform f64 draw in [lo, hi) (a constant f64 when the range is a single number)."""
    if lo == hi:
        return as_node(np.float64(lo))
    return random.Uniform(lo, hi, dtype="f64", label=label)


def _index(n: int, label):
    """A uniform index in [0, n) (a constant 0 when n is 1)."""
    return 0 if n == 1 else random.Integer(0, n, label=label)


def _odd_size(sizes: Sequence[int], label):
    """A uniform draw from `sizes` (consecutive odd numbers), as an i64 node or an int."""
    if len(sizes) == 1:
        return sizes[0]
    return math.Add(math.Multiply(random.Integer(0, len(sizes), label=label), 2), sizes[0])


def _branches(index, options):
    """The option `index` picks (a branch: only that one runs)."""
    return options[0] if len(options) == 1 else Choice(index, *options)


# -- transforms ----------------------------------------------------------------------------------

class Blur(Augmentation):
    """Box blur (the mean over a k x k window, filter.box_blur) with k drawn uniformly from the odd
    sizes in ``blur_limit`` (albumentations' Blur: an int k means (3, k); sizes below 3 are raised
    to 3 and even ones to the next odd number). One branch per size: only the drawn one runs."""

    references = {"albumentations": "Blur"}
    default_p = 0.5

    @staticmethod
    def configure(blur_limit=(3, 7)):
        return dict(sizes=_odd_sizes(*_blur_limit(blur_limit)))

    @classmethod
    def _params(cls, res, ref, config, label):
        return (as_node(_index(len(config["sizes"]), _sub(label, "kernel"))),)

    def blur(self, field, k):
        return flt.BoxBlur(field, kernel_size=k, border=BORDER)

    def apply(self, kind, field, ref, index):
        return _branches(index, [self.blur(field, k) for k in self.config["sizes"]])


class MedianBlur(Blur):
    """Median blur (filter.median_blur, cv::medianBlur) with the window size k drawn uniformly from
    the odd sizes in ``blur_limit`` (as Blur). Sizes above 5 need u8 images."""

    references = {"albumentations": "MedianBlur"}

    def blur(self, field, k):
        return flt.MedianBlur(field, kernel_size=k)


class GaussianBlur(Augmentation):
    """Gaussian blur with sigma ~ uniform(``sigma_limit``) and a kernel size k ~ uniform integer in
    ``blur_limit`` (inclusive; an int k means (0, k)): k = 0 derives the size from sigma as
    int(3.5 sigma) * 2 + 1, an even k becomes k + 1 (albumentations' GaussianBlur). The blur is
    albumentations' own: PIL's 1-D kernel of that size and sigma along both axes
    (filter.separable_gaussian_blur, cv::sepFilter2D; reflect_101 borders)."""

    references = {"albumentations": "GaussianBlur"}
    default_p = 0.5

    @staticmethod
    def configure(blur_limit=0, sigma_limit=(0.5, 3.0)):
        blur = _range(blur_limit, "blur_limit", low=0, integer=True)
        _within(blur, "blur_limit", low=0)
        sigma = _within(_range(sigma_limit, "sigma_limit", low=0), "sigma_limit", low=0)
        if sigma[1] <= 0:
            raise ValueError(f"sigma_limit must allow a positive sigma, not {sigma_limit!r}")
        return dict(blur_limit=blur, sigma_limit=sigma)

    @classmethod
    def _params(cls, res, ref, config, label):
        sigma = as_node(_uniform(*config["sigma_limit"], label=_sub(label, "sigma")))
        lo, hi = config["blur_limit"]
        # int(3.5 sigma) * 2 + 1: odd already
        derived = math.Add(math.Multiply(tensor.Cast(math.Floor(math.Multiply(sigma, 3.5)), dtype="i64"), 2), 1)
        if (lo, hi) == (0, 0):
            return as_node(derived), sigma
        k = random.Integer(lo, hi + 1, label=_sub(label, "kernel"))
        odd = math.Add(k, math.Subtract(1, math.Modulo(k, 2)))
        size = odd if lo > 0 else Select(math.Equal(k, 0), derived, odd)
        return as_node(size), sigma

    def apply(self, kind, field, ref, size, sigma):
        return flt.SeparableGaussianBlur(field, size, sigma)


class MotionBlur(Augmentation):
    """Motion blur: the image convolved (filter.convolve) with a line kernel (filter.motion_kernel)
    of size k ~ the odd sizes of ``blur_limit`` (as Blur), at angle ~ uniform(``angle_range``)
    degrees, direction ~ uniform(``direction_range``) (0: centered; -1/1: the line extends only
    backward/forward), shifted off center by uniform(-1, 1) * (k // 2) / 2 on each axis when
    ``allow_shifted`` (albumentations' MotionBlur and its draws)."""

    references = {"albumentations": "MotionBlur"}
    default_p = 0.5

    @staticmethod
    def configure(blur_limit=(3, 7), allow_shifted: bool = True, angle_range=(0, 360), direction_range=(-1.0, 1.0)):
        angle = _within(_range(angle_range, "angle_range"), "angle_range", 0, 360)
        direction = _within(_range(direction_range, "direction_range"), "direction_range", -1.0, 1.0)
        return dict(sizes=_odd_sizes(*_blur_limit(blur_limit)), allow_shifted=bool(allow_shifted),
                    angle_range=angle, direction_range=direction)

    @classmethod
    def _params(cls, res, ref, config, label):
        size = _odd_size(config["sizes"], _sub(label, "kernel"))
        angle = _uniform(*config["angle_range"], label=_sub(label, "angle"))
        direction = _uniform(*config["direction_range"], label=_sub(label, "direction"))
        if config["allow_shifted"]:
            sx = random.Uniform(-1.0, 1.0, label=_sub(label, "shift_x"))
            sy = random.Uniform(-1.0, 1.0, label=_sub(label, "shift_y"))
        else:
            sx = sy = 0.0
        return (flt.MotionKernel(size, angle, direction, sx, sy),)

    def apply(self, kind, field, ref, kernel):
        return flt.Convolve(field, kernel, border=BORDER)


class Defocus(Augmentation):
    """Defocus: the image convolved with a disk of radius r ~ uniform integer in ``radius``
    (inclusive; an int means (1, r)), smoothed by a Gaussian of sigma ~ uniform(``alias_blur``)
    (filter.defocus_kernel's kernel, applied by filter.defocus; albumentations' Defocus)."""

    references = {"albumentations": "Defocus"}
    default_p = 0.5

    @staticmethod
    def configure(radius=(3, 10), alias_blur=(0.1, 0.5)):
        r = _within(_range(radius, "radius", low=1, integer=True), "radius", 1, 511)
        a = _within(_range(alias_blur, "alias_blur", low=0), "alias_blur", 0)
        return dict(radius=r, alias_blur=a)

    @classmethod
    def _params(cls, res, ref, config, label):
        lo, hi = config["radius"]
        radius = lo if lo == hi else random.Integer(lo, hi + 1, label=_sub(label, "radius"))
        alias = _uniform(*config["alias_blur"], label=_sub(label, "alias_blur"))
        return as_node(radius), as_node(alias)

    def apply(self, kind, field, ref, radius, alias):
        return flt.Defocus(field, radius, alias)


class ZoomBlur(Augmentation):
    """Zoom blur: the mean of the image and its central zooms by the factors arange(1, m, s), with
    s ~ uniform(``step_factor``) and m = max(1 + s, uniform(``max_factor``)) (filter.zoom_blur;
    albumentations' ZoomBlur: an int/float max_factor v means (1, v), a step_factor v (0, v))."""

    references = {"albumentations": "ZoomBlur"}
    default_p = 0.5

    @staticmethod
    def configure(max_factor=(1, 1.31), step_factor=(0.01, 0.03)):
        m = _within(_range(max_factor, "max_factor", low=1), "max_factor", 1)
        s = _within(_range(step_factor, "step_factor", low=0), "step_factor", 0)
        if s[0] <= 0:
            raise ValueError(f"step_factor must be positive, not {step_factor!r}")
        return dict(max_factor=m, step_factor=s)

    @classmethod
    def _params(cls, res, ref, config, label):
        # f64 draws: the factors are arange(1, m, s), whose points an f32 step would shift
        step = as_node(_uniform64(*config["step_factor"], label=_sub(label, "step_factor")))
        top = _uniform64(*config["max_factor"], label=_sub(label, "max_factor"))
        return step, math.Maximum(math.Add(step, np.float64(1.0)), top)

    def apply(self, kind, field, ref, step, top):
        return flt.ZoomBlur(field, top, step)


class GlassBlur(Augmentation):
    """Glass blur: Gaussian blur (``sigma``, the size OpenCV derives), ``iterations`` rounds of
    pixel swaps with random offsets in [-max_delta, max_delta) (filter.glass_offsets, then
    filter.glass_swaps; ``mode`` "fast" or "exact" as albumentations), Gaussian blur again."""

    references = {"albumentations": "GlassBlur"}
    default_p = 0.5

    @staticmethod
    def configure(sigma: float = 0.7, max_delta: int = 4, iterations: int = 2, mode: str = "fast"):
        if not _is_number(sigma) or not sigma > 0:
            raise ValueError(f"sigma must be a positive number, not {sigma!r}")
        if int(max_delta) != max_delta or max_delta < 1:
            raise ValueError(f"max_delta must be an int >= 1, not {max_delta!r}")
        if int(iterations) != iterations or iterations < 1:
            raise ValueError(f"iterations must be an int >= 1, not {iterations!r}")
        if mode not in ("fast", "exact"):
            raise ValueError(f"mode must be 'fast' or 'exact', not {mode!r}")
        return dict(sigma=float(sigma), max_delta=int(max_delta), iterations=int(iterations), mode=mode)

    @classmethod
    def _params(cls, res, ref, config, label):
        return (flt.GlassOffsets(ref, max_delta=config["max_delta"], iterations=config["iterations"],
                                 label=_sub(label, "offsets")),)

    def apply(self, kind, field, ref, offsets):
        c = self.config
        x = flt.GaussianBlur(field, c["sigma"], border=BORDER)
        x = flt.GlassSwaps(x, offsets, max_delta=c["max_delta"], exact=c["mode"] == "exact")
        return flt.GaussianBlur(x, c["sigma"], border=BORDER)


class AdvancedBlur(Augmentation):
    """Anisotropic generalized-Gaussian blur (albumentations' AdvancedBlur): size k ~ the odd sizes
    of ``blur_limit``, sigma_x ~ uniform(``sigma_x_limit``), sigma_y ~ uniform(``sigma_y_limit``),
    angle ~ uniform(``rotate_limit``) degrees, beta ~ uniform(beta_limit[0], 1) or uniform(1,
    beta_limit[1]) with probability 1/2 each, and a k x k multiplicative noise ~
    uniform(``noise_limit``) per cell; the kernel (filter.generalized_gaussian_kernel) is
    normalized and convolved with the image."""

    references = {"albumentations": "AdvancedBlur"}
    default_p = 0.5

    @staticmethod
    def configure(blur_limit=(3, 7), sigma_x_limit=(0.2, 1.0), sigma_y_limit=(0.2, 1.0), rotate_limit=(-90, 90),
                  beta_limit=(0.5, 8.0), noise_limit=(0.9, 1.1)):
        sx = _within(_range(sigma_x_limit, "sigma_x_limit", low=0), "sigma_x_limit", 0)
        sy = _within(_range(sigma_y_limit, "sigma_y_limit", low=0), "sigma_y_limit", 0)
        if sx[0] == 0 and sy[0] == 0:
            raise ValueError("sigma_x_limit and sigma_y_limit minimum value cannot be both equal to 0")
        beta = _range(beta_limit, "beta_limit", low=0)
        if not beta[0] < 1.0 < beta[1]:
            raise ValueError(f"beta_limit should include 1.0, got {beta}")
        noise = _within(_range(noise_limit, "noise_limit", low=0), "noise_limit", 0)
        return dict(sizes=_odd_sizes(*_blur_limit(blur_limit)), sigma_x_limit=sx, sigma_y_limit=sy,
                    rotate_limit=_range(rotate_limit, "rotate_limit"), beta_limit=beta, noise_limit=noise)

    @classmethod
    def _params(cls, res, ref, config, label):
        size = _odd_size(config["sizes"], _sub(label, "kernel"))
        sx = _uniform(*config["sigma_x_limit"], label=_sub(label, "sigma_x"))
        sy = _uniform(*config["sigma_y_limit"], label=_sub(label, "sigma_y"))
        angle = _uniform(*config["rotate_limit"], label=_sub(label, "angle"))
        b0, b1 = config["beta_limit"]
        beta = Select(random.Bernoulli(0.5, label=_sub(label, "beta_side")),
                      random.Uniform(b0, 1.0, label=_sub(label, "beta_low")),
                      random.Uniform(1.0, b1, label=_sub(label, "beta_high")))
        kmax = config["sizes"][-1]
        noise = random.Uniform(*config["noise_limit"], shape=[kmax, kmax], label=_sub(label, "noise"))
        return (flt.GeneralizedGaussianKernel(size, sx, sy, angle, beta, noise),)

    def apply(self, kind, field, ref, kernel):
        return flt.Convolve(field, kernel, border=BORDER)
