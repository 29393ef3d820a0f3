"""MNIST-style arrays: images held in memory as one constant of the program (never copied per
sample) and a random affine transform per sample.

    python examples/mnist.py [--npz FILE] [--samples 512]

--npz takes a file with arrays ``x`` (N x H x W, u8) and ``y`` (N labels), e.g. MNIST saved
with numpy.savez. Without it the built-in 28 x 28 synthetic shapes are used. See
docs/tutorials/mnist.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import pixelpipes as pp  # noqa: E402
from pixelpipes import augment, datasets  # noqa: E402
from pixelpipes.progress import Meter  # noqa: E402

import _common  # noqa: E402


def build(dataset=None) -> pp.Graph:
    dataset = dataset or datasets.Synthetic().arrays()
    with pp.Graph() as g:
        r = dataset.sample()                              # image: a view of row dataset.item(i)
        r = augment.RandomAffine(r, degrees=15, translate=(0.1, 0.1), scale=(0.9, 1.1), shear=5,
                                 interpolation="linear")
        r = augment.Normalize(r, 0.5, 0.25)               # f32 1 x H x W
        r.output(names=["image", "label"])
    return g


def main(argv=None) -> None:
    p = _common.parser(__doc__.splitlines()[0], batch=128)
    p.add_argument("--npz", help="arrays x (N x H x W u8) and y (N labels); default: synthetic shapes")
    args = p.parse_args(argv)

    if args.npz:
        with np.load(args.npz) as f:
            ds = datasets.ArrayDataset(f["x"], f["y"])
    else:
        ds = datasets.Synthetic().arrays()
    pipeline = pp.compile(build(ds), seed=args.seed, threads=args.threads)
    print(f"{len(ds)} arrays of {ds.images.shape[1:]} {ds.images.dtype}, program {len(pipeline.to_bytes()) / 1e6:.1f} MB")
    _common.describe(pipeline)
    with Meter(args.samples, "mnist") as meter:
        for batch in pipeline.batches(args.batch, stop=max(args.samples, 1), threads=args.threads or None):
            meter.update(batch.size)
    print(f"last batch: image {batch['image'].shape}, labels {np.bincount(batch['label'])}")
    _common.finish(pipeline, args)


if __name__ == "__main__":
    main()
