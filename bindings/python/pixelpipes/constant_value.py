"""Python values -> constant values of a program (tensors, strings, lists)."""
from __future__ import annotations

from typing import Any, Dict, Tuple

import numpy as np

from . import dtypes

_I64 = np.iinfo(np.int64)


def normalize(value: Any):
    """The canonical constant for a Python value: a C-contiguous little-endian ndarray, a str, or a
    tuple of canonical constants. int -> i64 scalar, float -> f32 scalar, bool -> bool scalar;
    NumPy arrays and scalars keep their dtype; lists and tuples become lists."""
    if isinstance(value, (np.generic, np.ndarray)):
        arr = np.asarray(value)
        name = dtypes.from_numpy(arr.dtype)
        arr = np.array(arr, dtype=dtypes.to_numpy(name), order="C", copy=True)  # keeps 0-d arrays 0-d
        arr.setflags(write=False)
        return arr
    if isinstance(value, bool):
        return np.array(bool(value), dtype=np.bool_)
    if isinstance(value, int):
        if not _I64.min <= value <= _I64.max:
            raise OverflowError(f"integer constant {value} does not fit in i64")
        return np.array(value, dtype=np.int64)
    if isinstance(value, float):
        return np.array(value, dtype=np.float32)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(normalize(v) for v in value)
    raise TypeError(f"pixelpipes cannot make a constant of {type(value).__name__} {value!r}: "
                    "use bool, int, float, str, a NumPy array or a list of those")


def identity(value) -> Tuple:
    """A hashable, exact identity of a canonical constant (equal iff the values are identical:
    dtype, shape and bytes for tensors)."""
    if isinstance(value, np.ndarray):
        return ("t", dtypes.from_numpy(value.dtype), value.shape, value.tobytes())
    if isinstance(value, str):
        return ("s", value)
    return ("l",) + tuple(identity(v) for v in value)


def encode(value) -> Dict[str, Any]:
    """The program-format map of a canonical constant."""
    if isinstance(value, np.ndarray):
        return {"kind": "tensor", "dtype": dtypes.from_numpy(value.dtype), "shape": list(value.shape),
                "data": value.tobytes()}
    if isinstance(value, str):
        return {"kind": "string", "value": value}
    return {"kind": "list", "items": [encode(v) for v in value]}


def preview(value, limit: int = 40) -> str:
    """A short text for listings."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            text = repr(value.item())
        else:
            text = f"{dtypes.from_numpy(value.dtype)}{list(value.shape)}"
    elif isinstance(value, str):
        text = repr(value)
    else:
        text = "[" + ", ".join(preview(v, limit) for v in value[:4]) + (", ..." if len(value) > 4 else "") + "]"
    return text if len(text) <= limit else text[: limit - 3] + "..."

