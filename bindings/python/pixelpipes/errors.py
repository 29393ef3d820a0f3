"""Exceptions raised by pixelpipes and the one place that turns C statuses into them."""
from __future__ import annotations

from typing import Optional

from ._lib import ffi, lib


class PixelpipesError(Exception):
    """Base of every pixelpipes error.

    Attributes (``None`` where unknown): ``code`` (the C status), ``message``,
    ``sample`` (the sample index being computed), ``instruction`` (index in the
    program), ``op`` (op name), ``node`` (the node's label), ``source`` (the
    user's ``file:line`` where the node was created), ``file`` (the file the failing
    sample was reading: the path given to the ``io.read_file`` upstream of the failing op).
    """

    def __init__(self, message: str, code: Optional[int] = None, *, sample: Optional[int] = None,
                 instruction: Optional[int] = None, op: Optional[str] = None, node: Optional[str] = None,
                 source: Optional[str] = None, file: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.sample = sample
        self.instruction = instruction
        self.op = op
        self.node = node
        self.source = source
        self.file = file

    def __str__(self) -> str:
        return self.message


class ProgramError(PixelpipesError, ValueError):
    """Malformed or invalid program, or an invalid argument."""


class UnsupportedVersionError(ProgramError):
    """The program format's major version is not one this library reads."""


class UnknownOpError(PixelpipesError, LookupError):
    """An op name that no registered op has."""


class TypeCheckError(PixelpipesError, TypeError):
    """Inputs of the wrong type, found at compile time (type inference) or at run time."""


class PixelpipesIOError(PixelpipesError, OSError):
    """A file could not be read."""


class DecodeError(PixelpipesError, ValueError):
    """Data (an image, a file) could not be decoded."""


class OutOfRangeError(PixelpipesError, IndexError):
    """An index or value outside its valid range (IndexError is a LookupError)."""


class OutOfMemoryError(PixelpipesError, MemoryError):
    """Memory ran out, or a size exceeded a limit."""


class StateError(PixelpipesError, RuntimeError):
    """An object used in a state that does not allow the call."""


class InternalError(PixelpipesError, RuntimeError):
    """A bug in pixelpipes: please report it."""


class InvalidArgumentError(ProgramError):
    """An argument the C API refused."""


# status code -> exception class (codes from pixelpipes/common.h)
_CLASSES = {
    lib.PXP_EINVALID_ARGUMENT: InvalidArgumentError,
    lib.PXP_EINVALID_PROGRAM: ProgramError,
    lib.PXP_EUNSUPPORTED_VERSION: UnsupportedVersionError,
    lib.PXP_EUNKNOWN_OP: UnknownOpError,
    lib.PXP_ETYPE: TypeCheckError,
    lib.PXP_EIO: PixelpipesIOError,
    lib.PXP_EDECODE: DecodeError,
    lib.PXP_ENOMEM: OutOfMemoryError,
    lib.PXP_ESTATE: StateError,
    lib.PXP_EOUT_OF_RANGE: OutOfRangeError,
    lib.PXP_EINTERNAL: InternalError,
}


def error_class(code: int) -> type:
    return _CLASSES.get(code, InternalError if code < 0 else PixelpipesError)


def _text(ptr) -> str:
    return ffi.string(ptr).decode("utf-8", "replace") if ptr != ffi.NULL else ""


def last_error(code: int) -> PixelpipesError:
    """The exception describing the calling thread's last error (status ``code``)."""
    info = lib.pxp_error_last()
    if info.code != code:
        name = _text(lib.pxp_status_name(code))
        return error_class(code)(f"{name} (no further details)", code)
    error = error_class(code)(_text(info.message) or _text(lib.pxp_status_name(code)), code,
                              sample=int(info.sample) if info.has_sample else None,
                              instruction=info.instruction if info.instruction >= 0 else None,
                              op=_text(info.op) or None, node=_text(info.node) or None,
                              source=_text(info.source) or None, file=_text(info.file) or None)
    if code == lib.PXP_EIO:   # a Python callback's own exception is the cause (datasets.PythonItems)
        from .callbacks import original_exception
        error.__cause__ = original_exception(error.message)
    return error


def check(status: int) -> int:
    """Returns a non-error status unchanged; raises the matching exception for an error."""
    if status < 0:
        raise last_error(status)
    return status

