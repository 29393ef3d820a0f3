"""What the loader and the datasets share: the ranks of torch.distributed and argument checks."""
from __future__ import annotations

from typing import Optional, Tuple

import torch

from ..arguments import integer, optional_integer
from ..pipeline import Pipeline


def distributed() -> Optional[Tuple[int, int]]:
    """(rank, world_size) of torch.distributed when initialised, else None."""
    dist = getattr(torch, "distributed", None)
    if dist is not None and dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return None


def check_common(pipeline, batch_size, epoch_length, rank, world_size):
    """Checked (batch_size, epoch_length, rank, world_size); None where not given."""
    if not isinstance(pipeline, Pipeline):
        raise TypeError(f"pipeline must be a pixelpipes.Pipeline, not {type(pipeline).__name__}")
    batch_size = integer(batch_size, "batch_size")
    epoch_length = optional_integer(epoch_length, "epoch_length")
    rank, world_size = optional_integer(rank, "rank"), optional_integer(world_size, "world_size")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    if epoch_length is not None and epoch_length < 1:
        raise ValueError(f"epoch_length must be at least 1, not {epoch_length}")
    if (rank is None) != (world_size is None):
        raise ValueError("give both rank and world_size, or neither (then torch.distributed decides)")
    if world_size is not None and not 0 <= rank < world_size:
        raise ValueError(f"rank must be in [0, world_size), got {rank} and {world_size}")
    return batch_size, epoch_length, rank, world_size


def checked_epoch(epoch) -> int:
    epoch = integer(epoch, "epoch")
    if epoch < 0:
        raise ValueError(f"epoch must be >= 0, not {epoch}")
    return epoch


def checked_last_batch(last_batch):
    from .epoch_plan import LAST_BATCH
    if last_batch is not None and last_batch not in LAST_BATCH:
        raise ValueError(f"last_batch must be 'pad', 'drop' or 'partial', not {last_batch!r}")
    return last_batch


def stream_arguments(threads, prefetch):
    """Checked (threads, prefetch): integers or None (their ranges are the library's)."""
    return optional_integer(threads, "threads"), optional_integer(prefetch, "prefetch")


def error_policy(on_error: str, max_attempts, fallback_index, max_batch_bytes, epoch_length) -> dict:
    """The corrupt-data keywords of Pipeline.batches (checked there)."""
    if on_error not in ("raise", "skip", "fallback"):
        raise ValueError(f"on_error must be 'raise', 'skip' or 'fallback', not {on_error!r}")
    return {"on_error": on_error, "max_attempts": max_attempts, "fallback_index": fallback_index,
            "max_batch_bytes": max_batch_bytes, "epoch_length": epoch_length}
