"""pixelpipes.torch.Loader: its overhead per batch over Pipeline.batches, and its throughput
against DataLoader(PixelpipesDataset) with 0 and 2 worker processes.

    python benchmarks/torch_loader.py [--batches 3000] [--rounds 5] [--samples 4096] [--out FILE]

* **Overhead.** A trivial program (the sample index and one random f32: ~0 time in the ops), 64
  samples a batch, one thread. ``pipeline.batches`` and ``Loader`` each iterate ``--batches``
  batches; the two alternate for ``--rounds`` rounds and the medians of their times per batch are
  compared. What the Loader adds is its Python: the epoch plan, the state after each batch and
  ``torch.from_numpy`` of the outputs. Goal: under 10 us per batch.
* **Throughput** on examples/classification.py's pipeline (RandomResizedCrop 56, flip, ColorJitter,
  Normalize on the built-in synthetic shapes, listed 40 times: epochs of 4800 samples), batches
  of 64, ``--samples`` images per measurement, medians of ``--rounds`` alternating rounds: the Loader, and DataLoader(PixelpipesDataset, batch_size=None) with num_workers 0
  and 2 (the workers run their own C++ threads; their batches are pickled to the main process).

Results are printed and written as JSON (default benchmarks/results/torch_loader.json).
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))

import pixelpipes as pp  # noqa: E402
from pixelpipes import datasets  # noqa: E402
from pixelpipes.ops import random  # noqa: E402
from pixelpipes.torch import Loader, PixelpipesDataset  # noqa: E402

BATCH = 64


def trivial_pipeline() -> pp.Pipeline:
    with pp.Graph() as g:
        g.output("index", pp.SampleIndex())
        g.output("value", random.Uniform(0.0, 1.0))
    return pp.compile(g, seed=1, threads=1)


def per_batch(iterable, batches: int) -> float:
    it = iter(iterable)
    next(it)  # the stream's start and first batch are not per-batch costs
    t0 = time.perf_counter()
    for _ in range(batches):
        next(it)
    return (time.perf_counter() - t0) / batches


def overhead(batches: int, rounds: int) -> dict:
    p = trivial_pipeline()
    length = BATCH * (batches + 2)
    raw, loader = [], []
    for _ in range(rounds):
        raw.append(per_batch(p.batches(BATCH, stop=length, threads=1), batches))
        loader.append(per_batch(Loader(p, BATCH, length, threads=1), batches))
    r, l = statistics.median(raw), statistics.median(loader)
    return {"batches_us": r * 1e6, "loader_us": l * 1e6, "overhead_us": (l - r) * 1e6,
            "rounds_batches_us": [x * 1e6 for x in raw], "rounds_loader_us": [x * 1e6 for x in loader]}


def throughput(samples: int, rounds: int) -> dict:
    import classification
    shapes = datasets.Synthetic().classification()
    # the 120 synthetic images, 40 times over: an epoch of 4800 samples (75 batches), so that
    # starting an epoch's stream is rare, as in real training
    ds = datasets.FileList(shapes.files * 40, labels=shapes.labels * 40)
    pipeline = pp.compile(classification.build(ds), seed=0)
    n = len(ds)

    def images_per_second(make) -> float:
        seen, t0 = 0, None
        while seen < samples:
            for batch in make():
                if t0 is None:  # start the clock at the first batch: worker start-up is not throughput
                    t0 = time.perf_counter()
                    continue
                seen += batch["label"].shape[0]
                if seen >= samples:
                    break
        return seen / (time.perf_counter() - t0)

    loader = Loader(pipeline, BATCH, n, last_batch="drop")
    configs = {"loader": lambda: loader}
    for workers in (0, 2):
        tds = PixelpipesDataset(pipeline, BATCH, epoch_length=n, drop_last=True)
        dl = torch.utils.data.DataLoader(tds, batch_size=None, num_workers=workers, persistent_workers=workers > 0)
        configs[f"dataloader_workers_{workers}"] = (lambda dl=dl: dl)
    runs = {name: [] for name in configs}
    for _ in range(rounds):  # the configurations alternate, so a busy moment hits each alike
        for name, make in configs.items():
            runs[name].append(images_per_second(make))
    return {name: statistics.median(v) for name, v in runs.items()}


def main(argv=None) -> int:
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--batches", type=int, default=3000)
    a.add_argument("--rounds", type=int, default=5)
    a.add_argument("--samples", type=int, default=4096)
    a.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results",
                                                 "torch_loader.json"))
    args = a.parse_args(argv)
    load_before = os.getloadavg()
    o = overhead(args.batches, args.rounds)
    print(f"overhead per batch of {BATCH} (trivial program, 1 thread, medians of {args.rounds}): "
          f"pipeline.batches {o['batches_us']:.1f} us, Loader {o['loader_us']:.1f} us, "
          f"Loader adds {o['overhead_us']:.1f} us (goal < 10)")
    t = throughput(args.samples, args.rounds)
    print(f"throughput on the classification example, batches of {BATCH} (img/s, medians of {args.rounds}):")
    for name, v in t.items():
        print(f"  {name:<24} {v:10.0f}")
    result = {"overhead": o, "throughput": t, "batch": BATCH, "machine": platform.machine(),
              "cpus": os.cpu_count(), "load_before": load_before, "load_after": os.getloadavg(),
              "torch": torch.__version__}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    print(f"wrote {args.out} (load average {load_before[0]:.1f} -> {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
