"""Graph: the container that nodes created inside ``with Graph():`` belong to, and its outputs."""
from __future__ import annotations

import threading
from typing import Any, Dict, List, Optional

_local = threading.local()


def _stack() -> List["Graph"]:
    s = getattr(_local, "stack", None)
    if s is None:
        s = _local.stack = []
    return s


def current_graph(required: bool = True) -> Optional["Graph"]:
    """The innermost active graph (``with Graph():``)."""
    s = _stack()
    if s:
        return s[-1]
    if required:
        raise RuntimeError("pixelpipes nodes are created inside a graph: use `with pixelpipes.Graph() as g:`")
    return None


class Graph:
    """A graph of nodes and its named outputs.

    Use it as a context manager; every node created inside belongs to it::

        with pixelpipes.Graph() as g:
            x = pixelpipes.ops.random.Uniform(0, 1)
            g.output("x", x * 2)
        pipeline = pixelpipes.compile(g, seed=1)
    """

    def __init__(self, name: Optional[str] = None, *, parent: Optional["Graph"] = None):
        self.name = name
        self.parent = parent
        self.nodes: List[Any] = []          # creation order (a topological order)
        self.outputs: Dict[str, Any] = {}   # name -> node, in the order they were declared
        self.metadata: Dict[str, Any] = {}
        self.scope = None                   # set on the scratch graphs of macro expansion

    # -- context -------------------------------------------------------------------------------
    def __enter__(self) -> "Graph":
        _stack().append(self)
        return self

    def __exit__(self, *exc) -> bool:
        s = _stack()
        if not s or s[-1] is not self:
            raise RuntimeError("pixelpipes graphs must be exited in the order they were entered")
        s.pop()
        return False

    # -- nodes ---------------------------------------------------------------------------------
    def _add(self, node) -> None:
        self.nodes.append(node)

    @property
    def root(self) -> "Graph":
        g = self
        while g.parent is not None:
            g = g.parent
        return g

    def owns(self, node) -> bool:
        """May nodes of this graph use ``node``? (Same graph, or a graph the compiler derived from it.)"""
        g = getattr(node, "graph", None)
        return g is not None and g.root is self.root

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, node) -> bool:
        return getattr(node, "graph", None) is self

    def __iter__(self):
        return iter(self.nodes)

    # -- outputs -------------------------------------------------------------------------------
    def output(self, name: str, node) -> Any:
        """Declares ``node`` (or a Python value, made a constant) as the output ``name``; returns the node."""
        from .node import as_node
        if not isinstance(name, str) or not name:
            raise ValueError(f"an output name must be a non-empty string, not {name!r}")
        if self.scope is not None:
            raise RuntimeError("a macro cannot declare outputs; return the node instead")
        if name in self.outputs:
            raise ValueError(f"output {name!r} is declared twice")
        with self:
            node = as_node(node)
        self.outputs[name] = node
        return node

    def __repr__(self) -> str:
        return f"<pixelpipes.Graph {self.name or ''} nodes={len(self.nodes)} outputs={list(self.outputs)}>"
