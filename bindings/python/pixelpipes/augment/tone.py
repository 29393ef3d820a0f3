"""Color and tone augmentations named after albumentations 2.0.8's (InvertImg ... CLAHE): its
argument names, defaults (p=0.5), parameter distributions and arithmetic, on u8 image fields
(masks, boxes and keypoints pass through). Per-value curves run through 256-entry tables per
channel (color.tone_curve); HSV, CLAHE and Lab through OpenCV."""
from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from ..node import as_node
from ..ops import color, random, tensor
from ..ops import math as pmath
from ._common import _channels, _choice, _is_number, _sub, _symmetric_range
from .base import Augmentation


def _draw(lo: float, hi: float, label):
    """A uniform f64 draw in [lo, hi) (albumentations' py_random.uniform), or the constant."""
    if lo == hi:
        return np.float64(lo)
    return random.Uniform(lo, hi, dtype="f64", label=label)


class InvertImg(Augmentation):
    """max - x (255 - x on u8 images; albumentations' InvertImg and torchvision's RandomInvert, also
    exported as ``augment.RandomInvert``; color.invert)."""

    references = {"albumentations": "InvertImg", "torchvision": "RandomInvert"}
    default_p = 0.5

    @staticmethod
    def configure():
        return {}

    def apply(self, kind, field, ref):
        return color.Invert(field)


class Posterize(Augmentation):
    """Keeps the ``num_bits`` high bits of each value. ``num_bits``: an int in [1, 7], a (min, max)
    pair (an integer drawn uniformly from min..max, both included, shared by all channels), or a
    list of one int or pair per channel (a draw per channel)."""

    references = {"albumentations": "Posterize"}
    default_p = 0.5

    @staticmethod
    def configure(num_bits=4):
        def pair(v):
            if isinstance(v, numbers.Integral) and not isinstance(v, bool):
                v = (int(v), int(v))
            if not (isinstance(v, (list, tuple)) and len(v) == 2 and all(isinstance(x, numbers.Integral) for x in v)):
                raise ValueError(f"num_bits must be an int, a (min, max) pair or a list of them, not {num_bits!r}")
            lo, hi = int(v[0]), int(v[1])
            if not (0 <= lo <= hi <= 8):
                raise ValueError(f"num_bits {v!r} must be within [0, 8] with min <= max")
            return lo, hi
        if isinstance(num_bits, numbers.Integral) and not (1 <= num_bits <= 7):
            raise ValueError(f"num_bits must be in the range [1, 7], not {num_bits}")
        if isinstance(num_bits, (list, tuple)) and len(num_bits) > 2:
            return dict(num_bits=[pair(v) for v in num_bits], per_channel=True)
        return dict(num_bits=[pair(num_bits)], per_channel=False)

    @classmethod
    def _params(cls, res, ref, config, label):
        draws = []
        for k, (lo, hi) in enumerate(config["num_bits"]):
            draws.append(np.float64(lo) if lo == hi else
                         tensor.Cast(random.Integer(lo, hi + 1, label=_sub(label, f"bits{k}")), dtype="f64"))
        if not config["per_channel"]:
            return (as_node(draws[0]),)
        return (tensor.Stack(*[as_node(d) for d in draws]),)

    def apply(self, kind, field, ref, bits):
        return color.ToneCurve(field, bits, 0.0, curve="posterize")


class Solarize(Augmentation):
    """x >= t * 255 ? 255 - x : x with t drawn uniformly from ``threshold_range`` (within [0, 1])."""

    references = {"albumentations": "Solarize"}
    default_p = 0.5

    @staticmethod
    def configure(threshold_range=(0.5, 0.5)):
        if not (isinstance(threshold_range, (list, tuple)) and len(threshold_range) == 2):
            raise ValueError(f"threshold_range must be a (min, max) pair, not {threshold_range!r}")
        lo, hi = float(threshold_range[0]), float(threshold_range[1])
        if not (0 <= lo <= hi <= 1):
            raise ValueError(f"threshold_range {threshold_range!r} must lie within [0, 1] with min <= max")
        return dict(threshold_range=(lo, hi))

    @classmethod
    def _params(cls, res, ref, config, label):
        return (as_node(_draw(*config["threshold_range"], _sub(label, "threshold"))),)

    def apply(self, kind, field, ref, t):
        return color.ToneCurve(field, t, 0.0, curve="solarize")


