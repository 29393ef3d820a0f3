"""The raw items of a dataset, for the writers of tar shards and packed records: each item's image
as its encoded file bytes (never decoded and re-encoded, so a converted dataset decodes to the same
pixels) with its format's extension, and its label."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterator, Optional


@dataclass
class RawItem:
    """One item: ``image`` (the encoded bytes), ``extension`` (``"jpg"``, ``"png"``, ... without the
    dot, lower case), ``label`` (an int, or None), ``name`` (where it came from, for messages)."""
    image: bytes
    extension: str
    label: Optional[int]
    name: str


def raw_items(dataset) -> Iterator[RawItem]:
    """The items of ``dataset`` in its order: an ImageFolder or FileList (its files), a TarShards
    or PackedRecords (their stored bytes), or any iterable of RawItem. TypeError for other sources
    (their items are made by the pipeline, not stored: save them as files first)."""
    from .filelist import FileList
    from .folder import ImageFolder
    from .packed_records import PackedRecords
    from .tar_shards import TarShards

    if isinstance(dataset, (ImageFolder, FileList)):
        labels = dataset.labels
        for k, path in enumerate(dataset.files):
            with open(path, "rb") as f:
                data = f.read()
            yield RawItem(data, os.path.splitext(path)[1][1:].lower(), None if labels is None else int(labels[k]), path)
    elif isinstance(dataset, (TarShards, PackedRecords)):
        yield from dataset.raw_items()
    elif hasattr(dataset, "__iter__"):
        for item in dataset:
            if not isinstance(item, RawItem):
                raise TypeError(f"the items to write must be RawItem, not {type(item).__name__}")
            yield item
    else:
        raise TypeError(f"cannot write the items of {type(dataset).__name__}: tar shards and packed records are "
                        f"written from an ImageFolder, a FileList, TarShards, PackedRecords or RawItem objects")


def image_extension(data: bytes) -> str:
    """The usual file extension of encoded image bytes (``bin`` when unknown)."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:2] == b"BM":
        return "bmp"
    if data[:4] in (b"II*\0", b"MM\0*"):
        return "tif"
    if data[:2] in (b"P5", b"P6", b"P2", b"P3"):
        return "pnm"
    return "bin"
