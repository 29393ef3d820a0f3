"""Composition: Compose, OneOf, SomeOf and Sequential (albumentations' API) over planned
augmentations. They build graph branches: the random choices are the pipeline's random ops, the
transforms not chosen for a sample do not run, and nothing runs in Python per sample."""
from __future__ import annotations

import numbers
from typing import Any, Callable, List, Optional, Sequence

from ..flow import Choice, Conditional
from ..node import Node, as_node
from ..ops import random, tensor
from ..resource import Resource
from ..resource import choice as _resource_choice
from ..resource import conditional as _resource_conditional
from ..source import user_location
from ._common import _scalar, _sub
from .base import Augmentation, Planned, _is_source


def _check_p(p, owner: str) -> float:
    if not (isinstance(p, numbers.Real) and not isinstance(p, bool) and 0 <= p <= 1):
        raise ValueError(f"{user_location()}: {owner}: p must be a probability in [0, 1], not {p!r}")
    return float(p)


def _check_transforms(transforms, owner: str) -> List[Callable]:
    if isinstance(transforms, (Planned, Composition)) or not isinstance(transforms, Sequence):
        raise TypeError(f"{user_location()}: {owner} takes a list of augmentations, not {type(transforms).__name__}")
    out = []
    for i, t in enumerate(transforms):
        if isinstance(t, type) and issubclass(t, Augmentation):
            t = t()   # a class with its defaults: Compose([augment.Transpose])
        if not callable(t) or _is_source(t):
            raise TypeError(f"{user_location()}: {owner}: item {i} is not an augmentation "
                            f"(give augment.X(...) without a source, a composition or a function): {t!r}")
        out.append(t)
    if not out:
        raise ValueError(f"{user_location()}: {owner} takes at least one augmentation")
    return out


def _probability(t) -> float:
    """A child's own p (albumentations: OneOf weighs its children by it)."""
    return float(getattr(t, "p", 1.0))


def _forced(t):
    """A child applied every time it is chosen."""
    return t.forced() if hasattr(t, "forced") else t


def _select(selector: Node, options: Sequence[Any]):
    if isinstance(options[0], Resource):
        return _resource_choice(selector, *options)
    return Choice(selector, *[as_node(o) for o in options])


def _when(condition: Node, true, false):
    if isinstance(false, Resource):
        return _resource_conditional(condition, true, false)
    return Conditional(condition, true, as_node(false))


class Composition:
    """Base of the compositions: ``composition(source)`` applies it to an image node or a
    Resource; ``p`` is the probability that it runs at all (one draw per sample)."""

    def __init__(self, transforms, p: float = 1.0, label: Optional[str] = None):
        name = type(self).__name__
        self.transforms = _check_transforms(transforms, name)
        self.p = _check_p(p, name)
        self.label = label

    def forced(self) -> "Composition":
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.p = 1.0
        return clone

    def __call__(self, source):
        if not _is_source(source):
            raise TypeError(f"{type(self).__name__} takes an image node or a Resource, not {type(source).__name__}")
        if self.p <= 0:
            return source
        out = self._apply(source)
        if self.p >= 1:
            return out
        return _when(random.Bernoulli(self.p, label=_sub(self.label, "apply")), out, source)

    def _apply(self, source):
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.transforms!r}, p={self.p})"


class Compose(Composition):
    """Applies the transforms one after another, each with its own ``p``."""

    references = {"torchvision": ["Compose", "RandomApply"]}
    differences = {"torchvision": "RandomApply(transforms, p) is Compose(transforms, p=p)"}

    def _apply(self, source):
        for t in self.transforms:
            source = t(source)
        return source


class Sequential(Composition):
    """Applies every transform, each with its own ``p``: in the given order, or in a random order
    per sample with ``random_order=True`` (a random.permutation; stage k runs only the transform
    the permutation names there, so each transform runs once)."""

    references = {"torchvision": "RandomOrder"}
    differences = {"torchvision": "RandomOrder(transforms) is Sequential(transforms, random_order=True)"}

    def __init__(self, transforms, random_order: bool = False, p: float = 1.0, label: Optional[str] = None):
        super().__init__(transforms, p, label)
        self.random_order = bool(random_order)

    def _apply(self, source):
        if not self.random_order or len(self.transforms) == 1:
            for t in self.transforms:
                source = t(source)
            return source
        order = random.Permutation(len(self.transforms), label=_sub(self.label, "order"))
        for k in range(len(self.transforms)):
            source = _select(_scalar(order, k), [t(source) for t in self.transforms])
        return source


