"""Declared annotations inside a Resource (resource.Boxes, Keypoints, Masks): the conversions from
the user's formats to the internal layout and back, the input checks, the filtering after every
spatial transform (albumentations' BboxParams semantics), keypoints moved by a matrix (angle,
scale, visibility) and the left/right swap of flip pairs.

Internal layouts: boxes N x 4 f32 x1 y1 x2 y2 pixels; keypoints N x 5 f32 [x, y, angle
(radians, counterclockwise as displayed), scale, visible 0/1] (per-instance keypoints: the K
rows of each instance in turn, visibility values kept); instance masks H x W x N.
Everything here builds graph nodes; nothing runs in Python per sample.
"""
from __future__ import annotations

import math as _pymath
from typing import Dict, Iterable, Optional, Tuple

import numpy as np

from .macro import Macro
from .node import Constant, Node, as_node
from .ops import core, geometry, tensor
from .ops import flow as _flow
from .ops import list as _list
from .ops import math as _math
from .resource import Resource

#: albumentations' epsilon for areas (px^2) and sizes
EPS = 1e-7
#: how far (px) an input box may reach beyond its image before it is an error (rounding of
#: normalized formats)
INPUT_TOLERANCE = 1e-3


# -- small graph helpers -------------------------------------------------------------------------

def _col(t: Node, i: int, j: Optional[int] = None) -> Node:
    """Columns i..j-1 (default: column i) of an N x C tensor, as N x k."""
    return tensor.Slice(t, i, i + 1 if j is None else j, axis=1)


def _rows(mask: Node) -> Node:
    """An N x 1 condition as a bool [N] mask."""
    return tensor.Reshape(mask, shape=[-1])


def _static_size(ref: Node) -> Optional[Tuple[float, float]]:
    try:
        t = ref.type
    except RuntimeError:
        return None
    if t.kind == "tensor" and t.shape is not None and len(t.shape) >= 2 \
            and t.shape[0] is not None and t.shape[1] is not None:
        return float(t.shape[1]), float(t.shape[0])
    return None


def _size(ref: Optional[Node], what: str):
    """(width, height) of the reference image: floats when known, else f32 nodes."""
    if ref is None:
        raise ValueError(f"{what} needs an image (or mask) field in the resource to take the size from")
    s = _static_size(ref)
    if s is not None:
        return s
    from .ops import image
    return tensor.Cast(image.Width(ref), dtype="f32"), tensor.Cast(image.Height(ref), dtype="f32")


def _f32(v):
    return tensor.Cast(v, dtype="f32") if isinstance(v, Node) else float(v)


def _whwh(w, h) -> Node:
    if isinstance(w, Node) or isinstance(h, Node):
        return tensor.Stack(_f32(w), _f32(h), _f32(w), _f32(h))
    return Constant(np.array([w, h, w, h], np.float32))


def _as_table(value, columns: int) -> Node:
    """A node of the user's value; Python values become an f32 array of ``columns`` columns."""
    if isinstance(value, Node):
        return value
    return as_node(np.asarray(value, np.float32).reshape(-1, columns))


class TakeRows(Macro):
    """The entries of a per-annotation field at ``index`` (bool mask or positions) along ``axis``:
    tensor.gather for tensors, list.filter / list.gather for lists (decided by the field's type)."""

    def expand(self, field, index):
        mask = self.params["mask"]
        if field.type.kind == "list":
            return _list.Filter(field, index) if mask else _list.Gather(field, index)
        return tensor.Gather(field, index, axis=self.params["axis"])


def _instance_size(res: Resource, name: str) -> Optional[int]:
    """K for keypoints declared with instances=True (K rows per instance), else None."""
    decl = res.declarations.get(name)
    if decl is not None and decl.kind == "keypoints" and decl.instances:
        return len(decl.labels)
    return None


class FlattenInstances(Macro):
    """Per-instance keypoints N x K x C as (N K) x C rows (C from the inferred type)."""

    def expand(self, keypoints):
        t = keypoints.type
        if t.kind != "tensor" or t.shape is None or len(t.shape) != 3 or t.shape[-1] is None:
            raise ValueError(f"resource field {self.params['name']!r}: Keypoints(instances=True) needs an "
                             f"N x K x C tensor with a known C, not {t}")
        return tensor.Reshape(keypoints, shape=[-1, t.shape[-1]])


