#!/usr/bin/env bash
# Exports the dependency recipes of conan/recipes/ into the Conan cache ($CONAN_HOME, else
# ~/.conan2), for machines with no Conan remote: opencv/4.6.0, libjpeg-turbo/2.1.5, libpng/1.6.39,
# libwebp/1.2.4, libtiff/4.5.0, msgpack-cxx/4.1.3 and gtest/1.12.1, under ConanCenter's names, each wrapping (and apt-installing
# when missing) the Debian 12 package of that version. After it, pixelpipes' requirements resolve
# with `-nr` (docs/conan.md). `make conan-recipes` runs it for the project's own cache.
#
#   conan/export-recipes.sh            # uses `conan` from PATH; CONAN=/path/to/conan for another
set -euo pipefail
conan="${CONAN:-conan}"
recipes="$(cd "$(dirname "$0")" && pwd)/recipes"
for recipe in "$recipes"/*/; do
  # `conan export` talks on stderr: show its one "Exported: name/version#revision" line, or
  # everything when it fails.
  if ! out="$("$conan" export "$recipe" 2>&1)"; then
    echo "$out" >&2
    exit 1
  fi
  grep -E "^Exported: " <<<"$out"
done
