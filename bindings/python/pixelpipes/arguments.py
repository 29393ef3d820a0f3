"""Checks of the integer arguments of the running API (indices, counts, sizes, seeds).

Python's ``int()`` turns 1.5 into 1 and "4" into 4: a float batch size or a string seed would
run silently with another value. These accept only integers (``int``, NumPy integers, anything
with ``__index__``) and raise a TypeError that names the argument otherwise."""
from __future__ import annotations

import operator
from typing import Optional


def integer(value, name: str) -> int:
    """``value`` as an int, or a TypeError naming ``name`` (bool is refused: True is no count)."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, not bool {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, not {type(value).__name__} {value!r}") from None


def optional_integer(value, name: str) -> Optional[int]:
    """``None`` or :func:`integer`."""
    return None if value is None else integer(value, name)


def unsigned(value, name: str, bits: int) -> int:
    """:func:`integer` that fits the C field it goes to (``0 <= value < 2**bits``), or a
    ValueError naming ``name``. Only the width is checked here: the library checks the range that
    its policy allows, and names the option."""
    value = integer(value, name)
    if not 0 <= value < 2 ** bits:
        raise ValueError(f"{name} must be in [0, 2**{bits}), not {value}")
    return value
