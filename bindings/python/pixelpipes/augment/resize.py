"""Resizes: albumentations' Resize (also torchvision's), LongestMaxSize, SmallestMaxSize, RandomScale,
and torchvision's ScaleJitter, RandomShortestSize and RandomResize. Images by image.resize; masks by
image.resize with nearest; boxes, points and keypoints by the scaling matrix (new size / old size on
each axis)."""
from __future__ import annotations

import numbers


from ..ops import flow as _flow
from ..ops import math as _math
from ..ops import random, tensor
from ._common import _is_node, _pair, _size_f32, _static_hw
from ._reframe import ReframeAugmentation, area_choice, interpolation_name


# -- arithmetic on Python numbers or nodes alike -----------------------------------------------

def _py_round(x):
    """Python's round (halves to even), on a number or a node."""
    return float(round(x)) if not _is_node(x) else _math.Round(x)


def _trunc(x):
    """int() of a positive number or node."""
    return float(int(x)) if not _is_node(x) else _math.Floor(x)


def _at_least_1(x):
    return max(1.0, x) if not _is_node(x) else _math.Maximum(x, 1.0)


def _min(a, b):
    return min(a, b) if not _is_node(a) and not _is_node(b) else _math.Minimum(a, b)


def _maxv(a, b):
    return max(a, b) if not _is_node(a) and not _is_node(b) else _math.Maximum(a, b)


def _resize_config(interpolation, mask_interpolation, area_for_downscale):
    return dict(interpolation=interpolation_name(interpolation),
                mask_interpolation=interpolation_name(mask_interpolation, "mask_interpolation"),
                area_for_downscale=area_choice(area_for_downscale))


def _positive_int(v, what: str) -> int:
    if not (isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1):
        raise ValueError(f"{what} must be a positive int, not {v!r}")
    return int(v)


class _WholeImageResize(ReframeAugmentation):
    """A resize of the whole image to a canvas computed from its size (the plan's box is the
    image)."""

    random_plan = False

    def new_size(self, W, H):
        """(width, height) of the canvas, Python floats or f32 nodes."""
        raise NotImplementedError

    def plan(self, ref):
        W, H = _size_f32(ref)
        w, h = self.new_size(W, H)
        return 0.0, 0.0, W, H, w, h

    def static_size(self, ref):
        s = _static_hw(ref)
        if s is None or self.random_plan:
            return None
        w, h = self.new_size(float(s[0]), float(s[1]))
        return int(w), int(h)