class RandomGamma(Augmentation):
    """trunc((x / 255)^g * 255) with g = u / 100, u uniform in ``gamma_limit`` (default (80, 120);
    a number v means (1, v)... as albumentations' OnePlusFloatRangeType: v -> (1, v))."""

    references = {"albumentations": "RandomGamma"}
    default_p = 0.5

    @staticmethod
    def configure(gamma_limit=(80, 120)):
        lim = (1.0, float(gamma_limit)) if _is_number(gamma_limit) else tuple(float(v) for v in gamma_limit)
        if len(lim) != 2 or lim[0] > lim[1] or lim[0] < 0:
            raise ValueError(f"gamma_limit must be a number or a (min, max) pair of non-negative numbers, not {gamma_limit!r}")
        return dict(gamma_limit=lim)

    @classmethod
    def _params(cls, res, ref, config, label):
        lo, hi = config["gamma_limit"]
        u = _draw(lo, hi, _sub(label, "gamma"))
        return (as_node(u),)

    def apply(self, kind, field, ref, u):
        return color.ToneCurve(field, as_node(u) / 100.0, 0.0, curve="gamma")


class ToGray(Augmentation):
    """Gray by ``method`` (weighted_average, from_lab, desaturation, average, max, pca; see
    color.to_gray), repeated to ``num_output_channels``. A 1-channel image is left as it is."""

    references = {"albumentations": "ToGray"}
    differences = {"albumentations": "num_output_channels=1 gives H x W x 1 (albumentations: H x W); method pca "
                                     "needs no scikit-learn (its own 3 x 3 PCA, within 1 level of a float64 one)"}
    default_p = 0.5
    METHODS = ("weighted_average", "from_lab", "desaturation", "average", "max", "pca")

    @staticmethod
    def configure(num_output_channels: int = 3, method: str = "weighted_average"):
        if not isinstance(num_output_channels, numbers.Integral) or num_output_channels < 1:
            raise ValueError(f"num_output_channels must be an int >= 1, not {num_output_channels!r}")
        return dict(num_output_channels=int(num_output_channels), method=_choice(method, ToGray.METHODS, "method"))

    def apply(self, kind, field, ref):
        if _channels(field) == 1:
            return field
        c = self.config
        return color.ToGray(field, method=c["method"], channels=c["num_output_channels"])


class ToSepia(Augmentation):
    """cv::transform with the sepia matrix ((0.393, 0.769, 0.189), (0.349, 0.686, 0.168),
    (0.272, 0.534, 0.131)); 1-channel images unchanged."""

    references = {"albumentations": "ToSepia"}
    default_p = 0.5
    MATRIX = (0.393, 0.769, 0.189, 0.349, 0.686, 0.168, 0.272, 0.534, 0.131)

    @staticmethod
    def configure():
        return {}

    def apply(self, kind, field, ref):
        if _channels(field) == 1:
            return field
        return color.Transform(field, matrix=list(self.MATRIX), rows=3)


class ChannelShuffle(Augmentation):
    """The channels in a uniformly random order (one permutation per sample, shared by every
    image field); 1-channel images unchanged."""

    references = {"albumentations": "ChannelShuffle"}
    default_p = 0.5

    @staticmethod
    def configure():
        return {}

    @classmethod
    def _params(cls, res, ref, config, label):
        return (random.Permutation(_channels(ref), label=_sub(label, "order")),)

    def apply(self, kind, field, ref, order):
        if _channels(field) == 1:
            return field
        return color.PickChannels(field, order)


class ChannelDropout(Augmentation):
    """k channels, k uniform in ``channel_drop_range`` (both included), chosen uniformly without
    replacement, set to ``fill``. The range's max must be below the channel count."""

    references = {"albumentations": "ChannelDropout"}
    default_p = 0.5

    @staticmethod
    def configure(channel_drop_range=(1, 1), fill: float = 0):
        lo, hi = (int(v) for v in channel_drop_range)
        if lo < 1 or lo > hi:
            raise ValueError(f"channel_drop_range must be (min, max) with 1 <= min <= max, not {channel_drop_range!r}")
        return dict(channel_drop_range=(lo, hi), fill=float(fill))

    @classmethod
    def _params(cls, res, ref, config, label):
        lo, hi = config["channel_drop_range"]
        c = _channels(ref)
        if hi >= c:
            raise ValueError(f"ChannelDropout: can not drop all {c} channels (channel_drop_range {lo, hi})")
        k = lo if lo == hi else random.Integer(lo, hi + 1, label=_sub(label, "count"))
        perm = random.Permutation(c, label=_sub(label, "channels"))
        return (tensor.Slice(perm, 0, k),)

    def apply(self, kind, field, ref, channels):
        return color.FillChannels(field, channels, self.config["fill"])


