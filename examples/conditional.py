"""Conditional augmentation: per sample, one of several augmentation recipes chosen with given
probabilities, plus optional steps that run only sometimes. Branches compile to jumps: a recipe
that is not chosen costs nothing.

    python examples/conditional.py [--samples 512]

Runs on the built-in synthetic shapes. See docs/tutorials/conditional.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import pixelpipes as pp  # noqa: E402
from pixelpipes import augment, datasets, resource  # noqa: E402
from pixelpipes.ops import color, filter, noise, random  # noqa: E402
from pixelpipes.progress import Meter  # noqa: E402

import _common  # noqa: E402

RECIPES = ("crop", "rotate", "gray")
WEIGHTS = (0.6, 0.3, 0.1)


def build(dataset=None, size: int = 56) -> pp.Graph:
    dataset = dataset or datasets.Synthetic().classification()
    with pp.Graph() as g:
        r = dataset.sample()
        # a Resource-wide coin: flip image (and any boxes or masks) together, half the time
        r = resource.toggle(0.5, augment.RandomHorizontalFlip(r, p=1.0), r, label="flip")
        img = r.image
        # one of three recipes, with probabilities 0.6, 0.3, 0.1; each gives a size x size u8 image
        recipe = pp.Switch([
            augment.RandomResizedCrop(img, size, scale=(0.3, 1.0)),
            augment.CenterCrop(augment.RandomAffine(img, degrees=30, border="replicate"), size),
            color.Convert(color.Convert(augment.CenterCrop(img, size), conversion="rgb_to_gray"),
                          conversion="gray_to_rgb"),
        ], weights=WEIGHTS, label="recipe")
        # optional steps: blur 30% of the time, noise 20%; a condition may also be any boolean node
        img = pp.Toggle(0.3, filter.GaussianBlur(recipe, random.Uniform(0.5, 1.5)), recipe, label="blur")
        dark = color.Brightness(img, 0.6)
        img = pp.Conditional(r.label == 0, dark, img)                # rectangles are always darker
        img = pp.Toggle(0.2, noise.Gaussian(img, 8.0), img, label="noise")
        g.output("image", augment.Normalize(img, (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)))
        g.output("label", r.label)
        g.output("recipe", recipe.selector)                          # which recipe ran (0, 1, 2)
    return g


def main(argv=None) -> None:
    p = _common.parser(__doc__.splitlines()[0])
    args = p.parse_args(argv)
    pipeline = pp.compile(build(), seed=args.seed, threads=args.threads)
    _common.describe(pipeline)
    chosen = np.zeros(len(RECIPES), np.int64)
    with Meter(args.samples, "conditional") as meter:
        for batch in pipeline.batches(args.batch, stop=max(args.samples, 1), threads=args.threads or None):
            chosen += np.bincount(batch["recipe"], minlength=len(RECIPES))
            meter.update(batch.size)
    print("recipes: " + ", ".join(f"{n} {c / max(chosen.sum(), 1):.0%} (p={w})"
                                  for n, c, w in zip(RECIPES, chosen, WEIGHTS)))
    _common.finish(pipeline, args)


if __name__ == "__main__":
    main()
