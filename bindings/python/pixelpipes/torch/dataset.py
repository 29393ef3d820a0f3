"""``PixelpipesDataset``: an IterableDataset of whole batches, for users of ``DataLoader``. Every
trap of that combination is made loud or correct (see the class doc)."""
from __future__ import annotations

import warnings
from typing import Any, Dict, Iterator, Optional

import torch
import torch.utils.data

from ..batches import BatchIterator
from ..errors import StateError
from .common import (check_common, checked_epoch, checked_last_batch, distributed, error_policy,
                     stream_arguments)
from .convert import TorchBatch, to_torch
from .epoch_plan import EpochPlan
from .epoch_stream import epoch_batches
from .state import make_state, read_state
from .worker_control import WorkerControl


class PixelpipesDataset(torch.utils.data.IterableDataset):
    """Batches of a pipeline as dicts of tensors, for ``DataLoader(ds, batch_size=None)`` or direct
    iteration. ``pixelpipes.torch.Loader`` is the simpler way to train; this class is for code
    built around ``DataLoader`` (and torchdata's ``StatefulDataLoader``).

    ``batch_size`` is per rank; it makes whole batches, so the DataLoader must not batch again:
    ``DataLoader(ds, batch_size=16)`` fails at the first batch with an error saying to pass
    ``batch_size=None``. With ``epoch_length`` (the dataset size given to ``dataset_item``) one
    pass is the rest of the epoch, after which the epoch advances by itself; without it the
    stream is endless. ``last_batch`` is as in ``Loader``; by default ``"drop"`` with
    ``drop_last=True``, else ``"pad"`` under several ranks (every rank the same number of
    batches: DDP does not hang) and ``"partial"`` with one.

    Workers: ``num_workers=0`` is the fast path (the C++ threads already work in parallel; no
    copies between processes). With ``num_workers=n`` each worker makes every n-th global batch,
    so the batches come in the same order. Then the object in the main process does not move:
    its ``state_dict()`` raises ``StateError`` (use ``state_after(batch)`` with the last batch you
    got, or ``StatefulDataLoader``, which asks the workers), and ``set_epoch`` reaches workers
    that persist across epochs through a small control file.

    ``state_dict()`` is ``{"version", "seed", "epoch", "offset", "epoch_length"}`` (plain ints):
    it resumes exactly, also with another batch size, world size or worker count (every sample
    of the epoch once). Without ``epoch_length``: ``{"seed", "position"}``.

    ``pin_memory=True`` pins tensors when CUDA is available (in the main process); without CUDA it
    does nothing (one warning says so). ``on_error`` and its keywords are those of
    ``Pipeline.batches``; ``stats()`` has the counts of the last pass in this process (in a
    worker, of that worker's batches).
    """

    def __init__(self, pipeline, batch_size: int, epoch_length: Optional[int] = None, *,
                 epoch: int = 0, threads: Optional[int] = None, prefetch: Optional[int] = None,
                 drop_last: bool = False, last_batch: Optional[str] = None, pad_varying: bool = False,
                 pin_memory: bool = False, rank: Optional[int] = None, world_size: Optional[int] = None,
                 on_error: str = "raise", max_attempts: Optional[int] = None,
                 fallback_index: Optional[int] = None, max_batch_bytes: Optional[int] = None):
        super().__init__()
        batch_size, epoch_length, rank, world_size = check_common(pipeline, batch_size, epoch_length, rank,
                                                                  world_size)
        checked_last_batch(last_batch)
        if last_batch is not None and drop_last and last_batch != "drop":
            raise ValueError(f"drop_last=True contradicts last_batch={last_batch!r}")
        epoch = checked_epoch(epoch)
        self.pipeline = pipeline
        self.batch_size = batch_size
        self.epoch_length = epoch_length
        self.threads, self.prefetch = stream_arguments(threads, prefetch)
        self.drop_last = bool(drop_last)
        self._last_batch = "drop" if drop_last else last_batch
        self.pad_varying = bool(pad_varying)
        self.rank, self.world_size = rank, world_size
        self._errors = error_policy(on_error, max_attempts, fallback_index, max_batch_bytes, epoch_length)
        self.pin_memory = bool(pin_memory) and torch.cuda.is_available()
        if pin_memory and not self.pin_memory:
            warnings.warn("pixelpipes: pin_memory=True does nothing: CUDA is not available", RuntimeWarning,
                          stacklevel=2)
        self._epoch, self._offset = epoch, 0
        self._position = 0  # endless streams: the next global batch's position
        self._control = WorkerControl()
        self._generation = 0  # set_epoch calls of the main process that this copy has applied
        self._stream = None

    # -- epochs and state ----------------------------------------------------------------------
    @property
    def epoch(self) -> int:
        return self._epoch

    @property
    def last_batch(self) -> str:
        if self._last_batch is not None:
            return self._last_batch
        return "pad" if self._rank_world()[1] > 1 else "partial"

    @property
    def position(self) -> int:
        """Stream position of the first sample of the next global batch."""
        if self.epoch_length is None:
            return self._position
        return self._epoch * self.epoch_length + self._offset

    def set_epoch(self, epoch: int) -> None:
        """Selects the epoch that the next pass goes through (like DistributedSampler's), here and
        in DataLoader workers that persist across epochs. Setting the epoch it is already in keeps
        its position, so a resumed epoch continues."""
        epoch = checked_epoch(epoch)
        if epoch != self._epoch:
            self._epoch, self._offset = epoch, 0
        self._generation += 1
        self._control.write_epoch(epoch, self._generation)

    def state_dict(self) -> Dict[str, int]:
        if torch.utils.data.get_worker_info() is None and self._control.workers_iterated():
            raise StateError("this dataset was iterated by DataLoader worker processes, so its state in the main "
                             "process does not follow what you consumed; take pixelpipes.torch.state_after(batch) "
                             "of the last batch you got, use num_workers=0 or pixelpipes.torch.Loader, or "
                             "torchdata's StatefulDataLoader (it gathers the workers' states)")
        if self.epoch_length is None:
            return {"seed": self.pipeline.seed, "position": self._position}
        return make_state(self.pipeline.seed, self._epoch, self._offset, self.epoch_length)

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        if self.epoch_length is None:
            seed, self._position = int(state["seed"]), int(state["position"])
        else:
            seed, self._epoch, self._offset = read_state(state, self.epoch_length)
        if seed != self.pipeline.seed:
            self.pipeline = self.pipeline.with_seed(seed)

    def stats(self) -> Dict[str, object]:
        """Failing samples of the current or last pass in this process (BatchIterator.stats)."""
        return self._stream.stats() if self._stream is not None else \
            {"failed": 0, "skipped": 0, "fallbacks": 0, "failed_attempts": 0, "skipped_by_epoch": {}}

    # -- sharding --------------------------------------------------------------------------------
    def _rank_world(self):
        if self.world_size is not None:
            return self.rank, self.world_size
        return distributed() or (0, 1)

    def _plan(self) -> EpochPlan:
        rank, world = self._rank_world()
        return EpochPlan(self._epoch, self.epoch_length, self.batch_size, rank, world, self.last_batch, self._offset)

    def __len__(self) -> int:
        """Batches this rank yields in a whole epoch, as DataLoader expects (TypeError without
        ``epoch_length``)."""
        if self.epoch_length is None:
            raise TypeError("an endless PixelpipesDataset has no length (give epoch_length=)")
        rank, world = self._rank_world()
        return EpochPlan(self._epoch, self.epoch_length, self.batch_size, rank, world, self.last_batch).batches()

    def __iter__(self) -> Iterator[TorchBatch]:
        return self._batches()

    def _batches(self):
        # a generator: nothing below runs before the first next(), so a state loaded after
        # iter() (as StatefulDataLoader does) is taken into account
        info = torch.utils.data.get_worker_info()
        workers, worker = (info.num_workers, info.id) if info is not None else (1, 0)
        if info is not None:
            self._control.mark_worker()
            epoch, generation = self._control.read_epoch()
            if generation > self._generation:  # set_epoch in the main process since this copy was made
                self._generation = generation
                if epoch is not None and epoch != self._epoch:
                    self._epoch, self._offset = epoch, 0
        pin = self.pin_memory and info is None
        if self.epoch_length is None:
            yield from self._endless(workers, worker, pin)
            return
        plan = self._plan()
        total = plan.batches()
        if total == 0:  # nothing left of this epoch for this rank (a dropped tail): the next
            self._epoch, self._offset = plan.state_after(-1)
            return

        def keep(stream):
            self._stream = stream

        for batch, j, padded in epoch_batches(self.pipeline, plan, workers=workers, worker=worker,
                                              threads=self.threads, prefetch=self.prefetch,
                                              pad_varying=self.pad_varying, errors=self._errors, on_stream=keep):
            # This copy's state: the start of the next round of `workers` global batches, from
            # which this worker's next one is `worker` batches in (a restored worker, as
            # StatefulDataLoader restores them, takes exactly that one next). The consumer's exact
            # state after this batch travels with it (`out.state`).
            if j >= total - workers:  # this worker's last batch of the epoch
                self._epoch, self._offset = plan.state_after(total - 1)
            else:
                self._epoch, self._offset = plan.state_after(j - worker + workers - 1)
            out = to_torch(batch, pin)
            out.epoch, out.number, out.padded = plan.epoch, j, padded
            out.state = make_state(self.pipeline.seed, *plan.state_after(j), self.epoch_length)
            yield out

    def _endless(self, workers: int, worker: int, pin: bool):
        rank, world = self._rank_world()
        span = self.batch_size * world
        stream = BatchIterator(self.pipeline, self.batch_size, start=self._position + worker * span,
                               threads=self.threads, prefetch=self.prefetch, pad_varying=self.pad_varying,
                               rank=rank, world_size=world * workers,
                               **{k: v for k, v in self._errors.items() if k != "epoch_length"})
        self._stream = stream
        try:
            for batch in stream:
                self._position += workers * span
                out = to_torch(batch, pin)
                out.epoch, out.padded = None, 0
                out.state = {"seed": self.pipeline.seed, "position": batch.first_position - rank * self.batch_size
                             + span}
                yield out
        finally:
            stream.close()

    def __repr__(self) -> str:
        rank, world = self._rank_world()
        return (f"<pixelpipes.torch.PixelpipesDataset batch_size={self.batch_size} epoch_length={self.epoch_length} "
                f"epoch={self._epoch} position={self.position} rank={rank}/{world}>")


def _refuse_collation(batch, *, collate_fn_map=None):
    raise TypeError("pixelpipes.torch.PixelpipesDataset yields whole batches, so the DataLoader must not batch "
                    "them again: use DataLoader(dataset, batch_size=None) and set the batch size on the dataset "
                    "(PixelpipesDataset(pipeline, batch_size=...)), or use pixelpipes.torch.Loader")


def _register_collation_guard() -> None:
    """DataLoader(batch_size=n) collates n of our batches into 5-D tensors, or fails deep inside
    default_collate on a short one: make it fail at the first batch, saying what to do."""
    try:
        from torch.utils.data._utils.collate import default_collate_fn_map
    except ImportError:  # pragma: no cover - torch without the map (< 2.0)
        return
    default_collate_fn_map.setdefault(TorchBatch, _refuse_collation)


_register_collation_guard()
