"""Mixup and CutMix: a sample blended with a second one, per sample, with torchvision v2's
semantics (``torchvision.transforms.v2.MixUp`` / ``CutMix``), and the soft targets that go with
them. The second image usually comes from a second dataset item (``ds.item(label="partner")``: its
own order over the same positions), so every sample gets another random partner each epoch::

    a = ds.load(ds.item())
    b = ds.load(ds.item(label="partner"))
    mixed = mix.mixup(a.image, b.image, alpha=0.4)
    target = mix.targets(a.label, b.label, num_classes, mixed.weight)

``weight`` (lambda) is the share of the first image: ``image = weight * a + (1 - weight) * b``
(mixup), or ``a`` with a box of ``b`` pasted in, ``weight`` being the share of ``a`` left
(cutmix); ``targets`` mixes one-hot labels with the same weight. Everything is graph nodes: no
Python per sample, bit-exact by (seed, sample) like every random op.
"""
from __future__ import annotations

from typing import NamedTuple, Optional, Tuple

import numpy as np

from .node import Node, NodeLike, as_node
from .ops import color, image as _image, math as _math, random, tensor
from .source import user_location


class Mixed(NamedTuple):
    image: Node   #: the blended image (the dtype of the first image for mixup and cutmix alike)
    weight: Node  #: f32 scalar lambda: the share of the first image (and of its target)


def _sub(label: Optional[str], part: str) -> Optional[str]:
    return f"{label}.{part}" if label else None


def _alpha(alpha) -> float:
    try:
        a = float(alpha)
    except (TypeError, ValueError):
        raise TypeError(f"{user_location()}: alpha must be a number, not {type(alpha).__name__}") from None
    if not (a > 0 and np.isfinite(a)):
        raise ValueError(f"{user_location()}: alpha must be a finite number > 0 (the Beta(alpha, alpha) "
                         f"concentration), not {alpha!r}")
    return a


def mixup(a: NodeLike, b: NodeLike, alpha: float = 1.0, *, label: Optional[str] = None) -> Mixed:
    """``weight ~ Beta(alpha, alpha)``; ``image = weight * a + (1 - weight) * b`` (color.blend:
    integer images rounded and saturated). torchvision's MixUp with the partner given."""
    alpha = _alpha(alpha)
    weight = random.Beta(alpha, alpha, label=_sub(label, "weight"))
    return Mixed(color.Blend(as_node(b), as_node(a), weight, label=label), weight)


def cutmix_box(width: NodeLike, height: NodeLike, alpha: float = 1.0, *,
               label: Optional[str] = None) -> Tuple[Node, Node]:
    """torchvision's CutMix box for a ``width`` x ``height`` image: ``l ~ Beta(alpha, alpha)``, a
    center ``(cx, cy)`` uniform over the pixels, half-sizes ``floor(0.5 * sqrt(1 - l) * W)`` and
    ``floor(0.5 * sqrt(1 - l) * H)``, clipped to the image. Returns ``(box, weight)``: the box as
    f32 ``[x1, y1, x2, y2]`` in whole pixels, and ``1 - box area / (W * H)``, the share of the
    image left outside it."""
    alpha = _alpha(alpha)
    width, height = as_node(width), as_node(height)
    lam = random.Beta(alpha, alpha, dtype="f64", label=_sub(label, "lambda"))
    cx = random.Integer(0, width, label=_sub(label, "x"))
    cy = random.Integer(0, height, label=_sub(label, "y"))
    r = _math.Sqrt(1.0 - lam) * 0.5
    half_w = tensor.Cast(_math.Floor(r * tensor.Cast(width, dtype="f64")), dtype="i64")
    half_h = tensor.Cast(_math.Floor(r * tensor.Cast(height, dtype="f64")), dtype="i64")
    x1, x2 = _math.Maximum(cx - half_w, 0), _math.Minimum(cx + half_w, width)
    y1, y2 = _math.Maximum(cy - half_h, 0), _math.Minimum(cy + half_h, height)
    box = tensor.Cast(tensor.Stack(x1, y1, x2, y2), dtype="f32")
    area = tensor.Cast((x2 - x1) * (y2 - y1), dtype="f32") / tensor.Cast(width * height, dtype="f32")
    return box, 1.0 - area


def cutmix(a: NodeLike, b: NodeLike, alpha: float = 1.0, *, label: Optional[str] = None) -> Mixed:
    """torchvision's CutMix: the box of ``cutmix_box`` for ``a``'s size, its pixels taken from
    ``b`` (image.paste_boxes); ``weight`` is the share of ``a`` left. ``a`` and ``b`` have the
    same size and dtype."""
    a, b = as_node(a), as_node(b)
    box, weight = cutmix_box(_image.Width(a), _image.Height(a), alpha, label=label)
    return Mixed(_image.PasteBoxes(a, b, box, label=label), weight)


def one_hot(label: NodeLike, num_classes: int) -> Node:
    """f32 ``[num_classes]``: 1 at ``label``, 0 elsewhere (a row of a constant identity: a view)."""
    n = int(num_classes)
    if n < 1:
        raise ValueError(f"{user_location()}: num_classes must be at least 1, not {num_classes!r}")
    label = as_node(label)
    eye = np.eye(n, dtype=np.float32)
    return tensor.Reshape(tensor.Slice(eye, label, label + 1), shape=[n])


def targets(label_a: NodeLike, label_b: NodeLike, num_classes: int, weight: NodeLike) -> Node:
    """Soft targets f32 ``[num_classes]``: ``weight * one_hot(a) + (1 - weight) * one_hot(b)``."""
    return one_hot(label_a, num_classes) * weight + one_hot(label_b, num_classes) * (1.0 - as_node(weight))


__all__ = ["Mixed", "mixup", "cutmix", "cutmix_box", "one_hot", "targets"]
