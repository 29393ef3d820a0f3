"""Rotations that keep the whole image: albumentations' SafeRotate."""
from __future__ import annotations

import math as _pymath

from ..ops import geometry, random
from ..ops import math as _math
from ._common import _is_node, _pair, _size_f32
from ._reframe import WarpAugmentation, border_name, fill_value, interpolation_name, pixel_index_matrix


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
