"""Image classification with an automatic augmentation policy: RandomResizedCrop, horizontal flip,
RandAugment (or TrivialAugmentWide, AutoAugment, AugMix) and normalization, as numpy batches.

    python examples/randaugment.py [--data IMAGE_FOLDER] [--policy randaugment] [--magnitude 9]
                                   [--samples 512] [--preview grid.png]

The recipe of torchvision's classification reference scripts (--auto-augment ra / ta_wide /
imagenet / augmix). Each policy is a per-sample branch: for every sample one operation per stage
runs, not all of them. Without --data it runs on the built-in synthetic shapes; --preview writes
the augmented images (before and after normalization) as a grid. See docs/augment.md, "Automatic
augmentation policies".
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pixelpipes as pp  # noqa: E402
from pixelpipes import augment, datasets  # noqa: E402
from pixelpipes.progress import Meter  # noqa: E402

import _common  # noqa: E402

MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
POLICIES = ("randaugment", "trivialaugment", "autoaugment", "augmix")


def policy(r, name: str, magnitude: int = 9):
    """The named policy on Resource r, with torchvision's defaults (bilinear for the policies,
    as torchvision's classification references pass it)."""
    if name == "randaugment":
        return augment.RandAugment(r, num_ops=2, magnitude=magnitude, interpolation="bilinear")
    if name == "trivialaugment":
        return augment.TrivialAugmentWide(r, interpolation="bilinear")
    if name == "autoaugment":
        return augment.AutoAugment(r, policy="imagenet", interpolation="bilinear")
    if name == "augmix":
        return augment.AugMix(r, severity=3, interpolation="bilinear")
    raise ValueError(f"policy must be one of {', '.join(POLICIES)}, not {name!r}")


def build(dataset=None, size: int = 64, name: str = "randaugment", magnitude: int = 9) -> pp.Graph:
    dataset = dataset or datasets.Synthetic().classification()
    with pp.Graph() as g:
        r = dataset.sample(label="order")
        r = augment.RandomResizedCrop(r, size, scale=(0.25, 1.0))
        r = augment.RandomHorizontalFlip(r)
        r = policy(r, name, magnitude)
        augmented = r.image                                  # u8, size x size x 3: the preview
        r = augment.Normalize(r, MEAN, STD)                  # f32, 3 x size x size
        r.output(names=["image", "label"])
        g.output("augmented", augmented)
    return g


def main(argv=None) -> None:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--data", help="an image folder with one sub-folder per class (default: synthetic shapes)")
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--policy", choices=POLICIES, default="randaugment")
    p.add_argument("--magnitude", type=int, default=9, help="RandAugment's magnitude bin (of 31)")
    args = p.parse_args(argv)

    ds = datasets.ImageFolder(args.data) if args.data else datasets.Synthetic().classification()
    pipeline = pp.compile(build(ds, args.size, args.policy, args.magnitude), seed=args.seed, threads=args.threads)
    print(f"{len(ds)} images, classes {ds.classes}, policy {args.policy}")
    _common.describe(pipeline)

    meter = Meter(args.samples, "randaugment")
    for batch in pipeline.batches(args.batch, stop=max(args.samples, 1), threads=args.threads or None):
        meter.update(batch.size)
    print(f"last batch: image {batch['image'].shape} {batch['image'].dtype}")
    meter.close()
    _common.finish(pipeline, args)    # --preview: each sample's augmented and normalized images


if __name__ == "__main__":
    main()
