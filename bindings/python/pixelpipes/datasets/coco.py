"""CocoDetection: COCO-style detection JSON (images, annotations with boxes, categories)."""
from __future__ import annotations

import json
import os
from typing import Optional

import numpy as np

from ..node import NodeLike
from ..resource import Resource
from .base import Dataset, read_image


class CocoDetection(Dataset):
    """Images with boxes and categories from a COCO-style JSON file.

    ``annotations``: the JSON file (``images`` with ``id`` and ``file_name``; ``annotations`` with
    ``image_id``, ``bbox`` [x, y, width, height] and ``category_id``; ``categories`` with ``id``
    and ``name``). Image files are found under ``image_root`` (default: the JSON file's folder).
    Category ids become labels 0..K-1 in the order of their ids; ``classes[label]`` is the name.
    Crowd annotations (``iscrowd``) are left out unless ``crowd=True``; images without boxes are
    kept unless ``skip_empty=True``.

    Fields of :meth:`load`: ``image`` (u8 H x W x 3), ``boxes`` (f32 N x 4: x1, y1, x2, y2 in
    pixels; N varies per image, 0 x 4 for none), ``labels`` (i64 [N]), ``item``. The per-image
    boxes and labels are list constants, so an item costs one ``list.element`` each.
    """

    fields = {"image": "image", "boxes": "boxes", "labels": "other", "item": "other"}

    def __init__(self, annotations: str, image_root: Optional[str] = None, mode: str = "rgb",
                 crowd: bool = False, skip_empty: bool = False):
        super().__init__()
        annotations = os.path.abspath(os.fspath(annotations))
        with open(annotations) as f:
            data = json.load(f)
        root = os.path.abspath(image_root) if image_root is not None else os.path.dirname(annotations)
        categories = sorted(data.get("categories", []), key=lambda c: c["id"])
        self.category_ids = [int(c["id"]) for c in categories]
        self.classes = [str(c.get("name", c["id"])) for c in categories]
        label_of = {cid: k for k, cid in enumerate(self.category_ids)}
        per_image = {int(im["id"]): ([], []) for im in data["images"]}
        for a in data.get("annotations", []):
            if a.get("iscrowd", 0) and not crowd:
                continue
            image_id = int(a["image_id"])
            if image_id not in per_image:
                raise ValueError(f"{annotations}: annotation {a.get('id')} names image {image_id}, which is not listed")
            if int(a["category_id"]) not in label_of:
                raise ValueError(f"{annotations}: annotation {a.get('id')} has the unknown category {a['category_id']}")
            x, y, w, h = (float(v) for v in a["bbox"])
            per_image[image_id][0].append([x, y, x + w, y + h])
            per_image[image_id][1].append(label_of[int(a["category_id"])])
        self.files, self.boxes, self.labels, self.image_ids = [], [], [], []
        for im in data["images"]:
            boxes, labels = per_image[int(im["id"])]
            if skip_empty and not boxes:
                continue
            self.files.append(os.path.normpath(os.path.join(root, im["file_name"])))
            self.boxes.append(np.array(boxes, np.float32).reshape(-1, 4))
            self.labels.append(np.array(labels, np.int64))
            self.image_ids.append(int(im["id"]))
        if not self.files:
            raise ValueError(f"{annotations}: no images")
        self.mode = mode

    def __len__(self) -> int:
        return len(self.files)

    def load(self, item: NodeLike) -> Resource:
        files = self.constant("files", lambda: list(self.files))
        boxes = self.constant("boxes", lambda: list(self.boxes))
        labels = self.constant("labels", lambda: list(self.labels))
        return Resource(image=read_image(files[item], self.mode), boxes=boxes[item], labels=labels[item], item=item)

    def select_labels(self, item: NodeLike, indices: NodeLike):
        """The labels of item ``item`` at ``indices`` (i64 [K], e.g. the boxes that
        ``geometry.visible_boxes(..., output="indices")`` keeps): i64 [K].

        The labels are held a second time as a list constant of per-image lists (each ending in
        a sentinel, so that no list is empty) for ``list.gather``."""
        from ..ops import list as plist
        from ..ops import tensor
        lists = self.constant("label_lists", lambda: [[np.int64(v) for v in lab] + [np.int64(-1)]
                                                      for lab in self.labels])
        picked = plist.Gather(lists[item], tensor.Concat(tensor.Cast(indices, dtype="i64"),
                                                         np.array([-1], np.int64)))
        return tensor.Slice(tensor.FromList(picked), 0, -1)
