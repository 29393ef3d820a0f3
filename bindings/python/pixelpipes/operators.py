"""Python operators on nodes -> op nodes (``a + b`` -> math.add). Python values become constants."""
from __future__ import annotations

from typing import Dict

from . import registry
from .errors import UnknownOpError
from .source import user_location

#: operator -> the op that implements it
OPERATORS: Dict[str, str] = {
    "add": "math.add", "sub": "math.subtract", "mul": "math.multiply", "div": "math.divide",
    "mod": "math.modulo", "floordiv": "math.floor_divide", "pow": "math.power", "neg": "math.negate", "abs": "math.abs",
    "eq": "math.equal", "ne": "math.not_equal", "lt": "math.less", "le": "math.less_equal",
    "gt": "math.greater", "ge": "math.greater_equal", "and": "math.logical_and", "or": "math.logical_or",
    "not": "math.logical_not", "index": "list.element", "length": "list.length", "round": "math.round",
    "floor": "math.floor", "ceil": "math.ceil",
}

_SYMBOL = {"add": "+", "sub": "-", "mul": "*", "div": "/", "mod": "%", "floordiv": "//", "pow": "**", "neg": "unary -",
           "abs": "abs()", "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
           "and": "&", "or": "|", "not": "~", "index": "[]", "length": ".length()", "round": "round()",
           "floor": "math.floor()", "ceil": "math.ceil()"}


def op_for(operator: str) -> str:
    """The registered op implementing ``operator``; UnknownOpError if it is not registered."""
    name = OPERATORS[operator]
    if not registry.has(name):
        raise UnknownOpError(f"{user_location()}: the operator {_SYMBOL[operator]} needs the op {name}, which "
                             "is not registered")
    return name


def apply(operator: str, *args):
    from ._opgen import op_class
    return op_class(op_for(operator))(*args)
