"""Batch throughput, peak RSS, thread scaling and the per-batch overhead of Pipeline.batches.

    python benchmarks/batch_throughput.py [--batch-size 64] [--seconds 2] [--threads 1,2,4]
                                          [--out benchmarks/results/batch_throughput.json]

Two programs:

* ``augment``: a realistic per-sample pipeline (96x96 RGB u8 image, random crop, resize to
  64x64, flip half the time, brightness, normalize to f32 CHW, a label): throughput and peak RSS
  for 1 .. core-count threads. Each thread count runs in its own process, so peak RSS is that
  configuration's own.
* ``trivial``: outputs whose ops take ~0 time (the sample index and one random f32): the time
  per batch through ``pipeline.batches`` is then all overhead (scheduling 64 samples on the C++
  workers, stacking, handing the batch to Python, making the arrays).

The overhead per batch is reported three ways, in microseconds per batch of ``--batch-size``:

* ``trivial_us``: time per batch of the trivial program through ``pipeline.batches`` (and
  ``cpu_us``: the CPU time of all the process's threads per batch, less sensitive to a busy
  machine than wall time);
* ``python_us``: the part of that spent in Python (building the dict of zero-copy arrays),
  i.e. ``trivial_us`` minus the same loop calling the C ABI directly (next_batch + free);
* ``augment_minus_run_many_us``: time per batch of the augment program through
  ``pipeline.batches`` minus the C ``pxp_pipeline_run_many`` of the same samples on the same
  threads (samples freed without making Python objects). Negative means the stream is faster
  than the ops' own time in run_many: prefetch overlaps batches that run_many computes one
  after another, with a barrier between.

The goal is an overhead under 50 us per batch of 64. Results go to the JSON file and a table.
"""
import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

import numpy as np

import pixelpipes as pp
from pixelpipes._lib import ffi, lib
from pixelpipes.ops import color, image, random, tensor


def augment_graph() -> pp.Graph:
    with pp.Graph() as g:
        img = tensor.Cast(random.Uniform(0.0, 255.0, shape=[96, 96, 3]), dtype="u8")
        side = random.Uniform(48.0, 96.0)
        x0 = random.Uniform(0.0, 1.0) * (96 - side)
        y0 = random.Uniform(0.0, 1.0) * (96 - side)
        box = tensor.FromList(pp.ops.list.Make(x0, y0, x0 + side, y0 + side))
        img = image.Resize(image.Crop(img, box), 64, 64)
        img = pp.Toggle(0.5, image.Flip(img), img)
        img = color.Brightness(img, random.Uniform(0.8, 1.2))
        g.output("image", color.Normalize(img, np.full(3, 0.5, np.float32), np.full(3, 0.25, np.float32),
                                          chw=True, scale=1 / 255))
        g.output("label", random.Integer(0, 10))
    return g


def trivial_graph() -> pp.Graph:
    with pp.Graph() as g:
        g.output("index", pp.SampleIndex())
        g.output("x", random.Uniform(0.0, 1.0))
    return g


GRAPHS = {"augment": augment_graph, "trivial": trivial_graph}


LAST_CPU = [0.0]  # CPU seconds (all threads of the process) per call of the last timed()


def timed(fn, seconds: float, warmup: int = 20) -> float:
    """Seconds per call of fn (after warm-up), over at least ``seconds`` and 50 calls."""
    for _ in range(warmup):
        fn()
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds and n >= 50:
            LAST_CPU[0] = (time.process_time() - c0) / n
            return elapsed / n


def stream_time(p, batch_size, threads, seconds, prefetch=2):
    it = p.batches(batch_size, threads=threads, prefetch=prefetch)

    def step():
        b = next(it)
        return b
    t = timed(step, seconds)
    stats = it.stats()
    it.close()
    return t, stats


def native_pipeline(p, threads):
    """A native pipeline over p's program, made through the C ABI (the caller frees it)."""
    options = ffi.new("pxp_pipeline_options *")
    assert lib.pxp_pipeline_options_init(options, lib.PXP_PIPELINE_OPTIONS_VERSION) == 0
    options.seed, options.threads = p.seed, threads
    out = ffi.new("pxp_pipeline **")
    assert lib.pxp_pipeline_create(out, p.program.handle, options) == 0
    return out[0]


def raw_stream_time(p, batch_size, threads, seconds, prefetch=2):
    """The same stream, driven through the C ABI with no Python objects per batch."""
    handle = native_pipeline(p, threads)
    so = ffi.new("pxp_stream_options *")
    assert lib.pxp_stream_options_init(so, lib.PXP_STREAM_OPTIONS_VERSION) == 0
    so.batch_size, so.prefetch = batch_size, prefetch
    assert lib.pxp_pipeline_start(handle, so) == 0
    batch = ffi.new("pxp_batch **")

    def step():
        lib.pxp_pipeline_next_batch(batch, handle)
        lib.pxp_batch_free(batch[0])
    t = timed(step, seconds)
    lib.pxp_pipeline_free(handle)
    return t


