"""msgpack-cxx/4.1.3 for machines with no Conan remote: wraps Debian 12's header-only
libmsgpack-cxx-dev (4.1.3-1); nothing is compiled or copied.

It has the names of ConanCenter's msgpack-cxx/4.1.3, so the same requires and CMakeLists work with
either: find_package(msgpack) with the target msgpackc-cxx, and its use_boost option, here only
False (MSGPACK_NO_BOOST: Debian's header works without Boost when asked to).
Exported by conan/export-recipes.sh (`make conan-recipes`).
"""
import re
import subprocess

from conan import ConanFile
from conan.errors import ConanException
from conan.tools.system import package_manager


class MsgpackCxxDebianConan(ConanFile):
    name = "msgpack-cxx"
    version = "4.1.3"
    description = "msgpack-cxx from Debian 12's libmsgpack-cxx-dev (header-only, no build)"
    license = "BSL-1.0"
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"use_boost": [False]}
    default_options = {"use_boost": False}
    _debian_package = "libmsgpack-cxx-dev"

    def package_id(self):
        self.info.clear()

    def system_requirements(self):
        package_manager.Apt(self).install([self._debian_package], update=True, check=True)
        _check_debian_version(self, self._debian_package)

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "msgpack")
        self.cpp_info.set_property("cmake_target_name", "msgpackc-cxx")
        self.cpp_info.includedirs = ["/usr/include"]  # msgpack.hpp; CMake drops it as an implicit dir
        self.cpp_info.bindirs = self.cpp_info.libdirs = []
        self.cpp_info.defines = ["MSGPACK_NO_BOOST"]


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
