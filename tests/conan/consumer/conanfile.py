"""A consumer project as a user writes one: it requires pixelpipes and, for its own code, OpenCV,
by the same version range as pixelpipes, so the graph holds one OpenCV that both use.
Built and run by tests/conan/consumer_check.sh (docs/conan.md explains each line)."""
from conan import ConanFile
from conan.tools.cmake import CMake, cmake_layout


class PixelpipesConsumer(ConanFile):
    settings = "os", "arch", "compiler", "build_type"
    generators = "CMakeDeps", "CMakeToolchain"
    # ConanCenter's OpenCV reads JPEG with libjpeg 9 by default, which cannot share a graph with
    # pixelpipes' libjpeg-turbo (both provide "libjpeg"). pixelpipes asks for this too, but too late
    # when the graph meets this recipe's own opencv requirement first (listed before pixelpipes).
    # The Debian wrapper (conan/recipes/opencv) has only this value.
    default_options = {"opencv/*:with_jpeg": "libjpeg-turbo"}

    def requirements(self):
        self.requires("pixelpipes/0.1.0")
        self.requires("opencv/[>=4.5 <5]")

    def layout(self):
        cmake_layout(self)

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()
