"""NumPy batches -> torch tensors that share their memory."""
from __future__ import annotations

import numpy as np
import torch

from ..batches import Batch


class TorchBatch(dict):
    """``{output name: tensor}`` of one batch, and where it lies: ``epoch``, ``number`` (the batch's
    index in this iteration), ``first_position`` (stream position of its first sample), ``size``
    (samples, padding included), ``padded`` (samples at the end that repeat earlier positions of
    the epoch, with ``last_batch="pad"``; leave them out of metrics) and ``state`` (the loader's
    state once this batch is consumed: what ``state_after(batch)`` returns)."""

    __slots__ = ("epoch", "number", "first_position", "size", "padded", "state")

    def __repr__(self) -> str:
        items = ", ".join(f"{k}: {tuple(v.shape) if isinstance(v, torch.Tensor) else type(v).__name__}"
                          for k, v in self.items())
        return (f"<pixelpipes.torch.TorchBatch epoch {self.epoch} number {self.number} positions "
                f"[{self.first_position}, ...) size {self.size} padded {self.padded} {{{items}}}>")


def to_torch(batch: Batch, pin_memory: bool = False) -> TorchBatch:
    """The batch with its arrays as tensors that share their memory (``torch.from_numpy``).

    Fixed-shape and padded outputs are writable views of the batch's own buffers, so no copy is
    made. Items of list outputs (varying shapes) may share memory with the program and are
    read-only, so they are copied (use ``pad_varying=True`` for one zero-copy tensor).
    ``pin_memory=True`` copies the tensors to pinned memory (only call it when CUDA is available).
    """
    out = TorchBatch()
    out.number, out.first_position, out.size = batch.number, batch.first_position, batch.size
    out.epoch, out.padded, out.state = None, 0, None
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


def sample_to_torch(sample: dict) -> dict:
    """One sample of ``Pipeline.run`` as tensors (copied: run's arrays are read-only views)."""
    return {k: (torch.from_numpy(np.array(v)) if isinstance(v, np.ndarray) else
                [_item(x, False) for x in v] if isinstance(v, list) else v) for k, v in sample.items()}
