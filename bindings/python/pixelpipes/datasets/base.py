"""The common base of dataset sources: a stream position -> a dataset item -> a Resource of nodes."""
from __future__ import annotations

import os
import weakref
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from ..epochs import dataset_item
from ..graph import current_graph
from ..node import Constant, Node, NodeLike
from ..ops import image, io
from ..resource import Resource

#: file name endings that the image sources pick up
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".pbm", ".pgm", ".ppm", ".pnm")
#: image formats that other loaders read and PixelPipes does not decode yet: a source that meets
#: them says so instead of leaving them out silently
UNDECODED_IMAGE_EXTENSIONS = (".gif", ".jp2", ".jxl", ".avif", ".heic")


class Dataset:
    """A dataset source: ``len(ds)`` items; :meth:`load` builds the nodes of one item.

    Everything a source knows (file lists, labels, boxes, arrays) is put into the program as
    constants, once per graph, and shared read-only by every sample; per sample only the item's
    element is picked (``list.element``, a tensor slice: no copy). So a saved program carries its
    dataset index, and its file lists can be made relative to the program file (``pixelpipes.save``).

    - :meth:`item` is ``pixelpipes.dataset_item(len(ds))``: position -> item, a new order each
      epoch (``shuffle=True``), at any position in O(1).
    - :meth:`load` ``(item)`` is the :class:`pixelpipes.resource.Resource` of that item (fields
      depend on the source; ``item`` is always one of them).
    - :meth:`sample` is ``load(item(...))``.

    A second :meth:`item` with another ``label`` (or another ``position``) shows another item on
    the same sample, which is what mixup and cutmix need.
    """

    #: field name -> kind, for the documentation of each source
    fields: Dict[str, str] = {}

    def __init__(self):
        self._constants: "weakref.WeakKeyDictionary[Any, Dict[str, Node]]" = weakref.WeakKeyDictionary()

    def __len__(self) -> int:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__module__.split('.')[-1]}.{type(self).__name__} of {len(self)} items>"

    # -- building ------------------------------------------------------------------------------
    def item(self, position: Optional[NodeLike] = None, shuffle: bool = True, label: Optional[str] = None) -> Node:
        """The item (an i64 scalar in ``[0, len(ds))``) at a stream position (default: the sample
        index); see :func:`pixelpipes.dataset_item`."""
        if len(self) == 0:
            raise ValueError(f"{self!r} is empty")
        return dataset_item(len(self), shuffle=shuffle, position=position, label=label)

    def load(self, item: NodeLike) -> Resource:
        """The Resource of the item ``item`` (a node or an int)."""
        raise NotImplementedError

    def sample(self, position: Optional[NodeLike] = None, *, shuffle: bool = True,
               label: Optional[str] = None) -> Resource:
        """``load(item(position, shuffle, label))``: the Resource shown at a stream position."""
        return self.load(self.item(position, shuffle=shuffle, label=label))

    def constant(self, name: str, make) -> Node:
        """The constant node ``name`` of the current graph, made once by ``make()`` (a value)."""
        graph = current_graph().root
        table = self._constants.setdefault(graph, {})
        node = table.get(name)
        if node is None:
            value = make()
            node = table[name] = Constant(value, identity=location_free_identity(value))
        return node


class DetectionDataset(Dataset):
    """The base of the detection sources: per item an image file (``files``), its boxes
    (``boxes``, N x 4) and their labels (``labels``, [N]), held as list constants."""

    files: List[str]

    def __len__(self) -> int:
        return len(self.files)

    def detection_tables(self, item: NodeLike):
        """``(image, boxes, labels)`` nodes of ``item``: the decoded image (``self.mode``) and the
        item's elements of the boxes and labels constants (made once per graph)."""
        files = self.constant("files", lambda: list(self.files))
        boxes = self.constant("boxes", lambda: list(self.boxes))
        labels = self.constant("labels", lambda: list(self.labels))
        return read_image(files[item], self.mode), boxes[item], labels[item]


def location_free_identity(value) -> Optional[tuple]:
    """For an absolute path or a list of them, what the random streams know it by: the paths
    relative to their common folder (a file's name, for one path), so a copy of the data under
    another root gives the same streams. None (the value itself) for anything else."""
    if isinstance(value, str) and os.path.isabs(value):
        return ("path relative to its folder", os.path.basename(value))
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and os.path.isabs(v) for v in value):
        return None
    folder = os.path.commonpath([os.path.dirname(v) for v in value])
    return ("paths relative to their folder", tuple(os.path.relpath(v, folder) for v in value))


def absolute_paths(paths: Sequence[str], root: Optional[str] = None) -> List[str]:
    """Absolute, normalized paths (relative ones are taken from ``root``, else the working folder)."""
    base = os.path.abspath(root) if root is not None else os.getcwd()
    return [os.path.normpath(os.path.join(base, os.fspath(p))) for p in paths]


def list_images(folder: str, extensions: Sequence[str] = IMAGE_EXTENSIONS) -> List[str]:
    """The image files of a folder (not recursive), sorted by name."""
    ext = tuple(e.lower() for e in extensions)
    return sorted(os.path.join(folder, f) for f in os.listdir(folder)
                  if f.lower().endswith(ext) and os.path.isfile(os.path.join(folder, f)))


def warn_undecoded(folders: Sequence[str], extensions: Sequence[str], source: str) -> None:
    """Warns once, with counts and an example, about image files of ``folders`` in formats that
    are not decoded (so not listed): they would otherwise be left out without a word."""
    wanted = tuple(e.lower() for e in extensions)
    counts: Dict[str, int] = {}
    example = None
    for folder in folders:
        for name in sorted(os.listdir(folder)):
            low = name.lower()
            if low.endswith(UNDECODED_IMAGE_EXTENSIONS) and not low.endswith(wanted):
                ext = os.path.splitext(low)[1]
                counts[ext] = counts.get(ext, 0) + 1
                example = example or os.path.join(folder, name)
    if counts:
        import warnings
        from ..source import user_location
        listed = ", ".join(f"{n} {ext}" for ext, n in sorted(counts.items()))
        warnings.warn(f"{user_location()}: {source} leaves out {sum(counts.values())} image files in formats "
                      f"PixelPipes does not decode yet ({listed}; e.g. {example}); convert them to PNG, JPEG or WebP "
                      f"to use them", UserWarning, stacklevel=3)


def read_image(path: Node, mode: str = "rgb") -> Node:
    """``image.decode(io.read_file(path))`` with the decoder's mode (rgb, gray, unchanged)."""
    return image.Decode(io.ReadFile(path), mode=mode)


def element(table: Node, item: NodeLike, shape: Sequence[int]) -> Node:
    """Row ``item`` of a tensor constant (a view: tensor.slice + tensor.reshape), of shape ``shape``."""
    from ..ops import tensor
    return tensor.Reshape(tensor.Slice(table, item, item + 1 if isinstance(item, Node) else int(item) + 1),
                          shape=list(shape))


def check_labels(labels, n: int, what: str = "labels") -> np.ndarray:
    a = np.asarray(labels)
    if a.shape != (n,):
        raise ValueError(f"{what} must have one entry per item ({n}), not shape {a.shape}")
    if not np.issubdtype(a.dtype, np.integer):
        raise ValueError(f"{what} must be integers, not {a.dtype}")
    return a.astype(np.int64)
