"""Python functions that the library calls for items (the ``io.callback`` op; pixelpipes/callback.h):
the escape hatch of :class:`pixelpipes.datasets.PythonItems`.

The library calls them on its worker threads; cffi takes the GIL for each call, so at most one
runs at a time, whatever the pipeline's thread count. A function's exception fails the sample
with a PixelpipesIOError naming the callback and the item, whose ``__cause__`` is the exception
itself (when it is still remembered: the last 256 failures are).
"""
from __future__ import annotations

import atexit
import collections
import re
import threading
from typing import Callable, Dict, Optional

import numpy as np

from . import dtypes
from ._lib import ffi, lib
from .errors import check

_functions: Dict[str, Callable] = {}
# cffi handles passed to the library as user_data: kept for the whole process, since a worker may
# still be inside a call when a name is registered again
_handles: Dict[str, object] = {}
_failures: "collections.OrderedDict[tuple, BaseException]" = collections.OrderedDict()
_lock = threading.Lock()
_MAX_FAILURES = 256
_FAILURE = re.compile(r"callback '(.+)' for item (-?\d+) failed")


@ffi.def_extern()
def pxp_python_item_callback(user_data, index, result):  # noqa: D103 (called by the library)
    name = ffi.from_handle(user_data)
    try:
        _write_result(_functions[name](int(index)), result)
        return 0
    except BaseException as e:   # whatever the function raised fails this item, not the process
        with _lock:
            _failures[(name, int(index))] = e
            while len(_failures) > _MAX_FAILURES:
                _failures.popitem(last=False)
        message = f"{type(e).__name__}: {e}".encode("utf-8", "replace").replace(b"\0", b"?")
        lib.pxp_callback_result_error(result, message)
        return 1


def _write_result(value, result) -> None:
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = memoryview(value).cast("B")
        code, shape = lib.PXP_DTYPE_U8, (data.nbytes,)
    else:
        data = np.ascontiguousarray(value)
        code, shape = dtypes.CODES[dtypes.from_numpy(data.dtype)], data.shape
        if data.dtype.byteorder == ">":
            data = data.astype(data.dtype.newbyteorder("<"))
    out = ffi.new("void **")
    check(lib.pxp_callback_result_tensor(out, result, code, len(shape), ffi.new("int64_t[]", list(shape) or [0])))
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtypes.NUMPY[dtypes.NAMES[code]].itemsize
    if nbytes:
        ffi.memmove(out[0], data, nbytes)


def register(name: str, function: Callable) -> None:
    """Makes ``function(index)`` (returning bytes or an array) the callback ``name`` of this process,
    replacing any earlier one of that name."""
    with _lock:
        _functions[name] = function
        handle = _handles.setdefault(name, ffi.new_handle(name))
    check(lib.pxp_callback_register(name.encode("utf-8"), lib.pxp_python_item_callback, handle))


def unregister(name: str) -> None:
    """Removes the callback ``name``; returns once no call of it runs any more."""
    check(lib.pxp_callback_unregister(name.encode("utf-8")))
    with _lock:
        _functions.pop(name, None)


def original_exception(message: str) -> Optional[BaseException]:
    """The exception a callback raised, from the library's error message about it (or None)."""
    m = _FAILURE.search(message)
    if not m:
        return None
    with _lock:
        return _failures.get((m.group(1), int(m.group(2))))


@atexit.register
def _unregister_all() -> None:
    # Worker threads of pipelines still running at exit must not call into a finalizing
    # interpreter: without a callback their samples fail (PXP_ESTATE) instead.
    for name in list(_functions):
        try:
            unregister(name)
        except Exception:
            pass
