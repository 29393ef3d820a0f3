"""Finding the pipeline a command works on: the built-in demo, a .py that defines a graph, or a
saved program file."""
from __future__ import annotations

import os
import runpy
from typing import Optional

from ..graph import Graph
from ..pipeline import Pipeline

DEMO = "demo"


class UsageError(Exception):
    """A problem with what the user gave (a path, a file): printed as one line, exit status 1."""


def demo_graph(size: int = 56) -> Graph:
    """The demo: the classification pipeline (RandomResizedCrop, flip, color jitter, normalize)
    over the built-in synthetic shapes."""
    from .. import augment, datasets
    ds = datasets.Synthetic().classification(names=True)
    with Graph("demo") as g:
        r = ds.sample(label="order")
        r = augment.RandomResizedCrop(r, size, scale=(0.25, 1.0))
        r = augment.RandomHorizontalFlip(r)
        r = augment.ColorJitter(r, brightness=0.4, contrast=0.4, saturation=0.4, hue=0.05)
        r = augment.Normalize(r, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
        r.output(names=["image", "label", "name"])
    return g


def graph_from_script(path: str) -> object:
    """Runs a .py (as a module named ``__pixelpipes__``, so its ``if __name__ == "__main__"`` part
    does not run) and returns what it defines: ``pipeline`` (a Pipeline), else ``build()``
    (returning a Graph or Pipeline), else ``graph`` or ``g``, else its only Graph."""
    try:
        namespace = runpy.run_path(path, run_name="__pixelpipes__")
    except SystemExit as e:
        raise UsageError(f"{path} exited while it was loaded (status {e.code})") from None
    if isinstance(namespace.get("pipeline"), Pipeline):
        return namespace["pipeline"]
    build = namespace.get("build")
    if callable(build):
        made = build()
        if isinstance(made, (Graph, Pipeline)):
            return made
        raise UsageError(f"{path}: build() returned {type(made).__name__}, not a pixelpipes Graph or Pipeline")
    for name in ("graph", "g"):
        if isinstance(namespace.get(name), Graph):
            return namespace[name]
    graphs = [v for k, v in namespace.items() if isinstance(v, Graph) and not k.startswith("_")]
    if len(graphs) == 1:
        return graphs[0]
    raise UsageError(f"{path} defines no pipeline: give it a build() function that returns a pixelpipes.Graph, "
                     "or a module-level `graph` (or `pipeline`)")


def load_pipeline(spec: Optional[str], seed: Optional[int] = None, threads: int = 0) -> Pipeline:
    """The pipeline of ``spec``: None or "demo" (the built-in demo), a .py file, or a program
    file (written by pixelpipes.save)."""
    from ..compiler import compile as compile_graph
    if spec is None or spec == DEMO:
        return compile_graph(demo_graph(), seed=seed or 0, threads=threads)
    if not os.path.exists(spec):
        raise UsageError(f"{spec}: no such file")
    if os.path.isdir(spec):
        raise UsageError(f"{spec} is a folder, not a pipeline (.py) or a program file")
    if spec.endswith(".py"):
        made = graph_from_script(spec)
        if isinstance(made, Pipeline):
            return made if seed is None else made.with_seed(seed)
        return compile_graph(made, seed=seed or 0, threads=threads)
    from ..saving import load
    return load(spec, seed=seed, threads=threads)
