"""Macro expansion to a fixpoint: expand every macro whose inputs hold no macro, repeat."""
from __future__ import annotations

from typing import Dict, List

from ..errors import ProgramError
from ..graph import Graph
from ..macro import Macro
from ..node import Node, as_node
from ..source import expansion_scope
from . import keys
from .infer import infer
from .session import Session

MAX_ROUNDS = 10000


def expand_all(session: Session, roots: List[Node]) -> List[Node]:
    """Expands macros until none is reachable from ``roots``; returns the final topological order."""
    for _ in range(MAX_ROUNDS):
        order = session.topo(roots)
        resolve = session.resolve
        tainted: Dict[int, bool] = {}
        ready: List[Macro] = []
        for n in order:
            below = any(tainted[resolve(x).id] for x in n.inputs)
            if isinstance(n, Macro):
                if not below:
                    ready.append(n)
                tainted[n.id] = True
            else:
                tainted[n.id] = below
        if not ready:
            return order
        typed = [resolve(x) for m in ready if m.needs_types for x in m.inputs]
        if typed:
            infer(session, session.topo(typed))
        for m in ready:
            expand_one(session, m)
    raise ProgramError(f"macro expansion did not finish after {MAX_ROUNDS} rounds (a macro that keeps "
                       "creating macros?)")


def expand_one(session: Session, m: Macro) -> Node:
    scratch = Graph(f"expansion of {session.label(m)}", parent=m.graph)
    scratch.scope = m
    inputs = [session.resolve(x) for x in m.inputs]
    with scratch, expansion_scope(m.source):
        result = m.expand(*inputs)
        if result is None:
            raise TypeError(f"{m.source_text()}: {type(m).__name__}.expand returned None; it must return a node")
        result = as_node(result)
    if result is m:
        raise ProgramError(f"{m.source_text()}: {type(m).__name__}.expand returned the macro itself")
    if not session.graph.owns(result):
        raise ProgramError(f"{m.source_text()}: {type(m).__name__}.expand returned a node of another graph")
    keys.assign(session, scratch.nodes, parent_key=session.keys[m.id])
    prefix = session.label(m)
    for n in scratch.nodes:
        session.display[n.id] = f"{prefix}/{n.label or n.kind_name}"
    session.replace(m, result)
    session.stats["macros"] += 1
    return result
