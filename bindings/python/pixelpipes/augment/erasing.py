"""albumentations' Erasing (one rectangle, RandomErasing-style) and PixelDropout (random pixels),
with albumentations 2.0.8's arguments, defaults and distributions."""
from __future__ import annotations


from ..ops import noise, random, tensor
from ..ops import flow as _flow
from ..ops import math as _math
from ._common import _is_node, _is_number, _size_f32
from .base import Augmentation
from .dropout import _Dropout, _fill, _fill_mask, _float_range, _stack_holes


def _min(a, b):
    return min(a, b) if not _is_node(a) and not _is_node(b) else _math.Minimum(a, b)


def _maxv(a, b):
    return max(a, b) if not _is_node(a) and not _is_node(b) else _math.Maximum(a, b)


class Erasing(_Dropout):
    """albumentations' Erasing: one rectangle of random area and aspect ratio (its direct draw, not
    torchvision's retries). With A = H W: area ~ uniform(A scale[0], m) where m = min(A scale[1],
    ratio[0] H^2, W^2 / ratio[1]); then r ~ uniform(max(ratio[0], area / H^2), min(ratio[1],
    W^2 / area)) (r = width / height); h = round(sqrt(area / r)), w = round(sqrt(area r)) (halves to
    even); top ~ uniform integer in [0, H - h], left in [0, W - w]. Where m < A scale[0] (or the
    ratio range is empty) nothing is erased. ``fill``: a number, one per channel, "random" or
    "random_uniform" (CoarseDropout's); ``fill_mask`` fills masks (None: unchanged); boxes, points
    and keypoints follow the hole as albumentations' BaseDropout (see CoarseDropout). p defaults
    to 0.5."""

    references = {"albumentations": "Erasing", "torchvision": "RandomErasing"}
    differences = {"torchvision": "albumentations' argument names: fill= for torchvision's value= (a number, "
                                  "per-channel numbers or \"random\"); p defaults to 0.5 as both"}

    @staticmethod
    def configure(scale=(0.02, 0.33), ratio=(0.3, 3.3), fill=0, fill_mask=None):
        scale = _float_range(scale, "scale")
        ratio = _float_range(ratio, "ratio")
        if ratio[0] <= 0:
            raise ValueError(f"ratio must be positive, not {ratio!r}")
        return dict(scale=scale, ratio=ratio, fill=_fill(fill), fill_mask=_fill_mask(fill_mask))

    def holes(self, ref):
        c = self.config
        W, H = _size_f32(ref)
        (s0, s1), (r0, r1) = c["scale"], c["ratio"]
        total = W * H
        min_area = total * s0
        max_area = _min(_min(total * s1, H * H * r0), W * W / r1)
        u = random.Uniform(0.0, 1.0, dtype="f64", shape=[4])
        part = [tensor.Reshape(tensor.Slice(u, i, i + 1), shape=[]) for i in range(4)]
        area = min_area + part[0] * (max_area - min_area)
        low_r, high_r = _maxv(r0, area / (H * H)), _min(r1, W * W / area)
        r = low_r + part[1] * (high_r - low_r)
        h = _math.Round(_math.Sqrt(area / r))
        w = _math.Round(_math.Sqrt(area * r))
        top = _math.Floor(part[2] * (H - h + 1.0))
        left = _math.Floor(part[3] * (W - w + 1.0))
        hole = _stack_holes(*(tensor.Reshape(v, shape=[1]) for v in (left, top, w, h)))
        valid = (max_area >= min_area) & (low_r <= high_r) if _is_node(max_area) else (low_r <= high_r)
        if not _is_node(max_area) and max_area < min_area:
            return tensor.Slice(hole, 0, 0)
        return tensor.Slice(hole, 0, _flow.Select(valid, 1, 0))


def _drop_value(value, what: str):
    if value is None:
        raise ValueError(f"{what}=None (a random colour per sample) is not supported; give a number")
    if isinstance(value, (list, tuple)) and value and all(_is_number(v) for v in value):
        if len(set(float(v) for v in value)) != 1:
            raise ValueError(f"{what}: per-channel values must be equal (noise.pixel_dropout takes one value), "
                             f"not {value!r}")
        value = value[0]
    if not _is_number(value):
        raise ValueError(f"{what} must be a number, not {value!r}")
    return float(value)


class PixelDropout(Augmentation):
    """albumentations' PixelDropout: each pixel (each value with ``per_channel``) is replaced by
    ``drop_value`` with probability ``dropout_prob`` (noise.pixel_dropout). With ``mask_drop_value``
    masks drop pixels too, with their own independent draw (as albumentations, which draws the
    mask's dropout separately), else masks are unchanged. Boxes and keypoints are unchanged
    (albumentations drops a box only when BboxParams' min_area / min_visibility count its dropped
    pixels; we do not). ``drop_value`` None (a random colour) and unequal per-channel values are
    not supported. Several image fields each draw their own pixels. p defaults to 0.5."""

    references = {"albumentations": "PixelDropout"}
    differences = {"albumentations": "drop_value=None (random values) is not supported"}
    kinds = ("image", "mask", "masks")
    default_p = 0.5

    @staticmethod
    def configure(dropout_prob=0.01, per_channel=False, drop_value=0, mask_drop_value=None):
        if not (_is_number(dropout_prob) and 0 <= dropout_prob <= 1):
            raise ValueError(f"dropout_prob must be in [0, 1], not {dropout_prob!r}")
        return dict(dropout_prob=float(dropout_prob), per_channel=bool(per_channel),
                    drop_value=_drop_value(drop_value, "drop_value"),
                    mask_drop_value=None if mask_drop_value is None else _drop_value(mask_drop_value, "mask_drop_value"))

    def apply(self, kind, field, ref):
        c = self.config
        if kind == "image":
            return noise.PixelDropout(field, c["dropout_prob"], value=c["drop_value"], per_channel=c["per_channel"])
        if c["mask_drop_value"] is None:
            return field
        return noise.PixelDropout(field, c["dropout_prob"], value=c["mask_drop_value"], per_channel=c["per_channel"])
