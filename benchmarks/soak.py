"""Soak test (issue 9): a long run over a folder in which some images are corrupt, under
``on_error="skip"``, reporting RSS over time and the skip counts. Not part of CI.

    .venv/bin/python benchmarks/soak.py                      # 100000 samples, synthetic corpus
    .venv/bin/python benchmarks/soak.py --minutes 30         # a time-bounded run instead
    .venv/bin/python benchmarks/soak.py --folder DIR --corrupt-list bad.txt

Without --folder it writes a synthetic corpus (--files PNG and JPEG images, --corrupt-percent of
them broken in different ways: truncated, empty, garbage, a bad signature) into a temporary
folder. Every epoch of the stream visits each file once, so a run of S samples over F files of
which C are corrupt must skip exactly C per full epoch: the script checks that the reported skip
count is exactly the number of corrupt samples it went over, and that RSS after warm-up (the first
--warmup-percent of the run) stays within --rss-tolerance (10%) of its value at the end of
warm-up. Exit status 0 when both hold.
"""
from __future__ import annotations

import argparse
import os
import shutil
import struct
import sys
import tempfile
import time
import zlib

import numpy as np

import pixelpipes as pp
from pixelpipes.ops import image, io


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def png(h: int, w: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    rows = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


def jpeg_seeds() -> list:
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fuzz", "corpus", "jpeg")
    try:
        return [open(os.path.join(here, n), "rb").read() for n in sorted(os.listdir(here))]
    except OSError:
        return []


def corrupt(data: bytes, kind: int) -> bytes:
    if kind == 0:
        return data[: len(data) // 2]          # truncated
    if kind == 1:
        return b""                             # empty
    if kind == 2:
        return b"GIF89a" + data[6:]            # not a JPEG or PNG
    return data[:8] + os.urandom(len(data) - 8)  # right signature, garbage after it


def write_corpus(folder: str, files: int, corrupt_percent: float, seed: int):
    rng = np.random.default_rng(seed)
    jpegs = jpeg_seeds()
    n_bad = int(round(files * corrupt_percent / 100))
    bad = set(rng.choice(files, size=n_bad, replace=False).tolist())
    paths = []
    for i in range(files):
        if jpegs and i % 3 == 0:
            data, ext = jpegs[i % len(jpegs)], "jpg"
        else:
            data, ext = png(24 + i % 40, 32 + i % 24, seed + i), "png"
        if i in bad:
            data = corrupt(data, i % 4)
        path = os.path.join(folder, f"{i:06d}.{ext}")
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)
    return paths, bad


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folder", help="images to read (default: a synthetic corpus)")
    ap.add_argument("--corrupt-list", help="with --folder: a file listing the corrupt files' names, one a line")
    ap.add_argument("--files", type=int, default=1000, help="synthetic corpus size")
    ap.add_argument("--corrupt-percent", type=float, default=5.0)
    ap.add_argument("--samples", type=int, default=100000)
    ap.add_argument("--minutes", type=float, default=0.0, help="run this long instead of --samples")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--size", type=int, default=64, help="images are resized to size x size")
    ap.add_argument("--report-seconds", type=float, default=5.0)
    ap.add_argument("--warmup-percent", type=float, default=10.0)
    ap.add_argument("--rss-tolerance", type=float, default=0.10)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    tmp = None
    if args.folder:
        paths = sorted(os.path.join(args.folder, n) for n in os.listdir(args.folder))
        names = set()
        if args.corrupt_list:
            with open(args.corrupt_list) as f:
                names = {line.strip() for line in f if line.strip()}
        bad = {i for i, p in enumerate(paths) if os.path.basename(p) in names}
    else:
        tmp = tempfile.mkdtemp(prefix="pixelpipes-soak-")
        paths, bad = write_corpus(tmp, args.files, args.corrupt_percent, args.seed)
    n = len(paths)

    with pp.Graph() as g:
        item = pp.dataset_item(n)  # every epoch of n positions visits each file once
        img = image.Decode(io.ReadFile(pp.Constant(paths)[item], label="read"), label="decode")
        g.output("image", image.Resize(img, args.size, args.size))
        g.output("item", item)
    p = pp.compile(g, seed=args.seed, threads=args.threads)

    timed = args.minutes > 0
    stop = None if timed else args.samples
    deadline = time.monotonic() + args.minutes * 60
    it = p.batches(args.batch, stop=stop, on_error="skip", epoch_length=n, max_attempts=64)
    print(f"soak: {n} files, {len(bad)} corrupt ({100 * len(bad) / n:.1f}%), batch {args.batch}, "
          + (f"{args.minutes} min" if timed else f"{args.samples} samples"), flush=True)
    t0 = last = time.monotonic()
    samples = 0
    rss_log = []  # (samples, MiB)
    seen_items_bad = 0
    for batch in it:
        samples += batch.size
        if set(batch["item"].tolist()) & bad:
            seen_items_bad += 1  # would be a bug: a corrupt file's sample was delivered
        now = time.monotonic()
        if now - last >= args.report_seconds:
            last = now
            s = it.stats()
            rss_log.append((samples, rss_mib()))
            print(f"  {now - t0:7.1f} s  {samples:9d} samples  {samples / (now - t0):8.0f}/s  RSS {rss_log[-1][1]:7.1f} MiB"
                  f"  skipped {s['skipped']}", flush=True)
        if timed and now >= deadline:
            break
    stats = it.stats()
    it.close()
    rss_log.append((samples, rss_mib()))
    elapsed = time.monotonic() - t0

    # Every position p shows file perm_epoch(p % n): over whole epochs each corrupt file comes up
    # once per epoch; for a partial last epoch count exactly with the same item mapping.
    full, rest = divmod(samples, n)
    expected = full * len(bad)
    if rest:
        with pp.Graph() as g:
            g.output("item", pp.dataset_item(n))
        q = pp.compile(g, seed=args.seed)
        tail = np.concatenate([b["item"] for b in q.batches(4096, start=full * n, stop=full * n + rest)])
        expected += int(np.isin(tail, list(bad)).sum())
    warm = [m for s_, m in rss_log if s_ >= samples * args.warmup_percent / 100]
    base = warm[0] if warm else rss_log[-1][1]
    peak = max(warm) if warm else base
    low = min(warm) if warm else base
    rss_ok = peak <= base * (1 + args.rss_tolerance) and low >= base * (1 - args.rss_tolerance)
    skips_ok = stats["skipped"] == expected and stats["failed"] == expected and seen_items_bad == 0
    print(f"done: {samples} samples in {elapsed:.1f} s ({samples / elapsed:.0f}/s)")
    print(f"skips: {stats['skipped']} reported, {expected} corrupt samples expected "
          f"({'exact' if skips_ok else 'MISMATCH'}); failed replacements {stats['failed_attempts']}; "
          f"epochs with skips {len(stats['skipped_by_epoch'])}")
    print(f"RSS after warm-up: {base:.1f} MiB at start, {low:.1f}..{peak:.1f} MiB, end {rss_log[-1][1]:.1f} MiB "
          f"({'within' if rss_ok else 'OUTSIDE'} {100 * args.rss_tolerance:.0f}%)")
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if (skips_ok and rss_ok) else 1


if __name__ == "__main__":
    sys.exit(main())
