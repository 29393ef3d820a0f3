"""Where the batches of an epoch are, for one rank: pure arithmetic, no torch.

Epoch ``e`` is the stream positions ``[e * L, (e + 1) * L)`` (``L``: the epoch length, the dataset
size given to ``dataset_item``). From a resume point ``offset`` (positions of the epoch already
consumed, by every rank together), global batch ``j`` covers ``B * W`` positions starting at
``e * L + offset + j * B * W``, and rank ``r`` takes the ``B`` of them starting ``r * B`` in. So
the ranks' batch ``j`` together is global batch ``j`` of one process with batch ``B * W``, and a
state is just ``(epoch, offset)``: resuming with another world size or batch size starts new
global batches at ``offset`` and every position of the epoch is still seen exactly once.

The last global batch may be cut by the epoch's end; ``last_batch`` says what each rank gets:

- ``"pad"`` (default, DDP-safe): every rank has ``ceil(R / (B * W))`` batches of ``B`` (``R``: the
  positions left); positions past the end are replaced by positions from the epoch's start
  (repeats, as DistributedSampler and DALI's PAD do) and counted in the batch's ``padded``.
- ``"drop"``: the cut global batch is dropped on every rank (same count everywhere).
- ``"partial"``: each rank returns what is left of its part (possibly short, possibly nothing):
  ranks may get different counts, which DDP cannot take.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

LAST_BATCH = ("pad", "drop", "partial")


@dataclass(frozen=True)
class EpochPlan:
    epoch: int
    epoch_length: int
    batch_size: int
    rank: int = 0
    world_size: int = 1
    last_batch: str = "pad"
    offset: int = 0  # positions of the epoch consumed before this plan starts (all ranks)

    def __post_init__(self):
        if self.last_batch not in LAST_BATCH:
            raise ValueError(f"last_batch must be 'pad', 'drop' or 'partial', not {self.last_batch!r}")
        if not 0 <= self.offset <= self.epoch_length:
            raise ValueError(f"offset {self.offset} is outside the epoch of {self.epoch_length} positions")

    @property
    def span(self) -> int:
        """Positions of one global batch."""
        return self.batch_size * self.world_size

    @property
    def base(self) -> int:
        """Stream position of the epoch's first sample."""
        return self.epoch * self.epoch_length

    @property
    def left(self) -> int:
        """Positions of the epoch not consumed yet."""
        return self.epoch_length - self.offset

    def batches(self) -> int:
        """Batches this rank returns from the resume point to the epoch's end."""
        if self.last_batch == "drop":
            return self.left // self.span
        if self.last_batch == "pad":
            return -(-self.left // self.span)
        first = self.rank * self.batch_size
        return 0 if self.left <= first else (self.left - first - 1) // self.span + 1

    def batch(self, j: int) -> Tuple[int, int, int]:
        """(first stream position, real samples, padded samples) of this rank's batch ``j``."""
        start = self.offset + j * self.span + self.rank * self.batch_size  # within the epoch
        real = max(0, min(self.batch_size, self.epoch_length - start))
        padded = self.batch_size - real if self.last_batch == "pad" else 0
        return self.base + start, real, padded

    def padding_positions(self, j: int):
        """The positions that stand in for batch ``j``'s padded samples: the epoch's first ones,
        wrapping around (an epoch shorter than a batch repeats itself)."""
        first, real, padded = self.batch(j)
        start = first - self.base + real
        return [self.base + (start + k) % self.epoch_length for k in range(padded)]

    def offset_after(self, j: int) -> int:
        """The epoch's consumed positions once every rank has returned its batch ``j``."""
        return min(self.epoch_length, self.offset + (j + 1) * self.span)

    def state_after(self, j: int) -> Tuple[int, int]:
        """(epoch, offset) once batch ``j`` is consumed: the next epoch's start after the last
        batch (``j = -1``: before any batch, which is the end when no batch is left)."""
        if j >= self.batches() - 1:
            return self.epoch + 1, 0
        return self.epoch, self.offset_after(j)
