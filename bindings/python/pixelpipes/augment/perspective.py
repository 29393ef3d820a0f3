"""Random four-point perspectives: albumentations' Perspective, torchvision's RandomPerspective."""
from __future__ import annotations

import numpy as np

from ..node import Constant
from ..ops import geometry, image, random, tensor
from ..ops import math as _math
from ._common import _is_node, _is_number, _pair, _scalar, _size_f32
from ._reframe import (MASK_KINDS, MOVED_KINDS, WarpAugmentation, border_name, fill_value, interpolation_name,
                       pixel_index_matrix)
from .base import GeometryAugmentation


def _square_to_quad(xs, ys):
    """The projective matrix that maps the unit square's corners (0,0), (1,0), (1,1), (0,1) to
    the points (xs[k], ys[k]) (Heckbert's closed form; affine when the quad is a parallelogram)."""
    x0, x1, x2, x3 = xs
    y0, y1, y2, y3 = ys
    dx1, dx2, dx3 = x1 - x2, x3 - x2, x0 - x1 + x2 - x3
    dy1, dy2, dy3 = y1 - y2, y3 - y2, y0 - y1 + y2 - y3
    den = dx1 * dy2 - dx2 * dy1
    g = (dx3 * dy2 - dx2 * dy3) / den
    h = (dx1 * dy3 - dx3 * dy1) / den
    entries = [x1 - x0 + g * x1, x3 - x0 + h * x3, x0,
               y1 - y0 + g * y1, y3 - y0 + h * y3, y0,
               g, h, 1.0 + 0.0 * g]
    return tensor.Reshape(tensor.Stack(*entries), shape=[3, 3])


class Perspective(WarpAugmentation):
    """albumentations' Perspective: s ~ uniform(``scale``); the four corners are moved inward by
    jitters |N(0, s)| mod 0.32 (fractions of W and H; 8 independent normals); the quad they make
    (tl, tr, br, bl) is mapped onto the W x H rectangle, and with ``keep_size`` (the default)
    then scaled by (W / max_width, H / max_height), where max_width / max_height are the quad's
    longer top/bottom and left/right side lengths, truncated: the matrix cv2.warpPerspective
    gets in albumentations, here in our continuous coordinates (pixels match cv2's). Boxes
    (their four corners' box), points and keypoints move by the same matrix (albumentations
    applies it to box and keypoint coordinates directly: half a pixel apart). The output is
    the input's size. ``keep_size=False`` and ``fit_output=True`` are not supported."""

    references = {"albumentations": "Perspective"}
    differences = {"albumentations": "keep_size=False and fit_output=True are refused (a ValueError)"}
    default_p = 0.5

    @staticmethod
    def configure(scale=(0.05, 0.1), keep_size=True, fit_output=False, interpolation=1, mask_interpolation=0,
                  border_mode=0, fill=0, fill_mask=0):
        if not keep_size or fit_output:
            raise ValueError("only keep_size=True and fit_output=False are supported")
        lo, hi = _pair(scale, "scale", center=0.0, low=0.0)
        return dict(scale=(lo, hi), interpolation=interpolation_name(interpolation, warp=True),
                    mask_interpolation=interpolation_name(mask_interpolation, "mask_interpolation", warp=True),
                    border=border_name(border_mode), fill=fill_value(fill, "fill"),
                    fill_mask=fill_value(fill_mask, "fill_mask"))

    def matrix(self, ref):
        W, H = _size_f32(ref)
        lo, hi = self.config["scale"]
        s = random.Uniform(lo, hi) if lo < hi else lo
        jitter = _math.Modulo(_math.Abs(random.Normal(0.0, 1.0, shape=[8]) * s), 0.32)
        j = [_scalar(jitter, k) for k in range(8)]
        # albumentations' points: (x, y) of tl, tr, br, bl as fractions, inward from each corner
        xs = [j[0] * W, (1.0 - j[2]) * W, (1.0 - j[4]) * W, j[6] * W]
        ys = [j[1] * H, j[3] * H, (1.0 - j[5]) * H, (1.0 - j[7]) * H]

        def length(a, b):
            return _math.Sqrt((xs[a] - xs[b]) * (xs[a] - xs[b]) + (ys[a] - ys[b]) * (ys[a] - ys[b]))

        max_w = _math.Floor(_math.Maximum(_math.Maximum(length(1, 0), length(2, 3)), 2.0))
        max_h = _math.Floor(_math.Maximum(_math.Maximum(length(2, 1), length(3, 0)), 2.0))
        # quad -> rectangle is the inverse of rectangle -> unit square -> quad
        rect_to_quad = geometry.Chain(geometry.Scale(1.0 / W, 1.0 / H, 0.0, 0.0), _square_to_quad(xs, ys))
        cv2_matrix = geometry.Chain(geometry.Invert(rect_to_quad), geometry.Scale(W / max_w, H / max_h, 0.0, 0.0))
        return pixel_index_matrix(cv2_matrix)


