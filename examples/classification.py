"""Image classification: RandomResizedCrop, horizontal flip, color jitter and normalization,
streamed as PyTorch batches (numpy batches when torch is not installed).

    python examples/classification.py [--data IMAGE_FOLDER] [--samples 512] [--no-torch] [--no-fuse]

Without --data it runs on the built-in synthetic shapes (3 classes). On a folder of JPEG files the
compiler fuses decode -> crop -> resize into one decode of just the crop (--no-fuse keeps them
apart, to compare). See docs/tutorials/classification.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pixelpipes as pp  # noqa: E402
from pixelpipes import augment, datasets  # noqa: E402
from pixelpipes.progress import Meter  # noqa: E402

import _common  # noqa: E402

MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def build(dataset=None, size: int = 56) -> pp.Graph:
    dataset = dataset or datasets.Synthetic().classification()
    with pp.Graph() as g:
        r = dataset.sample(label="order")              # image, label, item; a new order every epoch
        r = augment.RandomResizedCrop(r, size, scale=(0.25, 1.0))
        r = augment.RandomHorizontalFlip(r)
        r = augment.ColorJitter(r, brightness=0.4, contrast=0.4, saturation=0.4, hue=0.05)
        r = augment.Normalize(r, MEAN, STD)            # f32, 3 x size x size
        r.output(names=["image", "label"])
    return g


def main(argv=None) -> None:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--data", help="an image folder with one sub-folder per class (default: synthetic shapes)")
    p.add_argument("--size", type=int, default=56)
    p.add_argument("--no-torch", action="store_true", help="numpy batches even when torch is installed")
    p.add_argument("--no-fuse", action="store_true", help="compile without fusing decode -> crop -> resize")
    args = p.parse_args(argv)

    ds = datasets.ImageFolder(args.data) if args.data else datasets.Synthetic().classification()
    pipeline = pp.compile(build(ds, args.size), seed=args.seed, threads=args.threads, fuse=not args.no_fuse)
    print(f"{len(ds)} images, classes {ds.classes}")
    _common.describe(pipeline)

    try:
        if args.no_torch:
            raise ImportError
        import torch
        from pixelpipes.torch import Loader
    except ImportError:
        torch = None

    meter = Meter(args.samples, "classification")
    if torch is not None:
        loader = Loader(pipeline, batch_size=args.batch, epoch_length=len(ds), last_batch="drop")
        while meter.count < args.samples:       # one pass is one epoch; the epoch advances by itself
            for batch in loader:
                images, labels = batch["image"], batch["label"]        # tensors [B, 3, S, S], [B]
                meter.update(len(labels))
                if meter.count >= args.samples:
                    break
        print(f"last batch: image {tuple(images.shape)} {images.dtype}, labels {labels[:8].tolist()}")
    else:
        for batch in pipeline.batches(args.batch, stop=max(args.samples, 1), threads=args.threads or None):
            meter.update(batch.size)
        print(f"last batch: image {batch['image'].shape} {batch['image'].dtype}")
    meter.close()
    _common.finish(pipeline, args)


if __name__ == "__main__":
    main()
