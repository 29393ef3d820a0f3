"""MixUp and CutMix on Resources: a sample mixed with a partner sample, its class label turned
into the mixed one-hot vector (torchvision v2's MixUp and CutMix), over ``pixelpipes.mix``.

torchvision mixes a *batch* with itself rolled by one (sample i with sample i - 1) and draws one
lambda per batch. A PixelPipes sample is made alone, so the partner is whatever second item the
graph gives (usually another dataset item at a random index) and lambda is drawn per sample: the
same distributions per sample, independent across the batch. Both return a Resource: the first
item's fields with every image field mixed (the same lambda and box for all of them) and the
label field replaced by the f32 vector of ``num_classes`` probabilities.
"""
from __future__ import annotations

import numbers
from typing import Optional, Sequence

from .. import mix
from ..ops import color, image
from ..resource import Resource


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
    if not a.fields_of("image") or set(a.fields_of("image")) != set(b.fields_of("image")):
        raise ValueError(f"{what}: the two items must have the same image fields, at least one")
    return float(alpha), int(num_classes)


class MixUp:
    """``MixUp([sample, partner], num_classes=N, alpha=1.0, labels="label")``: lambda ~
    Beta(alpha, alpha) per sample; every image field becomes lambda * sample + (1 - lambda) *
    partner (integer images rounded and saturated; mix.mixup, color.blend), and the label field
    the f32 vector lambda * one_hot(sample) + (1 - lambda) * one_hot(partner) (mix.targets). The
    image fields of the two items must have the same shapes (resize or crop first); other fields
    are the sample's."""

    references = {"torchvision": "MixUp"}
    differences = {"torchvision": "a partner item per sample and one lambda per sample (torchvision: the batch "
                                  "rolled by one and one lambda per batch); u8 images stay u8, rounded"}

    def __new__(cls, items: Sequence[Resource], *, num_classes: int, alpha: float = 1.0, labels: str = "label",
                label: Optional[str] = None) -> Resource:
        alpha, num_classes = _check(items, alpha, num_classes, labels, "MixUp")
        a, b = items
        names = list(a.fields_of("image"))
        first = mix.mixup(a[names[0]], b[names[0]], alpha, label=label)
        mixed = {names[0]: first.image}
        for name in names[1:]:
            mixed[name] = color.Blend(b[name], a[name], first.weight)
        mixed[labels] = mix.targets(a[labels], b[labels], num_classes, first.weight)
        return a.replace(mixed)


class CutMix:
    """``CutMix([sample, partner], num_classes=N, alpha=1.0, labels="label")``: lambda ~
    Beta(alpha, alpha) per sample and torchvision's box for it (mix.cutmix_box: a center uniform
    over the pixels, half sides int(r W) and int(r H), r = sqrt(1 - lambda) / 2, clipped to the
    image); the box's pixels of every image field come from the partner (image.paste_boxes), and
    the label field is the f32 vector l * one_hot(sample) + (1 - l) * one_hot(partner), l = 1 -
    box area / image area (mix.targets)."""

    references = {"torchvision": "CutMix"}
    differences = {"torchvision": "a partner item per sample and one lambda and box per sample (torchvision: the "
                                  "batch rolled by one, one lambda and box per batch)"}

    def __new__(cls, items: Sequence[Resource], *, num_classes: int, alpha: float = 1.0, labels: str = "label",
                label: Optional[str] = None) -> Resource:
        alpha, num_classes = _check(items, alpha, num_classes, labels, "CutMix")
        a, b = items
        names = list(a.fields_of("image"))
        ref = a[names[0]]
        box, weight = mix.cutmix_box(image.Width(ref), image.Height(ref), alpha, label=label)
        mixed = {name: image.PasteBoxes(a[name], b[name], box) for name in names}
        mixed[labels] = mix.targets(a[labels], b[labels], num_classes, weight)
        return a.replace(mixed)
