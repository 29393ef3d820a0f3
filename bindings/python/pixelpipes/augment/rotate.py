"""Rotations: albumentations' Rotate and SafeRotate, torchvision's RandomRotation."""
from __future__ import annotations

import math as _pymath

import numpy as np

from ..node import Constant
from ..ops import flow as _flow
from ..ops import geometry, random, tensor
from ..ops import math as _math
from ._common import _is_node, _is_number, _pair, _scalar, _size_f32, _uniform
from ._reframe import WarpAugmentation, border_name, fill_value, interpolation_name, pixel_index_matrix
from .affine import SizedWarp, _rotate_method, _warp_config


class SafeRotate(WarpAugmentation):
    """Rotates by an angle ~ uniform(``limit``) degrees (counterclockwise for positive angles, as
    cv2) and shrinks the result so the whole rotated image fits the input's size
    (albumentations' SafeRotate): the rotated image's bounding size new_w = int(H |sin| + W |cos|),
    new_h = int(H |cos| + W |sin|) is scaled by (W / new_w, H / new_h) into the W x H canvas,
    so the aspect ratio changes. The matrix is albumentations' image matrix (rotation about
    the pixel-index center ((W-1)/2, (H-1)/2), scaled about the index origin) in our
    continuous coordinates, so pixels match cv2.warpAffine; boxes, points and keypoints move by the
    same matrix (albumentations moves boxes by a matrix built about (W/2, H/2): up to half a
    pixel apart). ``limit`` v means (-v, v). ``border_mode``, ``fill``, ``fill_mask``,
    ``interpolation``, ``mask_interpolation`` as albumentations (cv2 flags or names).
    ``rotate_method`` "largest_box" (the rotated corners' box) is the one supported."""

    references = {"albumentations": "SafeRotate"}
    differences = {"albumentations": "rotate_method 'ellipse' is refused (a ValueError)"}
    default_p = 0.5

    @staticmethod
    def configure(limit=(-90, 90), interpolation=1, border_mode=0, rotate_method="largest_box",
                  mask_interpolation=0, fill=0, fill_mask=0):
        if rotate_method != "largest_box":
            raise ValueError(f"rotate_method {rotate_method!r} is not supported (only 'largest_box')")
        return dict(limit=_pair(limit, "limit", center=0.0), interpolation=interpolation_name(interpolation, warp=True),
                    mask_interpolation=interpolation_name(mask_interpolation, "mask_interpolation", warp=True),
                    border=border_name(border_mode), fill=fill_value(fill, "fill"),
                    fill_mask=fill_value(fill_mask, "fill_mask"))

    def matrix(self, ref):
        W, H = _size_f32(ref)
        lo, hi = self.config["limit"]
        angle = random.Uniform(lo, hi) if lo < hi else lo
        if _is_node(angle):
            rad = angle * (_pymath.pi / 180)
            c, s = _math.Abs(_math.Cos(rad)), _math.Abs(_math.Sin(rad))
            new_w, new_h = _math.Floor(H * s + W * c), _math.Floor(H * c + W * s)
        else:
            c, s = abs(_pymath.cos(_pymath.radians(angle))), abs(_pymath.sin(_pymath.radians(angle)))
            if _is_node(W):
                new_w, new_h = _math.Floor(H * s + W * c), _math.Floor(H * c + W * s)
            else:
                new_w, new_h = float(int(H * s + W * c)), float(int(H * c + W * s))
        cx, cy = W / 2 - 0.5, H / 2 - 0.5
        cv2_matrix = geometry.Chain(geometry.Rotate(angle, cx, cy),
                                    geometry.Translate(new_w / 2 - cx, new_h / 2 - cy),
                                    geometry.Scale(W / new_w, H / new_h, 0.0, 0.0))
        return pixel_index_matrix(cv2_matrix)


