"""Whole-image color effects and type conversions named after albumentations 2.0.8's: FancyPCA,
PlanckianJitter, RandomToneCurve, Illumination, PlasmaBrightnessContrast, PlasmaShadow, ToFloat,
FromFloat, ToRGB (albumentations' Normalize modes are in augment.Normalize). Its argument names,
defaults, parameter distributions and arithmetic, on image fields only (masks, boxes and
keypoints pass through). Per-value curves run through u8 tables (color.tone_curve,
color.lookup); the others are one C++ kernel each (color.fancy_pca, color.illumination,
noise.plasma with color.plasma_shadow / color.plasma_brightness_contrast)."""
from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from ..node import as_node
from ..ops import color, noise, random, tensor
from ..ops import math as pmath
from ._common import _channels, _choice, _sub
from .base import Augmentation
from .tone import _draw


def _range(value, what: str, low: float, high: float):
    """A (min, max) pair within [low, high]."""
    if not (isinstance(value, (list, tuple)) and len(value) == 2):
        raise ValueError(f"{what} must be a (min, max) pair, not {value!r}")
    lo, hi = float(value[0]), float(value[1])
    if not (low <= lo <= hi <= high):
        raise ValueError(f"{what} {value!r} must lie within [{low}, {high}] with min <= max")
    return lo, hi


class FancyPCA(Augmentation):
    """AlexNet's PCA color augmentation with albumentations' arithmetic (color.fancy_pca): with x in
    [0, 1], m the per-channel mean and (V, lambda) the eigen-decomposition of the channels'
    covariance (largest eigenvalue first), out = rint(clip(x + V diag(alpha * lambda) (x - m), 0, 1)
    * 255); one channel: x + alpha * std(x) * (x - m). ``alpha``: the standard deviation of the
    per-component factors, drawn N(0, alpha) as float32 (one per channel, shared by every image
    field). Eigenvectors are signed with their largest-magnitude entry positive (LAPACK's sign
    is arbitrary; the factors' distribution is symmetric, so the output distribution is the
    same)."""

    references = {"albumentations": "FancyPCA"}
    default_p = 0.5

    @staticmethod
    def configure(alpha: float = 0.1):
        if not (isinstance(alpha, numbers.Real) and alpha >= 0):
            raise ValueError(f"alpha must be a number >= 0, not {alpha!r}")
        return dict(alpha=float(alpha))

    @classmethod
    def _params(cls, res, ref, config, label):
        c = _channels(ref)
        if config["alpha"] == 0:
            return (as_node(np.zeros(c, np.float32)),)
        return (random.Normal(0.0, config["alpha"], dtype="f32", shape=[c], label=_sub(label, "alpha")),)

    def apply(self, kind, field, ref, alpha):
        return color.FancyPca(field, alpha)


