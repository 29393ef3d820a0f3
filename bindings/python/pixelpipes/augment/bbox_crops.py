"""Box-aware crops: albumentations' BBoxSafeRandomCrop, RandomSizedBBoxSafeCrop,
AtLeastOneBBoxRandomCrop and RandomCropNearBBox, and torchvision's RandomIoUCrop (SSD).

Each draws its window from the first field of kind "boxes" (N x 4, x1 y1 x2 y2 in pixels) with
albumentations' (torchvision's) algorithm, vectorized: every attempt is drawn at once and the
first valid one is picked by a select, so nothing runs in Python per sample."""
from __future__ import annotations


import numpy as np

from ..node import Constant
from ..ops import flow as _flow
from ..ops import geometry, mask, random, tensor
from ..ops import math as _math
from ._common import _is_number, _scalar, _size_f32, _sub
from ._window import WindowCrop, _box_row, _clip, _column, _count, _f32, _first_field, _interpolation, _rows


def _fraction(value, what: str) -> float:
    if not (_is_number(value) and 0.0 <= value <= 1.0):
        raise ValueError(f"{what} must be a number in [0, 1], not {value!r}")
    return float(value)


def _positive_int(value, what: str) -> int:
    if not (isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= 1):
        raise ValueError(f"{what} must be an int >= 1, not {value!r}")
    return int(value)


def _union(boxes):
    """The union box of N x 4 boxes ([4]; zeros for none): the bounds of all their corners."""
    return geometry.PointsBounds(geometry.BoxToPoints(boxes))


class BBoxSafeRandomCrop(WindowCrop):
    """A random crop that keeps every box (albumentations' BBoxSafeRandomCrop, default p 1).

    With boxes: their union (for more than one box shrunk by ``erosion_rate`` / 2 of its size on
    each side), in [0, 1] image coordinates u, gives the window x1 = int(u.x1 * U * W),
    y1 = int(u.y1 * U * H), x2 = int((u.x2 + (1 - u.x2) * U) * W), y2 = likewise, with four
    independent U ~ uniform[0, 1): the window always contains the (eroded) union.
    Without boxes (or with erosion_rate 1, or an eroded union of zero size): a crop of height
    randint(int(H * (1 - erosion_rate)), H), width int(height * W / H), at a uniform position.
    The output size varies per sample. Masks, boxes and points move with the pixels.
    """

    default_p = 1.0
    references = {"albumentations": "BBoxSafeRandomCrop"}

    @staticmethod
    def configure(erosion_rate: float = 0.0):
        return dict(erosion_rate=_fraction(erosion_rate, "erosion_rate"))

    def window(self, ref, boxes):
        e = self.config["erosion_rate"]
        W, H = _size_f32(ref)
        boxes = _rows(boxes)
        n = _count(boxes)
        u = random.Uniform(0.0, 1.0, shape=[6])
        ux1, uy1, ux2, uy2 = (_scalar(_union(boxes), k) for k in range(4))
        # albumentations erodes the union of two or more boxes only
        shrink = _flow.Select(n > 1.5, e * 0.5, 0.0)
        ex, ey = (ux2 - ux1) * shrink, (uy2 - uy1) * shrink
        ux1, ux2, uy1, uy2 = ux1 + ex, ux2 - ex, uy1 + ey, uy2 - ey
        degenerate = (n > 1.5) & ((_math.Abs(ux2 - ux1) < 1e-6 * W) | (_math.Abs(uy2 - uy1) < 1e-6 * H))
        use_boxes = (n > 0.5) & ~degenerate if e < 1.0 else None
        nx1, ny1 = _clip(ux1 / W, 0.0, 1.0), _clip(uy1 / H, 0.0, 1.0)
        nx2, ny2 = _clip(ux2 / W, nx1, 1.0), _clip(uy2 / H, ny1, 1.0)
        safe = tensor.Stack(_math.Floor(nx1 * _scalar(u, 0) * W), _math.Floor(ny1 * _scalar(u, 1) * H),
                            _math.Floor((nx2 + (1 - nx2) * _scalar(u, 2)) * W),
                            _math.Floor((ny2 + (1 - ny2) * _scalar(u, 3)) * H))
        # no boxes: a crop of random height and the image's aspect ratio (get_crop_coords)
        eroded_h = _math.Floor(H * (1.0 - e))
        ch = _math.Minimum(_math.Floor(eroded_h + _scalar(u, 4) * (H - eroded_h + 1)), H)
        cw = _math.Minimum(_math.Floor(ch * W / H), W)
        v = random.Uniform(0.0, 1.0, shape=[2])
        y0 = _math.Floor((H - ch + 1) * _scalar(v, 0))
        x0 = _math.Floor((W - cw + 1) * _scalar(v, 1))
        plain = tensor.Stack(x0, y0, x0 + cw, y0 + ch)
        return plain if use_boxes is None else _flow.Select(use_boxes, safe, plain)


