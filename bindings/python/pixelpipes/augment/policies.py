"""torchvision's automatic augmentation policies: RandAugment, TrivialAugmentWide, AutoAugment and
AugMix, with torchvision v2's operation lists, magnitude bins, signs and per-operation semantics.

Every policy is a sequence of *stages*. A stage draws, per sample, an operation index, a magnitude
bin and a sign, and is one flow Choice over the operations: only the chosen one runs. Each
operation's parameter for every (bin, sign) is computed at compile time into a small table (with
torchvision's float32 ``linspace`` bins), and the stage looks it up. The geometric operations
(shears, translations, rotations) also give the stage a 3 x 3 matrix, so masks, boxes, points and
keypoints move with the image (torchvision refuses them; AugMix, which blends differently warped
copies, refuses them too).
"""
from __future__ import annotations

import math as _pymath
import numbers
from typing import Dict, List, Optional

import numpy as np

from ..flow import Choice, Conditional
from ..node import Constant
from ..ops import color, filter as _filter, geometry, image, random, tensor
from ..ops import math as _math
from ._common import _is_node, _move_annotations, _scalar, _size_f32, _size_int, _sub
from ._reframe import MASK_KINDS, MOVED_KINDS, fill_value, interpolation_name
from .base import Augmentation

# -- torchvision's magnitude bins ------------------------------------------------------------------

