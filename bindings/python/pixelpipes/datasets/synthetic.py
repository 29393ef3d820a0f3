"""The built-in synthetic dataset: shapes (rectangles, ellipses, triangles) on textured
backgrounds, with exact boxes, masks and labels, drawn deterministically with NumPy.

It is the embedded default of the examples, the demo and the CLI: nothing is downloaded. On
first use the files are written once (PNG, with :mod:`pixelpipes.datasets.png`) into a cache
folder, laid out like the real datasets the sources read::

    <root>/classification/<class>/<class>_0000.png      an image folder (ImageFolder)
    <root>/classification.txt                           the same as a file list (FileList)
    <root>/scenes/images/scene_0000.png                 1-4 shapes per image
    <root>/scenes/masks/scene_0000.png                  palette PNG label map (0 background, 1+class)
    <root>/scenes/annotations.json                      COCO-style boxes and categories
    <root>/tracking/seq_00/00000001.png ...             one moving shape per sequence
    <root>/tracking/seq_00/groundtruth.txt              VOT-style x,y,w,h per frame

The MNIST-style arrays (:meth:`Synthetic.arrays`) are drawn in memory. The cache folder is
``$PIXELPIPES_CACHE`` if set, else ``$XDG_CACHE_HOME/pixelpipes`` (``~/.cache/pixelpipes``);
each (version, seed, sizes) gets its own sub-folder, written to a temporary name and renamed, so
concurrent processes never see a half-written dataset.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from typing import Dict, List, Optional, Tuple

import numpy as np

from .png import write_png

CLASSES: Tuple[str, ...] = ("rectangle", "ellipse", "triangle")
#: palette of the label maps: index 0 background, index 1 + k class k
PALETTE = np.array([[0, 0, 0], [230, 25, 75], [60, 180, 75], [0, 130, 200]], dtype=np.uint8)
VERSION = 1


def cache_dir() -> str:
    """The folder that holds generated data (see the module docs)."""
    env = os.environ.get("PIXELPIPES_CACHE")
    if env:
        return os.path.abspath(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.abspath(os.path.join(base, "pixelpipes"))


# -- drawing -------------------------------------------------------------------------------------

def texture(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A u8 H x W x 3 background: stripes, a checkerboard or soft waves, two colors, light noise."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32) + 0.5
    kind = int(rng.integers(3))
    if kind == 0:
        angle = rng.uniform(0, np.pi)
        period = rng.uniform(6, 20)
        t = 0.5 + 0.5 * np.sin(2 * np.pi * (x * np.cos(angle) + y * np.sin(angle)) / period)
    elif kind == 1:
        p = int(rng.integers(6, 16))
        t = (((x // p) + (y // p)) % 2) * 0.8 + 0.1
    else:
        fx, fy = rng.uniform(0.02, 0.12, size=2)
        px, py = rng.uniform(0, 2 * np.pi, size=2)
        t = 0.5 + 0.25 * np.sin(2 * np.pi * fx * x + px) + 0.25 * np.sin(2 * np.pi * fy * y + py)
    c1, c2 = rng.uniform(30, 140, size=(2, 3)).astype(np.float32)
    img = c1 * (1 - t[..., None]) + c2 * t[..., None] + rng.normal(0, 6, size=(h, w, 3)).astype(np.float32)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def shape_mask(kind: int, x1: int, y1: int, sw: int, sh: int, h: int, w: int, apex: float = 0.5) -> np.ndarray:
    """Boolean H x W mask of shape ``kind`` (an index into CLASSES) inside the box (x1, y1, sw, sh):
    a pixel is set when its center lies inside the shape."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64) + 0.5
    if kind == 0:
        return (x >= x1) & (x < x1 + sw) & (y >= y1) & (y < y1 + sh)
    if kind == 1:
        cx, cy = x1 + sw / 2, y1 + sh / 2
        return ((x - cx) / (sw / 2)) ** 2 + ((y - cy) / (sh / 2)) ** 2 <= 1.0
    # an upright triangle: base along the bottom of the box, apex on its top edge
    ax, ay = x1 + apex * sw, float(y1)
    bx, by = float(x1), float(y1 + sh)
    cx, cy = float(x1 + sw), float(y1 + sh)

    def edge(px, py, qx, qy):
        return (qx - px) * (y - py) - (qy - py) * (x - px)
    e1, e2, e3 = edge(ax, ay, bx, by), edge(bx, by, cx, cy), edge(cx, cy, ax, ay)
    return ((e1 >= 0) & (e2 >= 0) & (e3 >= 0)) | ((e1 <= 0) & (e2 <= 0) & (e3 <= 0))


