"""Fusion of per-pixel chains into one-pass ops, with results the same bit for bit:

- ``color.saturation(color.contrast(color.brightness(x, b), c), s)``, each intermediate used only
  by the next, becomes ``color.brightness_contrast_saturation(x, b, c, s)`` (u8 images: two
  passes over the pixels instead of five);
- ``color.normalize`` of a two-way choice (``Toggle`` / ``Conditional``) between an image and its
  horizontal ``image.flip`` becomes ``color.flip_normalize`` with the choice's selector: the flip
  happens inside normalize's single pass and the branch disappears.

No op of these chains is random, and the selectors keep their nodes, so no random stream moves:
each fused node takes the key of the node it replaces, and the source line of the chain's first
op (errors there are about the image the user passed in).
"""
from __future__ import annotations

from typing import List

from ..node import Node
from ..opnode import OpNode
from .rewrite import Users, attribute, is_op, stand_in, toggled_flip
from .session import Session


def fuse_pixel_chains(session: Session, order: List[Node], roots: List[Node]) -> None:
    """Applies both rewrites to every match in ``order``."""
    users = Users(session, order, roots)
    for node in order:
        if is_op(node, "color.saturation"):
            _color_chain(session, node, users)
        elif is_op(node, "color.normalize"):
            _flip_normalize(session, node, users)


def _color_chain(session: Session, saturation: OpNode, users: Users) -> None:
    resolve = session.resolve
    contrast = resolve(saturation.inputs[0])
    if not is_op(contrast, "color.contrast") or not users.only_feed(contrast, saturation):
        return
    brightness = resolve(contrast.inputs[0])
    if not is_op(brightness, "color.brightness") or not users.only_feed(brightness, contrast):
        return
    with session.scratch():
        fused = OpNode("color.brightness_contrast_saturation", resolve(brightness.inputs[0]),
                       resolve(brightness.inputs[1]), resolve(contrast.inputs[1]), resolve(saturation.inputs[1]))
    label = " -> ".join(session.label(n) for n in (brightness, contrast, saturation))
    stand_in(session, fused, saturation, source=brightness.source, label=label)
    session.replace(saturation, fused)
    session.stats["fused"] += 1


def _flip_normalize(session: Session, normalize: OpNode, users: Users) -> None:
    resolve = session.resolve
    choice = resolve(normalize.inputs[0])
    toggled = toggled_flip(session, users, choice)
    if toggled is None or not users.only_feed(choice, normalize):
        return
    unflipped, flipped, flips_when_true = toggled
    if not flips_when_true or attribute(flipped, "axis") != "horizontal":
        return   # flip_normalize flips when its selector is true, left to right
    with session.scratch():
        fused = OpNode("color.flip_normalize", unflipped, resolve(choice.inputs[0]), resolve(normalize.inputs[1]),
                       resolve(normalize.inputs[2]), **normalize.attributes)
    label = f"{session.label(choice)} -> {session.label(normalize)}"
    stand_in(session, fused, normalize, source=normalize.source, label=label)
    session.replace(normalize, fused)
    session.stats["fused"] += 1
