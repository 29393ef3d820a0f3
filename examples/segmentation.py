"""Semantic segmentation: an image and its label map (palette PNG, indices kept) go through the
same crop, flip and rotation; the label map is moved with nearest-neighbour sampling, so it
keeps exact class ids.

    python examples/segmentation.py [--images DIR --masks DIR] [--samples 512]

Without --images it runs on the built-in synthetic scenes. See docs/tutorials/segmentation.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import pixelpipes as pp  # noqa: E402
from pixelpipes import augment, datasets  # noqa: E402
from pixelpipes.ops import tensor  # noqa: E402
from pixelpipes.progress import Meter  # noqa: E402

import _common  # noqa: E402


def build(dataset=None, size: int = 96) -> pp.Graph:
    dataset = dataset or datasets.Synthetic().segmentation()
    with pp.Graph() as g:
        r = dataset.sample()                                          # image, mask (H x W x 1 indices), item
        r = augment.RandomResizedCrop(r, size, scale=(0.3, 1.0))      # the mask is resized with nearest
        r = augment.RandomHorizontalFlip(r)
        r = augment.RandomAffine(r, degrees=15, interpolation="linear")   # masks: nearest, border 0
        r = augment.ColorJitter(r, brightness=0.3, contrast=0.3)      # images only
        g.output("image", augment.Normalize(r.image, (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)))
        g.output("mask", tensor.Reshape(r.mask, shape=[size, size]))  # u8 class ids, H x W
    return g


def main(argv=None) -> None:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--images", help="image folder (default: synthetic scenes)")
    p.add_argument("--masks", help="label-map folder: palette PNGs named like the images")
    args = p.parse_args(argv)

    ds = datasets.SegmentationPairs(args.images, args.masks) if args.images \
        else datasets.Synthetic().segmentation()
    pipeline = pp.compile(build(ds), seed=args.seed, threads=args.threads)
    print(f"{len(ds)} image / label-map pairs")
    _common.describe(pipeline)
    counts = np.zeros(256, np.int64)
    with Meter(args.samples, "segmentation") as meter:
        for batch in pipeline.batches(args.batch, stop=max(args.samples, 1), threads=args.threads or None):
            counts += np.bincount(batch["mask"].ravel(), minlength=256)   # one u8 array [B, H, W]
            meter.update(batch.size)
    names = ds.classes or [str(k) for k in range(256)]
    print("pixels per class: " + ", ".join(f"{names[k]} {counts[k] / counts.sum():.1%}"
                                           for k in np.nonzero(counts)[0]))
    _common.finish(pipeline, args)


if __name__ == "__main__":
    main()
