"""gtest/system: wraps Debian's libgtest-dev and libgmock-dev (1.12.1).

cmake_find_mode none: CMakeDeps writes nothing, so find_package(GTest) uses
Debian's own GTestConfig.cmake (static libraries, GTest::gtest_main)."""
from conan import ConanFile
from conan.tools.system import package_manager


class GTestSystemConan(ConanFile):
    name = "gtest"
    version = "system"
    package_type = "static-library"
    settings = "os", "arch", "compiler", "build_type"

    def package_id(self):
        self.info.clear()

    def system_requirements(self):
        package_manager.Apt(self).install(["libgtest-dev", "libgmock-dev"], update=True, check=True)

    def package_info(self):
        self.cpp_info.set_property("cmake_find_mode", "none")
        self.cpp_info.bindirs = self.cpp_info.libdirs = self.cpp_info.includedirs = []
