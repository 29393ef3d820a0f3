"""libpng/system: wraps Debian's libpng-dev (1.6)."""
from conan import ConanFile
from conan.tools.gnu import PkgConfig
from conan.tools.system import package_manager


class LibpngSystemConan(ConanFile):
    name = "libpng"
    version = "system"
    package_type = "shared-library"
    settings = "os", "arch", "compiler", "build_type"

    def package_id(self):
        self.info.clear()

    def system_requirements(self):
        package_manager.Apt(self).install(["libpng-dev"], update=True, check=True)

    def package_info(self):
        pc = PkgConfig(self, "libpng16")
        # CMake's FindPNG names, so CMakeLists.txt is the same with and without Conan.
        self.cpp_info.set_property("cmake_file_name", "PNG")
        self.cpp_info.set_property("cmake_target_name", "PNG::PNG")
        self.cpp_info.set_property("system_package_version", pc.version)
        self.cpp_info.includedirs = list(pc.includedirs) or ["/usr/include"]
        self.cpp_info.libs = ["png16"]
        self.cpp_info.libdirs = [pc.variables["libdir"]]
        self.cpp_info.bindirs = []