def _largest_inner_box(W, H, angle):
    """albumentations' Rotate(crop_border=True) crop: the largest axis-aligned rectangle inside the
    W x H image rotated by ``angle`` degrees (its _rotated_rect_with_max_area), as (x_min, y_min,
    x_max, y_max) = (max(0, int(W/2 - wr/2)), max(0, int(H/2 - hr/2)), min(W, int(W/2 + wr/2)),
    min(H, int(H/2 + hr/2))); numbers or nodes."""
    if not any(_is_node(v) for v in (W, H, angle)):
        a = _pymath.radians(angle)
        s, c = abs(_pymath.sin(a)), abs(_pymath.cos(a))
        long_side, short_side = (W, H) if W >= H else (H, W)
        if short_side <= 2.0 * s * c * long_side or abs(s - c) < 1e-10:
            x = 0.5 * short_side
            wr, hr = (x / s, x / c) if W >= H else (x / c, x / s)
        else:
            c2 = c * c - s * s
            wr, hr = (W * c - H * s) / c2, (H * c - W * s) / c2
        return (float(max(0, int(W / 2 - wr / 2))), float(max(0, int(H / 2 - hr / 2))),
                float(min(W, int(W / 2 + wr / 2))), float(min(H, int(H / 2 + hr / 2))))
    rad = angle * (_pymath.pi / 180)
    s, c = _math.Abs(_math.Sin(rad)), _math.Abs(_math.Cos(rad))
    wide = _as_node(W) >= H
    long_side, short_side = _flow.Select(wide, W, H), _flow.Select(wide, H, W)
    half = short_side * 0.5
    # the divisions by s or c only matter where the branch is taken (a zero there is excluded)
    s_safe, c_safe = _math.Maximum(s, 1e-12), _math.Maximum(c, 1e-12)
    half_w = _flow.Select(wide, half / s_safe, half / c_safe)
    half_h = _flow.Select(wide, half / c_safe, half / s_safe)
    c2 = c * c - s * s
    c2 = _flow.Select(_math.Abs(c2) < 1e-12, 1e-12, c2)
    full_w, full_h = (W * c - H * s) / c2, (H * c - W * s) / c2
    half_constrained = (short_side <= s * c * long_side * 2.0) | (_math.Abs(s - c) < 1e-10)
    wr, hr = _flow.Select(half_constrained, half_w, full_w), _flow.Select(half_constrained, half_h, full_h)
    # int() then clamping: the clamp makes truncation and floor agree
    return (_math.Maximum(_math.Floor(W / 2 - wr / 2), 0.0), _math.Maximum(_math.Floor(H / 2 - hr / 2), 0.0),
            _math.Minimum(_math.Floor(W / 2 + wr / 2), W), _math.Minimum(_math.Floor(H / 2 + hr / 2), H))


def _as_node(v):
    return v if _is_node(v) else Constant(np.float32(v))


class Rotate(SizedWarp):
    """albumentations' Rotate: an angle ~ uniform(``limit``) degrees (a number v means (-v, v);
    positive turns counterclockwise as displayed) about the image center, into a canvas of the
    input's size: the matrix is Affine's with only the rotation (images match cv2.warpAffine's;
    boxes move by their corners, or the inscribed ellipse with ``rotate_method="ellipse"``; points
    and keypoints by the same matrix, half a pixel from albumentations' pixel-index keypoints).

    ``crop_border``: the output is then cropped to the largest axis-aligned rectangle inside the
    rotated image (albumentations' formula, truncated to whole pixels; its size varies per sample).
    ``interpolation``, ``mask_interpolation``, ``border_mode``, ``fill``, ``fill_mask`` as Affine.
    p defaults to 0.5."""

    references = {"albumentations": "Rotate"}
    default_p = 0.5

    @staticmethod
    def configure(limit=(-90, 90), interpolation=1, border_mode=0, rotate_method="largest_box", crop_border=False,
                  mask_interpolation=0, fill=0, fill_mask=0):
        return dict(limit=_pair(limit, "limit", center=0.0), crop_border=bool(crop_border),
                    rotate_method=_rotate_method(rotate_method),
                    **_warp_config(interpolation, mask_interpolation, border_mode, fill, fill_mask))

    @classmethod
    def varying_size(cls, config):
        return config["crop_border"]

    def matrix_and_size(self, ref):
        W, H = _size_f32(ref)
        angle = _uniform(*self.config["limit"])
        matrix = geometry.Rotate(angle, W / 2, H / 2)
        if not self.config["crop_border"]:
            return matrix, None, None
        x0, y0, x1, y1 = _largest_inner_box(W, H, angle)
        return geometry.Chain(matrix, geometry.Translate(-x0, -y0)), x1 - x0, y1 - y0


