"""``Loader``: the documented way to train with PixelPipes in PyTorch. It iterates in the process
that trains (the pipeline's own C++ threads do the parallel work), so its state is always exact."""
from __future__ import annotations

import json
from typing import Any, Dict, Iterator, Optional

import torch

from ..errors import PixelpipesError
from .common import (check_common, checked_epoch, checked_last_batch, distributed, error_policy,
                     stream_arguments)
from .convert import TorchBatch, to_torch
from .epoch_plan import EpochPlan
from .epoch_stream import epoch_batches
from .state import make_state, read_state


class Loader:
    """Batches of a pipeline as dicts of tensors, epoch by epoch, for a training loop::

        loader = Loader(pipeline, batch_size=64, epoch_length=len(dataset))
        for epoch in range(loader.epoch, 90):
            loader.set_epoch(epoch)
            for batch in loader:            # TorchBatch: {"image": tensor [64, ...], ...}
                ...
                torch.save(loader.state_dict(), "ckpt.pt")   # exact, any time

    - **Epochs.** Epoch ``e`` is the stream positions ``[e * epoch_length, (e + 1) *
      epoch_length)`` (``epoch_length``: the dataset size given to ``dataset_item``). One pass of
      iteration is the rest of the current epoch; then the epoch advances by itself.
      ``set_epoch(e)`` selects one (keeping the position when it is the current epoch).
      ``len(loader)``: the batches left in the current epoch for this rank.
    - **Ranks.** Under ``torch.distributed`` (when initialised), or with explicit ``rank`` and
      ``world_size``, rank ``r`` takes its ``batch_size`` samples of every global batch.
    - **The last batch** (``last_batch``): ``"pad"`` (default: every rank gets the same number of
      full batches, as DDP needs; the missing samples repeat the epoch's first positions and
      ``batch.padded`` counts them), ``"drop"`` (the cut global batch is dropped on every
      rank), ``"partial"`` (a short last batch; ranks may get different counts).
    - **State.** ``state_dict()`` is ``{"version", "seed", "epoch", "offset", "epoch_length"}``
      (``offset``: positions of the epoch consumed by all ranks together), exact after every
      batch. ``load_state_dict()`` continues the epoch exactly, also with another world size,
      batch size or ``last_batch``: every sample of the epoch is seen once, none twice (with
      ``"pad"``, padding repeats are marked; with ``"drop"``, the dropped tail depends on the
      batch size).
    - **Corrupt data**: ``on_error`` ``"raise"``/``"skip"``/``"fallback"`` as in
      ``Pipeline.batches``; ``stats()`` has the counts of the current or last pass. With
      ``"raise"``, a failing sample's error ends the pass and the state moves past its batch, so
      the next pass continues after it.
    - **Devices.** ``device="cuda"`` copies each batch there (pinned memory, ``non_blocking``, on a
      side stream that the current stream waits for); without CUDA it is an error at once.
      ``pin_memory=True`` pins the tensors (CUDA only). By default tensors share the C++ batch
      buffers (no copy).
    """

    def __init__(self, pipeline, batch_size: int, epoch_length: int, *, epoch: int = 0, last_batch: str = "pad",
                 threads: Optional[int] = None, prefetch: Optional[int] = None, pad_varying: bool = False,
                 on_error: str = "raise", max_attempts: Optional[int] = None, fallback_index: Optional[int] = None,
                 max_batch_bytes: Optional[int] = None, pin_memory: bool = False, device=None,
                 rank: Optional[int] = None, world_size: Optional[int] = None):
        batch_size, epoch_length, rank, world_size = check_common(pipeline, batch_size, epoch_length, rank,
                                                                  world_size)
        if epoch_length is None:
            raise ValueError("a Loader needs epoch_length (the dataset size); for an endless stream use "
                             "pipeline.batches()")
        if checked_last_batch(last_batch) is None:
            raise ValueError("last_batch must be 'pad', 'drop' or 'partial', not None")
        epoch = checked_epoch(epoch)
        self.pipeline = pipeline
        self.batch_size = batch_size
        self.epoch_length = epoch_length
        self.last_batch = last_batch
        self.threads, self.prefetch = stream_arguments(threads, prefetch)
        self.pad_varying = bool(pad_varying)
        self.rank, self.world_size = rank, world_size
        self._errors = error_policy(on_error, max_attempts, fallback_index, max_batch_bytes, epoch_length)
        self.device = None if device is None else torch.device(device)
        if self.device is not None and self.device.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(f"device={device!r}, but CUDA is not available in this torch build or machine: "
                               "leave device=None (tensors stay in the C++ batch buffers, on the CPU)")
        if pin_memory and not torch.cuda.is_available():
            raise RuntimeError("pin_memory=True needs CUDA, which this torch build or machine does not have")
        self.pin_memory = bool(pin_memory) or (self.device is not None and self.device.type == "cuda")
        self._epoch, self._offset = epoch, 0
        self._stream = None  # the native stream of the current or last pass, for stats()
        self._copy_stream = None

    # -- epochs and state ----------------------------------------------------------------------
    @property
    def epoch(self) -> int:
        return self._epoch

    def set_epoch(self, epoch: int) -> None:
        """Selects the epoch the next pass goes through. Setting the current epoch keeps its
        position, so a resumed epoch continues."""
        epoch = checked_epoch(epoch)
        if epoch != self._epoch:
            self._epoch, self._offset = epoch, 0

    def state_dict(self) -> Dict[str, int]:
        return make_state(self.pipeline.seed, self._epoch, self._offset, self.epoch_length)

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        seed, self._epoch, self._offset = read_state(state, self.epoch_length)
        if seed != self.pipeline.seed:
            self.pipeline = self.pipeline.with_seed(seed)

    def state_bytes(self) -> bytes:
        """The state as compact JSON (what a checkpoint needs; a few dozen bytes)."""
        return json.dumps(self.state_dict(), separators=(",", ":")).encode()

    def stats(self) -> Dict[str, object]:
        """Failing samples of the current or last pass (see ``BatchIterator.stats``)."""
        return self._stream.stats() if self._stream is not None else \
            {"failed": 0, "skipped": 0, "fallbacks": 0, "failed_attempts": 0, "skipped_by_epoch": {}}

    # -- iteration -------------------------------------------------------------------------------
    def _plan(self) -> EpochPlan:
        rank, world = (self.rank, self.world_size) if self.world_size is not None else (distributed() or (0, 1))
        return EpochPlan(self._epoch, self.epoch_length, self.batch_size, rank, world, self.last_batch, self._offset)

    def __len__(self) -> int:
        """Batches this rank gets from here to the end of the current epoch."""
        return self._plan().batches()

    def __iter__(self) -> Iterator[TorchBatch]:
        plan = self._plan()
        if plan.batches() == 0:  # nothing left of this epoch for this rank (a dropped tail): the next
            self._epoch, self._offset = plan.state_after(-1)
            return

        def keep(stream):
            self._stream = stream

        def consumed(j):  # the state once batch j is consumed (or has failed)
            self._epoch, self._offset = plan.state_after(j)

        upcoming = 0
        try:
            for batch, j, padded in epoch_batches(self.pipeline, plan, threads=self.threads, prefetch=self.prefetch,
                                                  pad_varying=self.pad_varying, errors=self._errors,
                                                  on_stream=keep):
                consumed(j)
                upcoming = j + 1
                out = to_torch(batch, self.pin_memory)
                out.epoch, out.number, out.padded, out.state = plan.epoch, j, padded, self.state_dict()
                yield self._to_device(out)
        except PixelpipesError:
            consumed(upcoming)  # as the stream does, the state moves past the batch that failed
            raise

    def _to_device(self, batch: TorchBatch) -> TorchBatch:
        if self.device is None or self.device.type == "cpu":
            return batch
        if self._copy_stream is None:
            self._copy_stream = torch.cuda.Stream(device=self.device)
        with torch.cuda.stream(self._copy_stream):
            for name, value in batch.items():
                if isinstance(value, torch.Tensor):
                    batch[name] = value.to(self.device, non_blocking=True)
        current = torch.cuda.current_stream(self.device)
        current.wait_stream(self._copy_stream)
        for value in batch.values():
            if isinstance(value, torch.Tensor):
                value.record_stream(current)  # the side stream's memory is used on the current one
        return batch

    def __repr__(self) -> str:
        plan = self._plan()
        return (f"<pixelpipes.torch.Loader batch_size={self.batch_size} epoch_length={self.epoch_length} "
                f"epoch={self._epoch} offset={self._offset} rank={plan.rank}/{plan.world_size} "
                f"last_batch={self.last_batch!r}>")


def state_after(batch: TorchBatch) -> Dict[str, int]:
    """The state of the loader or dataset that made ``batch`` once ``batch`` is consumed: saved
    with the model after training on it, it resumes at the next batch. Works for batches that
    came through DataLoader worker processes too (the state travels with the batch)."""
    state = getattr(batch, "state", None)
    if state is None:
        raise ValueError("this batch carries no state: it was not made by a pixelpipes.torch Loader or "
                         "PixelpipesDataset with epoch_length")
    return dict(state)
