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

.PHONY: help setup conan build python test test-cpp test-python demo package install-check sanitize docs clean

help:
	@echo "make demo      set up, build, run the demo pipeline on built-in data"
	@echo "make test      set up, build, run every test (ctest + pytest)"
	@echo "make package   conan create (library, unit tests in build(), test_package)"
	@echo "make install-check  cmake --install into build/install; test_package and examples/cpp built against it"
	@echo "make sanitize  ASan+UBSan build and C++ tests"
	@echo "make docs      regenerate docs/ops.md from the registry"

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

# Conan: export the system recipes, then install (apt-installs OpenCV, libjpeg-turbo,
# msgpack-cxx, GoogleTest) and write the CMake toolchain into build/conan.
$(STAMPS)/conan: $(STAMPS)/venv conanfile.py $(PROFILE) $(wildcard conan/recipes/*/conanfile.py)
	for recipe in conan/recipes/*/; do $(CONAN) export $$recipe -nr >/dev/null; done
	$(CONAN) install . -nr --build=missing -pr:a $(PROFILE) -o "pixelpipes/*:with_tests=True"
	@touch $@

build: $(STAMPS)/conan
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

# The Python package (libpixelpipes + the CFFI extension) into .venv, built with the same Conan toolchain.
python: $(STAMPS)/conan
	$(VPY) -m pip install -q --no-build-isolation -C build-dir=build/python \
	  -C cmake.define.CMAKE_TOOLCHAIN_FILE=$(TOOLCHAIN) .

test-cpp: build
	ctest --preset release -j $(JOBS)

test-python: python
	cd tests/python && $(VPY) -m pytest -q

# Both suites run even when the first fails; the target fails if either did.
test: build python
	@status=0; ctest --preset release -j $(JOBS) || status=1; \
	(cd tests/python && $(VPY) -m pytest -q) || status=1; \
	exit $$status

demo: python
	$(VPY) examples/demo.py

# The Conan package itself: the unit tests run in build(), then test_package/ (a C consumer).
# PACKAGE_ARGS adds options, e.g. PACKAGE_ARGS='-o "pixelpipes/*:shared=False"' or
# PACKAGE_ARGS='-c tools.build:skip_test=True' (skips building and running the unit tests).
PACKAGE_ARGS ?=
package: $(STAMPS)/conan
	$(CONAN) create . -nr --build=missing --build="pixelpipes/*" -pr:a $(PROFILE) $(PACKAGE_ARGS)

# The plain CMake route: install build/release into build/install, then build test_package/ (C)
# and examples/cpp/ (C++) against that prefix with find_package(pixelpipes) and run them.
install-check: build
	cmake -DBUILD_DIR=$(CURDIR)/build/release -DPREFIX=$(CURDIR)/build/install -DWORK=$(CURDIR)/build/install-check \
	  -DSOURCE_DIR=$(CURDIR) -DGENERATOR=Ninja -P tests/install_check.cmake

# docs/ops.md from the registry (a C++ test fails when it is stale).
docs: build
	PXP_WRITE_OPS_DOC=1 build/release/tests/pixelpipes_tests --gtest_filter=OpsDoc.DocsOpsMdIsUpToDate >/dev/null
	@echo "wrote docs/ops.md"

sanitize: $(STAMPS)/conan
	cmake --preset sanitize >/dev/null
	cmake --build --preset sanitize -j $(JOBS)
	ctest --preset sanitize -j $(JOBS)

clean:
	rm -rf build $(STAMPS)
