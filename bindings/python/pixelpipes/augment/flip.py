"""Random flips: images and masks by image.flip (exact), annotations by the flip matrix."""
from __future__ import annotations

from ..flow import Conditional
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
        return (random.Bernoulli(config["p"], label=_sub(label, "flip")),)

    @classmethod
    def _mirrored(cls, params, config):
        return params[0]   # a flip on either axis mirrors

    def apply(self, kind, field, ref, flip):
        if kind in ("image", "mask", "masks"):
            return Conditional(flip, image.Flip(field, axis=self.axis), field)
        w, h = _size_int(ref)
        matrix = _flow.Select(flip, geometry.FlipMatrix(w, h, axis=self.axis), geometry.Identity())
        return _move_annotations(kind, field, matrix, w, h, clip=False)


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirrors top-bottom with probability ``p`` (see RandomHorizontalFlip)."""

    references = {"torchvision": "RandomVerticalFlip", "albumentations": "VerticalFlip"}
    axis = "vertical"

    @staticmethod
    def configure(p: float = 0.5):
        return RandomHorizontalFlip.configure(p)