class RandomSizedBBoxSafeCrop(BBoxSafeRandomCrop):
    """BBoxSafeRandomCrop's window resized to ``height`` x ``width`` (albumentations'
    RandomSizedBBoxSafeCrop, default p 1): images with ``interpolation``, masks with
    ``mask_interpolation`` (OpenCV flags as albumentations, or names: nearest, linear, area,
    cubic, lanczos); boxes and points are scaled with the pixels. The output size is fixed."""

    image_mode = "crop_resize"
    references = {"albumentations": "RandomSizedBBoxSafeCrop"}

    @staticmethod
    def configure(height: int, width: int, erosion_rate: float = 0.0, interpolation=1, mask_interpolation=0):
        return dict(height=_positive_int(height, "height"), width=_positive_int(width, "width"),
                    erosion_rate=_fraction(erosion_rate, "erosion_rate"),
                    interpolation=_interpolation(interpolation),
                    mask_interpolation=_interpolation(mask_interpolation, "mask_interpolation"))

    def fixed_size(self):
        return self.config["width"], self.config["height"]


class AtLeastOneBBoxRandomCrop(WindowCrop):
    """A ``height`` x ``width`` crop that keeps (part of) one random box (albumentations'
    AtLeastOneBBoxRandomCrop, default p 1).

    One box is chosen uniformly; shrunk by ``erosion_factor`` (e: its width and height times
    1 - e), the crop's left edge is drawn uniformly between clip(x1 + w' - width) and
    clip(x2 - w') (clip to [0, W - width]; e = 1: between clip(x1 - width) and clip(x2)), then
    truncated; likewise the top. erosion_factor 0 keeps the whole chosen box when it fits.
    Without boxes: a uniform random crop. A crop larger than the image starts at 0 and the rest
    is zero padding (albumentations raises). The output size is fixed.
    """

    default_p = 1.0
    references = {"albumentations": "AtLeastOneBBoxRandomCrop"}

    @staticmethod
    def configure(height: int, width: int, erosion_factor: float = 0.0):
        return dict(height=_positive_int(height, "height"), width=_positive_int(width, "width"),
                    erosion_factor=_fraction(erosion_factor, "erosion_factor"))

    def fixed_size(self):
        return self.config["width"], self.config["height"]

    def window(self, ref, boxes):
        c = self.config
        w, h, e = float(c["width"]), float(c["height"]), c["erosion_factor"]
        W, H = _size_f32(ref)
        boxes = _rows(boxes)
        n = _count(boxes)
        u = random.Uniform(0.0, 1.0, shape=[3])
        # a dummy row so the slice exists without boxes (the selection below ignores it)
        padded = tensor.Concat(boxes, Constant(np.zeros((1, 4), np.float32)))
        index = tensor.Cast(_math.Minimum(_math.Floor(_scalar(u, 0) * n), _math.Maximum(n - 1, 0.0)), dtype="i64")
        x1, y1, x2, y2 = (_scalar(_box_row(padded, index), k) for k in range(4))
        xmax, ymax = _math.Maximum(W - w, 0.0), _math.Maximum(H - h, 0.0)
        if e < 1.0:
            ew, eh = (x2 - x1) * (1.0 - e), (y2 - y1) * (1.0 - e)
            lo_x, hi_x = _clip(x1 + ew - w, 0.0, xmax), _clip(x2 - ew, 0.0, xmax)
            lo_y, hi_y = _clip(y1 + eh - h, 0.0, ymax), _clip(y2 - eh, 0.0, ymax)
        else:
            lo_x, hi_x = _clip(x1 - w, 0.0, xmax), _clip(x2, 0.0, xmax)
            lo_y, hi_y = _clip(y1 - h, 0.0, ymax), _clip(y2, 0.0, ymax)
        has = n > 0.5
        lo_x, hi_x = _flow.Select(has, lo_x, 0.0), _flow.Select(has, hi_x, xmax)
        lo_y, hi_y = _flow.Select(has, lo_y, 0.0), _flow.Select(has, hi_y, ymax)
        # random.uniform(a, b) = a + (b - a) U, then int() (toward zero; all values are >= 0)
        x0 = _math.Floor(lo_x + (hi_x - lo_x) * _scalar(u, 1))
        y0 = _math.Floor(lo_y + (hi_y - lo_y) * _scalar(u, 2))
        return tensor.Stack(x0, y0, x0 + w, y0 + h)