def linspace_f32(start: float, end: float, steps: int) -> np.ndarray:
    """torch.linspace(start, end, steps) in float32, value for value: torch's CPU kernel computes
    start + step * i for the first half and end - step * (steps - 1 - i) for the second, with a
    float32 step and a fused multiply-add (one rounding)."""
    a, b = np.float32(start), np.float32(end)
    if steps == 1:
        return np.array([a], np.float32)
    step = np.float32((b - a) / np.float32(steps - 1))
    i = np.arange(steps)
    first = np.float64(a) + np.float64(step) * i
    second = np.float64(b) - np.float64(step) * (steps - 1 - i)
    return np.where(i < steps // 2, first, second).astype(np.float32)


def posterize_bits(top: int, divisions: int, steps: int) -> np.ndarray:
    """torchvision's posterize bins: (top - arange(steps) / ((steps - 1) / divisions)).round(), in
    float32, rounding half to even."""
    if steps == 1:
        return np.array([top], np.int64)
    x = np.float32(top) - np.arange(steps).astype(np.float32) / np.float32((steps - 1) / divisions)
    return np.round(x.astype(np.float32)).astype(np.int64)


def _lin(a, b):
    return lambda n, w, h: linspace_f32(a, b, n)


def _posterize(top, divisions):
    return lambda n, w, h: posterize_bits(top, divisions, n)


def _translate(fraction, axis):
    """Translation bins: linspace(0, fraction * width (or height), n); None when the size is only
    known at run time (the stage then computes fraction * size * bin / (n - 1) in f32)."""
    def bins(n, w, h):
        size = w if axis == 0 else h
        if _is_node(size):
            return None
        return linspace_f32(0.0, fraction * size, n)
    bins.fraction, bins.axis = fraction, axis
    return bins


_NONE = None
#: operations whose magnitude is negated with probability 1/2
SIGNED = frozenset({"ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Brightness", "Color", "Contrast",
                    "Sharpness"})
GEOMETRIC = ("ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate")

#: torchvision's RandAugment._AUGMENTATION_SPACE, in its order (the order decides the op index)
RANDAUGMENT_SPACE = {
    "Identity": _NONE, "ShearX": _lin(0.0, 0.3), "ShearY": _lin(0.0, 0.3),
    "TranslateX": _translate(150.0 / 331.0, 0), "TranslateY": _translate(150.0 / 331.0, 1),
    "Rotate": _lin(0.0, 30.0), "Brightness": _lin(0.0, 0.9), "Color": _lin(0.0, 0.9), "Contrast": _lin(0.0, 0.9),
    "Sharpness": _lin(0.0, 0.9), "Posterize": _posterize(8, 4), "Solarize": _lin(1.0, 0.0),
    "AutoContrast": _NONE, "Equalize": _NONE,
}
#: TrivialAugmentWide._AUGMENTATION_SPACE
TRIVIAL_WIDE_SPACE = {
    "Identity": _NONE, "ShearX": _lin(0.0, 0.99), "ShearY": _lin(0.0, 0.99),
    "TranslateX": _lin(0.0, 32.0), "TranslateY": _lin(0.0, 32.0), "Rotate": _lin(0.0, 135.0),
    "Brightness": _lin(0.0, 0.99), "Color": _lin(0.0, 0.99), "Contrast": _lin(0.0, 0.99),
    "Sharpness": _lin(0.0, 0.99), "Posterize": _posterize(8, 6), "Solarize": _lin(1.0, 0.0),
    "AutoContrast": _NONE, "Equalize": _NONE,
}
#: AutoAugment._AUGMENTATION_SPACE (10 bins); "Identity" is ours: a sub-policy step not applied
AUTOAUGMENT_SPACE = {
    "Identity": _NONE,
    **{k: v for k, v in RANDAUGMENT_SPACE.items() if k != "Identity"},
    "Invert": _NONE,
}
#: AugMix._PARTIAL_AUGMENTATION_SPACE and _AUGMENTATION_SPACE (10 bins, index < severity);
#: "Identity" is ours: the steps past a chain's depth
AUGMIX_PARTIAL_SPACE = {
    "Identity": _NONE, "ShearX": _lin(0.0, 0.3), "ShearY": _lin(0.0, 0.3),
    "TranslateX": _translate(1.0 / 3.0, 0), "TranslateY": _translate(1.0 / 3.0, 1), "Rotate": _lin(0.0, 30.0),
    "Posterize": _posterize(4, 4), "Solarize": _lin(1.0, 0.0), "AutoContrast": _NONE, "Equalize": _NONE,
}
AUGMIX_SPACE = {
    **AUGMIX_PARTIAL_SPACE,
    "Brightness": _lin(0.0, 0.9), "Color": _lin(0.0, 0.9), "Contrast": _lin(0.0, 0.9), "Sharpness": _lin(0.0, 0.9),
}

#: torchvision's AutoAugment policies: 25 sub-policies of two (operation, probability, bin) steps
AUTOAUGMENT_POLICIES = {
    "imagenet": (
        (("Posterize", 0.4, 8), ("Rotate", 0.6, 9)), (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
        (("Equalize", 0.8, None), ("Equalize", 0.6, None)), (("Posterize", 0.6, 7), ("Posterize", 0.6, 6)),
        (("Equalize", 0.4, None), ("Solarize", 0.2, 4)), (("Equalize", 0.4, None), ("Rotate", 0.8, 8)),
        (("Solarize", 0.6, 3), ("Equalize", 0.6, None)), (("Posterize", 0.8, 5), ("Equalize", 1.0, None)),
        (("Rotate", 0.2, 3), ("Solarize", 0.6, 8)), (("Equalize", 0.6, None), ("Posterize", 0.4, 6)),
        (("Rotate", 0.8, 8), ("Color", 0.4, 0)), (("Rotate", 0.4, 9), ("Equalize", 0.6, None)),
        (("Equalize", 0.0, None), ("Equalize", 0.8, None)), (("Invert", 0.6, None), ("Equalize", 1.0, None)),
        (("Color", 0.6, 4), ("Contrast", 1.0, 8)), (("Rotate", 0.8, 8), ("Color", 1.0, 2)),
        (("Color", 0.8, 8), ("Solarize", 0.8, 7)), (("Sharpness", 0.4, 7), ("Invert", 0.6, None)),
        (("ShearX", 0.6, 5), ("Equalize", 1.0, None)), (("Color", 0.4, 0), ("Equalize", 0.6, None)),
        (("Equalize", 0.4, None), ("Solarize", 0.2, 4)), (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
        (("Invert", 0.6, None), ("Equalize", 1.0, None)), (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
        (("Equalize", 0.8, None), ("Equalize", 0.6, None)),
    ),
    "cifar10": (
        (("Invert", 0.1, None), ("Contrast", 0.2, 6)), (("Rotate", 0.7, 2), ("TranslateX", 0.3, 9)),
        (("Sharpness", 0.8, 1), ("Sharpness", 0.9, 3)), (("ShearY", 0.5, 8), ("TranslateY", 0.7, 9)),
        (("AutoContrast", 0.5, None), ("Equalize", 0.9, None)), (("ShearY", 0.2, 7), ("Posterize", 0.3, 7)),
        (("Color", 0.4, 3), ("Brightness", 0.6, 7)), (("Sharpness", 0.3, 9), ("Brightness", 0.7, 9)),
        (("Equalize", 0.6, None), ("Equalize", 0.5, None)), (("Contrast", 0.6, 7), ("Sharpness", 0.6, 5)),
        (("Color", 0.7, 7), ("TranslateX", 0.5, 8)), (("Equalize", 0.3, None), ("AutoContrast", 0.4, None)),
        (("TranslateY", 0.4, 3), ("Sharpness", 0.2, 6)), (("Brightness", 0.9, 6), ("Color", 0.2, 8)),
        (("Solarize", 0.5, 2), ("Invert", 0.0, None)), (("Equalize", 0.2, None), ("AutoContrast", 0.6, None)),
        (("Equalize", 0.2, None), ("Equalize", 0.6, None)), (("Color", 0.9, 9), ("Equalize", 0.6, None)),
        (("AutoContrast", 0.8, None), ("Solarize", 0.2, 8)), (("Brightness", 0.1, 3), ("Color", 0.7, 0)),
        (("Solarize", 0.4, 5), ("AutoContrast", 0.9, None)), (("TranslateY", 0.9, 9), ("TranslateY", 0.7, 9)),
        (("AutoContrast", 0.9, None), ("Solarize", 0.8, 3)), (("Equalize", 0.8, None), ("Invert", 0.1, None)),
        (("TranslateY", 0.7, 9), ("AutoContrast", 0.9, None)),
    ),
    "svhn": (
        (("ShearX", 0.9, 4), ("Invert", 0.2, None)), (("ShearY", 0.9, 8), ("Invert", 0.7, None)),
        (("Equalize", 0.6, None), ("Solarize", 0.6, 6)), (("Invert", 0.9, None), ("Equalize", 0.6, None)),
        (("Equalize", 0.6, None), ("Rotate", 0.9, 3)), (("ShearX", 0.9, 4), ("AutoContrast", 0.8, None)),
        (("ShearY", 0.9, 8), ("Invert", 0.4, None)), (("ShearY", 0.9, 5), ("Solarize", 0.2, 6)),
        (("Invert", 0.9, None), ("AutoContrast", 0.8, None)), (("Equalize", 0.6, None), ("Rotate", 0.9, 3)),
        (("ShearX", 0.9, 4), ("Solarize", 0.3, 3)), (("ShearY", 0.8, 8), ("Invert", 0.7, None)),
        (("Equalize", 0.9, None), ("TranslateY", 0.6, 6)), (("Invert", 0.9, None), ("Equalize", 0.6, None)),
        (("Contrast", 0.3, 3), ("Rotate", 0.8, 4)), (("Invert", 0.8, None), ("TranslateY", 0.0, 2)),
        (("ShearY", 0.7, 6), ("Solarize", 0.4, 8)), (("Invert", 0.6, None), ("Rotate", 0.8, 4)),
        (("ShearY", 0.3, 7), ("TranslateX", 0.9, 3)), (("ShearX", 0.1, 6), ("Invert", 0.6, None)),
        (("Solarize", 0.7, 2), ("TranslateY", 0.6, 7)), (("ShearY", 0.8, 4), ("Invert", 0.8, None)),
        (("ShearX", 0.7, 9), ("TranslateY", 0.8, 3)), (("ShearY", 0.8, 5), ("AutoContrast", 0.7, None)),
        (("ShearX", 0.7, 2), ("Invert", 0.1, None)),
    ),
}


def _policy_name(policy) -> str:
    """torchvision's AutoAugmentPolicy (an enum whose value is "imagenet", ...) or its name."""
    value = getattr(policy, "value", policy)
    if not isinstance(value, str) or value.lower() not in AUTOAUGMENT_POLICIES:
        raise ValueError(f"policy must be one of {', '.join(AUTOAUGMENT_POLICIES)}, not {policy!r}")
    return value.lower()


# -- one stage: the operation's parameter table, its pixels and its matrix ---------------------

def _full_intensity(field) -> float:
    """torchvision's _max_value: 255 for u8, 65535 for u16, 1 for floats."""
    try:
        dtype = field.type.dtype
    except (RuntimeError, AttributeError):
        dtype = None
    if dtype is None:   # known only inside a macro; the policies take u8 images
        return 255.0
    return {"u8": 255.0, "u16": 65535.0}.get(dtype, 1.0)


def operation_parameters(name: str, magnitudes: np.ndarray, full: float = 255.0) -> np.ndarray:
    """What the operation is given for each (signed) magnitude, as torchvision computes it: shear
    factors (x' = x - m y), whole-pixel shifts (int(m)), counterclockwise degrees, color factors
    1 + m, sharpening amount m (factor 1 + m), posterize bits int(m), solarize thresholds
    full * m rounded to float32 (for integer images the smallest inverted value, its ceil)."""
    m = magnitudes.astype(np.float64)
    if name in ("ShearX", "ShearY"):
        return -np.tan(np.radians(np.degrees(np.arctan(m))))
    if name in ("TranslateX", "TranslateY"):
        return np.trunc(m)
    if name in ("Brightness", "Color", "Contrast"):
        return 1.0 + m
    if name == "Posterize":
        return np.trunc(m).astype(np.int64)
    if name == "Solarize":
        # torch compares the u8 image with the threshold in float32: round it there first
        t = (full * m).astype(np.float32).astype(np.float64)
        return np.ceil(t) if full > 1.0 else t
    return m   # Rotate (degrees), Sharpness (amount)


class _Stage:
    """The draws of one stage: op (i64 index into the space's names), and either a bin index and
    a sign (``bin`` a Python int or an i64 node, ``negative`` a bool node or None)."""

    __slots__ = ("op", "bin", "negative")

    def __init__(self, op, bin, negative):
        self.op, self.bin, self.negative = op, bin, negative


class _Space:
    """A policy's operations (names in torchvision's order) and their number of magnitude bins."""

    def __init__(self, space: Dict[str, object], num_bins: int):
        self.names = tuple(space)
        self.bins = space
        self.num_bins = num_bins

    def geometric(self) -> bool:
        return any(n in GEOMETRIC for n in self.names)

    def parameter(self, name: str, stage: _Stage, ref, full: float):
        """The operation's parameter for this stage's draws: a Python number or a 0-d node."""
        fn = self.bins[name]
        if fn is None:
            return None
        w, h = _size_f32(ref)
        values = fn(self.num_bins, w, h)
        if values is None:   # a translation of a size known only at run time
            size = w if fn.axis == 0 else h
            step = tensor.Cast(size, dtype="f32") * np.float32(fn.fraction) / float(self.num_bins - 1)
            b = stage.bin if _is_node(stage.bin) else float(stage.bin)
            m = _math.Floor(step * tensor.Cast(b, dtype="f32"))
            if stage.negative is not None and name in SIGNED:
                m = Conditional(stage.negative, _math.Negate(m), m)
            return m
        table = operation_parameters(name, values, full)
        signed = name in SIGNED and stage.negative is not None
        if signed:
            table = np.concatenate([table, operation_parameters(name, -values.astype(np.float64), full)])
        dtype = np.int64 if table.dtype.kind in "iu" else np.float64
        table = table.astype(dtype)
        if not _is_node(stage.bin) and not signed:
            return table[stage.bin].item()
        if not _is_node(stage.bin):
            return Conditional(stage.negative, Constant(table[stage.bin + self.num_bins]),
                               Constant(table[stage.bin]))
        index = stage.bin
        if signed:
            index = index + tensor.Cast(stage.negative, dtype="i64") * self.num_bins
        return _scalar(Constant(table), index)

    def matrix(self, name: str, stage: _Stage, ref):
        """The source -> destination matrix of a geometric operation (None for the others),
        with torchvision's centers: shears about the top-left corner (center=[0, 0]), rotations
        about the image center."""
        if name not in GEOMETRIC:
            return None
        p = self.parameter(name, stage, ref, 255.0)
        if name == "ShearX":
            return geometry.Shear(p, 0.0)
        if name == "ShearY":
            return geometry.Shear(0.0, p)
        if name == "TranslateX":
            return geometry.Translate(p, 0.0)
        if name == "TranslateY":
            return geometry.Translate(0.0, p)
        w, h = _size_f32(ref)
        return geometry.Rotate(p, w / 2, h / 2)   # counterclockwise, as torchvision's rotate

    def pixels(self, name: str, x, stage: _Stage, ref, c) -> object:
        """The image after operation ``name``."""
        if name == "Identity":
            return x
        if name in GEOMETRIC:
            w, h = _size_int(ref)
            return image.Warp(x, self.matrix(name, stage, ref), w, h, interpolation=c["interpolation"],
                              border="constant", border_value=c["fill"])
        p = self.parameter(name, stage, ref, _full_intensity(x))
        if name == "Brightness":
            return color.Brightness(x, p)
        if name == "Color":
            return color.Saturation(x, p)
        if name == "Contrast":
            return color.Contrast(x, p)
        if name == "Sharpness":
            return _filter.Sharpen(x, p)
        if name == "Posterize":
            return color.Posterize(x, p)
        if name == "Solarize":
            return color.Solarize(x, p)
        if name == "AutoContrast":
            return color.StretchContrast(x)
        if name == "Equalize":
            return color.Equalize(x)
        if name == "Invert":
            return color.Invert(x)
        raise ValueError(f"unknown operation {name!r}")

    def image(self, x, stage: _Stage, ref, c):
        return Choice(stage.op, *[self.pixels(n, x, stage, ref, c) for n in self.names])

    def mask(self, x, stage: _Stage, ref):
        """A mask through the stage: the geometric operations warp it (nearest, 0 outside)."""
        if not self.geometric():
            return x
        w, h = _size_int(ref)
        options = [image.Warp(x, self.matrix(n, stage, ref), w, h, interpolation="nearest", border="constant",
                              border_value=0.0) if n in GEOMETRIC else x for n in self.names]
        return Choice(stage.op, *options)

    def stage_matrix(self, stage: _Stage, ref):
        options = [self.matrix(n, stage, ref) if n in GEOMETRIC else geometry.Identity() for n in self.names]
        return Choice(stage.op, *options)


# -- argument checks ------------------------------------------------------------------------------

def _interpolation(value) -> str:
    name = interpolation_name(value, "interpolation", warp=True)
    return name


def _fill(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, dict):
        raise ValueError("fill: per-type dictionaries are not supported; give a number or equal per-channel values")
    return fill_value(value, "fill")


def _int(value, what: str, low: int, high: Optional[int] = None) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low \
            or (high is not None and value > high):
        bound = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(f"{what} must be an integer {bound}, not {value!r}")
    return int(value)


# -- the policies ---------------------------------------------------------------------------------

_BLEND_AND_EDGE = ("brightness, color, contrast and sharpness round where torchvision truncates (at most one level "
                   "apart); bilinear warps differ in the one-pixel band along the warped image's edge (torchvision "
                   "blends the fill there through its mask twice); fill takes one value for every channel")

class _Policy(Augmentation):
    """Shared by the policies: ``stages(ref, label)`` draws the stages; every image field runs
    them (one Choice per stage), masks and instance masks follow the geometric ones (nearest),
    boxes, points, keypoints and polygons move by the product of the stage matrices."""

    kinds = MOVED_KINDS
    needs_types = True

    @classmethod
    def space(cls, config) -> _Space:
        raise NotImplementedError

    @classmethod
    def stages(cls, config, label) -> List[_Stage]:
        raise NotImplementedError

    @classmethod
    def _params(cls, res, ref, config, label):
        out = []
        for s in cls.stages(config, label):
            out += [s.op, s.bin if _is_node(s.bin) else Constant(np.int64(s.bin)),
                    s.negative if s.negative is not None else Constant(False)]
        return tuple(out)

    def _unpack(self, params) -> List[_Stage]:
        stages = []
        for k in range(0, len(params), 3):
            op, b, neg = params[k:k + 3]
            stages.append(_Stage(op, b, neg))
        return stages

    def apply(self, kind, field, ref, *params):
        space, stages, c = self.space(self.config), self._unpack(params), self.config
        if kind == "image":
            for s in stages:
                field = space.image(field, s, ref, c)
            return field
        if kind in MASK_KINDS:
            for s in stages:
                field = space.mask(field, s, ref)
            return field
        if not space.geometric():
            return field
        w, h = _size_int(ref)
        matrix = geometry.Chain(*[space.stage_matrix(s, ref) for s in stages])
        return _move_annotations(kind, field, matrix, w, h, c.get("clip_boxes", True))


def _sign(label, part):
    # torchvision negates when torch.rand(()) <= 0.5: probability 1/2
    return random.Bernoulli(0.5, label=_sub(label, part))


class RandAugment(_Policy):
    """torchvision's RandAugment: ``num_ops`` operations in a row, each chosen uniformly among
    torchvision's 14 (Identity, ShearX, ShearY, TranslateX, TranslateY, Rotate, Brightness,
    Color, Contrast, Sharpness, Posterize, Solarize, AutoContrast, Equalize), all at bin
    ``magnitude`` of ``num_magnitude_bins`` (torchvision's bins: shear linspace(0, 0.3),
    translation linspace(0, 150/331 of the width/height) truncated to whole pixels, rotation
    linspace(0, 30) degrees, color and sharpness factors 1 + linspace(0, 0.9), posterize bits
    round(8 - 4 i / (n - 1)), solarize threshold linspace(1, 0) of full intensity); the signed
    ones (geometry, brightness, color, contrast, sharpness) are negated with probability 1/2.
    ``interpolation`` (default nearest) and ``fill`` (default 0) are the warps'. Each operation
    is one branch of a per-sample choice: only the chosen one runs. Masks, boxes, points and
    keypoints follow the geometric operations."""

    references = {"torchvision": "RandAugment"}
    differences = {"torchvision": _BLEND_AND_EDGE + "; masks, boxes, points and keypoints move with the geometric "
                                                   "operations (torchvision refuses them)"}

    @staticmethod
    def configure(num_ops: int = 2, magnitude: int = 9, num_magnitude_bins: int = 31, interpolation="nearest",
                  fill=None):
        num_ops = _int(num_ops, "num_ops", 0)
        num_magnitude_bins = _int(num_magnitude_bins, "num_magnitude_bins", 2)
        magnitude = _int(magnitude, "magnitude", 0, num_magnitude_bins - 1)
        return dict(num_ops=num_ops, magnitude=magnitude, num_magnitude_bins=num_magnitude_bins,
                    interpolation=_interpolation(interpolation), fill=_fill(fill))

    @classmethod
    def space(cls, config):
        return _Space(RANDAUGMENT_SPACE, config["num_magnitude_bins"])

    @classmethod
    def stages(cls, config, label):
        n = len(RANDAUGMENT_SPACE)
        return [_Stage(random.Integer(0, n, label=_sub(label, f"op{k}")), config["magnitude"], _sign(label, f"sign{k}"))
                for k in range(config["num_ops"])]


class TrivialAugmentWide(_Policy):
    """torchvision's TrivialAugmentWide: one operation chosen uniformly among RandAugment's 14,
    at a bin drawn uniformly in [0, ``num_magnitude_bins``), with the wide ranges: shear
    linspace(0, 0.99), translation linspace(0, 32) pixels, rotation linspace(0, 135) degrees,
    color and sharpness 1 + linspace(0, 0.99), posterize bits round(8 - 6 i / (n - 1)),
    solarize linspace(1, 0); signed ones negated with probability 1/2."""

    references = {"torchvision": "TrivialAugmentWide"}
    differences = {"torchvision": _BLEND_AND_EDGE + "; masks, boxes, points and keypoints move with the geometric "
                                                   "operations (torchvision refuses them)"}

    @staticmethod
    def configure(num_magnitude_bins: int = 31, interpolation="nearest", fill=None):
        return dict(num_magnitude_bins=_int(num_magnitude_bins, "num_magnitude_bins", 2),
                    interpolation=_interpolation(interpolation), fill=_fill(fill))

    @classmethod
    def space(cls, config):
        return _Space(TRIVIAL_WIDE_SPACE, config["num_magnitude_bins"])

    @classmethod
    def stages(cls, config, label):
        n = len(TRIVIAL_WIDE_SPACE)
        return [_Stage(random.Integer(0, n, label=_sub(label, "op")),
                       random.Integer(0, config["num_magnitude_bins"], label=_sub(label, "bin")), _sign(label, "sign"))]


class AutoAugment(_Policy):
    """torchvision's AutoAugment: one of the ``policy``'s 25 sub-policies, chosen uniformly; each
    of its two steps (operation, probability, bin of 10) applies with its probability, the signed
    operations negated with probability 1/2. ``policy``: "imagenet" (default), "cifar10" or
    "svhn" (or torchvision's AutoAugmentPolicy). Operations: RandAugment's (10 bins) plus Invert."""

    references = {"torchvision": "AutoAugment"}
    differences = {"torchvision": _BLEND_AND_EDGE + "; masks, boxes, points and keypoints move with the geometric "
                                                   "operations (torchvision refuses them)"}

    @staticmethod
    def configure(policy="imagenet", interpolation="nearest", fill=None):
        return dict(policy=_policy_name(policy), interpolation=_interpolation(interpolation), fill=_fill(fill))

    @classmethod
    def space(cls, config):
        return _Space(AUTOAUGMENT_SPACE, 10)

    @classmethod
    def stages(cls, config, label):
        policies = AUTOAUGMENT_POLICIES[config["policy"]]
        names = list(AUTOAUGMENT_SPACE)
        chosen = random.Integer(0, len(policies), label=_sub(label, "policy"))
        stages = []
        for k in range(2):
            ops = np.array([names.index(p[k][0]) for p in policies], np.int64)
            probs = np.array([p[k][1] for p in policies], np.float64)
            bins = np.array([p[k][2] or 0 for p in policies], np.int64)
            u = random.Uniform(0.0, 1.0, label=_sub(label, f"apply{k}"))
            applied = _math.LessEqual(u, _scalar(Constant(probs), chosen))   # torch.rand(()) <= probability
            op = Conditional(applied, _scalar(Constant(ops), chosen), Constant(np.int64(0)))
            stages.append(_Stage(op, _scalar(Constant(bins), chosen), _sign(label, f"sign{k}")))
        return stages


class AugMix(Augmentation):
    """torchvision's AugMix: ``mixture_width`` chains of ``chain_depth`` operations (a depth drawn
    uniformly in {1, 2, 3} per chain when ``chain_depth`` <= 0), each operation chosen uniformly
    among torchvision's AugMix list (ShearX, ShearY, TranslateX, TranslateY, Rotate, Posterize,
    Solarize, AutoContrast, Equalize, and with ``all_ops`` Brightness, Color, Contrast,
    Sharpness) at a bin drawn uniformly in [0, ``severity``) of 10 (translations up to a third
    of the size, posterize bits round(4 - 4 i / 9)); signed ones negated with probability 1/2.
    The result is m0 x + m1 sum_i w_i chain_i(x) in f32, truncated to the dtype as torch's
    .to(uint8) does, with (m0, m1) ~ Dirichlet(alpha, alpha) and w ~ Dirichlet(alpha, ...,
    alpha) (each a set of Gamma(alpha) draws over their sum). ``interpolation`` defaults to
    bilinear, as torchvision's. Images only: like torchvision, it refuses masks, boxes, points
    and keypoints (the chains warp differently)."""

    references = {"torchvision": "AugMix"}
    differences = {"torchvision": _BLEND_AND_EDGE + "; the weights are PixelPipes' own Gamma draws (same distribution)"}
    kinds = ("image",)

    @staticmethod
    def configure(severity: int = 3, mixture_width: int = 3, chain_depth: int = -1, alpha: float = 1.0,
                  all_ops: bool = True, interpolation="bilinear", fill=None):
        severity = _int(severity, "severity", 1, 10)
        mixture_width = _int(mixture_width, "mixture_width", 1)
        if not isinstance(chain_depth, numbers.Integral) or isinstance(chain_depth, bool):
            raise ValueError(f"chain_depth must be an integer, not {chain_depth!r}")
        if not (isinstance(alpha, numbers.Real) and not isinstance(alpha, bool) and alpha > 0
                and _pymath.isfinite(alpha)):
            raise ValueError(f"alpha must be a positive number, not {alpha!r}")
        return dict(severity=severity, mixture_width=mixture_width, chain_depth=int(chain_depth),
                    alpha=float(alpha), all_ops=bool(all_ops), interpolation=_interpolation(interpolation),
                    fill=_fill(fill))

    @classmethod
    def space(cls, config):
        return _Space(AUGMIX_SPACE if config["all_ops"] else AUGMIX_PARTIAL_SPACE, 10)

    @classmethod
    def _params(cls, res, ref, config, label):
        if res is not None:
            moved = [n for n, k in res.kinds.items() if k in MOVED_KINDS and k != "image"]
            if moved:
                raise ValueError(f"AugMix mixes differently warped copies of the image, so {moved} cannot follow "
                                 f"(torchvision refuses them too); apply it to the image field alone")
        space = cls.space(config)
        n_ops = len(space.names) - 1   # "Identity" (index 0) is not drawn
        width, depth = config["mixture_width"], config["chain_depth"]
        steps = depth if depth > 0 else 3
        a = config["alpha"]
        # (m0, m1) ~ Dirichlet(alpha, alpha); w ~ Dirichlet(alpha * ones(width)), scaled by m1
        g = random.Gamma(a, 1.0, shape=[2], label=_sub(label, "m"))
        gw = random.Gamma(a, 1.0, shape=[width], label=_sub(label, "w"))
        m0 = _scalar(g, 0) / (_scalar(g, 0) + _scalar(g, 1))
        m1 = _scalar(g, 1) / (_scalar(g, 0) + _scalar(g, 1))
        total = _scalar(gw, 0)
        for i in range(1, width):
            total = total + _scalar(gw, i)
        params = [m0] + [_scalar(gw, i) / total * m1 for i in range(width)]
        for i in range(width):
            drawn_depth = None if depth > 0 else random.Integer(1, 4, label=_sub(label, f"depth{i}"))
            for k in range(steps):
                op = random.Integer(1, n_ops + 1, label=_sub(label, f"op{i}.{k}"))
                if drawn_depth is not None and k > 0:   # steps past the chain's depth do nothing
                    op = Conditional(_math.Greater(drawn_depth, k), op, Constant(np.int64(0)))
                params += [op, random.Integer(0, config["severity"], label=_sub(label, f"bin{i}.{k}")),
                           _sign(label, f"sign{i}.{k}")]
        return tuple(params)

    def apply(self, kind, field, ref, *params):
        c = self.config
        space = self.space(c)
        width = c["mixture_width"]
        weights, draws = params[:width + 1], params[width + 1:]
        steps = len(draws) // (3 * width)
        # torch: mix = m0 * x (f32); mix += w_i * chain_i(x), in order; .to(dtype) truncates
        mix = _math.Multiply(tensor.Cast(field, dtype="f32"), tensor.Cast(weights[0], dtype="f32"))
        for i in range(width):
            x = field
            for k in range(steps):
                op, b, neg = draws[3 * (i * steps + k):3 * (i * steps + k) + 3]
                x = space.image(x, _Stage(op, b, neg), ref, c)
            mix = _math.Add(mix, _math.Multiply(tensor.Cast(x, dtype="f32"), tensor.Cast(weights[i + 1], dtype="f32")))
        try:
            dtype = field.type.dtype
        except (RuntimeError, AttributeError):
            dtype = "u8"
        return mix if dtype == "f32" else tensor.Cast(mix, dtype=dtype)
