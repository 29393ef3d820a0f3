"""SegmentationPairs: images with label-map PNGs (palette indices kept)."""
from __future__ import annotations

import os
from typing import Optional, Sequence

from ..node import NodeLike
from ..ops import image, io
from ..resource import Resource
from .base import IMAGE_EXTENSIONS, Dataset, absolute_paths, list_images, read_image, warn_undecoded


class SegmentationPairs(Dataset):
    """Images and their label maps, paired by file name without extension (``a.jpg`` with
    ``a.png``), from two folders, or given as two lists of paths.

    Label maps are PNGs decoded with ``image.decode_png(mode="indices")``: palette PNGs give
    their palette indices (class ids) as written, not colors, and plain gray PNGs of 8 bits or
    fewer (Cityscapes' and ADE20K's layout) their values as written. ``mask_mode="gray"`` (luma of
    any PNG) or ``"unchanged"`` read other label maps.

    Fields of :meth:`load`: ``image`` (u8 H x W x 3), ``mask`` (u8 H x W x 1 class indices),
    ``item``. ``classes`` names the indices when given.
    """

    fields = {"image": "image", "mask": "mask", "item": "other"}

    def __init__(self, images, masks, mode: str = "rgb", mask_mode: str = "indices",
                 classes: Optional[Sequence[str]] = None, extensions: Sequence[str] = IMAGE_EXTENSIONS):
        super().__init__()
        if isinstance(images, (str, os.PathLike)) and isinstance(masks, (str, os.PathLike)):
            image_files = list_images(os.fspath(images), extensions)
            warn_undecoded([os.fspath(images)], extensions, f"SegmentationPairs({os.fspath(images)!r})")
            mask_files = {os.path.splitext(os.path.basename(m))[0]: m for m in list_images(os.fspath(masks), (".png",))}
            pairs = []
            for f in image_files:
                stem = os.path.splitext(os.path.basename(f))[0]
                if stem in mask_files:
                    pairs.append((f, mask_files[stem]))
            if not pairs:
                raise FileNotFoundError(f"no image in {images!r} has a label map of the same name in {masks!r}")
            self.files = absolute_paths([p[0] for p in pairs])
            self.masks = absolute_paths([p[1] for p in pairs])
        else:
            self.files, self.masks = absolute_paths(list(images)), absolute_paths(list(masks))
            if len(self.files) != len(self.masks) or not self.files:
                raise ValueError(f"{len(self.files)} images and {len(self.masks)} label maps: they must pair up")
        self.mode, self.mask_mode = mode, mask_mode
        self.classes = list(classes) if classes is not None else None

    def __len__(self) -> int:
        return len(self.files)

    def load(self, item: NodeLike) -> Resource:
        files = self.constant("files", lambda: list(self.files))
        masks = self.constant("masks", lambda: list(self.masks))
        if self.mask_mode == "indices":
            mask = image.DecodePng(io.ReadFile(masks[item]), mode="indices")
        else:
            mask = image.Decode(io.ReadFile(masks[item]), mode="gray" if self.mask_mode == "gray" else "unchanged")
        return Resource(image=read_image(files[item], self.mode), mask=mask, item=item)
