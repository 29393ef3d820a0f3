"""msgpack-cxx/system: wraps Debian's header-only libmsgpack-cxx-dev (4.1)."""
from conan import ConanFile
from conan.tools.system import package_manager


class MsgpackCxxSystemConan(ConanFile):
    name = "msgpack-cxx"
    version = "system"
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"

    def package_id(self):
        self.info.clear()

    def system_requirements(self):
        package_manager.Apt(self).install(["libmsgpack-cxx-dev"], update=True, check=True)

    def package_info(self):
        # Debian's msgpack-config.cmake names (find_package(msgpack) -> msgpackc-cxx).
        self.cpp_info.set_property("cmake_file_name", "msgpack")
        self.cpp_info.set_property("cmake_target_name", "msgpackc-cxx")
        self.cpp_info.includedirs = ["/usr/include"]
        self.cpp_info.bindirs = self.cpp_info.libdirs = []
        # We never use its Boost integration: keep consumers free of Boost.
        self.cpp_info.defines = ["MSGPACK_NO_BOOST"]