def take_rows(res: Resource, nodes: Dict[str, Node], names: Iterable[str], index: Node, mask: bool) -> None:
    """Keeps the rows ``index`` of the fields ``names`` in ``nodes`` (instance masks: their planes;
    per-instance keypoints: the K rows of each instance)."""
    for name in names:
        k = _instance_size(res, name)
        if k is not None:
            grouped = tensor.Reshape(nodes[name], shape=[-1, k, 5])
            nodes[name] = tensor.Reshape(TakeRows(grouped, index, axis=0, mask=mask), shape=[-1, 5])
            continue
        axis = -1 if res.kinds[name] == "masks" else 0
        nodes[name] = TakeRows(nodes[name], index, axis=axis, mask=mask)


# -- boxes ---------------------------------------------------------------------------------------

def _boxes_to_pixels(fmt: str, b: Node, size) -> Node:
    if fmt == "pascal_voc":
        return b
    if fmt == "coco":
        xy = _col(b, 0, 2)
        return tensor.Concat(xy, xy + _col(b, 2, 4), axis=1)
    if fmt == "yolo":
        center, half = _col(b, 0, 2), _col(b, 2, 4) * 0.5
        return tensor.Concat(center - half, center + half, axis=1) * _whwh(*size)
    return b * _whwh(*size)   # albumentations


def _boxes_from_pixels(fmt: str, b: Node, size) -> Node:
    if fmt == "pascal_voc":
        return b
    lo, hi = _col(b, 0, 2), _col(b, 2, 4)
    if fmt == "coco":
        return tensor.Concat(lo, hi - lo, axis=1)
    if fmt == "yolo":
        return tensor.Concat((lo + hi) * 0.5, hi - lo, axis=1) / _whwh(*size)
    return b / _whwh(*size)   # albumentations


def _boxes_in(name: str, decl, value, ref: Optional[Node]) -> Tuple[Node, Optional[Node]]:
    """(internal boxes, bool [N] rows to keep or None) of a declared box field at creation."""
    b = tensor.Cast(_as_table(value, 4), dtype="f32")
    needs_size = decl.format in ("yolo", "albumentations") or decl.check or decl.clip
    size = _size(ref, f"resource field {name!r} ({decl.format} boxes)") if needs_size else None
    px = _boxes_to_pixels(decl.format, b, size)
    keep = None
    if decl.clip:
        px = geometry.ClipBoxes(px, *size)
    valid = (_col(px, 2) > _col(px, 0)) & (_col(px, 3) > _col(px, 1))
    if decl.clip or decl.filter_invalid:
        keep = _rows(valid)
    if decl.check and not decl.clip:
        w, h = size
        inside = (_col(px, 0) >= -INPUT_TOLERANCE) & (_col(px, 1) >= -INPUT_TOLERANCE) & \
                 (_col(px, 2) <= w + INPUT_TOLERANCE) & (_col(px, 3) <= h + INPUT_TOLERANCE)
        condition = inside if decl.filter_invalid else inside & valid
        px = core.Check(px, condition, _box_message(name, decl))
    return px, keep


def _box_message(name: str, decl) -> str:
    layout = {"pascal_voc": "x1 y1 x2 y2 in pixels", "coco": "x y width height in pixels",
              "yolo": "center x, center y, width, height divided by the image size",
              "albumentations": "x1 y1 x2 y2 divided by the image size"}[decl.format]
    return (f"resource field {name!r}: a box lies outside its image or is empty (x2 <= x1 or y2 <= y1); the "
            f"boxes are {decl.format} ({layout}). Declare Boxes(..., clip=True) to clip boxes to the image, "
            "filter_invalid=True to drop empty ones, or check=False to take them as they are")


def box_keep(decl, boxes: Node, width, height) -> Tuple[Node, Node]:
    """(boxes clipped to the canvas, bool [N] mask of the boxes ``decl`` keeps) for moved,
    unclipped boxes (albumentations' filter_bboxes, with its final drop of empty boxes)."""
    clipped = geometry.ClipBoxes(boxes, width, height)
    area = (_col(boxes, 2) - _col(boxes, 0)) * (_col(boxes, 3) - _col(boxes, 1))
    cw = _col(clipped, 2) - _col(clipped, 0)
    ch = _col(clipped, 3) - _col(clipped, 1)
    carea = cw * ch
    keep = (area >= EPS) & (carea > 0.0) & (carea >= decl.min_area - EPS) \
        & (carea / (area + EPS) >= decl.min_visibility) & (cw >= decl.min_width - EPS) \
        & (ch >= decl.min_height - EPS)
    return clipped, _rows(keep)