class RGBShift(Augmentation):
    """Adds trunc(s_c) to channel c (saturated), s_c uniform in the channel's limit; limits beyond
    [-1, 1] are in pixel units, within it in fractions of 255 (albumentations' rule)."""

    references = {"albumentations": "RGBShift"}
    default_p = 0.5

    @staticmethod
    def configure(r_shift_limit=(-20, 20), g_shift_limit=(-20, 20), b_shift_limit=(-20, 20)):
        ranges = []
        for name, v in (("r_shift_limit", r_shift_limit), ("g_shift_limit", g_shift_limit), ("b_shift_limit", b_shift_limit)):
            lo, hi = _symmetric_range(v, name)
            if abs(lo) > 1 or abs(hi) > 1:
                lo, hi = lo / 255.0, hi / 255.0
            ranges.append((lo, hi))
        return dict(ranges=tuple(ranges))

    @classmethod
    def _params(cls, res, ref, config, label):
        draws = [as_node(_draw(lo, hi, _sub(label, f"shift{k}"))) for k, (lo, hi) in enumerate(config["ranges"])]
        return (tensor.Stack(*draws) * 255.0,)

    def apply(self, kind, field, ref, shifts):
        return color.ToneCurve(field, 1.0, shifts, curve="add")


class RandomBrightnessContrast(Augmentation):
    """albumentations' additive form: x * alpha + beta through a float32 table, truncated and
    saturated: alpha = 1 + c, c uniform in ``contrast_limit``; beta = b * 255 (brightness_by_max)
    or b * mean(image) (mean over every value of the first image field), b uniform in
    ``brightness_limit``. ensure_safe_range: alpha, beta limited as albumentations'
    get_safe_brightness_contrast_params."""

    references = {"albumentations": "RandomBrightnessContrast"}
    default_p = 0.5

    @staticmethod
    def configure(brightness_limit=(-0.2, 0.2), contrast_limit=(-0.2, 0.2), brightness_by_max: bool = True,
                  ensure_safe_range: bool = False):
        def cfg_lo(v):
            return _symmetric_range(v, "contrast_limit")[0]
        cfg = dict(brightness_limit=_symmetric_range(brightness_limit, "brightness_limit"),
                    contrast_limit=_symmetric_range(contrast_limit, "contrast_limit"),
                    brightness_by_max=bool(brightness_by_max), ensure_safe_range=bool(ensure_safe_range))
        if ensure_safe_range and not brightness_by_max:
            raise ValueError("ensure_safe_range needs brightness_by_max=True here")
        if ensure_safe_range and cfg_lo(contrast_limit) <= -1:
            raise ValueError("ensure_safe_range needs contrast_limit above -1")
        return cfg

    @classmethod
    def _params(cls, res, ref, config, label):
        alpha = as_node(_draw(*config["contrast_limit"], _sub(label, "contrast"))) + 1.0
        b = as_node(_draw(*config["brightness_limit"], _sub(label, "brightness")))
        if not config["brightness_by_max"]:
            return (alpha, b)   # scaled by the image's mean in color.tone_curve (multiply_add_mean)
        beta = b * 255.0
        if config["ensure_safe_range"]:
            # get_safe_brightness_contrast_params for alpha > 0 (configure refuses contrast <= -1)
            beta = pmath.Minimum(pmath.Maximum(beta, 0.0), 255.0)
            alpha = pmath.Minimum(alpha, (255.0 - beta) / 255.0)
        return (alpha, beta)

    def apply(self, kind, field, ref, alpha, beta):
        curve = "multiply_add" if self.config["brightness_by_max"] else "multiply_add_mean"
        return color.ToneCurve(field, alpha, beta, curve=curve)


class HueSaturationValue(Augmentation):
    """OpenCV u8 HSV: hue + h (mod 180, truncated), saturation and value + trunc(s), trunc(v)
    (saturated; saturation 0 stays 0), h, s, v uniform in the limits (color.shift_hsv)."""

    references = {"albumentations": "HueSaturationValue"}
    default_p = 0.5

    @staticmethod
    def configure(hue_shift_limit=(-20, 20), sat_shift_limit=(-30, 30), val_shift_limit=(-20, 20)):
        return dict(hue=_symmetric_range(hue_shift_limit, "hue_shift_limit", -180, 180),
                    sat=_symmetric_range(sat_shift_limit, "sat_shift_limit", -255, 255),
                    val=_symmetric_range(val_shift_limit, "val_shift_limit", -255, 255))

    @classmethod
    def _params(cls, res, ref, config, label):
        return tuple(as_node(_draw(*config[n], _sub(label, n))) for n in ("hue", "sat", "val"))

    def apply(self, kind, field, ref, h, s, v):
        return color.ShiftHsv(field, h, s, v)


