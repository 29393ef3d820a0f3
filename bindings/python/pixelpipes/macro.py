"""Macro: a node that the compiler replaces by the subgraph its ``expand`` builds."""
from __future__ import annotations

import functools
from typing import Any, Callable, Optional

from .node import Node


class Macro(Node):
    """A reusable piece of graph. Subclass it and define ``expand(self, *inputs)``, which builds
    nodes from its input nodes and returns the result node (or a Python value, made a constant).

    Inputs are nodes (positional); other constructor keywords are static parameters available as
    ``self.params``. While ``expand`` runs, ``input.type`` gives each input's inferred type
    (``pixelpipes.types.Type``: kind, dtype, shape, element, length), so a macro can build
    different graphs for different inputs. Macros may create other macros; the compiler expands
    until none is left.

    Set ``needs_types = False`` on a subclass whose ``expand`` never looks at ``.type``: it
    then expands without a round of type inference.
    """

    needs_types = True

    def __init__(self, *inputs: Any, label: Optional[str] = None, **params: Any):
        self.params = params
        super().__init__(*inputs, label=label)

    def expand(self, *inputs: Node) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define expand(self, *inputs)")


def macro(fn: Optional[Callable] = None, *, needs_types: bool = True):
    """Turns a function of nodes into a Macro class: ``@pixelpipes.macro def f(x, y, *, k=1): ...``.

    Calling ``f(a, b, k=2)`` makes a macro node; at compile time ``fn(a, b, k=2)`` is called with
    the (typed) input nodes and its return value replaces the node.
    """
    def wrap(f: Callable) -> type:
        def expand(self, *inputs):
            return f(*inputs, **self.params)
        cls = type(f.__name__, (Macro,), {"expand": expand, "__doc__": f.__doc__, "__module__": f.__module__,
                                           "needs_types": needs_types})
        cls.__qualname__ = getattr(f, "__qualname__", f.__name__)
        functools.update_wrapper(cls.__init__, f, assigned=(), updated=())
        return cls
    return wrap(fn) if fn is not None else wrap
