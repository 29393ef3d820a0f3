"""The batches of one rank's epoch plan, as NumPy batches (``pixelpipes.batches.Batch``), made by
the pipeline's native stream: the shared engine of ``Loader`` and ``PixelpipesDataset``."""
from __future__ import annotations

from typing import Callable, Dict, Iterator, List, Optional, Tuple

import numpy as np

from ..batches import Batch, BatchIterator
from .epoch_plan import EpochPlan


def epoch_batches(pipeline, plan: EpochPlan, *, workers: int = 1, worker: int = 0, threads: Optional[int] = None,
                  prefetch: Optional[int] = None, pad_varying: bool = False,
                  errors: Optional[Dict] = None,
                  on_stream: Optional[Callable[[BatchIterator], None]] = None) -> Iterator[Tuple[Batch, int, int]]:
    """Yields ``(batch, j, padded)`` for this rank's batches ``j = worker, worker + workers, ...``
    of ``plan`` (``workers`` > 1: DataLoader worker processes sharing the plan, each making every
    ``workers``-th global batch). A padded batch (``last_batch="pad"``) ends with ``padded``
    repeated samples. ``on_stream`` is given the native stream (for its stats)."""
    errors = errors or {}
    mine = range(worker, plan.batches(), workers)
    if not mine:
        return
    # One native stream for this worker: its global batches start at worker * span from the resume
    # point and come every `workers` global batches, i.e. rank `rank` of `world * workers` ranks.
    end = plan.base + plan.epoch_length
    if plan.last_batch == "drop":
        end = plan.base + plan.offset + plan.batches() * plan.span  # whole global batches only
    stream = BatchIterator(pipeline, plan.batch_size, start=plan.base + plan.offset + worker * plan.span, stop=end,
                           threads=threads, prefetch=prefetch, pad_varying=pad_varying, rank=plan.rank,
                           world_size=plan.world_size * workers, **errors)
    if on_stream is not None:
        on_stream(stream)
    try:
        for j in mine:
            first, real, padded = plan.batch(j)
            parts = [next(stream)] if real else []
            if padded:
                parts += _padding(pipeline, plan.padding_positions(j), threads, pad_varying, errors)
            batch = parts[0] if len(parts) == 1 else merge(parts)
            batch.first_position = first
            yield batch, j, padded
    finally:
        stream.close()


def _padding(pipeline, positions: List[int], threads, pad_varying: bool, errors: Dict) -> List[Batch]:
    """Batches of the padding positions, one per contiguous run of them."""
    runs, start = [], 0
    for k in range(1, len(positions) + 1):
        if k == len(positions) or positions[k] != positions[k - 1] + 1:
            runs.append((positions[start], k - start))
            start = k
    out = []
    for first, count in runs:
        with BatchIterator(pipeline, count, start=first, stop=first + count, threads=threads, prefetch=1,
                           pad_varying=pad_varying, **errors) as it:
            out.append(next(it))
    return out


def merge(parts: List[Batch]) -> Batch:
    """The batches one after another: arrays concatenated along the batch axis (zero-padded to
    the largest shape where their shapes differ: padded varying outputs), lists joined."""
    out = Batch()
    out.number, out.first_position = parts[0].number, parts[0].first_position
    out.size = sum(p.size for p in parts)
    for name, first in parts[0].items():
        values = [p[name] for p in parts]
        if isinstance(first, np.ndarray):
            out[name] = _concatenate(values)
        else:
            out[name] = [v for value in values for v in value]
    return out


def _concatenate(arrays: List[np.ndarray]) -> np.ndarray:
    if all(a.shape[1:] == arrays[0].shape[1:] for a in arrays):
        return np.concatenate(arrays)
    shape = tuple(max(a.shape[d] for a in arrays) for d in range(1, arrays[0].ndim))
    out = np.zeros((sum(len(a) for a in arrays),) + shape, arrays[0].dtype)
    row = 0
    for a in arrays:
        out[(slice(row, row + len(a)),) + tuple(slice(0, s) for s in a.shape[1:])] = a
        row += len(a)
    return out
