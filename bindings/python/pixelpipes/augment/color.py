"""Color augmentations on image fields: ColorJitter and Normalize."""
from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from ..node import Constant, as_node
from ..ops import color, random, tensor
from ._common import _is_number, _pair, _sub, _uniform
from .base import Augmentation


class ColorJitter(Augmentation):
    """Random brightness, contrast, saturation and hue, applied in a random order per sample
    (torchvision's ColorJitter, with color.brightness/contrast/saturation/hue).

    ``brightness``, ``contrast``, ``saturation``: b (a factor in [max(0, 1 - b), 1 + b]) or
    (min, max); ``hue``: h in [0, 0.5] (a shift in [-h, h]) or (min, max) within [-0.5, 0.5].
    An adjustment whose range is just its identity (0, (1, 1), hue 0) is left out. The order is
    a random.permutation of the adjustments in use; stage k applies the adjustment the
    permutation names. One color.jitter op runs the stages (bit for bit the ops one after
    another; u8 RGB in one pass, or two when contrast follows another adjustment). On a
    Resource, every image field gets the same factors and order.
    """

    references = {"torchvision": "ColorJitter", "albumentations": "ColorJitter"}
    differences = {"albumentations": "torchvision's arithmetic (albumentations: OpenCV's gray and u8 HSV): each "
                                     "adjustment within 1 level (hue 4), four in a row within 16, mean 1.4; "
                                     "defaults: no adjustment and p=1 (albumentations: (0.8, 1.2) ranges, hue "
                                     "(-0.5, 0.5), p=0.5): give them"}
    ADJUSTMENTS = ("brightness", "contrast", "saturation", "hue")
    needs_types = False

    @staticmethod
    def configure(brightness=0, contrast=0, saturation=0, hue=0):
        ranges = {}
        for name, value in (("brightness", brightness), ("contrast", contrast), ("saturation", saturation)):
            r = _pair(value, name, center=1.0, low=0.0)
            ranges[name] = None if r is None or r == (1.0, 1.0) else r
        r = _pair(hue, "hue", center=0.0, low=-0.5, high=0.5)
        ranges["hue"] = None if r is None or r == (0.0, 0.0) else r
        return ranges

    @classmethod
    def _enabled(cls, config) -> Tuple[str, ...]:
        return tuple(n for n in cls.ADJUSTMENTS if config[n] is not None)

    @classmethod
    def _params(cls, res, ref, config, label):
        enabled = cls._enabled(config)
        factors = tuple(as_node(_uniform(*config[n], label=_sub(label, n))) for n in enabled)
        if len(enabled) < 2:
            return factors
        return (random.Permutation(len(enabled), label=_sub(label, "order")),) + factors

    def apply(self, kind, field, ref, *params):
        enabled = self._enabled(self.config)
        if not enabled:
            return field
        if len(enabled) == 1:
            permutation, factors = None, params
        else:
            permutation, factors = params[0], params[1:]
        # One color.jitter op runs the sample's order (stage k: the adjustment the permutation
        # names), with the same bits as the ops one after another; u8 RGB in one or two passes.
        steps = np.array([self.ADJUSTMENTS.index(n) for n in enabled], np.int64)
        order = Constant(steps) if permutation is None else tensor.Gather(Constant(steps), permutation)
        identity = {"brightness": 1.0, "contrast": 1.0, "saturation": 1.0, "hue": 0.0}
        given = dict(zip(enabled, factors))
        return color.Jitter(field, order, *(given.get(n, identity[n]) for n in self.ADJUSTMENTS))


class Normalize(Augmentation):
    """Normalization to f32, C x H x W by default (``chw=False``: H x W x C, albumentations'
    layout). Applies to image fields only; p defaults to 1.

    ``normalization="standard"`` (the default; torchvision's Normalize and albumentations'
    standard mode): (x * scale - mean) / std per channel in one fused pass (color.normalize).
    ``scale`` defaults to 1 / ``max_pixel_value`` when that is given (albumentations' argument:
    (x - mean * max_pixel_value) / (std * max_pixel_value) is the same), else 1/255 for u8 images,
    1/65535 for u16 and 1 otherwise, so ``mean``/``std`` are in [0, 1] units. They default to
    ImageNet's (albumentations' defaults; torchvision requires them).

    albumentations' per-image modes (color.normalize_per_image; ``mean``, ``std``, ``scale`` and
    ``max_pixel_value`` ignored; a 1-channel image takes the global form): "image": (x - mean) /
    (std + 1e-4) over all values; "image_per_channel": per channel; "min_max": (x - min) / (max -
    min + 1e-4); "min_max_per_channel": per channel; clipped to [-20, 20].

    ``max_pixel_value`` and ``normalization`` are keyword-only (albumentations passes
    max_pixel_value third, where torchvision's form has ``chw``: ``chw`` must be a bool)."""

    references = {"torchvision": "Normalize", "albumentations": "Normalize"}
    differences = {"albumentations": "output C x H x W unless chw=False (albumentations: H x W x C); "
                                     "the per-image modes give f32 (albumentations' u8 path gives float64)"}
    MODES = ("standard", "image", "image_per_channel", "min_max", "min_max_per_channel")

    @staticmethod
    def configure(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225), chw: bool = True,
                  scale: Optional[float] = None, *, max_pixel_value: Optional[float] = None,
                  normalization: str = "standard"):
        def vec(v, what):
            v = (float(v),) if _is_number(v) else tuple(float(x) for x in v)
            if not v:
                raise ValueError(f"{what} must not be empty")
            return v
        if not isinstance(chw, (bool, np.bool_)):
            raise ValueError(f"chw must be a bool, not {chw!r} (albumentations' max_pixel_value is keyword-only here)")
        if normalization not in Normalize.MODES:
            raise ValueError(f"normalization must be one of {Normalize.MODES}, not {normalization!r}")
        mean, std = vec(mean, "mean"), vec(std, "std")
        if any(s == 0 for s in std):
            raise ValueError(f"std must not contain zeros, not {std}")
        if max_pixel_value is not None:
            if scale is not None:
                raise ValueError("give scale or max_pixel_value, not both")
            if not (_is_number(max_pixel_value) and max_pixel_value > 0):
                raise ValueError(f"max_pixel_value must be a number > 0, not {max_pixel_value!r}")
            scale = 1.0 / float(max_pixel_value)
        return dict(mean=mean, std=std, chw=bool(chw), scale=None if scale is None else float(scale),
                    normalization=normalization)

    def apply(self, kind, field, ref):
        c = self.config
        if c["normalization"] != "standard":
            return color.NormalizePerImage(field, normalization=c["normalization"], chw=c["chw"])
        scale = c["scale"]
        if scale is None:
            scale = {"u8": 1 / 255, "u16": 1 / 65535}.get(field.type.dtype, 1.0)
        return color.Normalize(field, np.array(c["mean"], np.float32), np.array(c["std"], np.float32),
                               chw=c["chw"], scale=scale)
