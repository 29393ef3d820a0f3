"""Common-subexpression removal and constant folding."""
from __future__ import annotations

from typing import Any, Dict, List

import numpy as np

from ..constant_value import identity, normalize
from ..errors import PixelpipesError
from ..flow import Choice
from ..node import Constant, Node
from ..opnode import OpNode
from ..pipeline import Pipeline
from ..program import Program
from .layout import regions
from .session import Session
from .writer import flat_program

#: folded values larger than this stay computed at load time instead of growing the program
MAX_FOLDED_BYTES = 1 << 20


def _freeze(v: Any):
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    return (type(v).__name__, v)


def _attrs(n: OpNode):
    given = n.attributes
    items = []
    for spec in n.op_schema.attributes:
        v = given[spec.name] if spec.name in given else spec.default
        items.append((spec.name, _freeze(v)))
    return tuple(items)


def cse(session: Session, order: List[Node], roots: List[Node]) -> None:
    """Merges nodes that compute the same thing from the same inputs. Random nodes are never merged
    (each has its own stream); constants are merged by exact value (dtype, shape and bytes).

    A node is merged only into one that runs whenever it would (same branch, or an enclosing
    one), so merging never makes work that a branch skipped run unconditionally.
    """
    where = regions(session, order, roots)
    table: Dict[Any, List[Node]] = {}
    resolve = session.resolve
    for n in order:
        if isinstance(n, Constant):
            sig = ("c", identity(n.value))
        else:
            ins = tuple(resolve(x).id for x in n.inputs)
            if isinstance(n, OpNode):
                if n.op_schema.random:
                    continue
                sig = ("op", n.op, _attrs(n), ins)
            elif isinstance(n, Choice):
                sig = ("choice", n.binary, ins)
            else:
                continue
        reps = table.get(sig)
        if reps is None:
            table[sig] = [n]
            continue
        r = where[n.id]
        for k, rep in enumerate(reps):
            q = where[rep.id]
            if isinstance(n, Constant) or r[:len(q)] == q:      # rep runs whenever n would
                session.replace(n, rep)
                session.stats["merged"] += 1
                break
            if q[:len(r)] == r:                                  # n runs whenever rep would
                session.replace(rep, n)
                session.stats["merged"] += 1
                reps[k] = n
                break
        else:
            reps.append(n)


def _foldable_op(n: Node) -> bool:
    if not isinstance(n, OpNode):
        return False
    s = n.op_schema
    return s.pure and not s.random and s.control == "none"


def _nbytes(value) -> int:
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, str):
        return len(value)
    return sum(_nbytes(v) for v in value)


def static_choices(session: Session, order: List[Node]) -> None:
    """A branch whose selector is a constant is replaced by the chosen value."""
    resolve = session.resolve
    for n in order:
        if isinstance(n, Choice):
            sel = resolve(n.selector)
            if isinstance(sel, Constant) and isinstance(sel.value, np.ndarray) and sel.value.ndim == 0 \
                    and sel.value.dtype.kind in "biu":
                k = int(sel.value)
                if 0 <= k < len(n.values):
                    session.replace(n, resolve(n.values[k]))


def fold(session: Session, order: List[Node], roots: List[Node]) -> None:
    """Evaluates every pure, non-random op whose inputs are all constant (natively, by running
    the subgraph once) and replaces it by a Constant."""
    resolve = session.resolve
    is_const: Dict[int, bool] = {}
    for n in order:
        if isinstance(n, Constant):
            is_const[n.id] = True
        else:
            is_const[n.id] = _foldable_op(n) and all(is_const[resolve(x).id] for x in n.inputs)
    frontier: Dict[int, Node] = {}
    for n in order:
        if not is_const[n.id]:
            for x in n.inputs:
                x = resolve(x)
                if is_const[x.id] and not isinstance(x, Constant):
                    frontier[x.id] = x
    for r in roots:
        r = resolve(r)
        if is_const[r.id] and not isinstance(r, Constant):
            frontier[r.id] = r
    if not frontier:
        return
    targets = list(frontier.values())
    try:
        values = _evaluate(session, targets)
    except PixelpipesError:
        # Some constant computation fails: fold the others one by one; the failing ones stay in
        # the program, where they raise only if (and when) a sample needs them.
        values = []
        for t in targets:
            try:
                values.append(_evaluate(session, [t])[0])
            except PixelpipesError:
                values.append(_FAILED)
    graph = session.scratch()
    for node, value in zip(targets, values):
        if value is _FAILED:
            continue
        value = normalize(_owned(value))
        if _nbytes(value) > MAX_FOLDED_BYTES:
            continue
        replace_with_constant(session, graph, node, value)


def replace_with_constant(session: Session, graph, node: Node, value) -> None:
    """Puts a Constant of ``value`` in place of ``node``: same label, source line, key and name in
    the listing, so errors and the disassembly still point at the user's node."""
    with graph:
        c = Constant(value, label=node.label)
    c.source = node.source
    session.keys[c.id] = session.keys.get(node.id, 0)
    session.display[c.id] = session.label(node)
    session.replace(node, c)
    session.stats["folded"] += 1


_FAILED = object()


def _owned(value):
    """Copies zero-copy arrays out of the sample that made them."""
    if isinstance(value, np.ndarray):
        return np.array(value, copy=True)
    if isinstance(value, list):
        return [_owned(v) for v in value]
    return value


def _evaluate(session: Session, targets: List[Node]) -> list:
    nodes = session.topo(targets)
    w = flat_program(session, nodes, {}, guard=False)
    names = {f"v{i}": w.slot[t.id] for i, t in enumerate(targets)}
    pipeline = Pipeline(Program(w.to_bytes(names)), seed=0, threads=1)
    result = pipeline.run(0)
    return [result[f"v{i}"] for i in range(len(targets))]
