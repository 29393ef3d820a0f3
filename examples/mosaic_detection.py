"""Detection with Mosaic, YOLO-style: four dataset items tiled into one canvas, a flip, and a
bbox-safe crop to a fixed size. The boxes are declared once (resource.Boxes), so every transform
filters them by the declaration (min_area, min_visibility) and drops their labels with them.

    python examples/mosaic_detection.py [--annotations COCO.json --images DIR] [--samples 512]
                                        [--preview mosaic.png]

Without --annotations it runs on the built-in synthetic scenes (COCO-style JSON). See
docs/tutorials/mosaic.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pixelpipes as pp  # noqa: E402
from pixelpipes import augment, datasets, resource  # noqa: E402
from pixelpipes.progress import Meter  # noqa: E402

import _common  # noqa: E402


def declared(r: resource.Resource, min_area: float, min_visibility: float) -> resource.Resource:
    """The item with its boxes declared: pascal_voc pixels, labels attached, filters set."""
    return r.replace(boxes=resource.Boxes(r.boxes, format="pascal_voc", fields=("labels",),
                                          min_area=min_area, min_visibility=min_visibility))


def build(dataset=None, size: int = 192, cell: int = 160, min_area: float = 16.0, min_visibility: float = 0.3,
          masks=None) -> pp.Graph:
    """``masks``: a dataset with the same items' label maps (tests): carried as a ``mask`` field."""
    dataset = dataset or datasets.Synthetic().detection()
    train = augment.Compose([
        augment.RandomHorizontalFlip(),
        augment.RandomSizedBBoxSafeCrop(height=size, width=size, erosion_rate=0.1),   # fixed size
    ])
    with pp.Graph() as g:
        items = [dataset.item()] + [dataset.item(label=f"mosaic{k}") for k in (1, 2, 3)]
        resources = []
        for item in items:
            r = dataset.load(item)
            if masks is not None:
                r = r.replace(mask=masks.load(item).mask)
            resources.append(declared(r, min_area, min_visibility))
        r = augment.Mosaic(resources, target_size=(2 * cell, 2 * cell), cell_shape=(cell, cell), p=0.8)
        r = train(r)
        r.output(names=["image", "boxes", "labels"] + (["mask"] if masks is not None else []))
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
    with Meter(args.samples, "mosaic_detection") as meter:
        for batch in pipeline.batches(args.batch, stop=max(args.samples, 1), threads=args.threads or None):
            boxes_seen += sum(len(b) for b in batch["boxes"])     # a list: one N_i x 4 array per sample
            meter.update(batch.size)
    print(f"{boxes_seen} boxes, {boxes_seen / max(meter.count, 1):.2f} per image")
    _common.finish(pipeline, args)


if __name__ == "__main__":
    main()
