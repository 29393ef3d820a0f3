"""Conan recipe of pixelpipes itself: `conan create . -nr ...` (see the Makefile).

Options: shared (default True; the supported form of the C ABI), fPIC (static builds only) and
with_tests (default True): the unit tests are built and run by ctest inside build(). Skip them
with `-o "pixelpipes/*:with_tests=False"` (not even built) or with the standard conf
`-c tools.build:skip_test=True` (not built, not run). Neither changes the package id.
"""
import os

from conan import ConanFile
from conan.tools.build import stdcpp_library
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain


class PixelpipesConan(ConanFile):
    name = "pixelpipes"
    version = "0.1.0"
    license = "MIT"
    description = "Compiled, deterministic data pipelines for computer vision"
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"shared": [True, False], "fPIC": [True, False], "with_tests": [True, False]}
    default_options = {"shared": True, "fPIC": True, "with_tests": True}
    # test_package/ and examples/cpp/ are sources too: the install_consumers test builds them
    # against an installed prefix (test_package/build/, a local build folder, is left out).
    exports_sources = ("CMakeLists.txt", "cmake/*", "include/*", "src/*", "tests/*", "examples/programs/*",
                       "examples/cpp/*", "test_package/CMakeLists.txt", "test_package/*.cpp", "test_package/*.pxp",
                       "bindings/*", "docs/ops.md")  # docs/ops.md: the unit tests check it is current

    def configure(self):
        if self.options.shared:
            self.options.rm_safe("fPIC")

    def requirements(self):
        # System recipes from conan/recipes/, exported to the cache first (make conan).
        self.requires("opencv/system")
        self.requires("libjpeg-turbo/system")
        self.requires("msgpack-cxx/system")
        self.requires("libpng/system")
        if self.options.with_tests:
            self.test_requires("gtest/system")

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

    def package_info(self):
        self.cpp_info.libs = ["pixelpipes"]
        self.cpp_info.set_property("cmake_file_name", "pixelpipes")
        self.cpp_info.set_property("cmake_target_name", "pixelpipes::pixelpipes")
        self.cpp_info.set_property("pkg_config_name", "pixelpipes")
        if not self.options.shared:
            # A C consumer links with cc: name the C++ runtime a static library needs.
            self.cpp_info.system_libs = [stdcpp_library(self), "m", "pthread"]
