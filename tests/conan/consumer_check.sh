#!/usr/bin/env bash
# `make conan-consumer-check`: the Conan package as a user with their own Conan cache meets it, on a
# machine with no Conan remote (docs/conan.md). In a fresh, temporary CONAN_HOME:
#   1. `conan profile detect` (the user's default profile, not the project's);
#   2. conan/export-recipes.sh, the documented export of the Debian 12 wrappers;
#   3. `conan create` with the default options: no unit tests, no GoogleTest; test_package runs;
#   4. tests/conan/consumer/ (a copy, so nothing is written into the source tree), which requires
#      pixelpipes/0.1.0 and opencv/[>=4.5 <5] itself: resolved, built with find_package(pixelpipes)
#      and find_package(OpenCV), and run on resize.pxp: both outputs must equal OpenCV's decode and
#      resize of the same PNG;
#   5. graph checks (`conan graph info`, nothing built) against stand-ins for ConanCenter's recipes
#      (tests/conan/conancenter-stand-in): the consumer with opencv/4.10.0 and OpenCV's default
#      libjpeg 9, and pixelpipes next to msgpack-cxx/7.0.0, resolve without conflict.
# CONAN: the conan to use (default: conan on PATH); JOBS: build jobs (default 1).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
conan="${CONAN:-conan}"
work="$(mktemp -d "${TMPDIR:-/tmp}/pxp-conan-check.XXXXXX")"
# Removed after a pass; kept, with every log, after a failure.
trap 'if [ $? = 0 ]; then rm -rf "$work"; else echo "consumer_check: logs in $work" >&2; fi' EXIT
export CONAN_HOME="$work/home"  # nothing from the project's .conan2 or ~/.conan2
conf=(-c "tools.build:jobs=${JOBS:-1}" -c tools.system.package_manager:mode=install)
[ "$(id -u)" = 0 ] || conf+=(-c tools.system.package_manager:sudo=True)
start=$SECONDS
step() { printf '=== consumer_check (%3ds): %s\n' $((SECONDS - start)) "$*"; }
die() { echo "consumer_check: FAILED: $*" >&2; exit 1; }
# Runs a logged command; on failure shows the end of its log.
logged() {
  local log="$work/$1.log"; shift
  "$@" >"$log" 2>&1 || { tail -n 60 "$log" >&2; die "$* (log above)"; }
}

step "conan profile detect, in the fresh CONAN_HOME $CONAN_HOME"
logged profile "$conan" profile detect
step "conan/export-recipes.sh"
CONAN="$conan" "$root/conan/export-recipes.sh"

step "conan create (default options: shared, with_tests=False)"
logged create "$conan" create "$root" -nr --build=missing "${conf[@]}"
grep -E "^pixelpipes 0\..*correct$" "$work/create.log" || die "test_package printed no result"
! grep -q "gtest/" "$work/create.log" || die "GoogleTest is in the graph with with_tests=False"
! grep -q "tests passed" "$work/create.log" || die "unit tests ran with with_tests=False"

step "consumer: conan build (requires pixelpipes/0.1.0 and opencv/[>=4.5 <5])"
cp -r "$root/tests/conan/consumer" "$work/consumer"
logged consumer "$conan" build "$work/consumer" -nr --build=missing "${conf[@]}"
grep -E "^    (opencv|pixelpipes)/[^ ]* - " "$work/consumer.log" | sort -u  # the graph: one OpenCV
generators="$work/consumer/build/Release/generators"
# msgpack-cxx is pixelpipes' private requirement: the consumer gets no CMake files for it.
[ -z "$(find "$generators" -iname '*msgpack*')" ] || die "the consumer sees msgpack-cxx"
step "consumer: run"
(source "$generators/conanrun.sh" &&
  "$work/consumer/build/Release/consumer" "$work/consumer/resize.pxp" "$work/consumer/gradient.png")

step "graph checks with ConanCenter stand-ins: opencv/4.10.0 (+ libjpeg/9e), msgpack-cxx/7.0.0"
for ref in opencv/4.10.0 libjpeg/9e msgpack-cxx/7.0.0; do
  logged "stand-in" "$conan" export "$root/tests/conan/conancenter-stand-in" --name "${ref%/*}" --version "${ref#*/}"
done
# `graph NAME ARGS`: `conan graph info ARGS`; prints the graph's references (no revisions), sorted.
graph() {
  local name="graph-$1"; shift
  "$conan" graph info "$@" -nr --format=json >"$work/$name.json" 2>"$work/$name.log" ||
    { tail -n 30 "$work/$name.log" >&2; die "conan graph info $*"; }
  python3 -c 'import json, sys
nodes = json.load(open(sys.argv[1]))["graph"]["nodes"].values()
print(" ".join(sorted(n["ref"].split("#")[0] for n in nodes if n["ref"] not in ("", "conanfile"))))' "$work/$name.json"
}
got="$(graph consumer "$work/consumer")"
echo "  consumer: $got"
[ "$got" = "libjpeg-turbo/2.1.5 libpng/1.6.39 libtiff/4.5.0 libwebp/1.2.4 msgpack-cxx/4.1.3 opencv/4.10.0 pixelpipes/0.1.0" ] ||
  die "expected one opencv (4.10.0, for both), libjpeg-turbo and no libjpeg"
got="$(graph msgpack --requires=pixelpipes/0.1.0 --requires=msgpack-cxx/7.0.0)"
echo "  pixelpipes + msgpack-cxx/7.0.0: $got"
[[ "$got" == *"msgpack-cxx/4.1.3 msgpack-cxx/7.0.0"* ]] || die "expected pixelpipes' own msgpack-cxx beside 7.0.0"

step "passed"
