"""Streams a large .npy file through datasets.NpyArrays (io.npy_row: the library memory-maps the
file) and reports images/s and the process's peak RSS, which stays far below the file's size.

    python benchmarks/npy_stream.py [--gb 2] [--dir /tmp] [--row 224,224,3] [--batch-size 64]
                                    [--threads N] [--samples N] [--keep]

Writes u8 [N, 224, 224, 3] (N rows of 147 KiB, about --gb GB in all; --row sets another row
shape: rows under 64 KiB, e.g. 28,28, are read with pread instead of viewed) with
np.lib.format.open_memmap in a child process (the pages a process writes through a mapping
count in its own RSS, so the measuring process never maps the file for writing), streams
--samples rows (default: all, in the shuffled order of one epoch) in batches on --threads
workers, checks the rows against the pattern they were written with (the first element of each,
one whole row per batch), prints the numbers and deletes the file (unless --keep). The file was
just written, so it is read from the page cache: this measures the library, not the disk.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

import numpy as np

def pattern_row(shape) -> np.ndarray:
    """Row i holds (pattern + i % 251) % 256: each row differs from its neighbours."""
    return (np.arange(np.prod(shape), dtype=np.uint32) * 7 % 256).astype(np.uint8).reshape(shape)


def write(path: str, rows: int, shape) -> None:
    base = pattern_row(shape)
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.uint8, shape=(rows,) + shape)
    chunk = max(1, (32 << 20) // base.nbytes)
    for start in range(0, rows, chunk):
        stop = min(rows, start + chunk)
        shift = (np.arange(start, stop) % 251).astype(np.uint8).reshape((-1,) + (1,) * len(shape))
        out[start:stop] = base[None] + shift  # u8 arithmetic wraps: (base + shift) % 256
    out.flush()
    del out


def status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gb", type=float, default=2.0, help="size of the file in GB (10^9 bytes)")
    ap.add_argument("--dir", default="/tmp")
    ap.add_argument("--row", default="224,224,3", help="row shape H,W[,C] (u8)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--samples", type=int, default=None, help="rows to stream (default: all)")
    ap.add_argument("--keep", action="store_true", help="do not delete the file")
    ap.add_argument("--write", nargs=2, metavar=("PATH", "ROWS"), help=argparse.SUPPRESS)  # the child
    args = ap.parse_args()
    shape = tuple(int(d) for d in args.row.split(","))
    if args.write:
        write(args.write[0], int(args.write[1]), shape)
        return

    row_bytes = int(np.prod(shape))
    rows = int(args.gb * 1e9) // row_bytes + 1
    path = os.path.join(args.dir, f"pixelpipes_npy_stream_{os.getpid()}.npy")
    need = rows * row_bytes + 4096
    free = shutil.disk_usage(args.dir).free
    if free < need * 1.1:
        sys.exit(f"{args.dir} has {free / 1e9:.1f} GB free; the file needs {need / 1e9:.1f} GB")

    import pixelpipes as pp
    from pixelpipes import datasets

    try:
        t = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--row", args.row, "--write", path, str(rows)], check=True)
        write_s = time.perf_counter() - t
        size = os.path.getsize(path)
        ds = datasets.NpyArrays(path)
        with pp.Graph() as g:
            ds.sample().output(names=["image", "item"])
        pipeline = pp.compile(g, seed=0)
        samples = rows if args.samples is None else min(args.samples, rows)
        base = pattern_row(shape)
        rss_before, peak_before = status_kib("VmRSS"), status_kib("VmHWM")
        seen = 0
        t = time.perf_counter()
        for batch in pipeline.batches(args.batch_size, stop=samples, threads=args.threads):
            images, items = batch["image"], batch["item"]
            # row i is the pattern shifted by i % 251: check each row's first element, and one whole row
            first = (slice(None),) + (0,) * len(shape)
            expected_first = (base[first[1:]] + items % 251).astype(np.uint8)
            if not np.array_equal(images[first], expected_first):
                raise SystemExit(f"wrong rows in batch {batch.number}")
            k = batch.number % len(items)
            if not np.array_equal(images[k], base + np.uint8(items[k] % 251)):
                raise SystemExit(f"wrong row {items[k]} in batch {batch.number}")
            seen += len(items)
        elapsed = time.perf_counter() - t
        peak = status_kib("VmHWM")
        print(f"file:          {path} ({size / 1e9:.2f} GB, {rows} rows of u8 {shape}, written in {write_s:.1f} s)")
        print(f"program:       {len(pipeline.to_bytes())} bytes (the file's path, not its data)")
        print(f"streamed:      {seen} rows in {elapsed:.2f} s, batches of {args.batch_size} on {args.threads} threads")
        print(f"throughput:    {seen / elapsed:,.0f} images/s ({seen * row_bytes / elapsed / 1e9:.2f} GB/s)")
        print(f"RSS:           {rss_before / 1024:.0f} MiB before streaming, {status_kib('VmRSS') / 1024:.0f} MiB after")
        print(f"peak RSS:      {peak / 1024:.0f} MiB (VmHWM; {peak_before / 1024:.0f} MiB before streaming), "
              f"{peak * 1024 / size:.1%} of the file")
    finally:
        if not args.keep and os.path.exists(path):
            os.remove(path)


if __name__ == "__main__":
    main()