class Resize(_WholeImageResize):
    """Resizes the image, in albumentations' form or torchvision's.

    albumentations' form, ``Resize(height, width)`` (two ints): resizes to ``height`` x ``width``
    with image.resize and ``interpolation`` (a cv2 flag or one of nearest, linear, area, cubic,
    lanczos); masks with ``mask_interpolation`` (default nearest; note our nearest is OpenCV's
    INTER_NEAREST_EXACT, pixel centers, where albumentations' INTER_NEAREST takes
    floor(x * scale): label maps can differ by one pixel at edges). ``area_for_downscale``: "image"
    (or "image_mask") uses area interpolation for the image (and masks) when either side shrinks.

    torchvision's form, ``Resize(224)`` (one int and no width), ``Resize([h, w])`` or
    ``Resize(size=...)``: an int (or a one-element list) s scales the shorter side to s and the
    longer to int(s * long / short) (truncated); with ``max_size`` a longer side beyond it is
    brought to max_size and the shorter to int(max_size * short / long); size None with max_size
    scales the longer side to max_size. A pair is (height, width). ``interpolation`` takes
    torchvision's names too ("bilinear" default, "nearest", "bicubic", InterpolationMode values);
    masks use nearest. ``antialias`` (default True in this form, as torchvision's default since
    0.17; False in albumentations' form): with bilinear interpolation the image is resized with
    torchvision's antialiased bilinear filter (image.resize's antialias) on u8 and f32 images of 1
    to 4 channels; other images, other interpolations (bicubic: torchvision antialiases it too)
    and masks are resized without it.

    Boxes, points and keypoints scale by new width / W and new height / H. The output size is
    known at compile time for (height, width) sizes, and for the others when the input's is."""

    references = {"albumentations": "Resize", "torchvision": "Resize"}
    differences = {"torchvision": "antialias applies to bilinear only (not bicubic), on u8 and f32 images of 1 to 4 channels"}
    default_p = 1.0

    @staticmethod
    def configure(height=None, width=None, interpolation=1, mask_interpolation=0, area_for_downscale=None, *,
                  size=None, max_size=None, antialias=None):
        resize = _resize_config(interpolation, mask_interpolation, area_for_downscale)
        if antialias is not None and not isinstance(antialias, bool):
            raise ValueError(f"antialias must be True, False or None (the form's default), not {antialias!r}")
        if isinstance(height, numbers.Integral) and not isinstance(height, bool) and width is not None:
            if size is not None or max_size is not None:
                raise ValueError("Resize(height, width) is albumentations' form: size/max_size belong to torchvision's")
            return dict(height=_positive_int(height, "height"), width=_positive_int(width, "width"), short=None,
                        max_size=None, antialias=bool(antialias), **resize)
        resize["antialias"] = True if antialias is None else antialias
        if width is not None:
            raise ValueError(f"width={width!r} needs an int height (albumentations' Resize(height, width))")
        if height is not None:
            if size is not None:
                raise ValueError("give the size once (Resize(224), Resize([h, w]) or Resize(size=...))")
            size = height
        if max_size is not None:
            max_size = _positive_int(max_size, "max_size")
        if size is None:
            if max_size is None:
                raise ValueError("give height and width (albumentations), or size (torchvision's form)")
            return dict(height=None, width=None, short=None, max_size=max_size, **resize)
        if isinstance(size, (list, tuple)) and len(size) == 1:
            size = size[0]
        if isinstance(size, (list, tuple)) and len(size) == 2:
            if max_size is not None:
                raise ValueError("max_size is only for a single size (the shorter side)")
            return dict(height=_positive_int(size[0], "size"), width=_positive_int(size[1], "size"), short=None,
                        max_size=None, **resize)
        short = _positive_int(size, "size")
        if max_size is not None and max_size <= short:
            raise ValueError(f"max_size ({max_size}) must be larger than size ({short})")
        return dict(height=None, width=None, short=short, max_size=max_size, **resize)

    def new_size(self, W, H):
        c = self.config
        if c["height"] is not None:
            return float(c["width"]), float(c["height"])
        short, long_ = _min(W, H), _maxv(W, H)
        if c["short"] is None:
            new_long = float(c["max_size"])
            new_short = _trunc(new_long * short / long_)
        else:
            new_short = float(c["short"])
            new_long = _trunc(new_short * long_ / short)
            if c["max_size"] is not None:
                m = float(c["max_size"])
                if _is_node(new_long):
                    capped = new_long > m
                    new_short = _flow.Select(capped, _trunc(m * new_short / new_long), new_short)
                    new_long = _flow.Select(capped, m, new_long)
                elif new_long > m:
                    new_short, new_long = _trunc(m * new_short / new_long), m
        if _is_node(W) or _is_node(H):
            portrait = W <= H
            return _flow.Select(portrait, new_short, new_long), _flow.Select(portrait, new_long, new_short)
        return (new_short, new_long) if W <= H else (new_long, new_short)

    def static_size(self, ref):
        c = self.config
        if c["height"] is not None:
            return c["width"], c["height"]
        return super().static_size(ref)