class RandomCropNearBBox(WindowCrop):
    """A crop around one given box with its sides shifted at random (albumentations'
    RandomCropNearBBox, default p 1).

    The box is the resource field ``cropping_bbox_key`` ([4] or 1 x 4, x1 y1 x2 y2 pixels; it is
    not moved unless its kind is "boxes"), clipped to the image. With ``max_part_shift``
    (a, b) (a number v means (0, v), as albumentations): s_y = round(box height * a),
    s_x = round(box width * b); x1 - randint(-s_x, s_x), x2 + randint(-s_x, s_x),
    y1 - randint(-s_y, s_y), y2 + randint(-s_y, s_y) (inclusive), clipped to the image; a window
    of zero width or height becomes the centered crop of the box's size. The output size varies.
    """

    default_p = 1.0
    references = {"albumentations": "RandomCropNearBBox"}

    @staticmethod
    def configure(max_part_shift=(0.0, 0.3), cropping_bbox_key: str = "cropping_bbox"):
        if _is_number(max_part_shift):
            max_part_shift = (0.0, max_part_shift)
        if not (isinstance(max_part_shift, (list, tuple)) and len(max_part_shift) == 2
                and all(_is_number(v) and 0 <= v <= 1 for v in max_part_shift)):
            raise ValueError(f"max_part_shift must be a number or a pair in [0, 1], not {max_part_shift!r}")
        if not isinstance(cropping_bbox_key, str):
            raise ValueError(f"cropping_bbox_key must be a field name, not {cropping_bbox_key!r}")
        return dict(max_part_shift=(float(max_part_shift[0]), float(max_part_shift[1])),
                    cropping_bbox_key=cropping_bbox_key)

    @classmethod
    def _params(cls, res, ref, config, label):
        key = config["cropping_bbox_key"]
        if res is None or key not in res:
            raise TypeError(f"RandomCropNearBBox needs a Resource with the field {key!r} (the box to crop near)")
        return (type.__call__(cls, ref, res[key], label=_sub(label, "window"), _part="draw", **config),)

    def window(self, ref, box):
        a, b = self.config["max_part_shift"]
        W, H = _size_f32(ref)
        box = tensor.Reshape(_f32(box), shape=[4])
        x1, y1 = _clip(_scalar(box, 0), 0.0, W), _clip(_scalar(box, 1), 0.0, H)
        x2, y2 = _clip(_scalar(box, 2), x1, W), _clip(_scalar(box, 3), y1, H)
        sy, sx = _math.Round((y2 - y1) * a), _math.Round((x2 - x1) * b)
        u = random.Uniform(0.0, 1.0, shape=[4])

        def randint(s, k):   # randint(-s, s), inclusive
            return _math.Floor(-s + _scalar(u, k) * (2 * s + 1))
        cx1, cx2 = x1 - randint(sx, 0), x2 + randint(sx, 1)
        cy1, cy2 = y1 - randint(sy, 2), y2 + randint(sy, 3)
        cx1, cy1 = _clip(cx1, 0.0, W), _clip(cy1, 0.0, H)
        cx2, cy2 = _clip(cx2, cx1, W), _clip(cy2, cy1, H)
        bw, bh = x2 - x1, y2 - y1
        gx, gy = _math.Floor((W - bw) / 2), _math.Floor((H - bh) / 2)
        empty = (cx1 == cx2) | (cy1 == cy2)
        return _flow.Select(empty, tensor.Stack(gx, gy, gx + bw, gy + bh), tensor.Stack(cx1, cy1, cx2, cy2))


