"""Emit the CFFI API-mode C source of ``pixelpipes._native`` (run by CMake).

Usage: build_ffi.py CC INCLUDE_DIR OUT.c

cffi's cdef() has no preprocessor, so the C compiler expands the public header
with PIXELPIPES_CDEF defined (no system headers, empty export macro). ``-P``
drops the ``#define`` lines, so the integer macros the binding needs (versions,
option versions, limits) are collected separately with ``-dM`` and handed to
cdef as ``#define NAME <int>``: nothing is copied by hand.
"""
import re
import subprocess
import sys
from pathlib import Path

import cffi

cc, incdir, out = sys.argv[1:4]
header = f"{incdir}/pixelpipes/pixelpipes.h"
base = [cc, "-E", "-DPIXELPIPES_CDEF", "-I", incdir, "-x", "c", header]

declarations = subprocess.run(base[:2] + ["-P"] + base[2:], check=True, capture_output=True, text=True).stdout

macros = subprocess.run(base[:2] + ["-dM"] + base[2:], check=True, capture_output=True, text=True).stdout
defines = []
for line in macros.splitlines():
    m = re.match(r"#define (PXP_[A-Z0-9_]+) (-?\d+)$", line.strip())
    if m:
        defines.append(f"#define {m.group(1)} {m.group(2)}")
        continue
    m = re.match(r'#define (PXP_[A-Z0-9_]+) "[^"]*"$', line.strip())
    if m:  # string macros: API mode reads their value from the real header
        defines.append(f"static const char *const {m.group(1)};")
if not any(d.startswith("#define PXP_VERSION_MAJOR ") for d in defines):
    sys.exit("build_ffi.py: PXP_VERSION_MAJOR not found in the public header")

# The one Python function the library calls (pixelpipes/callback.h): cffi makes it a C function
# that takes the GIL, defined in Python with @ffi.def_extern (pixelpipes/callbacks.py).
python_callbacks = 'extern "Python" int32_t pxp_python_item_callback(void *, int64_t, pxp_callback_result *);'

# Pipeline.run's conversion in C (sample_arrays.c, beside this file): one C function that CFFI
# calls once, to add the module functions setup() and run() that the CPython API defines there.
sample_arrays = (Path(__file__).parent / "sample_arrays.c").read_text()
fast_run = "int pxp_python_install_fast_run(void);"

ffibuilder = cffi.FFI()
ffibuilder.cdef(declarations + "\n" + "\n".join(sorted(defines)) + "\n" + python_callbacks + "\n" + fast_run + "\n")
ffibuilder.set_source("pixelpipes._native", '#include "pixelpipes/pixelpipes.h"\n' + sample_arrays)
ffibuilder.emit_c_code(out)