# -- keypoints -----------------------------------------------------------------------------------

def _inside(x: Node, y: Node, width, height) -> Node:
    return (x >= 0.0) & (x < _f32(width)) & (y >= 0.0) & (y < _f32(height))


def _keypoints_in(name: str, decl, value, ref: Optional[Node]) -> Node:
    fmt = decl.format
    n = len(fmt)
    k = tensor.Cast(value if isinstance(value, Node) else as_node(_user_keypoints(value, n)), dtype="f32")
    if decl.instances and isinstance(value, Node):   # N x K x C -> (N K) x C
        k = FlattenInstances(k, name=name)
    cols = {c: _col(k, i) for i, c in enumerate(fmt)}
    x, y = cols["x"], cols["y"]
    one = x * 0.0 + 1.0
    angle = cols.get("a", one * 0.0)
    if "a" in cols and decl.angle_in_degrees:
        angle = angle * (_pymath.pi / 180.0)
    scale = cols.get("s", one)
    # the optional visibility column after the format's columns; ones when there is none
    given = _col(tensor.Concat(_col(k, n), one, axis=1), 0)
    w, h = _size(ref, f"resource field {name!r} (keypoints)")
    if decl.instances:   # COCO's visibility values are kept (0, 1 labelled but hidden, 2 visible)
        visible = given * tensor.Cast(_inside(x, y, w, h), dtype="f32")
    else:
        visible = tensor.Cast((given != 0.0) & _inside(x, y, w, h), dtype="f32")
    return tensor.Concat(x, y, angle, scale, visible, axis=1)


def _user_keypoints(value, n: int) -> np.ndarray:
    a = np.asarray(value, np.float32)
    if a.size == 0:
        return a.reshape(0, n)
    return a.reshape(-1, a.shape[-1])


def move_keypoints(keypoints: Node, matrix: Node, width, height) -> Node:
    """Internal keypoints moved by a 3 x 3 matrix into a width x height canvas: x, y by the matrix
    (with the perspective divide); the angle plus the matrix's rotation atan2(-M10, M00) (a
    mirroring matrix reflects the angle first, a -> pi - a, and turns by atan2(M10, -M00)); the
    scale times the larger of the matrix's axis scales; visible 0 for points outside
    [0, width) x [0, height) (albumentations' keypoints_affine / hflip / vflip rules; the 2 x 2
    part is used for perspective matrices)."""
    m = tensor.Reshape(tensor.Cast(matrix, dtype="f32"), shape=[9])
    m00, m01, m10, m11 = (tensor.Reshape(tensor.Slice(m, i, i + 1), shape=[]) for i in (0, 1, 3, 4))
    xy = geometry.TransformPoints(_col(keypoints, 0, 2), matrix)
    angle, scale, visible = _col(keypoints, 2), _col(keypoints, 3), _col(keypoints, 4)
    mirror = m00 * m11 - m01 * m10 < 0.0
    turned = _flow.Select(mirror, (_pymath.pi - angle) + _math.Atan2(m10, -m00), angle + _math.Atan2(-m10, m00))
    factor = _math.Maximum(_math.Sqrt(m00 * m00 + m10 * m10), _math.Sqrt(m01 * m01 + m11 * m11))
    inside = _inside(_col(xy, 0), _col(xy, 1), width, height)
    return tensor.Concat(xy, turned, scale * factor, visible * tensor.Cast(inside, dtype="f32"), axis=1)


def _keypoints_out(decl, k: Node) -> Node:
    angle = _math.Modulo(_col(k, 2), 2 * _pymath.pi)
    if decl.angle_in_degrees:
        angle = angle * (180.0 / _pymath.pi)
    cols = {"x": _col(k, 0), "y": _col(k, 1), "a": angle, "s": _col(k, 3)}
    out = tensor.Concat(*(cols[c] for c in decl.format), _col(k, 4), axis=1)
    if decl.instances:
        return tensor.Reshape(out, shape=[-1, len(decl.labels), len(decl.format) + 1])
    return out


# -- the Resource hooks --------------------------------------------------------------------------

