"""PixelPipes: describe how one training sample is made as a graph; run it compiled, in C++.

    import pixelpipes as pp
    from pixelpipes.ops import random

    with pp.Graph() as g:
        x = random.Uniform(0.0, 1.0, shape=[3])
        g.output("x", x * 2 + 1)
    pipeline = pp.compile(g, seed=42)
    pipeline.run(0)   # {'x': array([...], dtype=float32)}
"""
from ._lib import check_versions as _check_versions

__version__ = _check_versions()

from .errors import (  # noqa: E402
    DecodeError, InternalError, InvalidArgumentError, OutOfMemoryError, OutOfRangeError, PixelpipesError,
    PixelpipesIOError, ProgramError, StateError, TypeCheckError, UnknownOpError, UnsupportedVersionError)
from .graph import Graph  # noqa: E402
from .node import Constant, Node  # noqa: E402
from .opnode import OpNode  # noqa: E402
from .macro import Macro, macro  # noqa: E402
from .flow import Conditional, Select, Switch, Toggle  # noqa: E402
from .types import Type  # noqa: E402
from .pipeline import Pipeline, from_bytes  # noqa: E402
from .saving import load, save  # noqa: E402  (file paths relative to the program file)
from .program import OutputInfo, Program  # noqa: E402
from .compiler import compile, compile_program  # noqa: E402
from .batches import Batch, BatchIterator  # noqa: E402
from .epochs import dataset_epoch, dataset_item, epoch_range  # noqa: E402
from . import ops  # noqa: E402

IOError = PixelpipesIOError  # noqa: A001  (pixelpipes.IOError; also an OSError)


SampleIndex = ops.core.SampleIndex  #: the index of the sample being computed (an i64 scalar)


def Output(node, name: str) -> Node:
    """Declares ``node`` as the output ``name`` of the current graph; returns the node."""
    from .graph import current_graph
    return current_graph().output(name, node)


__all__ = [
    "Graph", "Node", "Constant", "OpNode", "Macro", "macro", "Conditional", "Switch", "Toggle", "Select",
    "SampleIndex", "Output", "Type", "Pipeline", "Program", "OutputInfo", "compile", "compile_program", "load",
    "from_bytes", "ops", "PixelpipesError", "ProgramError", "UnsupportedVersionError", "UnknownOpError",
    "TypeCheckError", "PixelpipesIOError", "DecodeError", "OutOfRangeError", "OutOfMemoryError", "StateError",
    "InternalError", "InvalidArgumentError", "Batch", "BatchIterator", "dataset_item", "dataset_epoch",
    "epoch_range", "save",
]

#: submodules imported on first use (``pp.datasets.Synthetic()``): they are not needed to run programs
#: (``saving`` is imported above, for ``pp.load`` and ``pp.save``)
_LAZY = ("augment", "mix", "resource", "datasets", "preview", "progress", "cli")


def __getattr__(name):
    if name in _LAZY:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
