"""``SampleDataset``: map-style access, sample ``i`` as tensors, for users with their own sampler."""
from __future__ import annotations

from typing import List, Optional, Sequence

import torch
import torch.utils.data

from ..arguments import integer, optional_integer
from ..pipeline import Pipeline
from .convert import sample_to_torch


class SampleDataset(torch.utils.data.Dataset):
    """``ds[i]`` is sample ``i`` of the pipeline (a dict of tensors, copied out of the sample),
    computed on the calling thread; ``ds.__getitems__(indices)`` (what DataLoader calls with a
    batch sampler) computes a batch's samples on the pipeline's worker threads, in runs of
    consecutive indices. ``length`` is ``len(ds)`` (for samplers; negative indices count from
    it). Sample ``i`` is the same bits however it is asked for.

    The dataset item of sample ``i`` is what ``dataset_item`` gives position ``i`` (shuffled per
    epoch of ``epoch_length`` positions): with your own sampler over item numbers, build the
    pipeline with ``dataset_item(n, shuffle=False)`` so that position ``i`` is item ``i``."""

    def __init__(self, pipeline: Pipeline, length: Optional[int] = None, threads: Optional[int] = None):
        if not isinstance(pipeline, Pipeline):
            raise TypeError(f"pipeline must be a pixelpipes.Pipeline, not {type(pipeline).__name__}")
        self.pipeline = pipeline
        self.length = optional_integer(length, "length")
        if self.length is not None and self.length < 0:
            raise ValueError(f"length must be >= 0, not {self.length}")
        self.threads = optional_integer(threads, "threads")

    def __len__(self) -> int:
        if self.length is None:
            raise TypeError("this SampleDataset has no length: give length= (the number of samples)")
        return self.length

    def _index(self, i) -> int:
        i = integer(i, "index")
        if self.length is not None:
            if i < 0:
                i += self.length
            if not 0 <= i < self.length:
                raise IndexError(f"sample {i} is out of range for a SampleDataset of length {self.length}")
        return i

    def __getitem__(self, i) -> dict:
        return sample_to_torch(self.pipeline.run(self._index(i)))

    def __getitems__(self, indices: Sequence[int]) -> List[dict]:
        wanted = [self._index(i) for i in indices]
        out: List[Optional[dict]] = [None] * len(wanted)
        order = sorted(range(len(wanted)), key=lambda k: wanted[k])
        start = 0
        while start < len(order):  # runs of consecutive indices: one run_many each
            end = start + 1
            while end < len(order) and wanted[order[end]] == wanted[order[end - 1]] + 1:
                end += 1
            first = wanted[order[start]]
            for k, sample in zip(order[start:end], self.pipeline.run_many(first, end - start, threads=self.threads)):
                out[k] = sample_to_torch(sample)
            start = end
        return out  # type: ignore[return-value]
