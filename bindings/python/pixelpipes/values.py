"""Native values -> Python: tensors become zero-copy NumPy arrays, strings str, lists lists.

Every array made here is a read-only view of the sample's memory; its ``base``
is a small holder that keeps the native sample (freed with ffi.gc) alive, so
the memory lives exactly as long as some array still looks at it.
"""
from __future__ import annotations

import struct
import threading

import numpy as np

from . import dtypes
from ._lib import fast_run_setup, ffi, lib
from .errors import check


class TensorMemory:
    """Exposes one tensor view through ``__array_interface__`` and owns the native sample or batch
    it lies in (the array's ``base``)."""

    __slots__ = ("__array_interface__", "_owner")

    def __init__(self, interface: dict, owner):
        self.__array_interface__ = interface
        self._owner = owner


#: pxp_dtype code -> (NumPy dtype, its array-interface type string): a dict lookup per tensor
#: instead of two conversions (``dtype.str`` builds a new string on every read)
_NUMPY_BY_CODE = {code: (dtypes.NUMPY[name], dtypes.NUMPY[name].str) for name, code in dtypes.CODES.items()}


class _OutParameters(threading.local):
    """Out-parameters of the native calls, made once per thread: a sample's outputs are converted
    by the thousand per second, and each ffi.new costs as much as the call it serves."""

    def __init__(self):
        self.kind = ffi.new("int32_t *")
        self.view = ffi.new("pxp_tensor_view *")
        self.view_bytes = ffi.buffer(self.view)   # the view's bytes, for one struct unpack
        self.sample = ffi.new("pxp_sample **")
        self.output = ffi.new("const pxp_value **")


out_parameters = _OutParameters()


# pxp_tensor_view as laid out in C: data, dtype, ndim, shape[PXP_MAX_DIMS], strides[PXP_MAX_DIMS]
_VIEW = struct.Struct(f"@Pii{lib.PXP_MAX_DIMS}q{lib.PXP_MAX_DIMS}q")
assert _VIEW.size == ffi.sizeof("pxp_tensor_view"), "pxp_tensor_view's layout changed: update _VIEW"
_STRIDES = 3 + lib.PXP_MAX_DIMS   # where the strides start among the unpacked fields


def tensor_to_numpy(view, owner, writable: bool = False) -> np.ndarray:
    """A zero-copy array over a ``pxp_tensor_view`` whose memory ``owner`` keeps alive (read-only
    unless ``writable``: a sample's tensors may be shared, a batch's buffer is the caller's)."""
    # one read of the struct instead of one per member (out_parameters' view has its bytes ready)
    fields = _VIEW.unpack(out_parameters.view_bytes if view is out_parameters.view else ffi.buffer(view))
    data, code, ndim = fields[0], fields[1], fields[2]
    try:
        dtype, typestr = _NUMPY_BY_CODE[code]
    except KeyError:
        raise ValueError(f"unknown dtype code {code}") from None
    shape = fields[3:3 + ndim]
    if not data or 0 in shape:
        return np.zeros(shape, dtype=dtype)
    interface = {"version": 3, "shape": shape, "typestr": typestr, "data": (data, not writable),
                 "strides": fields[_STRIDES:_STRIDES + ndim]}
    return np.asarray(TensorMemory(interface, owner))


def to_python(value, owner):
    """Converts a borrowed ``const pxp_value *`` (alive while ``owner`` is)."""
    scratch = out_parameters
    if lib.pxp_value_tensor(scratch.view, value) == lib.PXP_OK:   # the common case first
        return tensor_to_numpy(scratch.view, owner)
    status = lib.pxp_value_kind_get(scratch.kind, value)
    if status < 0:
        check(status)
    k = scratch.kind[0]
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


# pixelpipes._native.run makes run()'s arrays in C: the same TensorMemory over the same interface
fast_run_setup(TensorMemory, np.asarray, {code: typestr for code, (_, typestr) in _NUMPY_BY_CODE.items()})


def complete_outputs(partial: dict, owner, sample, names) -> dict:
    """Fills in the outputs of ``partial`` that are None from ``sample`` (a ``pxp_sample *`` that
    ``owner`` keeps alive): what pixelpipes._native.run left to Python (strings, lists, empty
    tensors), or every output (sample_outputs)."""
    value = out_parameters.output   # (to_python's lists use pointers of their own)
    for i, name in enumerate(names):
        if partial[name] is None:
            status = lib.pxp_sample_output(value, sample, i)
            if status < 0:
                check(status)
            partial[name] = to_python(value[0], owner)
    return partial


def sample_outputs(sample, names) -> dict:
    """{name: value} of a gc-managed ``pxp_sample *`` whose outputs are named ``names``."""
    return complete_outputs(dict.fromkeys(names), sample, sample, names)