class RandomPerspective(GeometryAugmentation):
    """torchvision's RandomPerspective: with b_w = int(distortion_scale * (W // 2)) + 1 and
    b_h likewise, the corners move to top-left (randint[0, b_w), randint[0, b_h)), top-right
    (randint[W - b_w, W), randint[0, b_h)), bottom-right (randint[W - b_w, W), randint[H - b_h, H)),
    bottom-left (randint[0, b_w), randint[H - b_h, H)) (torch.randint bounds, high excluded), from
    (0, 0), (W - 1, 0), (W - 1, H - 1), (0, H - 1). As torchvision's tensor kernel, that
    homography is applied in continuous coordinates (the numbers taken as they are), so the
    image is warped by it into a W x H canvas; boxes (their corners' box), points and keypoints
    move by the same matrix. ``interpolation`` "bilinear" (default) or "nearest" (or
    InterpolationMode values); ``fill`` fills images and masks (torchvision's number fill applies
    to masks too); masks use nearest. p defaults to 0.5 (torchvision's own p)."""

    references = {"torchvision": "RandomPerspective"}
    kinds = MOVED_KINDS
    default_p = 0.5

    @staticmethod
    def configure(distortion_scale=0.5, interpolation="bilinear", fill=0):
        if not (_is_number(distortion_scale) and 0 <= distortion_scale <= 1):
            raise ValueError(f"distortion_scale must be in [0, 1], not {distortion_scale!r}")
        return dict(distortion_scale=float(distortion_scale), interpolation=interpolation_name(interpolation, warp=True),
                    border="constant", border_value=fill_value(fill, "fill"))

    def move_pixels(self, kind, field, matrix, w, h):
        if kind in MASK_KINDS:
            return image.Warp(field, matrix, w, h, interpolation="nearest", border="constant",
                              border_value=self.config["border_value"])
        return super().move_pixels(kind, field, matrix, w, h)

    def matrix(self, ref):
        W, H = _size_f32(ref)
        d = self.config["distortion_scale"]
        bw = _math.Floor(d * _math.Floor(W / 2)) + 1.0 if _is_node(W) else float(int(d * (int(W) // 2)) + 1)
        bh = _math.Floor(d * _math.Floor(H / 2)) + 1.0 if _is_node(H) else float(int(d * (int(H) // 2)) + 1)
        # 8 uniform integers: u in [0, 1) scaled to the bound, floored, then placed per corner
        u = _math.Floor(random.Uniform(0.0, 1.0, shape=[8]) * tensor.Stack(*[_f(b) for b in (bw, bh) * 4]))
        j = [_scalar(u, k) for k in range(8)]
        xs = [j[0], W - bw + j[2], W - bw + j[4], j[6]]
        ys = [j[1], j[3], H - bh + j[5], H - bh + j[7]]
        # (0, 0), (W - 1, 0), (W - 1, H - 1), (0, H - 1) -> the four points
        return geometry.Chain(geometry.Scale(1.0 / (W - 1.0), 1.0 / (H - 1.0), 0.0, 0.0), _square_to_quad(xs, ys))


def _f(v):
    return v if _is_node(v) else Constant(np.float32(v))
