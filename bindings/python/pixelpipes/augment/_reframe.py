"""Reframing: a box of the source (inside it or reaching past its edges) cropped and padded, then
resized into a canvas. Resizes, pads, crops with a resize and zoom-outs are all this one move, so
they share one base class; plus the mapping of albumentations' cv2 flags onto our names."""
from __future__ import annotations

import numbers
from typing import Optional, Tuple

import numpy as np

from ..flow import Conditional
from ..node import Constant, Node
from ..ops import geometry, image, tensor
from ..resource import SPATIAL_KINDS
from ._common import (BORDERS, INTERPOLATIONS, RESIZE_INTERPOLATIONS, _choice, _is_node, _move_annotations,
                      _scalar, _static_hw, _sub, _with_shape)
from .base import Augmentation, GeometryAugmentation

#: every kind a spatial transform moves ("masks" and "keypoints" are the annotation helper's
#: new kinds: instance masks move like "mask", keypoints like points)
MOVED_KINDS = tuple(SPATIAL_KINDS) + tuple(k for k in ("masks", "keypoints") if k not in SPATIAL_KINDS)
MASK_KINDS = ("mask", "masks")

# cv2's interpolation flags (INTER_NEAREST=0, INTER_LINEAR=1, INTER_CUBIC=2, INTER_AREA=3,
# INTER_LANCZOS4=4, INTER_LINEAR_EXACT=5, INTER_NEAREST_EXACT=6) and torchvision's mode names
_CV2_INTERPOLATIONS = {0: "nearest", 1: "linear", 2: "cubic", 3: "area", 4: "lanczos", 5: "linear", 6: "nearest"}
_NAMED_INTERPOLATIONS = {"bilinear": "linear", "bicubic": "cubic", "nearest-exact": "nearest",
                         "nearest_exact": "nearest", "box": "area"}
# cv2's border flags (BORDER_CONSTANT=0, BORDER_REPLICATE=1, BORDER_REFLECT=2, BORDER_WRAP=3,
# BORDER_REFLECT_101=4)
_CV2_BORDERS = {0: "constant", 1: "replicate", 2: "reflect", 3: "wrap", 4: "reflect_101"}


def interpolation_name(value, what: str = "interpolation", warp: bool = False) -> str:
    """Our interpolation name for a cv2 flag, a torchvision mode name or one of ours. Warps have
    no "area": albumentations' INTER_AREA in a warp is cv2's linear."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if int(value) not in _CV2_INTERPOLATIONS:
            raise ValueError(f"{what}: unknown cv2 interpolation flag {value!r}")
        value = _CV2_INTERPOLATIONS[int(value)]
    elif hasattr(value, "value") and isinstance(getattr(value, "value"), str):   # torchvision InterpolationMode
        value = value.value
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a name or a cv2 flag, not {value!r}")
    value = _NAMED_INTERPOLATIONS.get(value.lower(), value.lower())
    if warp and value == "area":
        value = "linear"
    return _choice(value, INTERPOLATIONS if warp else RESIZE_INTERPOLATIONS, what)


def border_name(value, what: str = "border_mode") -> str:
    """Our border name for a cv2 border flag or one of ours."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if int(value) not in _CV2_BORDERS:
            raise ValueError(f"{what}: unknown cv2 border flag {value!r}")
        value = _CV2_BORDERS[int(value)]
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a name or a cv2 flag, not {value!r}")
    if value in ("reflect101", "default"):
        value = "reflect_101"
    return _choice(value, BORDERS, "border")


def fill_value(value, what: str) -> float:
    """albumentations' fill: a number, or a per-channel tuple whose channels are all equal (the
    ops take one border value)."""
    if isinstance(value, (list, tuple)) and len(value) > 0 and all(isinstance(v, numbers.Real) for v in value):
        if len(set(float(v) for v in value)) != 1:
            raise ValueError(f"{what}: per-channel fill values must be equal (one border value), not {value!r}")
        value = value[0]
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not {value!r}")
    return float(value)


def area_choice(value) -> Optional[str]:
    if value not in (None, "image", "image_mask"):
        raise ValueError(f"area_for_downscale must be None, 'image' or 'image_mask', not {value!r}")
    return value


