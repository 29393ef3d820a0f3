"""PixelPipes demo: an augmentation pipeline over built-in synthetic data (nothing downloaded).

Each sample: a synthetic 96x96 RGB image (a gradient plus noise), a random crop box, a
resize to 64x64, a horizontal flip half the time, one of three color changes, normalization
to CHW float, and a class label picked from a list. Runs it on all cores and reports.

    python examples/demo.py [--samples 2000] [--threads 0] [--seed 7]
"""
import argparse
import time

import numpy as np

import pixelpipes as pp
from pixelpipes.ops import color, image, list as plist, math, random, tensor

try:
    from tqdm import tqdm
except ImportError:  # the demo still runs without tqdm
    tqdm = None

CLASSES = ["cat", "dog", "bird", "fish", "horse"]


def synthetic_image(size: int) -> pp.Node:
    """A per-sample image: a fixed gradient with a random tint and random noise."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    base = np.stack([x / size, y / size, (x + y) / (2 * size)], -1) * 200
    tint = random.Uniform(0.6, 1.2, shape=[1, 1, 3])
    noise = random.Uniform(-20.0, 20.0, shape=[size, size, 3])
    return tensor.Cast(math.Maximum(math.Minimum(base * tint + noise, 255.0), 0.0), dtype="u8")


def build(size: int = 96, out: int = 64) -> pp.Graph:
    with pp.Graph() as g:
        img = synthetic_image(size)
        # random crop: side in [size/2, size), top-left uniform in what is left
        side = random.Uniform(size * 0.5, float(size))
        x0 = random.Uniform(0.0, 1.0) * (size - side)
        y0 = random.Uniform(0.0, 1.0) * (size - side)
        box = tensor.FromList(plist.Make(x0, y0, x0 + side, y0 + side))
        img = image.Resize(image.Crop(img, box), out, out)
        img = pp.Toggle(0.5, image.Flip(img, axis="horizontal"), img, label="flip")
        img = pp.Switch([color.Brightness(img, random.Uniform(0.7, 1.3)),
                         color.Contrast(img, random.Uniform(0.7, 1.3)),
                         color.Invert(img)], [0.45, 0.45, 0.1], label="color")
        mean = np.array([0.485, 0.456, 0.406], np.float32)
        std = np.array([0.229, 0.224, 0.225], np.float32)
        label = random.Integer(0, len(CLASSES))
        g.output("image", color.Normalize(img, mean, std, chw=True, scale=1 / 255))
        g.output("label", label)
        g.output("name", pp.Constant(CLASSES)[label])
        g.output("box", box)
    return g


def main() -> None:
    parser = argparse.ArgumentParser(description="PixelPipes demo on synthetic data")
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100, help="samples per run_many call")
    parser.add_argument("--threads", type=int, default=0, help="worker threads (0: one per core)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    t0 = time.perf_counter()
    graph = build()
    pipeline = pp.compile(graph, seed=args.seed, threads=args.threads)
    compile_s = time.perf_counter() - t0
    stats = pipeline.compile_stats
    print(f"pixelpipes {pp.__version__}: compiled {len(graph.nodes)} nodes into {stats['instructions']} "
          f"instructions in {compile_s * 1000:.1f} ms (folded {stats['folded']}, merged {stats['merged']})")
    print("outputs:")
    for o in pipeline.outputs:
        shape = "" if o.shape is None else "x".join("?" if d is None else str(d) for d in o.shape) or "scalar"
        print(f"  {o.name:<6} {o.kind:<7} {o.dtype or '':<5} {shape}")

    done = 0
    labels = np.zeros(len(CLASSES), dtype=np.int64)
    bar = tqdm(total=args.samples, unit="img", desc="samples") if tqdm else None
    t0 = time.perf_counter()
    first = None
    while done < args.samples:
        n = min(args.batch, args.samples - done)
        batch = pipeline.run_many(done, n)
        first = first or batch[0]
        for s in batch:
            labels[int(s["label"])] += 1
        done += n
        if bar:
            bar.update(n)
    elapsed = time.perf_counter() - t0
    if bar:
        bar.close()

    img = first["image"]
    print(f"sample 0: image {img.dtype} {img.shape} mean {img.mean():+.3f} std {img.std():.3f}, "
          f"label {int(first['label'])} ({first['name']}), box [{', '.join(f'{v:.1f}' for v in first['box'])}]")
    print("labels: " + ", ".join(f"{c} {k}" for c, k in zip(CLASSES, labels)))
    print(f"{done} samples in {elapsed:.2f} s: {done / elapsed:,.0f} samples/s")


if __name__ == "__main__":
    main()
