"""YOLODetection: the YOLO txt layout (images/ and labels/ side by side, one normalized box a line)."""
from __future__ import annotations

import ast
import os
import re
from typing import Dict, List, Optional, Sequence, Union

import numpy as np

from ..node import NodeLike
from ..resource import Resource
from .base import IMAGE_EXTENSIONS, DetectionDataset


def read_names(path: str) -> List[str]:
    """The class names of a YOLO ``data.yaml``'s ``names:`` entry, in one of its usual forms (no
    YAML library): a flow list (``names: [a, 'b']``), a block list (``- a`` lines) or a block map
    of ids (``0: a`` lines, ids 0..K-1)."""
    with open(path) as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^names\s*:\s*(.*?)\s*$", line)
        if not m:
            continue
        rest = m.group(1)
        if rest.startswith("["):
            items = _flow_list(rest, path)
            return [_scalar(v) for v in items]
        if rest and not rest.startswith("#"):
            raise ValueError(f"{path}: line {i + 1}: names must be a list or a map of ids, not {rest!r}")
        seq, ids = [], {}
        for j in range(i + 1, len(lines)):
            text = lines[j].split(" #")[0].rstrip()
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            if not text[0].isspace() and not text.startswith("-"):
                break
            entry = text.strip()
            if entry.startswith("-"):
                seq.append(_scalar(entry[1:].strip()))
                continue
            m2 = re.match(r"^(\d+)\s*:\s*(.+)$", entry)
            if not m2:
                raise ValueError(f"{path}: line {j + 1}: expected '- name' or 'id: name' under names, not {entry!r}")
            ids[int(m2.group(1))] = _scalar(m2.group(2))
        if seq and ids:
            raise ValueError(f"{path}: names mixes a list and a map")
        if ids:
            if sorted(ids) != list(range(len(ids))):
                raise ValueError(f"{path}: the ids of names must be 0..{len(ids) - 1}, not {sorted(ids)}")
            return [ids[k] for k in range(len(ids))]
        if seq:
            return seq
        raise ValueError(f"{path}: line {i + 1}: names is empty")
    raise ValueError(f"{path}: no 'names:' entry")


def _flow_list(text: str, path: str) -> List[str]:
    text = text.split(" #")[0].strip()
    if not text.endswith("]"):
        raise ValueError(f"{path}: the names list must be on one line, [a, b, ...]")
    items, current, quote = [], "", None
    for c in text[1:-1]:
        if quote:
            current += c
            quote = None if c == quote else quote
        elif c in "'\"":
            current += c
            quote = c
        elif c == ",":
            items.append(current.strip())
            current = ""
        else:
            current += c
    if current.strip():
        items.append(current.strip())
    return items


def _scalar(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return str(ast.literal_eval(text)) if text[0] == '"' else text[1:-1].replace("''", "'")
    return text


class YOLODetection(DetectionDataset):
    """Images with boxes in the YOLO txt layout.

    ``root/images[/<split>]/<name>.<ext>`` are the images (PNG or JPEG, found recursively, sorted);
    ``root/labels[/<split>]/<name>.txt`` their boxes, one a line: ``class cx cy w h`` with the
    center and size divided by the image's width and height. An image without a label file has no
    boxes. Class names come from ``names`` (a list, or a dict of ids 0..K-1) or from the
    ``names:`` entry of a ``data.yaml`` (``data=``, default ``root/data.yaml`` when it exists;
    read without a YAML library: flow lists, ``- name`` lists and ``id: name`` maps). A line that
    is not five numbers or names an unknown class is a ``ValueError`` naming file and line.

    Fields of :meth:`load`: ``image`` (u8 H x W x 3), ``boxes`` (f32 N x 4: x1, y1, x2, y2 in
    pixels, scaled by the decoded image's size at sample time), ``labels`` (i64 [N]), ``item``.
    """

    fields = {"image": "image", "boxes": "boxes", "labels": "other", "item": "other"}

    def __init__(self, root: str, split: Optional[str] = None,
                 names: Optional[Union[Sequence[str], Dict[int, str]]] = None, data: Optional[str] = None,
                 mode: str = "rgb", skip_empty: bool = False):
        super().__init__()
        root = os.path.abspath(os.fspath(root))
        if names is None:
            data = data if data is not None else os.path.join(root, "data.yaml")
            if not os.path.isfile(data):
                raise ValueError(f"{root}: give the class names (names=[...]) or a data.yaml with names:")
            names = read_names(data)
        if isinstance(names, dict):
            if sorted(names) != list(range(len(names))):
                raise ValueError(f"names: the ids must be 0..{len(names) - 1}, not {sorted(names)}")
            names = [names[k] for k in range(len(names))]
        self.classes = [str(n) for n in names]
        images = os.path.join(root, "images", *(split and [split] or []))
        labels_root = os.path.join(root, "labels", *(split and [split] or []))
        if not os.path.isdir(images):
            raise FileNotFoundError(f"{images}: no images folder")
        found = []
        for folder, dirs, files in os.walk(images):
            dirs.sort()
            found += [os.path.join(folder, f) for f in sorted(files) if f.lower().endswith(IMAGE_EXTENSIONS)]
        self.files, self.boxes, self.labels = [], [], []
        for path in found:
            stem = os.path.splitext(os.path.relpath(path, images))[0]
            rows = self._read_labels(os.path.join(labels_root, stem + ".txt"))
            if skip_empty and not len(rows):
                continue
            self.files.append(path)
            self.boxes.append(rows[:, 1:].astype(np.float32))
            self.labels.append(rows[:, 0].astype(np.int64))
        if not self.files:
            raise ValueError(f"{images}: no images")
        self.mode = mode

    def _read_labels(self, path: str) -> np.ndarray:
        if not os.path.isfile(path):
            return np.zeros((0, 5), np.float64)
        rows = []
        with open(path) as f:
            for n, line in enumerate(f, 1):
                parts = line.split()
                if not parts:
                    continue
                try:
                    values = [float(v) for v in parts]
                except ValueError:
                    values = []
                if len(values) != 5 or not all(np.isfinite(values)):
                    raise ValueError(f"{path}: line {n}: expected 'class cx cy w h' (five numbers), not {line.strip()!r}")
                cls = values[0]
                if cls != int(cls) or not 0 <= cls < len(self.classes):
                    raise ValueError(f"{path}: line {n}: class {parts[0]} is not one of the {len(self.classes)} "
                                     "names")
                if values[3] < 0 or values[4] < 0:
                    raise ValueError(f"{path}: line {n}: a box has a negative size")
                rows.append(values)
        return np.array(rows, np.float64).reshape(-1, 5)

    def load(self, item: NodeLike) -> Resource:
        from ..ops import image as image_ops
        from ..ops import tensor
        img, b, labels = self.detection_tables(item)
        width = tensor.Cast(image_ops.Width(img), dtype="f32")
        height = tensor.Cast(image_ops.Height(img), dtype="f32")
        scale = tensor.Stack(width, height, width, height)
        center, half = tensor.Slice(b, 0, 2, axis=1), tensor.Slice(b, 2, 4, axis=1) * 0.5
        pixels = tensor.Concat(center - half, center + half, axis=1) * scale
        return Resource(image=img, boxes=pixels, labels=labels, item=item)
