"""What the fusion passes share: who uses a node, attribute values, standing a new node in for
an old one, and the two-way choice between an image and its flip (a toggled flip)."""
from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

from ..flow import Choice
from ..node import Node
from ..opnode import OpNode
from .session import Session


def is_op(n: Node, *names: str) -> bool:
    return isinstance(n, OpNode) and n.op in names


def attribute(n: OpNode, name: str):
    """The attribute's value on ``n``, or the op's default."""
    if name in n.attributes:
        return n.attributes[name]
    return n.op_schema.attribute(name).default


class Users:
    """Every node's users in ``order`` (resolved), and the graph's outputs."""

    def __init__(self, session: Session, order: List[Node], roots: List[Node]):
        self.of: Dict[int, List[Node]] = {}
        for n in order:
            self.of.setdefault(n.id, [])
            for x in n.inputs:
                self.of.setdefault(session.resolve(x).id, []).append(n)
        self.outputs: Set[int] = {session.resolve(r).id for r in roots}

    def only_feed(self, n: Node, *users: Node) -> bool:
        """Whether ``n`` is no output and nothing but ``users`` reads it (so fusing it away does
        not compute it twice)."""
        return n.id not in self.outputs and all(any(u is v for v in users) for u in self.of.get(n.id, []))


def stand_in(session: Session, new: Node, old: Node, source: str, label: str) -> None:
    """``new`` takes ``old``'s place in the program: its key (the fused chains have no random op,
    so keys only need to stay stable), a source line for errors and a display label."""
    new.source = source
    session.keys[new.id] = session.keys.get(old.id, 0)
    session.display[new.id] = label


def toggled_flip(session: Session, users: Users, choice: Node) -> Optional[Tuple[Node, OpNode, bool]]:
    """(unflipped image, flip node, whether a true selector flips) when ``choice`` is a two-way
    choice between an image and its image.flip that nothing else reads; else None."""
    if not (isinstance(choice, Choice) and choice.binary and len(choice.inputs) == 3):
        return None
    resolve = session.resolve
    _, when_false, when_true = (resolve(x) for x in choice.inputs)   # a true selector picks inputs[2]
    for flipped, plain, flips_when_true in ((when_true, when_false, True), (when_false, when_true, False)):
        if is_op(flipped, "image.flip") and resolve(flipped.inputs[0]) is plain and users.only_feed(flipped, choice):
            return plain, flipped, flips_when_true
    return None
