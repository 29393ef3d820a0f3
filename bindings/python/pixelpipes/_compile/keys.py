"""Stable node keys: the identity that seeds a random node's stream.

A key is blake2b-64 of what the node is, never of where it was written:

- its structure: kind, op, attributes, the keys of its inputs (a constant by its value, or by the
  identity its maker gave it: a dataset's file list by the paths relative to their folder);
- its label, if the user gave one;
- the key of the macro it was expanded from;
- for a node that draws random numbers, or a macro (whose expansion may), its rank among the
  nodes the outputs use with the same structure, label and macro, in creation order: two
  identical augmentations get two streams. Deterministic nodes are not ranked: identical ones
  compute the same values, so a constant or a ``SampleIndex()`` made elsewhere cannot shift the
  keys downstream of another; nor are nodes no output uses (a node left over in the script).

No file name, line number, working directory or unrelated node enters a key: editing comments,
moving code, adding unrelated nodes or outputs, or moving the data folder changes no stream.
"""
from __future__ import annotations

import hashlib
from typing import Iterable, Optional, Set

import numpy as np

from ..constant_value import identity
from ..flow import Choice
from ..macro import Macro
from ..node import Constant, Node
from ..opnode import OpNode
from .session import Session


def _node_part(node: Node) -> bytes:
    if isinstance(node, OpNode):
        attrs = sorted(node.attributes.items())
        return repr(("op", node.op, attrs)).encode()
    if isinstance(node, Constant):
        h = hashlib.blake2b(digest_size=16)
        if node.identity is not None:
            h.update(b"identity" + repr(_stable(node.identity)).encode("utf-8", "surrogatepass"))
        else:
            _hash_constant(h, node.value)
        return b"const" + h.digest()
    if isinstance(node, Macro):
        params = sorted((k, _stable(v)) for k, v in node.params.items())
        return repr(("macro", type(node).__module__, type(node).__qualname__, params)).encode()
    if isinstance(node, Choice):
        return repr(("choice", type(node).__name__)).encode()
    return repr(("node", type(node).__qualname__)).encode()


def _ranked(node: Node) -> bool:
    """Whether identical copies of the node need streams of their own (see the module doc)."""
    if isinstance(node, OpNode):
        return node.op_schema.random
    return isinstance(node, Macro)


def _stable(v):
    """A representation of a macro parameter that is the same in every process."""
    if v is None or isinstance(v, (bool, int, float, str, bytes)):
        return v
    if isinstance(v, (list, tuple)):
        return tuple(_stable(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((str(k), _stable(x)) for k, x in v.items()))
    if isinstance(v, np.ndarray):
        return (str(v.dtype), v.shape, hashlib.blake2b(v.tobytes(), digest_size=8).hexdigest())
    return type(v).__qualname__


def _hash_constant(h, value) -> None:
    if isinstance(value, np.ndarray):
        h.update(repr(identity(value)[:3]).encode())
        h.update(value.tobytes())
    elif isinstance(value, str):
        h.update(b"s" + value.encode("utf-8", "surrogatepass") + b"\0")
    else:
        h.update(b"l%d[" % len(value))
        for v in value:
            _hash_constant(h, v)
        h.update(b"]")


def used_by(roots: Iterable[Node]) -> Set[int]:
    """The ids of the nodes that ``roots`` depend on, themselves included."""
    seen: Set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node.id not in seen:
            seen.add(node.id)
            stack.extend(node.inputs)
    return seen


def assign(session: Session, nodes: Iterable[Node], parent_key: int = 0, used: Optional[Set[int]] = None) -> None:
    """Gives every node (in creation order) its key; inputs must have theirs already. ``used``:
    the ids of the nodes the outputs use (None: all of them); only those take a rank."""
    keys = session.keys
    counter = session.counter
    for node in nodes:
        if node.id in keys:
            continue
        h = hashlib.blake2b(digest_size=16)
        h.update(_node_part(node))
        for x in node.inputs:
            h.update(keys[x.id].to_bytes(8, "little"))
        # A label names the node wherever it is; otherwise only the structure (and the macro it
        # came from) does: no source location ever enters a key.
        where = "L" + node.label if node.label else ""
        h.update(b"|" + where.encode("utf-8", "surrogatepass"))
        h.update(parent_key.to_bytes(8, "little"))
        sig = h.digest()
        occurrence = 0
        if _ranked(node) and (used is None or node.id in used):
            occurrence = counter.get(sig, 0)
            counter[sig] = occurrence + 1
        final = hashlib.blake2b(sig + occurrence.to_bytes(8, "little"), digest_size=8).digest()
        keys[node.id] = int.from_bytes(final, "little")
