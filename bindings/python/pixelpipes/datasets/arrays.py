"""ArrayDataset: NumPy arrays in memory (MNIST-style), held once as constants."""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from ..node import NodeLike
from ..resource import Resource
from .base import Dataset, check_labels, element


class ArrayDataset(Dataset):
    """Items are the rows of NumPy arrays: ``images`` (N x H x W or N x H x W x C) and optional
    ``labels`` (N integers) or any other ``extra`` arrays (N x ...).

    Each array becomes ONE tensor constant of the program (never copied per sample); sample ``i``
    takes row ``dataset.item(i)`` as a view (``tensor.slice`` + ``tensor.reshape``). Fields of
    :meth:`load`: ``image`` (H x W [x C], the array's dtype; known shape), ``label`` (i64 scalar,
    with labels), one field per ``extra`` array, ``item``.
    """

    fields = {"image": "image", "label": "other", "item": "other"}

    def __init__(self, images: np.ndarray, labels: Optional[Sequence[int]] = None,
                 classes: Optional[Sequence[str]] = None, **extra: np.ndarray):
        super().__init__()
        images = np.ascontiguousarray(images)
        if images.ndim not in (3, 4) or len(images) == 0:
            raise ValueError(f"images must be N x H x W or N x H x W x C with N > 0, not shape {images.shape}")
        self.images = images
        self.labels = None if labels is None else check_labels(labels, len(images))
        self.classes = list(classes) if classes is not None else None
        self.extra = {}
        for name, a in extra.items():
            a = np.ascontiguousarray(a)
            if len(a) != len(images):
                raise ValueError(f"array {name!r} has {len(a)} rows, images have {len(images)}")
            self.extra[name] = a

    def __len__(self) -> int:
        return len(self.images)

    def load(self, item: NodeLike) -> Resource:
        fields = {"image": element(self.constant("images", lambda: self.images), item, self.images.shape[1:])}
        if self.labels is not None:
            fields["label"] = element(self.constant("labels", lambda: self.labels), item, [])
        for name, a in self.extra.items():
            fields[name] = element(self.constant(f"extra.{name}", lambda a=a: a), item, a.shape[1:])
        fields["item"] = item
        return Resource(fields)
