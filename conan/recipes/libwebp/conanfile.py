"""libwebp/1.2.4 for machines with no Conan remote: wraps Debian 12's libwebp-dev (1.2.4-0.2+deb12u1)
instead of building libwebp; nothing is compiled or copied.

It has the names of ConanCenter's recipe, so the same requires and CMakeLists work with either:
find_package(WebP) (config) with the targets WebP::webp, WebP::webpdemux and WebP::libwebpmux
(components webp, webpdemux, webpmux), pkg-config names libwebp, libwebpdemux, libwebpmux.
Exported by conan/export-recipes.sh (`make conan-recipes`).
"""
import re
import subprocess

from conan import ConanFile
from conan.errors import ConanException
from conan.tools.gnu import PkgConfig
from conan.tools.system import package_manager


class LibwebpDebianConan(ConanFile):
    name = "libwebp"
    version = "1.2.4"
    description = "libwebp from Debian 12's libwebp-dev (no build)"
    license = "BSD-3-Clause"
    package_type = "shared-library"
    settings = "os", "arch", "compiler", "build_type"
    _debian_package = "libwebp-dev"

    def package_id(self):
        self.info.clear()  # nothing is built: one package for every setting

    def system_requirements(self):
        package_manager.Apt(self).install([self._debian_package], update=True, check=True)
        _check_debian_version(self, self._debian_package)

    def package_info(self):
        pc = PkgConfig(self, "libwebp")
        self.cpp_info.bindirs = self.cpp_info.libdirs = self.cpp_info.includedirs = []
        self.cpp_info.set_property("cmake_file_name", "WebP")
        self.cpp_info.set_property("pkg_config_name", "libwebp-all-do-not-use")  # as ConanCenter's
        for name, target, pkg_config_name, requires in (("webp", "WebP::webp", "libwebp", []),
                                                       ("webpdemux", "WebP::webpdemux", "libwebpdemux", ["webp"]),
                                                       ("webpmux", "WebP::libwebpmux", "libwebpmux", ["webp"])):
            component = self.cpp_info.components[name]
            component.set_property("cmake_target_name", target)
            component.set_property("pkg_config_name", pkg_config_name)
            component.includedirs = list(pc.includedirs) or ["/usr/include"]
            component.libs = [name]
            component.libdirs = [pc.variables["libdir"]]  # pkg-config hides the default libdir
            component.bindirs = []
            component.requires = requires


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
