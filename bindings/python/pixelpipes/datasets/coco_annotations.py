"""COCO's per-instance annotations read from the JSON (no pixels decoded here): segmentations as
polygon vertices and compressed RLE strings for ``mask.from_coco`` to fill at sample time, and
keypoints with their names and left/right flip pairs."""
from __future__ import annotations

import numbers
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np


class CocoFormatError(ValueError):
    """A malformed entry of a COCO file; the message names the file and the entry."""


def compress_rle(counts: Sequence[int]) -> str:
    """COCO's compressed text of run lengths (the inverse of ``mask.decode_rle``'s parser): from
    the fourth count on the difference to the count two places before, each value in 5-bit
    groups, least significant first, as characters 48 + group with 0x20 on all but the last and
    the sign in 0x10 of the last."""
    out = []
    for i, count in enumerate(counts):
        value = int(count) - (int(counts[i - 2]) if i > 2 else 0)
        while True:
            group = value & 0x1F
            value >>= 5   # arithmetic shift: -1 once a negative value is spent
            done = (value == 0 and not group & 0x10) or (value == -1 and group & 0x10)
            out.append(chr(48 + (group if done else group | 0x20)))
            if done:
                break
    return "".join(out)


def flip_pairs_from_names(names: Sequence[str]) -> Tuple[Tuple[int, int], ...]:
    """The (i, j) pairs of keypoint names that differ only in left/right (``left_eye`` and
    ``right_eye``, ``hand_left`` and ``hand_right``), in the order of the left ones."""
    index = {n: i for i, n in enumerate(names)}
    pairs = []
    for i, name in enumerate(names):
        for left, right in (("left_", "right_"), ("_left", "_right")):
            other = None
            if left.endswith("_") and name.startswith(left):
                other = right + name[len(left):]
            elif left.startswith("_") and name.endswith(left):
                other = name[:-len(left)] + right
            if other is not None and other in index:
                pairs.append((i, index[other]))
                break
    return tuple(pairs)


class Segmentations:
    """The segmentations of one image's instances: polygon vertices (``points`` P x 2 f32),
    ``parts`` (Q x 2 i64: instance, vertex count per polygon) and one compressed RLE string per
    instance (empty for polygon instances), the inputs of ``mask.from_coco``."""

    def __init__(self):
        self.points: List[np.ndarray] = []
        self.parts: List[Tuple[int, int]] = []
        self.rles: List[str] = []

    def add(self, segmentation, width: Optional[int], height: Optional[int], where: str) -> None:
        instance = len(self.rles)
        if isinstance(segmentation, list):
            for k, polygon in enumerate(segmentation):
                if not isinstance(polygon, list) or len(polygon) % 2 or \
                        not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in polygon):
                    raise CocoFormatError(f"{where}: polygon {k} of 'segmentation' must be a flat list of x, y numbers")
                xy = np.asarray(polygon, np.float64).reshape(-1, 2)
                if not np.isfinite(xy).all():
                    raise CocoFormatError(f"{where}: polygon {k} of 'segmentation' has a non-finite coordinate")
                self.points.append(xy.astype(np.float32))
                self.parts.append((instance, len(xy)))
            self.rles.append("")
            return
        if not isinstance(segmentation, dict) or "counts" not in segmentation or "size" not in segmentation:
            raise CocoFormatError(f"{where}: 'segmentation' must be a list of polygons or an RLE "
                                  "{'size': [height, width], 'counts': ...}")
        size = segmentation["size"]
        if not (isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) for v in size)):
            raise CocoFormatError(f"{where}: the RLE 'size' must be [height, width], not {size!r}")
        if width is not None and height is not None and list(size) != [height, width]:
            raise CocoFormatError(f"{where}: the RLE size {size} is not the image's [height, width] = "
                                  f"{[height, width]}")
        counts = segmentation["counts"]
        if isinstance(counts, str):
            if any(not 48 <= ord(c) <= 111 for c in counts):
                raise CocoFormatError(f"{where}: the RLE 'counts' string has characters outside '0'..'o'")
            self.rles.append(counts)
            return
        if not isinstance(counts, list) or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                                                   for v in counts):
            raise CocoFormatError(f"{where}: the RLE 'counts' must be a string or a list of non-negative integers")
        if sum(counts) != size[0] * size[1]:
            raise CocoFormatError(f"{where}: the RLE counts add up to {sum(counts)} pixels, not height x width = "
                                  f"{size[0] * size[1]}")
        self.rles.append(compress_rle(counts))

    def arrays(self) -> Tuple[np.ndarray, np.ndarray, List[str]]:
        points = np.concatenate(self.points) if self.points else np.zeros((0, 2), np.float32)
        return points, np.array(self.parts, np.int64).reshape(-1, 2), list(self.rles)


def keypoint_names(categories: Sequence[Dict], path: str) -> Tuple[str, ...]:
    """The keypoint names shared by every category that has ``keypoints`` (COCO's person)."""
    named = [c for c in categories if c.get("keypoints")]
    if not named:
        raise CocoFormatError(f"{path}: keypoints=True, but no category lists 'keypoints' names")
    names = tuple(str(n) for n in named[0]["keypoints"])
    for c in named[1:]:
        if tuple(str(n) for n in c["keypoints"]) != names:
            raise CocoFormatError(f"{path}: categories {named[0]['id']} and {c['id']} name different keypoints; "
                                  "one CocoDetection reads one keypoint layout")
    return names


def instance_keypoints(annotation: Dict, k: int, where: str) -> np.ndarray:
    """K x 3 f32 [x, y, v] of an annotation (zeros where it has none). COCO's x, y are pixel
    indices: the pixel centers (+ 0.5) are the continuous coordinates of a resource."""
    values = annotation.get("keypoints")
    if values is None:
        return np.zeros((k, 3), np.float32)
    if not isinstance(values, list) or len(values) != 3 * k or \
            not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
        raise CocoFormatError(f"{where}: 'keypoints' must be {3 * k} numbers (x, y, v for each of the {k} "
                              "keypoints of its category)")
    a = np.asarray(values, np.float32).reshape(k, 3)
    if not np.isfinite(a).all() or not np.isin(a[:, 2], (0, 1, 2)).all():
        raise CocoFormatError(f"{where}: 'keypoints' need finite coordinates and visibility 0, 1 or 2")
    a[a[:, 2] > 0, :2] += 0.5
    return a
