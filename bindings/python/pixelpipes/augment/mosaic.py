"""Mosaic: several dataset items in one canvas, as in YOLO training (albumentations' Mosaic)."""
from __future__ import annotations

import numbers
from typing import Optional, Sequence

from ..annotations import after_transform, box_keep
from ..macro import Macro
from ..node import Node, as_node
from ..ops import flow as _flow
from ..ops import geometry, image, random, tensor
from ..ops import list as _list
from ..ops import math as _math
from ..resource import Resource, choice
from ._common import _move_annotations, _scalar, _size_f32, _sub, _with_shape
from ._window import _PIXEL_KINDS, _f32, _interpolation, _rows
from .base import Augmentation, _AugmentationMeta


class _Shaped(Macro):
    """``out`` with the static shape [height, width, *channels of like] (known after inference)."""

    def expand(self, out, like):
        return _with_shape(out, like, self.params["height"], self.params["width"])


class _ConcatRows(Macro):
    """The cells' per-annotation fields one after the other: list.concat for lists, else
    tensor.concat along the first axis (decided by the fields' type)."""

    def expand(self, *parts):
        if parts[0].type.kind == "list":
            return _list.Concat(*parts)
        return tensor.Concat(*parts, axis=0)


def _int_pair(value, what: str):
    if not (isinstance(value, (list, tuple)) and len(value) == 2
            and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1 for v in value)):
        raise ValueError(f"{what} must be a pair of ints >= 1, not {value!r}")
    return int(value[0]), int(value[1])


def _fill(value, what: str) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, (list, tuple)) and value and all(v == value[0] for v in value):
        return float(value[0])
    raise ValueError(f"{what} must be a number (or a tuple of equal numbers), not {value!r}")


class _MosaicMeta(_AugmentationMeta):
    """``Mosaic([r0, r1, r2, r3], ...)`` builds it (a list is its source)."""

    def __call__(cls, *args, label: Optional[str] = None, **kwargs):
        if "_part" not in kwargs and args and isinstance(args[0], (list, tuple)):
            return cls._build(*args, label=label, **kwargs)
        return super().__call__(*args, label=label, **kwargs)


