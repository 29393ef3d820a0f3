"""Augmentation macros: the torchvision-style recipes, on an image or on a whole Resource.

Every class here is a :class:`pixelpipes.Macro`. Call it on an image node to get the augmented
image node, or on a :class:`pixelpipes.resource.Resource` to get a new Resource in which every
field of a kind the augmentation cares about is changed by the SAME random draw (one matrix for
the image, its mask, boxes, points and polygons; one set of color factors for every image
field), and every other field passes through::

    from pixelpipes import augment, resource
    r = resource.Resource(image=img, mask=seg, boxes=boxes, label=cls)
    r = augment.RandomResizedCrop(r, 224)
    r = augment.RandomHorizontalFlip(r)
    r = augment.ColorJitter(r, brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)
    r = augment.Normalize(r, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))
    r.output()

Parameters are drawn with the pipeline's random ops, inside the macros, so a sample is a pure
function of (seed, sample index) and nothing runs in Python per sample. The random streams are
keyed by the macro node (its parameters, inputs, label and the line that created it), so adding
other nodes does not change them. Sizes follow torchvision: an int is a square, a pair is
``(height, width)``. See docs/augment.md.
"""
from __future__ import annotations

import inspect
import math as _pymath
import numbers
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from . import registry as _registry
from .flow import Choice, Conditional
from .macro import Macro
from .node import Constant, Node, as_node
from .ops import color, geometry, image, random, tensor
from .ops import flow as _flow
from .ops import math as _math
from .resource import SPATIAL_KINDS, Resource
from .source import user_location

# The choices the ops publish in the registry (one list, in C++): warps take these interpolations
# and borders, resizing also "area".
INTERPOLATIONS = _registry.schema("image.warp").attribute("interpolation").choices
RESIZE_INTERPOLATIONS = _registry.schema("image.resize").attribute("interpolation").choices
BORDERS = _registry.schema("image.warp").attribute("border").choices
_BORDER_ALIASES = {"edge": "replicate", "symmetric": "reflect"}


# -- small helpers -------------------------------------------------------------------------------

def _sub(label: Optional[str], part: str) -> Optional[str]:
    return f"{label}.{part}" if label else None


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _is_node(x) -> bool:
    return isinstance(x, Node)


def _scalar(v: Node, i: int) -> Node:
    """Element i of a 1-D tensor, as a 0-d tensor."""
    return tensor.Reshape(tensor.Slice(v, i, i + 1), shape=[])


def _max(a, b):
    if not _is_node(a) and not _is_node(b):
        return max(a, b)
    return _math.Maximum(a, b)


def _floor(x):
    return float(_pymath.floor(x)) if not _is_node(x) else _math.Floor(x)


def _uniform(lo, hi, label: Optional[str] = None):
    """A uniform draw in [lo, hi); a constant when the range is a single number."""
    if not _is_node(lo) and not _is_node(hi) and float(lo) == float(hi):
        return float(lo)
    return random.Uniform(lo, hi, label=label)


def _static_hw(node: Node) -> Optional[Tuple[int, int]]:
    """(width, height) of an image when its type knows them."""
    try:
        t = node.type
    except RuntimeError:
        return None
    if t.kind == "tensor" and t.shape is not None and len(t.shape) >= 2 \
            and t.shape[0] is not None and t.shape[1] is not None:
        return int(t.shape[1]), int(t.shape[0])
    return None


def _size_int(ref: Node):
    """(width, height) of ``ref``: Python ints when known at compile time, else i64 nodes."""
    s = _static_hw(ref)
    if s is not None:
        return s
    return image.Width(ref), image.Height(ref)


def _size_f32(ref: Node):
    """(width, height) of ``ref``: Python floats when known at compile time, else f32 nodes."""
    s = _static_hw(ref)
    if s is not None:
        return float(s[0]), float(s[1])
    return tensor.Cast(image.Width(ref), dtype="f32"), tensor.Cast(image.Height(ref), dtype="f32")


def _size_hw(size, what: str = "size") -> Tuple[int, int]:
    """torchvision's size argument: an int (square) or (height, width)."""
    if isinstance(size, numbers.Integral) and not isinstance(size, bool):
        size = (int(size), int(size))
    elif isinstance(size, (list, tuple)) and len(size) == 1:
        size = (int(size[0]), int(size[0]))
    elif isinstance(size, (list, tuple)) and len(size) == 2:
        size = (int(size[0]), int(size[1]))
    else:
        raise ValueError(f"{what} must be an int or a (height, width) pair, not {size!r}")
    if size[0] < 1 or size[1] < 1:
        raise ValueError(f"{what} must be positive, not {size!r}")
    return size


