"""Image quality degradations named and parameterized as albumentations 2.0.8's: ImageCompression
(JPEG or WebP encode and decode, image.compress) and Downscale (a resize down and back,
image.downscale). Masks, boxes and keypoints pass through."""
from __future__ import annotations

import numbers

import numpy as np

from ..ops import image, random
from ._common import _is_number, _sub
from .base import Augmentation

# OpenCV's interpolation flags (albumentations takes the cv2 constants) and image.downscale's names.
_INTERPOLATIONS = {0: "nearest", 1: "linear", 2: "cubic", 3: "area", 4: "lanczos4", 5: "linear_exact",
                   6: "nearest_exact"}


class ImageCompression(Augmentation):
    """JPEG or WebP artifacts: the u8 image encoded at a quality drawn uniformly from the integers
    of ``quality_range`` (both ends included) and decoded again (image.compress: libjpeg-turbo with
    OpenCV's imencode settings, or libwebp, lossy). RGB images are encoded as RGB."""

    references = {"albumentations": "ImageCompression"}
    differences = {"albumentations": "RGB is encoded as RGB (albumentations hands RGB to cv2.imencode, which "
                                     "reads it as BGR: its luma weights red and blue the other way round)"}
    default_p = 0.5

    @staticmethod
    def configure(compression_type: str = "jpeg", quality_range=(99, 100)):
        if compression_type not in ("jpeg", "webp"):
            raise ValueError(f"compression_type must be 'jpeg' or 'webp', not {compression_type!r}")
        if not (isinstance(quality_range, (list, tuple)) and len(quality_range) == 2
                and all(isinstance(q, numbers.Integral) and not isinstance(q, bool) for q in quality_range)):
            raise ValueError(f"quality_range must be a (min, max) pair of ints, not {quality_range!r}")
        lo, hi = int(quality_range[0]), int(quality_range[1])
        if not 1 <= lo <= hi <= 100:
            raise ValueError(f"quality_range must satisfy 1 <= min <= max <= 100, not {quality_range!r}")
        return dict(format=compression_type, quality=(lo, hi))

    @classmethod
    def _params(cls, res, ref, config, label):
        lo, hi = config["quality"]
        return (lo if lo == hi else random.Integer(lo, hi + 1, label=_sub(label, "quality")),)

    def apply(self, kind, field, ref, quality):
        return image.Compress(field, quality, format=self.config["format"])


class Downscale(Augmentation):
    """Lowers the resolution: scale uniform in ``scale_range`` per sample, cv::resize by fx = fy =
    scale with the "downscale" interpolation, then back to the image's size with "upscale"
    (``interpolation_pair``: cv2 flags, default INTER_NEAREST both ways, as albumentations)."""

    references = {"albumentations": "Downscale"}
    default_p = 0.5

    @staticmethod
    def configure(scale_range=(0.25, 0.25), interpolation_pair=None):
        if not (isinstance(scale_range, (list, tuple)) and len(scale_range) == 2
                and all(_is_number(v) for v in scale_range)):
            raise ValueError(f"scale_range must be a (min, max) pair, not {scale_range!r}")
        lo, hi = float(scale_range[0]), float(scale_range[1])
        if not 0 < lo <= hi <= 1:
            raise ValueError(f"scale_range must satisfy 0 < min <= max <= 1, not {scale_range!r}")
        pair = {"downscale": 0, "upscale": 0} if interpolation_pair is None else dict(interpolation_pair)
        if set(pair) != {"downscale", "upscale"}:
            raise ValueError("interpolation_pair needs the keys 'downscale' and 'upscale'")
        names = {}
        for key, flag in pair.items():
            name = _INTERPOLATIONS.get(flag) if isinstance(flag, numbers.Integral) else \
                (flag if flag in _INTERPOLATIONS.values() else None)
            if name is None:
                raise ValueError(f"interpolation_pair[{key!r}] must be a cv2 INTER_* flag (0-6) or one of "
                                 f"{sorted(_INTERPOLATIONS.values())}, not {flag!r}")
            names[key] = name
        return dict(scale=(lo, hi), down=names["downscale"], up=names["upscale"])

    @classmethod
    def _params(cls, res, ref, config, label):
        lo, hi = config["scale"]
        # f64: the scale decides the sampled pixels (floor(x / scale)), an f32 0.3 would move some
        return (np.float64(lo) if lo == hi else random.Uniform(lo, hi, dtype="f64", label=_sub(label, "scale")),)

    def apply(self, kind, field, ref, scale):
        c = self.config
        return image.Downscale(field, scale, down=c["down"], up=c["up"])
