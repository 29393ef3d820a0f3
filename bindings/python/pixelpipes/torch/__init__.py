"""PyTorch integration (``import pixelpipes.torch``; importing ``pixelpipes`` alone never imports
torch). See docs/torch.md.

- ``Loader``: batches as dicts of tensors, epoch by epoch, with an exact and elastic state, the
  last-batch policy, the corrupt-data policy, ranks and devices: the way to train.
- ``PixelpipesDataset``: the same batches as an ``IterableDataset``, for ``DataLoader`` users.
- ``SampleDataset``: map-style, ``ds[i]`` is sample ``i``, for custom samplers.
- ``to_torch(batch)``: a ``pipeline.batches`` batch as tensors sharing its memory;
  ``state_after(batch)``: the state that resumes after a batch.
"""
from .convert import TorchBatch, to_torch
from .dataset import PixelpipesDataset
from .loader import Loader, state_after
from .samples import SampleDataset

__all__ = ["Loader", "PixelpipesDataset", "SampleDataset", "TorchBatch", "to_torch", "state_after"]