def _pair(value, what: str, *, center: Optional[float] = None, low: Optional[float] = None,
          high: Optional[float] = None) -> Optional[Tuple[float, float]]:
    """A (min, max) range: a number v means (center - v, center + v) (clamped at ``low``);
    a pair is taken as is. None stays None."""
    if value is None:
        return None
    if _is_number(value):
        if value < 0:
            raise ValueError(f"{what}: a single number must not be negative, not {value!r}")
        if center is None:
            raise ValueError(f"{what} must be a (min, max) pair, not {value!r}")
        lo, hi = center - float(value), center + float(value)
        if low is not None:
            lo = max(lo, low)
    elif isinstance(value, (list, tuple)) and len(value) == 2 and all(_is_number(v) for v in value):
        lo, hi = float(value[0]), float(value[1])
    else:
        raise ValueError(f"{what} must be a number or a (min, max) pair, not {value!r}")
    if lo > hi:
        raise ValueError(f"{what}: the range {value!r} has min > max")
    if (low is not None and lo < low) or (high is not None and hi > high):
        raise ValueError(f"{what}: {value!r} must lie within [{low}, {high}]")
    return lo, hi


def _choice(value: str, choices: Sequence[str], what: str) -> str:
    value = _BORDER_ALIASES.get(value, value) if what == "border" else value
    if value not in choices:
        raise ValueError(f"{what} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _move_annotations(kind: str, field: Node, matrix: Node, w, h, clip: bool) -> Node:
    if kind == "points":
        return geometry.TransformPoints(field, matrix)
    if kind == "polygons":
        return geometry.TransformPolygon(field, matrix)
    if kind == "boxes":
        boxes = geometry.TransformBoxes(field, matrix)
        return geometry.ClipBoxes(boxes, w, h) if clip else boxes
    raise ValueError(f"cannot move a field of kind {kind!r}")


def _with_shape(out: Node, like: Node, h: int, w: int) -> Node:
    """``out`` (an h x w crop of ``like``) with its shape known at compile time, when ``like``'s
    channels are known (so batches get one array)."""
    try:
        t = like.type
    except RuntimeError:
        return out
    if t.kind != "tensor" or t.shape is None or len(t.shape) < 2 or any(d is None for d in t.shape[2:]):
        return out
    return tensor.Reshape(out, shape=[h, w, *t.shape[2:]])


# -- the framework -------------------------------------------------------------------------------

class _AugmentationMeta(type):
    """``Cls(source, ...)`` builds the augmentation's nodes (see Augmentation._build) instead of
    one bare node; the compiler's own nodes are made with the private ``_part`` keyword."""

    def __init__(cls, name, bases, ns, **kw):
        super().__init__(name, bases, ns, **kw)
        if "__signature__" not in ns and "configure" in ns:
            params = [inspect.Parameter("source", inspect.Parameter.POSITIONAL_ONLY)]
            params += list(inspect.signature(cls.configure).parameters.values())
            params.append(inspect.Parameter("label", inspect.Parameter.KEYWORD_ONLY, default=None))
            cls.__signature__ = inspect.Signature(params)

    def __call__(cls, *args, label: Optional[str] = None, **kwargs):
        if "_part" in kwargs:
            return super().__call__(*args, label=label, **kwargs)
        if not args:
            raise TypeError(f"{cls.__name__} takes an image node or a Resource first")
        return cls._build(*args, label=label, **kwargs)


class Augmentation(Macro, metaclass=_AugmentationMeta):
    """Base of the augmentation macros.

    A subclass defines ``configure(...)`` (a static method that checks the user's arguments and
    returns them as a dict of plain values), ``_params`` (the nodes drawn once and shared by
    every field) and ``apply(kind, field, reference, *params)`` (what one field becomes).
    ``kinds`` lists the field kinds it changes; other fields pass through.
    """

    kinds: Tuple[str, ...] = ("image",)
    needs_types = True

    @staticmethod
    def configure() -> Dict[str, Any]:
        return {}

    # -- building (while the user's graph is built) ------------------------------------------
    @classmethod
    def _build(cls, source, *args, label: Optional[str] = None, **kwargs):
        try:
            config = cls.configure(*args, **kwargs)
        except (ValueError, TypeError) as e:  # a bad argument: name the user's line, like op errors
            message = str(e).replace(f"{cls.__name__}.configure() ", "")
            raise type(e)(f"{user_location()}: {cls.__name__}: {message}") from None
        return cls._apply_to(source, config, label)

    @classmethod
    def _apply_to(cls, source, config: Dict[str, Any], label: Optional[str], params=None):
        if isinstance(source, Resource):
            res = source
            ref = res.reference()
        elif isinstance(source, (Node, np.ndarray)):
            res, ref = None, as_node(source)
        else:
            raise TypeError(f"{cls.__name__} takes an image node or a Resource, not {type(source).__name__}")
        if params is None:
            params = cls._params(res, ref, config, label)

        def make(field: Node, kind: str, name: Optional[str]) -> Node:
            lab = label if name is None else _sub(label, name)
            return type.__call__(cls, field, ref, *params, label=lab, _part="apply", _kind=kind, **config)

        if res is None:
            return make(ref, "image", None)
        changed = {name: make(res[name], kind, name) for name, kind in res.kinds.items() if kind in cls.kinds}
        return res.replace(changed)

    @classmethod
    def _params(cls, res: Optional[Resource], ref: Node, config: Dict[str, Any], label: Optional[str]) -> tuple:
        return ()

    # -- expansion (at compile time) -----------------------------------------------------------
    @property
    def config(self) -> Dict[str, Any]:
        return {k: v for k, v in self.params.items() if not k.startswith("_")}

    def expand(self, *inputs: Node):
        part = self.params["_part"]
        if part == "draw":
            return self.draw(*inputs)
        field, ref, *params = inputs
        return self.apply(self.params["_kind"], field, ref, *params)

    def draw(self, *inputs: Node) -> Node:
        raise NotImplementedError

    def apply(self, kind: str, field: Node, ref: Node, *params: Node) -> Node:
        raise NotImplementedError


class GeometryAugmentation(Augmentation):
    """An augmentation that moves pixels by one 3 x 3 matrix (source -> destination, continuous
    coordinates) into a canvas of ``output_size``: images are warped with the interpolation and
    border, masks with ``nearest`` and 0, boxes, points and polygons are transformed (boxes
    clipped to the canvas unless ``clip_boxes=False``).

    A subclass defines ``matrix(self, reference)`` (drawn once per sample, in a macro of its own)
    and, when the canvas is not the reference's size, ``output_size(self, reference)``.
    ``image_mode`` "crop" (pure translations) or "crop_resize" (axis-aligned crops inside the
    image) moves pixels by cropping (and resizing) instead of a warp: the same geometry, faster,
    and with "area" interpolation available for crop_resize.
    """

    kinds = SPATIAL_KINDS
    image_mode = "warp"

    @classmethod
    def _params(cls, res, ref, config, label):
        return (type.__call__(cls, ref, label=_sub(label, "matrix"), _part="draw", **config),)

    def draw(self, ref: Node) -> Node:
        return self.matrix(ref)

    def matrix(self, ref: Node) -> Node:
        raise NotImplementedError

    def output_size(self, ref: Node):
        """(width, height) of the canvas: ints, or i64 nodes."""
        return _size_int(ref)

    def apply(self, kind, field, ref, matrix):
        w, h = self.output_size(ref)
        if kind in ("image", "mask"):
            return self.move_pixels(kind, field, matrix, w, h)
        return _move_annotations(kind, field, matrix, w, h, self.config.get("clip_boxes", True))

    def move_pixels(self, kind: str, field: Node, matrix: Node, w, h) -> Node:
        c = self.config
        if kind == "mask":
            interpolation, border, value = "nearest", "constant", 0.0
        else:
            interpolation = c.get("interpolation", "linear")
            border, value = c.get("border", "constant"), float(c.get("border_value", 0.0))
        if self.image_mode == "warp":
            return image.Warp(field, matrix, w, h, interpolation=interpolation, border=border, border_value=value)
        # the source region of the canvas: the canvas box moved back
        box = geometry.TransformBoxes(Constant(np.array([0, 0, w, h], np.float32)), geometry.Invert(matrix))
        if self.image_mode == "crop":
            return _with_shape(image.CropPad(field, box, border=border, border_value=value), field, h, w)
        return image.Resize(image.Crop(field, box), w, h, interpolation=interpolation)


# -- geometry ------------------------------------------------------------------------------------

class RandomResizedCrop(GeometryAugmentation):
    """A crop of random area and aspect ratio, resized to ``size`` (torchvision's algorithm).

    Up to 10 attempts draw an area fraction uniformly in ``scale`` and a log aspect ratio
    uniformly in log(``ratio``); the first attempt whose crop (width round(sqrt(a * r)), height
    round(sqrt(a / r))) fits in the image is placed uniformly at random; if none fits, the center
    crop of the whole image clamped to ``ratio`` is used. The attempts are drawn together (no
    Python per sample) and the first valid one is picked with flow.select. The crop and resize
    are one matrix, so masks, boxes and points follow.
    ``interpolation``: nearest, linear, area, cubic or lanczos (for images; masks use nearest).
    """

    image_mode = "crop_resize"
    ATTEMPTS = 10

    @staticmethod
    def configure(size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0), interpolation: str = "linear",
                  clip_boxes: bool = True):
        scale = _pair(scale, "scale")
        ratio = _pair(ratio, "ratio")
        if scale[0] <= 0:
            raise ValueError(f"scale must be positive, not {scale}")
        if ratio[0] <= 0:
            raise ValueError(f"ratio must be positive, not {ratio}")
        return dict(size=_size_hw(size), scale=scale, ratio=ratio,
                    interpolation=_choice(interpolation, RESIZE_INTERPOLATIONS, "interpolation"),
                    clip_boxes=bool(clip_boxes))

    def output_size(self, ref):
        h, w = self.config["size"]
        return w, h

    def matrix(self, ref):
        c = self.config
        W, H = _size_f32(ref)
        (s0, s1), (r0, r1) = c["scale"], c["ratio"]
        n = self.ATTEMPTS
        area = W * H
        fraction = random.Uniform(s0, s1, shape=[n])
        ratio = _math.Exp(random.Uniform(_pymath.log(r0), _pymath.log(r1), shape=[n]))
        target = fraction * area
        cw = _math.Round(_math.Sqrt(target * ratio))
        ch = _math.Round(_math.Sqrt(target / ratio))
        valid = (cw > 0) & (cw <= W) & (ch > 0) & (ch <= H)
        cx = _math.Floor(random.Uniform(0.0, 1.0, shape=[n]) * (W - cw + 1))
        cy = _math.Floor(random.Uniform(0.0, 1.0, shape=[n]) * (H - ch + 1))
        candidates = tensor.Stack(cx, cy, cw, ch, axis=1)
        crop = self._fallback(W, H, r0, r1)
        for i in reversed(range(n)):
            row = tensor.Reshape(tensor.Slice(candidates, i, i + 1), shape=[4])
            crop = _flow.Select(_scalar(valid, i), row, crop)
        x0, y0, w, h = (_scalar(crop, k) for k in range(4))
        out_w, out_h = self.output_size(ref)
        return geometry.Chain(geometry.Translate(-x0, -y0), geometry.Scale(out_w / w, out_h / h, 0.0, 0.0))

    @staticmethod
    def _fallback(W, H, r0, r1) -> Node:
        """torchvision's fallback: the whole image, its aspect ratio clamped to [r0, r1], centered."""
        if not _is_node(W):
            in_ratio = W / H
            if in_ratio < r0:
                w, h = W, float(round(W / r0))
            elif in_ratio > r1:
                w, h = float(round(H * r1)), H
            else:
                w, h = W, H
            return Constant(np.array([(W - w) // 2, (H - h) // 2, w, h], np.float32))
        in_ratio = W / H
        narrow, wide = in_ratio < r0, in_ratio > r1
        w = _flow.Select(wide, _math.Round(H * r1), W)
        h = _flow.Select(narrow, _math.Round(W / r0), H)
        return tensor.Stack(_math.Floor((W - w) / 2), _math.Floor((H - h) / 2), w, h)


class RandomAffine(GeometryAugmentation):
    """A random rotation, translation, scale and shear about the image center (torchvision's
    parameters), into a canvas of the input's size.

    ``degrees``: d (the range (-d, d)) or (min, max); as in torchvision's affine, a positive
    angle turns the image clockwise as displayed. ``translate``: (a, b): the shift is
    round(uniform(-a W, a W)), round(uniform(-b H, b H)) pixels. ``scale``: (min, max) isotropic
    factor. ``shear``: s (x shear in (-s, s) degrees), (min, max) (x only) or
    (xmin, xmax, ymin, ymax). ``center``: (cx, cy) in pixels (default: the image center, W/2, H/2).
    ``interpolation`` defaults to "nearest" as in torchvision; ``border``/``border_value`` fill
    the uncovered area.

    The matrix is torchvision's: T(center + t) R(angle) S(scale) ShY(shy) ShX(shx) T(-center),
    with R the clockwise rotation [[cos, -sin], [sin, cos]], ShX: x' = x - tan(shx) y and ShY:
    y' = y - tan(shy) x.
    """

    @staticmethod
    def configure(degrees, translate=None, scale=None, shear=None, interpolation: str = "nearest",
                  border: str = "constant", border_value: float = 0.0, center=None, clip_boxes: bool = True):
        degrees = _pair(degrees, "degrees", center=0.0)
        if translate is not None:
            if not (isinstance(translate, (list, tuple)) and len(translate) == 2
                    and all(_is_number(t) and 0 <= t <= 1 for t in translate)):
                raise ValueError(f"translate must be a pair of fractions in [0, 1], not {translate!r}")
            translate = (float(translate[0]), float(translate[1]))
        if scale is not None:
            scale = _pair(scale, "scale")
            if scale[0] <= 0:
                raise ValueError(f"scale must be positive, not {scale}")
        if shear is not None:
            if _is_number(shear):
                shear = _pair(shear, "shear", center=0.0) + (0.0, 0.0)
            elif isinstance(shear, (list, tuple)) and len(shear) == 2:
                shear = _pair(tuple(shear), "shear") + (0.0, 0.0)
            elif isinstance(shear, (list, tuple)) and len(shear) == 4:
                shear = _pair(tuple(shear[:2]), "shear") + _pair(tuple(shear[2:]), "shear")
            else:
                raise ValueError(f"shear must be a number or 2 or 4 numbers, not {shear!r}")
        if center is not None:
            if not (isinstance(center, (list, tuple)) and len(center) == 2 and all(_is_number(v) for v in center)):
                raise ValueError(f"center must be (cx, cy), not {center!r}")
            center = (float(center[0]), float(center[1]))
        return dict(degrees=degrees, translate=translate, scale=scale, shear=shear,
                    interpolation=_choice(interpolation, INTERPOLATIONS, "interpolation"),
                    border=_choice(border, BORDERS, "border"), border_value=float(border_value), center=center,
                    clip_boxes=bool(clip_boxes))

    def matrix(self, ref):
        c = self.config
        W, H = _size_f32(ref)
        cx, cy = c["center"] if c["center"] is not None else (W / 2, H / 2)
        steps = [geometry.Translate(-cx, -cy)]
        if c["shear"] is not None:
            sx0, sx1, sy0, sy1 = c["shear"]
            for k, angle in enumerate((_uniform(sx0, sx1), _uniform(sy0, sy1))):
                if not _is_node(angle) and angle == 0:
                    continue
                if _is_node(angle):
                    t = -_math.Tan(angle * (_pymath.pi / 180))
                else:
                    t = -_pymath.tan(_pymath.radians(angle))
                steps.append(geometry.Shear(t, 0.0) if k == 0 else geometry.Shear(0.0, t))
        if c["scale"] is not None:
            s = _uniform(*c["scale"])
            steps.append(geometry.Scale(s, s, 0.0, 0.0))
        angle = _uniform(*c["degrees"])
        if _is_node(angle) or angle != 0:
            steps.append(geometry.Rotate(-angle, 0.0, 0.0))   # geometry.rotate turns counterclockwise
        tx = ty = 0.0
        if c["translate"] is not None:
            a, b = c["translate"]
            tx = _math.Round(_uniform(-a * W, a * W)) if a > 0 else 0.0
            ty = _math.Round(_uniform(-b * H, b * H)) if b > 0 else 0.0
        steps.append(geometry.Translate(cx + tx, cy + ty))
        return geometry.Chain(*steps)


class RandomCrop(GeometryAugmentation):
    """A ``size`` crop at a uniformly random position (torchvision's RandomCrop).

    ``padding``: p (every side), (left/right, top/bottom) or (left, top, right, bottom) pixels
    added around the image first; ``pad_if_needed`` pads each side by the missing amount when the
    (padded) image is smaller than ``size`` (as torchvision). Padding follows ``border``
    (constant with ``border_value``, replicate, reflect with the edge pixel repeated, wrap;
    torchvision's "edge" and "symmetric" are accepted). Where the image is smaller than the crop
    without pad_if_needed (an error in torchvision) the crop starts at the padded top-left and
    the rest is border.
    """

    image_mode = "crop"

    @staticmethod
    def configure(size, padding=None, pad_if_needed: bool = False, border: str = "constant",
                  border_value: float = 0.0, clip_boxes: bool = True):
        if padding is None:
            padding = (0, 0, 0, 0)
        elif isinstance(padding, numbers.Integral):
            padding = (int(padding),) * 4
        elif isinstance(padding, (list, tuple)) and len(padding) == 2:
            padding = (int(padding[0]), int(padding[1])) * 2
        elif isinstance(padding, (list, tuple)) and len(padding) == 4:
            padding = tuple(int(p) for p in padding)
        else:
            raise ValueError(f"padding must be an int or 2 or 4 ints, not {padding!r}")
        if any(p < 0 for p in padding):
            raise ValueError(f"padding must not be negative, not {padding!r}")
        return dict(size=_size_hw(size), padding=padding, pad_if_needed=bool(pad_if_needed),
                    border=_choice(border, BORDERS, "border"), border_value=float(border_value),
                    clip_boxes=bool(clip_boxes))

    def output_size(self, ref):
        h, w = self.config["size"]
        return w, h

    def matrix(self, ref):
        c = self.config
        h, w = c["size"]
        W, H = _size_f32(ref)
        left, top, right, bottom = (float(p) for p in c["padding"])
        Wp, Hp = W + left + right, H + top + bottom
        if c["pad_if_needed"]:
            dx, dy = _max(w - Wp, 0.0), _max(h - Hp, 0.0)
            left, top = left + dx, top + dy
            Wp, Hp = Wp + 2 * dx, Hp + 2 * dy
        x = _floor(random.Uniform(0.0, 1.0) * _max(Wp - w + 1, 1.0))
        y = _floor(random.Uniform(0.0, 1.0) * _max(Hp - h + 1, 1.0))
        return geometry.Translate(left - x, top - y)


class CenterCrop(GeometryAugmentation):
    """The central ``size`` crop (torchvision's CenterCrop: offsets round((W - w) / 2) with
    Python's rounding; a crop larger than the image is padded with ``border``)."""

    image_mode = "crop"

    @staticmethod
    def configure(size, border: str = "constant", border_value: float = 0.0, clip_boxes: bool = True):
        return dict(size=_size_hw(size), border=_choice(border, BORDERS, "border"),
                    border_value=float(border_value), clip_boxes=bool(clip_boxes))

    def output_size(self, ref):
        h, w = self.config["size"]
        return w, h

    @staticmethod
    def _offset(d):
        """torchvision's offset for a size difference d = image - crop."""
        if not _is_node(d):
            return float(round(d / 2)) if d >= 0 else -float((-int(d)) // 2)
        half = d / 2
        return _flow.Select(d < 0, _math.Ceil(half), _math.Round(half))   # math.round: halves to even

    def matrix(self, ref):
        h, w = self.config["size"]
        W, H = _size_f32(ref)
        return geometry.Translate(-self._offset(W - w), -self._offset(H - h))


class RandomPatch(GeometryAugmentation):
    """A tracking-style patch: a square of ``context`` times the box size (sqrt(w h)) around the
    box center, resized to ``size`` (the box center lands on the patch center).

    The box is the first box of the resource field ``box_field`` (N x 4 or [4]), or ``box=`` (a
    node) when called on an image. ``center_jitter`` j moves the center by uniform(-j, j) times
    the box size on each axis; ``scale_jitter`` s multiplies the patch side by exp(uniform(-s, s)).
    Parts of the patch outside the image follow ``border``. Boxes and points move with it.
    """

    @staticmethod
    def configure(size, box_field: str = "boxes", context: float = 2.0, center_jitter: float = 0.0,
                  scale_jitter: float = 0.0, interpolation: str = "linear", border: str = "constant",
                  border_value: float = 0.0, clip_boxes: bool = True):
        if not (_is_number(context) and context > 0):
            raise ValueError(f"context must be a positive number, not {context!r}")
        for name, v in (("center_jitter", center_jitter), ("scale_jitter", scale_jitter)):
            if not (_is_number(v) and v >= 0):
                raise ValueError(f"{name} must be a number >= 0, not {v!r}")
        return dict(size=_size_hw(size), box_field=str(box_field), context=float(context),
                    center_jitter=float(center_jitter), scale_jitter=float(scale_jitter),
                    interpolation=_choice(interpolation, INTERPOLATIONS, "interpolation"),
                    border=_choice(border, BORDERS, "border"), border_value=float(border_value),
                    clip_boxes=bool(clip_boxes))

    @classmethod
    def _build(cls, source, *args, label=None, box=None, **kwargs):
        config = cls.configure(*args, **kwargs)
        if box is None:
            if not isinstance(source, Resource):
                raise TypeError("RandomPatch on an image needs box=...; or give a Resource with a boxes field")
            box = source[config["box_field"]]
        box = as_node(box)
        draw = type.__call__(cls, box, label=_sub(label, "matrix"), _part="draw", **config)
        return cls._apply_to(source, config, label, params=(draw,))

    def output_size(self, ref):
        h, w = self.config["size"]
        return w, h

    def draw(self, box):
        c = self.config
        b = tensor.Reshape(tensor.Slice(tensor.Reshape(tensor.Cast(box, dtype="f32"), shape=[-1, 4]), 0, 1),
                           shape=[4])
        x1, y1, x2, y2 = (_scalar(b, k) for k in range(4))
        size = _math.Maximum(_math.Sqrt(_math.Maximum((x2 - x1) * (y2 - y1), 0.0)), 1.0)
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        if c["center_jitter"] > 0:
            j = random.Uniform(-c["center_jitter"], c["center_jitter"], shape=[2])
            cx, cy = cx + _scalar(j, 0) * size, cy + _scalar(j, 1) * size
        side = size * c["context"]
        if c["scale_jitter"] > 0:
            side = side * _math.Exp(random.Uniform(-c["scale_jitter"], c["scale_jitter"]))
        out_w, out_h = self.output_size(None)
        k = _pymath.sqrt(out_w * out_h) / side
        return geometry.Chain(geometry.Translate(-cx, -cy), geometry.Scale(k, k, 0.0, 0.0),
                              geometry.Translate(out_w / 2, out_h / 2))


class Transform(GeometryAugmentation):
    """A given matrix (a node: 3 x 3, source -> destination) applied to every spatial field, into
    a canvas of ``size`` ((height, width); default: the reference's size). Affine or
    perspective; the building block for transforms of your own."""

    @staticmethod
    def configure(size=None, interpolation: str = "linear", border: str = "constant", border_value: float = 0.0,
                  clip_boxes: bool = True):
        return dict(size=None if size is None else _size_hw(size),
                    interpolation=_choice(interpolation, INTERPOLATIONS, "interpolation"),
                    border=_choice(border, BORDERS, "border"), border_value=float(border_value),
                    clip_boxes=bool(clip_boxes))

    @classmethod
    def _build(cls, source, matrix, *args, label=None, **kwargs):
        config = cls.configure(*args, **kwargs)
        return cls._apply_to(source, config, label, params=(as_node(matrix),))

    def output_size(self, ref):
        if self.config["size"] is None:
            return _size_int(ref)
        h, w = self.config["size"]
        return w, h


Transform.__signature__ = inspect.Signature(
    [inspect.Parameter("source", inspect.Parameter.POSITIONAL_ONLY),
     inspect.Parameter("matrix", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    + list(inspect.signature(Transform.configure).parameters.values())
    + [inspect.Parameter("label", inspect.Parameter.KEYWORD_ONLY, default=None)])


class RandomHorizontalFlip(Augmentation):
    """Mirrors left-right with probability ``p`` (images and masks by image.flip, which is exact;
    boxes, points and polygons by the flip matrix)."""

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

    def apply(self, kind, field, ref, flip):
        if kind in ("image", "mask"):
            return Conditional(flip, image.Flip(field, axis=self.axis), field)
        w, h = _size_int(ref)
        matrix = _flow.Select(flip, geometry.FlipMatrix(w, h, axis=self.axis), geometry.Identity())
        return _move_annotations(kind, field, matrix, w, h, clip=False)


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirrors top-bottom with probability ``p`` (see RandomHorizontalFlip)."""

    axis = "vertical"

    @staticmethod
    def configure(p: float = 0.5):
        return RandomHorizontalFlip.configure(p)


# -- color ---------------------------------------------------------------------------------------

class ColorJitter(Augmentation):
    """Random brightness, contrast, saturation and hue, applied in a random order per sample
    (torchvision's ColorJitter, with color.brightness/contrast/saturation/hue).

    ``brightness``, ``contrast``, ``saturation``: b (a factor in [max(0, 1 - b), 1 + b]) or
    (min, max); ``hue``: h in [0, 0.5] (a shift in [-h, h]) or (min, max) within [-0.5, 0.5].
    An adjustment whose range is just its identity (0, (1, 1), hue 0) is left out. The order is
    a random.permutation of the adjustments in use; stage k applies the adjustment the
    permutation names (a branch: only that one runs). On a Resource, every image field gets the
    same factors and order.
    """

    ADJUSTMENTS = ("brightness", "contrast", "saturation", "hue")
    needs_types = False

    @staticmethod
    def configure(brightness=0, contrast=0, saturation=0, hue=0):
        ranges = {}
        for name, value in (("brightness", brightness), ("contrast", contrast), ("saturation", saturation)):
            r = _pair(value, name, center=1.0, low=0.0)
            ranges[name] = None if r is None or r == (1.0, 1.0) else r
        r = _pair(hue, "hue", center=0.0, low=-0.5, high=0.5)
        ranges["hue"] = None if r is None or r == (0.0, 0.0) else r
        return ranges

    @classmethod
    def _enabled(cls, config) -> Tuple[str, ...]:
        return tuple(n for n in cls.ADJUSTMENTS if config[n] is not None)

    @classmethod
    def _params(cls, res, ref, config, label):
        enabled = cls._enabled(config)
        factors = tuple(as_node(_uniform(*config[n], label=_sub(label, n))) for n in enabled)
        if len(enabled) < 2:
            return factors
        return (random.Permutation(len(enabled), label=_sub(label, "order")),) + factors

    def apply(self, kind, field, ref, *params):
        enabled = self._enabled(self.config)
        if not enabled:
            return field
        if len(enabled) == 1:
            order, factors = None, params
        else:
            order, factors = params[0], params[1:]
        ops = {"brightness": color.Brightness, "contrast": color.Contrast, "saturation": color.Saturation,
               "hue": color.Hue}
        x = field
        for k in range(len(enabled)):
            options = [ops[n](x, f) for n, f in zip(enabled, factors)]
            x = options[0] if order is None else Choice(_scalar(order, k), *options)
        return x


class Normalize(Augmentation):
    """(x * scale - mean) / std per channel, as f32, C x H x W by default (color.normalize, one
    fused pass). ``scale`` defaults to 1/255 for u8 images, 1/65535 for u16 and 1 otherwise, so
    ``mean``/``std`` are in [0, 1] units as in torchvision. Applies to image fields only."""

    @staticmethod
    def configure(mean, std, chw: bool = True, scale: Optional[float] = None):
        def vec(v, what):
            v = (float(v),) if _is_number(v) else tuple(float(x) for x in v)
            if not v:
                raise ValueError(f"{what} must not be empty")
            return v
        mean, std = vec(mean, "mean"), vec(std, "std")
        if any(s == 0 for s in std):
            raise ValueError(f"std must not contain zeros, not {std}")
        return dict(mean=mean, std=std, chw=bool(chw), scale=None if scale is None else float(scale))

    def apply(self, kind, field, ref):
        c = self.config
        scale = c["scale"]
        if scale is None:
            scale = {"u8": 1 / 255, "u16": 1 / 65535}.get(field.type.dtype, 1.0)
        return color.Normalize(field, np.array(c["mean"], np.float32), np.array(c["std"], np.float32),
                               chw=c["chw"], scale=scale)


__all__ = ["Augmentation", "GeometryAugmentation", "RandomResizedCrop", "RandomAffine", "RandomCrop", "CenterCrop",
           "RandomPatch", "Transform", "RandomHorizontalFlip", "RandomVerticalFlip", "ColorJitter", "Normalize"]
