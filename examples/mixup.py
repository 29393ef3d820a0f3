"""Mixup and CutMix: each sample blends two dataset items. The second item comes from a second
``dataset_item`` node with its own label, i.e. its own shuffled order over the same positions,
so the partner is another random image of the dataset, every epoch anew. Labels become soft
(one-hot vectors mixed with the same weight).

    python examples/mixup.py [--samples 512] [--alpha 0.4]

Runs on the built-in synthetic shapes. See docs/tutorials/mixup.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import pixelpipes as pp  # noqa: E402
from pixelpipes import augment, datasets  # noqa: E402
from pixelpipes.ops import color, mask, math, random, tensor  # noqa: E402
from pixelpipes.progress import Meter  # noqa: E402

import _common  # noqa: E402


def one_hot(label: pp.Node, classes: int) -> pp.Node:
    """Row ``label`` of the identity matrix (a view of a constant), f32 [classes]."""
    eye = pp.Constant(np.eye(classes, dtype=np.float32))
    return tensor.Reshape(tensor.Slice(eye, label, label + 1), shape=[classes])


def view(dataset, item: pp.Node, size: int, label: str):
    r = dataset.load(item)
    r = augment.RandomResizedCrop(r, size, scale=(0.4, 1.0), label=f"{label}.crop")
    return augment.RandomHorizontalFlip(r, label=f"{label}.flip")


def build(dataset=None, size: int = 56, mixup: float = 0.5, cutmix: float = 0.5) -> pp.Graph:
    dataset = dataset or datasets.Synthetic().classification()
    k = len(dataset.classes)
    with pp.Graph() as g:
        a = view(dataset, dataset.item(label="first"), size, "a")
        b = view(dataset, dataset.item(label="partner"), size, "b")   # another order: another item
        # mixup: the whole image blended with weight lam ~ U(0, 1) (a Beta(1, 1) draw)
        lam = random.Uniform(0.0, 1.0, label="lam")
        mixed = color.Blend(a.image, b.image, lam)
        # cutmix: a random rectangle of b pasted into a; the label weight is the pasted area
        side = random.Uniform(0.2, 0.7, label="cut.side") * size
        x0 = random.Uniform(0.0, 1.0, label="cut.x") * (size - side)
        y0 = random.Uniform(0.0, 1.0, label="cut.y") * (size - side)
        box = tensor.Stack(math.Round(x0), math.Round(y0), math.Round(x0 + side), math.Round(y0 + side))
        m = mask.RenderBoxes(box, size, size, value=1)                  # u8 size x size x 1, 1 inside
        cut = a.image * (1 - m) + b.image * m
        area = tensor.Cast(tensor.Reshape(mask.Moments(m), shape=[10]), dtype="f32")
        cut_lam = tensor.Reshape(tensor.Slice(area, 0, 1), shape=[]) / float(size * size)
        # per sample: plain a, mixup or cutmix
        which = random.WeightedChoice(np.array([max(1 - mixup - cutmix, 0), mixup, cutmix], np.float64),
                                      label="which")
        image = _choose(which, [a.image, mixed, cut])
        weight = _choose(which, [pp.Constant(np.float32(0)), lam, cut_lam])
        target = one_hot(a.label, k) * (1 - weight) + one_hot(b.label, k) * weight
        g.output("image", augment.Normalize(image, (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)))
        g.output("target", target)                                     # soft label, f32 [classes]
        g.output("mode", which)                                        # 0 none, 1 mixup, 2 cutmix
        g.output("items", tensor.Stack(a.item, b.item))
    return g


def _choose(selector, values):
    """values[selector], only the chosen one computed (a flow.merge with a given selector)."""
    from pixelpipes.flow import Choice
    return Choice(selector, *values)


def main(argv=None) -> None:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--mixup", type=float, default=0.5, help="probability of mixup")
    p.add_argument("--cutmix", type=float, default=0.5, help="probability of cutmix")
    args = p.parse_args(argv)
    ds = datasets.Synthetic().classification()
    pipeline = pp.compile(build(ds, mixup=args.mixup, cutmix=args.cutmix), seed=args.seed, threads=args.threads)
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
