"""NoOp and Lambda (albumentations' names): the identity, and your own graph-building functions
per field kind, as steps of a composition."""
from __future__ import annotations

import numbers
from typing import Callable, Dict, Optional

from ..annotations import after_transform
from ..node import as_node
from ..resource import Resource
from ..source import user_location
from .base import Augmentation, _is_source

#: Lambda's arguments (albumentations' target names) -> the field kinds they apply to
_TARGETS: Dict[str, tuple] = {"image": ("image",), "mask": ("mask", "masks"), "bboxes": ("boxes",),
                              "keypoints": ("keypoints", "points")}


class NoOp(Augmentation):
    """The identity: returns its source unchanged (albumentations' NoOp, default p 0.5), e.g. as
    the "nothing" choice of a OneOf."""

    default_p = 0.5
    references = {"albumentations": "NoOp"}
    kinds = ()

    @classmethod
    def _build(cls, source, *args, label=None, **kwargs):
        cls._checked_config(args, kwargs)   # p is checked, and never drawn: both sides are the same
        return cls._apply_to(source, {}, label)

    @classmethod
    def _apply_to(cls, source, config, label, params=None):
        if not _is_source(source):
            raise TypeError(f"NoOp takes an image node or a Resource, not {type(source).__name__}")
        return source if isinstance(source, Resource) else as_node(source)


class Lambda:
    """Your own functions per field kind (albumentations' Lambda): ``image=fn`` applies ``fn(node)``
    to every image field, ``mask=`` to masks and instance masks, ``bboxes=`` to boxes (N x 4
    x1 y1 x2 y2 pixels, the internal layout) and ``keypoints=`` to keypoints and points.

    Unlike albumentations, a function runs once, while the graph is built: it receives a node
    and must return a node built with ops (``lambda x: color.Invert(x)``), so nothing runs in
    Python per sample. Declared boxes and keypoints a function changed are filtered and clipped
    afterwards as after any spatial transform. ``p`` (default 1, as albumentations) is the
    probability that the functions' result is used for a sample (one draw for every field).
    ``name`` is accepted for albumentations' signature.
    """

    references = {"albumentations": "Lambda", "torchvision": "Lambda"}
    differences = {"torchvision": "image=fn builds the graph once (fn takes and returns a node) instead of running a "
                                  "Python function on each sample"}
    kinds = ("image", "mask", "masks", "boxes", "points", "keypoints")

    def __init__(self, image: Optional[Callable] = None, mask: Optional[Callable] = None,
                 keypoints: Optional[Callable] = None, bboxes: Optional[Callable] = None, name: Optional[str] = None,
                 p: float = 1.0, label: Optional[str] = None):
        self.functions = {}
        for target, fn in (("image", image), ("mask", mask), ("bboxes", bboxes), ("keypoints", keypoints)):
            if fn is None:
                continue
            if not callable(fn):
                raise TypeError(f"{user_location()}: Lambda: {target} must be a function of one node, not {fn!r}")
            self.functions[target] = fn
        if not (isinstance(p, numbers.Real) and not isinstance(p, bool) and 0 <= p <= 1):
            raise ValueError(f"{user_location()}: Lambda: p must be a probability in [0, 1], not {p!r}")
        self.p, self.name, self.label = float(p), name, label

    def forced(self) -> "Lambda":
        clone = object.__new__(Lambda)
        clone.__dict__.update(self.__dict__)
        clone.p = 1.0
        return clone

    def _function_for(self, kind: str) -> Optional[Callable]:
        for target, kinds in _TARGETS.items():
            if kind in kinds:
                return self.functions.get(target)
        return None

    def _apply(self, source):
        if not isinstance(source, Resource):
            fn = self.functions.get("image")
            return as_node(fn(as_node(source))) if fn else as_node(source)
        changed = {}
        for name, kind in source.kinds.items():
            fn = self._function_for(kind)
            if fn is not None:
                changed[name] = as_node(fn(source[name]))
        return after_transform(source.replace(changed), changed)

    def __call__(self, source):
        if not _is_source(source):
            raise TypeError(f"Lambda takes an image node or a Resource, not {type(source).__name__}")
        return Augmentation._maybe(source, self.p, self.label, lambda: self._apply(source))

    def __repr__(self) -> str:
        return f"Lambda({', '.join(f'{k}=...' for k in self.functions)}, p={self.p})"


__all__ = ["NoOp", "Lambda"]