def raw_run_many_time(p, batch_size, threads, seconds):
    """pxp_pipeline_run_many of batch_size samples (the ops' own time on these threads)."""
    handle = native_pipeline(p, threads)
    samples = ffi.new("pxp_sample *[]", batch_size)
    start = [0]

    def step():
        assert lib.pxp_pipeline_run_many(samples, handle, start[0], batch_size) == 0
        start[0] += batch_size
        for k in range(batch_size):
            lib.pxp_sample_free(samples[k])
    t = timed(step, seconds)
    lib.pxp_pipeline_free(handle)
    return t


def one_config(graph: str, threads: int, batch_size: int, seconds: float) -> dict:
    """Runs in a child process: its peak RSS is this configuration's."""
    p = pp.compile(GRAPHS[graph](), seed=1)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t, stats = stream_time(p, batch_size, threads, seconds)
    cpu = LAST_CPU[0]
    result = {"graph": graph, "threads": threads, "batch_size": batch_size,
              "us_per_batch": t * 1e6, "cpu_us_per_batch": cpu * 1e6, "batches_per_s": 1 / t, "samples_per_s": batch_size / t,
              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
              "rss_before_stream_mb": rss0 / 1024, **stats}
    if graph == "augment":
        result["run_many_us"] = raw_run_many_time(p, batch_size, threads, seconds) * 1e6
        result["overhead_vs_run_many_us"] = result["us_per_batch"] - result["run_many_us"]
    if graph == "trivial":
        result["raw_stream_us"] = raw_stream_time(p, batch_size, threads, seconds) * 1e6
        result["python_us"] = result["us_per_batch"] - result["raw_stream_us"]
    return result


def child(graph, threads, batch_size, seconds) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", graph, str(threads), str(batch_size), str(seconds)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    ap.add_argument("--threads", default=None, help="comma-separated thread counts (default: 1, 2, 4 .. cores)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results",
                                                   "batch_throughput.json"))
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        graph, threads, batch_size, seconds = args.child
        print(json.dumps(one_config(graph, int(threads), int(batch_size), float(seconds))))
        return

    cores = os.cpu_count() or 1
    if args.threads:
        counts = [int(x) for x in args.threads.split(",")]
    else:
        counts, t = [], 1
        while t < cores:
            counts.append(t)
            t *= 2
        counts.append(cores)
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    rows = []
    for graph in ("augment", "trivial"):
        for threads in counts:
            r = child(graph, threads, args.batch_size, args.seconds)
            rows.append(r)
            print(f"  {graph:8s} threads={threads:<3d} {r['us_per_batch']:10.1f} us/batch", file=sys.stderr)

    load = (load_before, os.getloadavg() if hasattr(os, "getloadavg") else None)
    base = {r["threads"]: r for r in rows if r["graph"] == "augment"}
    print(f"\nPipeline.batches, batch size {args.batch_size}, {cores} cores ({platform.processor() or platform.machine()}), "
          f"load average {load[0][0] if load[0] else float('nan'):.1f} before, {load[1][0] if load[1] else float('nan'):.1f} "
          "after (numbers are only comparable on an idle machine)")
    print(f"{'program':8s} {'threads':>7s} {'us/batch':>10s} {'samples/s':>11s} {'speedup':>8s} {'peak RSS MB':>11s} "
          f"{'run_many us':>11s} {'overhead us':>11s}")
    for r in rows:
        speedup = base[1]["us_per_batch"] / r["us_per_batch"] if r["graph"] == "augment" and 1 in base else float("nan")
        ref = r.get("run_many_us", r.get("raw_stream_us"))
        over = r.get("overhead_vs_run_many_us", r.get("python_us"))
        print(f"{r['graph']:8s} {r['threads']:7d} {r['us_per_batch']:10.1f} {r['samples_per_s']:11.0f} "
              f"{speedup:8.2f} {r['peak_rss_mb']:11.1f} {ref:11.1f} {over:11.1f}")
    trivial = [r for r in rows if r["graph"] == "trivial"]
    summary = {
        "trivial_us_per_batch": {r["threads"]: round(r["us_per_batch"], 2) for r in trivial},
        "trivial_cpu_us_per_batch": {r["threads"]: round(r["cpu_us_per_batch"], 2) for r in trivial},
        "python_us_per_batch": {r["threads"]: round(r["python_us"], 2) for r in trivial},
        "augment_minus_run_many_us": {t: round(r["overhead_vs_run_many_us"], 2) for t, r in base.items()},
        "goal_us": 50,
    }
    summary["overhead_us_per_batch"] = max(summary["trivial_us_per_batch"].values())
    summary["meets_goal"] = summary["overhead_us_per_batch"] < 50
    print(f"\noverhead per batch of {args.batch_size} (trivial program, worst thread count): "
          f"{summary['overhead_us_per_batch']:.1f} us (goal < 50); of it in Python: "
          f"{max(summary['python_us_per_batch'].values()):.1f} us; CPU time per batch (all threads): "
          f"{min(summary['trivial_cpu_us_per_batch'].values()):.1f} us")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"batch_size": args.batch_size, "cores": cores, "machine": platform.machine(),
                   "python": platform.python_version(), "pixelpipes": pp.__version__,
                   "load_average_before_after": [list(x) if x else None for x in load], "rows": rows,
                   "summary": summary}, f, indent=2)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
