"""libtiff/4.5.0 for machines with no Conan remote: wraps Debian 12's libtiff-dev (4.5.0-6+deb12u*)
instead of building libtiff; nothing is compiled or copied.

It has the names of ConanCenter's recipe, so the same requires and CMakeLists work with either:
find_package(TIFF) with the target TIFF::TIFF, pkg-config name libtiff-4.
Exported by conan/export-recipes.sh (`make conan-recipes`).
"""
import re
import subprocess

from conan import ConanFile
from conan.errors import ConanException
from conan.tools.gnu import PkgConfig
from conan.tools.system import package_manager


class LibtiffDebianConan(ConanFile):
    name = "libtiff"
    version = "4.5.0"
    description = "libtiff from Debian 12's libtiff-dev (no build)"
    license = "libtiff"
    package_type = "shared-library"
    settings = "os", "arch", "compiler", "build_type"
    _debian_package = "libtiff-dev"

    def package_id(self):
        self.info.clear()  # nothing is built: one package for every setting

    def system_requirements(self):
        package_manager.Apt(self).install([self._debian_package], update=True, check=True)
        _check_debian_version(self, self._debian_package)

    def package_info(self):
        pc = PkgConfig(self, "libtiff-4")
        self.cpp_info.set_property("cmake_find_mode", "both")
        self.cpp_info.set_property("cmake_file_name", "TIFF")
        self.cpp_info.set_property("cmake_target_name", "TIFF::TIFF")
        self.cpp_info.set_property("pkg_config_name", "libtiff-4")
        self.cpp_info.includedirs = list(pc.includedirs) or ["/usr/include/x86_64-linux-gnu"]
        self.cpp_info.libs = ["tiff"]
        self.cpp_info.libdirs = [pc.variables["libdir"]]  # pkg-config hides the default libdir
        self.cpp_info.bindirs = []


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
