"""Sizes known from types become constants: ``image.width(x)`` of an image whose type knows its
width is that number, at compile time. Constant folding then carries it through arithmetic
(``width * 0.4``), so an op sized by it (image.resize) gets a known shape, and its batches stack
into one array instead of a list."""
from __future__ import annotations

from typing import Callable, Dict, List, Optional

import numpy as np

from ..node import Node
from ..opnode import OpNode
from ..types import Type
from .infer import infer
from .optimize import replace_with_constant
from .session import Session


def _image_dims(t: Type):
    """(height, width, channels) of an image type, each None where unknown."""
    if t.kind != "tensor" or t.shape is None or len(t.shape) not in (2, 3):
        return None, None, None
    return t.shape[0], t.shape[1], (t.shape[2] if len(t.shape) == 3 else 1)


def _scalar(k: Optional[int]):
    return None if k is None else np.int64(k)


def _vector(values) -> Optional[np.ndarray]:
    return None if values is None or any(v is None for v in values) else np.array(values, np.int64)


# op -> the constant it is, from its input's type (None: not known)
_FROM_TYPE: Dict[str, Callable[[Type], object]] = {
    "image.height": lambda t: _scalar(_image_dims(t)[0]),
    "image.width": lambda t: _scalar(_image_dims(t)[1]),
    "image.channels": lambda t: _scalar(_image_dims(t)[2]),
    "image.info": lambda t: _vector(_image_dims(t)) if _image_dims(t)[0] is not None else None,
    "tensor.shape": lambda t: (_vector(t.shape) if t.kind == "tensor" and t.shape is not None else None),
}


def fold_known_sizes(session: Session, order: List[Node]) -> int:
    """Replaces the size queries of ``order`` whose answer the types know; returns how many."""
    resolve = session.resolve
    queries = [n for n in order if isinstance(n, OpNode) and n.op in _FROM_TYPE]
    if not queries:
        return 0
    subjects = [resolve(n.inputs[0]) for n in queries]
    infer(session, session.topo(subjects))  # fresh types: earlier folds may have made them known
    graph = session.scratch()
    replaced = 0
    for node, subject in zip(queries, subjects):
        value = _FROM_TYPE[node.op](subject._type) if subject._type is not None else None
        if value is not None:
            replace_with_constant(session, graph, node, value)
            replaced += 1
    return replaced
