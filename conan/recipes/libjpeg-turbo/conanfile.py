"""libjpeg-turbo/2.1.5 for machines with no Conan remote: wraps Debian 12's libturbojpeg0-dev and
libjpeg62-turbo-dev (1:2.1.5-2) instead of building libjpeg-turbo; nothing is compiled or copied.

It has the names of ConanCenter's recipe with shared=True, so the same requires and CMakeLists
work with either: find_package(libjpeg-turbo) with targets libjpeg-turbo::jpeg and
libjpeg-turbo::turbojpeg (components jpeg and turbojpeg), find_package(JPEG) with JPEG::JPEG,
`provides = "libjpeg"`. (ConanCenter's default, static, names them libjpeg-turbo::jpeg-static and
libjpeg-turbo::turbojpeg-static.) Exported by conan/export-recipes.sh (`make conan-recipes`).
"""
import re
import subprocess

from conan import ConanFile
from conan.errors import ConanException
from conan.tools.gnu import PkgConfig
from conan.tools.system import package_manager


class LibjpegTurboDebianConan(ConanFile):
    name = "libjpeg-turbo"
    version = "2.1.5"
    description = "libjpeg-turbo from Debian 12's libturbojpeg0-dev and libjpeg62-turbo-dev (no build)"
    license = "IJG AND BSD-3-Clause AND Zlib"
    package_type = "shared-library"
    settings = "os", "arch", "compiler", "build_type"
    provides = "libjpeg"  # as ConanCenter's: one libjpeg implementation per graph
    _debian_packages = ["libturbojpeg0-dev", "libjpeg62-turbo-dev"]

    def package_id(self):
        self.info.clear()  # nothing is built: one package for every setting

    def system_requirements(self):
        package_manager.Apt(self).install(self._debian_packages, update=True, check=True)
        for package in self._debian_packages:
            _check_debian_version(self, package)

    def package_info(self):
        pc = PkgConfig(self, "libturbojpeg")
        self.cpp_info.bindirs = self.cpp_info.libdirs = self.cpp_info.includedirs = []
        self.cpp_info.set_property("cmake_find_mode", "both")  # also a FindJPEG module, as ConanCenter
        self.cpp_info.set_property("cmake_module_file_name", "JPEG")
        self.cpp_info.set_property("cmake_file_name", "libjpeg-turbo")
        for name, pkg_config_name in (("jpeg", "libjpeg"), ("turbojpeg", "libturbojpeg")):
            component = self.cpp_info.components[name]
            component.set_property("cmake_target_name", f"libjpeg-turbo::{name}")
            component.set_property("pkg_config_name", pkg_config_name)
            component.includedirs = list(pc.includedirs) or ["/usr/include"]
            component.libs = [name]
            component.libdirs = [pc.variables["libdir"]]  # pkg-config hides the default libdir
            component.bindirs = []
        self.cpp_info.components["jpeg"].set_property("cmake_module_target_name", "JPEG::JPEG")


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