class RandomIoUCrop(WindowCrop):
    """SSD's random crop (torchvision v2's RandomIoUCrop; p 1).

    Per round a minimal IoU is drawn uniformly from ``sampler_options``; a value >= 1 keeps the
    sample as it is. Otherwise up to ``trials`` attempts draw scales r_w, r_h uniformly in
    [min_scale, max_scale) (size int(W r_w) x int(H r_h), aspect ratio w / h within
    [min_aspect_ratio, max_aspect_ratio]) and a uniform position (left int((W - w) U)); an
    attempt is taken when some box has its center strictly inside it and one such box has IoU
    with it >= the option. torchvision repeats rounds until one succeeds; here ``ROUNDS`` rounds
    are drawn at once (the first success is picked by a select) and if all fail the sample is
    kept as it is (the chance is below 1/2000 whenever an option is 0 or at least 1 as in
    the default options).

    Boxes whose center is not strictly inside the chosen crop become 0, 0, 0, 0 (torchvision
    marks them the same way for SanitizeBoundingBoxes; the framework's box filtering drops them
    with their labels). It needs a Resource with a boxes field. The output size varies.
    """

    default_p = 1.0
    references = {"torchvision": "RandomIoUCrop"}
    differences = {"torchvision": "if all 16 rounds of trials fail the sample is left unchanged (torchvision keeps "
                                  "drawing)"}
    missing = None
    ROUNDS = 16

    @staticmethod
    def configure(min_scale: float = 0.3, max_scale: float = 1.0, min_aspect_ratio: float = 0.5,
                  max_aspect_ratio: float = 2.0, sampler_options=None, trials: int = 40):
        for name, v in (("min_scale", min_scale), ("max_scale", max_scale), ("min_aspect_ratio", min_aspect_ratio),
                        ("max_aspect_ratio", max_aspect_ratio)):
            if not (_is_number(v) and v >= 0):
                raise ValueError(f"{name} must be a number >= 0, not {v!r}")
        if min_scale > max_scale or min_aspect_ratio > max_aspect_ratio:
            raise ValueError("min_scale must not exceed max_scale, nor min_aspect_ratio max_aspect_ratio")
        if sampler_options is None:
            sampler_options = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0]
        if not (isinstance(sampler_options, (list, tuple)) and sampler_options
                and all(_is_number(v) for v in sampler_options)):
            raise ValueError(f"sampler_options must be a non-empty list of numbers, not {sampler_options!r}")
        return dict(min_scale=float(min_scale), max_scale=float(max_scale), min_aspect_ratio=float(min_aspect_ratio),
                    max_aspect_ratio=float(max_aspect_ratio), sampler_options=tuple(float(v) for v in sampler_options),
                    trials=_positive_int(trials, "trials"))

    def window(self, ref, boxes):
        c = self.config
        R, T, options = self.ROUNDS, c["trials"], c["sampler_options"]
        W, H = _size_f32(ref)
        boxes = _rows(boxes)
        # the option of each round: options[floor(U * K)], as a sum of indicator terms
        pick = _math.Floor(random.Uniform(0.0, 1.0, shape=[R]) * len(options))
        threshold = sum(_f32(pick == float(k)) * v for k, v in enumerate(options))
        keep = threshold >= 1.0                                         # [R]: "leave as is"
        scale = random.Uniform(c["min_scale"], c["max_scale"], shape=[R, T, 2])
        where = random.Uniform(0.0, 1.0, shape=[R, T, 2])
        nw = _math.Floor(W * tensor.Reshape(tensor.Slice(scale, 0, 1, axis=2), shape=[R, T]))
        nh = _math.Floor(H * tensor.Reshape(tensor.Slice(scale, 1, 2, axis=2), shape=[R, T]))
        left = _math.Floor((W - nw) * tensor.Reshape(tensor.Slice(where, 0, 1, axis=2), shape=[R, T]))
        top = _math.Floor((H - nh) * tensor.Reshape(tensor.Slice(where, 1, 2, axis=2), shape=[R, T]))
        ratio = nw / _math.Maximum(nh, 1e-9)
        ok = (ratio >= c["min_aspect_ratio"]) & (ratio <= c["max_aspect_ratio"]) & (nw > 0) & (nh > 0)
        ok = ok & ~tensor.Reshape(keep, shape=[R, 1])
        # every round is one "keep" row then its T attempts, in the order torchvision tries them
        rows = R * (T + 1)

        def table(first, attempts):
            return tensor.Reshape(tensor.Concat(first, attempts, axis=1), shape=[rows, 1])
        ones = Constant(np.ones((R, 1), np.float32))
        zeros = Constant(np.zeros((R, 1), np.float32))
        L, Tp = table(zeros, left), table(zeros, top)
        Rt, Bt = table(ones * W, left + nw), table(ones * H, top + nh)
        attempt_ok = tensor.Reshape(tensor.Concat(_f32(zeros), _f32(ok), axis=1), shape=[rows, 1]) > 0.5
        keep_row = tensor.Reshape(tensor.Concat(_f32(tensor.Reshape(keep, shape=[R, 1])),
                                                Constant(np.zeros((R, T), np.float32)), axis=1), shape=[rows, 1])
        thr = table(tensor.Reshape(threshold, shape=[R, 1]), _broadcast(threshold, R, T))
        # boxes against every attempt: centers strictly inside and IoU
        bx1, by1, bx2, by2 = (tensor.Reshape(_column(boxes, k), shape=[1, -1]) for k in range(4))
        cx, cy = (bx1 + bx2) * 0.5, (by1 + by2) * 0.5
        inside = (L < cx) & (cx < Rt) & (Tp < cy) & (cy < Bt)
        iw = _math.Maximum(_math.Minimum(Rt, bx2) - _math.Maximum(L, bx1), 0.0)
        ih = _math.Maximum(_math.Minimum(Bt, by2) - _math.Maximum(Tp, by1), 0.0)
        inter = iw * ih
        iou = inter / ((bx2 - bx1) * (by2 - by1) + (Rt - L) * (Bt - Tp) - inter)
        good = inside & (iou >= thr) & attempt_ok                     # rows x N
        hits = tensor.Concat(tensor.Cast(good, dtype="u8"), tensor.Cast(keep_row, dtype="u8"), axis=1)
        # the first row with a hit: the top of the hits' bounding box
        first = tensor.Cast(_scalar(mask.BoundingBox(hits), 1), dtype="i64")
        found = ~mask.IsEmpty(hits)
        crops = tensor.Concat(L, Tp, Rt, Bt, axis=1)                   # rows x 4
        chosen = _box_row(crops, first)
        kept = keep_row > 0.5
        chosen_keep = _scalar(tensor.Reshape(tensor.Slice(kept, first, first + 1), shape=[1]), 0)
        whole = tensor.Stack(0.0, 0.0, W, H)
        big = Constant(np.array([-1e30, -1e30, 1e30, 1e30], np.float32))
        # window, then the area box centers must lie in (all of them when the sample is kept)
        as_is = tensor.Concat(whole, big)
        cropped = tensor.Concat(chosen, chosen)
        return _flow.Select(found & ~chosen_keep, cropped, as_is)

    def move_annotations(self, kind, field, matrix, w, h, drawn):
        moved = super().move_annotations(kind, field, matrix, w, h, drawn)
        if kind != "boxes":
            return moved
        boxes = _rows(field)
        cx, cy = (_column(boxes, 0) + _column(boxes, 2)) * 0.5, (_column(boxes, 1) + _column(boxes, 3)) * 0.5
        l, t, r, b = (_scalar(drawn, 4 + k) for k in range(4))
        inside = (l < cx) & (cx < r) & (t < cy) & (cy < b)
        return tensor.Reshape(moved, shape=[-1, 4]) * tensor.Reshape(_f32(inside), shape=[-1, 1])

    @classmethod
    def _params(cls, res, ref, config, label):
        if _first_field(res, "boxes") is None:
            raise TypeError("RandomIoUCrop needs a Resource with a boxes field (torchvision requires bounding boxes)")
        return super()._params(res, ref, config, label)


def _broadcast(values, R: int, T: int):
    """[R] values repeated to R x T."""
    return tensor.Reshape(values, shape=[R, 1]) * Constant(np.ones((1, T), np.float32))
