"""Pads: albumentations' Pad, PadIfNeeded and CropAndPad, torchvision's RandomZoomOut. Pixels by
image.crop_pad (a box reaching past the image's edges), masks with their own fill; boxes, points
and keypoints are translated (and scaled when CropAndPad resizes back)."""
from __future__ import annotations

import numbers

from ..ops import math as _math
from ..ops import random
from ..ops import flow as _flow
from ._common import _is_node, _is_number, _pair, _size_f32, _static_hw
from ._reframe import ReframeAugmentation, border_name, fill_value, interpolation_name

#: torchvision's padding_mode names -> ours (its reflect does not repeat the edge pixel)
_PADDING_MODES = {"constant": "constant", "edge": "replicate", "reflect": "reflect_101", "symmetric": "reflect"}
_POSITIONS = ("center", "top_left", "top_right", "bottom_left", "bottom_right", "random")


def _int(v, what):
    if not (isinstance(v, numbers.Integral) and not isinstance(v, bool)):
        raise ValueError(f"{what} must be an int, not {v!r}")
    return int(v)


def _floor(x):
    return float(int(x // 1)) if not _is_node(x) else _math.Floor(x)


def _relu(x):
    return max(x, 0.0) if not _is_node(x) else _math.Maximum(x, 0.0)


def _pad_config(border_mode, fill, fill_mask):
    return dict(border=border_name(border_mode), fill=fill_value(fill, "fill"), fill_mask=fill_value(fill_mask, "fill_mask"))


class Pad(ReframeAugmentation):
    """Pads the image (albumentations' Pad): ``padding`` p (every side), (px, py) (left/right
    px, top/bottom py) or (left, top, right, bottom) pixels. ``border_mode``: a cv2 border flag
    (BORDER_CONSTANT 0 with ``fill``, BORDER_REPLICATE 1, BORDER_REFLECT 2, BORDER_WRAP 3,
    BORDER_REFLECT_101 4, served by reflect with the edge pixel repeated) or one of our border
    names. Masks are padded with ``fill_mask``. Boxes, points and keypoints move by (left, top)
    (albumentations also adds mirrored copies of the boxes and keypoints for the reflecting
    modes; we do not). The output size is known when the input's is.

    torchvision's Pad(padding, fill, padding_mode) is the same padding: ``padding_mode``
    "constant", "edge", "reflect" (the edge pixel not repeated: cv2's BORDER_REFLECT_101) or
    "symmetric" (repeated: BORDER_REFLECT) replaces ``border_mode``. torchvision also pads masks
    with a number ``fill``; here masks take ``fill_mask`` (pass fill_mask=fill for that)."""

    references = {"albumentations": "Pad", "torchvision": "Pad"}
    differences = {"albumentations": "reflecting borders do not add mirrored copies of boxes and keypoints"}
    default_p = 1.0
    resizes = False
    random_plan = False

    @staticmethod
    def configure(padding=0, fill=0, fill_mask=0, border_mode=0, padding_mode=None):
        if isinstance(padding, numbers.Integral) and not isinstance(padding, bool):
            sides = (int(padding),) * 4
        elif isinstance(padding, (list, tuple)) and len(padding) == 2:
            sides = (_int(padding[0], "padding"), _int(padding[1], "padding")) * 2
        elif isinstance(padding, (list, tuple)) and len(padding) == 4:
            sides = tuple(_int(v, "padding") for v in padding)
        else:
            raise ValueError(f"padding must be an int, (px, py) or (left, top, right, bottom), not {padding!r}")
        if any(v < 0 for v in sides):
            raise ValueError(f"padding must not be negative, not {padding!r}")
        if padding_mode is not None:
            if padding_mode not in _PADDING_MODES:
                raise ValueError(f"padding_mode must be one of {', '.join(_PADDING_MODES)}, not {padding_mode!r}")
            border_mode = _PADDING_MODES[padding_mode]
        return dict(padding=sides, **_pad_config(border_mode, fill, fill_mask))

    def plan(self, ref):
        W, H = _size_f32(ref)
        left, top, right, bottom = (float(v) for v in self.config["padding"])
        return -left, -top, W + right, H + bottom, W + left + right, H + top + bottom

    def static_size(self, ref):
        s = _static_hw(ref)
        if s is None:
            return None
        left, top, right, bottom = self.config["padding"]
        return s[0] + left + right, s[1] + top + bottom


class PadIfNeeded(Pad):
    """Pads to at least ``min_height`` x ``min_width`` (albumentations' PadIfNeeded), or to a
    multiple of ``pad_height_divisor`` / ``pad_width_divisor`` (give a divisor with the min_* of
    that axis None). The missing rows go int(missing / 2) above and the rest below (same for
    columns); ``position`` top_left, top_right, bottom_left, bottom_right puts all of them on one
    side, "random" splits them at a uniform integer in [0, missing]. Borders and fills as Pad.
    The output size is known when the input's is."""

    references = {"albumentations": "PadIfNeeded"}
    differences = {"albumentations": "reflecting borders do not add mirrored copies of boxes and keypoints"}

    @staticmethod
    def configure(min_height=1024, min_width=1024, pad_height_divisor=None, pad_width_divisor=None,
                  position="center", border_mode=0, fill=0, fill_mask=0):
        for a, b, axis in ((min_height, pad_height_divisor, "height"), (min_width, pad_width_divisor, "width")):
            if (a is None) == (b is None):
                raise ValueError(f"give exactly one of min_{axis} and pad_{axis}_divisor")
            if a is not None and _int(a, f"min_{axis}") < 1:
                raise ValueError(f"min_{axis} must be >= 1, not {a!r}")
            if b is not None and _int(b, f"pad_{axis}_divisor") < 1:
                raise ValueError(f"pad_{axis}_divisor must be >= 1, not {b!r}")
        if position not in _POSITIONS:
            raise ValueError(f"position must be one of {', '.join(_POSITIONS)}, not {position!r}")
        return dict(min_height=min_height, min_width=min_width, pad_height_divisor=pad_height_divisor,
                    pad_width_divisor=pad_width_divisor, position=position,
                    **_pad_config(border_mode, fill, fill_mask))

    @property
    def random_plan(self):
        return self.config["position"] == "random"

    @staticmethod
    def _missing(size, minimum, divisor):
        """The rows (or columns) to add: up to the minimum, or up to the next multiple."""
        if minimum is not None:
            return _relu(minimum - size)
        if not _is_node(size):
            return float((divisor - size % divisor) % divisor)
        return (divisor - size % divisor) % divisor

    def _totals(self, W, H):
        c = self.config
        return (self._missing(W, c["min_width"], c["pad_width_divisor"]),
                self._missing(H, c["min_height"], c["pad_height_divisor"]))

    def plan(self, ref):
        W, H = _size_f32(ref)
        tw, th = self._totals(W, H)
        position = self.config["position"]
        if position == "center":
            left, top = _floor(tw / 2), _floor(th / 2)
        elif position == "random":
            u = random.Uniform(0.0, 1.0, shape=[2])
            left = _math.Floor(_flow_scalar(u, 0) * (tw + 1))
            top = _math.Floor(_flow_scalar(u, 1) * (th + 1))
        else:
            left = tw if position.endswith("right") else 0.0
            top = th if position.startswith("bottom") else 0.0
        return -left, -top, W + tw - left, H + th - top, W + tw, H + th

    def static_size(self, ref):
        s = _static_hw(ref)
        if s is None:
            return None
        tw, th = self._totals(float(s[0]), float(s[1]))
        return int(s[0] + tw), int(s[1] + th)


def _flow_scalar(v, i):
    from ._common import _scalar
    return _scalar(v, i)


class CropAndPad(ReframeAugmentation):
    """Crops (negative amounts) or pads (positive amounts) each side (albumentations'
    CropAndPad), then, with ``keep_size`` (default), resizes back to the input's size.

    ``px`` (pixels) or ``percent`` (fractions of the height for top/bottom, of the width for
    left/right, truncated toward zero), one of them: a number (every side); a pair (a, b): a
    range, drawn per side when ``sample_independently`` else once for all sides (px: an integer
    in [a, b), Python's randrange; percent: uniform); four values in the order (top, right,
    bottom, left), each a number, a (min, max) range or a list to choose from. Padding follows
    ``border_mode`` / ``fill`` / ``fill_mask`` as Pad; the resize ``interpolation`` /
    ``mask_interpolation`` as Resize. Boxes, points and keypoints move with the pixels.
    A crop that would leave less than one pixel is reduced to leave one (albumentations splits
    the regained pixels between the two sides; ours takes them from the far side).

    Without keep_size the output size varies per sample."""

    references = {"albumentations": "CropAndPad"}
    differences = {"albumentations": "reflecting borders do not add mirrored copies of boxes and keypoints"}
    default_p = 1.0

    @staticmethod
    def configure(px=None, percent=None, keep_size=True, sample_independently=True, interpolation=1,
                  mask_interpolation=0, border_mode=0, fill=0, fill_mask=0):
        if (px is None) == (percent is None):
            raise ValueError("give exactly one of px and percent")
        is_px = px is not None
        value = px if is_px else percent
        ok = (lambda v: isinstance(v, numbers.Integral) and not isinstance(v, bool)) if is_px else _is_number
        what = "px" if is_px else "percent"

        def side(v):
            if ok(v):
                return ("fixed", float(v))
            if isinstance(v, tuple) and len(v) == 2 and all(ok(x) for x in v):
                if v[0] > v[1] or (is_px and v[0] == v[1]):
                    raise ValueError(f"{what}: the range {v!r} is empty")
                return ("range", (float(v[0]), float(v[1])))
            if isinstance(v, list) and v and all(ok(x) for x in v):
                return ("choice", tuple(float(x) for x in v))
            raise ValueError(f"{what}: each side must be a number, a (min, max) tuple or a list, not {v!r}")

        if ok(value):
            sides = (("fixed", float(value)),) * 4
            shared = None
        elif isinstance(value, (list, tuple)) and len(value) == 2 and all(ok(v) for v in value):
            rng = side(tuple(value))
            sides = (rng,) * 4
            shared = None if sample_independently else rng
        elif isinstance(value, (list, tuple)) and len(value) == 4:
            sides = tuple(side(v) for v in value)
            shared = None
        else:
            raise ValueError(f"{what} must be a number, a (min, max) range or 4 values (top, right, bottom, left), "
                             f"not {value!r}")
        return dict(percent=not is_px, sides=sides, shared=shared, keep_size=bool(keep_size),
                    interpolation=interpolation_name(interpolation),
                    mask_interpolation=interpolation_name(mask_interpolation, "mask_interpolation"),
                    **_pad_config(border_mode, fill, fill_mask))

    @property
    def resizes(self):
        return self.config["keep_size"]

    @property
    def random_plan(self):
        return any(kind != "fixed" for kind, _ in self.config["sides"])

    def _draw(self, spec, label):
        kind, v = spec
        if kind == "fixed":
            return v
        if kind == "range":
            lo, hi = v
            if self.config["percent"]:
                return random.Uniform(lo, hi, label=label)
            return _math.Floor(random.Uniform(0.0, 1.0, label=label) * (hi - lo)) + lo
        index = random.Integer(0, len(v), label=label)
        out = v[-1]
        for k in reversed(range(len(v) - 1)):
            out = _flow.Select(_math.Equal(index, k), v[k], out)
        return out

    def plan(self, ref):
        c = self.config
        W, H = _size_f32(ref)
        if c["shared"] is not None:
            one = self._draw(c["shared"], "side")
            amounts = [one] * 4
        else:
            amounts = [self._draw(s, name) for s, name in zip(c["sides"], ("top", "right", "bottom", "left"))]
        if c["percent"]:
            # int() of a fraction of the side: truncated toward zero
            amounts = [_trunc0(a * (H if k % 2 == 0 else W)) for k, a in enumerate(amounts)]
        top, right, bottom, left = amounts
        x1, y1 = -left, -top
        x2, y2 = W + right, H + bottom
        # keep at least one pixel: shrink the far-side crop first
        x2 = _maxv(x2, x1 + 1.0)
        y2 = _maxv(y2, y1 + 1.0)
        x1 = _minv(x1, W - 1.0)
        y1 = _minv(y1, H - 1.0)
        x2 = _maxv(x2, x1 + 1.0)
        y2 = _maxv(y2, y1 + 1.0)
        if c["keep_size"]:
            return x1, y1, x2, y2, W, H
        return x1, y1, x2, y2, x2 - x1, y2 - y1

    def static_size(self, ref):
        s = _static_hw(ref)
        if s is None:
            return None
        if self.config["keep_size"]:
            return s
        if self.random_plan:
            return None
        x1, y1, x2, y2, w, h = self.plan(ref)
        return int(w), int(h)


def _trunc0(x):
    if not _is_node(x):
        return float(int(x))
    return _flow.Select(x < 0, _math.Ceil(x), _math.Floor(x))


def _maxv(a, b):
    return max(a, b) if not _is_node(a) and not _is_node(b) else _math.Maximum(a, b)


def _minv(a, b):
    return min(a, b) if not _is_node(a) and not _is_node(b) else _math.Minimum(a, b)


class RandomZoomOut(ReframeAugmentation):
    """torchvision's RandomZoomOut (SSD's zoom out): r ~ uniform(side_range); the image is placed
    in a canvas of int(W r) x int(H r) filled with ``fill`` (a number: images and masks alike,
    as torchvision; or a dict {"image": v, "mask": v}), at left = int((canvas_w - W) u0),
    top = int((canvas_h - H) u1) with u0, u1 ~ uniform(0, 1). Boxes, points and keypoints move
    by (left, top). Default p = 0.5 (torchvision's). The output size varies per sample."""

    references = {"torchvision": "RandomZoomOut"}
    default_p = 0.5
    resizes = False

    @staticmethod
    def configure(fill=0, side_range=(1.0, 4.0)):
        if isinstance(fill, dict):
            image_fill = fill_value(fill.get("image", 0), "fill")
            mask_fill = fill_value(fill.get("mask", 0), "fill")
        else:
            image_fill = mask_fill = fill_value(fill, "fill")
        lo, hi = _pair(side_range, "side_range")
        if lo < 1.0:
            raise ValueError(f"side_range must start at 1 or more, not {side_range!r}")
        return dict(fill=image_fill, fill_mask=mask_fill, side_range=(lo, hi), border="constant")

    def plan(self, ref):
        W, H = _size_f32(ref)
        lo, hi = self.config["side_range"]
        r = random.Uniform(lo, hi) if lo < hi else lo
        cw, ch = _math.Floor(W * r), _math.Floor(H * r)
        u = random.Uniform(0.0, 1.0, shape=[2])
        left = _math.Floor((cw - W) * _flow_scalar(u, 0))
        top = _math.Floor((ch - H) * _flow_scalar(u, 1))
        return -left, -top, cw - left, ch - top, cw, ch
