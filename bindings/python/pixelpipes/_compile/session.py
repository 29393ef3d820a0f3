"""State shared by the passes of one compilation: node replacements, keys, display labels."""
from __future__ import annotations

from typing import Dict, Iterable, List

from ..graph import Graph
from ..node import Node


class Session:
    def __init__(self, graph: Graph):
        self.graph = graph
        self.alias: Dict[int, Node] = {}    # node id -> the node that replaces it
        self.keys: Dict[int, int] = {}      # node id -> 64-bit key
        self.counter: Dict[bytes, int] = {}  # key signature -> occurrences so far
        self.display: Dict[int, str] = {}   # node id -> label shown in programs and errors
        self.stats: Dict[str, int] = {"macros": 0, "folded": 0, "merged": 0, "fused": 0, "inference_rounds": 0}
        self._scratch: Graph = None

    def resolve(self, node: Node) -> Node:
        alias = self.alias
        n = node
        while n.id in alias:
            n = alias[n.id]
        # path compression
        m = node
        while m.id in alias and alias[m.id] is not n:
            nxt = alias[m.id]
            alias[m.id] = n
            m = nxt
        return n

    def replace(self, node: Node, by: Node) -> None:
        if by is node:
            return
        self.alias[node.id] = by

    def label(self, node: Node) -> str:
        return self.display.get(node.id) or node.label or node.kind_name

    def scratch(self) -> Graph:
        """A graph for nodes the compiler itself makes (folded constants)."""
        if self._scratch is None:
            self._scratch = Graph("compiler", parent=self.graph)
        return self._scratch

    def topo(self, roots: Iterable[Node]) -> List[Node]:
        """Resolved nodes reachable from ``roots``, inputs before their users (iterative DFS)."""
        resolve = self.resolve
        seen = set()
        order: List[Node] = []
        for root in roots:
            root = resolve(root)
            if root.id in seen:
                continue
            seen.add(root.id)
            stack = [(root, 0)]
            while stack:
                node, i = stack[-1]
                inputs = node.inputs
                while i < len(inputs):
                    x = resolve(inputs[i])
                    i += 1
                    if x.id not in seen:
                        seen.add(x.id)
                        stack[-1] = (node, i)
                        stack.append((x, 0))
                        break
                else:
                    stack.pop()
                    order.append(node)
        return order
