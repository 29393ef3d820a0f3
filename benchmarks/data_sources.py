"""Where the images come from: an image folder, tar shards, packed records, and the decode floor,
side by side on the classification pipeline.

    python benchmarks/data_sources.py [--count 10000] [--shards 5] [--images 3000] [--rounds 3]
                                      [--threads 2] [--batch 64] [--out benchmarks/results/data_sources.json]

The corpus: ``--count`` ImageNet-sized JPEGs (benchmarks/throughput/make_corpus.py with
``--photos examples/data/photos``: 300-640 x 240-500, quality 90, 10 classes) in
build/bench/corpus-photos, written once. From it: ``--shards`` WebDataset tar shards
(``datasets.write_tar_shards``; the time and size of indexing them are reported) and one
packed-records file (``datasets.write_packed_records``).

Each source runs the same pipeline, written with the macros as a user would: ``ds.sample()``,
``augment.RandomResizedCrop(224)``, ``augment.RandomHorizontalFlip``, ``augment.Normalize``
(f32 CHW), batches of ``--batch`` on ``--threads`` worker threads. The decode floor is OpenCV's
full ``cv2.imdecode`` of the same files on ``--threads`` Python threads (it releases the GIL), no
crop, resize or normalize. ``--rounds`` rounds, each measuring every source once in turn,
starting with another one each round (so drifts of the shared machine hit all of them alike): ``--images`` images after a warm-up batch;
the median of the rounds is reported. Rows "cold" run the pipeline right after the kernel's page
cache was dropped (``--cold-rounds``, as root: ``/proc/sys/vm/drop_caches``), so the first
``--images`` samples of a shuffled epoch come from the disk. Rows "read + header only" run each source without the
decode (the encoded bytes and the image size from their header: ``image.decoded_size``), ten
times as many images, to show what reading costs per sample. The page cache is warm for every source (they are read
once before timing): this measures the cost of reading, not the disk.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "throughput"))
import systems  # noqa: E402  (the throughput benchmark: its decode floor and normalization constants)

MEAN, STD = systems.MEAN, systems.STD


def make_sources(args):
    from pixelpipes import datasets
    corpus = ROOT / "build" / "bench" / "corpus-photos"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "throughput" / "make_corpus.py"), str(corpus),
                    "--count", str(args.count), "--photos", str(ROOT / "examples" / "data" / "photos")], check=True)
    folder = datasets.ImageFolder(str(corpus))
    work = ROOT / "build" / "bench" / "data-sources"
    work.mkdir(parents=True, exist_ok=True)
    per_shard = -(-len(folder) // args.shards)
    pattern = str(work / "shards" / "train-{shard:06d}.tar")
    t0 = time.perf_counter()
    paths = datasets.write_tar_shards(folder, pattern, samples_per_shard=per_shard, progress=False)
    write_tar = time.perf_counter() - t0
    shards = datasets.TarShards(paths, rebuild_index=True, progress=False)
    index = {"shards": len(paths), "samples": len(shards), "seconds": shards.index_seconds,
             "index_bytes": sum(os.path.getsize(p + ".pxidx") for p in paths),
             "shard_bytes": sum(os.path.getsize(p) for p in paths), "write_seconds": write_tar}
    records_path = work / "train.pxrec"
    t0 = time.perf_counter()
    datasets.write_packed_records(records_path, folder, progress=False)
    records = {"bytes": os.path.getsize(records_path), "write_seconds": time.perf_counter() - t0}
    return folder, shards, datasets.PackedRecords(records_path), index, records


def pipeline_for(ds):
    import pixelpipes as pp
    from pixelpipes import augment
    with pp.Graph() as g:
        r = ds.sample(label="items")
        r = augment.RandomResizedCrop(r, 224, label="crop")
        r = augment.RandomHorizontalFlip(r, label="flip")
        r = augment.Normalize(r, MEAN, STD)
        r.output(names=["image", "label"])
    return pp.compile(g, seed=1)


def header_pipeline_for(ds):
    """Reading only: each sample's encoded bytes and their image size from the header (no decode),
    which shows what a source costs per sample without the decode that dominates the pipeline."""
    import pixelpipes as pp
    from pixelpipes.ops import image
    with pp.Graph() as g:
        r = ds.sample(label="items")
        decoded = r["image"]   # image.decode(bytes): its input is the bytes node of the source
        g.output("size", image.DecodedSize(decoded.inputs[0]))
    return pp.compile(g, seed=1)


def rate_pixelpipes(pipeline, args) -> float:
    it = pipeline.batches(args.batch, threads=args.threads)
    try:
        next(it)
        n, t0 = 0, time.perf_counter()
        while n < args.images:
            next(it)
            n += args.batch
        return n / (time.perf_counter() - t0)
    finally:
        it.close()


def rate_decode_floor(files, args) -> float:
    """The throughput benchmark's decode floor (throughput/systems.py) on the same files."""
    n, seconds = systems.run_decode_floor(argparse.Namespace(threads=args.threads, batch=args.batch, warmup=1,
                                                             images=args.images), files, None)
    return n / seconds