class LongestMaxSize(_WholeImageResize):
    """Scales the image keeping its aspect ratio so that its longest side is ``max_size``
    (albumentations' LongestMaxSize): scale = max_size / max(H, W), new size
    max(1, round(H * scale)) x max(1, round(W * scale)) with Python's rounding (halves to even).
    ``max_size`` may be a list: one is drawn uniformly per sample. ``max_size_hw`` = (max_h, max_w)
    instead: scale = min(max_h / H, max_w / W) (either may be None: that side is ignored).
    Interpolations and ``area_for_downscale`` as in Resize. Boxes, points and keypoints scale by
    the new size over the old one.

    The output size is known at compile time only when the input's size is and max_size is one
    number; otherwise it varies per sample (end with Resize, PadIfNeeded + CenterCrop or a crop
    of a fixed size before batching)."""

    references = {"albumentations": "LongestMaxSize"}
    default_p = 1.0
    longest = True

    @staticmethod
    def configure(max_size=None, max_size_hw=None, interpolation=1, mask_interpolation=0, area_for_downscale=None):
        if (max_size is None) == (max_size_hw is None):
            raise ValueError("give exactly one of max_size or max_size_hw")
        if max_size is not None:
            if isinstance(max_size, (list, tuple)):
                if not max_size:
                    raise ValueError("max_size must not be an empty list")
                max_size = tuple(_positive_int(v, "max_size") for v in max_size)
            else:
                max_size = (_positive_int(max_size, "max_size"),)
        else:
            if not (isinstance(max_size_hw, (list, tuple)) and len(max_size_hw) == 2) \
                    or all(v is None for v in max_size_hw):
                raise ValueError(f"max_size_hw must be (max_h, max_w), either may be None, not {max_size_hw!r}")
            max_size_hw = tuple(None if v is None else _positive_int(v, "max_size_hw") for v in max_size_hw)
        return dict(max_size=max_size, max_size_hw=max_size_hw,
                    **_resize_config(interpolation, mask_interpolation, area_for_downscale))

    @property
    def random_plan(self):
        return self.config["max_size"] is not None and len(self.config["max_size"]) > 1

    def scale(self, W, H):
        c = self.config
        if c["max_size"] is not None:
            sizes = c["max_size"]
            if len(sizes) == 1:
                target = float(sizes[0])
            else:
                # a uniform choice among the sizes
                index = random.Integer(0, len(sizes))
                target = _pick(sizes, index)
            side = _maxv(W, H) if self.longest else _min(W, H)
            return target / side
        max_h, max_w = c["max_size_hw"]
        if max_h is not None and max_w is not None:
            sh, sw = max_h / H, max_w / W
            return _min(sh, sw) if self.longest else _maxv(sh, sw)
        return max_h / H if max_h is not None else max_w / W

    def new_size(self, W, H):
        s = self.scale(W, H)
        return _at_least_1(_py_round(W * s)), _at_least_1(_py_round(H * s))


def _pick(values, index):
    """values[index] for an i64 node index (a chain of selects)."""
    from ..ops import flow as _flow
    out = float(values[-1])
    for k in reversed(range(len(values) - 1)):
        out = _flow.Select(_math.Equal(index, k), float(values[k]), out)
    return out


class SmallestMaxSize(LongestMaxSize):
    """Scales the image keeping its aspect ratio so that its shortest side is ``max_size``
    (albumentations' SmallestMaxSize): scale = max_size / min(H, W); with ``max_size_hw``,
    scale = max(max_h / H, max_w / W). Otherwise as LongestMaxSize (rounding, lists, varying
    shapes)."""

    references = {"albumentations": "SmallestMaxSize"}
    longest = False


class RandomScale(_WholeImageResize):
    """Resizes by a random factor s = 1 + uniform(scale_limit) (albumentations' RandomScale;
    ``scale_limit`` v means (-v, v)): new size int(H * s) x int(W * s). Interpolations and
    ``area_for_downscale`` (when s < 1) as in Resize. Boxes, points and keypoints scale by the new
    size over the old one (albumentations scales keypoints by s itself: at most 1 px apart).

    The output size varies per sample (its shape is not known at compile time)."""

    references = {"albumentations": "RandomScale"}
    default_p = 0.5
    random_plan = True

    @staticmethod
    def configure(scale_limit=(-0.1, 0.1), interpolation=1, mask_interpolation=0, area_for_downscale=None):
        lo, hi = _pair(scale_limit, "scale_limit", center=0.0)
        if 1.0 + lo <= 0:
            raise ValueError(f"scale_limit {scale_limit!r} allows a factor <= 0")
        return dict(scale_limit=(lo, hi), **_resize_config(interpolation, mask_interpolation, area_for_downscale))

    def new_size(self, W, H):
        lo, hi = self.config["scale_limit"]
        s = 1.0 + random.Uniform(lo, hi) if lo < hi else 1.0 + lo
        return _at_least_1(_trunc(W * s)), _at_least_1(_trunc(H * s))


