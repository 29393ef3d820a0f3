"""Program bytes: instructions and constants in the msgpack format of docs/program-format.md."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import msgpack

from .._lib import lib, version
from ..constant_value import encode, identity
from ..flow import Choice
from ..node import Constant, Node
from ..opnode import OpNode
from .session import Session

MAGIC = "PXPP"
FORMAT = [lib.PXP_PROGRAM_FORMAT_MAJOR, lib.PXP_PROGRAM_FORMAT_MINOR]


class Writer:
    def __init__(self, session: Session):
        self.session = session
        self.instructions: List[Dict[str, Any]] = []
        self.constants: List[Any] = []
        self.nodes: List[Optional[Node]] = []    # the node behind each instruction (None: control)
        self._const_index: Dict[Any, int] = {}
        self.slot: Dict[int, int] = {}           # node id -> slot

    def __len__(self) -> int:
        return len(self.instructions)

    def constant_index(self, value) -> int:
        ident = identity(value)
        i = self._const_index.get(ident)
        if i is None:
            i = self._const_index[ident] = len(self.constants)
            self.constants.append(value)
        return i

    def instruction(self, op: str, inputs=(), attributes=None, key: int = 0, label: str = "",
                    source: str = "", node: Optional[Node] = None) -> int:
        ins: Dict[str, Any] = {"op": op}
        if inputs:
            ins["inputs"] = list(inputs)
        if attributes:
            ins["attributes"] = attributes
        ins["key"] = key
        if label:
            ins["label"] = label
        if source:
            ins["source"] = source
        self.instructions.append(ins)
        self.nodes.append(node)
        return len(self.instructions) - 1

    def patch_target(self, slot: int, target: int) -> None:
        self.instructions[slot]["attributes"]["target"] = target

    def node(self, n: Node) -> int:
        """Emits one node whose inputs are already emitted; a Choice becomes a bare flow.merge."""
        s = self.session
        inputs = [self.slot[s.resolve(x).id] for x in n.inputs]
        common = dict(key=s.keys.get(n.id, 0), label=s.label(n), source=n.source, node=n)
        if isinstance(n, Constant):
            slot = self.instruction("core.constant", (), {"index": self.constant_index(n.value)}, **common)
        elif isinstance(n, OpNode):
            slot = self.instruction(n.op, inputs, dict(n.attributes), **common)
        elif isinstance(n, Choice):
            slot = self.instruction("flow.merge", inputs, None, **common)
        else:
            raise TypeError(f"{n.source_text()}: {n!r} cannot be compiled (was a macro left unexpanded?)")
        self.slot[n.id] = slot
        return slot

    def to_bytes(self, outputs: Dict[str, int], metadata: Optional[Dict[str, Any]] = None) -> bytes:
        meta = {"generator": f"pixelpipes-python {version()}"}
        if metadata:
            meta.update(metadata)
        program = {
            "magic": MAGIC,
            "version": FORMAT,
            "constants": [encode(c) for c in self.constants],
            "instructions": self.instructions,
            "outputs": outputs,
            "metadata": meta,
        }
        return msgpack.packb(program, use_bin_type=True)


def flat_program(session: Session, nodes: List[Node], outputs: Dict[str, Node], guard: bool) -> Writer:
    """Straight-line program of ``nodes`` (topological order). With ``guard``, everything sits in a
    branch that is always taken, so the library infers types but does not raise errors that
    evaluating constants would give (those belong to the run, and only to taken branches)."""
    w = Writer(session)
    if guard:
        true = w.instruction("core.constant", (), {"index": w.constant_index(_TRUE)}, label="guard")
        w.instruction("flow.branch", [true], {"target": 0}, label="guard")
    for n in nodes:
        w.node(n)
    if guard:
        w.patch_target(1, len(w))
    return w


import numpy as _np  # noqa: E402

_TRUE = _np.array(True)
_TRUE.setflags(write=False)
