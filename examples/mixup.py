"""Mixup and CutMix: each sample blends two dataset items (pixelpipes.mix, torchvision v2's
MixUp/CutMix semantics per sample). The second item comes from a second ``dataset_item`` node with
its own label, i.e. its own shuffled order over the same positions, so the partner is another
random image of the dataset, every epoch anew. Targets become soft (one-hot vectors mixed with the
same weight).

    python examples/mixup.py [--samples 512] [--alpha 0.4] [--mixup 0.5] [--cutmix 0.5]

Runs on the built-in synthetic shapes. See docs/tutorials/mixup.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import pixelpipes as pp  # noqa: E402
from pixelpipes.flow import Choice  # noqa: E402
from pixelpipes import augment, datasets, mix  # noqa: E402
from pixelpipes.ops import random, tensor  # noqa: E402
from pixelpipes.progress import Meter  # noqa: E402

import _common  # noqa: E402


def view(dataset, item: pp.Node, size: int, label: str):
    r = dataset.load(item)
    r = augment.RandomResizedCrop(r, size, scale=(0.4, 1.0), label=f"{label}.crop")
    return augment.RandomHorizontalFlip(r, label=f"{label}.flip")


def build(dataset=None, size: int = 56, mixup: float = 0.5, cutmix: float = 0.5, alpha: float = 1.0) -> pp.Graph:
    dataset = dataset or datasets.Synthetic().classification()
    k = len(dataset.classes)
    with pp.Graph() as g:
        a = view(dataset, dataset.item(label="first"), size, "a")
        b = view(dataset, dataset.item(label="partner"), size, "b")   # another order: another item
        mixed = mix.mixup(a.image, b.image, alpha, label="mixup")     # weight ~ Beta(alpha, alpha)
        cut = mix.cutmix(a.image, b.image, alpha, label="cutmix")     # a box of b pasted into a
        # per sample: plain a, mixup or cutmix (one selector for the image and its weight)
        which = random.WeightedChoice(np.array([max(1 - mixup - cutmix, 0), mixup, cutmix], np.float64),
                                      label="which")
        image = Choice(which, a.image, mixed.image, cut.image)
        weight = Choice(which, pp.Constant(np.float32(1)), mixed.weight, cut.weight)  # share of a
        g.output("image", augment.Normalize(image, (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)))
        g.output("target", mix.targets(a.label, b.label, k, weight))  # soft label, f32 [classes]
        g.output("mode", which)                                        # 0 none, 1 mixup, 2 cutmix
        g.output("items", tensor.Stack(a.item, b.item))
    return g


def main(argv=None) -> None:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--mixup", type=float, default=0.5, help="probability of mixup")
    p.add_argument("--cutmix", type=float, default=0.5, help="probability of cutmix")
    p.add_argument("--alpha", type=float, default=1.0, help="Beta(alpha, alpha) concentration of the weight")
    args = p.parse_args(argv)
    ds = datasets.Synthetic().classification()
    pipeline = pp.compile(build(ds, mixup=args.mixup, cutmix=args.cutmix, alpha=args.alpha), seed=args.seed, threads=args.threads)
    _common.describe(pipeline)
    same = modes = 0
    with Meter(args.samples, "mixup") as meter:
        for batch in pipeline.batches(args.batch, stop=max(args.samples, 1), threads=args.threads or None):
            same += int(np.sum(batch["items"][:, 0] == batch["items"][:, 1]))
            modes += np.bincount(batch["mode"], minlength=3)
            meter.update(batch.size)
    print(f"modes: none {modes[0]}, mixup {modes[1]}, cutmix {modes[2]}; pairs with the same item: {same}")
    _common.finish(pipeline, args)


if __name__ == "__main__":
    main()