class Equalize(Augmentation):
    """Histogram equalization (color.equalize_histogram): ``mode`` cv or pil, ``by_channels``
    (else Y of YCrCb); ``mask``: a fixed array (H x W or H x W x C), or the name of a Resource
    field whose non-zero pixels are counted."""

    references = {"albumentations": "Equalize"}
    differences = {"albumentations": "a callable mask is not taken: a fixed array, or the name of a Resource field"}
    default_p = 0.5

    @staticmethod
    def configure(mode: str = "cv", by_channels: bool = True, mask=None, mask_params=()):
        if mask is not None and not isinstance(mask, (np.ndarray, str)):
            raise ValueError("mask must be an array or the name of a Resource field (callables are albumentations-only)")
        return dict(mode=_choice(mode, ("cv", "pil"), "mode"), by_channels=bool(by_channels),
                    mask=mask, mask_params=tuple(mask_params))

    @classmethod
    def _params(cls, res, ref, config, label):
        m = config["mask"]
        if m is None:
            return ()
        if isinstance(m, str):
            if res is None or m not in res.kinds:
                raise ValueError(f"Equalize: mask names the field {m!r}, which the Resource does not have")
            return (res[m],)
        return (as_node(np.ascontiguousarray(m, dtype=np.uint8)),)

    def apply(self, kind, field, ref, *mask):
        c = self.config
        if mask:
            return color.EqualizeHistogramMasked(field, mask[0], mode=c["mode"], by_channels=c["by_channels"])
        return color.EqualizeHistogram(field, mode=c["mode"], by_channels=c["by_channels"])


class AutoContrast(Augmentation):
    """Per-channel contrast stretch (color.auto_contrast): ``cutoff`` percent cut at each end,
    ``ignore`` (albumentations' rule), ``method`` cdf or pil."""

    references = {"albumentations": "AutoContrast"}
    differences = {"albumentations": "ignore works on RGB images (albumentations' calcHist rejects its bool mask there)"}
    default_p = 0.5

    @staticmethod
    def configure(cutoff: float = 0, ignore: Optional[int] = None, method: str = "cdf"):
        if not (0 <= float(cutoff) <= 100):
            raise ValueError(f"cutoff must be in [0, 100], not {cutoff!r}")
        if ignore is not None and not (0 <= int(ignore) <= 255):
            raise ValueError(f"ignore must be in [0, 255] or None, not {ignore!r}")
        return dict(cutoff=float(cutoff), ignore=-1 if ignore is None else int(ignore),
                    method=_choice(method, ("cdf", "pil"), "method"))

    def apply(self, kind, field, ref):
        c = self.config
        return color.AutoContrast(field, cutoff=c["cutoff"], ignore=c["ignore"], method=c["method"])


class CLAHE(Augmentation):
    """cv::CLAHE on L of Lab (RGB) or the gray image; clip limit uniform in ``clip_limit``
    (a number v: (1, v)), ``tile_grid_size`` (columns, rows) as OpenCV's Size."""

    references = {"albumentations": "CLAHE"}
    default_p = 0.5

    @staticmethod
    def configure(clip_limit=4.0, tile_grid_size=(8, 8)):
        lim = (1.0, float(clip_limit)) if _is_number(clip_limit) else tuple(float(v) for v in clip_limit)
        if len(lim) != 2 or lim[0] > lim[1]:
            raise ValueError(f"clip_limit must be a number or a (min, max) pair, not {clip_limit!r}")
        tc, tr = (int(v) for v in tile_grid_size)
        if tc < 1 or tr < 1:
            raise ValueError(f"tile_grid_size must be >= 1, not {tile_grid_size!r}")
        return dict(clip_limit=lim, tile_grid_size=(tc, tr))

    @classmethod
    def _params(cls, res, ref, config, label):
        return (as_node(_draw(*config["clip_limit"], _sub(label, "clip_limit"))),)

    def apply(self, kind, field, ref, clip):
        tc, tr = self.config["tile_grid_size"]
        return color.Clahe(field, clip, tile_cols=tc, tile_rows=tr)
