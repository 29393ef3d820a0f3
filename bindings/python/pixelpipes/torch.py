"""PyTorch integration: an ``IterableDataset`` of ready batches (``import pixelpipes.torch``).

    import pixelpipes as pp
    from pixelpipes.torch import PixelpipesDataset

    ds = PixelpipesDataset(pipeline, batch_size=64, epoch_length=len(files))
    loader = torch.utils.data.DataLoader(ds, batch_size=None)      # or iterate ds directly
    for epoch in range(10):
        ds.set_epoch(epoch)
        for batch in loader:            # {"image": tensor [64, ...], "label": tensor [64]}
            ...
    state = ds.state_dict()             # {"seed", "epoch", "position", ...}: plain ints

Batches are made by the pipeline's C++ threads; the tensors share the batch buffers
(``torch.from_numpy``: no copy). Importing ``pixelpipes`` does not import torch; this module does.
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, Iterator, Optional

import numpy as np
import torch
import torch.utils.data

from .arguments import integer, optional_integer
from .batches import Batch, BatchIterator
from .pipeline import Pipeline

__all__ = ["PixelpipesDataset", "to_torch"]


def to_torch(batch: Batch, pin_memory: bool = False) -> Batch:
    """The batch with its arrays as tensors that share their memory (``torch.from_numpy``).

    Fixed-shape and padded outputs are writable views of the batch's own buffers, so no copy is
    made. Items of list outputs (varying shapes) may share memory with the program and are
    read-only, so they are copied (use ``pad_varying=True`` for one zero-copy tensor).
    ``pin_memory=True`` copies the tensors to pinned memory (only call it when CUDA is available).
    """
    out = Batch()
    out.number, out.first_position, out.size = batch.number, batch.first_position, batch.size
    for name, value in batch.items():
        if isinstance(value, np.ndarray):
            t = torch.from_numpy(value) if value.flags.writeable else torch.from_numpy(value.copy())
            out[name] = t.pin_memory() if pin_memory else t
        elif isinstance(value, list):
            out[name] = [_item(v, pin_memory) for v in value]
        else:
            out[name] = value
    return out


def _item(value, pin_memory: bool):
    if isinstance(value, np.ndarray):
        t = torch.from_numpy(np.array(value))  # read-only view of the sample: copied
        return t.pin_memory() if pin_memory else t
    if isinstance(value, list):
        return [_item(v, pin_memory) for v in value]
    return value


def _distributed():
    """(rank, world_size) of torch.distributed when initialised, else None."""
    dist = getattr(torch, "distributed", None)
    if dist is not None and dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return None


class PixelpipesDataset(torch.utils.data.IterableDataset):
    """Batches of a pipeline as dicts of tensors, for ``DataLoader(ds, batch_size=None)`` or
    direct iteration.

    ``batch_size`` is per rank. With ``epoch_length`` (the dataset size, as given to
    ``pp.dataset_item``), one pass of iteration is one epoch: stream positions ``[epoch *
    epoch_length, (epoch + 1) * epoch_length)``, after which the epoch advances by itself; without
    it the stream is endless. ``drop_last`` drops an epoch's last global batch when it is short
    (set it for DistributedDataParallel, which needs the same number of batches on every rank).

    Sharding, without any setup: under ``torch.distributed`` (when initialised, or with explicit
    ``rank``/``world_size``) each rank takes its part of every global batch, so what the ranks
    yield at step ``k`` is together global batch ``k`` of one process with ``batch_size *
    world_size`` samples. With ``DataLoader(num_workers=n)`` each worker takes every n-th global
    batch, so the loader still yields them in order; the native pipeline is made inside
    ``__iter__`` (in the worker, never before the fork). ``num_workers=0`` is the fast path: the
    C++ threads already work in parallel and the tensors are not copied between processes.

    ``state_dict()`` is plain ints (``seed``, ``epoch``, ``position``: the stream position of
    the next global batch, ``batches_yielded``); ``load_state_dict()`` continues exactly at the
    next batch, in O(1). Both work with ``torchdata.stateful_dataloader.StatefulDataLoader``.

    ``pin_memory=True`` puts tensors in pinned memory when CUDA is available (a copy, in the
    main process only); without CUDA it does nothing (one warning says so).
    """

    def __init__(self, pipeline: Pipeline, batch_size: int, epoch_length: Optional[int] = None, *,
                 epoch: int = 0, threads: Optional[int] = None, prefetch: Optional[int] = None, drop_last: bool = False,
                 pad_varying: bool = False, pin_memory: bool = False, rank: Optional[int] = None,
                 world_size: Optional[int] = None):
        super().__init__()
        if not isinstance(pipeline, Pipeline):
            raise TypeError(f"pipeline must be a pixelpipes.Pipeline, not {type(pipeline).__name__}")
        batch_size, prefetch, epoch = integer(batch_size, "batch_size"), optional_integer(prefetch, "prefetch"), \
            integer(epoch, "epoch")
        epoch_length, threads = optional_integer(epoch_length, "epoch_length"), optional_integer(threads, "threads")
        rank, world_size = optional_integer(rank, "rank"), optional_integer(world_size, "world_size")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        if epoch_length is not None and epoch_length < 1:
            raise ValueError(f"epoch_length must be at least 1, not {epoch_length}")
        if (rank is None) != (world_size is None):
            raise ValueError("give both rank and world_size, or neither (then torch.distributed decides)")
        if world_size is not None and not 0 <= rank < world_size:
            raise ValueError(f"rank must be in [0, world_size), got {rank} and {world_size}")
        self.pipeline = pipeline
        self.batch_size = batch_size
        self.epoch_length = epoch_length
        self.threads = threads
        self.prefetch = prefetch
        self.drop_last = bool(drop_last)
        self.pad_varying = bool(pad_varying)
        self.rank = rank
        self.world_size = world_size
        self.pin_memory = bool(pin_memory) and torch.cuda.is_available()
        if pin_memory and not self.pin_memory:
            warnings.warn("pixelpipes: pin_memory=True does nothing: CUDA is not available", RuntimeWarning,
                          stacklevel=2)
        self._epoch = epoch
        self._position = self._epoch_start()
        self._yielded = 0

    # -- epochs and state ----------------------------------------------------------------------
    @property
    def epoch(self) -> int:
        return self._epoch

    @property
    def position(self) -> int:
        """Stream position of the first sample of the next global batch."""
        return self._position

    def _epoch_start(self) -> int:
        return self._epoch * self.epoch_length if self.epoch_length else 0

    def set_epoch(self, epoch: int) -> None:
        """Selects the epoch that the next iteration goes through (like DistributedSampler's).
        Setting the epoch it is already in keeps its position, so a resumed epoch continues."""
        epoch = integer(epoch, "epoch")
        if epoch < 0:
            raise ValueError(f"epoch must be >= 0, not {epoch}")
        if epoch != self._epoch:
            self._epoch = epoch
            self._position = self._epoch_start()
            self._yielded = 0

    def state_dict(self) -> Dict[str, int]:
        return {"seed": self.pipeline.seed, "epoch": self._epoch, "position": self._position,
                "batches_yielded": self._yielded, "batch_size": self.batch_size}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        seed = int(state["seed"])
        if seed != self.pipeline.seed:
            self.pipeline = self.pipeline.with_seed(seed)
        self._epoch = int(state.get("epoch", 0))
        self._position = int(state["position"])
        self._yielded = int(state.get("batches_yielded", 0))

    # -- sharding --------------------------------------------------------------------------------
    def _rank_world(self):
        if self.world_size is not None:
            return self.rank, self.world_size
        return _distributed() or (0, 1)

    def __len__(self) -> int:
        """Batches this rank yields in a whole epoch (TypeError without ``epoch_length``)."""
        if self.epoch_length is None:
            raise TypeError("an endless PixelpipesDataset has no length (give epoch_length=)")
        rank, world = self._rank_world()
        full, rest = divmod(self.epoch_length, self.batch_size * world)
        return full + (1 if not self.drop_last and rest > rank * self.batch_size else 0)

    def __iter__(self) -> Iterator[Batch]:
        return self._batches()

    def _batches(self):
        # a generator: nothing below runs before the first next(), so a state loaded after
        # iter() (as StatefulDataLoader does) is taken into account
        rank, world = self._rank_world()
        info = torch.utils.data.get_worker_info()
        workers, worker = (info.num_workers, info.id) if info is not None else (1, 0)
        size = self.batch_size
        span = size * world  # one global batch
        base = self._epoch_start()
        stop = None
        if self.epoch_length is not None:
            stop = base + self.epoch_length
            if self.drop_last:
                stop = base + (self.epoch_length // span) * span
        position = max(self._position, base)
        first = -(-(position - base) // span)  # the next global batch
        first += (worker - first) % workers  # ... that this worker makes
        pin = self.pin_memory and info is None
        stream = BatchIterator(self.pipeline, size, start=base + first * span, stop=stop, threads=self.threads,
                               prefetch=self.prefetch, pad_varying=self.pad_varying, rank=rank,
                               world_size=world * workers)
        try:
            remaining = len(stream) if stop is not None else None
            k = 0
            while True:
                try:
                    batch = next(stream)
                except StopIteration:
                    break
                k += 1
                self._yielded += 1
                self._position = base + (first + k * workers) * span
                if remaining is not None and k == remaining:  # this worker's last batch of the epoch
                    self._epoch += 1
                    self._position = self._epoch_start()
                    self._yielded = 0
                yield to_torch(batch, pin)
        finally:
            stream.close()

    def __repr__(self) -> str:
        rank, world = self._rank_world()
        return (f"<pixelpipes.torch.PixelpipesDataset batch_size={self.batch_size} epoch_length={self.epoch_length} "
                f"epoch={self._epoch} position={self._position} rank={rank}/{world}>")
