"""Trims a wheel repaired by auditwheel to what the library needs: Debian's libopencv_core is
linked against libGLX (OpenGL interop that PixelPipes never calls), which drags in libGLdispatch
and, on the target machine, X11. auditwheel is told to leave libGLX out (--exclude); this script
points the bundled libopencv_core at a three-function stub with its own soname (noglx.c) instead.

    python packaging/trim_wheel.py WHEEL OUT_DIR

Needs patchelf, a C compiler and the ``wheel`` package (to repack with a fresh RECORD)."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
STUB = "libpxp_noglx.so"


def needed(path):
    out = subprocess.run(["patchelf", "--print-needed", path], check=True, capture_output=True, text=True).stdout
    return out.split()


def main(wheel: str, out_dir: str) -> int:
    work = tempfile.mkdtemp(prefix="pixelpipes-trim-")
    try:
        subprocess.run([sys.executable, "-m", "wheel", "unpack", "-d", work, wheel], check=True, capture_output=True)
        (root,) = glob.glob(os.path.join(work, "*"))
        libs = os.path.join(root, "pixelpipes.libs")
        patched = 0
        for lib in glob.glob(os.path.join(libs, "*.so*")):
            for dep in needed(lib):
                if dep.startswith("libGLX"):
                    subprocess.run(["patchelf", "--replace-needed", dep, STUB, lib], check=True)
                    patched += 1
        if patched:
            cc = os.environ.get("CC", "cc")
            subprocess.run([cc, "-shared", "-fPIC", "-O2", f"-Wl,-soname,{STUB}", "-o", os.path.join(libs, STUB),
                            os.path.join(HERE, "noglx.c")], check=True)
        left = [os.path.basename(p) for p in glob.glob(os.path.join(libs, "libGL*"))]
        if left:
            sys.exit(f"trim_wheel: {left} still in the wheel: repair with --exclude libGLX.so.0")
        os.makedirs(out_dir, exist_ok=True)
        subprocess.run([sys.executable, "-m", "wheel", "pack", "-d", out_dir, root], check=True, capture_output=True)
        print(f"trim_wheel: {patched} libraries point at {STUB} instead of libGLX")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
