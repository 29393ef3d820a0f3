"""Python operators on nodes -> op nodes (``a + b`` -> math.add). Python values become constants."""
from __future__ import annotations

from typing import Dict, Tuple

from . import registry
from .errors import UnknownOpError
from .source import user_location

#: operator -> candidate op names, first registered one wins
OPERATORS: Dict[str, Tuple[str, ...]] = {
    "add": ("math.add",),
    "sub": ("math.subtract", "math.sub"),
    "mul": ("math.multiply", "math.mul"),
    "div": ("math.divide", "math.div"),
    "mod": ("math.modulo", "math.mod", "math.remainder"),
    "pow": ("math.power", "math.pow"),
    "neg": ("math.negate", "math.neg"),
    "abs": ("math.abs", "math.absolute"),
    "eq": ("math.equal", "math.eq"),
    "ne": ("math.not_equal", "math.ne"),
    "lt": ("math.less", "math.lt", "math.lower"),
    "le": ("math.less_equal", "math.le", "math.lower_equal"),
    "gt": ("math.greater", "math.gt"),
    "ge": ("math.greater_equal", "math.ge"),
    "and": ("math.logical_and", "math.and", "logic.and"),
    "or": ("math.logical_or", "math.or", "logic.or"),
    "not": ("math.logical_not", "math.not", "logic.not"),
    "index": ("list.element", "list.get", "list.at", "list.index"),
    "length": ("list.length", "list.size", "list.len"),
}

_SYMBOL = {"add": "+", "sub": "-", "mul": "*", "div": "/", "mod": "%", "pow": "**", "neg": "unary -",
           "abs": "abs()", "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
           "and": "&", "or": "|", "not": "~", "index": "[]", "length": ".length()"}


def op_for(operator: str) -> str:
    """The registered op implementing ``operator``; UnknownOpError if none is."""
    for name in OPERATORS[operator]:
        if registry.has(name):
            return name
    raise UnknownOpError(f"{user_location()}: the operator {_SYMBOL[operator]} needs one of the ops "
                         f"{', '.join(OPERATORS[operator])}, and none is registered")


def apply(operator: str, *args):
    from ._opgen import op_class
    if operator == "neg" and not any(registry.has(n) for n in OPERATORS["neg"]):
        return apply("sub", 0, args[0])
    return op_class(op_for(operator))(*args)
