"""albumentations' Morphological: grey-level dilation or erosion of images and masks with an
elliptic structuring element; boxes follow as albumentations moves them (through box masks)."""
from __future__ import annotations

import math as _pymath
import numbers
from typing import List, Tuple

import numpy as np

from ..node import Constant, Node
from ..ops import mask as _mask
from ..ops import math as _math
from ..ops import image, tensor
from ._common import _size_f32
from .base import Augmentation


def ellipse_kernel(width: int, height: int) -> np.ndarray:
    """OpenCV's MORPH_ELLIPSE structuring element of ``width`` x ``height`` (the formula of
    cv::getStructuringElement: half-axes c = width // 2, r = height // 2; row i spans the columns
    c - dx .. c + dx, dx = round(c * sqrt(1 - ((i - r) / r)^2)) halves to even, clipped; 1 x 1 is
    one pixel)."""
    k = np.zeros((height, width), np.uint8)
    if (width, height) == (1, 1):
        k[:] = 1
        return k
    r, c = height // 2, width // 2
    inv_r2 = 1.0 / (r * r) if r else 0.0
    for i in range(height):
        dy = i - r
        if abs(dy) <= r:
            dx = int(np.rint(c * _pymath.sqrt((r * r - dy * dy) * inv_r2)))
            k[i, max(c - dx, 0):min(c + dx + 1, width)] = 1
    return k


def _row_segments(kernel: np.ndarray) -> List[Tuple[int, int, int]]:
    """(dy, a, b) per kernel row: the row at vertical offset dy from the anchor covers the horizontal
    offsets a..b (a <= 0 <= b). Checks what the shift composition relies on: every row is one run
    through the anchor column, and rows nearer the anchor row are at least as wide."""
    kh, kw = kernel.shape
    ay, ax = kh // 2, kw // 2
    rows = []
    for j in range(kh):
        cols = np.flatnonzero(kernel[j])
        a, b = int(cols[0]) - ax, int(cols[-1]) - ax
        if len(cols) != b - a + 1 or a > 0 or b < 0:
            raise ValueError("the structuring element must be convex along rows and contain its anchor column")
        rows.append((j - ay, a, b))
    for (dy, a, b) in rows:
        inner = [(a2, b2) for (dy2, a2, b2) in rows if abs(dy2) < abs(dy) and dy2 * dy >= 0]
        if any(a2 > a or b2 < b for a2, b2 in inner):
            raise ValueError("the structuring element's rows must not widen away from the anchor")
    return rows


def _shifted(field: Node, dx: int, dy: int) -> Node:
    """out(x, y) = field(x + dx, y + dy), edges replicated (the same size and shape as field)."""
    W, H = _size_f32(field)
    if isinstance(W, float):
        box = Constant(np.array([dx, dy, W + dx, H + dy], np.float32))
    else:
        box = tensor.Stack(W * 0.0 + float(dx), H * 0.0 + float(dy), W + float(dx), H + float(dy))
    return image.CropPad(field, box, border="replicate")


def _run(field: Node, length: int, sign: int, pick) -> Node:
    """pick (max or min) of field over the horizontal offsets 0 .. sign * length (edge-replicated
    shifts by doubling: a run of k extended by a shift of step <= k stays one run)."""
    out, covered = field, 0
    while covered < length:
        step = min(covered + 1, length - covered)
        out = pick(out, _shifted(out, sign * step, 0))
        covered += step
    return out


def morphology(field: Node, kernel: np.ndarray, operation: str) -> Node:
    """cv2.dilate / cv2.erode of field with ``kernel`` (anchor at its center, pixels beyond the
    border ignored), from edge-replicated shifts: max (min) over each row's horizontal run, then
    over the rows' vertical offsets. Replicating the edge is the same as ignoring the pixels beyond
    it for kernels whose rows are runs through the anchor column that narrow away from the anchor
    row (ellipses; checked by _row_segments): the replicated pixel lies under the kernel too."""
    pick = _math.Maximum if operation == "dilation" else _math.Minimum
    rows = _row_segments(kernel)
    runs = {}
    for _, a, b in rows:
        if (a, b) not in runs:
            parts = [_run(field, b, 1, pick)] if b > 0 else [field]
            if a < 0:
                parts.append(_run(field, -a, -1, pick))
            runs[(a, b)] = parts[0] if len(parts) == 1 else pick(parts[0], parts[1])
    out = None
    for dy, a, b in rows:
        term = runs[(a, b)] if dy == 0 else _shifted(runs[(a, b)], 0, dy)
        out = term if out is None else pick(out, term)
    return out


