# The README's two commands, `make demo` and `make test`, and the steps under them.
# Every step is idempotent and works as root on a fresh Debian 12 with only
# python3, g++, cmake and make installed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
VPY := $(VENV)/bin/python
CONAN := $(VENV)/bin/conan
PROFILE := conan/profiles/linux-gcc
STAMPS := .stamps
JOBS ?= $(shell nproc)
# A private Conan home: builds never depend on ~/.conan2.
export CONAN_HOME := $(CURDIR)/.conan2
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
TOOLCHAIN := $(CURDIR)/build/conan/conan_toolchain.cmake
SYSTEM_PACKAGES := python3-venv python3-dev python3-pip ninja-build pkg-config

.PHONY: help setup conan conan-recipes build python test test-cpp test-python demo package catalog conan-consumer-check install-check sanitize python-asan tsan fuzz fuzz-structural fuzz-structural-asan docs docs-site wheel wheel-check clean

help:
	@echo "make demo      set up, build, run the demo pipeline on built-in data"
	@echo "make test      set up, build, run every test (ctest + pytest)"
	@echo "make package   conan create (library, unit tests in build(), test_package)"
	@echo "make conan-consumer-check  a fresh Conan home: export conan/recipes, conan create, build and run tests/conan/consumer"
	@echo "make conan-recipes  export the Debian wrappers of conan/recipes/ into the project's Conan home"
	@echo "make install-check  cmake --install into build/install; test_package and examples/cpp built against it"
	@echo "make sanitize  ASan+UBSan build: every C++ test, then the Python ABI-level tests on it"
	@echo "make tsan      ThreadSanitizer build: the executor and batcher tests"
	@echo "make fuzz      libFuzzer targets (clang), each run FUZZ_SECONDS (default 60)"
	@echo "make fuzz-structural       mutated programs loaded and run through the Python package (MUTANTS, default 20000)"
	@echo "make fuzz-structural-asan  the same on the ASan build of the package"
	@echo "make docs      regenerate docs/ops.md from the registry"
	@echo "make catalog   regenerate docs/catalog.md (albumentations/torchvision transforms -> augment classes)"
	@echo "make docs-site the documentation site in build/docs-site (mkdocs, strict: warnings and broken links fail)"
	@echo "make wheel     a manylinux abi3 wheel with its native libraries bundled, in dist/"
	@echo "make wheel-check  the wheel installed and tested in a minimal Debian 12 root (debootstrap; root)"

# Debian packages needed before pip and Conan can run (Conan installs the libraries).
$(STAMPS)/system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; fi
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/venv: requirements-dev.txt $(STAMPS)/system
	[ -x $(VPY) ] || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -r requirements-dev.txt
	@touch $@

setup: $(STAMPS)/conan

