"""Conan recipe of pixelpipes itself (docs/conan.md is the user's guide).

Dependencies go by their ConanCenter names and version ranges, so this recipe resolves from
ConanCenter, or with no remote (`-nr`) from the Debian 12 wrappers of conan/recipes/ once
conan/export-recipes.sh has exported them (`make conan-recipes`).

Options: shared (default True; the supported form of the C ABI), fPIC (static builds only) and
with_tests (default False): the unit tests are built and run by ctest inside build(), and
GoogleTest is required, only with `-o "pixelpipes/*:with_tests=True"` (what `make setup` and
`make package` use). The standard conf `-c tools.build:skip_test=True` turns them off again.
Neither changes the package id.
"""
import os
import re

from conan import ConanFile
from conan.tools.build import check_min_cppstd, stdcpp_library
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain
from conan.tools.files import copy, load


class PixelpipesConan(ConanFile):
    name = "pixelpipes"
    # version: from include/pixelpipes/common.h (set_version), where it is written once
    license = "Apache-2.0"
    description = "Compiled, deterministic data pipelines for computer vision"
    topics = ("computer-vision", "data-loading", "augmentation", "deep-learning")
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"shared": [True, False], "fPIC": [True, False], "with_tests": [True, False]}
    default_options = {
        "shared": True, "fPIC": True, "with_tests": False,
        # ConanCenter's msgpack-cxx requires Boost unless told not to; pixelpipes never uses it.
        "msgpack-cxx/*:use_boost": False,
        # ConanCenter's OpenCV reads JPEG with libjpeg 9 by default, and libjpeg 9 and libjpeg-turbo
        # both provide "libjpeg": one graph can hold only one of them.
        "opencv/*:with_jpeg": "libjpeg-turbo",
    }
    # test_package/ and examples/cpp/ are sources too: the install_consumers test builds them
    # against an installed prefix (test_package/build/, a local build folder, is left out).
    exports_sources = ("CMakeLists.txt", "cmake/*", "include/*", "src/*", "tests/*", "examples/programs/*",
                       "examples/cpp/*", "test_package/CMakeLists.txt", "test_package/*.cpp", "test_package/*.pxp",
                       "bindings/*", "docs/ops.md", "LICENSE")  # docs/ops.md: the unit tests check it is current

    def set_version(self):
        header = load(self, os.path.join(self.recipe_folder, "include", "pixelpipes", "common.h"))
        self.version = re.search(r'#define PXP_VERSION_STRING "([0-9.]+)"', header).group(1)

    def configure(self):
        if self.options.shared:
            self.options.rm_safe("fPIC")

    def validate(self):
        check_min_cppstd(self, 17)

    def requirements(self):
        # Ranges hold Debian 12's versions (the wrappers: OpenCV 4.6.0, libjpeg-turbo 2.1.5,
        # libpng 1.6.39, libwebp 1.2.4, libtiff 4.5.0, msgpack-cxx 4.1.3) and ConanCenter's current ones.
        self.requires("opencv/[>=4.5 <5]")
        self.requires("libjpeg-turbo/[>=2.1 <4]")
        self.requires("libpng/[>=1.6 <2]")
        self.requires("libwebp/[>=1.2 <2]")  # image.compress (WebP round trips), WebP decoding
        self.requires("libtiff/[>=4.5 <5]")  # TIFF decoding (TIFFClientOpenExt: 4.5 or later)
        # Header-only and used only to compile the program reader: invisible to consumers, so a
        # consumer's own msgpack-cxx, of any version, never conflicts with it. The reader compiles
        # against 4.1.3, 5.0.0 and 6.1.0; 7.0 is untried.
        self.requires("msgpack-cxx/[>=4.1 <7]", visible=False)
        if self.options.with_tests:
            self.test_requires("gtest/[>=1.12 <2]")

    def _run_tests(self):
        return bool(self.options.with_tests) and not self.conf.get("tools.build:skip_test", default=False,
                                                                       check_type=bool)

    def package_id(self):
        del self.info.options.with_tests

    def layout(self):
        # Matches CMakePresets.json: the toolchain in build/conan, the tree in build/release.
        self.folders.build = os.path.join("build", "release")
        self.folders.generators = os.path.join("build", "conan")

    def generate(self):
        toolchain = CMakeToolchain(self)
        toolchain.user_presets_path = False  # CMakePresets.json is committed; no CMakeUserPresets.json
        toolchain.cache_variables["PIXELPIPES_BUILD_TESTS"] = self._run_tests()
        toolchain.generate()
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()
        if self._run_tests():
            cmake.ctest(cli_args=["--output-on-failure"])

    def package(self):
        CMake(self).install()
        copy(self, "LICENSE", src=self.source_folder, dst=os.path.join(self.package_folder, "licenses"))

    def package_info(self):
        self.cpp_info.libs = ["pixelpipes"]
        self.cpp_info.set_property("cmake_file_name", "pixelpipes")
        self.cpp_info.set_property("cmake_target_name", "pixelpipes::pixelpipes")
        self.cpp_info.set_property("pkg_config_name", "pixelpipes")
        # What the library links, by ConanCenter's component names (the wrappers have the same):
        # a static pixelpipes then brings its users these OpenCV modules, not every one.
        self.cpp_info.requires = ["opencv::opencv_core", "opencv::opencv_imgproc", "libjpeg-turbo::jpeg",
                                  "libjpeg-turbo::turbojpeg", "libpng::libpng", "libwebp::webp",
                                  "libtiff::libtiff"]
        if not self.options.shared:
            # A C consumer links with cc: name the C++ runtime a static library needs.
            self.cpp_info.system_libs = [stdcpp_library(self), "m", "pthread"]
