"""opencv/system: wraps Debian's libopencv-dev 4.6. Nothing is built or packaged."""
from conan import ConanFile
from conan.tools.gnu import PkgConfig
from conan.tools.system import package_manager


class OpenCVSystemConan(ConanFile):
    name = "opencv"
    version = "system"
    package_type = "shared-library"
    settings = "os", "arch", "compiler", "build_type"
    # Only the modules pixelpipes links: opencv4.pc lists all 55 Debian modules
    # (viz, dnn, hdf, ...), which would all become DT_NEEDED entries.
    _modules = {"core": [], "imgproc": ["core"]}

    def package_id(self):
        self.info.clear()

    def system_requirements(self):
        package_manager.Apt(self).install(["libopencv-dev"], update=True, check=True)

    def package_info(self):
        pc = PkgConfig(self, "opencv4")
        self.cpp_info.bindirs = self.cpp_info.libdirs = self.cpp_info.includedirs = []
        # Debian's own OpenCVConfig.cmake names, so CMakeLists.txt is the same with and without Conan.
        self.cpp_info.set_property("cmake_file_name", "OpenCV")
        self.cpp_info.set_property("cmake_target_name", "opencv::opencv")
        self.cpp_info.set_property("system_package_version", pc.version)
        for module, deps in self._modules.items():
            component = self.cpp_info.components[module]
            component.set_property("cmake_target_name", f"opencv_{module}")
            component.includedirs = list(pc.includedirs)
            # libs + libdirs, NOT system_libs: CMakeDeps would write "opencv_core" into the link
            # interface of a target itself named opencv_core, and the library would silently
            # end up without OpenCV. pkg-config hides the default libdir, so ask for it.
            component.libs = [f"opencv_{module}"]
            component.libdirs = [pc.variables["libdir"]]
            component.bindirs = []
            component.requires = list(deps)
