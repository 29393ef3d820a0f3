"""libjpeg-turbo/system: wraps Debian's libturbojpeg0-dev and libjpeg62-turbo-dev (2.1.5)."""
from conan import ConanFile
from conan.tools.gnu import PkgConfig
from conan.tools.system import package_manager


class LibjpegTurboSystemConan(ConanFile):
    name = "libjpeg-turbo"
    version = "system"
    package_type = "shared-library"
    settings = "os", "arch", "compiler", "build_type"

    def package_id(self):
        self.info.clear()

    def system_requirements(self):
        package_manager.Apt(self).install(["libturbojpeg0-dev", "libjpeg62-turbo-dev"], update=True, check=True)

    def package_info(self):
        pc = PkgConfig(self, "libturbojpeg")
        self.cpp_info.bindirs = self.cpp_info.libdirs = self.cpp_info.includedirs = []
        # Debian's libjpeg-turboConfig.cmake names.
        self.cpp_info.set_property("cmake_file_name", "libjpeg-turbo")
        self.cpp_info.set_property("system_package_version", pc.version)
        for name, lib in (("turbojpeg", "turbojpeg"), ("jpeg", "jpeg")):
            component = self.cpp_info.components[name]
            component.set_property("cmake_target_name", f"libjpeg-turbo::{name}")
            component.includedirs = list(pc.includedirs) or ["/usr/include"]
            component.libs = [lib]
            component.libdirs = [pc.variables["libdir"]]
            component.bindirs = []
