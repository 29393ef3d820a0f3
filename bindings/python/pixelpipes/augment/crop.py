"""Crops: RandomResizedCrop, RandomCrop, CenterCrop and the tracking-style RandomPatch."""
from __future__ import annotations

import math as _pymath
import numbers

import numpy as np

from ..node import Constant, Node, as_node
from ..ops import geometry, random, tensor
from ..ops import flow as _flow
from ..ops import math as _math
from ..resource import Resource
from ._common import (BORDERS, INTERPOLATIONS, RESIZE_INTERPOLATIONS, _choice, _floor, _is_node, _is_number, _max,
                      _pair, _scalar, _size_f32, _size_hw, _sub)
from .base import GeometryAugmentation


class RandomResizedCrop(GeometryAugmentation):
    """A crop of random area and aspect ratio, resized to ``size`` (torchvision's algorithm).

    Up to 10 attempts draw an area fraction uniformly in ``scale`` and a log aspect ratio
    uniformly in log(``ratio``); the first attempt whose crop (width round(sqrt(a * r)), height
    round(sqrt(a / r))) fits in the image is placed uniformly at random; if none fits, the center
    crop of the whole image clamped to ``ratio`` is used. The attempts are drawn together (no
    Python per sample) and the first valid one is picked with flow.select. The crop and resize
    are one matrix, so masks, boxes and points follow.
    ``interpolation``: nearest, linear, area, cubic or lanczos (for images; masks use nearest).
    """

    references = {"torchvision": "RandomResizedCrop", "albumentations": "RandomResizedCrop"}
    image_mode = "crop_resize"
    ATTEMPTS = 10

    @staticmethod
    def configure(size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0), interpolation: str = "linear",
                  clip_boxes: bool = True):
        scale = _pair(scale, "scale")
        ratio = _pair(ratio, "ratio")
        if scale[0] <= 0:
            raise ValueError(f"scale must be positive, not {scale}")
        if ratio[0] <= 0:
            raise ValueError(f"ratio must be positive, not {ratio}")
        return dict(size=_size_hw(size), scale=scale, ratio=ratio,
                    interpolation=_choice(interpolation, RESIZE_INTERPOLATIONS, "interpolation"),
                    clip_boxes=bool(clip_boxes))

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
        crop = self._fallback(W, H, r0, r1)
        for i in reversed(range(n)):
            row = tensor.Reshape(tensor.Slice(candidates, i, i + 1), shape=[4])
            crop = _flow.Select(_scalar(valid, i), row, crop)
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


class RandomCrop(GeometryAugmentation):
    """A ``size`` crop at a uniformly random position (torchvision's RandomCrop).

    ``padding``: p (every side), (left/right, top/bottom) or (left, top, right, bottom) pixels
    added around the image first; ``pad_if_needed`` pads each side by the missing amount when the
    (padded) image is smaller than ``size`` (as torchvision). Padding follows ``border``
    (constant with ``border_value``, replicate, reflect with the edge pixel repeated, wrap;
    torchvision's "edge" and "symmetric" are accepted). Where the image is smaller than the crop
    without pad_if_needed (an error in torchvision) the crop starts at the padded top-left and
    the rest is border.
    """

    references = {"torchvision": "RandomCrop"}
    image_mode = "crop"

    @staticmethod
    def configure(size, padding=None, pad_if_needed: bool = False, border: str = "constant",
                  border_value: float = 0.0, clip_boxes: bool = True):
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
        return dict(size=_size_hw(size), padding=padding, pad_if_needed=bool(pad_if_needed),
                    border=_choice(border, BORDERS, "border"), border_value=float(border_value),
                    clip_boxes=bool(clip_boxes))

    def output_size(self, ref):
        h, w = self.config["size"]
        return w, h

    def matrix(self, ref):
        c = self.config
        h, w = c["size"]
        W, H = _size_f32(ref)
        left, top, right, bottom = (float(p) for p in c["padding"])
        Wp, Hp = W + left + right, H + top + bottom
        if c["pad_if_needed"]:
            dx, dy = _max(w - Wp, 0.0), _max(h - Hp, 0.0)
            left, top = left + dx, top + dy
            Wp, Hp = Wp + 2 * dx, Hp + 2 * dy
        x = _floor(random.Uniform(0.0, 1.0) * _max(Wp - w + 1, 1.0))
        y = _floor(random.Uniform(0.0, 1.0) * _max(Hp - h + 1, 1.0))
        return geometry.Translate(left - x, top - y)


class CenterCrop(GeometryAugmentation):
    """The central ``size`` crop (torchvision's CenterCrop: offsets round((W - w) / 2) with
    Python's rounding; a crop larger than the image is padded with ``border``)."""

    references = {"torchvision": "CenterCrop"}
    image_mode = "crop"

    @staticmethod
    def configure(size, border: str = "constant", border_value: float = 0.0, clip_boxes: bool = True):
        return dict(size=_size_hw(size), border=_choice(border, BORDERS, "border"),
                    border_value=float(border_value), clip_boxes=bool(clip_boxes))

    def output_size(self, ref):
        h, w = self.config["size"]
        return w, h

    @staticmethod
    def _offset(d):
        """torchvision's offset for a size difference d = image - crop."""
        if not _is_node(d):
            return float(round(d / 2)) if d >= 0 else -float((-int(d)) // 2)
        half = d / 2
        return _flow.Select(d < 0, _math.Ceil(half), _math.Round(half))   # math.round: halves to even

    def matrix(self, ref):
        h, w = self.config["size"]
        W, H = _size_f32(ref)
        return geometry.Translate(-self._offset(W - w), -self._offset(H - h))


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