def drop_page_cache() -> bool:
    """Empties the kernel's page cache (root only); False where that is not allowed."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def warm(paths):
    for p in paths:
        with open(p, "rb") as f:
            while f.read(1 << 24):
                pass


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--shards", type=int, default=5)
    ap.add_argument("--images", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--cold-rounds", type=int, default=3, help="rounds with the page cache dropped first (root)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "data_sources.json")
    args = ap.parse_args(argv)
    import pixelpipes as pp
    folder, shards, records, index, records_info = make_sources(args)
    warm(folder.files + shards.shards + [records.path])
    sources = {"image folder": folder, "tar shards": shards, "packed records": records}
    pipelines = {name: pipeline_for(ds) for name, ds in sources.items()}
    readers = {f"{name}: read + header only": header_pipeline_for(ds) for name, ds in sources.items()}
    rates = {name: [] for name in [*pipelines, "decode floor (cv2.imdecode, full)", *readers]}
    for r in range(args.rounds):
        names = list(pipelines)
        for name in names[r % len(names):] + names[:r % len(names)]:   # each round starts with another
            rates[name].append(rate_pixelpipes(pipelines[name], args))
        for name, p in readers.items():
            rates[name].append(rate_pixelpipes(p, argparse.Namespace(**{**vars(args), "images": args.images * 10})))
        rates["decode floor (cv2.imdecode, full)"].append(rate_decode_floor(folder.files, args))
        print(f"round {r + 1}/{args.rounds}: " + ", ".join(f"{k} {v[-1]:.0f}" for k, v in rates.items()),
              file=sys.stderr, flush=True)
    cold_note = ""
    for r in range(args.cold_rounds):
        names = list(pipelines)
        for name in names[r % len(names):] + names[:r % len(names)]:
            if not drop_page_cache():
                cold_note = "cold rows not measured: dropping the page cache needs root"
                break
            rates.setdefault(f"{name}, cold page cache", []).append(rate_pixelpipes(pipelines[name], args))
        if cold_note:
            break
        print(f"cold round {r + 1}/{args.cold_rounds}: " + ", ".join(
            f"{k} {v[-1]:.0f}" for k, v in rates.items() if "cold" in k), file=sys.stderr, flush=True)
    medians = {k: statistics.median(v) for k, v in rates.items()}
    folder_rate, folder_read = medians["image folder"], medians["image folder: read + header only"]
    folder_cold = medians.get("image folder, cold page cache")
    result = {
        "date": datetime.date.today().isoformat(), "machine": f"{platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores", "pixelpipes": pp.__version__,
        "command": "python benchmarks/data_sources.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "threads": args.threads, "batch": args.batch, "images_per_run": args.images, "rounds": args.rounds,
        "corpus": {"images": len(folder), "bytes": sum(os.path.getsize(f) for f in folder.files)},
        "tar_index": index, "packed_records": records_info,
        "img_per_s": {k: {"median": m, "runs": rates[k],
                          "vs_folder": m / (folder_read if "read" in k else folder_cold if "cold" in k else folder_rate)}
                      for k, m in medians.items()},
        "note": cold_note,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"\n{len(folder)} JPEGs ({result['corpus']['bytes'] / 2**20:.0f} MiB), {args.threads} threads, "
          f"batches of {args.batch}, median of {args.rounds} rounds of {args.images} images\n")
    print("| source | img/s | vs image folder |")
    print("|---|---|---|")
    for k, m in medians.items():
        print(f"| {k} | {m:.0f} | {result['img_per_s'][k]['vs_folder']:.3f}x |")
    if cold_note:
        print(f"\n{cold_note}")
    print(f"\ntar index: {index['shards']} shards of {index['samples'] // index['shards']} images indexed in "
          f"{index['seconds']:.3f} s, {index['index_bytes'] / 1024:.0f} KiB of index for "
          f"{index['shard_bytes'] / 2**20:.0f} MiB of shards")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
