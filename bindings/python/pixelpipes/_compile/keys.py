"""Stable node keys: the identity that seeds a random node's stream.

key = blake2b-64 of (what the node computes: kind, op, attributes, the keys of its inputs;
where the user made it: the label if given, else ``basename:line`` (for a node expanded from a
macro, nothing: the macro's key stands for its place); the key of the macro it was expanded from; and an occurrence counter among nodes otherwise identical). Nothing depends on
other, unrelated nodes, so adding a node leaves every other key (and random stream) unchanged.
"""
from __future__ import annotations

import hashlib
from typing import Iterable

import numpy as np

from ..constant_value import identity
from ..flow import Choice
from ..macro import Macro
from ..node import Constant, Node
from ..opnode import OpNode
from ..source import key_part
from .session import Session


def _node_part(node: Node) -> bytes:
    if isinstance(node, OpNode):
        attrs = sorted(node.attributes.items())
        return repr(("op", node.op, attrs)).encode()
    if isinstance(node, Constant):
        h = hashlib.blake2b(digest_size=16)
        _hash_constant(h, node.value)
        return b"const" + h.digest()
    if isinstance(node, Macro):
        params = sorted((k, _stable(v)) for k, v in node.params.items())
        return repr(("macro", type(node).__module__, type(node).__qualname__, params)).encode()
    if isinstance(node, Choice):
        return repr(("choice", type(node).__name__)).encode()
    return repr(("node", type(node).__qualname__)).encode()


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


def assign(session: Session, nodes: Iterable[Node], parent_key: int = 0) -> None:
    """Gives every node (in creation order) its key; inputs must have theirs already."""
    keys = session.keys
    counter = session.counter
    for node in nodes:
        if node.id in keys:
            continue
        h = hashlib.blake2b(digest_size=16)
        h.update(_node_part(node))
        for x in node.inputs:
            h.update(keys[x.id].to_bytes(8, "little"))
        # Inside a macro's expansion the parent key already says where the node comes from;
        # its own source line is wherever compile() ran, which must not move its stream.
        if node.label:
            where = "L" + node.label
        elif parent_key:
            where = "M"
        else:
            where = "S" + key_part(node.source)
        h.update(b"|" + where.encode("utf-8", "surrogatepass"))
        h.update(parent_key.to_bytes(8, "little"))
        sig = h.digest()
        occurrence = counter.get(sig, 0)
        counter[sig] = occurrence + 1
        final = hashlib.blake2b(sig + occurrence.to_bytes(8, "little"), digest_size=8).digest()
        keys[node.id] = int.from_bytes(final, "little")
