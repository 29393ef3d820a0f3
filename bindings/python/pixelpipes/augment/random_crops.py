"""albumentations' random crops of a drawn size: RandomSizedCrop (then resized to a fixed size)
and RandomCropFromBorders (each side cut by a random amount; the size varies)."""
from __future__ import annotations

import numbers

from ..ops import random, tensor
from ..ops import math as _math
from ._common import _is_number, _scalar, _size_f32, _size_hw
from ._reframe import ReframeAugmentation, area_choice, interpolation_name


def _randint(lo, hi, u):
    """Python's random.randint(lo, hi) (both ends included) from a uniform u in [0, 1)."""
    return lo + _math.Floor(u * (hi - lo + 1.0))


class RandomSizedCrop(ReframeAugmentation):
    """A crop of random height ch ~ uniform integer in ``min_max_height`` (both ends included)
    and width int(ch * ``w2h_ratio``), each clamped to the image, at y = int((H - ch + 1) u1),
    x = int((W - cw + 1) u2) with u1, u2 ~ uniform(0, 1), resized to ``size`` = (height, width)
    (albumentations' RandomSizedCrop). Interpolations and ``area_for_downscale`` (when the crop
    is larger than size on either side) as Resize. Boxes, points and keypoints move with the
    pixels. The output size is ``size``."""

    references = {"albumentations": "RandomSizedCrop"}
    default_p = 1.0

    @staticmethod
    def configure(min_max_height, size, w2h_ratio=1.0, interpolation=1, mask_interpolation=0,
                  area_for_downscale=None):
        if not (isinstance(min_max_height, (list, tuple)) and len(min_max_height) == 2
                and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in min_max_height)
                and 1 <= min_max_height[0] <= min_max_height[1]):
            raise ValueError(f"min_max_height must be (min, max) ints with 1 <= min <= max, not {min_max_height!r}")
        if not (_is_number(w2h_ratio) and w2h_ratio > 0):
            raise ValueError(f"w2h_ratio must be a positive number, not {w2h_ratio!r}")
        return dict(min_max_height=(int(min_max_height[0]), int(min_max_height[1])), size=_size_hw(size),
                    w2h_ratio=float(w2h_ratio), interpolation=interpolation_name(interpolation),
                    mask_interpolation=interpolation_name(mask_interpolation, "mask_interpolation"),
                    area_for_downscale=area_choice(area_for_downscale))

    def static_size(self, ref):
        h, w = self.config["size"]
        return w, h

    def plan(self, ref):
        c = self.config
        W, H = _size_f32(ref)
        lo, hi = c["min_max_height"]
        ch = tensor.Cast(random.Integer(lo, hi + 1), dtype="f32")
        cw = _math.Floor(ch * c["w2h_ratio"])
        ch, cw = _math.Minimum(ch, H), _math.Minimum(cw, W)
        u = random.Uniform(0.0, 1.0, shape=[2])
        y = _math.Floor((H - ch + 1.0) * _scalar(u, 0))
        x = _math.Floor((W - cw + 1.0) * _scalar(u, 1))
        h, w = c["size"]
        return x, y, x + cw, y + ch, float(w), float(h)


class RandomCropFromBorders(ReframeAugmentation):
    """Cuts a random amount from each side (albumentations' RandomCropFromBorders):
    x_min = randint(0, int(crop_left W)), x_max = randint(max(x_min + 1, int((1 - crop_right) W)), W),
    likewise y with crop_top / crop_bottom (randint includes both ends). Boxes, points and
    keypoints are translated. The output size varies per sample."""

    references = {"albumentations": "RandomCropFromBorders"}
    default_p = 1.0
    resizes = False

    @staticmethod
    def configure(crop_left=0.1, crop_right=0.1, crop_top=0.1, crop_bottom=0.1):
        values = dict(crop_left=crop_left, crop_right=crop_right, crop_top=crop_top, crop_bottom=crop_bottom)
        for name, v in values.items():
            if not (_is_number(v) and 0 <= v <= 1):
                raise ValueError(f"{name} must be a fraction in [0, 1], not {v!r}")
        return {k: float(v) for k, v in values.items()}

    def plan(self, ref):
        c = self.config
        W, H = _size_f32(ref)
        u = random.Uniform(0.0, 1.0, shape=[4])
        x1 = _randint(0.0, _math.Floor(c["crop_left"] * W), _scalar(u, 0))
        x2 = _randint(_math.Maximum(x1 + 1.0, _math.Floor((1 - c["crop_right"]) * W)), W, _scalar(u, 1))
        y1 = _randint(0.0, _math.Floor(c["crop_top"] * H), _scalar(u, 2))
        y2 = _randint(_math.Maximum(y1 + 1.0, _math.Floor((1 - c["crop_bottom"]) * H)), H, _scalar(u, 3))
        return x1, y1, x2, y2, x2 - x1, y2 - y1
