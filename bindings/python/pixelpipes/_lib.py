"""The CFFI module and the version handshake between header and library.

``ffi``/``lib`` come from ``pixelpipes._native``, generated at build time from
the public header. Importing this module checks that the header the binding was
compiled against and the library that was loaded are the same version.
"""
from __future__ import annotations

from ._native import ffi, lib  # noqa: F401  (re-exported)

# adds _native.setup() and _native.run(), Pipeline.run's conversion in C (sample_arrays.c)
if lib.pxp_python_install_fast_run() != 0:
    raise ImportError("pixelpipes: the native module could not add its run() helpers (the error is printed above)")
from ._native import run as fast_run, setup as fast_run_setup  # noqa: E402,F401  (added just above)


def _header_version() -> tuple:
    return (lib.PXP_VERSION_MAJOR, lib.PXP_VERSION_MINOR, lib.PXP_VERSION_PATCH)


def _library_version() -> tuple:
    text = ffi.string(lib.pxp_version()).decode()
    parts = text.split(".")
    try:
        numbers = tuple(int(p) for p in parts)
    except ValueError:
        raise ImportError(f"pixelpipes: the library reports a malformed version {text!r}") from None
    return numbers


def version() -> str:
    """"MAJOR.MINOR.PATCH" of the binding (the header it was built against; check_versions makes
    sure the loaded library is the same)."""
    return ".".join(map(str, _header_version()))


def check_versions() -> str:
    """Raises ImportError unless header macros and pxp_version() agree; returns the version."""
    header = _header_version()
    library = _library_version()
    number = lib.pxp_version_number()
    expected_number = header[0] * 10000 + header[1] * 100 + header[2]
    if library != header or number != expected_number:
        raise ImportError(
            "pixelpipes: the native library is version %s (%d) but the binding was built against the header of "
            "version %s; rebuild the package" % (".".join(map(str, library)), number, ".".join(map(str, header))))
    return ".".join(map(str, header))
