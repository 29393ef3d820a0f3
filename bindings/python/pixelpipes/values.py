"""Native values -> Python: tensors become zero-copy NumPy arrays, strings str, lists lists.

Every array made here is a read-only view of the sample's memory; its ``base``
is a small holder that keeps the native sample (freed with ffi.gc) alive, so
the memory lives exactly as long as some array still looks at it.
"""
from __future__ import annotations

import numpy as np

from . import dtypes
from ._lib import ffi, lib
from .errors import check


class TensorMemory:
    """Exposes one tensor view through ``__array_interface__`` and owns the native sample or batch
    it lies in (the array's ``base``)."""

    __slots__ = ("__array_interface__", "_owner")

    def __init__(self, interface: dict, owner):
        self.__array_interface__ = interface
        self._owner = owner


def tensor_to_numpy(view, owner, writable: bool = False) -> np.ndarray:
    """A zero-copy array over a ``pxp_tensor_view`` whose memory ``owner`` keeps alive (read-only
    unless ``writable``: a sample's tensors may be shared, a batch's buffer is the caller's)."""
    dtype = dtypes.to_numpy(dtypes.from_code(view.dtype))
    ndim = view.ndim
    shape = tuple(view.shape[0:ndim])
    if 0 in shape or view.data == ffi.NULL:
        return np.zeros(shape, dtype=dtype)
    interface = {
        "version": 3,
        "shape": shape,
        "typestr": dtype.str,
        "data": (int(ffi.cast("uintptr_t", view.data)), not writable),
        "strides": tuple(view.strides[0:ndim]),
    }
    return np.asarray(TensorMemory(interface, owner))


def to_python(value, owner):
    """Converts a borrowed ``const pxp_value *`` (alive while ``owner`` is)."""
    kind = ffi.new("int32_t *")
    check(lib.pxp_value_kind_get(kind, value))
    k = kind[0]
    if k == lib.PXP_VALUE_TENSOR:
        view = ffi.new("pxp_tensor_view *")
        check(lib.pxp_value_tensor(view, value))
        return tensor_to_numpy(view, owner)
    if k == lib.PXP_VALUE_STRING:
        data = ffi.new("const char **")
        size = ffi.new("size_t *")
        check(lib.pxp_value_string(data, size, value))
        return ffi.unpack(data[0], size[0]).decode("utf-8", "surrogateescape") if size[0] else ""
    if k == lib.PXP_VALUE_LIST:
        n = ffi.new("size_t *")
        check(lib.pxp_value_list_length(n, value))
        item = ffi.new("const pxp_value **")
        out = []
        for i in range(n[0]):
            check(lib.pxp_value_list_get(item, value, i))
            out.append(to_python(item[0], owner))
        return out
    raise TypeError(f"pixelpipes: unknown value kind {k}")


def sample_outputs(sample, names) -> dict:
    """{name: value} of a gc-managed ``pxp_sample *`` whose outputs are named ``names``."""
    out = {}
    value = ffi.new("const pxp_value **")
    for i, name in enumerate(names):
        check(lib.pxp_sample_output(value, sample, i))
        out[name] = to_python(value[0], sample)
    return out
