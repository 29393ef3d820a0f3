"""Crops: RandomResizedCrop, RandomCrop, CenterCrop (torchvision's or albumentations' arguments),
albumentations' Crop and the tracking-style RandomPatch."""
from __future__ import annotations

import math as _pymath
import numbers

import numpy as np

from ..node import Constant, Node, as_node
from ..ops import geometry, random, tensor
from ..ops import flow as _flow
from ..ops import math as _math
from ..resource import Resource
from ..ops import image
from ._common import (BORDERS, INTERPOLATIONS, RESIZE_INTERPOLATIONS, _choice, _floor, _is_node, _is_number, _max,
                      _pair, _scalar, _size_f32, _size_hw, _sub, _with_shape)
from ._reframe import border_name, fill_value
from .base import GeometryAugmentation
from .pad import _PADDING_MODES


class RandomResizedCrop(GeometryAugmentation):
    """A crop of random area and aspect ratio, resized to ``size`` (torchvision's algorithm).

    Up to 10 attempts draw an area fraction uniformly in ``scale`` and a log aspect ratio
    uniformly in log(``ratio``); the first attempt whose crop (width round(sqrt(a * r)), height
    round(sqrt(a / r))) fits in the image is placed uniformly at random; if none fits, the center
    crop of the whole image clamped to ``ratio`` is used. The attempts are drawn together (no
    Python per sample) and the first valid one is picked with tensor.gather. The crop and resize
    are one matrix, so masks, boxes and points follow.
    ``interpolation``: nearest, linear, area, cubic or lanczos (for images; masks use nearest).
    ``antialias=True`` (with linear): torchvision's antialiased bilinear filter, its default since
    0.17 (image.resize's antialias); the default False is albumentations' (OpenCV's bilinear).
    """

    references = {"torchvision": "RandomResizedCrop", "albumentations": "RandomResizedCrop"}
    image_mode = "crop_resize"
    ATTEMPTS = 10

    @staticmethod
    def configure(size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0), interpolation: str = "linear",
                  clip_boxes: bool = True, antialias: bool = False):
        scale = _pair(scale, "scale")
        ratio = _pair(ratio, "ratio")
        if scale[0] <= 0:
            raise ValueError(f"scale must be positive, not {scale}")
        if ratio[0] <= 0:
            raise ValueError(f"ratio must be positive, not {ratio}")
        return dict(size=_size_hw(size), scale=scale, ratio=ratio,
                    interpolation=_choice(interpolation, RESIZE_INTERPOLATIONS, "interpolation"),
                    clip_boxes=bool(clip_boxes), antialias=bool(antialias))

    def output_size(self, ref):
        h, w = self.config["size"]
        return w, h

    def matrix(self, ref):
        c = self.config
        W, H = _size_f32(ref)
        (s0, s1), (r0, r1) = c["scale"], c["ratio"]
        n = self.ATTEMPTS
        area = W * H
        fraction = random.Uniform(s0, s1, shape=[n])
        ratio = _math.Exp(random.Uniform(_pymath.log(r0), _pymath.log(r1), shape=[n]))
        target = fraction * area
        cw = _math.Round(_math.Sqrt(target * ratio))
        ch = _math.Round(_math.Sqrt(target / ratio))
        valid = (cw > 0) & (cw <= W) & (ch > 0) & (ch <= H)
        cx = _math.Floor(random.Uniform(0.0, 1.0, shape=[n]) * (W - cw + 1))
        cy = _math.Floor(random.Uniform(0.0, 1.0, shape=[n]) * (H - ch + 1))
        candidates = tensor.Stack(cx, cy, cw, ch, axis=1)
        # the first valid attempt, else the fallback: the rows where valid holds, the fallback's
        # row (always kept) after them, and the first of these
        rows = tensor.Concat(candidates, tensor.Reshape(self._fallback(W, H, r0, r1), shape=[1, 4]), axis=0)
        kept = tensor.Gather(rows, tensor.Concat(valid, Constant(np.array([True]))), axis=0)
        crop = tensor.Reshape(tensor.Slice(kept, 0, 1), shape=[4])
        x0, y0, w, h = (_scalar(crop, k) for k in range(4))
        out_w, out_h = self.output_size(ref)
        return geometry.Chain(geometry.Translate(-x0, -y0), geometry.Scale(out_w / w, out_h / h, 0.0, 0.0))

    @staticmethod
    def _fallback(W, H, r0, r1) -> Node:
        """torchvision's fallback: the whole image, its aspect ratio clamped to [r0, r1], centered."""
        if not _is_node(W):
            in_ratio = W / H
            if in_ratio < r0:
                w, h = W, float(round(W / r0))
            elif in_ratio > r1:
                w, h = float(round(H * r1)), H
            else:
                w, h = W, H
            return Constant(np.array([(W - w) // 2, (H - h) // 2, w, h], np.float32))
        in_ratio = W / H
        narrow, wide = in_ratio < r0, in_ratio > r1
        w = _flow.Select(wide, _math.Round(H * r1), W)
        h = _flow.Select(narrow, _math.Round(W / r0), H)
        return tensor.Stack(_math.Floor((W - w) / 2), _math.Floor((H - h) / 2), w, h)


_POSITIONS = ("center", "top_left", "top_right", "bottom_left", "bottom_right", "random")


def _padding_mode(value) -> str:
    if value not in _PADDING_MODES:
        raise ValueError(f"padding_mode must be one of {', '.join(_PADDING_MODES)}, not {value!r}")
    return _PADDING_MODES[value]


def _albumentations_form(height, width, size, pad_position, border_mode, fill, fill_mask):
    """The config of a crop given albumentations' arguments (height=, width=, ...), or None when
    the torchvision form (size=...) is used."""
    if height is None and width is None:
        if size is None:
            raise ValueError("give size (torchvision's form) or height= and width= (albumentations')")
        return None
    if size is not None:
        raise ValueError("give either size (torchvision's form) or height= and width= (albumentations'), not both")
    if height is None or width is None:
        raise ValueError("albumentations' form needs both height= and width=")
    if pad_position not in _POSITIONS:
        raise ValueError(f"pad_position must be one of {', '.join(_POSITIONS)}, not {pad_position!r}")
    return dict(size=_size_hw((height, width), "height, width"), pad_position=pad_position,
                border=border_name(0 if border_mode is None else border_mode),
                border_value=fill_value(0 if fill is None else fill, "fill"),
                fill_mask=fill_value(0 if fill_mask is None else fill_mask, "fill_mask"))


def _pad_before(missing, position: str, vertical: bool):
    """albumentations' share of ``missing`` rows (columns) padded before the image for a
    pad_position (get_padding_params + adjust_padding_by_position): center int(missing / 2), all
    of it for bottom_* (vertical) / *_right (horizontal), none for the others, a uniform integer
    in [0, missing] for random."""
    if position == "center":
        return _floor(missing / 2)
    if position == "random":
        return _floor(random.Uniform(0.0, 1.0) * (missing + 1.0))
    after = position.startswith("bottom") if vertical else position.endswith("right")
    return missing if after else 0.0


class _CropFields(GeometryAugmentation):
    """Crops that take either torchvision's arguments or albumentations' (form "albumentations":
    masks are padded with the same border mode and ``fill_mask``)."""

    image_mode = "crop"

    def output_size(self, ref):
        h, w = self.config["size"]
        return w, h

    def move_pixels(self, kind, field, matrix, w, h):
        c = self.config
        if c["form"] == "albumentations" and kind in ("mask", "masks"):
            box = geometry.TransformBoxes(Constant(np.array([0, 0, w, h], np.float32)), geometry.Invert(matrix))
            return _with_shape(image.CropPad(field, box, border=c["border"], border_value=c["fill_mask"]), field, h, w)
        return super().move_pixels(kind, field, matrix, w, h)


class RandomCrop(_CropFields):
    """A crop at a uniformly random position, in torchvision's form (``size``) or albumentations'
    (``height=``, ``width=`` by keyword).

    torchvision's form (torchvision's RandomCrop): ``padding``: p (every side), (left/right,
    top/bottom) or (left, top, right, bottom) pixels added around the image first;
    ``pad_if_needed`` pads each side by the missing amount when the (padded) image is smaller
    than ``size`` (as torchvision). Padding follows ``padding_mode`` (torchvision's constant with
    ``fill``, edge, reflect, symmetric) or ``border`` (our names: constant with ``border_value``,
    replicate, reflect with the edge pixel repeated, reflect_101, wrap). Where the image is smaller
    than the crop without pad_if_needed (an error in torchvision) the crop starts at the padded
    top-left and the rest is border. The offset is uniform in [0, padded - crop].

    albumentations' form (its RandomCrop(height, width, pad_if_needed, pad_position, border_mode,
    fill, fill_mask)): the offset is int((H - h + 1) u), u ~ uniform(0, 1); with
    ``pad_if_needed`` a side shorter than the crop is padded by the missing amount, split by
    ``pad_position`` (center: int(missing / 2) before; top_left, ..., random: a uniform integer
    split), then cropped at 0 on that axis. ``border_mode`` (cv2 flag or name) and ``fill`` /
    ``fill_mask`` pad images and masks. Where albumentations raises (a crop larger than the image
    without pad_if_needed) we pad as with it. Boxes, points and keypoints are translated."""

    references = {"torchvision": "RandomCrop", "albumentations": "RandomCrop"}

    @staticmethod
    def configure(size=None, padding=None, pad_if_needed: bool = False, border: str = "constant",
                  border_value: float = 0.0, clip_boxes: bool = True, fill=None, padding_mode=None, *,
                  height=None, width=None, pad_position="center", border_mode=None, fill_mask=None):
        alb = _albumentations_form(height, width, size, pad_position, border_mode, fill, fill_mask)
        if alb is not None:
            if padding is not None or padding_mode is not None:
                raise ValueError("padding and padding_mode belong to torchvision's form (size=...)")
            return dict(form="albumentations", padding=(0, 0, 0, 0), pad_if_needed=bool(pad_if_needed),
                        clip_boxes=bool(clip_boxes), **alb)
        if padding is None:
            padding = (0, 0, 0, 0)
        elif isinstance(padding, numbers.Integral):
            padding = (int(padding),) * 4
        elif isinstance(padding, (list, tuple)) and len(padding) == 2:
            padding = (int(padding[0]), int(padding[1])) * 2
        elif isinstance(padding, (list, tuple)) and len(padding) == 4:
            padding = tuple(int(p) for p in padding)
        else:
            raise ValueError(f"padding must be an int or 2 or 4 ints, not {padding!r}")
        if any(p < 0 for p in padding):
            raise ValueError(f"padding must not be negative, not {padding!r}")
        border = _padding_mode(padding_mode) if padding_mode is not None else _choice(border, BORDERS, "border")
        value = fill_value(fill, "fill") if fill is not None else float(border_value)
        return dict(form="torchvision", size=_size_hw(size), padding=padding, pad_if_needed=bool(pad_if_needed),
                    border=border, border_value=value, clip_boxes=bool(clip_boxes))

    def matrix(self, ref):
        c = self.config
        h, w = c["size"]
        W, H = _size_f32(ref)
        if c["form"] == "albumentations":
            # a side shorter than the crop is always padded (albumentations raises without pad_if_needed)
            left = _pad_before(_max(w - W, 0.0), c["pad_position"], False)
            top = _pad_before(_max(h - H, 0.0), c["pad_position"], True)
            x = _floor(random.Uniform(0.0, 1.0) * (_max(W - w, 0.0) + 1.0))
            y = _floor(random.Uniform(0.0, 1.0) * (_max(H - h, 0.0) + 1.0))
            return geometry.Translate(left - x, top - y)
        left, top, right, bottom = (float(p) for p in c["padding"])
        Wp, Hp = W + left + right, H + top + bottom
        if c["pad_if_needed"]:
            dx, dy = _max(w - Wp, 0.0), _max(h - Hp, 0.0)
            left, top = left + dx, top + dy
            Wp, Hp = Wp + 2 * dx, Hp + 2 * dy
        x = _floor(random.Uniform(0.0, 1.0) * _max(Wp - w + 1, 1.0))
        y = _floor(random.Uniform(0.0, 1.0) * _max(Hp - h + 1, 1.0))
        return geometry.Translate(left - x, top - y)


class CenterCrop(_CropFields):
    """The central crop, in torchvision's form (``size``) or albumentations' (``height=``,
    ``width=`` by keyword).

    torchvision's form (torchvision's CenterCrop): offsets round((W - w) / 2) with Python's
    rounding; a crop larger than the image is padded with ``border`` / ``border_value`` (``fill``).
    albumentations' form (its CenterCrop(height, width, pad_if_needed, pad_position, border_mode,
    fill, fill_mask)): offsets (W - w) // 2 (floored); a side shorter than the crop is padded by the
    missing amount split by ``pad_position`` (center: int(missing / 2) before), with
    ``border_mode``, ``fill`` and ``fill_mask`` (also without pad_if_needed, where albumentations
    raises). Boxes, points and keypoints are translated."""

    references = {"torchvision": "CenterCrop", "albumentations": "CenterCrop"}

    @staticmethod
    def configure(size=None, border: str = "constant", border_value: float = 0.0, clip_boxes: bool = True,
                  fill=None, *, height=None, width=None, pad_if_needed: bool = False, pad_position="center",
                  border_mode=None, fill_mask=None):
        alb = _albumentations_form(height, width, size, pad_position, border_mode, fill, fill_mask)
        if alb is not None:
            return dict(form="albumentations", pad_if_needed=bool(pad_if_needed), clip_boxes=bool(clip_boxes), **alb)
        value = fill_value(fill, "fill") if fill is not None else float(border_value)
        return dict(form="torchvision", size=_size_hw(size), border=_choice(border, BORDERS, "border"),
                    border_value=value, clip_boxes=bool(clip_boxes))

    @staticmethod
    def _offset(d):
        """torchvision's offset for a size difference d = image - crop."""
        if not _is_node(d):
            return float(round(d / 2)) if d >= 0 else -float((-int(d)) // 2)
        half = d / 2
        return _flow.Select(d < 0, _math.Ceil(half), _math.Round(half))   # math.round: halves to even

    def matrix(self, ref):
        c = self.config
        h, w = c["size"]
        W, H = _size_f32(ref)
        if c["form"] == "albumentations":
            x = _floor(_max(W - w, 0.0) / 2) - _pad_before(_max(w - W, 0.0), c["pad_position"], False)
            y = _floor(_max(H - h, 0.0) / 2) - _pad_before(_max(h - H, 0.0), c["pad_position"], True)
            return geometry.Translate(-x, -y)
        return geometry.Translate(-self._offset(W - w), -self._offset(H - h))


class Crop(_CropFields):
    """albumentations' Crop: the region x_min <= x < x_max, y_min <= y < y_max (pixels).

    With ``pad_if_needed``, where the region reaches past the right (bottom) edge by d pixels the
    image is padded as albumentations does: int(d / 2) before and d after for pad_position
    "center" (the region is then read in the padded image: its content moves by the padding before),
    0 / d for top_left..., a uniform integer split for "random"; ``border_mode``, ``fill`` and
    ``fill_mask`` fill images and masks. Without pad_if_needed a region past the edges (an error in
    albumentations) is filled with the border. The output is (y_max - y_min) x (x_max - x_min);
    boxes, points and keypoints are translated. p defaults to 1."""

    references = {"albumentations": "Crop"}

    @staticmethod
    def configure(x_min: int = 0, y_min: int = 0, x_max: int = 1024, y_max: int = 1024, pad_if_needed: bool = False,
                  pad_position="center", border_mode=0, fill=0, fill_mask=0):
        coords = []
        for name, v in (("x_min", x_min), ("y_min", y_min), ("x_max", x_max), ("y_max", y_max)):
            if not (isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 0):
                raise ValueError(f"{name} must be an int >= 0, not {v!r}")
            coords.append(int(v))
        if not (coords[0] < coords[2] and coords[1] < coords[3]):
            raise ValueError(f"need x_min < x_max and y_min < y_max, not {tuple(coords)}")
        if pad_position not in _POSITIONS:
            raise ValueError(f"pad_position must be one of {', '.join(_POSITIONS)}, not {pad_position!r}")
        return dict(form="albumentations", coords=tuple(coords), pad_if_needed=bool(pad_if_needed),
                    pad_position=pad_position, border=border_name(border_mode), border_value=fill_value(fill, "fill"),
                    fill_mask=fill_value(fill_mask, "fill_mask"))

    def output_size(self, ref):
        x0, y0, x1, y1 = self.config["coords"]
        return x1 - x0, y1 - y0

    def matrix(self, ref):
        c = self.config
        x0, y0, x1, y1 = (float(v) for v in c["coords"])
        if not c["pad_if_needed"]:
            return geometry.Translate(-x0, -y0)
        W, H = _size_f32(ref)
        left = _pad_before(_max(x1 - W, 0.0), c["pad_position"], False)
        top = _pad_before(_max(y1 - H, 0.0), c["pad_position"], True)
        return geometry.Translate(left - x0, top - y0)


class RandomPatch(GeometryAugmentation):
    """A tracking-style patch: a square of ``context`` times the box size (sqrt(w h)) around the
    box center, resized to ``size`` (the box center lands on the patch center).

    The box is the first box of the resource field ``box_field`` (N x 4 or [4]), or ``box=`` (a
    node) when called on an image. ``center_jitter`` j moves the center by uniform(-j, j) times
    the box size on each axis; ``scale_jitter`` s multiplies the patch side by exp(uniform(-s, s)).
    Parts of the patch outside the image follow ``border``. Boxes and points move with it.
    """

    @staticmethod
    def configure(size, box_field: str = "boxes", context: float = 2.0, center_jitter: float = 0.0,
                  scale_jitter: float = 0.0, interpolation: str = "linear", border: str = "constant",
                  border_value: float = 0.0, clip_boxes: bool = True):
        if not (_is_number(context) and context > 0):
            raise ValueError(f"context must be a positive number, not {context!r}")
        for name, v in (("center_jitter", center_jitter), ("scale_jitter", scale_jitter)):
            if not (_is_number(v) and v >= 0):
                raise ValueError(f"{name} must be a number >= 0, not {v!r}")
        return dict(size=_size_hw(size), box_field=str(box_field), context=float(context),
                    center_jitter=float(center_jitter), scale_jitter=float(scale_jitter),
                    interpolation=_choice(interpolation, INTERPOLATIONS, "interpolation"),
                    border=_choice(border, BORDERS, "border"), border_value=float(border_value),
                    clip_boxes=bool(clip_boxes))

    @classmethod
    def _check_plan(cls, args, kwargs):
        kwargs.pop("box", None)
        cls._checked_config(args, kwargs)

    @classmethod
    def _build(cls, source, *args, label=None, box=None, **kwargs):
        config, p = cls._checked_config(args, kwargs)
        if box is None:
            if not isinstance(source, Resource):
                raise TypeError("RandomPatch on an image needs box=...; or give a Resource with a boxes field")
            box = source[config["box_field"]]
        box = as_node(box)
        draw = type.__call__(cls, box, label=_sub(label, "matrix"), _part="draw", **config)
        return cls._maybe(source, p, label, lambda: cls._apply_to(source, config, label, params=(draw,)))

    def output_size(self, ref):
        h, w = self.config["size"]
        return w, h

    def draw(self, box):
        c = self.config
        b = tensor.Reshape(tensor.Slice(tensor.Reshape(tensor.Cast(box, dtype="f32"), shape=[-1, 4]), 0, 1),
                           shape=[4])
        x1, y1, x2, y2 = (_scalar(b, k) for k in range(4))
        size = _math.Maximum(_math.Sqrt(_math.Maximum((x2 - x1) * (y2 - y1), 0.0)), 1.0)
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        if c["center_jitter"] > 0:
            j = random.Uniform(-c["center_jitter"], c["center_jitter"], shape=[2])
            cx, cy = cx + _scalar(j, 0) * size, cy + _scalar(j, 1) * size
        side = size * c["context"]
        if c["scale_jitter"] > 0:
            side = side * _math.Exp(random.Uniform(-c["scale_jitter"], c["scale_jitter"]))
        out_w, out_h = self.output_size(None)
        k = _pymath.sqrt(out_w * out_h) / side
        return geometry.Chain(geometry.Translate(-cx, -cy), geometry.Scale(k, k, 0.0, 0.0),
                              geometry.Translate(out_w / 2, out_h / 2))