class Morphological(Augmentation):
    """albumentations' Morphological: ``operation`` "dilation" (each pixel becomes the maximum over
    the structuring element) or "erosion" (the minimum), per channel, as cv2.dilate / cv2.erode.

    The structuring element is OpenCV's ellipse of width ``scale[0]`` and height ``scale[1]``
    (cv2.getStructuringElement(MORPH_ELLIPSE, scale), anchor at (width // 2, height // 2)), fixed:
    albumentations 2.0.8 draws nothing (the pair is sorted; an int s means (1, s), a 1-wide
    vertical line, as albumentations' argument check makes it). Pixels beyond the border never
    grow a dilation nor shrink an erosion (OpenCV's default).

    Masks and instance masks get the same operation (label maps: the largest / smallest label
    under the element). Boxes move as albumentations' bboxes_morphology means to, box by box: each
    box becomes the mask of its pixels (corners truncated to ints, clipped to the image), dilated
    or eroded, and its bounding box; a box eroded away becomes (-1, -1, -1, -1) (declared boxes
    then drop it). (albumentations 2.0.8 passes the N x H x W mask stack to cv2 as one N-row,
    W-channel image: its boxes grow in y by the element's width only and merge with their
    neighbours in the list; that bug is not followed.) Points,
    keypoints and polygons stay where they are. Square odd elements use mask.dilate / mask.erode;
    other sizes a composition of edge-replicated shifts (exact as well). p defaults to 0.5.
    """

    references = {"albumentations": "Morphological"}
    differences = {"albumentations": "boxes grow or shrink box by box (albumentations 2.0.8 dilates its stack of box "
                                     "masks as one image: boxes change in y only)"}
    kinds = ("image", "mask", "masks", "boxes")
    default_p = 0.5

    @staticmethod
    def configure(scale=(2, 3), operation: str = "dilation"):
        if isinstance(scale, numbers.Integral) and not isinstance(scale, bool):
            scale = (1, int(scale))
        if not (isinstance(scale, (list, tuple)) and len(scale) == 2
                and all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in scale)):
            raise ValueError(f"scale must be an int or a pair of ints, not {scale!r}")
        if min(scale) < 1:
            raise ValueError(f"scale: every size must be >= 1, not {scale!r}")
        if operation not in ("dilation", "erosion"):
            raise ValueError(f"operation must be 'dilation' or 'erosion', not {operation!r}")
        width, height = sorted(int(s) for s in scale)
        return dict(width=width, height=height, operation=operation)

    def apply(self, kind, field, ref):
        c = self.config
        if kind == "boxes":
            return self._boxes(field, ref)
        kw, kh = c["width"], c["height"]
        if kw == kh and kw % 2 == 1:
            op = _mask.Dilate if c["operation"] == "dilation" else _mask.Erode
            return op(field, kernel_shape="ellipse", kernel_size=kw)
        return morphology(field, ellipse_kernel(kw, kh), c["operation"])

    def _boxes(self, boxes: Node, ref: Node) -> Node:
        """albumentations' bboxes_morphology in closed form: the box's pixel mask (corners
        truncated, clipped) dilated by the element's extent (its middle row and column are full),
        or eroded (a side on the image edge stays: the border never erodes)."""
        c = self.config
        kw, kh = c["width"], c["height"]
        ax, ay = kw // 2, kh // 2
        W, H = _size_f32(ref)
        col = [tensor.Cast(tensor.Cast(tensor.Slice(boxes, i, i + 1, axis=1), dtype="i32"), dtype="f32")
               for i in range(4)]
        x1, x2 = _math.Maximum(col[0], 0.0), _math.Minimum(col[2], W)
        y1, y2 = _math.Maximum(col[1], 0.0), _math.Minimum(col[3], H)
        empty = _math.LogicalOr(x1 >= x2, y1 >= y2)
        if c["operation"] == "dilation":
            x1, x2 = _math.Maximum(x1 - float(kw - 1 - ax), 0.0), _math.Minimum(x2 + float(ax), W)
            y1, y2 = _math.Maximum(y1 - float(kh - 1 - ay), 0.0), _math.Minimum(y2 + float(ay), H)
        else:
            # a side inside the image moves in by the element's reach on that side
            x1 = x1 + tensor.Cast(x1 > 0.0, dtype="f32") * float(ax)
            x2 = x2 - tensor.Cast(x2 < W, dtype="f32") * float(kw - 1 - ax)
            y1 = y1 + tensor.Cast(y1 > 0.0, dtype="f32") * float(ay)
            y2 = y2 - tensor.Cast(y2 < H, dtype="f32") * float(kh - 1 - ay)
            empty = _math.LogicalOr(empty, _math.LogicalOr(x1 >= x2, y1 >= y2))
        moved = tensor.Concat(x1, y1, x2, y2, axis=1)
        gone = tensor.Cast(empty, dtype="f32")   # N x 1, broadcast over the 4 columns
        return moved * (1.0 - gone) - gone
