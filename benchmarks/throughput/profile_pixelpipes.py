"""Per-stage profile of PixelPipes' classify pipeline, by running growing sub-pipelines.

    .venv/bin/python benchmarks/throughput/profile_pixelpipes.py CORPUS_DIR [--samples 600] [--repeat 3]

Times are CPU time (time.process_time, all threads of the process), steadier than wall time on
a loaded machine. Each stage is a pipeline whose output is the graph up to that stage (a cheap reduction of the
image, so no large output is copied), run single-threaded with run_many; the cost of a stage is
the difference from the previous one (best of `repeat`). The last rows run the whole pipeline
through pipeline.batches(64) with 1 and 2 threads. Runs in the main .venv (pixelpipes).
"""
import argparse
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from systems import MEAN, SIZE, STD, list_corpus, pixelpipes_pipeline  # noqa: E402


def stage_graphs(files, fused):
    import pixelpipes as pp
    from pixelpipes.ops import color, image, io, random, tensor

    def build(upto):
        with pp.Graph() as g:
            item = pp.dataset_item(len(files))
            data = io.ReadFile(pp.Constant(files)[item])
            if upto == "read":
                g.output("o", tensor.Size(data))
                return g
            hw = image.JpegSize(data)
            size = tensor.Cast(hw, dtype="f32")
            H = tensor.Squeeze(tensor.Slice(size, 0, 1))
            W = tensor.Squeeze(tensor.Slice(size, 1, 2))
            area = H * W * random.Uniform(0.08, 1.0)
            ratio = pp.ops.math.Exp(random.Uniform(math.log(3 / 4), math.log(4 / 3)))
            cw = pp.ops.math.Minimum(pp.ops.math.Sqrt(area * ratio), W)
            ch = pp.ops.math.Minimum(pp.ops.math.Sqrt(area / ratio), H)
            x0 = random.Uniform(0.0, 1.0) * (W - cw)
            y0 = random.Uniform(0.0, 1.0) * (H - ch)
            box = tensor.FromList(pp.ops.list.Make(x0, y0, x0 + cw, y0 + ch))
            if upto == "box":
                g.output("o", box)
                return g
            if fused:
                img = image.DecodeJpegCrop(data, box, SIZE, SIZE)
            else:
                full = image.DecodeJpeg(data)
                if upto == "decode":
                    g.output("o", image.Info(full))
                    return g
                img = image.Resize(image.Crop(full, box), SIZE, SIZE)
            if upto == "crop":
                g.output("o", image.Info(img))
                return g
            img = pp.Toggle(0.5, image.Flip(img), img)
            if upto == "flip":
                g.output("o", image.Info(img))
                return g
            out = color.Normalize(img, np.array(MEAN, np.float32), np.array(STD, np.float32), chw=True,
                                  scale=1 / 255)
            if upto == "normalize":
                g.output("o", tensor.Shape(out))
                return g
            g.output("image", out)
            return g
    stages = ["read", "box"] + ([] if fused else ["decode"]) + ["crop", "flip", "normalize", "output"]
    return [(s, build(s)) for s in stages]


def best_time(fn, repeat):
    """Best CPU time of the process (all threads) over `repeat` calls: on a shared, loaded
    machine CPU time is far steadier than wall time."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def main():
    import pixelpipes as pp
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--samples", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    files, labels = list_corpus(args.corpus)
    n = args.samples
    for fused in (True, False):
        print(f"\n{'fused decode_jpeg_crop' if fused else 'unfused decode -> crop -> resize'}: "
              f"{n} samples, 1 thread, best CPU time of {args.repeat}")
        print(f"{'stage':<12}{'total us/img':>14}{'stage us/img':>14}")
        prev = 0.0
        for name, g in stage_graphs(files, fused):
            p = pp.compile(g, seed=1, fuse=fused)  # else the compiler fuses the unfused stages too
            p.run_many(0, 16, threads=1)  # warm
            t = best_time(lambda: p.run_many(0, n, threads=1), args.repeat) / n * 1e6
            print(f"{name:<12}{t:>14.1f}{t - prev:>14.1f}")
            prev = t
    for fused in (True, False):
        p = pixelpipes_pipeline(files, labels, "classify", fused=fused)
        for threads in (1, 2):
            it = p.batches(64, threads=threads)
            next(it)
            t0 = time.perf_counter()
            k = max(1, n // 64)
            for _ in range(k):
                next(it)
            dt = time.perf_counter() - t0
            it.close()
            print(f"batches(64) {'fused' if fused else 'unfused'} threads={threads}: "
                  f"{k * 64 / dt:.0f} images/s ({dt / (k * 64) * 1e6:.0f} us/img)")


if __name__ == "__main__":
    main()
