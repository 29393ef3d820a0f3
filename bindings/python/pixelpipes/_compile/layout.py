"""Branch layout: places every node in the innermost branch that alone needs it, then emits the
program with flow.branch / flow.jump around each branch and flow.merge after it.

Regions are paths of (choice id, case) pairs; the root region is (). A node's region is the
longest common prefix of the regions that need it (its users', an output's: the root), so a node
used by one branch only runs inside it, and a node used by both branches (or outside) runs before.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import numpy as np

from .. import registry
from ..errors import UnknownOpError
from ..flow import Choice
from ..node import Node
from .session import Session
from .writer import Writer

Region = Tuple[Tuple[int, int], ...]


def _common(a: Region, b: Region) -> Region:
    if a == b:
        return a
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return a[:i]


def regions(session: Session, order: List[Node], roots: List[Node]) -> Dict[int, Region]:
    resolve = session.resolve
    where: Dict[int, Region] = {}

    def need(node: Node, region: Region) -> None:
        old = where.get(node.id)
        where[node.id] = region if old is None else _common(old, region)

    for r in roots:
        need(resolve(r), ())
    for n in reversed(order):  # every user comes before the nodes it uses
        region = where[n.id]
        if isinstance(n, Choice):
            need(resolve(n.selector), region)
            for k, v in enumerate(n.values):
                need(resolve(v), region + ((n.id, k),))
        else:
            for x in n.inputs:
                need(resolve(x), region)
    return where


def emit(session: Session, order: List[Node], roots: List[Node], w: Writer) -> None:
    where = regions(session, order, roots)
    members: Dict[Region, List[Node]] = {}
    for n in order:
        members.setdefault(where[n.id], []).append(n)

    def emit_region(region: Region) -> None:
        for n in members.get(region, ()):
            if isinstance(n, Choice):
                emit_choice(n, region)
            else:
                w.node(n)

    def emit_choice(c: Choice, region: Region) -> None:
        resolve = session.resolve
        sel = w.slot[resolve(c.selector).id]
        label, source, key = session.label(c), c.source, session.keys.get(c.id, 0)
        n = len(c.values)
        inside = [bool(members.get(region + ((c.id, k),))) for k in range(n)]
        if not any(inside):
            pass  # every value is computed already: a merge is enough
        elif c.binary or n == 2:
            # branch(sel) -> [case 1]; jump E; F: [case 0]; E: merge
            b = w.instruction("flow.branch", [sel], {"target": 0}, key=key, label=label, source=source)
            emit_region(region + ((c.id, 1),))
            j = w.instruction("flow.jump", [], {"target": 0}, key=key, label=label, source=source)
            w.patch_target(b, len(w))
            emit_region(region + ((c.id, 0),))
            w.patch_target(j, len(w))
        else:
            # sel != k for k < n-1: branch to C_k when sel == k; case n-1 runs when none matched.
            test_op = _test_op()
            branches = []
            for k in range(n - 1):
                if test_op == "list.element":  # [sel != k for each possible sel][sel]
                    table = tuple(_bool(i != k) for i in range(n))
                    kc = w.instruction("core.constant", [], {"index": w.constant_index(table)}, label=label,
                                       source=source)
                    t = w.instruction(test_op, [kc, sel], None, key=key, label=label, source=source)
                else:
                    kc = w.instruction("core.constant", [], {"index": w.constant_index(_i64(k))}, label=label,
                                       source=source)
                    t = w.instruction(test_op, [sel, kc], None, key=key, label=label, source=source)
                branches.append(w.instruction("flow.branch", [t], {"target": 0}, key=key, label=label,
                                              source=source))
            jumps = []
            for k in range(n - 1, -1, -1):
                if k < n - 1:
                    w.patch_target(branches[k], len(w))
                emit_region(region + ((c.id, k),))
                if k > 0:
                    jumps.append(w.instruction("flow.jump", [], {"target": 0}, key=key, label=label,
                                               source=source))
            for j in jumps:
                w.patch_target(j, len(w))
        inputs = [sel] + [w.slot[resolve(v).id] for v in c.values]
        w.slot[c.id] = w.instruction("flow.merge", inputs, None, key=key, label=label, source=source, node=c)

    emit_region(())


def _test_op() -> str:
    for name in ("math.not_equal", "list.element"):
        if registry.has(name):
            return name
    raise UnknownOpError("a Switch of more than two options needs math.not_equal or list.element")


def _bool(b: bool) -> np.ndarray:
    a = np.array(b, dtype=np.bool_)
    a.setflags(write=False)
    return a


def _i64(k: int) -> np.ndarray:
    a = np.array(k, dtype=np.int64)
    a.setflags(write=False)
    return a
