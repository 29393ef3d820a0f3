"""Mask-aware crops: albumentations' CropNonEmptyMaskIfExists."""
from __future__ import annotations

import numbers

import numpy as np

from ..node import Constant
from ..ops import flow as _flow
from ..ops import image, mask, random, tensor
from ..ops import math as _math
from ._common import _scalar, _size_f32, _static_hw
from ._window import WindowCrop, _clip, _f32
from .bbox_crops import _positive_int


def _int_list(value, what: str):
    if value is None:
        return None
    if not (isinstance(value, (list, tuple)) and all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                                                     for v in value)):
        raise ValueError(f"{what} must be a list of ints or None, not {value!r}")
    return tuple(int(v) for v in value)


class CropNonEmptyMaskIfExists(WindowCrop):
    """A ``height`` x ``width`` crop around a random nonzero mask pixel, else a random crop
    (albumentations' CropNonEmptyMaskIfExists, default p 1).

    The mask is the resource's first field of kind "mask" (a label map, H x W or H x W x C), else
    its instance masks ("masks", H x W x N: their union). Pixels whose value is in
    ``ignore_values`` and channels in ``ignore_channels`` count as empty. When some pixel is
    nonzero, one (x, y) is drawn uniformly among them (random.weighted_choice over the pixels),
    the crop's left edge is x - randint(0, width - 1) clipped to [0, W - width], its top
    likewise: the pixel is always inside the crop. An empty mask gives a uniform random crop.
    A crop larger than the image starts at 0 and the rest is zero padding (albumentations
    raises). The output size is fixed.
    """

    default_p = 1.0
    references = {"albumentations": "CropNonEmptyMaskIfExists"}
    reads = ("mask", "masks")
    missing = None

    @staticmethod
    def configure(height: int, width: int, ignore_values=None, ignore_channels=None):
        return dict(height=_positive_int(height, "height"), width=_positive_int(width, "width"),
                    ignore_values=_int_list(ignore_values, "ignore_values"),
                    ignore_channels=_int_list(ignore_channels, "ignore_channels"))

    def fixed_size(self):
        return self.config["width"], self.config["height"]

    def _nonzero(self, ref, m):
        """f32 [H * W] (row-major): 1 where the (preprocessed) mask has a nonzero pixel."""
        c = self.config
        shape = m.type.shape
        if shape is None:
            raise ValueError("CropNonEmptyMaskIfExists: the mask's rank must be known at compile time")
        keep = m != 0
        for v in c["ignore_values"] or ():
            keep = keep & (m != v)
        if len(shape) == 2:
            return tensor.Reshape(_f32(keep), shape=[-1])
        channels = shape[2]
        keep = _f32(keep)
        if c["ignore_channels"]:
            if channels is None:
                raise ValueError("CropNonEmptyMaskIfExists: ignore_channels needs the mask's channel count known "
                                 "at compile time")
            keep = keep * Constant(np.array([0.0 if k in c["ignore_channels"] else 1.0 for k in range(channels)],
                                            np.float32))
        # any channel (albumentations sums them): the mean of a pixel's channels, with one zero
        # column added so that zero channels work, is > 0 (an "area" resize to one column)
        if channels is not None:
            flat = tensor.Reshape(keep, shape=[-1, channels])
        else:
            flat = tensor.Reshape(keep, shape=[_static_pixels(m), -1])
        plane = tensor.Slice(ref, 0, 1, axis=2) if len(ref.type.shape or ()) == 3 else ref
        zeros = _f32(tensor.Reshape(plane, shape=[-1, 1]) > tensor.Reshape(plane, shape=[-1, 1]))  # never true
        flat = tensor.Concat(flat, zeros, axis=1)
        mean = image.Resize(flat, 1, _scalar(tensor.Shape(flat), 0), interpolation="area")
        return tensor.Reshape(_f32(mean > 0), shape=[-1])

    def window(self, ref, m):
        c = self.config
        w, h = float(c["width"]), float(c["height"])
        W, H = _size_f32(ref)
        nonzero = self._nonzero(ref, m)
        weights = nonzero
        empty = mask.IsEmpty(tensor.Reshape(nonzero, shape=[1, -1]))
        # an all-zero weight vector is an error even when the empty branch is taken: add 1 then
        choice = random.WeightedChoice(weights + _f32(empty))
        mw = _f32(image.Width(m))
        k = _f32(choice)
        y = _math.Floor(k / mw)
        x = k - y * mw
        u = random.Uniform(0.0, 1.0, shape=[4])
        xmax, ymax = _math.Maximum(W - w, 0.0), _math.Maximum(H - h, 0.0)
        x0 = _clip(x - _math.Floor(_scalar(u, 0) * w), 0.0, xmax)
        y0 = _clip(y - _math.Floor(_scalar(u, 1) * h), 0.0, ymax)
        rx = _math.Floor(_scalar(u, 2) * (xmax + 1))
        ry = _math.Floor(_scalar(u, 3) * (ymax + 1))
        x0, y0 = _flow.Select(empty, rx, x0), _flow.Select(empty, ry, y0)
        return tensor.Stack(x0, y0, x0 + w, y0 + h)


def _static_pixels(m) -> int:
    s = _static_hw(m)
    if s is None:
        raise ValueError("CropNonEmptyMaskIfExists: instance masks with a run-time channel count need their height "
                         "and width known at compile time")
    return s[0] * s[1]