def mask_box(mask: np.ndarray) -> np.ndarray:
    """x1, y1, x2, y2 (continuous coordinates) of a mask's set pixels, as mask.bounding_box."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return np.zeros(4, np.float32)
    return np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], np.float32)


def shape_color(rng: np.random.Generator) -> np.ndarray:
    """A bright, saturated color (backgrounds are darker, so shapes stand out)."""
    c = rng.uniform(0, 90, size=3)
    c[int(rng.integers(3))] = rng.uniform(200, 255)
    c[int(rng.integers(3))] += 120
    return np.clip(c, 0, 255)


def draw_shape(img: np.ndarray, mask: np.ndarray, color: np.ndarray, rng: np.random.Generator) -> None:
    shade = rng.normal(0, 5, size=(int(mask.sum()), 3))
    img[mask] = np.clip(np.rint(color + shade), 0, 255).astype(np.uint8)


def scene(rng: np.random.Generator, h: int, w: int, max_shapes: int = 4, min_side: int = 14,
          max_side: Optional[int] = None) -> Dict[str, np.ndarray]:
    """One image with 1..max_shapes non-overlapping shapes: ``image`` (u8 H x W x 3), ``boxes``
    (f32 N x 4, x1 y1 x2 y2 of each shape's pixels), ``labels`` (i64 N), ``mask`` (u8 H x W label
    map: 0 background, 1 + class)."""
    max_side = max_side or max(min_side + 1, min(h, w) // 2)
    img = texture(rng, h, w)
    label_map = np.zeros((h, w), np.uint8)
    boxes, labels = [], []
    n = int(rng.integers(1, max_shapes + 1))
    placed: List[Tuple[int, int, int, int]] = []
    for _ in range(n):
        for _attempt in range(50):
            sw, sh = (int(v) for v in rng.integers(min_side, max_side + 1, size=2))
            x1 = int(rng.integers(0, w - sw + 1))
            y1 = int(rng.integers(0, h - sh + 1))
            if all(x1 + sw + 4 <= a or a + c + 4 <= x1 or y1 + sh + 4 <= b or b + d + 4 <= y1
                   for a, b, c, d in placed):
                break
        else:
            continue
        kind = int(rng.integers(len(CLASSES)))
        m = shape_mask(kind, x1, y1, sw, sh, h, w, apex=float(rng.uniform(0.2, 0.8)))
        if not m.any():
            continue
        placed.append((x1, y1, sw, sh))
        draw_shape(img, m, shape_color(rng), rng)
        label_map[m] = kind + 1
        boxes.append(mask_box(m))
        labels.append(kind)
    return {"image": img, "boxes": np.array(boxes, np.float32).reshape(-1, 4),
            "labels": np.array(labels, np.int64), "mask": label_map}


def object_image(rng: np.random.Generator, kind: int, size: int) -> np.ndarray:
    """A classification image: one shape of class ``kind`` on a textured background."""
    img = texture(rng, size, size)
    sw, sh = (int(v) for v in rng.integers(int(size * 0.35), int(size * 0.8) + 1, size=2))
    x1 = int(rng.integers(0, size - sw + 1))
    y1 = int(rng.integers(0, size - sh + 1))
    m = shape_mask(kind, x1, y1, sw, sh, size, size, apex=float(rng.uniform(0.2, 0.8)))
    draw_shape(img, m, shape_color(rng), rng)
    return img


def sequence(rng: np.random.Generator, frames: int, h: int, w: int):
    """A tracking sequence: one shape moving smoothly over a fixed background. Returns the list of
    frames (u8 H x W x 3) and their boxes (f32 F x 4, x1 y1 x2 y2)."""
    background = texture(rng, h, w)
    kind = int(rng.integers(len(CLASSES)))
    color = shape_color(rng)
    apex = float(rng.uniform(0.2, 0.8))
    base = rng.uniform(0.18, 0.3) * min(h, w)
    phase = rng.uniform(0, 2 * np.pi, size=4)
    speed = rng.uniform(0.08, 0.2, size=4)
    out, boxes = [], []
    for k in range(frames):
        sw = int(round(base * (1 + 0.25 * np.sin(speed[2] * k + phase[2]))))
        sh = int(round(base * (1 + 0.25 * np.sin(speed[3] * k + phase[3]))))
        cx = w / 2 + (w / 2 - sw / 2 - 2) * 0.8 * np.sin(speed[0] * k + phase[0])
        cy = h / 2 + (h / 2 - sh / 2 - 2) * 0.8 * np.sin(speed[1] * k + phase[1])
        x1, y1 = int(round(cx - sw / 2)), int(round(cy - sh / 2))
        img = background.copy()
        noise = rng.normal(0, 3, size=img.shape)
        img = np.clip(img + noise, 0, 255).astype(np.uint8)
        m = shape_mask(kind, x1, y1, sw, sh, h, w, apex=apex)
        draw_shape(img, m, color, rng)
        out.append(img)
        boxes.append(mask_box(m))
    return out, np.array(boxes, np.float32)


def digit_arrays(rng: np.random.Generator, n: int, size: int = 28) -> Tuple[np.ndarray, np.ndarray]:
    """MNIST-style arrays: ``n`` u8 images size x size x 1 (a white shape on black, light noise)
    and their labels (i64, the shape's class)."""
    images = np.zeros((n, size, size, 1), np.uint8)
    labels = rng.integers(0, len(CLASSES), size=n).astype(np.int64)
    for i in range(n):
        sw, sh = (int(v) for v in rng.integers(size // 3, size - 6, size=2))
        x1 = int(rng.integers(3, size - sw - 2))
        y1 = int(rng.integers(3, size - sh - 2))
        m = shape_mask(int(labels[i]), x1, y1, sw, sh, size, size, apex=float(rng.uniform(0.3, 0.7)))
        img = rng.normal(0, 8, size=(size, size)) + m * rng.uniform(180, 255)
        images[i, :, :, 0] = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    return images, labels


# -- people (pose) -------------------------------------------------------------------------------

#: COCO's 17 person keypoints, in COCO's order
PERSON_KEYPOINTS: Tuple[str, ...] = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
    "right_knee", "left_ankle", "right_ankle")
#: the limbs drawn between keypoints (COCO's skeleton without the face-to-shoulder edges)
PERSON_SKELETON: Tuple[Tuple[int, int], ...] = (
    (0, 1), (0, 2), (1, 3), (2, 4), (5, 6), (5, 7), (7, 9), (6, 8), (8, 10), (5, 11), (6, 12), (11, 12),
    (11, 13), (13, 15), (12, 14), (14, 16))
#: colors by body side, so a test can tell a person's left from right in the pixels
SIDE_COLORS = {"left": np.array([230, 40, 40], np.uint8), "right": np.array([40, 90, 230], np.uint8),
               "center": np.array([40, 200, 70], np.uint8)}


def keypoint_side(k: int) -> str:
    name = PERSON_KEYPOINTS[k]
    return "left" if name.startswith("left") else "right" if name.startswith("right") else "center"


def person_keypoints(rng: np.random.Generator, size: int) -> np.ndarray:
    """17 x 2 f32 keypoints of a person facing the viewer (their left on the image's right), at a
    random place, height and pose inside a size x size image."""
    height = rng.uniform(0.55, 0.8) * size
    u = height / 7.0                                  # about one head height
    cx = rng.uniform(0.3, 0.7) * size
    top = rng.uniform(0.08, 0.95 - height / size) * size
    p = np.zeros((17, 2), np.float64)
    p[0] = (cx, top + 0.5 * u)
    p[1], p[2] = (cx + 0.25 * u, top + 0.35 * u), (cx - 0.25 * u, top + 0.35 * u)
    p[3], p[4] = (cx + 0.5 * u, top + 0.5 * u), (cx - 0.5 * u, top + 0.5 * u)
    sy, hy = top + 1.5 * u, top + 3.8 * u
    p[5], p[6] = (cx + 0.9 * u, sy), (cx - 0.9 * u, sy)
    p[11], p[12] = (cx + 0.6 * u, hy), (cx - 0.6 * u, hy)
    for side, (s, e, w) in ((1, (5, 7, 9)), (-1, (6, 8, 10))):          # arms: random angles
        a1, a2 = rng.uniform(0.2, 1.4), rng.uniform(-0.6, 1.0)
        p[e] = p[s] + 1.3 * u * np.array([side * np.sin(a1), np.cos(a1)])
        p[w] = p[e] + 1.2 * u * np.array([side * np.sin(a1 + a2), np.cos(a1 + a2)])
    for side, (h, k, a) in ((1, (11, 13, 15)), (-1, (12, 14, 16))):     # legs
        b1, b2 = rng.uniform(0.0, 0.35), rng.uniform(-0.3, 0.1)
        p[k] = p[h] + 1.6 * u * np.array([side * np.sin(b1), np.cos(b1)])
        p[a] = p[k] + 1.5 * u * np.array([side * np.sin(b1 + b2), np.cos(b1 + b2)])
    return p.astype(np.float32)


def draw_person(img: np.ndarray, points: np.ndarray, thickness: float) -> None:
    """Draws the skeleton's limbs and a dot on each keypoint in the keypoint's side color (a limb
    takes the side of its first non-center end)."""
    h, w = img.shape[:2]
    y, x = np.mgrid[0:h, 0:w].astype(np.float32) + 0.5
    for a, b in PERSON_SKELETON:
        side = keypoint_side(a) if keypoint_side(a) != "center" else keypoint_side(b)
        pa, pb = points[a], points[b]
        d = pb - pa
        t = np.clip(((x - pa[0]) * d[0] + (y - pa[1]) * d[1]) / max(float(d @ d), 1e-6), 0, 1)
        near = (x - pa[0] - t * d[0]) ** 2 + (y - pa[1] - t * d[1]) ** 2 <= thickness ** 2
        img[near] = SIDE_COLORS[side]
    for k, (px, py) in enumerate(points):
        img[(x - px) ** 2 + (y - py) ** 2 <= (1.6 * thickness) ** 2] = SIDE_COLORS[keypoint_side(k)]


def person_arrays(rng: np.random.Generator, n: int, size: int = 128) -> Tuple[np.ndarray, np.ndarray]:
    """``n`` u8 size x size x 3 images of one stick-figure person each on a textured background,
    and their keypoints (n x 17 x 3 f32: x, y, visibility 2 as in COCO), in COCO's order."""
    images = np.zeros((n, size, size, 3), np.uint8)
    keypoints = np.zeros((n, 17, 3), np.float32)
    for i in range(n):
        img = texture(rng, size, size) // 2            # darker, so the limbs stand out
        pts = person_keypoints(rng, size)
        draw_person(img, pts, thickness=max(1.5, size / 64))
        images[i], keypoints[i, :, :2], keypoints[i, :, 2] = img, pts, 2.0
    return images, keypoints


# -- the dataset ---------------------------------------------------------------------------------

class Synthetic:
    """The built-in synthetic dataset (see the module docs).

    ``Synthetic()`` is cheap; the files are written on first use of :attr:`root` (about a second,
    once per cache folder). Each method returns a dataset source over the files::

        syn = pixelpipes.datasets.Synthetic()
        ds = syn.classification()       # ImageFolder: 3 classes, 64 x 64 RGB
        det = syn.detection()           # CocoDetection: 128 x 128, boxes + labels
        seg = syn.segmentation()        # SegmentationPairs: image + palette label map
        trk = syn.tracking()            # TrackingSequences: template / search patch pairs
        mn = syn.arrays()               # ArrayDataset: 28 x 28 x 1 u8 in memory
    """

    CLASSES = CLASSES
    PALETTE = PALETTE

    def __init__(self, root: Optional[str] = None, seed: int = 0, *, images_per_class: int = 40,
                 class_size: int = 64, scenes: int = 64, scene_size: int = 128, sequences: int = 3,
                 frames: int = 30, sequence_size: int = 128, arrays: int = 600):
        self.seed = int(seed)
        self.params = dict(images_per_class=int(images_per_class), class_size=int(class_size),
                           scenes=int(scenes), scene_size=int(scene_size), sequences=int(sequences),
                           frames=int(frames), sequence_size=int(sequence_size))
        self.n_arrays = int(arrays)
        if min(self.params.values()) < 1 or self.n_arrays < 1:
            raise ValueError(f"every count and size of the synthetic dataset must be >= 1: {self.params}")
        if root is None:
            tag = "-".join(str(v) for v in self.params.values())
            root = os.path.join(cache_dir(), f"synthetic-v{VERSION}-s{self.seed}-{tag}")
        self._root = os.path.abspath(os.fspath(root))
        self._arrays = None

    def __repr__(self) -> str:
        return f"<pixelpipes.datasets.Synthetic seed={self.seed} root={self._root!r}>"

    # -- files ---------------------------------------------------------------------------------
    @property
    def root(self) -> str:
        """The dataset's folder, written first if it is not there yet."""
        if not os.path.isfile(os.path.join(self._root, "synthetic.json")):
            self.generate()
        return self._root

    def generate(self) -> str:
        """Writes the files (into a temporary folder, then renamed into place)."""
        parent = os.path.dirname(self._root)
        os.makedirs(parent, exist_ok=True)
        tmp = os.path.join(parent, f".tmp-{os.path.basename(self._root)}-{uuid.uuid4().hex[:8]}")
        try:
            self._write(tmp)
            try:
                os.rename(tmp, self._root)
            except OSError:
                # someone else finished first (or a stale incomplete folder is in the way)
                if not os.path.isfile(os.path.join(self._root, "synthetic.json")):
                    shutil.rmtree(self._root, ignore_errors=True)
                    os.rename(tmp, self._root)
        finally:
            if os.path.isdir(tmp):
                shutil.rmtree(tmp, ignore_errors=True)
        return self._root

    def _rng(self, part: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, VERSION, part])

    def _write(self, root: str) -> None:
        p = self.params
        # classification: one folder per class
        rng = self._rng(1)
        listing = []
        for k, name in enumerate(CLASSES):
            folder = os.path.join(root, "classification", name)
            os.makedirs(folder)
            for i in range(p["images_per_class"]):
                rel = f"classification/{name}/{name}_{i:04d}.png"
                write_png(os.path.join(root, rel), object_image(rng, k, p["class_size"]), level=1)
                listing.append(f"{rel} {k}")
        with open(os.path.join(root, "classification.txt"), "w") as f:
            f.write("\n".join(listing) + "\n")
        # scenes: detection and segmentation
        rng = self._rng(2)
        os.makedirs(os.path.join(root, "scenes", "images"))
        os.makedirs(os.path.join(root, "scenes", "masks"))
        images, annotations = [], []
        for i in range(p["scenes"]):
            s = scene(rng, p["scene_size"], p["scene_size"])
            name = f"scene_{i:04d}.png"
            write_png(os.path.join(root, "scenes", "images", name), s["image"], level=1)
            write_png(os.path.join(root, "scenes", "masks", name), s["mask"], palette=PALETTE, level=1)
            images.append({"id": i + 1, "file_name": name, "width": p["scene_size"], "height": p["scene_size"]})
            for b, lab in zip(s["boxes"], s["labels"]):
                x1, y1, x2, y2 = (float(v) for v in b)
                annotations.append({"id": len(annotations) + 1, "image_id": i + 1, "category_id": int(lab) + 1,
                                    "bbox": [x1, y1, x2 - x1, y2 - y1], "area": (x2 - x1) * (y2 - y1),
                                    "iscrowd": 0})
        coco = {"images": images, "annotations": annotations,
                "categories": [{"id": k + 1, "name": n} for k, n in enumerate(CLASSES)]}
        with open(os.path.join(root, "scenes", "annotations.json"), "w") as f:
            json.dump(coco, f)
        # tracking sequences
        rng = self._rng(3)
        for s in range(p["sequences"]):
            folder = os.path.join(root, "tracking", f"seq_{s:02d}")
            os.makedirs(folder)
            frames, boxes = sequence(rng, p["frames"], p["sequence_size"], p["sequence_size"])
            for k, img in enumerate(frames):
                write_png(os.path.join(folder, f"{k + 1:08d}.png"), img, level=1)
            with open(os.path.join(folder, "groundtruth.txt"), "w") as f:
                for x1, y1, x2, y2 in boxes:
                    f.write(f"{x1:g},{y1:g},{x2 - x1:g},{y2 - y1:g}\n")
        with open(os.path.join(root, "synthetic.json"), "w") as f:
            json.dump({"version": VERSION, "seed": self.seed, "classes": list(CLASSES), **p}, f)

    # -- sources -------------------------------------------------------------------------------
    def classification(self, **options):
        """An :class:`ImageFolder` over the classification images (3 classes, 64 x 64 RGB)."""
        from .folder import ImageFolder
        options.setdefault("classes", CLASSES)
        return ImageFolder(os.path.join(self.root, "classification"), **options)

    def filelist(self, **options):
        """The classification images as a :class:`FileList` (``classification.txt``)."""
        from .filelist import FileList
        return FileList.from_text(os.path.join(self.root, "classification.txt"), classes=CLASSES, **options)

    def detection(self, **options):
        """A :class:`CocoDetection` over the scenes (boxes N x 4 f32 and labels per image)."""
        from .coco import CocoDetection
        return CocoDetection(os.path.join(self.root, "scenes", "annotations.json"),
                             os.path.join(self.root, "scenes", "images"), **options)

    def segmentation(self, **options):
        """A :class:`SegmentationPairs` over the scenes (image + palette label map)."""
        from .segmentation import SegmentationPairs
        return SegmentationPairs(os.path.join(self.root, "scenes", "images"),
                                 os.path.join(self.root, "scenes", "masks"),
                                 classes=("background",) + CLASSES, **options)

    def tracking(self, **options):
        """A :class:`TrackingSequences` over the moving-shape sequences."""
        from .tracking import TrackingSequences
        return TrackingSequences(os.path.join(self.root, "tracking"), **options)

    def arrays(self, **options):
        """An :class:`ArrayDataset` of MNIST-style 28 x 28 x 1 u8 images and labels (in memory)."""
        from .arrays import ArrayDataset
        if self._arrays is None:
            self._arrays = digit_arrays(self._rng(4), self.n_arrays)
        images, labels = self._arrays
        return ArrayDataset(images, labels, classes=CLASSES, **options)

    def people(self, n: int = 64, size: int = 128, **options):
        """An :class:`ArrayDataset` of ``n`` stick-figure people (u8 size x size x 3, in memory)
        with COCO's 17 keypoints as the extra array ``keypoints`` (17 x 3 f32: x, y, visibility),
        left limbs red, right limbs blue (:data:`SIDE_COLORS`), for pose pipelines."""
        from .arrays import ArrayDataset
        images, keypoints = person_arrays(self._rng(5), n, size)
        return ArrayDataset(images, keypoints=keypoints, **options)

    def annotations(self) -> Dict[int, Dict[str, np.ndarray]]:
        """Ground truth of the scenes: ``{scene index: {"boxes": N x 4 f32, "labels": N i64}}``."""
        with open(os.path.join(self.root, "scenes", "annotations.json")) as f:
            coco = json.load(f)
        out = {i: {"boxes": [], "labels": []} for i in range(len(coco["images"]))}
        for a in coco["annotations"]:
            x, y, w, h = a["bbox"]
            out[a["image_id"] - 1]["boxes"].append([x, y, x + w, y + h])
            out[a["image_id"] - 1]["labels"].append(a["category_id"] - 1)
        return {i: {"boxes": np.array(v["boxes"], np.float32).reshape(-1, 4),
                    "labels": np.array(v["labels"], np.int64)} for i, v in out.items()}


def default(**options) -> Synthetic:
    """The embedded default dataset (seed 0, default sizes) used when no path is given."""
    return Synthetic(**options)


__all__ = ["Synthetic", "CLASSES", "PALETTE", "PERSON_KEYPOINTS", "PERSON_SKELETON", "SIDE_COLORS", "person_arrays", "cache_dir", "default", "scene", "texture", "shape_mask",
           "digit_arrays"]
