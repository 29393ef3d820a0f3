"""The square's symmetries: albumentations' RandomRotate90, D4 (SquareSymmetry) and Transpose.
Images and masks move by image.transpose and image.rotate90 (exact, no resampling); boxes, points
and keypoints by the same symmetry's matrix."""
from __future__ import annotations

import numpy as np

from ..flow import Conditional
from ..node import Constant
from ..ops import flow as _flow
from ..ops import geometry, image, random, tensor
from ..ops import math as _math
from ._common import _is_node, _move_annotations, _size_f32, _sub
from ._reframe import MASK_KINDS, MOVED_KINDS
from .base import Augmentation

#: albumentations' names of the 8 elements, in its order; each is (transpose first?, quarter turns
#: counterclockwise after): v = transpose + 1 turn, hvt = transpose + 2, h = transpose + 3
D4_ELEMENTS = ("e", "r90", "r180", "r270", "v", "hvt", "h", "t")
_D4_STEPS = {"e": (0, 0), "r90": (0, 1), "r180": (0, 2), "r270": (0, 3),
             "v": (1, 1), "hvt": (1, 2), "h": (1, 3), "t": (1, 0)}
_TRANSPOSE = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]], np.float32)


def _quarter_turns_matrix(k, w, h):
    """The matrix of image.rotate90(k) on a w x h image: one turn maps (x, y) to (y, w - x)."""
    if not _is_node(k):
        k = int(k) % 4
        shift = [(0.0, 0.0), (0.0, w), (w, h), (h, 0.0)][k]
        return geometry.Chain(geometry.Rotate(90.0 * k, 0.0, 0.0), geometry.Translate(*shift))
    tx = _flow.Select(_math.Equal(k, 2), w, _flow.Select(_math.Equal(k, 3), h, 0.0))
    ty = _flow.Select(_math.Equal(k, 1), w, _flow.Select(_math.Equal(k, 2), h, 0.0))
    return geometry.Chain(geometry.Rotate(tensor.Cast(k, dtype="f32") * 90.0, 0.0, 0.0), geometry.Translate(tx, ty))


class _Symmetry(Augmentation):
    """A symmetry of the square drawn per sample: (transpose, quarter turns); transpose is a
    bool node or a Python bool, turns an i64 node or a Python int."""

    kinds = MOVED_KINDS

    def steps(self, params):
        """(transpose, turns) from the drawn params."""
        return params

    @classmethod
    def _mirrored(cls, params, config):
        # quarter turns keep handedness; a transpose mirrors (declared keypoints swap flip_pairs)
        transpose, _ = cls.steps(None, params)
        return None if transpose is False else transpose

    def apply(self, kind, field, ref, *params):
        transpose, turns = self.steps(params)
        if kind == "image" or kind in MASK_KINDS:
            if not _is_node(transpose):
                out = image.Transpose(field) if transpose else field
                return out if not _is_node(turns) and turns == 0 else image.Rotate90(out, turns)
            return Conditional(transpose, image.Rotate90(image.Transpose(field), turns), image.Rotate90(field, turns))
        W, H = _size_f32(ref)
        if not _is_node(transpose):
            first = Constant(_TRANSPOSE) if transpose else geometry.Identity()
            w, h = (H, W) if transpose else (W, H)
        else:
            first = _flow.Select(transpose, Constant(_TRANSPOSE), geometry.Identity())
            w, h = _flow.Select(transpose, H, W), _flow.Select(transpose, W, H)
        matrix = geometry.Chain(first, _quarter_turns_matrix(turns, w, h))
        out_w = w if not _is_node(turns) and turns % 2 == 0 else h
        out_h = h if not _is_node(turns) and turns % 2 == 0 else w
        if _is_node(turns):
            odd = _math.Equal(turns % 2, 1)
            out_w, out_h = _flow.Select(odd, h, w), _flow.Select(odd, w, h)
        if _is_node(out_w):
            out_w, out_h = tensor.Cast(out_w, dtype="i64"), tensor.Cast(out_h, dtype="i64")
        else:
            out_w, out_h = int(out_w), int(out_h)
        return _move_annotations(kind, field, matrix, out_w, out_h, self.config.get("clip_boxes", True))


class RandomRotate90(_Symmetry):
    """Rotates by k quarter turns counterclockwise, k uniform in {0, 1, 2, 3} (albumentations'
    RandomRotate90; so with p=1 a quarter of the samples are unchanged). Images and masks by
    image.rotate90 (exact); boxes, points and keypoints by the rotation's matrix in continuous
    coordinates (albumentations' keypoints are pixel indices: its W - 1 - x is our W - x for a
    point at a pixel's center). A non-square input's output shape varies (H x W or W x H)."""

    references = {"albumentations": "RandomRotate90"}
    default_p = 1.0

    @staticmethod
    def configure():
        return {}

    @classmethod
    def _params(cls, res, ref, config, label):
        return (random.Integer(0, 4, label=_sub(label, "turns")),)

    def steps(self, params):
        return False, params[0]


class D4(_Symmetry):
    """One of the 8 symmetries of the square, uniformly (albumentations' D4, also named
    SquareSymmetry): e (identity), r90, r180, r270 (counterclockwise turns), v (vertical flip),
    hvt (transpose about the anti-diagonal), h (horizontal flip), t (transpose). Each is done as
    an optional image.transpose followed by image.rotate90 (exact); boxes, points and keypoints
    move by the same matrix. Meant for square images (a non-square one comes out H x W or
    W x H: the shape varies)."""

    references = {"albumentations": "D4"}
    default_p = 1.0

    @staticmethod
    def configure():
        return {}

    @classmethod
    def _params(cls, res, ref, config, label):
        index = random.Integer(0, 8, label=_sub(label, "element"))
        transpose = _math.GreaterEqual(index, 4)
        # v, hvt, h are 4, 5, 6 -> 1, 2, 3 turns; t is 7 -> 0; the rotations are their index
        turns = _flow.Select(transpose, (index - 3) % 4, index)
        return (transpose, turns)


class SquareSymmetry(D4):
    """albumentations' SquareSymmetry: the same as :class:`D4`."""

    references = {"albumentations": "SquareSymmetry"}


class Transpose(_Symmetry):
    """Swaps rows and columns (albumentations' Transpose, p=0.5 by default): image.transpose;
    point (x, y) moves to (y, x), boxes likewise. The output is W x H."""

    references = {"albumentations": "Transpose"}
    default_p = 0.5

    @staticmethod
    def configure():
        return {}

    def steps(self, params):
        return True, 0
