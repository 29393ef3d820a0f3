"""Object detection: one random affine transform (rotation, scale, translation) and a flip
move the image and its boxes together; boxes that leave the canvas are dropped with their
labels. Boxes vary in number per image: batches hold them as lists (or padded).

    python examples/detection.py [--annotations COCO.json --images DIR] [--samples 512]

Without --annotations it runs on the built-in synthetic scenes. See docs/tutorials/detection.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import pixelpipes as pp  # noqa: E402
from pixelpipes import augment, datasets, resource  # noqa: E402
from pixelpipes.ops import geometry  # noqa: E402
from pixelpipes.progress import Meter  # noqa: E402

import _common  # noqa: E402

#: three points that the transform moves like the boxes; they give its matrix (for checking)
PROBE = np.array([[0, 0], [1, 0], [0, 1]], np.float32)


def build(dataset=None, size: int = 128, degrees: float = 10.0, debug: bool = False) -> pp.Graph:
    dataset = dataset or datasets.Synthetic().detection()
    with pp.Graph() as g:
        r = dataset.sample()                                      # image, boxes (N x 4), labels (N), item
        if debug:
            r = r.replace(probe=resource.Field(PROBE, "points"))
        r = augment.RandomAffine(r, degrees=degrees, translate=(0.1, 0.1), scale=(0.8, 1.2),
                                 interpolation="linear", clip_boxes=False, label="affine")
        r = augment.RandomHorizontalFlip(r, label="flip")
        r = augment.CenterCrop(r, size, clip_boxes=False)          # a fixed canvas for any input size
        # drop boxes that are mostly outside (the rest are clipped); the same selection filters the labels
        keep = geometry.VisibleBoxes(r.boxes, size, size, min_visible=0.3, output="indices")
        boxes = geometry.FilterBoxes(r.boxes, size, size, min_visible=0.3)
        g.output("image", r.image)
        g.output("boxes", boxes)
        g.output("labels", dataset.select_labels(r.item, keep))
        if debug:
            g.output("all_boxes", geometry.ClipBoxes(r.boxes, size, size))   # clipped, not filtered
            g.output("probe", r.probe)
            g.output("item", r.item)
    return g


def main(argv=None) -> None:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--annotations", help="COCO-style JSON (default: synthetic scenes)")
    p.add_argument("--images", help="image folder of the JSON (default: its folder)")
    args = p.parse_args(argv)

    ds = datasets.CocoDetection(args.annotations, args.images) if args.annotations \
        else datasets.Synthetic().detection()
    pipeline = pp.compile(build(ds), seed=args.seed, threads=args.threads)
    print(f"{len(ds)} images, classes {ds.classes}")
    _common.describe(pipeline)
    boxes_seen = 0
    with Meter(args.samples, "detection") as meter:
        for batch in pipeline.batches(args.batch, stop=max(args.samples, 1), threads=args.threads or None):
            boxes_seen += sum(len(b) for b in batch["boxes"])     # a list: one N_i x 4 array per sample
            meter.update(batch.size)
    print(f"{boxes_seen} boxes, {boxes_seen / max(meter.count, 1):.2f} per image")
    _common.finish(pipeline, args)


if __name__ == "__main__":
    main()
