"""torchvision's FiveCrop and TenCrop: one input fans out, at graph-build time, into 5 (10) fixed
crops, each a Resource (or image node) of its own with every spatial field moved with it."""
from __future__ import annotations

import inspect
from typing import Optional

from ..ops import geometry
from ._common import _is_node, _size_f32, _size_hw, _sub
from .base import Augmentation
from .crop import CenterCrop, _CropFields
from .flip import RandomHorizontalFlip, RandomVerticalFlip
from ..resource import SPATIAL_KINDS

#: torchvision's order of the five crops
CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right", "center")


class _FixedCrop(_CropFields):
    """One of the five crops: top-left at (0, 0), top-right at (W - w, 0), bottom-left at (0, H - h),
    bottom-right at (W - w, H - h), center at torchvision's round((W - w) / 2) (halves to even)."""

    kinds = SPATIAL_KINDS

    @staticmethod
    def configure(size, corner: str = "center"):
        return dict(form="torchvision", size=tuple(size), corner=corner, border="constant", border_value=0.0,
                    clip_boxes=True)

    def matrix(self, ref):
        h, w = self.config["size"]
        W, H = _size_f32(ref)
        if not _is_node(W) and (h > H or w > W):   # torchvision's error (sizes known at compile time)
            raise ValueError(f"Requested crop size {(h, w)} is bigger than input size {(int(H), int(W))}")
        corner = self.config["corner"]
        if corner == "center":
            x, y = CenterCrop._offset(W - w), CenterCrop._offset(H - h)
        else:
            x = W - w if corner.endswith("right") else 0.0
            y = H - h if corner.startswith("bottom") else 0.0
        return geometry.Translate(-x, -y)


def _five(source, size, label):
    return tuple(_FixedCrop._build(source, size, corner, label=_sub(label, corner)) for corner in CORNERS)


class FiveCrop(Augmentation):
    """torchvision's FiveCrop: ``FiveCrop(source, size)`` returns a tuple of five Resources (or
    image nodes, for an image): the top-left, top-right, bottom-left, bottom-right and center crops
    of ``size`` (an int or (height, width)), in torchvision's order and at its offsets (the center
    at round((W - w) / 2), round((H - h) / 2), halves to even). Every spatial field is cropped with
    its crop (masks, boxes clipped or filtered by their declaration, points, keypoints), where
    torchvision refuses boxes and masks. A crop larger than the image is an error (torchvision's)
    when the size is known at compile time. Nothing is random and there is no ``p``; the fan-out
    happens at graph-build time, so it ends a pipeline (output each crop, or stack the images with
    tensor.Stack for test-time augmentation) rather than sitting inside Compose."""

    references = {"torchvision": "FiveCrop"}
    differences = {"torchvision": "every field moves with its crop (torchvision refuses boxes and masks here)"}
    kinds = SPATIAL_KINDS

    @staticmethod
    def configure(size):
        return dict(size=_size_hw(size))

    __signature__ = inspect.Signature([
        inspect.Parameter("source", inspect.Parameter.POSITIONAL_ONLY),
        inspect.Parameter("size", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("label", inspect.Parameter.KEYWORD_ONLY, default=None)])

    @classmethod
    def _checked_config(cls, args, kwargs):
        if "p" in kwargs:
            raise TypeError(f"{cls.__name__} has no p: it always returns all its crops")
        return super()._checked_config(args, kwargs)

    @classmethod
    def _build(cls, source, *args, label: Optional[str] = None, **kwargs):
        config, _ = cls._checked_config(args, kwargs)
        return _five(source, config["size"], label)


class TenCrop(FiveCrop):
    """torchvision's TenCrop: FiveCrop's five crops, then the five crops of the image flipped
    horizontally (vertically with ``vertical_flip=True``): a tuple of ten Resources or image nodes.
    Fields move with each crop as in FiveCrop; in the flipped five, boxes, points and keypoints are
    mirrored first (declared keypoints swap their flip_pairs)."""

    references = {"torchvision": "TenCrop"}
    differences = {"torchvision": "every field moves with its crop (torchvision refuses boxes and masks here)"}

    @staticmethod
    def configure(size, vertical_flip: bool = False):
        return dict(size=_size_hw(size), vertical_flip=bool(vertical_flip))

    __signature__ = inspect.Signature([
        inspect.Parameter("source", inspect.Parameter.POSITIONAL_ONLY),
        inspect.Parameter("size", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("vertical_flip", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=False),
        inspect.Parameter("label", inspect.Parameter.KEYWORD_ONLY, default=None)])

    @classmethod
    def _build(cls, source, *args, label: Optional[str] = None, **kwargs):
        config, _ = cls._checked_config(args, kwargs)
        flip = RandomVerticalFlip if config["vertical_flip"] else RandomHorizontalFlip
        flipped = flip._build(source, p=1.0, label=_sub(label, "flip"))
        return _five(source, config["size"], label) + _five(flipped, config["size"], _sub(label, "flipped"))