# Conan: export the dependency recipes (Debian 12 wrappers under ConanCenter's names), then
# install (apt-installs OpenCV, libjpeg-turbo, libpng, libwebp, libtiff, msgpack-cxx, GoogleTest) and write the
# CMake toolchain into build/conan. The project's own build has the unit tests.
$(STAMPS)/conan: $(STAMPS)/venv conanfile.py $(PROFILE) conan/export-recipes.sh $(wildcard conan/recipes/*/conanfile.py)
	CONAN=$(CONAN) conan/export-recipes.sh >/dev/null
	$(CONAN) install . -nr --build=missing -pr:a $(PROFILE) -o "pixelpipes/*:with_tests=True"
	@touch $@

# The same export on its own (docs/conan.md): conan/export-recipes.sh is the command for any other
# Conan home.
conan-recipes: $(STAMPS)/venv
	CONAN=$(CONAN) conan/export-recipes.sh

build: $(STAMPS)/conan
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

# The Python package (libpixelpipes + the CFFI extension) into .venv, built with the same Conan toolchain.
python: $(STAMPS)/conan
	$(VPY) -m pip install -q --no-build-isolation -C build-dir=build/python \
	  -C cmake.define.CMAKE_TOOLCHAIN_FILE=$(TOOLCHAIN) .

# The documentation site (mkdocs.yml): strict, so a warning or a broken link fails the build.
# docs/changelog.md is CHANGELOG.md, copied at build time (one file to edit).
docs-site: $(STAMPS)/venv
	cp CHANGELOG.md docs/changelog.md
	$(VENV)/bin/mkdocs build --strict
	@echo "docs site: $$(find build/docs-site -name '*.html' ! -name 404.html | wc -l) pages in build/docs-site"

# A wheel for machines with nothing installed: built against the system libraries, their copies
# bundled and renamed by auditwheel (manylinux tag), and trimmed of libGLX (packaging/trim_wheel.py).
WHEEL_BUILD := build/wheel
wheel: $(STAMPS)/conan
	rm -rf $(WHEEL_BUILD)/raw $(WHEEL_BUILD)/repaired dist/pixelpipes-*.whl
	$(VPY) -m pip wheel . -q --no-build-isolation --no-deps -w $(WHEEL_BUILD)/raw \
	  -C build-dir=$(WHEEL_BUILD)/build -C cmake.define.CMAKE_TOOLCHAIN_FILE=$(TOOLCHAIN)
	PATH=$(VENV)/bin:$$PATH $(VENV)/bin/auditwheel repair --exclude libGLX.so.0 -w $(WHEEL_BUILD)/repaired \
	  $(WHEEL_BUILD)/raw/*.whl
	PATH=$(VENV)/bin:$$PATH $(VPY) packaging/trim_wheel.py $(WHEEL_BUILD)/repaired/*.whl dist
	PATH=$(VENV)/bin:$$PATH $(VENV)/bin/auditwheel show dist/pixelpipes-*.whl
	@ls -l dist/pixelpipes-*.whl

# The wheel in a clean room: a minimal Debian 12 root with python3 and python3-venv only.
wheel-check: wheel
	@command -v debootstrap >/dev/null || $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  --no-install-recommends debootstrap
	$(SUDO) tests/wheel/clean_room.sh dist/pixelpipes-*.whl build/clean-room/root

test-cpp: build
	ctest --preset release -j $(JOBS)

test-python: python
	cd tests/python && $(VPY) -m pytest -q

# Both suites run even when the first fails; the target fails if either did.
test: build python
	@status=0; ctest --preset release -j $(JOBS) || status=1; \
	(cd tests/python && $(VPY) -m pytest -q) || status=1; \
	exit $$status

# The classification pipeline on the built-in synthetic data (nothing downloaded): progress with
# images/s, then a preview grid. examples/demo.py is the same idea as a plain script.
demo: python
	$(VPY) -m pixelpipes demo --preview build/demo-preview.png

# The Conan package itself: the unit tests run in build() (with_tests is off by default, on here),
# then test_package/ (a C++ consumer). PACKAGE_ARGS adds options, e.g.
# PACKAGE_ARGS='-o "pixelpipes/*:shared=False"' or PACKAGE_ARGS='-c tools.build:skip_test=True'
# (skips building and running the unit tests).
PACKAGE_ARGS ?=
package: $(STAMPS)/conan
	$(CONAN) create . -nr --build=missing --build="pixelpipes/*" -pr:a $(PROFILE) -o "pixelpipes/*:with_tests=True" \
	  -c tools.build:jobs=$(JOBS) $(PACKAGE_ARGS)

# The package as a user meets it (tests/conan/consumer_check.sh): in a fresh, temporary Conan home,
# a detected profile, conan/export-recipes.sh, `conan create` with the default options (no unit
# tests), then tests/conan/consumer/, which requires pixelpipes and OpenCV itself, built and run.
conan-consumer-check: $(STAMPS)/venv
	CONAN=$(CONAN) JOBS=$(JOBS) tests/conan/consumer_check.sh

# The plain CMake route: install build/release into build/install, then build test_package/ and
# examples/cpp/ (both C++, through pixelpipes.hpp) against that prefix with find_package(pixelpipes)
# and run them.
install-check: build
	cmake -DBUILD_DIR=$(CURDIR)/build/release -DPREFIX=$(CURDIR)/build/install -DWORK=$(CURDIR)/build/install-check \
	  -DSOURCE_DIR=$(CURDIR) -DGENERATOR=Ninja -P tests/install_check.cmake

# docs/ops.md from the registry (a C++ test fails when it is stale).
docs: build
	PXP_WRITE_OPS_DOC=1 build/release/tests/pixelpipes_tests --gtest_filter=OpsDoc.DocsOpsMdIsUpToDate >/dev/null
	@echo "wrote docs/ops.md"

# docs/catalog.md from the augment classes' `references` and the installed albumentations
# (tests/python/test_catalog_doc.py fails when it is stale).
catalog: python
	$(VPY) tools/catalog.py

# ASan + UBSan (findings abort): the whole C++ suite, then the Python suite's ABI-level tests
# against an ASan build of the package (installed into build/python-asan/site, not the venv),
# with libasan preloaded into the (uninstrumented) Python interpreter. Leak checking is off for
# Python: the interpreter itself keeps memory until exit; the C++ suite checks leaks.
PY_ABI_TESTS := test_native.py test_errors.py test_pipeline.py test_run_in_c.py test_batches.py test_reliability.py test_hostile_use.py
ASAN_RUNTIME = $(shell $(CXX) -print-file-name=libasan.so) $(shell $(CXX) -print-file-name=libubsan.so)
# The environment that runs Python on the ASan package (also used by fuzz-structural-asan).
PY_ASAN_ENV = PYTHONPATH=$(CURDIR)/build/python-asan/site LD_PRELOAD="$(ASAN_RUNTIME)" \
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# Builds and installs only that package (into build/python-asan/site).
PY_ASAN_INSTALL = $(VPY) -m pip install -q --no-build-isolation --no-deps --upgrade --target build/python-asan/site \
  -C build-dir=build/python-asan/build -C cmake.build-type=RelWithDebInfo \
  -C cmake.define.CMAKE_TOOLCHAIN_FILE=$(TOOLCHAIN) -C cmake.define.PIXELPIPES_SANITIZE=ON \
  -C cmake.define.CMAKE_MAP_IMPORTED_CONFIG_RELWITHDEBINFO="Release;None;" .
sanitize: $(STAMPS)/conan
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)
	$(PY_ASAN_INSTALL)
	cd tests/python && $(PY_ASAN_ENV) $(VPY) -m pytest -q -p no:cacheprovider $(PY_ABI_TESTS)

# The ASan build of the Python package alone (what `make sanitize` installs), for fuzz-structural-asan.
python-asan: $(STAMPS)/conan
	$(PY_ASAN_INSTALL)

# ThreadSanitizer: the tests of the executor (interpreter, thread pool, streams, determinism,
# error policy, shutdown); the filter is in the tsan test preset.
tsan: $(STAMPS)/conan
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan -j $(JOBS)

# libFuzzer (clang from Debian: clang-14, whose libFuzzer and sanitizer runtimes are in
# libclang-rt-14-dev). Each target runs FUZZ_SECONDS from its seeds (tests/fuzz/corpus/<target>)
# plus what earlier runs found (build/fuzz/corpus/<target>); a crash leaves its input in
# build/fuzz/findings/<target>/ and fails the target. Keep a fixed finding as a regression:
# copy it to tests/fuzz/regressions/<target>/ (FuzzRegression.* in ctest runs it).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := program_load jpeg png image_formats
FUZZ_PACKAGES := clang libclang-rt-14-dev
$(STAMPS)/clang:
	@missing=""; for p in $(FUZZ_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; fi
	@mkdir -p $(STAMPS) && touch $@

fuzz: $(STAMPS)/conan $(STAMPS)/clang
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)
	@status=0; for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t build/fuzz/findings/$$t; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  build/fuzz/tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=build/fuzz/findings/$$t/ \
	    build/fuzz/corpus/$$t tests/fuzz/corpus/$$t 2>build/fuzz/fuzz_$$t.log || status=1; \
	  grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)' \
	    build/fuzz/fuzz_$$t.log | sed "s/^/  /"; \
	done; \
	if [ $$status != 0 ]; then echo "fuzzing found something: see build/fuzz/findings/ and build/fuzz/*.log"; fi; \
	exit $$status

# The structural program fuzzer (tests/fuzz/structural_fuzz.py; no clang needed): valid programs
# (tests/programs/valid, one per op from tests/python/op_cases.py, the examples) mutated field by
# field, each mutant loaded and run (samples, run_many, every batches() mode) in a persistent worker
# process under a memory cap and a timeout. MUTANTS mutants; FUZZ_STRUCTURAL_ARGS adds options,
# e.g. FUZZ_STRUCTURAL_ARGS='--seconds 300 --seed 7 --workers 4'. Findings (crashes, sanitizer
# reports, timeouts, unexpected Python exceptions, memory-cap hits) go to
# build/fuzz/structural/findings/<outcome>/ and fail the target (memory-cap hits do not);
# `tests/fuzz/structural_fuzz.py --replay FILE` runs one again.
MUTANTS ?= 20000
FUZZ_STRUCTURAL_ARGS ?=
fuzz-structural: python
	$(VPY) tests/fuzz/structural_fuzz.py --mutants $(MUTANTS) $(FUZZ_STRUCTURAL_ARGS)

# The same on the ASan + UBSan build of the package, in the environment of `make sanitize`.
fuzz-structural-asan: python-asan
	$(PY_ASAN_ENV) $(VPY) tests/fuzz/structural_fuzz.py --asan --mutants $(MUTANTS) $(FUZZ_STRUCTURAL_ARGS)

clean:
	rm -rf build $(STAMPS)

# ---------------------------------------------------------------------------------------------
# bench-throughput: end-to-end images/s of PixelPipes against torchvision v2 + DataLoader,
# albumentations + DataLoader, DALI (CPU) and an OpenCV decode-only floor (benchmarks/throughput/,
# documented in benchmarks/README.md). The peers live in their own venv, .venv-bench; PixelPipes
# runs from .venv. BENCH_ARGS passes options to run.py, e.g. BENCH_ARGS='--runs 5 --images 2000'.
BENCH_VENV := $(CURDIR)/.venv-bench
BENCH_PY := $(BENCH_VENV)/bin/python
BENCH_ARGS ?=

.PHONY: bench-throughput bench-venv

$(STAMPS)/bench-venv: benchmarks/throughput/requirements.txt $(STAMPS)/system
	[ -x $(BENCH_PY) ] || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install -q -r benchmarks/throughput/requirements.txt
	$(BENCH_PY) -m pip install -q nvidia-dali-cuda120 || \
	  echo "bench-throughput: nvidia-dali-cuda120 did not install; DALI is reported as unavailable"
	@mkdir -p $(STAMPS) && touch $@

bench-venv: $(STAMPS)/bench-venv

bench-throughput: python $(STAMPS)/bench-venv
	$(BENCH_PY) benchmarks/throughput/run.py --pixelpipes-python $(VPY) $(BENCH_ARGS)
