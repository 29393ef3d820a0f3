"""ConstrainedCoarseDropout (albumentations 2.0.8): holes placed on target objects, given by the classes
of a segmentation mask (``mask_indices``) or by the labels of declared boxes (``bbox_labels``).

The number of targets is known only at run time: the per-target draws are random.uniform_like of
a tensor with one row per target (and, for boxes, one column per possible hole; the first n
columns are used), so a sample is still a pure function of (seed, sample index).
"""
from __future__ import annotations

import numbers

import numpy as np

from ..node import Constant, Node
from ..ops import mask, random, tensor
from ..ops import math as _math
from ._common import _is_number, _size_f32, _sub
from .dropout import _column, _Dropout, _fill, _fill_mask, _float_range, _int_range

__all__ = ["ConstrainedCoarseDropout", "holes_in_boxes", "holes_around_points"]


def holes_in_boxes(targets: Node, u_height: Node, u_width: Node, u_x: Node, u_y: Node) -> Node:
    """albumentations' ``get_holes_from_boxes`` from its draws: for T target boxes (T x 4) and
    T x n uniforms (hole height and width fractions, x and y position in [0, 1)), hole side =
    trunc(fraction * box side), corner = box corner + u * (box side - hole side), every
    coordinate truncated to a whole pixel. (T * n) x 4 f32, box after box."""
    b = tensor.Cast(targets, dtype="f64")
    x1, y1 = _column(b, 0), _column(b, 1)
    bw, bh = _column(b, 2) - x1, _column(b, 3) - y1
    hh, hw = _math.Floor(u_height * bh), _math.Floor(u_width * bw)
    xm, ym = x1 + u_x * (bw - hw), y1 + u_y * (bh - hh)
    holes = tensor.Stack(xm, ym, xm + hw, ym + hh, axis=2)
    return tensor.Cast(_math.Floor(tensor.Reshape(holes, shape=[-1, 4])), dtype="f32")


def holes_around_points(points: Node, u_height: Node, u_width: Node, width, height) -> Node:
    """albumentations' ``get_holes_from_mask`` from its draws: for P centres (P x 3: x, y pixel
    indices and the pixel count of their component) and P x 1 uniforms (hole height and width
    as fractions of sqrt(count)), the hole x +- floor(w / 2), y +- floor(h / 2), clipped (x1 to
    [0, W - 1], x2 to [0, W], likewise y); empty holes are left out. f32 rows x 4."""
    p = tensor.Cast(points, dtype="f64")
    cx, cy, size = _column(p, 0), _column(p, 1), _math.Sqrt(_column(p, 2))
    half_h, half_w = _math.Floor(u_height * size * 0.5), _math.Floor(u_width * size * 0.5)
    x1 = _math.Minimum(_math.Maximum(cx - half_w, 0.0), width - 1.0)
    y1 = _math.Minimum(_math.Maximum(cy - half_h, 0.0), height - 1.0)
    x2 = _math.Minimum(_math.Maximum(cx + half_w, 0.0), width)
    y2 = _math.Minimum(_math.Maximum(cy + half_h, 0.0), height)
    holes = tensor.Cast(tensor.Concat(x1, y1, x2, y2, axis=1), dtype="f32")
    valid = tensor.Reshape((x2 - x1 > 0.0) & (y2 - y1 > 0.0), shape=[-1])
    return tensor.Gather(holes, valid)


def _repeat_columns(column: Node, n: int) -> Node:
    return column if n == 1 else tensor.Concat(*([column] * n), axis=1)


