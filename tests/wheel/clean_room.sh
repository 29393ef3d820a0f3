#!/bin/bash
# The wheel on a machine that has nothing: a minimal Debian 12 root (debootstrap, with only
# python3 and python3-venv; no OpenCV, libjpeg, libpng, libwebp or libtiff), a new venv, `pip install` of the wheel,
# the demo, and a pytest subset over the installed package. Run as root (chroot, mounts).
#   tests/wheel/clean_room.sh WHEEL [ROOT]
set -euo pipefail
WHEEL=$(realpath "$1")
ROOT=${2:-build/clean-room/root}
HERE=$(cd "$(dirname "$0")" && pwd)
TESTS="$HERE/../python"
start=$(date +%s)

if [ ! -x "$ROOT/usr/bin/python3" ]; then
  echo "clean room: debootstrap bookworm (minbase + python3, python3-venv) into $ROOT"
  mkdir -p "$ROOT"
  debootstrap --variant=minbase --include=python3,python3-venv bookworm "$ROOT" http://deb.debian.org/debian \
    > "$ROOT.debootstrap.log" 2>&1 || { tail -20 "$ROOT.debootstrap.log"; exit 1; }
fi
for lib in libopencv_core libjpeg libpng16 libwebp libtiff; do  # the point of the exercise
  if ls "$ROOT"/usr/lib/x86_64-linux-gnu/$lib* >/dev/null 2>&1; then
    echo "clean room: $ROOT has $lib: not a clean room" >&2; exit 1
  fi
done

rm -rf "$ROOT/work" && mkdir -p "$ROOT/work/tests"
cp "$WHEEL" "$ROOT/work/"
# the tests that need neither OpenCV's Python package, torch, nor the source tree
cp "$TESTS"/conftest.py "$TESTS"/op_cases.py "$TESTS"/op_runner.py "$TESTS"/determinism_graph.py \
   "$TESTS"/process_probes.py "$TESTS"/array_batches.py "$ROOT/work/tests/"
SUBSET="test_native.py test_pipeline.py test_compiler.py test_determinism.py test_errors.py test_flow.py"
SUBSET="$SUBSET test_resource.py test_saving.py test_profile.py test_ops_coverage.py test_npy_arrays.py"
for t in $SUBSET; do cp "$TESTS/$t" "$ROOT/work/tests/"; done
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# This machine's network may reach PyPI through a proxy with its own certificate authority: pip in
# the clean room trusts what pip here trusts (a network setting, not a library).
CA=${PIP_CERT:-${SSL_CERT_FILE:-}}
if [ -n "$CA" ] && [ -f "$CA" ]; then
  mkdir -p "$ROOT/etc/ssl/certs" && cp "$CA" "$ROOT/etc/ssl/certs/ca-certificates.crt"
fi

mounted=()
cleanup() { for m in "${mounted[@]}"; do umount "$m" 2>/dev/null || true; done; }
trap cleanup EXIT
for m in proc dev sys; do
  mountpoint -q "$ROOT/$m" || { mount --bind "/$m" "$ROOT/$m"; mounted+=("$ROOT/$m"); }
done

# a clean environment: nothing of this machine's (paths, pip settings) leaks in
chroot "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
  PIP_CERT=/etc/ssl/certs/ca-certificates.crt /bin/bash -euo pipefail -c "
  cd /work
  rm -rf /work/venv && python3 -m venv /work/venv
  /work/venv/bin/pip install -q --disable-pip-version-check /work/$(basename "$WHEEL") pytest
  /work/venv/bin/python -c 'import pixelpipes as pp; print(\"pixelpipes\", pp.__version__, \"imports in the clean room\")'
  /work/venv/bin/python -m pixelpipes demo -n 256 --batch 32
  cd /work/tests && /work/venv/bin/python -m pytest -q -p no:cacheprovider $SUBSET 2>&1 | tail -3
"
echo "clean room: passed in $(( $(date +%s) - start )) s"
