"""ImageFolder: one class per sub-folder (torchvision's layout)."""
from __future__ import annotations

import os
from typing import Optional, Sequence

from ..node import NodeLike
from ..resource import Resource
from .base import IMAGE_EXTENSIONS, Dataset, list_images, read_image, warn_undecoded


class ImageFolder(Dataset):
    """Images in ``root/<class>/*.png|jpg|webp|bmp|tif|pgm|ppm...`` (every extension of
    ``IMAGE_EXTENSIONS``): the classes are the sub-folders in sorted order, labels their positions
    (``classes[label]`` is the name).

    Fields of :meth:`load`: ``image`` (u8 H x W x 3, or 1 channel with ``mode="gray"``),
    ``label`` (i64 scalar), ``item``; with ``names=True`` also ``name`` (the class name, a
    string). ``files`` and ``labels`` are the index (absolute paths, sorted by class then name).
    Files in formats PixelPipes does not decode yet (.gif, .jp2, .avif, ...) are not listed, and a
    UserWarning says how many there are of each format.
    """

    fields = {"image": "image", "label": "other", "item": "other", "name": "other"}

    def __init__(self, root: str, extensions: Sequence[str] = IMAGE_EXTENSIONS, mode: str = "rgb",
                 names: bool = False, classes: Optional[Sequence[str]] = None):
        super().__init__()
        root = os.path.abspath(os.fspath(root))
        if not os.path.isdir(root):
            raise FileNotFoundError(f"image folder {root!r} does not exist")
        found = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
        self.classes = list(classes) if classes is not None else found
        missing = [c for c in self.classes if c not in found]
        if missing:
            raise FileNotFoundError(f"{root!r} has no sub-folder for the classes {missing}")
        self.root = root
        self.mode = mode
        self.names = bool(names)
        self.files, self.labels = [], []
        for k, c in enumerate(self.classes):
            images = list_images(os.path.join(root, c), extensions)
            self.files += images
            self.labels += [k] * len(images)
        folders = [os.path.join(root, c) for c in self.classes]
        warn_undecoded(folders, extensions, f"ImageFolder({root!r})")
        if not self.files:
            raise FileNotFoundError(f"no images ({', '.join(extensions)}) in the class folders of {root!r}")

    def __len__(self) -> int:
        return len(self.files)

    def load(self, item: NodeLike) -> Resource:
        files = self.constant("files", lambda: list(self.files))
        labels = self.constant("labels", lambda: [int(v) for v in self.labels])
        fields = dict(image=read_image(files[item], self.mode), label=labels[item], item=item)
        if self.names:
            fields["name"] = self.constant("classes", lambda: list(self.classes))[fields["label"]]
        return Resource(fields)
