"""torchvision v2's color transforms that the policies and ColorJitter do not already cover:
Grayscale, RandomGrayscale, RGB, RandomInvert, RandomPosterize, RandomSolarize,
RandomAdjustSharpness, RandomAutocontrast, RandomEqualize, RandomChannelPermutation,
RandomPhotometricDistort, GaussianBlur (as RandomGaussianBlur), GaussianNoise and JPEG. Each takes torchvision's arguments and defaults (its ``p`` included)
and uses the same color ops as the automatic policies (torchvision's arithmetic: luma
0.2989 R + 0.587 G + 0.114 B truncated, blends with the gray image or a blurred copy), on image
fields only: masks, boxes and keypoints pass through.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..flow import Conditional
from ..node import as_node
from ..ops import color, filter as _filter, image as _image, noise as _noise, random, tensor
from ..ops import math as _math
from ._common import _channels, _pair, _sub, _uniform
from .base import Augmentation
from .tone import InvertImg


#: torchvision's RandomInvert is albumentations' InvertImg (max - x, p=0.5 by default): one class,
#: two names
RandomInvert = InvertImg


def _with_channel_axis(field):
    """An H x W image as H x W x 1 (color.pick_channels keeps rank-2 images as they are)."""
    try:
        rank = len(field.type.shape)
    except (RuntimeError, AttributeError, TypeError):
        rank = 3
    return tensor.Unsqueeze(field, axis=-1) if rank == 2 else field


def _gray(field, channels: int):
    """torchvision's rgb_to_grayscale with ``channels`` output channels: the luma of an RGB image
    (color.saturation with factor 0 is that gray on every channel, bit for bit), a gray image
    repeated."""
    c = _channels(field)
    if c == 1:
        return field if channels == 1 else color.PickChannels(_with_channel_axis(field), np.zeros(channels, np.int64))
    if c != 3:
        raise ValueError(f"grayscale needs a 1- or 3-channel image, not {c} channels")
    gray = color.Saturation(field, 0.0)
    return color.PickChannels(gray, np.zeros(1, np.int64)) if channels == 1 else gray


class Grayscale(Augmentation):
    """The image in gray, 1 or 3 channels (``num_output_channels``), as torchvision's Grayscale:
    trunc(0.2989 R + 0.587 G + 0.114 B) for u8 RGB; a 1-channel image is kept or repeated."""

    references = {"torchvision": "Grayscale"}

    @staticmethod
    def configure(num_output_channels: int = 1):
        if num_output_channels not in (1, 3) or isinstance(num_output_channels, bool):
            raise ValueError(f"num_output_channels must be 1 or 3, not {num_output_channels!r}")
        return dict(channels=int(num_output_channels))

    def apply(self, kind, field, ref):
        return _gray(field, self.config["channels"])


class RandomGrayscale(Augmentation):
    """Grayscale with probability ``p`` (default 0.1), keeping the input's channel count
    (torchvision's RandomGrayscale)."""

    references = {"torchvision": "RandomGrayscale"}
    default_p = 0.1

    @staticmethod
    def configure():
        return {}

    def apply(self, kind, field, ref):
        return _gray(field, _channels(field))


class RGB(Augmentation):
    """A gray image repeated to 3 channels; an RGB image unchanged (torchvision's RGB)."""

    references = {"torchvision": "RGB"}

    @staticmethod
    def configure():
        return {}

    def apply(self, kind, field, ref):
        c = _channels(field)
        if c == 3:
            return field
        if c != 1:
            raise ValueError(f"RGB needs a 1- or 3-channel image, not {c} channels")
        return color.PickChannels(_with_channel_axis(field), np.zeros(3, np.int64))


class RandomPosterize(Augmentation):
    """Keeps the ``bits`` (0-8) high bits of each u8 value, with probability ``p`` (default 0.5;
    torchvision's RandomPosterize)."""

    references = {"torchvision": "RandomPosterize"}
    default_p = 0.5

    @staticmethod
    def configure(bits: int):
        if not isinstance(bits, numbers.Integral) or isinstance(bits, bool) or not 0 <= bits <= 8:
            raise ValueError(f"bits must be an integer in [0, 8], not {bits!r}")
        return dict(bits=int(bits))

    def apply(self, kind, field, ref):
        return color.Posterize(field, self.config["bits"])


class RandomSolarize(Augmentation):
    """Inverts the values at or above ``threshold`` (in the image's own units: [0, 255] for u8),
    with probability ``p`` (default 0.5; torchvision's RandomSolarize)."""

    references = {"torchvision": "RandomSolarize"}
    default_p = 0.5

    @staticmethod
    def configure(threshold: float):
        if not isinstance(threshold, numbers.Real) or isinstance(threshold, bool) or threshold != threshold \
                or threshold < 0:
            raise ValueError(f"threshold must be a number >= 0, not {threshold!r}")
        return dict(threshold=float(threshold))

    def apply(self, kind, field, ref):
        return color.Solarize(field, self.config["threshold"])


class RandomAdjustSharpness(Augmentation):
    """Sharpness factor ``sharpness_factor`` (0 blurs, 1 keeps, 2 sharpens twice as much) with
    probability ``p`` (default 0.5): the image blended with its 3 x 3 smoothed copy, the one-pixel
    border kept (torchvision's RandomAdjustSharpness; filter.sharpen)."""

    references = {"torchvision": "RandomAdjustSharpness"}
    default_p = 0.5

    @staticmethod
    def configure(sharpness_factor: float):
        if not isinstance(sharpness_factor, numbers.Real) or isinstance(sharpness_factor, bool) \
                or not sharpness_factor >= 0:
            raise ValueError(f"sharpness_factor must be a number >= 0, not {sharpness_factor!r}")
        return dict(amount=float(sharpness_factor) - 1.0)

    def apply(self, kind, field, ref):
        return _filter.Sharpen(field, self.config["amount"])


class RandomAutocontrast(Augmentation):
    """Each channel stretched to the full range (its min to 0, its max to 255), with probability
    ``p`` (default 0.5; torchvision's RandomAutocontrast; color.stretch_contrast)."""

    references = {"torchvision": "RandomAutocontrast"}
    default_p = 0.5

    @staticmethod
    def configure():
        return {}

    def apply(self, kind, field, ref):
        return color.StretchContrast(field)


class RandomEqualize(Augmentation):
    """Histogram equalization of each channel with probability ``p`` (default 0.5; torchvision's
    RandomEqualize; color.equalize)."""

    references = {"torchvision": "RandomEqualize"}
    default_p = 0.5

    @staticmethod
    def configure():
        return {}

    def apply(self, kind, field, ref):
        return color.Equalize(field)


class RandomChannelPermutation(Augmentation):
    """The channels in a random order, a uniform permutation per sample shared by every image
    field (torchvision's RandomChannelPermutation)."""

    references = {"torchvision": "RandomChannelPermutation"}

    @staticmethod
    def configure():
        return {}

    @classmethod
    def _params(cls, res, ref, config, label):
        return (random.Permutation(_channels(ref), label=_sub(label, "order")),)

    def apply(self, kind, field, ref, order):
        return color.PickChannels(field, order)


class RandomPhotometricDistort(Augmentation):
    """The SSD photometric distortion (torchvision's RandomPhotometricDistort): each of
    brightness, contrast, saturation and hue is applied with probability ``p`` (default 0.5) with
    a factor uniform in its (min, max) range; contrast goes before saturation and hue or after
    them (probability 1/2); finally the channels are permuted with probability ``p``. Each step is
    a branch: a sample runs only the steps it drew. ``p`` here is each step's probability, as in
    torchvision (the transform itself always runs)."""

    references = {"torchvision": "RandomPhotometricDistort"}
    STEPS = ("brightness", "contrast", "saturation", "hue")

    @staticmethod
    def configure(brightness=(0.875, 1.125), contrast=(0.5, 1.5), saturation=(0.5, 1.5), hue=(-0.05, 0.05),
                  p: float = 0.5):
        ranges = {}
        for name, value in (("brightness", brightness), ("contrast", contrast), ("saturation", saturation)):
            ranges[name] = _pair(value, name, center=1.0, low=0.0)
        ranges["hue"] = _pair(hue, "hue", center=0.0, low=-0.5, high=0.5)
        if not isinstance(p, numbers.Real) or isinstance(p, bool) or not 0.0 <= p <= 1.0:
            raise ValueError(f"p must be a probability in [0, 1], not {p!r}")
        return dict(ranges=ranges, p=float(p))

    @classmethod
    def _params(cls, res, ref, config, label):
        p = config["p"]
        draws = []
        for name in cls.STEPS:
            apply = random.Bernoulli(p, label=_sub(label, name + "_applied"))
            draws += [apply, as_node(_uniform(*config["ranges"][name], label=_sub(label, name)))]
        before = random.Bernoulli(0.5, label=_sub(label, "contrast_before"))
        permute = random.Bernoulli(p, label=_sub(label, "permute"))
        order = random.Permutation(_channels(ref), label=_sub(label, "order"))
        return tuple(draws) + (before, permute, order)

    def apply(self, kind, field, ref, b_on, b, c_on, c, s_on, s, h_on, h, before, permute, order):
        x = Conditional(b_on, color.Brightness(field, b), field)
        x = Conditional(c_on, Conditional(before, color.Contrast(x, c), x), x)
        x = Conditional(s_on, color.Saturation(x, s), x)
        x = Conditional(h_on, color.Hue(x, h), x)
        x = Conditional(c_on, Conditional(before, x, color.Contrast(x, c)), x)
        return Conditional(permute, color.PickChannels(x, order), x)


class RandomGaussianBlur(Augmentation):
    """torchvision's GaussianBlur (named apart from albumentations' GaussianBlur, whose arguments
    differ): a Gaussian blur with the fixed odd ``kernel_size`` and sigma ~ uniform(``sigma``)
    per sample (``sigma`` a number s > 0, meaning exactly s, or a (min, max) pair), the same sigma
    on both axes, reflect_101 borders (torch's "reflect" padding). The blur is cv::GaussianBlur
    (filter.gaussian_blur_sized): u8 values within 1 of torchvision's float convolution."""

    references = {"torchvision": "GaussianBlur"}
    differences = {"torchvision": "a square kernel only (kernel_size an odd int, or a pair of equal odd ints); u8 "
                                  "values within 1 (OpenCV's fixed-point blur)"}

    @staticmethod
    def configure(kernel_size, sigma=(0.1, 2.0)):
        k = kernel_size
        if isinstance(k, (list, tuple)):
            if len(k) != 2 or k[0] != k[1]:
                raise ValueError(f"kernel_size must be an odd int or a pair of equal odd ints, not {kernel_size!r}")
            k = k[0]
        if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 1 or k % 2 == 0 or k > 1023:
            raise ValueError(f"kernel_size must be an odd int in [1, 1023], not {kernel_size!r}")
        if isinstance(sigma, numbers.Real) and not isinstance(sigma, bool):
            if not sigma > 0:
                raise ValueError(f"sigma must be > 0, not {sigma!r}")
            lo = hi = float(sigma)
        elif isinstance(sigma, (list, tuple)) and len(sigma) == 2 and all(
                isinstance(s, numbers.Real) and not isinstance(s, bool) for s in sigma):
            lo, hi = float(sigma[0]), float(sigma[1])
            if not 0 < lo <= hi <= 1000:
                raise ValueError(f"sigma must be (min, max) with 0 < min <= max <= 1000, not {sigma!r}")
        else:
            raise ValueError(f"sigma must be a number or a (min, max) pair, not {sigma!r}")
        return dict(kernel_size=int(k), sigma=(lo, hi))

    @classmethod
    def _params(cls, res, ref, config, label):
        return (as_node(_uniform(*config["sigma"], label=_sub(label, "sigma"))),)

    def apply(self, kind, field, ref, sigma):
        return _filter.GaussianBlurSized(field, self.config["kernel_size"], sigma)


class GaussianNoise(Augmentation):
    """x + normal(``mean``, ``sigma``) per value on f32 images in [0, 1], clipped to [0, 1] when
    ``clip`` (torchvision's GaussianNoise, which takes float images only; noise.gaussian)."""

    references = {"torchvision": "GaussianNoise"}

    @staticmethod
    def configure(mean: float = 0.0, sigma: float = 0.1, clip: bool = True):
        for name, v in (("mean", mean), ("sigma", sigma)):
            if not isinstance(v, numbers.Real) or isinstance(v, bool) or v != v:
                raise ValueError(f"{name} must be a number, not {v!r}")
        if sigma < 0:
            raise ValueError(f"sigma must be >= 0, not {sigma!r}")
        return dict(mean=float(mean), sigma=float(sigma), clip=bool(clip))

    def apply(self, kind, field, ref):
        try:
            dtype = field.type.dtype
        except (RuntimeError, AttributeError):
            dtype = None
        if dtype is not None and dtype not in ("f32", "f64"):
            raise ValueError(f"GaussianNoise takes float images in [0, 1] (as torchvision), not {dtype}: convert first "
                             "(augment.Normalize, color.convert_depth) or use augment.GaussNoise for u8 images")
        c = self.config
        out = _noise.Gaussian(field, c["sigma"], mean=c["mean"])
        return _math.Minimum(_math.Maximum(out, 0.0), 1.0) if c["clip"] else out


class JPEG(Augmentation):
    """The u8 image encoded as JPEG at ``quality`` and decoded (torchvision's JPEG): an int in
    [1, 100], or (min, max) for a uniform integer per sample, both ends included (image.compress:
    libjpeg-turbo, 4:2:0 chroma)."""

    references = {"torchvision": "JPEG"}
    differences = {"torchvision": "libjpeg-turbo at OpenCV's settings (4:2:0 chroma, accurate DCT, fancy "
                                  "upsampling); torchvision's encode_jpeg/decode_jpeg may differ by a few levels"}

    @staticmethod
    def configure(quality):
        q = quality
        if isinstance(q, numbers.Integral) and not isinstance(q, bool):
            q = (int(q), int(q))
        if not (isinstance(q, (list, tuple)) and len(q) == 2 and all(
                isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in q) and 1 <= q[0] <= q[1] <= 100):
            raise ValueError(f"quality must be an int in [1, 100] or a (min, max) pair within it, not {quality!r}")
        return dict(quality=(int(q[0]), int(q[1])))

    @classmethod
    def _params(cls, res, ref, config, label):
        lo, hi = config["quality"]
        return (lo if lo == hi else random.Integer(lo, hi + 1, label=_sub(label, "quality")),)

    def apply(self, kind, field, ref, quality):
        return _image.Compress(field, quality, format="jpeg")
