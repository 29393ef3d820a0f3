"""opencv/4.6.0 for machines with no Conan remote: wraps Debian 12's libopencv-dev (4.6.0+dfsg-12)
instead of building OpenCV; nothing is compiled or copied.

It has ConanCenter's reference and CMake names, so the same `requires("opencv/[>=4.5 <5]")` and
the same CMakeLists work with either: find_package(OpenCV), one target per module (opencv_core,
opencv_imgproc, ... with Conan components of the same names), opencv::opencv for all of them,
and the OpenCV_LIBS / OpenCV_VERSION_* variables of ConanCenter's build module.
Exported with the other wrappers by conan/export-recipes.sh (`make conan-recipes`).
"""
import os
import re
import subprocess
import textwrap

from conan import ConanFile
from conan.errors import ConanException
from conan.tools.files import save
from conan.tools.gnu import PkgConfig
from conan.tools.system import package_manager


class OpenCVDebianConan(ConanFile):
    name = "opencv"
    version = "4.6.0"
    description = "OpenCV from Debian 12's libopencv-dev (no build)"
    license = "Apache-2.0"
    package_type = "shared-library"
    settings = "os", "arch", "compiler", "build_type"
    # ConanCenter's option of the same name. Debian's OpenCV reads JPEG with libjpeg-turbo, the only
    # value here; pixelpipes asks for it so that ConanCenter's OpenCV does not bring libjpeg 9, which
    # ConanCenter's libjpeg-turbo (`provides = "libjpeg"`) would conflict with.
    options = {"with_jpeg": ["libjpeg-turbo"]}
    default_options = {"with_jpeg": "libjpeg-turbo"}
    _debian_package = "libopencv-dev"
    # The main modules (not contrib) and the modules each needs, as in ConanCenter's recipe. Only
    # the modules a consumer asks for are linked: opencv4.pc would give all 55 of Debian's.
    _modules = {
        "core": [], "imgproc": ["core"], "imgcodecs": ["imgproc"], "videoio": ["imgcodecs", "imgproc"],
        "highgui": ["core", "imgproc", "imgcodecs", "videoio"], "flann": ["core"],
        "features2d": ["imgproc", "flann"], "calib3d": ["core", "features2d", "flann", "imgproc"],
        "ml": ["core"], "objdetect": ["core", "calib3d", "imgproc"], "photo": ["imgproc"],
        "video": ["imgproc", "calib3d"], "dnn": ["core", "imgproc"],
        "stitching": ["calib3d", "features2d", "flann", "imgproc"],
    }

    def package_id(self):
        self.info.clear()  # nothing is built: one package for every setting

    def system_requirements(self):
        package_manager.Apt(self).install([self._debian_package], update=True, check=True)
        _check_debian_version(self, self._debian_package)

    # ConanCenter's build module: OpenCV_LIBS and the version variables of OpenCVConfig.cmake.
    _variables_module = os.path.join("lib", "cmake", "conan-official-opencv-variables.cmake")

    def package(self):
        major, minor, patch = self.version.split(".")
        save(self, os.path.join(self.package_folder, self._variables_module), textwrap.dedent(f"""\
            if(NOT DEFINED OpenCV_LIBS)
                set(OpenCV_LIBS opencv::opencv)
            endif()
            set(OpenCV_VERSION_MAJOR {major})
            set(OpenCV_VERSION_MINOR {minor})
            set(OpenCV_VERSION_PATCH {patch})
            """))

    def package_info(self):
        pc = PkgConfig(self, "opencv4")
        self.cpp_info.bindirs = self.cpp_info.libdirs = self.cpp_info.includedirs = []
        self.cpp_info.set_property("cmake_file_name", "OpenCV")
        self.cpp_info.set_property("cmake_target_name", "opencv::opencv")
        self.cpp_info.set_property("cmake_build_modules", [self._variables_module])
        for module, deps in self._modules.items():
            component = self.cpp_info.components[f"opencv_{module}"]
            component.set_property("cmake_target_name", f"opencv_{module}")
            component.includedirs = list(pc.includedirs)  # /usr/include/opencv4
            # libs + libdirs, NOT system_libs: CMakeDeps would write "opencv_core" into the link
            # interface of a target itself named opencv_core, and the library would silently
            # end up without OpenCV. pkg-config hides the default libdir, so ask for it.
            component.libs = [f"opencv_{module}"]
            component.libdirs = [pc.variables["libdir"]]
            component.bindirs = []
            component.requires = [f"opencv_{dep}" for dep in deps]


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
