"""MixUp and CutMix: a sample mixed with a partner sample, its class label turned into the mixed
one-hot vector (torchvision v2's MixUp and CutMix).

torchvision mixes a *batch* with itself rolled by one (sample i with sample i - 1) and draws one
lambda per batch. A PixelPipes sample is made alone, so the partner is whatever second item the
graph gives (usually another dataset item at a random index; examples/ and docs/augment.md show
it) and lambda is drawn per sample: the same distributions per sample, independent across the
batch. Both return a Resource: the first item's fields with every image field mixed and the label
field replaced by the f32 vector of ``num_classes`` probabilities.
"""
from __future__ import annotations

import numbers
from typing import Optional, Sequence

import numpy as np

from ..node import Constant
from ..ops import color, image, random, tensor
from ..ops import math as _math
from ..resource import Resource
from ._common import _size_f32, _sub


def _check(items, alpha, num_classes, labels, what):
    if not isinstance(items, (list, tuple)) or len(items) != 2 or not all(isinstance(r, Resource) for r in items):
        raise ValueError(f"{what} takes a list of two Resources (the sample and its partner), not {items!r}")
    if not isinstance(alpha, numbers.Real) or isinstance(alpha, bool) or not alpha > 0:
        raise ValueError(f"alpha must be a number > 0, not {alpha!r}")
    if not isinstance(num_classes, numbers.Integral) or isinstance(num_classes, bool) or num_classes < 1:
        raise ValueError(f"num_classes must be an integer >= 1, not {num_classes!r}")
    for r in items:
        if labels not in r:
            raise ValueError(f"{what}: the label field {labels!r} is not in the resource (fields: {', '.join(r)})")
    a, b = items
    if set(a.fields_of("image")) != set(b.fields_of("image")):
        raise ValueError(f"{what}: the two items must have the same image fields")
    return float(alpha), int(num_classes)


def _one_hot(label_node, num_classes: int):
    """The f32 one-hot row of an integer class index (an out-of-range index is a run-time error)."""
    eye = Constant(np.eye(num_classes, dtype=np.float32))
    index = tensor.Reshape(tensor.Cast(label_node, dtype="i64"), shape=[1])
    return tensor.Reshape(tensor.Gather(eye, index, axis=0), shape=[num_classes])


def _mix_labels(a, b, labels: str, num_classes: int, weight):
    """weight * one_hot(a) + (1 - weight) * one_hot(b), f32."""
    w = tensor.Cast(weight, dtype="f32")
    return _math.Add(_math.Multiply(_one_hot(a[labels], num_classes), w),
                     _math.Multiply(_one_hot(b[labels], num_classes), _math.Subtract(1.0, w)))


class MixUp:
    """``MixUp([sample, partner], num_classes=N, alpha=1.0, labels="label")``: lambda ~
    Beta(alpha, alpha) per sample; every image field becomes lambda * sample + (1 - lambda) *
    partner (integer images rounded and saturated; color.blend), and the label field the f32
    vector lambda * one_hot(sample) + (1 - lambda) * one_hot(partner). The image fields of the two
    items must have the same shapes (resize or crop first); other fields are the sample's.
    torchvision's MixUp draws one lambda per batch and pairs sample i with sample i - 1."""

    references = {"torchvision": "MixUp"}
    differences = {"torchvision": "a partner item per sample and one lambda per sample (torchvision: the batch "
                                  "rolled by one and one lambda per batch); u8 images stay u8, rounded"}

    def __new__(cls, items: Sequence[Resource], *, num_classes: int, alpha: float = 1.0, labels: str = "label",
                label: Optional[str] = None) -> Resource:
        alpha, num_classes = _check(items, alpha, num_classes, labels, "MixUp")
        a, b = items
        lam = random.Beta(alpha, alpha, dtype="f64", label=_sub(label, "lambda"))
        mixed = {name: color.Blend(node, b[name], _math.Subtract(1.0, lam)) for name, node in a.fields_of("image").items()}
        mixed[labels] = _mix_labels(a, b, labels, num_classes, lam)
        return a.replace(mixed)


class CutMix:
    """``CutMix([sample, partner], num_classes=N, alpha=1.0, labels="label")``: lambda ~
    Beta(alpha, alpha) per sample, a box centered at (integer(0, W - 1), integer(0, H - 1)) with
    half sides int(r W) and int(r H), r = sqrt(1 - lambda) / 2, clipped to the image; the box's
    pixels of every image field come from the partner (image.paste_boxes), and the label field is
    the f32 vector l * one_hot(sample) + (1 - l) * one_hot(partner), l = 1 - box area / image area
    (torchvision's CutMix and its box, per sample instead of per batch)."""

    references = {"torchvision": "CutMix"}
    differences = {"torchvision": "a partner item per sample and one lambda and box per sample (torchvision: the "
                                  "batch rolled by one, one lambda and box per batch)"}

    def __new__(cls, items: Sequence[Resource], *, num_classes: int, alpha: float = 1.0, labels: str = "label",
                label: Optional[str] = None) -> Resource:
        alpha, num_classes = _check(items, alpha, num_classes, labels, "CutMix")
        a, b = items
        ref = a.reference()
        w, h = _size_f32(ref)   # f32 width and height
        wd, hd = tensor.Cast(w, dtype="f64"), tensor.Cast(h, dtype="f64")
        lam = random.Beta(alpha, alpha, dtype="f64", label=_sub(label, "lambda"))
        cx = tensor.Cast(random.Integer(0, tensor.Cast(w, dtype="i64"), label=_sub(label, "x")), dtype="f64")
        cy = tensor.Cast(random.Integer(0, tensor.Cast(h, dtype="i64"), label=_sub(label, "y")), dtype="f64")
        r = _math.Multiply(_math.Sqrt(_math.Subtract(1.0, lam)), 0.5)
        half_w = _math.Floor(_math.Multiply(r, wd))
        half_h = _math.Floor(_math.Multiply(r, hd))
        x1 = _math.Maximum(_math.Subtract(cx, half_w), 0.0)
        y1 = _math.Maximum(_math.Subtract(cy, half_h), 0.0)
        x2 = _math.Minimum(_math.Add(cx, half_w), wd)
        y2 = _math.Minimum(_math.Add(cy, half_h), hd)
        box = tensor.Stack(x1, y1, x2, y2)
        kept = _math.Subtract(1.0, _math.Divide(_math.Multiply(_math.Subtract(x2, x1), _math.Subtract(y2, y1)),
                                                _math.Multiply(wd, hd)))
        mixed = {name: image.PasteBoxes(node, b[name], box) for name, node in a.fields_of("image").items()}
        mixed[labels] = _mix_labels(a, b, labels, num_classes, kept)
        return a.replace(mixed)
