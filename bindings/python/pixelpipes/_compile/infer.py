"""Type inference through the library: emit the nodes as a program, load it, read every type."""
from __future__ import annotations

from typing import List

from ..node import Node
from ..program import Program
from ..types import Type
from .session import Session
from .writer import flat_program


def infer_node(session: Session, node: Node) -> None:
    """Infers the type of a node made during expansion (a macro asking for its own nodes' types);
    the compiler installs it for ``Node.type`` (pixelpipes.type_lookup)."""
    from ..macro import Macro
    nodes = session.topo([node])
    pending = [n for n in nodes if isinstance(n, Macro)]
    if pending:
        raise RuntimeError(f"{node.source_text()}: the type of {node!r} depends on the macro "
                           f"{pending[0]!r}, which is expanded later; return the node instead")
    if any(n._type is None for n in nodes):
        infer(session, nodes)


def infer(session: Session, nodes: List[Node]) -> None:
    """Sets ``node._type`` for every node in ``nodes`` (a closed, topologically ordered list).

    A type error raises (TypeCheckError ...) naming the node's op, label and the user's line.
    """
    if not nodes:
        return
    session.stats["inference_rounds"] += 1
    w = flat_program(session, nodes, {}, guard=True)
    program = Program(w.to_bytes({}))
    for ins, node in zip(program.instructions, w.nodes):
        if node is not None:
            node._type = Type.from_json(ins.get("type") or {})
