"""The augmentation framework: Augmentation (a macro applied to an image or to every field of a
Resource with one draw) and GeometryAugmentation (one matrix for every spatial field)."""
from __future__ import annotations

import inspect
import numbers
from typing import Any, Dict, Optional, Tuple

import numpy as np

from ..flow import Conditional
from ..macro import Macro
from ..node import Constant, Node, as_node
from ..ops import geometry, image, random, tensor
from ..annotations import after_transform
from ..resource import SPATIAL_KINDS, Resource, conditional
from ..source import user_location
from ._common import _move_annotations, _size_int, _sub, _with_shape

# -- the framework -------------------------------------------------------------------------------

def _is_source(x) -> bool:
    return isinstance(x, (Resource, Node, np.ndarray))


class _AugmentationMeta(type):
    """``Cls(source, ...)`` builds the augmentation's nodes (see Augmentation._build) instead of
    one bare node; ``Cls(...)`` without a source is a :class:`Planned` augmentation (for
    Compose, OneOf, ...); the compiler's own nodes are made with the private ``_part`` keyword."""

    def __init__(cls, name, bases, ns, **kw):
        super().__init__(name, bases, ns, **kw)
        if "__signature__" not in ns and "configure" in ns:
            params = [inspect.Parameter("source", inspect.Parameter.POSITIONAL_ONLY)]
            params += list(inspect.signature(cls.configure).parameters.values())
            if not cls._configure_takes_p():
                params.append(inspect.Parameter("p", inspect.Parameter.KEYWORD_ONLY, default=cls.default_p))
            params.append(inspect.Parameter("label", inspect.Parameter.KEYWORD_ONLY, default=None))
            cls.__signature__ = inspect.Signature(params)

    def __call__(cls, *args, label: Optional[str] = None, **kwargs):
        if "_part" in kwargs:
            return super().__call__(*args, label=label, **kwargs)
        if not args or not _is_source(args[0]):
            return Planned(cls, args, kwargs, label)
        return cls._build(*args, label=label, **kwargs)


class Planned:
    """An augmentation with its arguments but no source yet: ``augment.Pad(padding=4)``.
    Calling it on an image node or a Resource applies it (``planned(r)``); Compose, OneOf,
    SomeOf and Sequential take these. Arguments are checked when it is made."""

    __slots__ = ("cls", "args", "kwargs", "label")

    def __init__(self, cls, args, kwargs, label):
        cls._check_plan(tuple(args), dict(kwargs))
        self.cls, self.args, self.kwargs, self.label = cls, tuple(args), dict(kwargs), label

    @property
    def p(self) -> float:
        """The probability that it is applied (its own ``p=``, or the class's default)."""
        return float(self.kwargs.get("p", 1.0 if self.cls._configure_takes_p() else self.cls.default_p))

    def forced(self) -> "Planned":
        """The same augmentation applied every time (OneOf's chosen child)."""
        if self.cls._configure_takes_p():
            return self
        return Planned(self.cls, self.args, {**self.kwargs, "p": 1.0}, self.label)

    def __call__(self, source):
        if not _is_source(source):
            raise TypeError(f"{self.cls.__name__} takes an image node or a Resource, not {type(source).__name__}")
        return self.cls._build(source, *self.args, label=self.label, **self.kwargs)

    def __repr__(self) -> str:
        args = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.cls.__name__}({', '.join(args)})"


