"""NpyArrays: the rows of .npy files that the library memory-maps (datasets of any size)."""
from __future__ import annotations

import os
from typing import Optional, Sequence, Tuple, Union

import numpy as np

from .. import dtypes
from ..node import Node, NodeLike
from ..resource import Resource
from .base import Dataset, check_labels, element

PathLike = Union[str, "os.PathLike[str]"]


def read_npy_header(path: PathLike) -> Tuple[np.dtype, Tuple[int, ...]]:
    """The dtype and shape of a .npy file, read from its header (the data is not read). ValueError
    for a file the library cannot map: a version other than 1.0, 2.0 and 3.0, Fortran order, a
    big-endian dtype, or a dtype the library lacks (TypeError)."""
    path = os.fspath(path)
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(f)
        elif version in ((2, 0), (3, 0)):
            # 3.0 only differs from 2.0 in the text encoding of structured dtypes' field names
            shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise ValueError(f"{path!r}: .npy format version {version} is not 1.0, 2.0 or 3.0")
    if fortran_order:
        raise ValueError(f"{path!r} holds an array in Fortran order: save it C-contiguous (np.ascontiguousarray)")
    if dtype.byteorder == ">" or (dtype.byteorder == "=" and not np.little_endian):
        raise ValueError(f"{path!r} holds big-endian data ({dtype.str}): the library reads little-endian files")
    dtypes.from_numpy(dtype)  # TypeError for a dtype the library lacks
    return dtype, tuple(shape)


class NpyFile:
    """A .npy file's absolute path and the dtype and shape its header had when the graph was built
    (what the program's io.npy_row ops expect)."""

    def __init__(self, path: PathLike):
        self.path = os.path.normpath(os.path.abspath(os.fspath(path)))
        self.dtype, self.shape = read_npy_header(self.path)

    def __repr__(self) -> str:
        return f"NpyFile({self.path!r}, {self.dtype}, {self.shape})"


class NpyArrays(Dataset):
    """Items are the rows of arrays stored as .npy files (``np.save``, ``np.lib.format.open_memmap``):
    ``images`` (N x H x W or N x H x W x C), optional ``labels`` (N integers: a .npy path or an
    array) and any ``extra`` arrays (N x ..., paths or arrays).

    Unlike :class:`ArrayDataset`, the arrays of files are not put into the program: the program
    holds their paths and, per sample, the op ``io.npy_row`` reads row ``dataset.item(i)`` from the
    file, which the library memory-maps once per process (every worker and pipeline shares the
    mapping). So the files may be far larger than memory, and every field has the file's dtype and
    a known shape (read from each file's header here, when the graph is built), so batches stack.
    Rows of 64 KiB or more (except bool) are views of the mapping, whose pages leave the process's
    resident set when the sample is done with them; smaller rows are read. See docs/datasets.md.

    Fields of :meth:`load`: ``image`` (H x W [x C], the file's dtype), ``label`` (i64 scalar, with
    labels), one field per ``extra`` array, ``item``. Paths are stored absolute;
    ``pixelpipes.save`` stores those inside the program's folder relative to it, like file lists.
    Replace a file (write another and rename it) rather than rewriting it in place while a
    pipeline reads it: a mapped file that shrinks under a reader can kill the process (SIGBUS).
    """

    fields = {"image": "image", "label": "other", "item": "other"}

    def __init__(self, images: PathLike, labels: Union[None, PathLike, Sequence[int], np.ndarray] = None,
                 classes: Optional[Sequence[str]] = None, **extra: Union[PathLike, np.ndarray]):
        super().__init__()
        self.images = NpyFile(images)
        self.dtype, self.shape = self.images.dtype, self.images.shape
        if len(self.shape) not in (3, 4) or self.shape[0] == 0:
            raise ValueError(f"{self.images.path!r} must hold N x H x W or N x H x W x C images with N > 0, "
                             f"not shape {self.shape}")
        n = self.shape[0]
        self.labels = None if labels is None else self._source("labels", labels, n, labels=True)
        self.classes = list(classes) if classes is not None else None
        self.extra = {name: self._source(name, a, n) for name, a in extra.items()}

    def __len__(self) -> int:
        return self.shape[0]

    @staticmethod
    def _source(name: str, a, n: int, labels: bool = False):
        """An NpyFile or an array, checked to have n rows (and integers for labels)."""
        if isinstance(a, (str, os.PathLike)):
            f = NpyFile(a)
            if not f.shape or f.shape[0] != n:
                raise ValueError(f"{name} file {f.path!r} has shape {f.shape}: it needs {n} rows, one per image")
            if labels and (f.shape != (n,) or not np.issubdtype(f.dtype, np.integer)):
                raise ValueError(f"labels file {f.path!r} must hold {n} integers, not {f.dtype} of shape {f.shape}")
            return f
        if labels:
            return check_labels(a, n)
        a = np.ascontiguousarray(a)
        if len(a) != n:
            raise ValueError(f"array {name!r} has {len(a)} rows, images have {n}")
        return a

    def _row(self, name: str, source, item: NodeLike) -> Node:
        """Row ``item`` of a file (io.npy_row) or of an array constant (a view, as ArrayDataset)."""
        from ..ops import io
        if isinstance(source, NpyFile):
            path = self.constant(f"{name}.path", lambda: source.path)
            return io.NpyRow(path, item, dtype=dtypes.from_numpy(source.dtype), shape=list(source.shape[1:]))
        return element(self.constant(name, lambda: source), item, source.shape[1:])

    def load(self, item: NodeLike) -> Resource:
        fields = {"image": self._row("images", self.images, item)}
        if self.labels is not None:
            label = self._row("labels", self.labels, item)
            if isinstance(self.labels, NpyFile) and self.labels.dtype != np.int64:
                from ..ops import tensor
                label = tensor.Cast(label, dtype="i64")
            fields["label"] = label
        for name, a in self.extra.items():
            fields[name] = self._row(f"extra.{name}", a, item)
        fields["item"] = item
        return Resource(fields)
