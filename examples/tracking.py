"""Visual tracking: pairs of frames of one sequence, a template patch around the object and a
larger search patch with its center and scale jittered; both get the same color jitter.

    python examples/tracking.py [--data SEQUENCES_DIR] [--samples 512]

The data is a folder of sequences, each a folder of frames plus a VOT-style groundtruth.txt
(x,y,w,h per frame). Without --data it runs on the built-in synthetic sequences. See
docs/tutorials/tracking.md.
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
    dataset = dataset or datasets.Synthetic().tracking()
    with pp.Graph() as g:
        # template: 64 x 64, 2x the box; search: 128 x 128, 4x the box, center +-0.5 box, scale +-25%
        r = dataset.sample()          # template, template_box, search, search_box, sequence, frames, item
        r = augment.ColorJitter(r, brightness=0.3, contrast=0.3, saturation=0.3)   # same draw for both
        r = augment.Normalize(r, (0.5, 0.5, 0.5), (0.25, 0.25, 0.25))
        r.output(names=["template", "search", "template_box", "search_box", "frames"])
    return g


def main(argv=None) -> None:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--data", help="folder of sequences (default: synthetic sequences)")
    args = p.parse_args(argv)

    ds = datasets.TrackingSequences(args.data) if args.data else datasets.Synthetic().tracking()
    pipeline = pp.compile(build(ds), seed=args.seed, threads=args.threads)
    print(f"{len(ds.sequences)} sequences, {len(ds)} frames with the object")
    _common.describe(pipeline)
    gaps = []
    with Meter(args.samples, "tracking") as meter:
        for batch in pipeline.batches(args.batch, stop=max(args.samples, 1), threads=args.threads or None):
            gaps.append(np.abs(batch["frames"][:, 1] - batch["frames"][:, 0]))
            meter.update(batch.size)
    print(f"mean frame gap {np.concatenate(gaps).mean():.1f}")
    _common.finish(pipeline, args)


if __name__ == "__main__":
    main()