class RandomRotation(SizedWarp):
    """torchvision's RandomRotation: an angle ~ uniform(``degrees``) (a number d means (-d, d);
    positive turns counterclockwise as displayed) about ``center`` ((x, y) pixels, continuous
    coordinates, origin at the top-left corner; default the image center (W/2, H/2), torchvision's
    convention). ``expand``: the canvas grows to hold the whole rotated image (torchvision's size:
    the rotated corners' extent, truncated to 1e-4 then ceil(max) - floor(min); the rotated image
    centered in it; the size varies per sample). ``interpolation`` "nearest" (default, as
    torchvision) or "bilinear" (also InterpolationMode values or our names); ``fill`` fills the
    uncovered area of images and masks (torchvision's number fill applies to masks too); masks
    use nearest. Boxes (their corners' box), points and keypoints move by the same matrix.
    p is 1 (torchvision's RandomRotation has none)."""

    references = {"torchvision": "RandomRotation"}

    @staticmethod
    def configure(degrees, interpolation="nearest", expand=False, center=None, fill=0):
        if center is not None:
            if not (isinstance(center, (list, tuple)) and len(center) == 2 and all(_is_number(v) for v in center)):
                raise ValueError(f"center must be (x, y), not {center!r}")
            center = (float(center[0]), float(center[1]))
        value = fill_value(fill, "fill")
        return dict(degrees=_pair(degrees, "degrees", center=0.0), expand=bool(expand), center=center,
                    interpolation=interpolation_name(interpolation, warp=True), mask_interpolation="nearest",
                    border="constant", fill=value, fill_mask=value)

    @classmethod
    def varying_size(cls, config):
        return config["expand"]

    def matrix_and_size(self, ref):
        c = self.config
        W, H = _size_f32(ref)
        angle = _uniform(*c["degrees"])
        cx, cy = c["center"] if c["center"] is not None else (W / 2, H / 2)
        rotation = geometry.Rotate(angle, cx, cy)
        if not c["expand"]:
            return rotation, None, None
        # torchvision measures the canvas with its inverse matrix about the center's offset from
        # the image center: the rotated image's extent (size independent of the direction) shifted
        # by that center's own displacement; fractional parts below 1e-4 are dropped first
        extent = geometry.TransformBoxes(_box_node(0.0, 0.0, W, H), geometry.Rotate(-_as_node_f(angle), cx, cy))
        lo = [_scalar(extent, i) for i in (0, 1)]
        hi = [_scalar(extent, i) for i in (2, 3)]
        ow = _math.Ceil(_tol(hi[0])) - _math.Floor(_tol(lo[0]))
        oh = _math.Ceil(_tol(hi[1])) - _math.Floor(_tol(lo[1]))
        matrix = geometry.Chain(geometry.Translate(-W / 2, -H / 2), geometry.Rotate(angle, cx - W / 2, cy - H / 2),
                                geometry.Translate(ow / 2, oh / 2))
        return matrix, ow, oh


def _as_node_f(v):
    return v if _is_node(v) else Constant(np.float32(v))


def _tol(x):
    """torchvision's trunc(x / 1e-4) * 1e-4."""
    scaled = x * 1.0e4
    return _flow.Select(scaled < 0.0, _math.Ceil(scaled), _math.Floor(scaled)) * 1.0e-4


def _box_node(*values):
    if not any(_is_node(v) for v in values):
        return Constant(np.array(values, np.float32))
    return tensor.Stack(*[_as_node_f(v) for v in values])