class ReframeAugmentation(Augmentation):
    """Moves every field by one reframing: the source box (x1, y1, x2, y2) in pixels, cropped
    and padded (image.crop_pad with ``border``), then resized to the canvas (out_w, out_h).

    A subclass defines ``plan(ref)``: the six numbers (Python numbers, or f32 nodes where they
    are drawn or depend on the input's size), and ``static_size(ref)``: the canvas (w, h) as
    Python ints when known at compile time (else None: the output's shape varies). ``resizes``
    False skips the resize (pads and crops: the box is the canvas). Config keys used:
    ``interpolation``, ``mask_interpolation``, ``area_for_downscale``, ``border``, ``fill``,
    ``fill_mask``, ``clip_boxes``. Boxes, points and polygons move by the matrix
    translate(-x1, -y1) then scale(out_w / box_w, out_h / box_h).
    """

    kinds = MOVED_KINDS
    resizes = True
    random_plan = True

    def plan(self, ref: Node) -> Tuple:
        raise NotImplementedError

    def static_size(self, ref: Node) -> Optional[Tuple[int, int]]:
        return None

    @classmethod
    def _params(cls, res, ref, config, label):
        return (type.__call__(cls, ref, label=_sub(label, "plan"), _part="draw", **config),)

    def draw(self, ref: Node) -> Node:
        values = self.plan(ref)
        if not any(_is_node(v) for v in values):
            return Constant(np.array(values, np.float32))
        return tensor.Stack(*[v if _is_node(v) else Constant(np.float32(v)) for v in values])

    def _values(self, ref: Node, plan: Node):
        """The plan as Python numbers when it is not drawn and the input's size is known, else
        as scalar nodes of the drawn plan."""
        if not self.random_plan and _static_hw(ref) is not None:
            values = self.plan(ref)
            if not any(_is_node(v) for v in values):
                return [float(v) for v in values]
        return [_scalar(plan, k) for k in range(6)]

    def apply(self, kind, field, ref, plan):
        x1, y1, x2, y2, fw, fh = self._values(ref, plan)
        size = self.static_size(ref)
        if size is not None:
            ow, oh = size
            fw, fh = float(ow), float(oh)
        elif _is_node(fw):
            ow, oh = tensor.Cast(fw, dtype="i64"), tensor.Cast(fh, dtype="i64")
        else:
            ow, oh = int(fw), int(fh)
        if kind == "image" or kind in MASK_KINDS:
            return self.move_pixels(kind, field, (x1, y1, x2, y2), ow, oh)
        matrix = geometry.Chain(geometry.Translate(-x1, -y1),
                                geometry.Scale(fw / (x2 - x1), fh / (y2 - y1), 0.0, 0.0))
        return _move_annotations(kind, field, matrix, ow, oh, self.config.get("clip_boxes", True))

    def move_pixels(self, kind, field, box, ow, oh):
        c = self.config
        is_mask = kind in MASK_KINDS
        value = float(c.get("fill_mask", 0.0)) if is_mask else float(c.get("fill", 0.0))
        if all(not _is_node(v) for v in box):
            box_node = Constant(np.array(box, np.float32))
        else:
            box_node = tensor.Stack(*[v if _is_node(v) else Constant(np.float32(v)) for v in box])
        out = image.CropPad(field, box_node, border=c.get("border", "constant"), border_value=value)
        static = all(not _is_node(v) for v in (*box, ow, oh))
        if static and not self.resizes:
            return _with_shape(out, field, oh, ow)
        if not self.resizes:
            return out
        if static and (round(box[2] - box[0]), round(box[3] - box[1])) == (ow, oh):
            return _with_shape(out, field, oh, ow)
        interpolation = c.get("mask_interpolation", "nearest") if is_mask else c.get("interpolation", "linear")
        area = c.get("area_for_downscale")
        if area == "image_mask" or (area == "image" and not is_mask):
            bw, bh = box[2] - box[0], box[3] - box[1]
            if static:
                if ow < bw or oh < bh:
                    interpolation = "area"
            else:
                shrinks = (tensor.Cast(ow, dtype="f32") < bw) | (tensor.Cast(oh, dtype="f32") < bh) \
                    if _is_node(ow) else (bw > float(ow)) | (bh > float(oh))
                return Conditional(shrinks, image.Resize(out, ow, oh, interpolation="area"),
                                   image.Resize(out, ow, oh, interpolation=interpolation))
        if c.get("antialias") and not is_mask and interpolation == "linear" and _antialias_takes(field):
            return image.Resize(out, ow, oh, interpolation=interpolation, antialias=True)
        return image.Resize(out, ow, oh, interpolation=interpolation)


def _antialias_takes(field: Node) -> bool:
    """Whether image.resize's antialias takes the image (u8 or f32, 1 to 4 channels), as far as
    its type tells when the graph is built (decoded images are u8 RGB)."""
    try:
        t = field.type
    except (RuntimeError, AttributeError):
        return True
    if t.kind != "tensor":
        return True
    if t.dtype is not None and t.dtype not in ("u8", "f32"):
        return False
    shape = t.shape
    return shape is None or len(shape) == 2 or (len(shape) == 3 and (shape[2] is None or 1 <= shape[2] <= 4))


class WarpAugmentation(GeometryAugmentation):
    """A matrix warp with albumentations' arguments: ``interpolation`` / ``mask_interpolation``
    (cv2 flags or names), ``border`` (from border_mode), ``fill`` for images and ``fill_mask``
    for masks (which follow the same border mode, as in albumentations). Moves "masks" like
    "mask" and keypoints like points."""

    kinds = MOVED_KINDS

    def apply(self, kind, field, ref, matrix):
        w, h = self.output_size(ref)
        if kind == "image" or kind in MASK_KINDS:
            c = self.config
            is_mask = kind in MASK_KINDS
            return image.Warp(field, matrix, w, h,
                              interpolation=c["mask_interpolation"] if is_mask else c["interpolation"],
                              border=c["border"], border_value=c["fill_mask"] if is_mask else c["fill"])
        return _move_annotations(kind, field, matrix, w, h, self.config.get("clip_boxes", True))


def pixel_index_matrix(matrix):
    """A cv2 matrix (pixel-index coordinates: pixel centers at integers) as a matrix in our
    continuous coordinates (centers at +0.5), so warps resample exactly as cv2.warp* does."""
    return geometry.Chain(geometry.Translate(-0.5, -0.5), matrix, geometry.Translate(0.5, 0.5))
