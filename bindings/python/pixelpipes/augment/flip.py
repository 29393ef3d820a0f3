"""Random flips: images and masks by image.flip (exact), annotations by the flip matrix."""
from __future__ import annotations

import numpy as np

from ..flow import Conditional
from ..node import Constant
from ..ops import geometry, image, random
from ..ops import flow as _flow
from ..resource import SPATIAL_KINDS
from ._common import _is_number, _move_annotations, _size_int, _sub
from .base import Augmentation


class RandomHorizontalFlip(Augmentation):
    """Mirrors left-right with probability ``p`` (images and masks by image.flip, which is exact;
    boxes, points, keypoints and polygons by the flip matrix; declared keypoints swap their
    flip_pairs)."""

    references = {"torchvision": "RandomHorizontalFlip", "albumentations": "HorizontalFlip"}
    kinds = SPATIAL_KINDS
    axis = "horizontal"

    @staticmethod
    def configure(p: float = 0.5):
        if not (_is_number(p) and 0 <= p <= 1):
            raise ValueError(f"p must be a probability in [0, 1], not {p!r}")
        return dict(p=float(p))

    @classmethod
    def _params(cls, res, ref, config, label):
        p = config["p"]
        if p in (0.0, 1.0):   # no draw and no branch: the flip always (or never) happens
            return (p == 1.0,)
        return (random.Bernoulli(p, label=_sub(label, "flip")),)

    @classmethod
    def _mirrored(cls, params, config):
        flip = params[0]   # a flip on either axis mirrors
        if isinstance(flip, bool):
            return Constant(np.bool_(True)) if flip else None
        return flip

    def apply(self, kind, field, ref, flip):
        if flip is False:
            return field
        if kind in ("image", "mask", "masks"):
            flipped = image.Flip(field, axis=self.axis)
            return flipped if flip is True else Conditional(flip, flipped, field)
        w, h = _size_int(ref)
        matrix = geometry.FlipMatrix(w, h, axis=self.axis)
        if flip is not True:
            matrix = _flow.Select(flip, matrix, geometry.Identity())
        return _move_annotations(kind, field, matrix, w, h, clip=False)


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirrors top-bottom with probability ``p`` (see RandomHorizontalFlip)."""

    references = {"torchvision": "RandomVerticalFlip", "albumentations": "VerticalFlip"}
    axis = "vertical"

    @staticmethod
    def configure(p: float = 0.5):
        return RandomHorizontalFlip.configure(p)
