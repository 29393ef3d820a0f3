"""The subcommands of ``pixelpipes`` (see pixelpipes.cli)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from typing import Dict, List

import numpy as np

from ..progress import Meter
from .programs import UsageError, demo_graph, load_pipeline


def _positive(value: int, what: str) -> int:
    if value < 1:
        raise UsageError(f"{what} must be at least 1, not {value}")
    return value


def _shape(v) -> str:
    if isinstance(v, np.ndarray):
        return f"{v.dtype} {list(v.shape)}"
    if isinstance(v, list):
        inner = {_shape(x) for x in v[:4]}
        return f"list of {len(v)} ({', '.join(sorted(inner))}{', ...' if len(v) > 4 else ''})"
    return type(v).__name__


def _stream(pipeline, samples: int, batch: int, start: int, threads: int, desc: str, first: Dict = None):
    meter = Meter(samples, desc)
    with pipeline.batches(batch, start=start, stop=start + samples, threads=threads or None) as it:
        for b in it:
            if first is not None and not first:
                first.update(b)
            meter.update(b.size)
    meter.close(quiet=True)
    return meter


def demo(args) -> None:
    from .. import __version__
    from ..compiler import compile as compile_graph
    _positive(args.samples, "--samples")
    _positive(args.batch, "--batch")
    t0 = time.perf_counter()
    graph = demo_graph()
    pipeline = compile_graph(graph, seed=args.seed or 0, threads=args.threads)
    stats = pipeline.compile_stats
    print(f"pixelpipes {__version__}: the classification demo on built-in synthetic shapes")
    print(f"compiled {stats.get('nodes', len(graph.nodes))} nodes into {stats['instructions']} instructions "
          f"in {(time.perf_counter() - t0) * 1000:.0f} ms")
    for o in pipeline.outputs:
        print(f"  {o.name:<8} {o.type}")
    first: Dict = {}
    meter = _stream(pipeline, args.samples, args.batch, 0, args.threads, "demo", first)
    labels = np.asarray(first["label"])
    print(f"first batch: image {_shape(first['image'])}, labels {labels[:8].tolist()} "
          f"({', '.join(first['name'][:3])}, ...)")
    print(f"{meter.count} img in {meter.elapsed:.2f} s ({meter.rate:,.0f} img/s)")
    if not args.no_preview:
        from ..preview import save_preview
        save_preview(pipeline, args.preview, count=16, threads=args.threads or None)
        print(f"preview: {args.preview}")


def run(args) -> None:
    _positive(args.samples, "--samples")
    _positive(args.batch, "--batch")
    pipeline = load_pipeline(args.pipeline, args.seed, args.threads)
    first: Dict = {}
    meter = _stream(pipeline, args.samples, args.batch, args.start, args.threads, "run", first)
    for name, value in first.items():
        print(f"  {name:<16} {_shape(value)}")
    if args.save_npy:
        os.makedirs(args.save_npy, exist_ok=True)
        for name, value in first.items():
            if isinstance(value, np.ndarray):
                np.save(os.path.join(args.save_npy, f"{name}.npy"), value)
    print(f"{meter.count} img in {meter.elapsed:.2f} s ({meter.rate:,.0f} img/s), "
          f"positions {args.start}..{args.start + meter.count - 1}, seed {pipeline.seed}")


def bench(args) -> None:
    _positive(args.samples, "--samples")
    _positive(args.batch, "--batch")
    pipeline = load_pipeline(args.pipeline, args.seed, args.threads)
    if args.thread_counts:
        try:
            counts = [int(t) for t in args.thread_counts.split(",") if t.strip()]
        except ValueError:
            raise UsageError(f"--thread-counts takes numbers separated by commas, not {args.thread_counts!r}") from None
    else:
        cores = os.cpu_count() or 1
        counts = sorted({1, cores})
    rows = []
    for t in counts:
        _positive(t, "a thread count")
        with pipeline.batches(args.batch, stop=args.batch * args.warmup, threads=t) as it:
            for _ in it:
                pass
        t0 = time.perf_counter()
        n = 0
        with pipeline.batches(args.batch, start=args.batch * args.warmup,
                              stop=args.batch * args.warmup + args.samples, threads=t) as it:
            for b in it:
                n += b.size
        elapsed = time.perf_counter() - t0
        rows.append((t, args.batch, n, elapsed, n / elapsed if elapsed > 0 else 0.0))
    print(f"{'threads':>7}  {'batch':>5}  {'samples':>7}  {'seconds':>8}  {'img/s':>9}  {'ms/batch':>8}")
    for t, b, n, s, rate in rows:
        print(f"{t:>7}  {b:>5}  {n:>7}  {s:>8.3f}  {rate:>9,.0f}  {1000 * s / max(n / b, 1):>8.2f}")
    best = max(rows, key=lambda r: r[4])
    print(f"best: {best[4]:,.0f} img/s with {best[0]} threads")


def preview(args) -> None:
    from ..preview import save_preview
    _positive(args.samples, "--samples")
    pipeline = load_pipeline(args.pipeline, args.seed, args.threads)
    img = save_preview(pipeline, args.output, count=args.samples, start=args.start, columns=args.columns,
                       threads=args.threads or None)
    print(f"{args.output}: {args.samples} samples, {img.shape[1]} x {img.shape[0]}")


def inspect(args) -> None:
    pipeline = load_pipeline(args.pipeline, args.seed, args.threads)
    print(pipeline.disassemble())
    if args.profile:
        from .profile import profile, format_profile
        _positive(args.profile, "--profile")
        print()
        print(format_profile(profile(pipeline, args.profile, start=args.start), args.profile, start=args.start))


def graph(args) -> None:
    from .dot import program_dot
    pipeline = load_pipeline(args.pipeline, args.seed, args.threads)
    text = program_dot(pipeline)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
        print(f"{args.output}: {len(pipeline.program.instructions)} instructions")
    elif not args.svg:
        sys.stdout.write(text)
    if args.svg:
        dot = shutil.which("dot")
        if dot is None:
            print("graphviz's dot is not installed: no SVG written (the DOT text is above or in --output)",
                  file=sys.stderr)
            if not args.output:
                sys.stdout.write(text)
            return
        subprocess.run([dot, "-Tsvg", "-o", args.svg], input=text.encode(), check=True)
        print(f"{args.svg}: SVG written")


__all__: List[str] = ["demo", "run", "bench", "preview", "inspect", "graph"]


def _pack_source(sources: List[str]):
    """The dataset that ``pixelpipes pack`` SOURCE... names (several: tar shards)."""
    from .. import datasets
    if len(sources) > 1:
        if not all(".tar" in s for s in sources):
            raise UsageError("several sources must all be tar shards")
        return datasets.TarShards(sources)
    source = sources[0]
    if not os.path.exists(source) and not any(c in source for c in "*?[{"):
        raise UsageError(f"{source!r} does not exist")
    if os.path.isdir(source):
        return datasets.ImageFolder(source)
    if source.endswith(".pxrec"):
        return datasets.PackedRecords(source)
    if source.endswith(".txt"):
        return datasets.FileList.from_text(source)
    if ".tar" in source:
        return datasets.TarShards(source)
    raise UsageError(f"cannot tell what {source!r} is: give an image folder, a file list .txt, tar shards "
                     f"(.tar, a glob or a {{000..009}} range) or a .pxrec file")


def pack(args) -> None:
    from .. import datasets
    dataset = _pack_source(args.source)
    progress = False if args.no_progress else None
    started = time.perf_counter()
    if args.tar:
        paths = datasets.write_tar_shards(dataset, args.out, samples_per_shard=_positive(args.shard_size, "--shard-size"),
                                          progress=progress)
        size = sum(os.path.getsize(p) for p in paths)
        print(f"wrote {len(dataset)} samples into {len(paths)} tar shards ({size / 2**20:.1f} MiB) in "
              f"{time.perf_counter() - started:.2f} s: {paths[0]}{' ...' if len(paths) > 1 else ''}")
    else:
        if args.out.endswith(".tar") or "{shard" in args.out:
            raise UsageError(f"{args.out!r} looks like tar shards: add --tar, or name a .pxrec file")
        count = datasets.write_packed_records(args.out, dataset, progress=progress)
        print(f"wrote {count} records ({os.path.getsize(args.out) / 2**20:.1f} MiB) in "
              f"{time.perf_counter() - started:.2f} s: {args.out}")