class PlanckianJitter(Augmentation):
    """Multiplies R and B by the ratios of a black body's (mode blackbody) or a CIE D
    illuminant's (mode cied) color at temperature T to its green, the ratios interpolated linearly
    between albumentations' table entries every 500 K (u8 tables, truncated as albucore).
    T: sampling_method uniform: with probability 0.4 uniform in [min, 6000), else in [6000, max);
    gaussian: 6000 -/+ |N(0, (6000 - min) / 3)| / |N(0, (max - 6000) / 3)| with the same 0.4 / 0.6
    split; clipped to ``temperature_limit`` and truncated to an integer. ``temperature_limit``
    defaults to (3000, 15000) (blackbody) or (4000, 15000) (cied) and must contain 6000."""

    references = {"albumentations": "PlanckianJitter"}
    default_p = 0.5

    @staticmethod
    def configure(mode: str = "blackbody", temperature_limit=None, sampling_method: str = "uniform"):
        mode = _choice(mode, ("blackbody", "cied"), "mode")
        sampling_method = _choice(sampling_method, ("uniform", "gaussian"), "sampling_method")
        low_bound = 3000 if mode == "blackbody" else 4000
        if temperature_limit is None:
            lo, hi = low_bound, 15000
        else:
            if not (isinstance(temperature_limit, (list, tuple)) and len(temperature_limit) == 2):
                raise ValueError(f"temperature_limit must be a (min, max) pair, not {temperature_limit!r}")
            lo, hi = int(temperature_limit[0]), int(temperature_limit[1])
            if lo > hi:
                raise ValueError(f"temperature_limit {temperature_limit!r} must have min <= max")
            if lo < low_bound or hi > 15000:
                raise ValueError(f"temperature limits for {mode} should be in [{low_bound}, 15000], not {temperature_limit!r}")
            if not lo <= 6000 <= hi:
                raise ValueError("white temperature (6000) should be within the temperature limits")
        return dict(mode=mode, temperature_limit=(lo, hi), sampling_method=sampling_method)

    @staticmethod
    def _table(mode: str, lo: int, hi: int) -> np.ndarray:
        """(hi - lo + 1) x 3 factors (R / G, 1, B / G) for every integer temperature, interpolated
        in float64 as albumentations' planckian_jitter."""
        coeffs = PLANCKIAN_COEFFS[mode]
        tmin, tmax = min(coeffs), max(coeffs)
        rows = []
        for t in range(lo, hi + 1):
            t = min(max(t, tmin), tmax)
            left, right = max((t // 500) * 500, tmin), min((t // 500 + 1) * 500, tmax)
            if left == right:
                c = np.array(coeffs[left])
            else:
                w_right = (t - left) / (right - left)
                c = (1 - w_right) * np.array(coeffs[left]) + w_right * np.array(coeffs[right])
            rows.append((c[0] / c[1], 1.0, c[2] / c[1]))
        return np.array(rows, np.float64)

    @classmethod
    def _params(cls, res, ref, config, label):
        lo, hi = config["temperature_limit"]
        left = as_node(random.Uniform(0.0, 1.0, dtype="f64", label=_sub(label, "side"))) < 0.4
        left = tensor.Cast(left, dtype="f64")
        if config["sampling_method"] == "uniform":
            v = random.Uniform(0.0, 1.0, dtype="f64", label=_sub(label, "temperature"))
            t = left * (lo + (6000.0 - lo) * v) + (1.0 - left) * (6000.0 + (hi - 6000.0) * v)
        else:
            z = pmath.Abs(random.Normal(0.0, 1.0, dtype="f64", label=_sub(label, "temperature")))
            t = left * (6000.0 - z * (abs(6000.0 - lo) / 3)) + (1.0 - left) * (6000.0 + z * (abs(hi - 6000.0) / 3))
        t = pmath.Minimum(pmath.Maximum(t, float(lo)), float(hi))
        index = tensor.Reshape(tensor.Cast(pmath.Floor(t), dtype="i64") - lo, shape=[1])
        table = as_node(cls._table(config["mode"], lo, hi))
        return (tensor.Reshape(tensor.Gather(table, index, axis=0), shape=[3]),)

    def apply(self, kind, field, ref, factors):
        if _channels(field) != 3:
            raise ValueError("PlanckianJitter takes RGB images (3 channels)")
        return color.ToneCurve(field, factors, 0.0, curve="multiply_add")


# albumentations' PLANCKIAN_COEFFS: RGB of a black body / CIE D illuminant every 500 K
PLANCKIAN_COEFFS = {
    "blackbody": {
        3000: [0.6743, 0.4029, 0.0013], 3500: [0.6281, 0.4241, 0.1665], 4000: [0.5919, 0.4372, 0.2513],
        4500: [0.5623, 0.4457, 0.3154], 5000: [0.5376, 0.4515, 0.3672], 5500: [0.5163, 0.4555, 0.4103],
        6000: [0.4979, 0.4584, 0.4468], 6500: [0.4816, 0.4604, 0.4782], 7000: [0.4672, 0.4619, 0.5053],
        7500: [0.4542, 0.463, 0.5289], 8000: [0.4426, 0.4638, 0.5497], 8500: [0.432, 0.4644, 0.5681],
        9000: [0.4223, 0.4648, 0.5844], 9500: [0.4135, 0.4651, 0.599], 10000: [0.4054, 0.4653, 0.6121],
        10500: [0.398, 0.4654, 0.6239], 11000: [0.3911, 0.4655, 0.6346], 11500: [0.3847, 0.4656, 0.6444],
        12000: [0.3787, 0.4656, 0.6532], 12500: [0.3732, 0.4656, 0.6613], 13000: [0.368, 0.4655, 0.6688],
        13500: [0.3632, 0.4655, 0.6756], 14000: [0.3586, 0.4655, 0.682], 14500: [0.3544, 0.4654, 0.6878],
        15000: [0.3503, 0.4653, 0.6933],
    },
    "cied": {
        4000: [0.5829, 0.4421, 0.2288], 4500: [0.551, 0.4514, 0.2948], 5000: [0.5246, 0.4576, 0.3488],
        5500: [0.5021, 0.4618, 0.3941], 6000: [0.4826, 0.4646, 0.4325], 6500: [0.4654, 0.4667, 0.4654],
        7000: [0.4502, 0.4681, 0.4938], 7500: [0.4364, 0.4692, 0.5186], 8000: [0.424, 0.47, 0.5403],
        8500: [0.4127, 0.4705, 0.5594], 9000: [0.4023, 0.4709, 0.5763], 9500: [0.3928, 0.4713, 0.5914],
        10000: [0.3839, 0.4715, 0.6049], 10500: [0.3757, 0.4716, 0.6171], 11000: [0.3681, 0.4717, 0.6281],
        11500: [0.3609, 0.4718, 0.638], 12000: [0.3543, 0.4719, 0.6472], 12500: [0.348, 0.4719, 0.6555],
        13000: [0.3421, 0.4719, 0.6631], 13500: [0.3365, 0.4719, 0.6702], 14000: [0.3313, 0.4719, 0.6766],
        14500: [0.3263, 0.4719, 0.6826], 15000: [0.3217, 0.4719, 0.6882],
    },
}


class RandomToneCurve(Augmentation):
    """A cubic Bezier tone curve through (0, 0), control points (0.25, low) and (0.75, high), and
    (1, 1): table[v] = rint((3 (1-t)^2 t low + 3 (1-t) t^2 high + t^3) * 255), t = v / 255, one u8
    table (color.lookup). low = clip(N(0.25, scale), 0, 1), high = clip(N(0.75, scale), 0, 1); with
    ``per_channel`` (and more than one channel) a pair per channel."""

    references = {"albumentations": "RandomToneCurve"}
    default_p = 0.5
    _T = np.linspace(0.0, 1.0, 256)
    _LOW = 3 * (1 - _T) ** 2 * _T
    _HIGH = 3 * (1 - _T) * _T ** 2
    _CUBE = _T ** 3

    @staticmethod
    def configure(scale: float = 0.1, per_channel: bool = False):
        if not (isinstance(scale, numbers.Real) and 0 <= scale <= 1):
            raise ValueError(f"scale must be in [0, 1], not {scale!r}")
        return dict(scale=float(scale), per_channel=bool(per_channel))

    @classmethod
    def _params(cls, res, ref, config, label):
        c = _channels(ref)
        shape = [c, 1] if config["per_channel"] and c != 1 else []

        def point(mean, what):
            return pmath.Minimum(pmath.Maximum(random.Normal(np.float64(mean), np.float64(config["scale"]), dtype="f64",
                                                             shape=shape,
                                                             label=_sub(label, what)), 0.0), 1.0)
        return (cls._table(point(0.25, "low"), point(0.75, "high")),)

    @classmethod
    def _table(cls, low, high):
        """The u8 table(s) of control points low, high (f64 scalars, or C x 1 for a table per
        channel), in albumentations' float64 order of operations."""
        curve = (as_node(cls._LOW) * low + as_node(cls._HIGH) * high + as_node(cls._CUBE)) * 255.0
        return tensor.Cast(pmath.Minimum(pmath.Maximum(pmath.Round(curve), 0.0), 255.0), dtype="u8")

    def apply(self, kind, field, ref, table):
        return color.Lookup(field, table)


class Illumination(Augmentation):
    """A lighting pattern multiplied in (color.illumination, albumentations' float32 arithmetic).
    intensity uniform in ``intensity_range`` (within [0.01, 0.2]), negated for ``effect_type``
    darken (both: a fair coin). mode linear: a gradient at an angle uniform in ``angle_range``
    (degrees), factor 2|i| g + 1 - |i|; corner: one of the 4 corners (uniform), factor
    1 - i * distance / diagonal; gaussian: center (x, y) uniform in ``center_range`` (fractions of
    width and height), sigma uniform in ``sigma_range`` (fraction of the longer side), factor
    1 + i * exp(-d^2 / (2 sigma'^2))."""

    references = {"albumentations": "Illumination"}
    default_p = 0.5

    @staticmethod
    def configure(mode: str = "linear", intensity_range=(0.01, 0.2), effect_type: str = "both",
                  angle_range=(0, 360), center_range=(0.1, 0.9), sigma_range=(0.2, 1.0)):
        return dict(mode=_choice(mode, ("linear", "corner", "gaussian"), "mode"),
                    intensity_range=_range(intensity_range, "intensity_range", 0.01, 0.2),
                    effect_type=_choice(effect_type, ("brighten", "darken", "both"), "effect_type"),
                    angle_range=_range(angle_range, "angle_range", 0, 360),
                    center_range=_range(center_range, "center_range", 0, 1),
                    sigma_range=_range(sigma_range, "sigma_range", 0.2, 1.0))

    @classmethod
    def _params(cls, res, ref, config, label):
        i = as_node(_draw(*config["intensity_range"], _sub(label, "intensity")))
        if config["effect_type"] == "darken":
            i = -i
        elif config["effect_type"] == "both":
            # albumentations: sign = 1 if random() > 0.5 else -1
            brighter = tensor.Cast(as_node(random.Uniform(0.0, 1.0, dtype="f64", label=_sub(label, "sign"))) > 0.5,
                                   dtype="f64")
            i = i * (brighter * 2.0 - 1.0)
        mode = config["mode"]
        if mode == "linear":
            return (i, as_node(_draw(*config["angle_range"], _sub(label, "angle"))), as_node(0.0), as_node(0.0))
        if mode == "corner":
            corner = tensor.Cast(random.Integer(0, 4, label=_sub(label, "corner")), dtype="f64")
            return (i, corner, as_node(0.0), as_node(0.0))
        x = as_node(_draw(*config["center_range"], _sub(label, "center_x")))
        y = as_node(_draw(*config["center_range"], _sub(label, "center_y")))
        sigma = as_node(_draw(*config["sigma_range"], _sub(label, "sigma")))
        return (i, x, y, sigma)

    def apply(self, kind, field, ref, intensity, a, b, c):
        return color.Illumination(field, intensity, a, b, c, mode=self.config["mode"])


class _Plasma(Augmentation):
    """The plasma pattern (noise.plasma, its own draws), one per sample, shared by every image
    field."""

    @classmethod
    def _pattern(cls, ref, config, label):
        return noise.Plasma(ref, roughness=config["roughness"], label=_sub(label, "plasma"))


class PlasmaBrightnessContrast(_Plasma):
    """Brightness and contrast modulated by a plasma fractal (noise.plasma, albumentations'
    diamond-square with ``roughness``), albumentations' arithmetic (color.plasma_brightness_contrast):
    brightness factor uniform in ``brightness_range``, contrast factor uniform in
    ``contrast_range`` (both within [-1, 1]). As in albumentations 2.0.8, pattern * factor is
    clipped to [0, 1], so negative factors leave the image as it is. ``plasma_size`` is accepted
    and unused (albumentations' pattern takes the image's size). One pattern per sample, shared by
    every image field."""

    references = {"albumentations": "PlasmaBrightnessContrast"}
    default_p = 0.5

    @staticmethod
    def configure(brightness_range=(-0.3, 0.3), contrast_range=(-0.3, 0.3), plasma_size: int = 256,
                  roughness: float = 3.0):
        if not (isinstance(roughness, numbers.Real) and 1e-6 <= roughness <= 1e3):
            raise ValueError(f"roughness must be a number in (0, 1000], not {roughness!r}")
        if not (isinstance(plasma_size, numbers.Integral) and plasma_size >= 1):
            raise ValueError(f"plasma_size must be an int >= 1, not {plasma_size!r}")
        return dict(brightness_range=_range(brightness_range, "brightness_range", -1, 1),
                    contrast_range=_range(contrast_range, "contrast_range", -1, 1),
                    plasma_size=int(plasma_size), roughness=float(roughness))

    @classmethod
    def _params(cls, res, ref, config, label):
        b = as_node(_draw(*config["brightness_range"], _sub(label, "brightness")))
        c = as_node(_draw(*config["contrast_range"], _sub(label, "contrast")))
        return (b, c, cls._pattern(ref, config, label))

    def apply(self, kind, field, ref, b, c, pattern):
        return color.PlasmaBrightnessContrast(field, pattern, b, c)


class PlasmaShadow(_Plasma):
    """A shadow shaped by a plasma fractal (noise.plasma): out = trunc(x * (1 - pattern *
    intensity)), intensity uniform in ``shadow_intensity_range`` (within [0, 1]);
    ``roughness`` as PlasmaBrightnessContrast's, ``plasma_size`` accepted and unused."""

    references = {"albumentations": "PlasmaShadow"}
    default_p = 0.5

    @staticmethod
    def configure(shadow_intensity_range=(0.3, 0.7), plasma_size: int = 256, roughness: float = 3.0):
        if not (isinstance(roughness, numbers.Real) and 1e-6 <= roughness <= 1e3):
            raise ValueError(f"roughness must be a number in (0, 1000], not {roughness!r}")
        return dict(shadow_intensity_range=_range(shadow_intensity_range, "shadow_intensity_range", 0, 1),
                    plasma_size=int(plasma_size), roughness=float(roughness))

    @classmethod
    def _params(cls, res, ref, config, label):
        i = as_node(_draw(*config["shadow_intensity_range"], _sub(label, "intensity")))
        return (i, cls._pattern(ref, config, label))

    def apply(self, kind, field, ref, intensity, pattern):
        return color.PlasmaShadow(field, pattern, intensity)


_MAX_BY_DTYPE = {"u8": 255.0, "u16": 65535.0, "f32": 1.0}


class ToFloat(Augmentation):
    """x / max_value as f32 (max_value None: 255 for u8, 65535 for u16; a f32 image is returned as
    it is), one pass (color.normalize)."""

    references = {"albumentations": "ToFloat"}
    default_p = 1.0

    @staticmethod
    def configure(max_value: Optional[float] = None):
        if max_value is not None and not (isinstance(max_value, numbers.Real) and max_value > 0):
            raise ValueError(f"max_value must be a number > 0 or None, not {max_value!r}")
        return dict(max_value=None if max_value is None else float(max_value))

    def apply(self, kind, field, ref):
        dtype = field.type.dtype
        m = self.config["max_value"]
        if m is None:
            if dtype == "f32":
                return field
            m = _MAX_BY_DTYPE.get(dtype, 1.0)
        return color.Normalize(field, 0.0, m)


class FromFloat(Augmentation):
    """rint(x * max_value), saturated to ``dtype`` (uint8 or uint16; max_value None: the dtype's
    maximum), from a float image."""

    references = {"albumentations": "FromFloat"}
    differences = {"albumentations": "dtype uint32 is not taken (images are u8, u16 or f32 here)"}
    default_p = 1.0

    @staticmethod
    def configure(dtype: str = "uint8", max_value: Optional[float] = None):
        dtype = _choice(dtype, ("uint8", "uint16"), "dtype")
        if max_value is not None and not (isinstance(max_value, numbers.Real) and max_value > 0):
            raise ValueError(f"max_value must be a number > 0 or None, not {max_value!r}")
        return dict(dtype=dtype, max_value=None if max_value is None else float(max_value))

    def apply(self, kind, field, ref):
        c = self.config
        target = {"uint8": "u8", "uint16": "u16"}[c["dtype"]]
        full = _MAX_BY_DTYPE[target]
        if c["max_value"] is None or c["max_value"] == full:
            return color.ConvertDepth(field, dtype=target, scale=True)
        # albucore: rint(x * max_value) in float32, saturated
        return color.ConvertDepth(as_node(field) * np.float32(c["max_value"]), dtype=target, scale=False)


class ToRGB(Augmentation):
    """A gray image (H x W or H x W x 1) with its channel repeated ``num_output_channels`` times;
    a 3-channel image is returned as it is (albumentations warns), other channel counts are an
    error."""

    references = {"albumentations": "ToRGB"}
    default_p = 1.0

    @staticmethod
    def configure(num_output_channels: int = 3):
        if not (isinstance(num_output_channels, numbers.Integral) and num_output_channels >= 1):
            raise ValueError(f"num_output_channels must be an int >= 1, not {num_output_channels!r}")
        return dict(num_output_channels=int(num_output_channels))

    def apply(self, kind, field, ref):
        c = _channels(field)
        if c == 3:
            return field
        if c != 1:
            raise ValueError(f"ToRGB takes gray images (1 channel), not {c} channels")
        return color.SelectChannels(field, channels=[0] * self.config["num_output_channels"])
