"""Pose estimation: COCO's 17 person keypoints move with the image. A horizontal flip mirrors the
person, so the keypoints named "left_*" and "right_*" swap rows (flip_pairs) and "left_wrist"
stays the person's left wrist; keypoints that leave the canvas get visibility 0.

    python examples/pose.py [--samples 512] [--preview pose.png]

It runs on the built-in synthetic people (datasets.Synthetic().people(): stick figures, left
limbs red, right limbs blue). The keypoints output is 17 x 3 per sample: x, y, visible.
See docs/tutorials/pose.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import pixelpipes as pp  # noqa: E402
from pixelpipes import augment, datasets, resource  # noqa: E402
from pixelpipes.progress import Meter  # noqa: E402

import _common  # noqa: E402


def build(dataset=None, size: int = 96, degrees: float = 20.0) -> pp.Graph:
    dataset = dataset or datasets.Synthetic().people()
    train = augment.Compose([
        augment.RandomHorizontalFlip(),                               # swaps the left/right rows
        augment.RandomAffine(degrees, translate=(0.1, 0.1), scale=(0.8, 1.2), interpolation="linear"),
        augment.RandomResizedCrop(size, scale=(0.5, 1.0)),            # a fixed size, so batches stack
    ])
    with pp.Graph() as g:
        r = dataset.sample()                                          # image, keypoints (17 x 3), item
        r = r.replace(keypoints=resource.Keypoints(r.keypoints, format="xy",
                                                   labels=resource.COCO_PERSON_KEYPOINTS,
                                                   flip_pairs=resource.COCO_PERSON_FLIP_PAIRS))
        r = train(r)
        r.output(names=["image", "keypoints", "item"])                # keypoints: x, y, visible
    return g


def main(argv=None) -> None:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=96, help="output side (default %(default)s)")
    args = p.parse_args(argv)

    pipeline = pp.compile(build(size=args.size), seed=args.seed, threads=args.threads)
    _common.describe(pipeline)
    visible = 0
    with Meter(args.samples, "pose") as meter:
        for batch in pipeline.batches(args.batch, stop=max(args.samples, 1), threads=args.threads or None):
            visible += int(np.sum(batch["keypoints"][..., 2] > 0))
            meter.update(batch.size)
    print(f"{visible / max(meter.count, 1):.1f} of 17 keypoints visible per image")
    _common.finish(pipeline, args)


if __name__ == "__main__":
    main()