class OneOf(Composition):
    """Applies exactly one of the transforms, chosen per sample with probability proportional to
    ``weights`` (default: each transform's own ``p``, as albumentations does); the chosen one
    always runs. ``p`` (default 0.5, albumentations' default) is the probability that any runs."""

    references = {"torchvision": "RandomChoice"}
    differences = {"torchvision": "RandomChoice(transforms, p=weights) is OneOf(transforms, weights=weights, p=1.0) "
                                  "(OneOf's own p is albumentations' 0.5 by default)"}

    def __init__(self, transforms, weights: Optional[Sequence[float]] = None, p: float = 0.5,
                 label: Optional[str] = None):
        super().__init__(transforms, p, label)
        if weights is None:
            weights = [_probability(t) for t in self.transforms]
        else:
            weights = list(weights)
            if len(weights) != len(self.transforms):
                raise ValueError(f"{user_location()}: OneOf: {len(weights)} weights for "
                                 f"{len(self.transforms)} transforms")
        if not all(isinstance(w, numbers.Real) and not isinstance(w, bool) and w >= 0 for w in weights) \
                or sum(weights) <= 0:
            raise ValueError(f"{user_location()}: OneOf: weights must be numbers >= 0, not all 0: {weights!r}")
        self.weights = [float(w) for w in weights]

    def _apply(self, source):
        kept = [(t, w) for t, w in zip(self.transforms, self.weights) if w > 0]
        if len(kept) == 1:
            return _forced(kept[0][0])(source)
        index = random.WeightedChoice([w for _, w in kept], label=_sub(self.label, "choice"))
        return _select(index, [_forced(t)(source) for t, _ in kept])


class SomeOf(Composition):
    """Chooses ``n`` of the transforms uniformly per sample (without replacement unless
    ``replace=True``; ``n`` is capped at the number of transforms then) and applies the chosen
    ones in list order, each with its own ``p`` (albumentations' SomeOf). With replacement a
    transform chosen k times runs k times."""

    def __init__(self, transforms, n: int = 1, replace: bool = False, p: float = 1.0, label: Optional[str] = None):
        super().__init__(transforms, p, label)
        if not (isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 0):
            raise ValueError(f"{user_location()}: SomeOf: n must be an int >= 0, not {n!r}")
        self.replace = bool(replace)
        self.n = int(n) if self.replace else min(int(n), len(self.transforms))

    def _apply(self, source):
        m, n = len(self.transforms), self.n
        if n == 0:
            return source
        if not self.replace:
            if n == m:
                for t in self.transforms:
                    source = t(source)
                return source
            # the first n entries of a random permutation are the chosen subset
            order = random.Permutation(m, label=_sub(self.label, "choice"))
            picks = [_scalar(order, k) for k in range(n)]
            for i, t in enumerate(self.transforms):
                chosen = _any([p == i for p in picks])
                source = _when(chosen, t(source), source)
            return source
        picks_v = random.Integer(0, m, shape=[n], label=_sub(self.label, "choice"))
        picks = [_scalar(picks_v, k) for k in range(n)]
        for i, t in enumerate(self.transforms):
            count = _count([p == i for p in picks])
            for k in range(n):   # run t as many times as it was picked
                source = _when(count > k, t(source), source)
        return source


def _any(flags: List[Node]) -> Node:
    out = flags[0]
    for f in flags[1:]:
        out = out | f
    return out


def _count(flags: List[Node]) -> Node:
    out = tensor.Cast(flags[0], dtype="i64")
    for f in flags[1:]:
        out = out + tensor.Cast(f, dtype="i64")
    return out


__all__ = ["Composition", "Compose", "OneOf", "SomeOf", "Sequential"]
