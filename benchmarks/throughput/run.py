"""End-to-end throughput, PixelPipes against its peers: `make bench-throughput` runs this.

    .venv-bench/bin/python benchmarks/throughput/run.py [--runs 3] [--images 2000] [--threads N]
        [--systems a,b] [--workloads classify,heavy,large] [--pixelpipes-python .venv/bin/python]

With the workload classify_aa it also measures how far PixelPipes' antialiased crops are from
torchvision's on the same boxes (antialias_diff.py: mean and max absolute difference).

1. Makes the corpus (make_corpus.py, ~2000 JPEGs from scikit-image's photos) in build/bench/corpus,
   and for the workload `large` 300 photos of 1280-2048 x 1024-1536 in build/bench/corpus-large.
2. Runs every (workload, system) `runs` times, each run in a fresh process (systems.py), the runs
   interleaved round-robin so that load from other programs on a shared machine falls on all
   systems alike. While a run goes, the peak RSS of its process tree (the process and all its
   descendants, e.g. DataLoader workers; RSS summed, so pages shared by forked workers count once
   per process) is sampled every 20 ms with psutil, and its CPU time (all processes of the tree,
   user + system) is read at the end of the timed window.
3. Writes benchmarks/results/throughput.json and prints a markdown table: median images/s (min-max),
   ratio of PixelPipes to each system, images per CPU-second (load-robust), peak RSS.

PixelPipes runs from the main .venv (--pixelpipes-python), the peers from this interpreter's venv.
A peer whose import fails is reported as unavailable.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time

import psutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PEER_IMPORTS = {"torchvision": "torchvision", "albumentations": "albumentations", "dali": "nvidia.dali",
                "decode_floor": "cv2"}
ORDER = ["pixelpipes", "pixelpipes_1thread", "pixelpipes_unfused", "torchvision", "albumentations", "dali",
         "decode_floor"]


def tree(proc):
    try:
        return [proc] + proc.children(recursive=True)
    except psutil.Error:
        return [proc]


def run_once(cmd, timeout):
    """Runs one benchmark process; returns (result dict or None, peak tree RSS bytes, error text)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    proc = psutil.Process(p.pid)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            total = 0
            for q in tree(proc):
                try:
                    total += q.memory_info().rss
                except psutil.Error:
                    pass
            peak[0] = max(peak[0], total)
            done.wait(0.02)
    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        for q in reversed(tree(proc)):
            try:
                q.kill()
            except psutil.Error:
                pass
        out, err = p.communicate()
        done.set()
        return None, peak[0], f"timed out after {timeout} s"
    done.set()
    t.join()
    for line in reversed(out.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line), peak[0], ""
    return None, peak[0], (err.strip().splitlines() or ["no output"])[-1][:300]


