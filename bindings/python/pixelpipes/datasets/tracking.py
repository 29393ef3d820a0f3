"""TrackingSequences: folders of frames with one box per frame (VOT-style groundtruth.txt)."""
from __future__ import annotations

import math
import os
from typing import List, Optional, Sequence

import numpy as np

from ..node import NodeLike
from ..ops import math as pmath
from ..ops import random
from ..resource import Field, Resource
from .base import IMAGE_EXTENSIONS, Dataset, element, list_images, read_image


def parse_groundtruth(path: str) -> np.ndarray:
    """Boxes x1, y1, x2, y2 (f32 F x 4) of a VOT-style groundtruth file: one line per frame,
    ``x,y,w,h`` (a rectangle) or ``x1,y1,...,x4,y4`` (a polygon: its bounds); commas, tabs or
    spaces separate the numbers. A frame without the object (NaN, or zero size) is all NaN."""
    rows = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            text = line.strip()
            if not text:
                continue
            try:
                v = [float(x) for x in text.replace(",", " ").replace("\t", " ").split()]
            except ValueError:
                raise ValueError(f"{path}:{number}: not a list of numbers: {text!r}") from None
            if len(v) == 4:
                x, y, w, h = v
                box = [x, y, x + w, y + h] if w > 0 and h > 0 else [math.nan] * 4
            elif len(v) >= 6 and len(v) % 2 == 0:
                xs, ys = v[0::2], v[1::2]
                box = [min(xs), min(ys), max(xs), max(ys)]
            elif len(v) == 1 and math.isnan(v[0]):
                box = [math.nan] * 4
            else:
                raise ValueError(f"{path}:{number}: expected x,y,w,h or a polygon, got {len(v)} numbers")
            rows.append(box)
    return np.array(rows, np.float32).reshape(-1, 4)


class TrackingSequences(Dataset):
    """Tracking sequences: each sub-folder of ``root`` (or each folder in ``sequences``) holds
    the frames (image files in name order, in the folder or in its ``color/`` sub-folder) and
    ``groundtruth.txt`` with one box per frame.

    An item is a frame where the object is visible (the *template* frame); its *search* frame is
    another visible frame of the same sequence at most ``max_gap`` frames away (uniform, clamped
    to the sequence). With ``crop=True`` (default) both are cut as tracking patches
    (``augment.RandomPatch``): the template a ``template_size`` square of ``context`` times the
    box size around the box, the search region a ``search_size`` square of ``search_context``
    times the box size, its center moved by up to ``center_jitter`` box sizes and its side scaled
    by ``exp(uniform(-scale_jitter, scale_jitter))``, so the object has the same scale in both
    (when ``template_size / context == search_size / search_context``) up to the jitter.

    Fields of :meth:`load`: ``template`` and ``search`` (images), ``template_box`` and
    ``search_box`` (boxes, f32 1 x 4, in patch coordinates when cropped), ``sequence`` (i64),
    ``frames`` (i64 [2]: the template and search frame numbers within the sequence, from 0),
    ``item``. With ``crop=False`` the full frames and boxes come out.
    """

    fields = {"template": "image", "template_box": "boxes", "search": "image", "search_box": "boxes",
              "sequence": "other", "frames": "other", "item": "other"}

    def __init__(self, root: Optional[str] = None, sequences: Optional[Sequence[str]] = None, *,
                 template_size: int = 64, search_size: int = 128, context: float = 2.0,
                 search_context: float = 4.0, center_jitter: float = 0.5, scale_jitter: float = 0.25,
                 max_gap: int = 10, crop: bool = True, mode: str = "rgb", border: str = "replicate",
                 extensions: Sequence[str] = IMAGE_EXTENSIONS):
        super().__init__()
        if sequences is None:
            if root is None:
                raise ValueError("give the root folder of the sequences or a list of sequence folders")
            root = os.path.abspath(os.fspath(root))
            sequences = sorted(os.path.join(root, d) for d in os.listdir(root)
                               if os.path.isfile(os.path.join(root, d, "groundtruth.txt")))
            if not sequences:
                raise FileNotFoundError(f"no sub-folder of {root!r} has a groundtruth.txt")
        self.sequences: List[str] = [os.path.abspath(os.fspath(s)) for s in sequences]
        files, boxes, first, last, seq, frame = [], [], [], [], [], []
        for k, folder in enumerate(self.sequences):
            frames_dir = os.path.join(folder, "color") if os.path.isdir(os.path.join(folder, "color")) else folder
            images = list_images(frames_dir, extensions)
            gt = parse_groundtruth(os.path.join(folder, "groundtruth.txt"))
            if len(gt) != len(images):
                raise ValueError(f"{folder}: {len(images)} frames but {len(gt)} boxes in groundtruth.txt")
            visible = [i for i in range(len(gt)) if np.all(np.isfinite(gt[i]))]
            start = len(files)
            for i in visible:
                files.append(images[i])
                boxes.append(gt[i])
                seq.append(k)
                frame.append(i)
            first += [start] * len(visible)
            last += [len(files) - 1] * len(visible)
        if not files:
            raise ValueError("the sequences have no frame with a visible object")
        self.files = files
        self.boxes = np.array(boxes, np.float32).reshape(-1, 4)
        self._first = np.array(first, np.int64)
        self._last = np.array(last, np.int64)
        self.sequence_of = np.array(seq, np.int64)
        self.frame_of = np.array(frame, np.int64)
        self.options = dict(template_size=int(template_size), search_size=int(search_size), context=float(context),
                            search_context=float(search_context), center_jitter=float(center_jitter),
                            scale_jitter=float(scale_jitter), border=border)
        self.max_gap = int(max_gap)
        self.crop = bool(crop)
        self.mode = mode

    def __len__(self) -> int:
        return len(self.files)

    def pair(self, item: NodeLike):
        """(template, search): Resources ``image`` + ``boxes`` of the two full frames, and the
        search item (an i64 node)."""
        files = self.constant("files", lambda: list(self.files))
        boxes = self.constant("boxes", lambda: self.boxes)
        first = element(self.constant("first", lambda: self._first), item, [])
        last = element(self.constant("last", lambda: self._last), item, [])
        other = item
        if self.max_gap > 0:
            other = pmath.Maximum(pmath.Minimum(item + random.Integer(-self.max_gap, self.max_gap + 1), last), first)
        template = Resource(image=read_image(files[item], self.mode), boxes=element(boxes, item, [1, 4]))
        search = Resource(image=read_image(files[other], self.mode), boxes=element(boxes, other, [1, 4]))
        return template, search, other

    def load(self, item: NodeLike) -> Resource:
        from .. import augment
        from ..ops import tensor
        template, search, other = self.pair(item)
        o = self.options
        if self.crop:
            template = augment.RandomPatch(template, o["template_size"], context=o["context"], border=o["border"])
            search = augment.RandomPatch(search, o["search_size"], context=o["search_context"],
                                         center_jitter=o["center_jitter"], scale_jitter=o["scale_jitter"],
                                         border=o["border"])
        frame_of = self.constant("frame_of", lambda: self.frame_of)
        frames = tensor.Stack(element(frame_of, item, []), element(frame_of, other, []))
        return Resource(template=template.image, template_box=Field(template.boxes, "boxes"),
                        search=search.image, search_box=Field(search.boxes, "boxes"),
                        sequence=element(self.constant("sequence_of", lambda: self.sequence_of), item, []),
                        frames=frames, item=item)