class Mosaic(Augmentation, metaclass=_MosaicMeta):
    """Items of a dataset tiled into one ``target_size`` (height, width) canvas (albumentations'
    Mosaic, default p 0.5; YOLOv4's mosaic).

    ``Mosaic([r0, r1, r2, r3], ...)`` takes a list of Resources (e.g. the same dataset loaded at
    four item nodes); r0 is the primary item (with probability 1 - p it is returned as it is).
    A grid of ``grid_yx`` (rows, cols) cells of ``cell_shape`` (height, width) is viewed through
    a target_size window whose center is drawn as albumentations does: x = target_w // 2 +
    int((cols * cell_w - (target_w + 1) // 2 - target_w // 2 + 1) * U), U uniform in
    ``center_range`` (then y alike). Each grid cell the window sees is a placement; the primary
    item goes to the largest (the first in row-major order on ties), the others get distinct
    items of r1, r2, ... in a uniformly random order (r0 repeats when the list is shorter than
    the grid). An item is resized to cover its cell (``fit_mode`` "cover": scale
    max(cell_h / h, cell_w / w), sizes rounded; "contain": min, the rest padded with ``fill``)
    and the part of the cell next to the mosaic's center is pasted (a top-left placement shows
    its item's bottom-right, and so on). Images use ``interpolation``, masks
    ``mask_interpolation`` (OpenCV flags as albumentations, or names) and ``fill_mask``.

    Boxes: every item's boxes are moved to the canvas and clipped to their cell, then
    concatenated in cell order (row-major). Declared boxes (resource.Boxes) are filtered by
    their declaration, with a box's visibility measured against the box as its item was resized
    into the cell (the part of the cell shown / the whole box; albumentations clips to the cell
    first, so its min_visibility never sees what the cell cut off): a box hidden, cut away or
    filtered out is dropped with the rows of its attached fields (``Boxes(fields=...)``: labels,
    ids, instance masks), which are concatenated in the same cell order. Undeclared boxes keep
    one row each: a box not visible in its cell (and every box of an item in a hidden cell)
    becomes 0, 0, 0, 0, and ``label_fields`` (per-box fields of kind "other") are concatenated
    alike. Instance masks ("masks", H x W x N) are not summed like label maps: each cell's planes
    are pasted on their own zero canvas and the cells' planes concatenated in cell order, so
    planes attached to boxes stay with them. Points are moved and concatenated the same way; a
    point outside its cell becomes NaN (declared keypoints: visibility 0, and their attached
    fields concatenated; ``remove_invisible`` drops those rows; keypoints with ``flip_pairs``
    are refused, their rows would no longer match the pairs). Other fields come from the
    primary item. Every Resource must have the primary's fields and declarations; the output
    keeps the primary's declarations. The output size is fixed (target_size; instance masks
    have a varying number of planes). ``metadata_key`` is accepted for albumentations'
    signature and not used.
    """

    default_p = 0.5
    references = {"albumentations": "Mosaic"}
    differences = {"albumentations": "min_visibility compares a box's visible part with the whole box resized into its "
                                     "cell (albumentations clips to the cell first)"}
    kinds = ("image", "mask", "masks", "boxes", "points", "keypoints")

    @staticmethod
    def configure(grid_yx=(2, 2), target_size=(512, 512), cell_shape=(512, 512), center_range=(0.3, 0.7),
                  fit_mode: str = "cover", interpolation=1, mask_interpolation=0, fill=0, fill_mask=0,
                  metadata_key: str = "mosaic_metadata", label_fields: Sequence[str] = ()):
        grid_yx = _int_pair(grid_yx, "grid_yx")
        target_size = _int_pair(target_size, "target_size")
        cell_shape = _int_pair(cell_shape, "cell_shape")
        if cell_shape[0] * grid_yx[0] < target_size[0] or cell_shape[1] * grid_yx[1] < target_size[1]:
            raise ValueError("target_size must not exceed cell_shape * grid_yx")
        if not (isinstance(center_range, (list, tuple)) and len(center_range) == 2
                and all(isinstance(v, numbers.Real) and 0 <= v <= 1 for v in center_range)
                and center_range[0] <= center_range[1]):
            raise ValueError(f"center_range must be a (min, max) pair in [0, 1], not {center_range!r}")
        if fit_mode not in ("cover", "contain"):
            raise ValueError(f"fit_mode must be 'cover' or 'contain', not {fit_mode!r}")
        if isinstance(label_fields, str):
            label_fields = (label_fields,)
        return dict(grid_yx=grid_yx, target_size=target_size, cell_shape=cell_shape,
                    center_range=(float(center_range[0]), float(center_range[1])), fit_mode=fit_mode,
                    interpolation=_interpolation(interpolation),
                    mask_interpolation=_interpolation(mask_interpolation, "mask_interpolation"),
                    fill=_fill(fill, "fill"), fill_mask=_fill(fill_mask, "fill_mask"),
                    label_fields=tuple(str(f) for f in label_fields))

    @classmethod
    def _build(cls, sources, *args, label: Optional[str] = None, **kwargs):
        config, p = cls._checked_config(args, kwargs)
        if isinstance(sources, Resource):
            sources = [sources]
        sources = [s if isinstance(s, Resource) else Resource(image=as_node(s)) for s in sources]
        if not sources:
            raise ValueError("Mosaic needs at least one item")
        primary = sources[0]
        for s in sources[1:]:
            missing = [f for f in primary if f not in s]
            if missing:
                raise ValueError(f"Mosaic: every item needs the primary's fields; one lacks {missing}")
            if {k: s.declarations.get(k) for k in primary} != {k: primary.declarations.get(k) for k in primary}:
                raise ValueError("Mosaic: every item must declare its annotations (resource.Boxes, Keypoints, Masks) "
                                 f"as the primary does: {primary.declarations} and {s.declarations}")
        for name in config["label_fields"]:
            if name not in primary:
                raise ValueError(f"Mosaic: label field {name!r} is not a field of the items")
        if any(k == "polygons" for k in primary.kinds.values()):
            raise ValueError("Mosaic does not move polygons")
        for name, decl in primary.declarations.items():
            if decl.kind == "keypoints" and decl.flip_pairs:
                raise ValueError(f"Mosaic: keypoints {name!r} declare flip_pairs (one fixed row per keypoint); "
                                 "Mosaic concatenates the items' keypoints, so their rows would no longer match the "
                                 "pairs")
        # the items as the primary's fields, in its order (what choice() between them needs)
        sources = [primary] + [Resource._internal({k: s[k] for k in primary}, {k: s.kinds[k] for k in primary},
                                                  s.declarations) for s in sources[1:]]
        return cls._maybe(primary, p, label, lambda: cls._mosaic(sources, config, label))

    @classmethod
    def _mosaic(cls, sources, config, label):
        (rows, cols), (th, tw), (ch, cw) = config["grid_yx"], config["target_size"], config["cell_shape"]
        cells = rows * cols
        items = list(sources) + [sources[0]] * max(0, cells - len(sources))
        n = len(items)
        # the window's center (calculate_mosaic_center_point)
        lo, hi = config["center_range"]
        rel = random.Uniform(lo, hi, shape=[2], label=_sub(label, "center")) if hi > lo else None
        min_cx, max_cx = tw // 2, cols * cw - (tw + 1) // 2
        min_cy, max_cy = th // 2, rows * ch - (th + 1) // 2

        def center(lo_c, hi_c, k):
            r = _scalar(rel, k) if rel is not None else lo
            return _math.Minimum(_math.Maximum(lo_c + _math.Floor((hi_c - lo_c + 1) * r), float(lo_c)), float(hi_c))
        x0 = center(min_cx, max_cx, 0) - float(tw // 2)
        y0 = center(min_cy, max_cy, 1) - float(th // 2)
        # the placements: grid cells clipped to the window, in canvas coordinates (row-major)
        places, visible, areas = [], [], []
        for r in range(rows):
            for c in range(cols):
                px1 = _math.Minimum(_math.Maximum(float(c * cw) - x0, 0.0), float(tw))
                px2 = _math.Minimum(_math.Maximum(float((c + 1) * cw) - x0, 0.0), float(tw))
                py1 = _math.Minimum(_math.Maximum(float(r * ch) - y0, 0.0), float(th))
                py2 = _math.Minimum(_math.Maximum(float((r + 1) * ch) - y0, 0.0), float(th))
                places.append((px1, py1, px2, py2))
                visible.append((px2 > px1) & (py2 > py1))
                areas.append((px2 - px1) * (py2 - py1))
        # the primary item takes the largest placement (the first on ties)
        best, best_area = as_node(0.0), areas[0]
        for k in range(1, cells):
            better = areas[k] > best_area
            best, best_area = _flow.Select(better, float(k), best), _math.Maximum(areas[k], best_area)
        # the other visible placements, in order, take a random order of items 1 .. n - 1
        perm = random.Permutation(n - 1, label=_sub(label, "order")) if n > 1 else None
        chosen, rank = [], as_node(0.0)
        for k in range(cells):
            is_best = best == float(k)
            if perm is None:
                chosen.append(tensor.Cast(0, dtype="i64"))
                continue
            at = tensor.Cast(_math.Minimum(rank, float(n - 2)), dtype="i64")
            other = _scalar(tensor.Slice(perm, at, at + 1), 0) + 1
            chosen.append(_flow.Select(is_best, tensor.Cast(0, dtype="i64"), other))
            rank = rank + _f32(visible[k] & ~is_best)
        primary = sources[0]
        fields = primary.kinds
        decls = primary.declarations
        # per-annotation fields: concatenated in cell order like their boxes (keypoints)
        rows = set(config["label_fields"])
        for decl in decls.values():
            rows.update(decl.attached)
        per_cell = [cls._cell(config, items, chosen[k], places[k], visible[k], fields, rows, decls)
                    for k in range(cells)]
        out = {}
        for name, kind in fields.items():
            parts = [per_cell[k][name] for k in range(cells)] if name in per_cell[0] else None
            if kind == "masks":
                # instance masks: each cell's planes (on its own zero canvas) side by side, in the
                # cell order of the boxes they belong to
                stacked = tensor.Concat(*parts, axis=2)
                out[name] = _Shaped(stacked, stacked, height=th, width=tw)
            elif kind in _PIXEL_KINDS:
                canvas = parts[0]
                for part in parts[1:]:
                    canvas = canvas + part
                out[name] = _Shaped(canvas, primary[name], height=th, width=tw)
            elif parts is not None:
                out[name] = _ConcatRows(*parts)
            else:
                out[name] = primary[name]
        res = Resource._internal(out, fields, decls)
        # declared boxes hidden or cut away in their cell are 0, 0, 0, 0: dropped here with their
        # attached fields; declared keypoints with remove_invisible lose their invisible rows
        return after_transform(res, [n for n, d in decls.items() if d.kind in ("boxes", "keypoints")])

    @classmethod
    def _cell(cls, config, items, which, place, visible, fields, rows, decls):
        """The fields of one cell: pixels on a zero canvas, annotations in canvas coordinates
        (``rows``: the names of the per-annotation fields to pass on for concatenation)."""
        (th, tw), (ch, cw) = config["target_size"], config["cell_shape"]
        item = choice(which, *items) if len(items) > 1 else items[0]
        px1, py1, px2, py2 = place
        pw, ph = px2 - px1, py2 - py1
        ref = item.reference()
        w, h = _size_f32(ref)
        scale = (_math.Maximum if config["fit_mode"] == "cover" else _math.Minimum)(ch / h, cw / w)
        rw, rh = _math.Maximum(_math.Round(w * scale), 1.0), _math.Maximum(_math.Round(h * scale), 1.0)
        # the side of the cell next to the mosaic's center (get_opposite_crop_coords)
        ccx, ccy = (px1 + px2) * 0.5, (py1 + py2) * 0.5
        centered = (ccx == tw / 2.0) | (ccy == th / 2.0)
        ox = _flow.Select(centered, _math.Floor((cw - pw) / 2), _flow.Select(ccx < tw / 2.0, cw - pw, 0.0))
        oy = _flow.Select(centered, _math.Floor((ch - ph) / 2), _flow.Select(ccy < th / 2.0, ch - ph, 0.0))
        if config["fit_mode"] == "contain":
            # albumentations pads the resized item by half the shortfall on the left (top)
            ox = ox - _math.Floor(_math.Maximum(ox + pw - rw, 0.0) / 2)
            oy = oy - _math.Floor(_math.Maximum(oy + ph - rh, 0.0) / 2)
        # item -> cell-local coordinates -> canvas
        local = geometry.Chain(geometry.Scale(rw / w, rh / h, 0.0, 0.0), geometry.Translate(-ox, -oy))
        to_canvas = geometry.Translate(px1, py1)
        # a hidden cell is pasted outside the canvas (nothing of it shows)
        qx, qy = _flow.Select(visible, px1, float(tw + 1)), _flow.Select(visible, py1, float(th + 1))
        sw, sh = _math.Maximum(pw, 1.0), _math.Maximum(ph, 1.0)
        out = {}
        for name, kind in fields.items():
            field = item[name]
            if kind in _PIXEL_KINDS:
                mask_like = kind != "image"
                resized = image.Resize(field, tensor.Cast(rw, dtype="i64"), tensor.Cast(rh, dtype="i64"),
                                       interpolation=config["mask_interpolation" if mask_like else "interpolation"])
                part = image.CropPad(resized, tensor.Stack(ox, oy, ox + sw, oy + sh), border="constant",
                                     border_value=config["fill_mask" if mask_like else "fill"])
                out[name] = image.CropPad(part, tensor.Stack(-qx, -qy, tw - qx, th - qy), border="constant",
                                          border_value=0.0)
            elif kind == "boxes":
                moved = geometry.TransformBoxes(_rows(field), local)
                if name in decls:
                    # the declaration's filters, with the visibility of the box as resized into its
                    # cell: clipped to the part of the cell shown / unclipped
                    boxes, seen = box_keep(decls[name], moved, pw, ph)
                    seen = seen & visible
                else:
                    boxes = geometry.ClipBoxes(moved, pw, ph)
                    seen = ((_column(boxes, 2) - _column(boxes, 0)) * (_column(boxes, 3) - _column(boxes, 1)) > 0) \
                        & visible
                out[name] = geometry.TransformBoxes(boxes, to_canvas) * tensor.Reshape(_f32(seen), shape=[-1, 1])
            elif kind in ("points", "keypoints"):
                moved = _move_annotations(kind, field, local, pw, ph, False)
                x, y = _column(moved, 0), _column(moved, 1)
                inside = (x >= 0.0) & (x < pw) & (y >= 0.0) & (y < ph)
                shift = tensor.Reshape(tensor.Stack(px1, py1), shape=[1, 2])
                if kind == "points":
                    # + 0 / inside: NaN where the point left its cell
                    out[name] = moved + shift + tensor.Reshape(0.0 / _f32(inside), shape=[-1, 1])
                else:
                    xy = tensor.Slice(moved, 0, 2, axis=1) + shift
                    rest = tensor.Slice(moved, 2, 4, axis=1)
                    vis = tensor.Slice(moved, 4, 5, axis=1) * tensor.Reshape(_f32(inside), shape=[-1, 1])
                    out[name] = tensor.Concat(xy, rest, vis, axis=1)
            elif name in rows:
                out[name] = field
        return out


def _column(boxes: Node, k: int) -> Node:
    return tensor.Reshape(tensor.Slice(boxes, k, k + 1, axis=1), shape=[-1])
