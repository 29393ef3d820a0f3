"""A stand-in for ConanCenter recipes in the graph checks of consumer_check.sh (`conan graph info`
only: nothing is built or installed). Exported under a name and version, e.g.
`conan export . --name opencv --version 4.10.0`, it has just what decides the graph: as opencv,
ConanCenter's with_jpeg option with its default (libjpeg) and the requirement that follows
(libjpeg/9e, or libjpeg-turbo); as anything else (libjpeg/9e, msgpack-cxx/7.0.0), nothing."""
from conan import ConanFile


class ConanCenterStandIn(ConanFile):
    package_type = "static-library"  # what ConanCenter's opencv and libjpeg build by default
    options = {"with_jpeg": ["libjpeg", "libjpeg-turbo"]}
    default_options = {"with_jpeg": "libjpeg"}

    def config_options(self):
        if self.name != "opencv":
            del self.options.with_jpeg

    def requirements(self):
        if self.name == "opencv":
            self.requires("libjpeg/9e" if self.options.with_jpeg == "libjpeg" else "libjpeg-turbo/[>=2.1 <4]")
