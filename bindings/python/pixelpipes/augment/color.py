"""Color augmentations on image fields: ColorJitter and Normalize."""
from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from ..flow import Choice
from ..node import as_node
from ..ops import color, random
from ._common import _is_number, _pair, _scalar, _sub, _uniform
from .base import Augmentation


class ColorJitter(Augmentation):
    """Random brightness, contrast, saturation and hue, applied in a random order per sample
    (torchvision's ColorJitter, with color.brightness/contrast/saturation/hue).

    ``brightness``, ``contrast``, ``saturation``: b (a factor in [max(0, 1 - b), 1 + b]) or
    (min, max); ``hue``: h in [0, 0.5] (a shift in [-h, h]) or (min, max) within [-0.5, 0.5].
    An adjustment whose range is just its identity (0, (1, 1), hue 0) is left out. The order is
    a random.permutation of the adjustments in use; stage k applies the adjustment the
    permutation names (a branch: only that one runs). On a Resource, every image field gets the
    same factors and order.
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
            order, factors = None, params
        else:
            order, factors = params[0], params[1:]
        ops = {"brightness": color.Brightness, "contrast": color.Contrast, "saturation": color.Saturation,
               "hue": color.Hue}
        x = field
        for k in range(len(enabled)):
            options = [ops[n](x, f) for n, f in zip(enabled, factors)]
            x = options[0] if order is None else Choice(_scalar(order, k), *options)
        return x


class Normalize(Augmentation):
    """(x * scale - mean) / std per channel, as f32, C x H x W by default (color.normalize, one
    fused pass). ``scale`` defaults to 1/255 for u8 images, 1/65535 for u16 and 1 otherwise, so
    ``mean``/``std`` are in [0, 1] units as in torchvision. Applies to image fields only."""

    references = {"torchvision": "Normalize"}

    @staticmethod
    def configure(mean, std, chw: bool = True, scale: Optional[float] = None):
        def vec(v, what):
            v = (float(v),) if _is_number(v) else tuple(float(x) for x in v)
            if not v:
                raise ValueError(f"{what} must not be empty")
            return v
        mean, std = vec(mean, "mean"), vec(std, "std")
        if any(s == 0 for s in std):
            raise ValueError(f"std must not contain zeros, not {std}")
        return dict(mean=mean, std=std, chw=bool(chw), scale=None if scale is None else float(scale))

    def apply(self, kind, field, ref):
        c = self.config
        scale = c["scale"]
        if scale is None:
            scale = {"u8": 1 / 255, "u16": 1 / 65535}.get(field.type.dtype, 1.0)
        return color.Normalize(field, np.array(c["mean"], np.float32), np.array(c["std"], np.float32),
                               chw=c["chw"], scale=scale)