class ScaleJitter(_WholeImageResize):
    """torchvision's ScaleJitter: r = min(target_size[1] / H, target_size[0] / W) * s with
    s ~ uniform(scale_range); the image is resized to int(H * r) x int(W * r) (torchvision's
    formula, which reads target_size as (width, height) in this min). ``interpolation``: bilinear
    (default), nearest, bicubic, or one of ours. ``antialias`` (default True) as Resize's
    torchvision form: torchvision's antialiased bilinear filter for bilinear resizes of u8 and f32
    images of 1 to 4 channels.

    The output size varies per sample."""

    references = {"torchvision": "ScaleJitter"}
    differences = {"torchvision": "antialias applies to bilinear only (not bicubic), on u8 and f32 images of 1 to 4 channels"}
    default_p = 1.0
    random_plan = True

    @staticmethod
    def configure(target_size, scale_range=(0.1, 2.0), interpolation="bilinear", antialias=True):
        if not (isinstance(target_size, (list, tuple)) and len(target_size) == 2):
            raise ValueError(f"target_size must be a pair of ints, not {target_size!r}")
        target_size = (_positive_int(target_size[0], "target_size"), _positive_int(target_size[1], "target_size"))
        lo, hi = _pair(scale_range, "scale_range")
        if lo <= 0:
            raise ValueError(f"scale_range must be positive, not {scale_range!r}")
        return dict(target_size=target_size, scale_range=(lo, hi), interpolation=interpolation_name(interpolation),
                    mask_interpolation="nearest", antialias=bool(antialias))

    def new_size(self, W, H):
        (t0, t1), (lo, hi) = self.config["target_size"], self.config["scale_range"]
        s = random.Uniform(lo, hi) if lo < hi else lo
        r = _min(t1 / H, t0 / W) * s
        return _at_least_1(_trunc(W * r)), _at_least_1(_trunc(H * r))


def _size_list(value, what: str):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return (_positive_int(value, what),)
    if isinstance(value, (list, tuple)) and value:
        return tuple(_positive_int(v, what) for v in value)
    raise ValueError(f"{what} must be an int or a non-empty list of ints, not {value!r}")


class RandomShortestSize(_WholeImageResize):
    """torchvision's RandomShortestSize: s drawn uniformly from ``min_size`` (an int or a list);
    r = s / min(H, W), with ``max_size`` r = min(r, max_size / max(H, W)); the image is resized to
    int(H r) x int(W r) (truncated). ``interpolation`` ("bilinear" default) and ``antialias`` as
    Resize's torchvision form; masks use nearest. The output size varies per sample."""

    references = {"torchvision": "RandomShortestSize"}
    differences = {"torchvision": "antialias applies to bilinear only (not bicubic), on u8 and f32 images of 1 to 4 channels"}
    default_p = 1.0
    random_plan = True

    @staticmethod
    def configure(min_size, max_size=None, interpolation="bilinear", antialias=True):
        return dict(min_size=_size_list(min_size, "min_size"),
                    max_size=None if max_size is None else _positive_int(max_size, "max_size"),
                    interpolation=interpolation_name(interpolation), mask_interpolation="nearest",
                    area_for_downscale=None, antialias=bool(antialias))

    def new_size(self, W, H):
        c = self.config
        sizes = c["min_size"]
        target = float(sizes[0]) if len(sizes) == 1 else _pick(sizes, random.Integer(0, len(sizes)))
        r = target / _min(W, H)
        if c["max_size"] is not None:
            r = _min(r, c["max_size"] / _maxv(W, H))
        return _at_least_1(_trunc(W * r)), _at_least_1(_trunc(H * r))


class RandomResize(_WholeImageResize):
    """torchvision's RandomResize: s ~ uniform integer in [min_size, max_size) and the shorter
    side is resized to s, the longer to int(s * long / short) (Resize(s)'s torchvision form).
    ``interpolation`` and ``antialias`` as Resize's torchvision form; masks use nearest. The output
    size varies per sample."""

    references = {"torchvision": "RandomResize"}
    differences = {"torchvision": "antialias applies to bilinear only (not bicubic), on u8 and f32 images of 1 to 4 channels"}
    default_p = 1.0
    random_plan = True

    @staticmethod
    def configure(min_size, max_size, interpolation="bilinear", antialias=True):
        lo, hi = _positive_int(min_size, "min_size"), _positive_int(max_size, "max_size")
        if hi <= lo:
            raise ValueError(f"max_size ({hi}) must be larger than min_size ({lo}): s is drawn from [min_size, max_size)")
        return dict(min_size=lo, max_size=hi, interpolation=interpolation_name(interpolation),
                    mask_interpolation="nearest", area_for_downscale=None, antialias=bool(antialias))

    def new_size(self, W, H):
        c = self.config
        s = random.Integer(c["min_size"], c["max_size"]) if c["max_size"] - c["min_size"] > 1 else c["min_size"]
        s = tensor.Cast(s, dtype="f32") if _is_node(s) else float(s)
        short, long_ = _min(W, H), _maxv(W, H)
        new_long = _trunc(s * long_ / short)
        if _is_node(W) or _is_node(H):
            portrait = W <= H
            return _flow.Select(portrait, s, new_long), _flow.Select(portrait, new_long, s)
        return (s, new_long) if W <= H else (new_long, s)
