"""gtest/1.12.1 for machines with no Conan remote: wraps Debian 12's libgtest-dev and libgmock-dev
(1.12.1-0.2); nothing is compiled or copied. pixelpipes needs it only with with_tests=True.

cmake_find_mode none: CMakeDeps writes nothing, so find_package(GTest) uses Debian's own
GTestConfig.cmake (static libraries; targets GTest::gtest, GTest::gtest_main, GTest::gmock, the
names ConanCenter's gtest gives). Exported by conan/export-recipes.sh (`make conan-recipes`).
"""
import re
import subprocess

from conan import ConanFile
from conan.errors import ConanException
from conan.tools.system import package_manager


class GTestDebianConan(ConanFile):
    name = "gtest"
    version = "1.12.1"
    description = "GoogleTest from Debian 12's libgtest-dev and libgmock-dev (no build)"
    license = "BSD-3-Clause"
    package_type = "static-library"
    settings = "os", "arch", "compiler", "build_type"
    _debian_packages = ["libgtest-dev", "libgmock-dev"]

    def package_id(self):
        self.info.clear()

    def system_requirements(self):
        package_manager.Apt(self).install(self._debian_packages, update=True, check=True)
        for package in self._debian_packages:
            _check_debian_version(self, package)

    def package_info(self):
        self.cpp_info.set_property("cmake_find_mode", "none")
        self.cpp_info.bindirs = self.cpp_info.libdirs = self.cpp_info.includedirs = []


# The same function is in every wrapper of conan/recipes/: each recipe stands alone.
def _check_debian_version(conanfile, package):
    """Fails when the installed Debian package is not the version this recipe says it is (another
    Debian or Ubuntu release): its version would be a lie to every consumer's version range."""
    try:
        installed = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], check=True,
                                   capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return  # not a Debian system: Apt installed nothing, there is nothing to compare
    upstream = re.match(r"(?:\d+:)?([0-9.]+)", installed).group(1)  # 1:2.1.5-2 -> 2.1.5
    if upstream != conanfile.version:
        raise ConanException(f"{conanfile.ref} wraps the Debian package {package}, but version {installed} "
                             f"is installed: change `version` in its recipe (conan/recipes/) to {upstream}")
