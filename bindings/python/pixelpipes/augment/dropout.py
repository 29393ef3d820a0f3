"""Dropout: rectangular holes cut into the image (CoarseDropout, GridDropout, XYMasking) with albumentations 2.0.8's arguments, defaults and distributions.

The holes are drawn once per sample as an N x 4 tensor of whole-pixel boxes x1, y1, x2, y2 (the
pipeline's random ops, vectorized) and every field follows albumentations' BaseDropout:
images are filled (image.fill_boxes), masks filled with ``fill_mask`` (unchanged when None),
boxes that lose all their pixels (or fall under the thresholds) are dropped and the others shrink
to their visible extent (:func:`boxes_after_holes`; declared boxes, resource.Boxes, use their
declaration's min_area and min_visibility as albumentations uses BboxParams', and their attached
fields lose the same rows), points inside a hole are removed and keypoints inside a hole become
invisible (declared keypoints with remove_invisible=True are then dropped with their fields).
The same machinery (``_Dropout``) serves MaskDropout and ConstrainedCoarseDropout.
"""
from __future__ import annotations

import numbers
from typing import Optional, Tuple

import numpy as np

from ..node import Constant, Node
from ..ops import geometry, image, mask, random, tensor
from ..ops import math as _math
from ..annotations import after_transform, take_rows
from ..resource import Resource
from ._common import _is_node, _is_number, _size_f32, _size_int, _sub
from .base import Augmentation

__all__ = ["CoarseDropout", "GridDropout", "XYMasking", "boxes_after_holes", "filter_boxes_by_holes", "points_in_holes"]

_FAR = 1.0e7  # boxes moved this far leave every canvas, so geometry.filter_boxes drops them


# -- what the holes do to annotations -----------------------------------------------------------

def _column(x: Node, i: int) -> Node:
    return tensor.Slice(x, i, i + 1, axis=1)


def _drop_rows(boxes: Node, keep: Node, w, h) -> Node:
    """The rows of an N x 4 tensor of boxes inside the w x h canvas whose ``keep`` (N x 1 bool) is
    true: the others are moved off the canvas and geometry.filter_boxes drops them (no per-row op
    exists; the same selection as geometry.visible_boxes gives the kept indices for labels)."""
    away = (1.0 - tensor.Cast(keep, dtype="f32")) * _FAR
    return geometry.FilterBoxes(boxes + away, w, h, min_visible=0.5)


def boxes_after_holes(boxes: Node, holes_mask: Node, *, min_area: float = 0.0,
                      min_visibility: float = 0.0) -> Tuple[Node, Node]:
    """(every box shrunk to its visible extent, N x 1 bool: whether it is kept) by albumentations'
    ``filter_bboxes_by_holes``: each box is taken in whole pixels (coordinates truncated), its area
    minus the pixels under holes is its remaining area; it is kept when the remaining area is > 0,
    >= ``min_area`` and >= ``min_visibility`` times its area, and a kept box becomes the bounding
    box of its pixels outside the holes. ``holes_mask`` is nonzero on the holes."""
    pixels = _math.Floor(boxes)  # boxes lie in the image, so floor is albumentations' truncation
    coverage = mask.BoxCoverage(holes_mask, pixels)
    area = (_column(pixels, 2) - _column(pixels, 0)) * (_column(pixels, 3) - _column(pixels, 1))
    remaining = area - _column(coverage, 1)
    keep = (remaining > 0.0) & (remaining >= float(min_area)) & (remaining >= area * float(min_visibility))
    return tensor.Slice(coverage, 2, 6, axis=1), keep


def filter_boxes_by_holes(boxes: Node, holes_mask: Node, w, h, *, min_area: float = 0.0,
                          min_visibility: float = 0.0) -> Node:
    """The boxes :func:`boxes_after_holes` keeps, shrunk (the dropped rows removed; for boxes
    without attached fields). The thresholds are BboxParams' (0 and 0 by default); declared boxes
    use their declaration's and drop their attached fields' rows with them."""
    visible, keep = boxes_after_holes(boxes, holes_mask, min_area=min_area, min_visibility=min_visibility)
    return _drop_rows(visible, keep, w, h)


