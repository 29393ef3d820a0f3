"""VOCDetection: Pascal VOC's layout (Annotations/*.xml, JPEGImages/, ImageSets/Main/<split>.txt)."""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from typing import Optional, Sequence

import numpy as np

from ..node import NodeLike
from ..resource import Resource
from .base import DetectionDataset

#: Pascal VOC's 20 classes, in the usual order (labels 0..19)
VOC_CLASSES = ("aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow", "diningtable",
               "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor")


class VOCDetection(DetectionDataset):
    """Images with boxes from Pascal VOC XML files.

    ``root`` holds ``Annotations/<id>.xml``, the images (``JPEGImages/``, the file named by the
    XML's ``filename``, else ``<id>.jpg``) and ``ImageSets/Main/<split>.txt`` (one id per line);
    ``split=None`` takes every XML file in ``Annotations``, sorted. ``classes``: the class names,
    labels 0..K-1 in their order (default :data:`VOC_CLASSES`); an object of another class is an
    error. Objects marked ``difficult`` are left out unless ``difficult=True``, which keeps them and
    adds the field ``difficult`` (u8 [N], 1 for difficult objects).

    VOC's ``xmin`` .. ``xmax`` are 1-based pixel indices, both included: the box in the resource's
    continuous coordinates is ``xmin - 1, ymin - 1, xmax, ymax``. Fields of :meth:`load`:
    ``image`` (u8 H x W x 3), ``boxes`` (f32 N x 4: x1, y1, x2, y2 in pixels), ``labels``
    (i64 [N]), ``item``. A malformed file is a ``ValueError`` that names the file and the object.
    """

    fields = {"image": "image", "boxes": "boxes", "labels": "other", "item": "other"}

    def __init__(self, root: str, split: Optional[str] = "train", classes: Optional[Sequence[str]] = None,
                 difficult: bool = False, mode: str = "rgb", skip_empty: bool = False):
        super().__init__()
        root = os.path.abspath(os.fspath(root))
        self.classes = list(classes) if classes is not None else list(VOC_CLASSES)
        label_of = {name: k for k, name in enumerate(self.classes)}
        folder = os.path.join(root, "Annotations")
        if split is None:
            if not os.path.isdir(folder):
                raise FileNotFoundError(f"{folder}: no Annotations folder")
            ids = sorted(f[:-4] for f in os.listdir(folder) if f.endswith(".xml"))
        else:
            listing = os.path.join(root, "ImageSets", "Main", f"{split}.txt")
            with open(listing) as f:
                ids = [line.split()[0] for line in f if line.strip()]
        self.difficult = bool(difficult)
        self.files, self.boxes, self.labels, self.flags, self.ids = [], [], [], [], []
        for image_id in ids:
            path = os.path.join(folder, f"{image_id}.xml")
            try:
                tree = ET.parse(path).getroot()
            except ET.ParseError as e:
                raise ValueError(f"{path}: not valid XML ({e})") from None
            boxes, labels, flags = [], [], []
            for k, obj in enumerate(tree.iter("object")):
                where = f"{path}: object {k}"
                name = (obj.findtext("name") or "").strip()
                if name not in label_of:
                    raise ValueError(f"{where} has the class {name!r}, which is not one of classes")
                hard = (obj.findtext("difficult") or "0").strip() == "1"
                if hard and not difficult:
                    continue
                box = obj.find("bndbox")
                try:
                    x1, y1, x2, y2 = (float(box.findtext(t)) for t in ("xmin", "ymin", "xmax", "ymax"))
                except (AttributeError, TypeError, ValueError):
                    raise ValueError(f"{where} ({name}) needs a bndbox with numbers xmin, ymin, xmax, ymax") from None
                boxes.append([x1 - 1, y1 - 1, x2, y2])
                labels.append(label_of[name])
                flags.append(int(hard))
            if skip_empty and not boxes:
                continue
            filename = (tree.findtext("filename") or f"{image_id}.jpg").strip()
            self.files.append(os.path.join(root, "JPEGImages", filename))
            self.boxes.append(np.array(boxes, np.float32).reshape(-1, 4))
            self.labels.append(np.array(labels, np.int64))
            self.flags.append(np.array(flags, np.uint8))
            self.ids.append(image_id)
        if not self.files:
            raise ValueError(f"{root}: no images in split {split!r}")
        self.mode = mode

    def load(self, item: NodeLike) -> Resource:
        image, boxes, labels = self.detection_tables(item)
        fields = {"image": image, "boxes": boxes, "labels": labels}
        if self.difficult:
            fields["difficult"] = self.constant("difficult", lambda: list(self.flags))[item]
        fields["item"] = item
        return Resource(fields)
