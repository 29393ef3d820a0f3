"""Matrix transforms: torchvision's RandomAffine, albumentations' Affine and ShiftScaleRotate, and
Transform (a matrix of your own)."""
from __future__ import annotations

import inspect
import math as _pymath

import numpy as np

from ..node import Constant, as_node
from ..ops import flow as _flow
from ..ops import geometry, image, random, tensor
from ..ops import math as _math
from ._common import (BORDERS, INTERPOLATIONS, _choice, _is_node, _is_number, _move_annotations, _pair, _scalar,
                      _size_f32, _size_hw, _size_int, _sub, _uniform)
from ._reframe import MASK_KINDS, WarpAugmentation, border_name, fill_value, interpolation_name
from .base import GeometryAugmentation


class RandomAffine(GeometryAugmentation):
    """A random rotation, translation, scale and shear about the image center (torchvision's
    parameters), into a canvas of the input's size.

    ``degrees``: d (the range (-d, d)) or (min, max); as in torchvision's affine, a positive
    angle turns the image clockwise as displayed. ``translate``: (a, b): the shift is
    round(uniform(-a W, a W)), round(uniform(-b H, b H)) pixels. ``scale``: (min, max) isotropic
    factor. ``shear``: s (x shear in (-s, s) degrees), (min, max) (x only) or
    (xmin, xmax, ymin, ymax). ``center``: (cx, cy) in pixels (default: the image center, W/2, H/2).
    ``interpolation`` defaults to "nearest" as in torchvision; ``border``/``border_value`` fill
    the uncovered area.

    The matrix is torchvision's: T(center + t) R(angle) S(scale) ShY(shy) ShX(shx) T(-center),
    with R the clockwise rotation [[cos, -sin], [sin, cos]], ShX: x' = x - tan(shx) y and ShY:
    y' = y - tan(shy) x.
    """

    references = {"torchvision": "RandomAffine"}

    @staticmethod
    def configure(degrees, translate=None, scale=None, shear=None, interpolation: str = "nearest",
                  border: str = "constant", border_value: float = 0.0, center=None, clip_boxes: bool = True):
        degrees = _pair(degrees, "degrees", center=0.0)
        if translate is not None:
            if not (isinstance(translate, (list, tuple)) and len(translate) == 2
                    and all(_is_number(t) and 0 <= t <= 1 for t in translate)):
                raise ValueError(f"translate must be a pair of fractions in [0, 1], not {translate!r}")
            translate = (float(translate[0]), float(translate[1]))
        if scale is not None:
            scale = _pair(scale, "scale")
            if scale[0] <= 0:
                raise ValueError(f"scale must be positive, not {scale}")
        if shear is not None:
            if _is_number(shear):
                shear = _pair(shear, "shear", center=0.0) + (0.0, 0.0)
            elif isinstance(shear, (list, tuple)) and len(shear) == 2:
                shear = _pair(tuple(shear), "shear") + (0.0, 0.0)
            elif isinstance(shear, (list, tuple)) and len(shear) == 4:
                shear = _pair(tuple(shear[:2]), "shear") + _pair(tuple(shear[2:]), "shear")
            else:
                raise ValueError(f"shear must be a number or 2 or 4 numbers, not {shear!r}")
        if center is not None:
            if not (isinstance(center, (list, tuple)) and len(center) == 2 and all(_is_number(v) for v in center)):
                raise ValueError(f"center must be (cx, cy), not {center!r}")
            center = (float(center[0]), float(center[1]))
        return dict(degrees=degrees, translate=translate, scale=scale, shear=shear,
                    interpolation=_choice(interpolation, INTERPOLATIONS, "interpolation"),
                    border=_choice(border, BORDERS, "border"), border_value=float(border_value), center=center,
                    clip_boxes=bool(clip_boxes))

    def matrix(self, ref):
        c = self.config
        W, H = _size_f32(ref)
        cx, cy = c["center"] if c["center"] is not None else (W / 2, H / 2)
        steps = [geometry.Translate(-cx, -cy)]
        if c["shear"] is not None:
            sx0, sx1, sy0, sy1 = c["shear"]
            for k, angle in enumerate((_uniform(sx0, sx1), _uniform(sy0, sy1))):
                if not _is_node(angle) and angle == 0:
                    continue
                if _is_node(angle):
                    t = -_math.Tan(angle * (_pymath.pi / 180))
                else:
                    t = -_pymath.tan(_pymath.radians(angle))
                steps.append(geometry.Shear(t, 0.0) if k == 0 else geometry.Shear(0.0, t))
        if c["scale"] is not None:
            s = _uniform(*c["scale"])
            steps.append(geometry.Scale(s, s, 0.0, 0.0))
        angle = _uniform(*c["degrees"])
        if _is_node(angle) or angle != 0:
            steps.append(geometry.Rotate(-angle, 0.0, 0.0))   # geometry.rotate turns counterclockwise
        tx = ty = 0.0
        if c["translate"] is not None:
            a, b = c["translate"]
            tx = _math.Round(_uniform(-a * W, a * W)) if a > 0 else 0.0
            ty = _math.Round(_uniform(-b * H, b * H)) if b > 0 else 0.0
        steps.append(geometry.Translate(cx + tx, cy + ty))
        return geometry.Chain(*steps)