def points_in_holes(points: Node, holes_mask: Node) -> Node:
    """N x 1 bool: whether each point (x, y in the first two columns) lies in a hole, i.e.
    x1 <= x < x2 and y1 <= y < y2 for whole-pixel holes: the pixel containing it is in the mask."""
    xy = _math.Floor(tensor.Slice(points, 0, 2, axis=1))
    cells = tensor.Concat(xy, xy + 1.0, axis=1)
    return _column(mask.BoxCoverage(holes_mask, cells), 1) > 0.0


# -- the family -----------------------------------------------------------------------------------

def _fill(fill, what: str = "fill"):
    """(image.fill_boxes mode, value list) of albumentations' fill argument."""
    if isinstance(fill, str):
        if fill == "random":
            return "random", [0.0]
        if fill == "random_uniform":
            return "random_per_box", [0.0]
        if fill in ("inpaint_telea", "inpaint_ns"):
            raise ValueError(f"{what}={fill!r}: inpainting is not supported; use a value, 'random' or 'random_uniform'")
        raise ValueError(f"{what} must be a number, a tuple of numbers, 'random' or 'random_uniform', not {fill!r}")
    if _is_number(fill):
        return "constant", [float(fill)]
    if isinstance(fill, (list, tuple)) and len(fill) > 0 and all(_is_number(v) for v in fill):
        return "constant", [float(v) for v in fill]
    raise ValueError(f"{what} must be a number, a tuple of numbers, 'random' or 'random_uniform', not {fill!r}")


def _fill_mask(fill_mask):
    if fill_mask is None:
        return None
    mode, value = _fill(fill_mask, "fill_mask")
    if mode != "constant":
        raise ValueError(f"fill_mask must be a number, a tuple of numbers or None, not {fill_mask!r}")
    return value