def available(system, python):
    if system.startswith("pixelpipes"):
        mod = "pixelpipes"
    else:
        mod = PEER_IMPORTS[system]
    r = subprocess.run([python, "-c", f"import {mod}"], capture_output=True, text=True)
    return r.returncode == 0, (r.stderr.strip().splitlines() or [""])[-1][:200]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--images", type=int, default=2000, help="images timed per run (after warm-up)")
    ap.add_argument("--warmup", type=int, default=3, help="batches before timing starts")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--systems", default=",".join(ORDER))
    ap.add_argument("--workloads", default="classify,heavy,large")
    ap.add_argument("--corpus", default=os.path.join(ROOT, "build", "bench", "corpus"))
    ap.add_argument("--count", type=int, default=2000, help="corpus size")
    ap.add_argument("--large-count", type=int, default=300, help="size of the large-photo corpus (workload large)")
    ap.add_argument("--pixelpipes-python", default=os.path.join(ROOT, ".venv", "bin", "python"))
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "throughput.json"))
    ap.add_argument("--timeout", type=int, default=900)
    args = ap.parse_args()

    systems = [s for s in args.systems.split(",") if s]
    workloads = [w for w in args.workloads.split(",") if w]
    # the large workload has its own corpus (photos of 1280-2048 px a side), the others share one
    corpus = {w: args.corpus + "-large" if w == "large" else args.corpus for w in workloads}
    made = {corpus[w]: ["--count", str(args.large_count), "--large"] if w == "large" else ["--count", str(args.count)]
            for w in workloads}
    for path, extra in made.items():  # each corpus made once
        subprocess.run([sys.executable, os.path.join(HERE, "make_corpus.py"), path] + extra, check=True)
    plan, unavailable = [], {}
    for s in systems:
        python = args.pixelpipes_python if s.startswith("pixelpipes") else sys.executable
        ok, why = available(s, python)
        if not ok:
            unavailable[s] = why
            print(f"{s}: unavailable ({why})", flush=True)
            continue
        for w in workloads:
            if s in ("pixelpipes_unfused", "pixelpipes_1thread") and w != "classify":
                continue
            if w == "classify_aa" and s not in ("pixelpipes", "torchvision"):  # torchvision's default filter
                continue
            if s == "decode_floor" and w == "heavy":  # the floor is the workload's corpus fully decoded
                continue
            threads = 1 if s == "pixelpipes_1thread" else args.threads
            name = "pixelpipes" if s == "pixelpipes_1thread" else s
            images = min(args.images, args.large_count) if w == "large" else args.images
            cmd = [python, os.path.join(HERE, "systems.py"), name, w, corpus[w], "--threads", str(threads),
                   "--batch", str(args.batch), "--warmup", str(args.warmup), "--images", str(images)]
            plan.append((w, s, threads, cmd))

    results = {}
    for r in range(args.runs):
        for w, s, threads, cmd in plan:
            res, peak, err = run_once(cmd, args.timeout)
            entry = results.setdefault((w, s), {"workload": w, "system": s, "threads": threads, "runs": [],
                                                "errors": []})
            if res is None:
                entry["errors"].append(err)
                print(f"[run {r + 1}/{args.runs}] {w:<8} {s:<20} failed: {err}", flush=True)
                continue
            res["peak_rss_mb"] = peak / 2**20
            entry["runs"].append(res)
            print(f"[run {r + 1}/{args.runs}] {w:<8} {s:<20} {res['images_per_s']:8.1f} images/s  "
                  f"{res.get('images_per_cpu_s', 0):7.1f} images/CPU-s  peak RSS {peak / 2**20:7.0f} MiB",
                  flush=True)

    rows = []
    for (w, s), e in results.items():
        if not e["runs"]:
            rows.append(dict(e, median=None))
            continue
        ips = [x["images_per_s"] for x in e["runs"]]
        cpu = [x["images_per_cpu_s"] for x in e["runs"] if x.get("images_per_cpu_s")]
        rows.append(dict(e, median=statistics.median(ips), min=min(ips), max=max(ips),
                         per_cpu_s=statistics.median(cpu) if cpu else None,
                         peak_rss_mb=statistics.median([x["peak_rss_mb"] for x in e["runs"]])))

    load = os.getloadavg()
    meta = {"machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "python": platform.python_version(),
                        "loadavg_at_end": [round(x, 2) for x in load]},
            "command": "make bench-throughput BENCH_ARGS='" + " ".join(sys.argv[1:]) + "'",
            "time": time.strftime("%Y-%m-%d %H:%M:%S"), "runs": args.runs, "images_per_run": args.images,
            "threads": args.threads, "batch": args.batch}
    try:
        with open(os.path.join(args.corpus, "manifest.json")) as f:
            meta["corpus"] = json.load(f)
    except OSError:
        pass
    if "classify_aa" in workloads:  # how close the two antialiased systems' crops are
        r = subprocess.run([sys.executable, os.path.join(HERE, "antialias_diff.py"), corpus["classify_aa"],
                            "--pixelpipes-python", args.pixelpipes_python], capture_output=True, text=True)
        meta["antialias_difference"] = json.loads(r.stdout) if r.returncode == 0 else {"error": r.stderr[-500:]}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"meta": meta, "unavailable": unavailable, "results": rows}, f, indent=1)

    print()
    print(f"{meta['machine']['cpu']}, {meta['machine']['cores']} cores; load average at the end "
          f"{load[0]:.1f}; {args.runs} runs x {args.images} images, batch {args.batch}, {args.threads} threads")
    print()
    print("| workload | system | threads | images/s median (min-max) | PixelPipes / system | images per CPU-s "
          "| PixelPipes / system (CPU) | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|")
    for w in workloads:
        base = next((x for x in rows if x["workload"] == w and x["system"] == "pixelpipes" and x["median"]), None)
        for s in ORDER:
            x = next((x for x in rows if x["workload"] == w and x["system"] == s), None)
            if x is None:
                continue
            if x["median"] is None:
                print(f"| {w} | {s} | {x['threads']} | failed: {x['errors'][0] if x['errors'] else '?'} | | | | |")
                continue
            ratio = f"{base['median'] / x['median']:.2f}x" if base else "-"
            cratio = (f"{base['per_cpu_s'] / x['per_cpu_s']:.2f}x"
                      if base and base.get("per_cpu_s") and x.get("per_cpu_s") else "-")
            pc = f"{x['per_cpu_s']:.0f}" if x.get("per_cpu_s") else "-"
            print(f"| {w} | {s} | {x['threads']} | {x['median']:.0f} ({x['min']:.0f}-{x['max']:.0f}) | {ratio} | "
                  f"{pc} | {cratio} | {x['peak_rss_mb']:.0f} |")
    for s, why in unavailable.items():
        print(f"| - | {s} | - | unavailable: {why} | | | | |")
    if "antialias_difference" in meta:
        print(f"\nclassify_aa, PixelPipes against torchvision on the same crop boxes: {meta['antialias_difference']}")
    print(f"\nwrote {os.path.relpath(args.out, ROOT)}")


if __name__ == "__main__":
    main()
