"""Sharpening and relief of image fields, named and parameterized as albumentations 2.0's Sharpen,
Emboss and UnsharpMask. Masks, boxes and keypoints pass through unchanged; every image field of a
sample gets the same draws; borders are reflect_101 (OpenCV's default, as in albumentations)."""
from __future__ import annotations

import numpy as np

from ..node import Constant, as_node
from ..ops import filter as flt
from ..ops import math, random, tensor
from ._common import _is_number, _sub, _uniform
from .base import Augmentation
from .blur import BORDER, _blur_limit, _range, _within

_IDENTITY = np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], np.float32)
_CENTER = _IDENTITY
# albumentations' effect matrices minus the identity, split into their constant part and the part
# that scales with the drawn lightness / strength: kernel = I + alpha (D + v S).
_SHARPEN_D = np.array([[-1, -1, -1], [-1, 7, -1], [-1, -1, -1]], np.float32)
_EMBOSS_D = np.array([[-1, 0, 0], [0, 0, 0], [0, 0, 1]], np.float32)
_EMBOSS_S = np.array([[-1, -1, 0], [-1, 0, 1], [0, 1, 1]], np.float32)


def _blend_kernel(alpha, value, d: np.ndarray, s: np.ndarray):
    """I + alpha (D + value S) as a 3 x 3 f32 node (= (1 - alpha) I + alpha E(value))."""
    effect = math.Add(Constant(d), math.Multiply(Constant(s), value))
    return math.Add(Constant(_IDENTITY), math.Multiply(effect, alpha))


class Sharpen(Augmentation):
    """Sharpening (albumentations' Sharpen). method "kernel": the image convolved with
    (1 - alpha) I + alpha [[-1, -1, -1], [-1, 8 + lightness, -1], [-1, -1, -1]], alpha ~
    uniform(``alpha``) within [0, 1], lightness ~ uniform(``lightness``) >= 0. method "gaussian":
    x + alpha (x - G(x)), G a Gaussian blur of ``kernel_size`` (made odd) and ``sigma``, rounded
    and saturated (u8) or clamped to [0, 1] (f32)."""

    references = {"albumentations": "Sharpen"}
    differences = {"albumentations": "method='gaussian' computes x - blur(x) in signed arithmetic (albumentations "
                                     "subtracts u8 images, which wraps around below 0)"}
    default_p = 0.5

    @staticmethod
    def configure(alpha=(0.2, 0.5), lightness=(0.5, 1.0), method: str = "kernel", kernel_size: int = 5,
                  sigma: float = 1.0):
        a = _within(_range(alpha, "alpha"), "alpha", 0, 1)
        light = _within(_range(lightness, "lightness"), "lightness", 0)
        if method not in ("kernel", "gaussian"):
            raise ValueError(f"method must be 'kernel' or 'gaussian', not {method!r}")
        if int(kernel_size) != kernel_size or kernel_size < 3:
            raise ValueError(f"kernel_size must be an int >= 3, not {kernel_size!r}")
        if not _is_number(sigma) or not sigma > 0:
            raise ValueError(f"sigma must be a positive number, not {sigma!r}")
        k = int(kernel_size)
        return dict(alpha=a, lightness=light, method=method, kernel_size=k + 1 if k % 2 == 0 else k,
                    sigma=float(sigma))

    @classmethod
    def _params(cls, res, ref, config, label):
        alpha = as_node(_uniform(*config["alpha"], label=_sub(label, "alpha")))
        if config["method"] == "gaussian":
            return (alpha,)
        lightness = _uniform(*config["lightness"], label=_sub(label, "lightness"))
        return (_blend_kernel(alpha, lightness, _SHARPEN_D, _CENTER),)

    def apply(self, kind, field, ref, param):
        c = self.config
        if c["method"] == "kernel":
            return flt.Convolve(field, param, border=BORDER)
        blurred = flt.GaussianBlur(field, c["sigma"], kernel_size=c["kernel_size"], border=BORDER)
        x = tensor.Cast(field, dtype="f32")
        sharp = math.Add(x, math.Multiply(math.Subtract(x, tensor.Cast(blurred, dtype="f32")), param))
        dtype = field.type.dtype
        if dtype in ("u8", "u16"):
            return tensor.Cast(math.Round(sharp), dtype=dtype)
        return math.Minimum(math.Maximum(sharp, 0.0), 1.0)


class Emboss(Augmentation):
    """Relief (albumentations' Emboss): the image convolved with (1 - alpha) I + alpha
    [[-1 - s, -s, 0], [-s, 1, s], [0, s, 1 + s]], alpha ~ uniform(``alpha``) within [0, 1],
    s ~ uniform(``strength``) >= 0."""

    references = {"albumentations": "Emboss"}
    default_p = 0.5

    @staticmethod
    def configure(alpha=(0.2, 0.5), strength=(0.2, 0.7)):
        return dict(alpha=_within(_range(alpha, "alpha"), "alpha", 0, 1),
                    strength=_within(_range(strength, "strength"), "strength", 0))

    @classmethod
    def _params(cls, res, ref, config, label):
        alpha = _uniform(*config["alpha"], label=_sub(label, "alpha"))
        strength = _uniform(*config["strength"], label=_sub(label, "strength"))
        return (_blend_kernel(alpha, strength, _EMBOSS_D, _EMBOSS_S),)

    def apply(self, kind, field, ref, kernel):
        return flt.Convolve(field, kernel, border=BORDER)


class UnsharpMask(Augmentation):
    """Unsharp masking (albumentations' UnsharpMask, filter.unsharp_mask) on [0, 1] values: with
    G a Gaussian blur of size k ~ the odd sizes in ``blur_limit`` (uniform; an int k means (3, k))
    and sigma ~ uniform(``sigma_limit``) (0: OpenCV's sigma for k), r = x - G(x),
    sharp = clip(x + alpha r, 0, 1) with alpha ~ uniform(``alpha``) in [0, 1], and
    m = G(|r| * 255 > ``threshold``): out = sharp m + x (1 - m). u8 or f32 images."""

    references = {"albumentations": "UnsharpMask"}
    default_p = 0.5

    @staticmethod
    def configure(blur_limit=(3, 7), sigma_limit=0.0, alpha=(0.2, 0.5), threshold: int = 10):
        lo, hi = _blur_limit(blur_limit)
        sigma = _within(_range(sigma_limit, "sigma_limit", low=0), "sigma_limit", 0)
        a = _within(_range(alpha, "alpha", low=0), "alpha", 0, 1)
        if not _is_number(threshold) or not 0 <= threshold <= 255:
            raise ValueError(f"threshold must be in [0, 255], not {threshold!r}")
        return dict(sizes=tuple(range(lo, hi + 1, 2)), sigma_limit=sigma, alpha=a, threshold=float(threshold))

    @classmethod
    def _params(cls, res, ref, config, label):
        sizes = config["sizes"]
        size = sizes[0] if len(sizes) == 1 else math.Add(
            math.Multiply(random.Integer(0, len(sizes), label=_sub(label, "kernel")), 2), sizes[0])
        sigma = _uniform(*config["sigma_limit"], label=_sub(label, "sigma"))
        alpha = _uniform(*config["alpha"], label=_sub(label, "alpha"))
        return as_node(size), as_node(sigma), as_node(alpha)

    def apply(self, kind, field, ref, size, sigma, alpha):
        return flt.UnsharpMask(field, size, sigma, alpha, threshold=self.config["threshold"])