def _int_range(value, what: str, low: int = 0, zero_plus_scalar: bool = True) -> Tuple[int, int]:
    """An int range as albumentations' validators make it: a number v is (0, v) (or (v, v))."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (0, int(value)) if zero_plus_scalar else (int(value), int(value))
    if not (isinstance(value, (list, tuple)) and len(value) == 2 and all(_is_number(v) for v in value)):
        raise ValueError(f"{what} must be an int or a (min, max) pair, not {value!r}")
    lo, hi = int(value[0]), int(value[1])
    if lo < low or lo > hi:
        raise ValueError(f"{what} must satisfy {low} <= min <= max, not {value!r}")
    return lo, hi


def _float_range(value, what: str, low: float = 0.0, high: Optional[float] = None) -> Tuple[float, float]:
    if not (isinstance(value, (list, tuple)) and len(value) == 2 and all(_is_number(v) for v in value)):
        raise ValueError(f"{what} must be a (min, max) pair, not {value!r}")
    lo, hi = float(value[0]), float(value[1])
    if lo < low or lo > hi or (high is not None and hi > high):
        bound = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(f"{what} must be a non-decreasing pair within {bound}, not {value!r}")
    return lo, hi


class _Dropout(Augmentation):
    """Pixels dropped once per sample and every field changed as albumentations' BaseDropout does.

    A subclass draws the dropped region in ``draw`` (the holes: N x 4 whole-pixel boxes, from
    ``holes(ref)`` by default) and, when the region is not a set of holes, overrides
    ``fill_pixels`` (images and masks), ``dropped_pixels`` (the region as a mask) and
    ``boxes_after`` (which boxes survive, and their new extent). Declared boxes are filtered with
    their declaration's min_area and min_visibility, and their attached fields lose the same rows.
    """

    kinds = ("image", "mask", "masks", "boxes", "points", "keypoints")
    default_p = 0.5

    @classmethod
    def _params(cls, res, ref, config, label):
        return (type.__call__(cls, ref, label=_sub(label, "holes"), _part="draw", **config),)

    @classmethod
    def _apply_to(cls, source, config, label, params=None):
        res = source if isinstance(source, Resource) else None
        decls = res.declarations if res is not None else {}
        if not any(d.kind == "boxes" for d in decls.values()):
            return super()._apply_to(source, config, label, params)
        ref = res.reference()
        if params is None:
            params = cls._params(res, ref, config, label)
        changed, keeps = {}, {}
        for name, kind in res.kinds.items():
            if kind not in cls.kinds:
                continue
            extra = {}
            if kind == "boxes" and name in decls:
                kind = "declared_boxes"
                extra = dict(_min_area=decls[name].min_area, _min_visibility=decls[name].min_visibility)
            out = type.__call__(cls, res[name], ref, *params, label=_sub(label, name), _part="apply", _kind=kind,
                                **extra, **config)
            if kind == "declared_boxes":  # N x 5: the boxes and whether each is kept
                out, keeps[name] = tensor.Slice(out, 0, 4, axis=1), tensor.Reshape(_column(out, 4) > 0.5, shape=[-1])
            changed[name] = out
        nodes = dict(res.replace(changed)._fields)
        for name, keep in keeps.items():
            take_rows(res, nodes, (name, *decls[name].attached), keep, mask=True)
        return after_transform(Resource._internal(nodes, res.kinds, decls), changed)

    def draw(self, ref: Node) -> Node:
        return self.holes(ref)

    def holes(self, ref: Node) -> Node:
        raise NotImplementedError

    # -- what the region does to each kind (holes by default) ------------------------------------
    def fill_pixels(self, field: Node, region: Node, fill) -> Node:
        mode, value = fill
        return image.FillBoxes(field, region, fill=mode, value=value)

    def dropped_pixels(self, region: Node, ref: Node) -> Node:
        w, h = _size_int(ref)
        return mask.RenderBoxes(region, w, h)

    def boxes_after(self, boxes: Node, region: Node, dropped: Node, min_area: float, min_visibility: float):
        return boxes_after_holes(boxes, dropped, min_area=min_area, min_visibility=min_visibility)

    def apply(self, kind, field, ref, region):
        c = self.config
        if kind == "image":
            return self.fill_pixels(field, region, c["fill"])
        if kind in ("mask", "masks"):
            if c["fill_mask"] is None:
                return field
            return self.fill_pixels(field, region, ("constant", c["fill_mask"]))
        w, h = _size_int(ref)
        dropped = self.dropped_pixels(region, ref)
        if kind in ("boxes", "declared_boxes"):
            p = self.params
            boxes, keep = self.boxes_after(field, region, dropped, p.get("_min_area", 0.0),
                                           p.get("_min_visibility", 0.0))
            if kind == "boxes":
                return _drop_rows(boxes, keep, w, h)
            return tensor.Concat(boxes, tensor.Cast(keep, dtype="f32"), axis=1)
        inside = points_in_holes(field, dropped)
        if kind == "keypoints":  # N x 5: x, y, angle, scale, visible
            visible = _column(field, 4) * (1.0 - tensor.Cast(inside, dtype="f32"))
            return tensor.Concat(tensor.Slice(field, 0, 4, axis=1), visible, axis=1)
        # points: removed, as albumentations' remove_invisible (which also drops points outside the image)
        as_boxes = tensor.Concat(field, field, axis=1)
        kept = _drop_rows(as_boxes, _math.LogicalNot(inside), w, h)
        return tensor.Slice(kept, 0, 2, axis=1)


def _stack_holes(x, y, w, h) -> Node:
    return tensor.Cast(tensor.Stack(x, y, x + w, y + h, axis=1), dtype="f32")


def _integers(lo, hi, n: int) -> Node:
    """n uniform integers in [lo, hi] (lo, hi numbers or scalar nodes), as f64."""
    return _math.Floor(lo + random.Uniform(0.0, 1.0, dtype="f64", shape=[n]) * (hi - lo + 1.0))


def _first(holes: Node, count) -> Node:
    return holes if not _is_node(count) else tensor.Slice(holes, 0, count)


class CoarseDropout(_Dropout):
    """albumentations' CoarseDropout: ``randint(*num_holes_range)`` rectangular holes.

    Hole sizes: when ``hole_height_range[1] >= 1`` the ranges are pixels and each side is a
    uniform integer in [min, min(max, side)]; otherwise fractions: side = int(image side *
    uniform(min, max)). Each hole's top-left corner is uniform over the positions that keep it
    inside the image; holes may overlap. ``fill``: a number, one number per channel, "random"
    (every value uniform: integers 0..max for u8/u16, uniform(0, 1) for f32) or "random_uniform"
    (one random colour per hole); ``fill_mask`` fills masks (None: masks unchanged). Boxes,
    points and keypoints follow the holes as described in the module docstring. p defaults to 0.5.
    """

    references = {"albumentations": "CoarseDropout"}

    @staticmethod
    def configure(num_holes_range=(1, 2), hole_height_range=(0.1, 0.2), hole_width_range=(0.1, 0.2), fill=0,
                  fill_mask=None):
        holes = _int_range(num_holes_range, "num_holes_range", low=1, zero_plus_scalar=False)
        hr = _float_range(hole_height_range, "hole_height_range")
        wr = _float_range(hole_width_range, "hole_width_range")
        pixels = hr[1] >= 1
        if not pixels and (wr[1] > 1):
            raise ValueError("hole_width_range must be fractions (<= 1) when hole_height_range is")
        return dict(num_holes_range=holes, hole_height_range=hr, hole_width_range=wr, pixels=pixels,
                    fill=_fill(fill), fill_mask=_fill_mask(fill_mask))

    def holes(self, ref):
        c = self.config
        W, H = _size_f32(ref)
        lo, hi = c["num_holes_range"]
        (h0, h1), (w0, w1) = c["hole_height_range"], c["hole_width_range"]
        if c["pixels"]:
            hs = _integers(float(int(h0)), _math.Minimum(float(int(h1)), H) if _is_node(H) else float(min(int(h1), H)), hi)
            ws = _integers(float(int(w0)), _math.Minimum(float(int(w1)), W) if _is_node(W) else float(min(int(w1), W)), hi)
        else:
            hs = _math.Floor(H * random.Uniform(h0, h1, dtype="f64", shape=[hi]))
            ws = _math.Floor(W * random.Uniform(w0, w1, dtype="f64", shape=[hi]))
        ys = _integers(0.0, H - hs, hi)
        xs = _integers(0.0, W - ws, hi)
        count = lo if lo == hi else random.Integer(lo, hi + 1)
        return _first(_stack_holes(xs, ys, ws, hs), count)


class XYMasking(_Dropout):
    """albumentations' XYMasking: full-height vertical strips (``num_masks_x`` of width
    ``mask_x_length``) and full-width horizontal strips (``num_masks_y`` of height
    ``mask_y_length``). A number n means the range (0, n), as albumentations' validators make it;
    counts and lengths are uniform integers in their ranges, and each strip's position is uniform
    over the positions inside the image. Fill and annotations as CoarseDropout. p defaults to 0.5.
    """

    references = {"albumentations": "XYMasking"}

    @staticmethod
    def configure(num_masks_x=0, num_masks_y=0, mask_x_length=0, mask_y_length=0, fill=0, fill_mask=None):
        nx, ny = _int_range(num_masks_x, "num_masks_x"), _int_range(num_masks_y, "num_masks_y")
        lx, ly = _int_range(mask_x_length, "mask_x_length"), _int_range(mask_y_length, "mask_y_length")
        if lx[1] <= 0 and ly[1] <= 0:
            raise ValueError("At least one of mask_x_length or mask_y_length must be positive")
        return dict(num_masks_x=nx, num_masks_y=ny, mask_x_length=lx, mask_y_length=ly, fill=_fill(fill),
                    fill_mask=_fill_mask(fill_mask))

    def _strips(self, count, length, side, across, horizontal: bool):
        lo, hi = count
        if hi == 0 or length == (0, 0):
            return None
        if not _is_node(side) and length[1] > side:
            raise ValueError(f"XYMasking: mask length range {length} exceeds the image side {int(side)}")
        n = _integers(float(length[0]), float(length[1]), hi)
        start = _integers(0.0, side - n, hi)
        zeros = start * 0.0
        full = zeros + across
        strips = _stack_holes(zeros, start, full, n) if horizontal else _stack_holes(start, zeros, n, full)
        k = lo if lo == hi else random.Integer(lo, hi + 1)
        return _first(strips, k)

    def holes(self, ref):
        c = self.config
        W, H = _size_f32(ref)
        parts = [s for s in (self._strips(c["num_masks_x"], c["mask_x_length"], W, H, False),
                             self._strips(c["num_masks_y"], c["mask_y_length"], H, W, True)) if s is not None]
        if not parts:
            return Constant(np.zeros((0, 4), np.float32))
        return parts[0] if len(parts) == 1 else tensor.Concat(*parts, axis=0)


class GridDropout(_Dropout):
    """albumentations' GridDropout: one hole per cell of a grid (geometry.grid_holes, the same
    layout: shuffled near-equal cell sizes, hole side trunc(clamp(cell * ratio, 1, cell - 1))).

    The grid: ``holes_number_xy`` = (a, b) gives a rows and b columns (albumentations 2.0.8 uses
    the pair in this order); else the unit size is uniform in [unit_size_range[0],
    unit_size_range[1]) and the grid is (H // unit, W // unit); else units of max(2, side // 10).
    ``random_offset``: each hole at a uniform offset in its cell; else at ``shift_xy``.
    Fill and annotations as CoarseDropout. p defaults to 0.5.
    """

    references = {"albumentations": "GridDropout"}

    @staticmethod
    def configure(ratio=0.5, random_offset=True, unit_size_range=None, holes_number_xy=None, shift_xy=(0, 0),
                  fill=0, fill_mask=None):
        if not (_is_number(ratio) and 0 < ratio <= 1):
            raise ValueError(f"ratio must be in (0, 1], not {ratio!r}")
        if unit_size_range is not None:
            unit_size_range = _int_range(unit_size_range, "unit_size_range", low=2, zero_plus_scalar=False)
        if holes_number_xy is not None:
            holes_number_xy = tuple(int(v) for v in holes_number_xy)
            if len(holes_number_xy) != 2 or min(holes_number_xy) < 1:
                raise ValueError(f"holes_number_xy must be two ints >= 1, not {holes_number_xy!r}")
        shift = tuple(int(v) for v in shift_xy)
        if len(shift) != 2 or min(shift) < 0:
            raise ValueError(f"shift_xy must be two ints >= 0, not {shift_xy!r}")
        return dict(ratio=float(ratio), random_offset=bool(random_offset), unit_size_range=unit_size_range,
                    holes_number_xy=holes_number_xy, shift_xy=shift, fill=_fill(fill), fill_mask=_fill_mask(fill_mask))

    def holes(self, ref):
        c = self.config
        W, H = _size_int(ref)
        if c["holes_number_xy"]:
            rows, cols = c["holes_number_xy"]
        elif c["unit_size_range"] is not None:
            lo, hi = c["unit_size_range"]
            if not _is_node(H) and hi > min(H, W):
                raise ValueError("GridDropout: unit_size_range must lie within the shortest image side")
            unit = random.Integer(lo, hi) if hi > lo else lo
            rows, cols = _math.FloorDivide(H, unit), _math.FloorDivide(W, unit)
        elif _is_node(H):
            rows = _math.FloorDivide(H, _math.Maximum(_math.FloorDivide(H, 10), 2))
            cols = _math.FloorDivide(W, _math.Maximum(_math.FloorDivide(W, 10), 2))
        else:
            rows, cols = H // max(2, H // 10), W // max(2, W // 10)
        sx, sy = c["shift_xy"]
        return geometry.GridHoles(W, H, rows, cols, ratio=c["ratio"], random_offset=c["random_offset"],
                                  shift_x=sx, shift_y=sy)
