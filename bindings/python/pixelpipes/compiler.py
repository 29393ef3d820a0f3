"""The compiler: Graph -> program bytes -> Pipeline.

Passes, in order (each in ``pixelpipes._compile``):

1. keys: a stable 64-bit key per node (``_compile/keys.py``);
2. macro expansion to a fixpoint, with type inference by the library for macro inputs;
3. common-subexpression removal, constant folding (run natively), static branches, again CSE;
4. fusion: chains of flips, resizes and warps become one warp, from the decode's footprint when
   they follow RandomResizedCrop (``_compile/fuse_geometry.py``); decode -> crop -> resize chains
   become one fused decode (``_compile/fuse.py``);
   brightness -> contrast -> saturation chains and normalize of a toggled horizontal flip
   become one-pass ops (``_compile/fuse_pixels.py``);
5. dead-node removal: only what the outputs need is ever visited;
6. branch layout with flow.branch / flow.jump / flow.merge;
7. the program is loaded (verified, every type inferred) by the library: type errors name the
   user's file and line.
"""
from __future__ import annotations

import time
from typing import Any, Dict, Optional, Union

from ._compile import keys
from ._compile.expand import expand_all
from ._compile.fuse import check_mode as check_fuse_mode
from ._compile.fuse import fuse as fuse_chains
from ._compile.fuse_geometry import fuse_geometry
from ._compile.fuse_pixels import fuse_pixel_chains
from ._compile.infer import infer_node
from ._compile.known_sizes import fold_known_sizes
from ._compile.layout import emit
from ._compile.optimize import cse, fold, static_choices
from ._compile.session import Session
from ._compile.writer import Writer
from . import type_lookup
from .arguments import integer
from .graph import Graph
from .pipeline import Pipeline
from .program import Program

#: rounds of (sizes known from types -> constants -> folding); each round can only add constants
MAX_SIZE_ROUNDS = 4


def compile_program(graph: Graph, *, optimize: bool = True, fuse: Union[bool, str] = True,
                    metadata: Optional[Dict[str, Any]] = None) -> "tuple[Program, dict]":
    """Compiles ``graph`` to a verified Program; returns it with statistics of the passes."""
    check_fuse_mode(fuse)
    if not isinstance(graph, Graph):
        raise TypeError(f"compile() needs a pixelpipes.Graph, not {type(graph).__name__}")
    if graph.scope is not None:
        raise TypeError("cannot compile the scratch graph of a macro expansion")
    if not graph.outputs:
        raise ValueError("the graph has no outputs: declare some with graph.output(name, node)")
    started = time.perf_counter()
    session = Session(graph)
    names = list(graph.outputs)
    roots = [graph.outputs[n] for n in names]
    keys.assign(session, graph.nodes, used=keys.used_by(roots))
    with type_lookup.answering(lambda node: infer_node(session, node)):  # macros may ask node.type
        order = expand_all(session, roots)
    session.stats["nodes"] = len(order)
    if optimize:
        cse(session, order, roots)
        order = session.topo(roots)
        fold(session, order, roots)
        order = session.topo(roots)
        # sizes the types know become constants and fold on through arithmetic, which may make
        # more shapes known (image.resize by a folded size): to a fixpoint, a few rounds at most
        for _ in range(MAX_SIZE_ROUNDS):
            if not fold_known_sizes(session, order):
                break
            order = session.topo(roots)
            fold(session, order, roots)
            order = session.topo(roots)
        static_choices(session, order)
        order = session.topo(roots)
        cse(session, order, roots)
        order = session.topo(roots)
    if fuse:
        fuse_geometry(session, order, roots, fuse)
        order = session.topo(roots)
        fuse_chains(session, order, roots, fuse)
        order = session.topo(roots)
        fuse_pixel_chains(session, order, roots)
        order = session.topo(roots)
    w = Writer(session)
    emit(session, order, roots, w)
    outputs = {name: w.slot[session.resolve(node).id] for name, node in zip(names, roots)}
    meta = dict(graph.metadata)
    if metadata:
        meta.update(metadata)
    data = w.to_bytes(outputs, meta)
    program = Program(data)
    session.stats["instructions"] = len(w)
    session.stats["seconds"] = time.perf_counter() - started
    return program, session.stats


def compile(graph: Graph, seed: int = 0, *, threads: int = 0, optimize: bool = True,
            fuse: Union[bool, str] = True, metadata: Optional[Dict[str, Any]] = None,
            max_file_bytes: Optional[int] = None) -> Pipeline:
    """Compiles ``graph`` into a Pipeline with the given ``seed``.

    ``threads`` is the default worker count of ``run_many`` (0: one per core); ``optimize=False``
    skips folding and CSE (the library still folds constants when it loads the program).
    ``fuse=False`` keeps image.decode -> image.crop -> image.resize chains as written instead of
    fusing them into one decode of just the crop, and chains of flips, resizes and warps as
    separate resamples instead of one (``fuse="full_scale"``: fused, but without JPEG DCT
    scaling); see docs/python.md. ``max_file_bytes``: the largest file ``io.read_file`` reads
    (default 2**30 bytes; see docs/reliability.md).
    """
    integer(seed, "seed")  # before the work of compiling
    program, stats = compile_program(graph, optimize=optimize, fuse=fuse, metadata=metadata)
    pipeline = Pipeline(program, seed=seed, threads=threads, max_file_bytes=max_file_bytes)
    pipeline.compile_stats = stats
    return pipeline