def to_internal(res: Resource, names) -> Dict[str, Node]:
    """The resource's nodes with the declared fields ``names`` (in the user's formats) converted
    to the internal layout, and the rows dropped at input (clip / filter_invalid / invisible
    keypoints with remove_invisible) dropped with their attached fields."""
    nodes = dict(res._fields)
    decls = res.declarations
    ref = res.reference(required=False)
    for name in names:
        if decls[name].kind == "masks":
            m = nodes[name]
            nodes[name] = tensor.Transpose(m if isinstance(m, Node) else as_node(np.asarray(m)), axes=[1, 2, 0])
    if ref is None:
        ref = Resource._internal(nodes, res.kinds, {}).reference(required=False)
    # keypoints first: boxes may attach per-instance keypoints, whose rows they drop in the internal layout
    for name in sorted(names, key=lambda n: decls[n].kind != "keypoints"):
        decl = decls[name]
        if decl.kind == "boxes":
            nodes[name], keep = _boxes_in(name, decl, nodes[name], ref)
            if keep is not None:
                take_rows(res, nodes, (name, *decl.attached), keep, mask=True)
        elif decl.kind == "keypoints":
            nodes[name] = _keypoints_in(name, decl, nodes[name], ref)
            if decl.remove_invisible:
                take_rows(res, nodes, (name, *decl.attached), _rows(_col(nodes[name], 4) > 0.0), mask=True)
    return nodes


def to_user(res: Resource, name: str) -> Node:
    """Declared field ``name`` in the user's format (see resource.Boxes, Keypoints, Masks)."""
    decl = res.declarations[name]
    node = res[name]
    if decl.kind == "masks":
        return tensor.Transpose(node, axes=[2, 0, 1])
    if decl.kind == "keypoints":
        return _keypoints_out(decl, node)
    if decl.format in ("yolo", "albumentations"):
        return _boxes_from_pixels(decl.format, node, _size(res.reference(required=False), f"output of {name!r}"))
    return _boxes_from_pixels(decl.format, node, None)


def after_transform(res: Resource, moved: Iterable[str], mirrored=None) -> Resource:
    """What the augmentation framework does after a spatial transform moved the fields ``moved``
    of ``res`` (boxes unclipped): declared boxes are filtered and clipped to the canvas (the
    reference image's new size) with their attached fields; declared keypoints swap their
    flip_pairs where ``mirrored()`` (a bool node, or None: never) holds, and drop invisible rows
    when remove_invisible. Other helpers' transforms that bypass Augmentation._apply_to call it."""
    decls = res.declarations
    moved = set(moved)
    todo = [n for n, d in decls.items() if n in moved and d.kind in ("boxes", "keypoints")]
    if not todo:
        return res
    nodes = dict(res._fields)
    size = None
    for name in todo:
        decl = decls[name]
        if decl.kind == "boxes":
            if size is None:
                size = _size(res.reference(required=False), "filtering boxes")
            clipped, keep = box_keep(decl, nodes[name], *size)
            nodes[name] = clipped
            take_rows(res, nodes, (name, *decl.attached), keep, mask=True)
            continue
        if decl.flip_pairs and mirrored is not None:
            flag = mirrored() if callable(mirrored) else mirrored
            if flag is not None:
                swap_flip_pairs(res, nodes, name, flag)
        if decl.remove_invisible:
            take_rows(res, nodes, (name, *decl.attached), _rows(_col(nodes[name], 4) > 0.0), mask=True)
    return Resource._internal(nodes, res.kinds, decls)


def swap_flip_pairs(res: Resource, nodes: Dict[str, Node], name: str, mirrored) -> None:
    """Swaps the flip_pairs rows of keypoints ``name`` (and of its attached fields) in ``nodes``
    where ``mirrored`` (a bool node or Python bool) holds."""
    decl = res.declarations[name]
    perm = Constant(np.array(decl.flip_permutation(), np.int64))
    if decl.instances:   # the pairs swap inside each instance's K rows
        k = len(decl.labels)
        grouped = tensor.Reshape(nodes[name], shape=[-1, k, 5])
        swapped = tensor.Reshape(tensor.Gather(grouped, perm, axis=1), shape=[-1, 5])
        nodes[name] = swapped if mirrored is True else nodes[name] if mirrored is False \
            else _flow.Select(mirrored, swapped, nodes[name])
        return
    for f in (name, *decl.attached):
        axis = -1 if res.kinds[f] == "masks" else 0
        swapped = TakeRows(nodes[f], perm, axis=axis, mask=False)
        if mirrored is True:
            nodes[f] = swapped
        elif mirrored is not False:
            nodes[f] = _flow.Select(mirrored, swapped, nodes[f])


__all__ = ["EPS", "INPUT_TOLERANCE", "TakeRows", "take_rows", "box_keep", "move_keypoints", "to_internal", "to_user",
           "after_transform", "swap_flip_pairs"]
