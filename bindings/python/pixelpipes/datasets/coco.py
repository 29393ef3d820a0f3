"""CocoDetection: COCO-style JSON (images, annotations, categories): boxes and labels, and on
request instance masks (polygons and RLE, filled at sample time), keypoints with their flip
pairs, and crowd regions."""
from __future__ import annotations

import json
import os
from typing import Optional, Sequence

import numpy as np

from ..node import NodeLike
from ..resource import Boxes, Field, Keypoints, Masks, Resource
from .base import DetectionDataset
from .coco_annotations import (CocoFormatError, Segmentations, flip_pairs_from_names, instance_keypoints,
                               keypoint_names)


class CocoDetection(DetectionDataset):
    """Images with boxes and categories from a COCO-style JSON file, and, with ``masks=True`` or
    ``keypoints=True``, COCO in full.

    ``annotations``: the JSON file (``images`` with ``id`` and ``file_name``; ``annotations`` with
    ``image_id``, ``bbox`` [x, y, width, height] and ``category_id``; ``categories`` with ``id``
    and ``name``). Image files are found under ``image_root`` (default: the JSON file's folder).
    Category ids become labels 0..K-1 in the order of their ids; ``classes[label]`` is the name.
    Crowd annotations (``iscrowd``) are left out unless ``crowd=True``; images without boxes are
    kept unless ``skip_empty=True``.

    Fields of :meth:`load`: ``image`` (u8 H x W x 3), ``boxes`` (f32 N x 4: x1, y1, x2, y2 in
    pixels; N varies per image, 0 x 4 for none), ``labels`` (i64 [N]), ``item``. The per-image
    boxes and labels are list constants, so an item costs one ``list.element`` each.

    With ``masks=True`` or ``keypoints=True`` the boxes are declared (:class:`Boxes` with
    ``clip=True``: clipped to the image, empty ones dropped) and every per-instance field is
    attached to them, so an instance that a crop or a filter drops loses its label, mask and
    keypoints too:

    - ``masks=True``: ``masks``, the instance masks (u8 0/1, N x H x W at output), filled at
      sample time by ``mask.from_coco`` from the annotation's ``segmentation``: polygons, or an
      RLE with compressed (string) or uncompressed (list) ``counts``. Needs the images' ``width``
      and ``height``. With ``crowd=False`` the crowd annotations' regions are the field
      ``ignore`` (u8 H x W x 1 mask, 1 inside a crowd region: what to leave out of a loss).
    - ``keypoints=True``: ``keypoints``, N x K x 3 (x, y, visibility; :class:`Keypoints` with
      ``instances=True``, format ``xy``), K the keypoint names of the categories (``keypoints``
      of COCO's person category; ``self.keypoint_names``). COCO's x, y are pixel indices: 0.5 is
      added to labelled ones (pixel centers, the resource's continuous coordinates). The
      visibility values are kept (0 not labelled, 1 labelled but hidden, 2 visible) until a
      transform moves the point off the canvas (then 0). ``flip_pairs`` (pairs of names or
      indices) says which keypoints a mirroring transform swaps; by default the names that
      differ only in ``left``/``right`` (``self.flip_pairs``).
    - ``crowd=True`` also adds ``iscrowd`` (u8 [N]).

    A malformed entry is a ``ValueError`` that names the file and the annotation.
    """

    fields = {"image": "image", "boxes": "boxes", "labels": "other", "item": "other"}

    def __init__(self, annotations: str, image_root: Optional[str] = None, mode: str = "rgb",
                 crowd: bool = False, skip_empty: bool = False, masks: bool = False, keypoints: bool = False,
                 flip_pairs: Optional[Sequence] = None):
        super().__init__()
        annotations = os.path.abspath(os.fspath(annotations))
        with open(annotations) as f:
            try:
                data = json.load(f)
            except json.JSONDecodeError as e:
                raise CocoFormatError(f"{annotations}: not JSON ({e})") from None
        if not isinstance(data, dict) or not isinstance(data.get("images"), list):
            raise CocoFormatError(f"{annotations}: a COCO file is a JSON object with an 'images' list")
        root = os.path.abspath(image_root) if image_root is not None else os.path.dirname(annotations)
        categories = sorted(data.get("categories", []), key=lambda c: c["id"])
        self.category_ids = [int(c["id"]) for c in categories]
        self.classes = [str(c.get("name", c["id"])) for c in categories]
        self.full = bool(masks or keypoints)
        self.with_masks, self.with_keypoints, self.crowd = bool(masks), bool(keypoints), bool(crowd)
        self.keypoint_names = keypoint_names(categories, annotations) if keypoints else ()
        self.flip_pairs = Keypoints(None, labels=self.keypoint_names, flip_pairs=flip_pairs).flip_pairs \
            if keypoints and flip_pairs is not None else flip_pairs_from_names(self.keypoint_names)
        label_of = {cid: k for k, cid in enumerate(self.category_ids)}
        images = {}
        for k, im in enumerate(data["images"]):
            if not isinstance(im, dict) or "id" not in im or "file_name" not in im:
                raise CocoFormatError(f"{annotations}: image entry {k} needs an 'id' and a 'file_name'")
            images[int(im["id"])] = im
        per_image = {i: {"boxes": [], "labels": [], "crowd": [], "kp": [], "seg": Segmentations(),
                         "ignore": Segmentations()} for i in images}
        kcount = len(self.keypoint_names)
        for k, a in enumerate(data.get("annotations", [])):
            where = f"{annotations}: annotation {a.get('id', f'#{k}') if isinstance(a, dict) else f'#{k}'}"
            if not isinstance(a, dict) or not {"image_id", "category_id", "bbox"} <= set(a):
                raise CocoFormatError(f"{where} needs 'image_id', 'category_id' and 'bbox'")
            is_crowd = bool(a.get("iscrowd", 0))
            image_id = int(a["image_id"])
            if image_id not in per_image:
                raise ValueError(f"{annotations}: annotation {a.get('id')} names image {image_id}, which is not listed")
            entry = per_image[image_id]
            im = images[image_id]
            if is_crowd and not crowd:
                if masks and "segmentation" in a:
                    entry["ignore"].add(a["segmentation"], im.get("width"), im.get("height"), where)
                continue
            if int(a["category_id"]) not in label_of:
                raise ValueError(f"{annotations}: annotation {a.get('id')} has the unknown category {a['category_id']}")
            bbox = a["bbox"]
            if not (isinstance(bbox, list) and len(bbox) == 4):
                raise CocoFormatError(f"{where}: 'bbox' must be [x, y, width, height], not {bbox!r}")
            x, y, w, h = (float(v) for v in bbox)
            entry["boxes"].append([x, y, x + w, y + h])
            entry["labels"].append(label_of[int(a["category_id"])])
            entry["crowd"].append(int(is_crowd))
            if masks:
                if "segmentation" not in a:
                    raise CocoFormatError(f"{where} has no 'segmentation' (masks=True)")
                if "width" not in im or "height" not in im:
                    raise CocoFormatError(f"{annotations}: image {image_id} needs 'width' and 'height' (masks=True)")
                entry["seg"].add(a["segmentation"], int(im["width"]), int(im["height"]), where)
            if keypoints:
                entry["kp"].append(instance_keypoints(a, kcount, where))
        self.files, self.boxes, self.labels, self.image_ids = [], [], [], []
        self.iscrowd, self.keypoints, self.segmentations, self.ignore = [], [], [], []
        for im in data["images"]:
            entry = per_image[int(im["id"])]
            if skip_empty and not entry["boxes"]:
                continue
            self.files.append(os.path.normpath(os.path.join(root, im["file_name"])))
            self.boxes.append(np.array(entry["boxes"], np.float32).reshape(-1, 4))
            self.labels.append(np.array(entry["labels"], np.int64))
            self.image_ids.append(int(im["id"]))
            if self.full:
                self.iscrowd.append(np.array(entry["crowd"], np.uint8))
                self.keypoints.append(np.array(entry["kp"], np.float32).reshape(len(entry["kp"]), kcount, 3))
                self.segmentations.append(entry["seg"].arrays())
                self.ignore.append(entry["ignore"].arrays())
        if not self.files:
            raise ValueError(f"{annotations}: no images")
        self.mode = mode
        self.source = os.path.basename(annotations)

    def load(self, item: NodeLike) -> Resource:
        image, boxes, labels = self.detection_tables(item)
        if not self.full:
            return Resource(image=image, boxes=boxes, labels=labels, item=item)
        fields = {"image": image, "labels": labels}
        attached = ["labels"]
        if self.with_masks:
            fields["masks"] = Masks(self._masks(item, image, "segmentations", self.segmentations, merge=False))
            attached.append("masks")
            if not self.crowd:
                fields["ignore"] = Field(self._masks(item, image, "ignore", self.ignore, merge=True), "mask")
        if self.with_keypoints:
            table = self.constant("keypoints", lambda: list(self.keypoints))
            fields["keypoints"] = Keypoints(table[item], format="xy", labels=self.keypoint_names,
                                            flip_pairs=self.flip_pairs, instances=True)
            attached.append("keypoints")
        if self.crowd:
            fields["iscrowd"] = self.constant("iscrowd", lambda: list(self.iscrowd))[item]
            attached.append("iscrowd")
        fields["item"] = item
        return Resource(image=image, boxes=Boxes(boxes, clip=True, fields=tuple(attached)),
                        **{k: v for k, v in fields.items() if k != "image"})

    def _masks(self, item, image, name: str, table, merge: bool):
        """u8 planes of the item's segmentations (mask.from_coco), N x H x W (or H x W x 1 merged)."""
        from ..ops import mask, tensor
        from ..ops import image as image_ops
        points = self.constant(f"{name}_points", lambda: [t[0] for t in table])
        parts = self.constant(f"{name}_parts", lambda: [t[1] for t in table])
        rles = self.constant(f"{name}_rles", lambda: [t[2] for t in table])
        planes = mask.FromCoco(points[item], parts[item], rles[item], image_ops.Width(image), image_ops.Height(image),
                               merge=merge, label=f"{self.source} {name}")
        return planes if merge else tensor.Transpose(planes, axes=[2, 0, 1])

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