class Augmentation(Macro, metaclass=_AugmentationMeta):
    """Base of the augmentation macros.

    A subclass defines ``configure(...)`` (a static method that checks the user's arguments and
    returns them as a dict of plain values), ``_params`` (the nodes drawn once and shared by
    every field) and ``apply(kind, field, reference, *params)`` (what one field becomes).
    ``kinds`` lists the field kinds it changes; other fields pass through.
    """

    kinds: Tuple[str, ...] = ("image",)
    needs_types = True
    #: the probability ``p=`` defaults to (albumentations' default for the transforms named after
    #: its own; 1 for the torchvision-style ones)
    default_p: float = 1.0

    @staticmethod
    def configure() -> Dict[str, Any]:
        return {}

    # -- building (while the user's graph is built) ------------------------------------------
    @classmethod
    def _configure_takes_p(cls) -> bool:
        """Whether ``p`` is one of configure's own parameters (the flips: p is what they draw)."""
        return "p" in inspect.signature(cls.configure).parameters

    @classmethod
    def _checked_config(cls, args, kwargs) -> Tuple[Dict[str, Any], float]:
        """(configure's dict, the probability of applying it); a bad argument raises naming the
        user's line, like op errors."""
        p = 1.0 if cls._configure_takes_p() else kwargs.pop("p", cls.default_p)
        try:
            if not (isinstance(p, numbers.Real) and not isinstance(p, bool) and 0 <= p <= 1):
                raise ValueError(f"p must be a probability in [0, 1], not {p!r}")
            config = cls.configure(*args, **kwargs)
        except (ValueError, TypeError) as e:
            message = str(e).replace(f"{cls.__name__}.configure() ", "")
            raise type(e)(f"{user_location()}: {cls.__name__}: {message}") from None
        return config, float(p)

    @classmethod
    def _check_plan(cls, args, kwargs) -> None:
        """Checks a Planned augmentation's arguments (those _build takes besides configure's
        are removed by the classes that have some)."""
        cls._checked_config(args, kwargs)

    @classmethod
    def _build(cls, source, *args, label: Optional[str] = None, **kwargs):
        config, p = cls._checked_config(args, kwargs)
        return cls._maybe(source, p, label, lambda: cls._apply_to(source, config, label))

    @staticmethod
    def _maybe(source, p: float, label: Optional[str], augmented):
        """``augmented()`` with probability p, else ``source`` unchanged: one draw for every field,
        and the skipped side's pixel work does not run (a branch)."""
        if p >= 1.0:
            return augmented()
        if p <= 0.0:
            return source
        out = augmented()
        draw = random.Bernoulli(p, label=_sub(label, "apply"))
        if isinstance(source, Resource):
            return conditional(draw, out, source)
        return Conditional(draw, out, as_node(source))

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

        def make(field: Node, kind: str, name: Optional[str], cfg: Dict[str, Any]) -> Node:
            lab = label if name is None else _sub(label, name)
            return type.__call__(cls, field, ref, *params, label=lab, _part="apply", _kind=kind, **cfg)

        if res is None:
            return make(ref, "image", None, config)
        # declared boxes move unclipped: after_transform filters them by their visibility
        unclipped = {**config, "clip_boxes": False}
        decls = res.declarations
        changed = {name: make(res[name], kind, name, unclipped if kind == "boxes" and name in decls else config)
                   for name, kind in res.kinds.items() if kind in cls.kinds}
        return after_transform(res.replace(changed), changed, lambda: cls._mirrored(params, config))

    @classmethod
    def _mirrored(cls, params: tuple, config: Dict[str, Any]) -> Optional[Node]:
        """A bool node: whether this sample's transform mirrors the image (declared keypoints
        then swap their flip_pairs), or None when it never does. A hook for subclasses
        (GeometryAugmentation: its matrix's determinant is negative; flips: their draw)."""
        return None

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
    border, masks and instance masks with ``nearest`` and 0, boxes, points, keypoints and polygons
    are transformed (boxes clipped to the canvas unless ``clip_boxes=False``; declared boxes are
    filtered by the framework instead, see resource.Boxes).

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

    @classmethod
    def _mirrored(cls, params, config):
        m = tensor.Reshape(params[0], shape=[9])
        e = [tensor.Reshape(tensor.Slice(m, i, i + 1), shape=[]) for i in (0, 1, 3, 4)]
        return e[0] * e[3] - e[1] * e[2] < 0.0

    def matrix(self, ref: Node) -> Node:
        raise NotImplementedError

    def output_size(self, ref: Node):
        """(width, height) of the canvas: ints, or i64 nodes."""
        return _size_int(ref)

    def apply(self, kind, field, ref, matrix):
        w, h = self.output_size(ref)
        if kind in ("image", "mask", "masks"):
            return self.move_pixels(kind, field, matrix, w, h)
        return _move_annotations(kind, field, matrix, w, h, self.config.get("clip_boxes", True))

    def move_pixels(self, kind: str, field: Node, matrix: Node, w, h) -> Node:
        c = self.config
        if kind in ("mask", "masks"):
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
        antialias = bool(c.get("antialias", False)) and kind == "image" and interpolation == "linear"
        if antialias:  # torchvision's antialiased bilinear filter (image.resize's antialias)
            return image.Resize(image.Crop(field, box), w, h, interpolation=interpolation, antialias=True)
        return image.Resize(image.Crop(field, box), w, h, interpolation=interpolation)
