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

from typing import Dict, List, Set

from ..flow import Choice
from ..node import Node
from ..opnode import OpNode
from .session import Session


def _is_op(n: Node, name: str) -> bool:
    return isinstance(n, OpNode) and n.op == name


def _attribute(n: OpNode, name: str):
    if name in n.attributes:
        return n.attributes[name]
    return n.op_schema.attribute(name).default


def _users(session: Session, order: List[Node]) -> Dict[int, List[Node]]:
    users: Dict[int, List[Node]] = {}
    for n in order:
        users.setdefault(n.id, [])
        for x in n.inputs:
            users.setdefault(session.resolve(x).id, []).append(n)
    return users


def _only_feeds(n: Node, user: Node, users: Dict[int, List[Node]], outputs: Set[int]) -> bool:
    """Whether ``user`` is the only consumer of ``n`` (so fusing does not compute ``n`` twice)."""
    return n.id not in outputs and all(u is user for u in users.get(n.id, []))


def _stand_in(session: Session, new: Node, old: Node, source: str, label: str) -> None:
    new.source = source
    session.keys[new.id] = session.keys.get(old.id, 0)
    session.display[new.id] = label


def fuse_pixel_chains(session: Session, order: List[Node], roots: List[Node]) -> None:
    """Applies both rewrites to every match in ``order``."""
    resolve = session.resolve
    users = _users(session, order)
    outputs = {resolve(r).id for r in roots}
    for node in order:
        if _is_op(node, "color.saturation"):
            _color_chain(session, node, users, outputs)
        elif _is_op(node, "color.normalize"):
            _flip_normalize(session, node, users, outputs)


def _color_chain(session: Session, saturation: OpNode, users, outputs) -> None:
    resolve = session.resolve
    contrast = resolve(saturation.inputs[0])
    if not _is_op(contrast, "color.contrast") or not _only_feeds(contrast, saturation, users, outputs):
        return
    brightness = resolve(contrast.inputs[0])
    if not _is_op(brightness, "color.brightness") or not _only_feeds(brightness, contrast, users, outputs):
        return
    with session.scratch():
        fused = OpNode("color.brightness_contrast_saturation", resolve(brightness.inputs[0]),
                       resolve(brightness.inputs[1]), resolve(contrast.inputs[1]), resolve(saturation.inputs[1]))
    label = " -> ".join(session.label(n) for n in (brightness, contrast, saturation))
    _stand_in(session, fused, saturation, source=brightness.source, label=label)
    session.replace(saturation, fused)
    session.stats["fused"] += 1


def _flip_normalize(session: Session, normalize: OpNode, users, outputs) -> None:
    resolve = session.resolve
    choice = resolve(normalize.inputs[0])
    if not (isinstance(choice, Choice) and choice.binary and len(choice.inputs) == 3):
        return
    if not _only_feeds(choice, normalize, users, outputs):
        return
    selector, unflipped, flipped = (resolve(x) for x in choice.inputs)  # a true selector picks inputs[2]
    if not _is_op(flipped, "image.flip") or _attribute(flipped, "axis") != "horizontal":
        return
    if resolve(flipped.inputs[0]) is not unflipped or not _only_feeds(flipped, choice, users, outputs):
        return
    with session.scratch():
        fused = OpNode("color.flip_normalize", unflipped, selector, resolve(normalize.inputs[1]),
                       resolve(normalize.inputs[2]), **normalize.attributes)
    label = f"{session.label(choice)} -> {session.label(normalize)}"
    _stand_in(session, fused, normalize, source=normalize.source, label=label)
    session.replace(normalize, fused)
    session.stats["fused"] += 1
