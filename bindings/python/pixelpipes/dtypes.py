"""Element types: pixelpipes names ("f32"), C codes (pxp_dtype) and NumPy dtypes."""
from __future__ import annotations

import numpy as np

from ._lib import lib

#: pixelpipes dtype name -> NumPy dtype, in the order of the C enum pxp_dtype.
NUMPY = {
    "u8": np.dtype(np.uint8),
    "i8": np.dtype(np.int8),
    "u16": np.dtype(np.uint16),
    "i16": np.dtype(np.int16),
    "i32": np.dtype(np.int32),
    "i64": np.dtype(np.int64),
    "f32": np.dtype(np.float32),
    "f64": np.dtype(np.float64),
    "bool": np.dtype(np.bool_),
}

CODES = {
    "u8": lib.PXP_DTYPE_U8, "i8": lib.PXP_DTYPE_I8, "u16": lib.PXP_DTYPE_U16, "i16": lib.PXP_DTYPE_I16,
    "i32": lib.PXP_DTYPE_I32, "i64": lib.PXP_DTYPE_I64, "f32": lib.PXP_DTYPE_F32, "f64": lib.PXP_DTYPE_F64,
    "bool": lib.PXP_DTYPE_BOOL,
}
NAMES = {code: name for name, code in CODES.items()}
_FROM_NUMPY = {dt: name for name, dt in NUMPY.items()}


def from_code(code: int) -> str:
    try:
        return NAMES[code]
    except KeyError:
        raise ValueError(f"unknown dtype code {code}") from None


def from_numpy(dtype) -> str:
    """The pixelpipes name of a NumPy dtype; TypeError for one pixelpipes lacks (complex, object ...)."""
    dt = np.dtype(dtype)
    if dt.byteorder == ">":
        dt = dt.newbyteorder("<")
    try:
        return _FROM_NUMPY[dt]
    except KeyError:
        raise TypeError(f"pixelpipes has no dtype for NumPy's {dt} (supported: {', '.join(NUMPY)})") from None


def to_numpy(name: str) -> np.dtype:
    try:
        return NUMPY[name]
    except KeyError:
        raise ValueError(f"unknown dtype {name!r} (known: {', '.join(NUMPY)})") from None
