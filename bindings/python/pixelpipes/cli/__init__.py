"""The ``pixelpipes`` command (also ``python -m pixelpipes``).

    pixelpipes demo                      the classification demo on built-in data, with a preview PNG
    pixelpipes run PIPELINE -n 1000      stream batches, progress with images/s
    pixelpipes bench [PIPELINE]          throughput table over thread counts
    pixelpipes preview PIPELINE -o x.png a grid of samples with boxes and masks drawn
    pixelpipes inspect PIPELINE          the compiled program, op by op (--profile K: time per op)
    pixelpipes graph PIPELINE            the program as DOT (SVG with --svg when graphviz is installed)
    pixelpipes pack SOURCE OUT.pxrec     a dataset as packed records (--tar: as WebDataset tar shards)

PIPELINE is a .py file that defines a graph (a ``build()`` function returning a Graph, or a
module-level ``graph``), a program file written by ``pixelpipes.save``, or ``demo`` (the
default). Errors print one line and exit with status 1; ``--verbose`` shows the traceback.
torch is never imported here.
"""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from .programs import DEMO, UsageError, load_pipeline


def _common(p: argparse.ArgumentParser, pipeline: bool = True, optional: bool = False) -> None:
    if pipeline:
        if optional:
            p.add_argument("pipeline", nargs="?", default=DEMO,
                           help="a .py defining a graph, a saved program, or 'demo' (default)")
        else:
            p.add_argument("pipeline", help="a .py defining a graph, a saved program, or 'demo'")
    p.add_argument("--seed", type=int, default=None, help="pipeline seed (default: the saved one, or 0)")
    p.add_argument("--threads", type=int, default=0, help="worker threads (0: one per core)")
    p.add_argument("-v", "--verbose", action="store_true", help="show the full traceback on errors")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pixelpipes", description="Run, inspect and preview PixelPipes pipelines.",
                                     epilog="PIPELINE: a .py that defines a graph (build() or `graph`), a program "
                                            "file written by pixelpipes.save, or 'demo'.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", help="the classification demo on built-in synthetic data",
                       description="Runs the classification pipeline (RandomResizedCrop, flip, color jitter, "
                                   "normalize) on the built-in synthetic shapes with a progress bar, then "
                                   "writes a preview PNG.")
    _common(p, pipeline=False)
    p.add_argument("-n", "--samples", type=int, default=2000)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--preview", default="pixelpipes-demo.png", help="preview PNG to write (default %(default)s)")
    p.add_argument("--no-preview", action="store_true")

    p = sub.add_parser("run", help="stream batches of a pipeline and report images/s",
                       description="Streams batches (positions start .. start+n) and prints each output's "
                                   "dtype and shape and the throughput.")
    _common(p)
    p.add_argument("-n", "--samples", type=int, default=1000)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--start", type=int, default=0, help="first stream position")
    p.add_argument("--save-npy", metavar="DIR", help="write the first batch's outputs as DIR/<name>.npy")

    p = sub.add_parser("bench", help="throughput of a pipeline (default: the demo) over thread counts",
                       description="Measures samples per second for each thread count and prints a table.")
    _common(p, optional=True)
    p.add_argument("-n", "--samples", type=int, default=512, help="samples per measurement")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--thread-counts", default=None,
                   help="comma-separated thread counts (default: 1 and every core)")
    p.add_argument("--warmup", type=int, default=1, help="warm-up batches before each measurement")

    p = sub.add_parser("preview", help="a PNG grid of samples with boxes and masks drawn",
                       description="Runs N samples and writes a grid: every image output, with boxes, points "
                                   "and masks of the same sample drawn over it.")
    _common(p, optional=True)
    p.add_argument("-n", "--samples", type=int, default=16)
    p.add_argument("--start", type=int, default=0)
    p.add_argument("-o", "--output", default="preview.png")
    p.add_argument("--columns", type=int, default=None)

    p = sub.add_parser("inspect", help="the compiled program, op by op",
                       description="Prints the program: index, op, inputs, attributes, type, node label and "
                                   "source line; '=' marks instructions computed once at load.")
    _common(p, optional=True)
    p.add_argument("--profile", type=int, metavar="K", default=0,
                   help="also profile each op over K samples (one thread): calls, time, share")
    p.add_argument("--start", type=int, default=0, help="first sample of the profile")

    p = sub.add_parser("graph", help="the program as a graph: DOT text, or SVG with graphviz",
                       description="Writes the compiled program as a Graphviz DOT graph (instructions, data "
                                   "edges, dashed jump edges, outputs).")
    _common(p, optional=True)
    p.add_argument("-o", "--output", help="write DOT here instead of printing it")
    p.add_argument("--svg", metavar="FILE", help="also render SVG with graphviz's dot, if installed")

    p = sub.add_parser("pack", help="write a dataset as packed records or tar shards",
                       description="Reads the images of SOURCE (an image folder with one sub-folder per class, "
                                   "a file list .txt, tar shards: a .tar path, glob or {000..009} range, or a "
                                   ".pxrec file) and writes them, encoded bytes unchanged, with their labels: as "
                                   "one packed-records file OUT (docs/packed-records.md), or with --tar as "
                                   "WebDataset-style shards OUT, a pattern with {shard} such as "
                                   "'train-{shard:06d}.tar'.")
    p.add_argument("source", nargs="+", help="image folder, file list .txt, tar shards or .pxrec file")
    p.add_argument("out", help="the .pxrec file to write, or with --tar a shard pattern with {shard}")
    p.add_argument("--tar", action="store_true", help="write tar shards instead of packed records")
    p.add_argument("--shard-size", type=int, default=1000, help="samples per tar shard (default %(default)s)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("-v", "--verbose", action="store_true", help="show the full traceback on errors")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from .. import __version__
        print(f"pixelpipes {__version__}")
        return 0
    if not args.command:
        parser.print_help()
        return 0
    try:
        from . import commands
        getattr(commands, args.command)(args)
        return 0
    except KeyboardInterrupt:
        print("pixelpipes: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # one line; the traceback with --verbose
        if getattr(args, "verbose", False):
            import traceback
            traceback.print_exc()
        print(f"pixelpipes {args.command}: error: {_one_line(e)}", file=sys.stderr)
        return 1


def _one_line(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    if isinstance(e, (FileNotFoundError, PermissionError, IsADirectoryError)) and e.filename:
        text = f"{e.filename}: {e.strerror}"
    elif not isinstance(e, UsageError) and type(e).__module__ != "pixelpipes.errors":
        text = f"{type(e).__name__}: {text}"
    return " ".join(text.split())


__all__ = ["main", "build_parser", "load_pipeline", "UsageError"]