class ConstrainedCoarseDropout(_Dropout):
    """albumentations' ConstrainedCoarseDropout: ``n = randint(*num_holes_range)`` holes on every
    target object (one draw of n per sample, shared by the targets).

    Targets: with ``mask_indices`` and a mask field in the resource, the connected components
    (8-connectivity) of the pixels whose class is one of mask_indices; each gets n hole centres
    drawn uniformly among its pixels (with replacement) and holes of height and width
    uniform(hole_height_range) and uniform(hole_width_range) times sqrt(component area), centred
    there (half sides floored, clipped to the image, empty holes left out). Else with
    ``bbox_labels`` the declared boxes (resource.Boxes) whose first attached field (the labels,
    numbers) is one of bbox_labels; each gets n holes of height trunc(uniform(hole_height_range) *
    box height) (width likewise) at a uniform position inside the box, in whole pixels.
    mask_indices wins when both are given and the resource has a mask. Fill, fill_mask and what
    the holes do to masks, boxes and keypoints: as CoarseDropout. p defaults to 0.5.
    """

    references = {"albumentations": "ConstrainedCoarseDropout"}

    @staticmethod
    def configure(num_holes_range=(1, 1), hole_height_range=(0.1, 0.1), hole_width_range=(0.1, 0.1), fill=0,
                  fill_mask=None, mask_indices=None, bbox_labels=None):
        holes = _int_range(num_holes_range, "num_holes_range", low=1, zero_plus_scalar=False)
        hr = _float_range(hole_height_range, "hole_height_range", 0.0, 1.0)
        wr = _float_range(hole_width_range, "hole_width_range", 0.0, 1.0)
        if mask_indices is None and bbox_labels is None:
            raise ValueError("give mask_indices (classes of the mask) or bbox_labels (labels of declared boxes)")
        if mask_indices is not None:
            if not (isinstance(mask_indices, (list, tuple)) and mask_indices
                    and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in mask_indices)):
                raise ValueError(f"mask_indices must be a non-empty list of ints, not {mask_indices!r}")
            mask_indices = tuple(int(v) for v in mask_indices)
        if bbox_labels is not None:
            if not (isinstance(bbox_labels, (list, tuple)) and bbox_labels and all(_is_number(v) for v in bbox_labels)):
                raise ValueError(f"bbox_labels must be a non-empty list of numbers (string labels are not supported: "
                                 f"encode them as numbers), not {bbox_labels!r}")
            bbox_labels = tuple(float(v) for v in bbox_labels)
        return dict(num_holes_range=holes, hole_height_range=hr, hole_width_range=wr, fill=_fill(fill),
                    fill_mask=_fill_mask(fill_mask), mask_indices=mask_indices, bbox_labels=bbox_labels)

    @classmethod
    def _params(cls, res, ref, config, label):
        kinds = res.kinds if res is not None else {}
        decls = res.declarations if res is not None else {}
        masks = [n for n, k in kinds.items() if k == "mask"]
        if config["mask_indices"] is not None and masks:
            inputs, mode = (ref, res[masks[0]]), "mask"
        else:
            labelled = [n for n, d in decls.items() if d.kind == "boxes" and d.attached]
            if config["bbox_labels"] is None or not labelled:
                raise ValueError("ConstrainedCoarseDropout needs a Resource with a mask field (for mask_indices) or "
                                 "declared boxes with a label field, resource.Boxes(..., fields=('labels',)) "
                                 "(for bbox_labels)")
            decl = decls[labelled[0]]
            inputs, mode = (ref, res[labelled[0]], res[decl.attached[0]]), "boxes"
        return (type.__call__(cls, *inputs, label=_sub(label, "holes"), _part="draw", _mode=mode, **config),)

    def draw(self, ref: Node, *targets: Node) -> Node:
        c = self.config
        lo, hi = c["num_holes_range"]
        n = lo if lo == hi else random.Integer(lo, hi + 1)
        (h0, h1), (w0, w1) = c["hole_height_range"], c["hole_width_range"]
        if self.params["_mode"] == "mask":
            classes = mask.IsIn(targets[0], Constant(np.array(c["mask_indices"], np.float64)))
            points = mask.SampleLabelPixels(mask.ConnectedComponents(classes), n)
            one = _column(points, 0)
            W, H = _size_f32(ref)
            return holes_around_points(points, random.UniformLike(one, h0, h1, dtype="f64"),
                                       random.UniformLike(one, w0, w1, dtype="f64"), W, H)
        boxes, labels = targets
        values = tensor.Reshape(tensor.Cast(labels, dtype="f64"), shape=[-1])
        match = None
        for v in c["bbox_labels"]:
            same = _math.Equal(values, v)
            match = same if match is None else _math.LogicalOr(match, same)
        chosen = tensor.Gather(boxes, match)
        grid = _repeat_columns(_column(chosen, 0), hi)  # T x hi: one column per possible hole
        draws = [tensor.Slice(random.UniformLike(grid, a, b, dtype="f64"), 0, n, axis=1)
                 for a, b in ((h0, h1), (w0, w1), (0.0, 1.0), (0.0, 1.0))]
        return holes_in_boxes(chosen, *draws)
