"""Checking attribute values against an op's schema when a node is created."""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .registry import AttrSpec


def _fail(where: str, spec: AttrSpec, message: str, exc=ValueError):
    raise exc(f"{where}: attribute '{spec.name}' {message}")


def _bounds(where: str, spec: AttrSpec, x: float):
    # the verifier's rule (src/program/verifier.cpp): NaN compares false with everything, so a
    # bounded attribute rejects it explicitly
    bounded = spec.min is not None or spec.max is not None
    if (bounded and x != x) or (spec.min is not None and x < spec.min) or (spec.max is not None and x > spec.max):
        lo = "-inf" if spec.min is None else f"{spec.min:g}"
        hi = "inf" if spec.max is None else f"{spec.max:g}"
        _fail(where, spec, f"= {x!r} is out of its range [{lo}, {hi}]")


def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _is_number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def check_attribute(where: str, spec: AttrSpec, value: Any) -> Any:
    """The value as the program stores it, or TypeError/ValueError naming ``where`` (the user's line)."""
    t = spec.type
    if t == "bool":
        if not isinstance(value, (bool, np.bool_)):
            _fail(where, spec, f"must be a bool, not {type(value).__name__} {value!r}", TypeError)
        return bool(value)
    if t == "int":
        if not _is_int(value):
            _fail(where, spec, f"must be an int, not {type(value).__name__} {value!r}", TypeError)
        _bounds(where, spec, int(value))
        return int(value)
    if t == "float":
        if not _is_number(value):
            _fail(where, spec, f"must be a number, not {type(value).__name__} {value!r}", TypeError)
        value = float(value)
        _bounds(where, spec, value)
        return value
    if t == "string":
        if not isinstance(value, str):
            _fail(where, spec, f"must be a str, not {type(value).__name__} {value!r}", TypeError)
        return value
    if t in ("int_list", "float_list"):
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if not isinstance(value, (list, tuple)):
            _fail(where, spec, f"must be a list of {'ints' if t == 'int_list' else 'numbers'}, "
                               f"not {type(value).__name__} {value!r}", TypeError)
        ok = _is_int if t == "int_list" else _is_number
        for v in value:
            if not ok(v):
                _fail(where, spec, f"must hold only {'ints' if t == 'int_list' else 'numbers'}; "
                                   f"{v!r} is a {type(v).__name__}", TypeError)
            _bounds(where, spec, v)
        return [int(v) for v in value] if t == "int_list" else [float(v) for v in value]
    if t == "dtype":
        if not isinstance(value, str):
            try:
                from .dtypes import from_numpy
                value = from_numpy(value)
            except TypeError:
                _fail(where, spec, f"must be a dtype name ({', '.join(spec.choices)}), not {value!r}", TypeError)
        if spec.choices and value not in spec.choices:
            _fail(where, spec, f"= {value!r} is not one of: {', '.join(spec.choices)}")
        return value
    if t == "enum":
        if not isinstance(value, str) and set(spec.choices) & {"f32", "f64", "u8", "i64"}:
            try:
                from .dtypes import from_numpy
                value = from_numpy(value)
            except TypeError:
                pass
        if not isinstance(value, str):
            _fail(where, spec, f"must be one of the strings {', '.join(map(repr, spec.choices))}, not {value!r}",
                  TypeError)
        if value not in spec.choices:
            _fail(where, spec, f"= {value!r} is not one of: {', '.join(spec.choices)}")
        return value
    return value  # a type this binding does not know yet: the verifier checks it
