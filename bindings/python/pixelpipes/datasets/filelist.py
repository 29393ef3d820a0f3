"""FileList: image paths with integer labels."""
from __future__ import annotations

import os
from typing import Optional, Sequence

from ..node import NodeLike
from ..resource import Resource
from .base import Dataset, absolute_paths, check_labels, read_image


class FileList(Dataset):
    """Images named by a list of paths, with integer labels (or none).

    Relative paths are taken from ``root`` (default: the working folder) and stored absolute.
    Fields of :meth:`load`: ``image`` (u8 H x W x 3; ``mode`` as image.decode), ``label``
    (i64 scalar; only with labels), ``item``.
    """

    fields = {"image": "image", "label": "other", "item": "other"}

    def __init__(self, files: Sequence[str], labels: Optional[Sequence[int]] = None, root: Optional[str] = None,
                 mode: str = "rgb", classes: Optional[Sequence[str]] = None):
        super().__init__()
        self.files = absolute_paths(files, root)
        if not self.files:
            raise ValueError("a FileList needs at least one file")
        self.labels = None if labels is None else [int(v) for v in check_labels(labels, len(self.files))]
        self.classes = list(classes) if classes is not None else None
        self.mode = mode

    @classmethod
    def from_text(cls, path: str, root: Optional[str] = None, **options) -> "FileList":
        """A list file: one ``path [label]`` per line (``#`` starts a comment); relative paths are
        taken from ``root``, by default the list file's folder."""
        path = os.fspath(path)
        files, labels = [], []
        with open(path) as f:
            for number, line in enumerate(f, 1):
                line = line.split("#", 1)[0].strip()
                if not line:
                    continue
                parts = line.rsplit(None, 1)
                if len(parts) == 2 and _is_int(parts[1]):
                    files.append(parts[0])
                    labels.append(int(parts[1]))
                else:
                    files.append(line)
        if labels and len(labels) != len(files):
            raise ValueError(f"{path}: some lines have a label and some do not")
        root = root if root is not None else os.path.dirname(os.path.abspath(path))
        return cls(files, labels or None, root=root, **options)

    def __len__(self) -> int:
        return len(self.files)

    def load(self, item: NodeLike) -> Resource:
        files = self.constant("files", lambda: list(self.files))
        fields = dict(image=read_image(files[item], self.mode))
        if self.labels is not None:
            fields["label"] = self.constant("labels", lambda: list(self.labels))[item]
        fields["item"] = item
        return Resource(fields)


def _is_int(text: str) -> bool:
    try:
        int(text)
        return True
    except ValueError:
        return False
