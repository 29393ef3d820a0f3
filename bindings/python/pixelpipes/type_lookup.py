"""How a node learns its inferred type while macros expand, without the DSL importing the compiler.

A ``Macro`` may look at the types of its inputs (``node.type``). Types are known only inside a
compilation, so the compiler installs, for as long as it expands macros on a thread, a function
that infers a node's type (and its inputs'); ``Node.type`` asks :func:`active`. The DSL (graph,
node, op classes, macros, flow) imports this module and nothing of ``_compile``."""
from __future__ import annotations

import contextlib
import threading
from typing import Callable, Iterator, Optional

_local = threading.local()


def active() -> Optional[Callable]:
    """The type-inference function of the compilation running on this thread, or None."""
    stack = getattr(_local, "stack", None)
    return stack[-1] if stack else None


@contextlib.contextmanager
def answering(infer_node: Callable) -> Iterator[None]:
    """``infer_node(node)`` answers ``Node.type`` on this thread inside the block (nested allowed)."""
    if not hasattr(_local, "stack"):
        _local.stack = []
    _local.stack.append(infer_node)
    try:
        yield
    finally:
        _local.stack.pop()
