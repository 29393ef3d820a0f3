"""Crops whose window is drawn from the data (boxes or a mask): the shared machinery.

A window crop draws one window x1, y1, x2, y2 (whole pixels, source coordinates) per sample from
the image size and one annotation field, then moves every spatial field by the translation
(-x1, -y1), plus a scaling to a fixed size for the resized crops, so masks, boxes and points
follow the pixels exactly (GeometryAugmentation's contract)."""
from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from ..node import Constant, Node
from ..ops import geometry, image, tensor
from ..ops import math as _math
from ._common import RESIZE_INTERPOLATIONS, _choice, _move_annotations, _scalar, _sub, _with_shape
from .base import GeometryAugmentation

#: OpenCV's interpolation flags (albumentations' arguments) and the names the ops use
_CV2_INTERPOLATIONS = {0: "nearest", 1: "linear", 2: "cubic", 3: "area", 4: "lanczos", 5: "linear", 6: "nearest"}

#: the pixel kinds (instance masks "masks" move like a label map)
_PIXEL_KINDS = ("image", "mask", "masks")


def _interpolation(value, what: str = "interpolation") -> str:
    """An interpolation given as albumentations does (a cv2.INTER_* flag) or by name."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if int(value) not in _CV2_INTERPOLATIONS:
            raise ValueError(f"{what}: {value!r} is not an OpenCV interpolation flag "
                             f"({', '.join(map(str, _CV2_INTERPOLATIONS))})")
        return _CV2_INTERPOLATIONS[int(value)]
    return _choice(value, RESIZE_INTERPOLATIONS, what)


def _f32(x) -> Node:
    return tensor.Cast(x, dtype="f32")


def _clip(x, lo, hi):
    """np.clip(x, lo, hi) (hi wins when lo > hi, as np.clip)."""
    return _math.Minimum(_math.Maximum(x, lo), hi)


def _rows(boxes: Node) -> Node:
    """Boxes as f32 N x 4."""
    return tensor.Reshape(_f32(boxes), shape=[-1, 4])


def _count(boxes: Node) -> Node:
    """The number of boxes (f32 scalar) of an N x 4 tensor."""
    return _f32(tensor.Size(boxes)) / 4.0


def _column(boxes: Node, k: int) -> Node:
    """Column k of N x 4 boxes as a 1-D [N] tensor."""
    return tensor.Reshape(tensor.Slice(boxes, k, k + 1, axis=1), shape=[-1])


def _box_row(boxes: Node, index) -> Node:
    """Row ``index`` (an i64 scalar) of N x 4 boxes as [4]."""
    return tensor.Reshape(tensor.Slice(boxes, index, index + 1), shape=[4])


def _first_field(res, *kinds: str) -> Optional[Node]:
    if res is None:
        return None
    for kind in kinds:
        for name, k in res.kinds.items():
            if k == kind:
                return res[name]
    return None


class WindowCrop(GeometryAugmentation):
    """Base of the crops whose window comes from the data: a subclass sets ``reads`` (the field
    kinds its draw reads, first match) and defines ``window(self, ref, data)`` returning an f32
    node whose first 4 values are the window x1, y1, x2, y2 (more values may follow, for
    ``apply``). ``resized`` crops scale the window to ``output_size``; others keep its size."""

    image_mode = "crop"
    reads = ("boxes",)
    #: what a missing field becomes: "empty boxes" or None (an error)
    missing = "empty boxes"

    @classmethod
    def _params(cls, res, ref, config, label):
        data = _first_field(res, *cls.reads)
        if data is None:
            if cls.missing != "empty boxes":
                raise TypeError(f"{cls.__name__} needs a Resource with a field of kind {' or '.join(cls.reads)}")
            data = Constant(np.zeros((0, 4), np.float32))
        return (type.__call__(cls, ref, data, label=_sub(label, "window"), _part="draw", **config),)

    def draw(self, ref, data):
        return self.window(ref, data)

    def window(self, ref: Node, data: Node) -> Node:
        raise NotImplementedError

    def fixed_size(self):
        """(width, height) of the output when known at compile time, else None."""
        return None

    def apply(self, kind, field, ref, drawn):
        x1, y1, x2, y2 = (_scalar(drawn, k) for k in range(4))
        box = tensor.Slice(drawn, 0, 4)
        size = self.fixed_size()
        if self.image_mode == "crop_resize":
            w, h = size
            matrix = geometry.Chain(geometry.Translate(-x1, -y1), geometry.Scale(w / (x2 - x1), h / (y2 - y1), 0.0, 0.0))
        else:
            w, h = size if size is not None else (x2 - x1, y2 - y1)
            matrix = geometry.Translate(-x1, -y1)
        if kind in _PIXEL_KINDS:
            mask_like = kind != "image"
            if self.image_mode == "crop_resize":
                interpolation = self.config.get("mask_interpolation" if mask_like else "interpolation", "linear")
                return image.Resize(image.Crop(field, box), w, h, interpolation=interpolation)
            out = image.CropPad(field, box, border="constant", border_value=0.0)
            return _with_shape(out, field, h, w) if size is not None else out
        return self.move_annotations(kind, field, matrix, w, h, drawn)

    def move_annotations(self, kind, field, matrix, w, h, drawn):
        return _move_annotations(kind, field, matrix, w, h, self.config.get("clip_boxes", True))
