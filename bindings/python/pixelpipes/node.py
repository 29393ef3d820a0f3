"""Node: one value of a graph. Nodes are immutable once made; the compiler never changes them."""
from __future__ import annotations

import itertools
from typing import Any, Optional, Tuple, Union

import numpy as np

from .graph import current_graph
from .source import user_location
from .type_lookup import active as active_type_inference

_ids = itertools.count()


class Node:
    """Base of every node: an op application, a constant, a macro or a branch choice.

    ``inputs`` are nodes; ``label`` is the user's name for the node (it also fixes the node's
    random stream: see ``docs/python.md``); ``source`` is the user's ``file:line`` that created it.
    Arithmetic, comparison and logical operators make new nodes (``a + 1``, ``a < b``,
    ``a & b``); ``node[i]`` takes a list element and ``node.length()`` a list's length.
    """

    __hash__ = object.__hash__  # == builds a node, so identity is the hash
    __array_ufunc__ = None      # ndarray (op) node -> the node's reflected operator, not an object array

    def __init__(self, *inputs: Any, label: Optional[str] = None):
        graph = current_graph()
        if label is not None and (not isinstance(label, str) or not label):
            raise ValueError(f"a node label must be a non-empty string, not {label!r}")
        self.graph = graph
        self.source = user_location()
        self.inputs: Tuple["Node", ...] = tuple(as_node(x) for x in inputs)
        for x in self.inputs:
            if not graph.owns(x):
                raise ValueError(f"{self.source_text()}: input {x!r} belongs to another graph")
        self.label = label
        self.id = next(_ids)
        self._type = None
        graph._add(self)

    # -- description ---------------------------------------------------------------------------
    @property
    def kind_name(self) -> str:
        return type(self).__name__

    @property
    def type(self):
        """The inferred type (a ``pixelpipes.types.Type``); known while macros expand at compile time."""
        if self._type is None:
            infer_node = active_type_inference()
            if infer_node is not None:
                infer_node(self)
                return self._type
            raise RuntimeError(f"{self.source_text()}: the type of {self!r} is known only at compile time, "
                               "inside a Macro's expand()")
        return self._type

    def source_text(self) -> str:
        return getattr(self, "source", "") or "<unknown>"

    def __repr__(self) -> str:
        label = f" {self.label!r}" if self.label else ""
        return f"<{self.kind_name}{label} at {self.source_text()}>"

    def __bool__(self):
        raise TypeError(f"{self.source_text()}: a node has no truth value while the graph is built "
                        "(it is computed per sample): use pixelpipes.Conditional, & | ~ instead of and/or/not")

    def __iter__(self):
        raise TypeError(f"{self.source_text()}: a node cannot be iterated while the graph is built; "
                        "index it (node[i]) or use list ops")

    def __len__(self):
        raise TypeError(f"{self.source_text()}: len() cannot return a node; use node.length()")

    # -- operators (see operators.py) ------------------------------------------------------------
    def __add__(self, other): return _op("add", self, other)
    def __radd__(self, other): return _op("add", other, self)
    def __sub__(self, other): return _op("sub", self, other)
    def __rsub__(self, other): return _op("sub", other, self)
    def __mul__(self, other): return _op("mul", self, other)
    def __rmul__(self, other): return _op("mul", other, self)
    def __truediv__(self, other): return _op("div", self, other)
    def __rtruediv__(self, other): return _op("div", other, self)
    def __mod__(self, other): return _op("mod", self, other)
    def __rmod__(self, other): return _op("mod", other, self)
    def __floordiv__(self, other): return _op("floordiv", self, other)
    def __rfloordiv__(self, other): return _op("floordiv", other, self)
    def __divmod__(self, other): return (_op("floordiv", self, other), _op("mod", self, other))
    def __rdivmod__(self, other): return (_op("floordiv", other, self), _op("mod", other, self))

    def __round__(self, ndigits=None):
        if ndigits is not None:
            raise TypeError(f"{user_location()}: round(node, ndigits) is not supported: use round(node * 10 ** n) "
                            "/ 10 ** n")
        return _op("round", self)

    def __floor__(self): return _op("floor", self)
    def __ceil__(self): return _op("ceil", self)
    def __trunc__(self):
        raise TypeError(f"{user_location()}: math.trunc() of a node is not supported: use math.floor/math.ceil, "
                        "or round()")

    def __int__(self):
        raise TypeError(f"{user_location()}: int() of a node is not possible: the node has no value until a "
                        "sample runs; use round(node), math.floor(node) or node // 1 for a whole number, and "
                        "pixelpipes.ops.tensor.Cast(node, dtype='i64') for an integer dtype")

    def __float__(self):
        raise TypeError(f"{user_location()}: float() of a node is not possible: the node has no value until a "
                        "sample runs; use pixelpipes.ops.tensor.Cast(node, dtype='f32')")

    def __index__(self):
        raise TypeError(f"{user_location()}: a node cannot be used as a Python integer (an index, a range "
                        "bound, a size): it has no value until a sample runs")
    def __pow__(self, other): return _op("pow", self, other)
    def __rpow__(self, other): return _op("pow", other, self)
    def __neg__(self): return _op("neg", self)
    def __pos__(self): return self
    def __abs__(self): return _op("abs", self)
    def __eq__(self, other): return _op("eq", self, other)  # type: ignore[override]
    def __ne__(self, other): return _op("ne", self, other)  # type: ignore[override]
    def __lt__(self, other): return _op("lt", self, other)
    def __le__(self, other): return _op("le", self, other)
    def __gt__(self, other): return _op("gt", self, other)
    def __ge__(self, other): return _op("ge", self, other)
    def __and__(self, other): return _op("and", self, other)
    def __rand__(self, other): return _op("and", other, self)
    def __or__(self, other): return _op("or", self, other)
    def __ror__(self, other): return _op("or", other, self)
    def __invert__(self): return _op("not", self)
    def __getitem__(self, index): return _op("index", self, index)

    def length(self) -> "Node":
        """The number of elements of a list (a node)."""
        return _op("length", self)


def _op(name, *args):
    from .operators import apply
    return apply(name, *args)


class Constant(Node):
    """A compile-time value: bool, int (i64), float (f32), str, NumPy array (keeps its dtype), or a
    list of those. ``Constant(x)`` is made implicitly wherever a Python value meets a node."""

    def __init__(self, value: Any, *, label: Optional[str] = None, identity: Any = None):
        from .constant_value import normalize
        try:
            self.value = normalize(value)
        except (TypeError, OverflowError) as e:
            raise type(e)(f"{user_location()}: {e}") from None
        #: what random streams downstream know this constant by, instead of its value (None: the
        #: value): a dataset's file list is known by its paths relative to their folder, so
        #: moving the data does not change a stream
        self.identity = identity
        super().__init__(label=label)

    def __repr__(self) -> str:
        from .constant_value import preview
        return f"<Constant {preview(self.value)} at {self.source_text()}>"


def as_node(value: Any) -> Node:
    """A node as is; any other value becomes a Constant in the current graph."""
    if isinstance(value, Node):
        return value
    return Constant(value)


#: what op inputs accept: a node, or a Python value that becomes a Constant
NodeLike = Union[Node, bool, int, float, str, "np.ndarray", list, tuple]