class Transform(GeometryAugmentation):
    """A given matrix (a node: 3 x 3, source -> destination) applied to every spatial field, into
    a canvas of ``size`` ((height, width); default: the reference's size). Affine or
    perspective; the building block for transforms of your own."""

    @staticmethod
    def configure(size=None, interpolation: str = "linear", border: str = "constant", border_value: float = 0.0,
                  clip_boxes: bool = True):
        return dict(size=None if size is None else _size_hw(size),
                    interpolation=_choice(interpolation, INTERPOLATIONS, "interpolation"),
                    border=_choice(border, BORDERS, "border"), border_value=float(border_value),
                    clip_boxes=bool(clip_boxes))

    @classmethod
    def _check_plan(cls, args, kwargs):
        if kwargs.pop("matrix", None) is None:
            args = args[1:]
        cls._checked_config(args, kwargs)

    @classmethod
    def _build(cls, source, matrix, *args, label=None, **kwargs):
        config, p = cls._checked_config(args, kwargs)
        return cls._maybe(source, p, label, lambda: cls._apply_to(source, config, label, params=(as_node(matrix),)))

    def output_size(self, ref):
        if self.config["size"] is None:
            return _size_int(ref)
        h, w = self.config["size"]
        return w, h


Transform.__signature__ = inspect.Signature(
    [inspect.Parameter("source", inspect.Parameter.POSITIONAL_ONLY),
     inspect.Parameter("matrix", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    + list(inspect.signature(Transform.configure).parameters.values())
    + [inspect.Parameter("p", inspect.Parameter.KEYWORD_ONLY, default=1.0),
       inspect.Parameter("label", inspect.Parameter.KEYWORD_ONLY, default=None)])


# -- albumentations' Affine family ----------------------------------------------------------------

def _scalars(matrix, *indices):
    """Entries of a 3 x 3 matrix node (row-major indices) as 0-d nodes."""
    flat = tensor.Reshape(matrix, shape=[9])
    return [_scalar(flat, i) for i in indices]


class SizedWarp(WarpAugmentation):
    """A WarpAugmentation whose canvas may be drawn with the matrix (Affine's fit_output, Rotate's
    crop_border, RandomRotation's expand): when ``varying_size(config)``, the drawn node is 11
    numbers (the 9 matrix entries, then width and height) and every field is warped into that
    per-sample canvas (its shape is not known at compile time). A subclass defines
    ``matrix_and_size(ref)`` -> (matrix, width, height) for that case."""

    @classmethod
    def varying_size(cls, config) -> bool:
        return False

    @classmethod
    def _params(cls, res, ref, config, label):
        drawn = type.__call__(cls, ref, label=_sub(label, "matrix"), _part="draw", **config)
        if not cls.varying_size(config):
            return (drawn,)
        matrix = tensor.Reshape(tensor.Slice(drawn, 0, 9), shape=[3, 3])
        return matrix, tensor.Cast(tensor.Slice(drawn, 9, 11), dtype="i64")

    def draw(self, ref):
        if not self.varying_size(self.config):
            return self.matrix(ref)
        matrix, w, h = self.matrix_and_size(ref)
        size = [v if _is_node(v) else Constant(np.float32(v)) for v in (w, h)]
        return tensor.Concat(tensor.Reshape(tensor.Cast(matrix, dtype="f32"), shape=[9]),
                             tensor.Stack(*[tensor.Cast(v, dtype="f32") for v in size]))

    def matrix(self, ref):
        return self.matrix_and_size(ref)[0]

    def matrix_and_size(self, ref):
        raise NotImplementedError

    def apply(self, kind, field, ref, matrix, size=None):
        if size is None:
            w, h = self.output_size(ref)
        else:
            w, h = _scalar(size, 0), _scalar(size, 1)
        c = self.config
        if kind == "image" or kind in MASK_KINDS:
            is_mask = kind in MASK_KINDS
            return image.Warp(field, matrix, w, h,
                              interpolation=c["mask_interpolation"] if is_mask else c["interpolation"],
                              border=c["border"], border_value=c["fill_mask"] if is_mask else c["fill"])
        if kind == "boxes" and c.get("rotate_method") == "ellipse":
            boxes = ellipse_boxes(field, matrix)
            return geometry.ClipBoxes(boxes, w, h) if c.get("clip_boxes", True) else boxes
        return _move_annotations(kind, field, matrix, w, h, c.get("clip_boxes", True))


def ellipse_boxes(boxes, matrix):
    """albumentations' rotate_method="ellipse": the bounding box of the moved ellipse inscribed in
    each box (exact; albumentations samples 360 points of it). Affine matrices only."""
    a, b, tx, c, d, ty = _scalars(matrix, 0, 1, 2, 3, 4, 5)
    col = [tensor.Slice(boxes, i, i + 1, axis=1) for i in range(4)]
    rx, ry = (col[2] - col[0]) * 0.5, (col[3] - col[1]) * 0.5
    cx, cy = col[0] + rx, col[1] + ry
    mx, my = a * cx + b * cy + tx, c * cx + d * cy + ty
    hw = _math.Sqrt(a * a * rx * rx + b * b * ry * ry)
    hh = _math.Sqrt(c * c * rx * rx + d * d * ry * ry)
    return tensor.Concat(mx - hw, my - hh, mx + hw, my + hh, axis=1)


def _fit_canvas(matrix, W, H):
    """albumentations' fit_output: the matrix moved so the warped image starts at 0, and the
    canvas (width, height) = ceil(max) - floor(min) + 1 of the image's corners in cv2's pixel-index
    coordinates (computed here from our continuous matrix: index p -> M(p + 0.5) - 0.5). A 1e-3
    tolerance keeps float32 rounding from adding a pixel where the corners land on integers."""
    corners = geometry.TransformBoxes(tensor.Stack(*[v if _is_node(v) else Constant(np.float32(v))
                                                     for v in (0.5, 0.5, W + 0.5, H + 0.5)]), matrix)
    x0, y0, x1, y1 = (_scalar(corners, i) - 0.5 for i in range(4))
    min_x, min_y = _math.Floor(x0 + 1e-3), _math.Floor(y0 + 1e-3)
    w = _math.Ceil(x1 - 1e-3) - min_x + 1.0
    h = _math.Ceil(y1 - 1e-3) - min_y + 1.0
    return geometry.Chain(matrix, geometry.Translate(-min_x, -min_y)), w, h


def _axis_ranges(value, what: str, default: float):
    """albumentations' dict-or-number argument (scale, translate_percent, translate_px, shear):
    a number v is (v, v) for both axes, a pair is that range for both, a dict {"x": ..., "y": ...}
    gives each axis (a missing one is ``default``). Returns ((x0, x1), (y0, y1))."""
    def one(v):
        if _is_number(v):
            return float(v), float(v)
        if isinstance(v, (list, tuple)) and len(v) == 2 and all(_is_number(u) for u in v):
            if v[0] > v[1]:
                raise ValueError(f"{what}: the range {v!r} has min > max")
            return float(v[0]), float(v[1])
        raise ValueError(f"{what} must be a number, a (min, max) pair or a dict with 'x'/'y', not {value!r}")

    if isinstance(value, dict):
        if not set(value) & {"x", "y"} or set(value) - {"x", "y"}:
            raise ValueError(f"{what}: a dict must have the keys 'x' and/or 'y', not {sorted(value)}")
        return one(value.get("x", default)), one(value.get("y", default))
    r = one(value)
    return r, r


def _warp_config(interpolation, mask_interpolation, border_mode, fill, fill_mask):
    return dict(interpolation=interpolation_name(interpolation, warp=True),
                mask_interpolation=interpolation_name(mask_interpolation, "mask_interpolation", warp=True),
                border=border_name(border_mode), fill=fill_value(fill, "fill"), fill_mask=fill_value(fill_mask, "fill_mask"))


def _rotate_method(value):
    if value not in ("largest_box", "ellipse"):
        raise ValueError(f"rotate_method must be 'largest_box' or 'ellipse', not {value!r}")
    return value


class Affine(SizedWarp):
    """albumentations' Affine: scale, translation, rotation and shear about the image center.

    Per sample (albumentations 2.0.8's distributions): scale sx, sy ~ uniform(``scale``) per axis
    (a number: fixed; a dict {"x", "y"}: per-axis ranges; ``keep_ratio``: sy = sx;
    ``balanced_scale``: first one of [min, 1) and (1, max] with probability 1/2 each, then
    uniform in it); translation tx = int(uniform(``translate_percent``) * W) (truncated; ty with H)
    or tx ~ uniform integer in ``translate_px`` (inclusive); angle ~ uniform(``rotate``) degrees
    (positive turns counterclockwise as displayed); shear shx, shy ~ -uniform(``shear``) degrees.
    The matrix is albumentations' T(c + t) Sh R S T(-c) with c the image center (W/2, H/2) in
    PixelPipes' continuous coordinates (albumentations' (W/2 - 0.5, H/2 - 0.5) for pixel indices:
    the same warp, so images match cv2.warpAffine's), S = diag(sx, sy), R = [[cos, sin], [-sin,
    cos]], Sh = [[1, tan shx], [tan shy, 1]]. Boxes move by the same matrix (their corners' box, or
    with ``rotate_method="ellipse"`` the box of the moved inscribed ellipse: albumentations' box
    matrix is this one); points and keypoints too (albumentations applies its pixel-index matrix
    to keypoints: up to half a pixel apart).

    ``fit_output``: the canvas grows to hold the whole warped image (its size varies per sample:
    ceil/floor of the moved corners as albumentations; boxes follow the image's matrix, which may
    be 1 px from albumentations' separately fitted box matrix). ``interpolation``,
    ``mask_interpolation`` (cv2 flags or names), ``border_mode`` (cv2 flag or name), ``fill``,
    ``fill_mask`` as albumentations (masks follow the border mode with ``fill_mask``; for the
    reflecting modes albumentations also adds reflected copies of boxes and keypoints; we do not).
    p defaults to 0.5.
    """

    references = {"albumentations": "Affine"}
    default_p = 0.5

    @staticmethod
    def configure(scale=(1.0, 1.0), translate_percent=None, translate_px=None, rotate=0.0, shear=(0.0, 0.0),
                  interpolation=1, mask_interpolation=0, fit_output=False, keep_ratio=False,
                  rotate_method="largest_box", balanced_scale=False, border_mode=0, fill=0, fill_mask=0):
        if translate_percent is not None and translate_px is not None:
            raise ValueError("give either translate_percent or translate_px, not both")
        scale_xy = _axis_ranges(scale, "scale", 1.0)
        if min(scale_xy[0][0], scale_xy[1][0]) <= 0:
            raise ValueError(f"scale must be positive, not {scale!r}")
        if keep_ratio and scale_xy[0] != scale_xy[1]:
            raise ValueError(f"with keep_ratio the x and y scale ranges must be the same, not {scale!r}")
        if translate_percent is not None:
            translate, in_pixels = _axis_ranges(translate_percent, "translate_percent", 0.0), False
        else:
            translate, in_pixels = _axis_ranges(0 if translate_px is None else translate_px, "translate_px", 0.0), True
            translate = tuple((float(int(lo)), float(int(hi))) for lo, hi in translate)
        return dict(scale=scale_xy, translate=translate, translate_in_pixels=in_pixels,
                    rotate=_axis_ranges(rotate, "rotate", 0.0)[0], shear=_axis_ranges(shear, "shear", 0.0),
                    fit_output=bool(fit_output), keep_ratio=bool(keep_ratio),
                    rotate_method=_rotate_method(rotate_method), balanced_scale=bool(balanced_scale),
                    **_warp_config(interpolation, mask_interpolation, border_mode, fill, fill_mask))

    @classmethod
    def varying_size(cls, config):
        return config["fit_output"]

    def _scale(self, lo, hi):
        if lo == hi:
            return lo
        if not self.config["balanced_scale"]:
            return random.Uniform(lo, hi)
        if lo < 1 < hi:
            u = random.Uniform(0.0, 1.0)
            upper = random.Bernoulli(0.5)
            return _flow.Select(upper, 1.0 + u * (hi - 1.0), lo + u * (1.0 - lo))
        if lo < 1 and hi <= 1:
            return random.Uniform(lo, 1.0)
        if lo >= 1 and hi > 1:
            return random.Uniform(1.0, hi)
        return 1.0

    def matrix_and_size(self, ref):
        c = self.config
        W, H = _size_f32(ref)
        sx = self._scale(*c["scale"][0])
        sy = sx if c["keep_ratio"] else self._scale(*c["scale"][1])
        (tx0, tx1), (ty0, ty1) = c["translate"]
        if c["translate_in_pixels"]:
            tx = tx0 if tx0 == tx1 else _math.Floor(tx0 + random.Uniform(0.0, 1.0) * (tx1 - tx0 + 1.0))
            ty = ty0 if ty0 == ty1 else _math.Floor(ty0 + random.Uniform(0.0, 1.0) * (ty1 - ty0 + 1.0))
        else:
            tx, ty = _truncate(_uniform(tx0, tx1) * W), _truncate(_uniform(ty0, ty1) * H)
        angle = _uniform(*c["rotate"])
        (hx0, hx1), (hy0, hy1) = c["shear"]
        shx, shy = _tan_degrees(_uniform(hx0, hx1)), _tan_degrees(_uniform(hy0, hy1))
        matrix = geometry.Chain(geometry.Translate(-W / 2, -H / 2), geometry.Scale(sx, sy, 0.0, 0.0),
                                geometry.Rotate(angle, 0.0, 0.0), geometry.Shear(-shx, -shy),
                                geometry.Translate(W / 2 + tx, H / 2 + ty))
        if not c["fit_output"]:
            return matrix, None, None
        return _fit_canvas(matrix, W, H)


def _truncate(x):
    """int() of a number or node (toward zero)."""
    if not _is_node(x):
        return float(int(x))
    return _flow.Select(x < 0.0, _math.Ceil(x), _math.Floor(x))


def _tan_degrees(angle):
    if not _is_node(angle):
        return _pymath.tan(_pymath.radians(angle))
    return _math.Tan(angle * (_pymath.pi / 180))


class ShiftScaleRotate(Affine):
    """albumentations' ShiftScaleRotate, as 2.0.8 builds it on Affine: scale ranges (1 + lo, 1 + hi)
    of ``scale_limit`` drawn independently for x and y (albumentations passes keep_ratio=False),
    translate_percent x from ``shift_limit_x`` (default ``shift_limit``), y from ``shift_limit_y``,
    rotate from ``rotate_limit``, no shear (a number v means (-v, v) for every limit). Matrix,
    fields, borders and p = 0.5 as Affine."""

    references = {"albumentations": "ShiftScaleRotate"}

    @staticmethod
    def configure(shift_limit=(-0.0625, 0.0625), scale_limit=(-0.1, 0.1), rotate_limit=(-45, 45), interpolation=1,
                  border_mode=0, shift_limit_x=None, shift_limit_y=None, rotate_method="largest_box",
                  mask_interpolation=0, fill=0, fill_mask=0):
        sx = _pair(shift_limit if shift_limit_x is None else shift_limit_x, "shift_limit_x", center=0.0,
                   low=-1.0, high=1.0)
        sy = _pair(shift_limit if shift_limit_y is None else shift_limit_y, "shift_limit_y", center=0.0,
                   low=-1.0, high=1.0)
        lo, hi = _pair(scale_limit, "scale_limit", center=0.0)
        if 1.0 + lo < 0:
            raise ValueError(f"scale_limit {scale_limit!r} allows a negative scale")
        return Affine.configure(scale=(1.0 + lo, 1.0 + hi), translate_percent={"x": sx, "y": sy},
                                rotate=_pair(rotate_limit, "rotate_limit", center=0.0), shear=(0.0, 0.0),
                                interpolation=interpolation, mask_interpolation=mask_interpolation,
                                rotate_method=rotate_method, border_mode=border_mode, fill=fill, fill_mask=fill_mask)
