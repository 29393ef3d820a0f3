"""MaskDropout (albumentations 2.0.8): whole objects of the label map dropped from the image and the mask.

The objects are the connected regions of each nonzero value of the resource's mask
(mask.label_objects, 8-connectivity, as albumentations' dropout ``label``). Per sample k =
min(K, randint(min, max)) of the K objects are chosen uniformly without replacement
(random.permutation of the objects, its first k), and their pixels form the dropped region.
"""
from __future__ import annotations

from typing import Tuple

from ..node import Node
from ..ops import image, mask, random, tensor
from ..ops import math as _math
from ._common import _is_number, _sub
from .dropout import _column, _Dropout, _int_range

__all__ = ["MaskDropout", "dropped_objects", "boxes_after_objects"]


def dropped_objects(seg: Node, max_objects: Tuple[int, int]) -> Node:
    """u8 H x W x 1: 255 on the pixels of k = min(K, randint(*max_objects)) objects of the label map
    ``seg`` chosen uniformly without replacement (nothing when the map has no object)."""
    labels = mask.LabelObjects(seg)
    count = _math.FloorDivide(tensor.Size(mask.LabelStats(labels)), 5)
    lo, hi = max_objects
    k = lo if lo == hi else random.Integer(lo, hi + 1)
    chosen = tensor.Slice(random.Permutation(count), 0, _math.Minimum(count, k)) + 1
    return mask.IsIn(labels, chosen)


def boxes_after_objects(boxes: Node, dropped: Node, min_area: float = 0.0, min_visibility: float = 0.0):
    """(the boxes unchanged, N x 1 bool: kept) by albumentations' ``mask_dropout_bboxes``: a box's
    visible area is the number of pixels (column j, row i) with x1 <= j <= x2 and y1 <= i <= y2
    (ends included, as albumentations counts them) not dropped; it is kept when that is >= min_area
    and >= min_visibility times the box's area (x2 - x1) * (y2 - y1). Nothing dropped: all kept."""
    cells = tensor.Concat(_math.Ceil(tensor.Slice(boxes, 0, 2, axis=1)),
                          _math.Floor(tensor.Slice(boxes, 2, 4, axis=1)) + 1.0, axis=1)
    coverage = mask.BoxCoverage(dropped, cells)
    visible = _column(coverage, 0) - _column(coverage, 1)
    area = (_column(boxes, 2) - _column(boxes, 0)) * (_column(boxes, 3) - _column(boxes, 1))
    keep = (visible >= float(min_area)) & (visible >= area * float(min_visibility))
    return boxes, keep | mask.IsEmpty(dropped)


def _number_fill(value, what: str, allow_none: bool = False):
    if value is None and allow_none:
        return None
    if isinstance(value, str):
        if value in ("inpaint_telea", "inpaint_ns"):
            raise ValueError(f"{what}={value!r}: inpainting is not supported; use a number")
        raise ValueError(f"{what} must be a number, not {value!r}")
    if _is_number(value):
        return [float(value)]
    if isinstance(value, (list, tuple)) and len(value) > 0 and all(_is_number(v) for v in value):
        return [float(v) for v in value]
    raise ValueError(f"{what} must be a number{' or None' if allow_none else ''}, not {value!r}")


class MaskDropout(_Dropout):
    """albumentations' MaskDropout: drops whole objects of the resource's label map.

    The objects are the connected regions (8-connectivity) of each nonzero value of the first
    ``mask`` field (two touching regions of different values are two objects). Per sample k =
    min(K, randint(min, max)) of the K objects are chosen uniformly without replacement
    (``max_objects``: an int n means (1, n), a pair (min, max) with 1 <= min <= max). Their pixels
    are set to ``fill`` in the images (a number, or one per channel; the inpainting modes are not
    supported and raise) and to ``fill_mask`` in masks and instance masks (None: unchanged).
    Boxes are not moved: a box is kept when its pixels left visible (ends included, albumentations'
    count) are >= the declaration's min_area and >= min_visibility times its area (both 0 for
    undeclared boxes, which therefore all stay); points on a dropped pixel are removed and
    keypoints there become invisible. Needs a Resource with a mask field. p defaults to 0.5.
    """

    references = {"albumentations": "MaskDropout"}

    @staticmethod
    def configure(max_objects=(1, 1), fill=0, fill_mask=0):
        if isinstance(max_objects, int) and not isinstance(max_objects, bool):
            max_objects = (1, max_objects)  # albumentations' one-plus range: n means (1, n)
        rng = _int_range(max_objects, "max_objects", low=1, zero_plus_scalar=False)
        return dict(max_objects=rng, fill=_number_fill(fill, "fill"),
                    fill_mask=_number_fill(fill_mask, "fill_mask", allow_none=True))

    @classmethod
    def _params(cls, res, ref, config, label):
        names = [n for n, k in (res.kinds.items() if res is not None else ()) if k == "mask"]
        if not names:
            raise ValueError("MaskDropout needs a Resource with a mask field (its objects are dropped)")
        return (type.__call__(cls, res[names[0]], label=_sub(label, "objects"), _part="draw", **config),)

    def draw(self, seg: Node) -> Node:
        return dropped_objects(seg, self.config["max_objects"])

    def fill_pixels(self, field, region, fill):
        value = fill[1] if isinstance(fill, tuple) else fill
        return image.FillWhere(field, region, value=value)

    def dropped_pixels(self, region, ref):
        return region

    def boxes_after(self, boxes, region, dropped, min_area, min_visibility):
        return boxes_after_objects(boxes, dropped, min_area, min_visibility)

    def apply(self, kind, field, ref, region):
        if kind == "boxes":  # undeclared: BboxParams' defaults keep every box, unchanged
            return field
        return super().apply(kind, field, ref, region)
