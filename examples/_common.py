"""Shared command-line options of the examples (each example stays runnable on its own)."""
import argparse

import pixelpipes as pp


def parser(description: str, samples: int = 512, batch: int = 32) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--samples", type=int, default=samples, help="samples to compute (default %(default)s)")
    p.add_argument("--batch", type=int, default=batch, help="batch size (default %(default)s)")
    p.add_argument("--threads", type=int, default=0, help="worker threads (0: one per core)")
    p.add_argument("--seed", type=int, default=0, help="pipeline seed")
    p.add_argument("--preview", metavar="PNG", help="write a preview grid of the first samples")
    return p


def describe(pipeline: pp.Pipeline) -> None:
    for o in pipeline.outputs:
        print(f"  {o.name:<14} {o.type}")


def finish(pipeline: pp.Pipeline, args) -> None:
    if args.preview:
        from pixelpipes.preview import save_preview
        save_preview(pipeline, args.preview, count=min(16, max(args.samples, 1)))
        print(f"preview: {args.preview}")
