"""Preview images: a grid of samples with their boxes, points and masks drawn (NumPy only; the
PNG is written by :mod:`pixelpipes.datasets.png`).

Which outputs are drawn is guessed from names, types and shapes:

- an *image* is a tensor H x W x C (C = 1, 3 or 4) or C x H x W (a normalized f32 image), at
  least 8 x 8; f32 images are stretched to [0, 255] per image;
- *boxes* (N x 4 or [4]) and *points* (N x 2) go on the image they name: ``<image>_box``,
  ``<image>_boxes``, ``<image>_points``; plain ``boxes``/``box``/``points`` go on ``image`` (or
  the first image);
- a *mask* is an output whose name contains ``mask`` (H x W or H x W x 1, integers): it is
  blended over the image of the same size, colored by its values.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

#: colors of boxes, points and mask values (value v uses COLORS[v % len])
COLORS = np.array([[230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200], [245, 130, 48],
                   [145, 30, 180], [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 212]], np.uint8)


def _as_image(a) -> Optional[np.ndarray]:
    """u8 H x W x 3 of an image-like output, or None."""
    if not isinstance(a, np.ndarray) or a.ndim not in (2, 3):
        return None
    if a.ndim == 3 and a.shape[2] not in (1, 3, 4) and a.shape[0] in (1, 3):
        a = np.transpose(a, (1, 2, 0))                    # C x H x W
    if a.ndim == 2:
        a = a[:, :, None]
    if a.shape[2] not in (1, 3, 4) or a.shape[0] < 8 or a.shape[1] < 8:
        return None
    a = a[:, :, :3]
    if a.dtype == np.uint8:
        out = a
    else:
        f = a.astype(np.float64)
        lo, hi = np.nanmin(f), np.nanmax(f)
        if a.dtype == np.uint16:
            lo, hi = 0.0, 65535.0
        out = np.zeros(f.shape, np.uint8) if hi <= lo else np.clip((f - lo) * (255.0 / (hi - lo)), 0, 255)
        out = np.rint(out).astype(np.uint8)
    if out.shape[2] == 1:
        out = np.repeat(out, 3, axis=2)
    return np.ascontiguousarray(out)


def _is_mask_name(name: str) -> bool:
    return "mask" in name.lower() or name.lower() in ("segmentation", "label_map")


def classify_outputs(sample: Dict[str, object]) -> Tuple[List[str], Dict[str, List[str]], Dict[str, List[str]],
                                                          Dict[str, List[str]]]:
    """(image names, {image: box outputs}, {image: point outputs}, {image: mask outputs})."""
    images = [k for k, v in sample.items() if not _is_mask_name(k) and _as_image(v) is not None]
    boxes: Dict[str, List[str]] = {k: [] for k in images}
    points: Dict[str, List[str]] = {k: [] for k in images}
    masks: Dict[str, List[str]] = {k: [] for k in images}
    if not images:
        return images, boxes, points, masks
    default = "image" if "image" in images else images[0]
    for k, v in sample.items():
        if k in images:
            continue
        if _is_mask_name(k) and isinstance(v, np.ndarray) and v.ndim in (2, 3):
            h, w = v.shape[:2]
            target = next((i for i in images if _as_image(sample[i]).shape[:2] == (h, w)), None)
            if target is not None:
                masks[target].append(k)
            continue
        if not isinstance(v, np.ndarray) or v.dtype.kind != "f" or v.ndim not in (1, 2):
            continue
        last = v.shape[-1]
        low = k.lower()
        base = None
        for suffix in ("_boxes", "_box", "_bbox", "_points", "_keypoints"):
            if low.endswith(suffix) and k[:-len(suffix)] in images:
                base = k[:-len(suffix)]
        if last == 4 and ("box" in low):
            boxes[base or default].append(k)
        elif last == 2 and ("point" in low or "keypoint" in low or "landmark" in low):
            points[base or default].append(k)
        elif last >= 3 and v.ndim == 2 and "keypoint" in low:
            points[base or default].append(k)   # declared keypoints: x, y, ..., visible last
    return images, boxes, points, masks


def draw_box(img: np.ndarray, box: Sequence[float], color: np.ndarray, thickness: int = 1) -> None:
    """Outline of a box x1, y1, x2, y2 (continuous coordinates) on a u8 H x W x 3 image, in place."""
    h, w = img.shape[:2]
    if not np.all(np.isfinite(box)):
        return
    x1, y1, x2, y2 = (int(round(float(v))) for v in box)
    x1, x2 = max(min(x1, x2), 0), min(max(x1, x2), w) - 1
    y1, y2 = max(min(y1, y2), 0), min(max(y1, y2), h) - 1
    if x2 < x1 or y2 < y1:
        return
    t = thickness
    img[y1:min(y1 + t, y2 + 1), x1:x2 + 1] = color
    img[max(y2 - t + 1, y1):y2 + 1, x1:x2 + 1] = color
    img[y1:y2 + 1, x1:min(x1 + t, x2 + 1)] = color
    img[y1:y2 + 1, max(x2 - t + 1, x1):x2 + 1] = color


def draw_point(img: np.ndarray, p: Sequence[float], color: np.ndarray, radius: int = 1) -> None:
    h, w = img.shape[:2]
    if not np.all(np.isfinite(p)):
        return
    x, y = int(np.floor(p[0])), int(np.floor(p[1]))
    img[max(y - radius, 0):max(min(y + radius + 1, h), 0), max(x - radius, 0):max(min(x + radius + 1, w), 0)] = color


def overlay_mask(img: np.ndarray, mask: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    """The image with nonzero mask values blended in their colors."""
    m = np.asarray(mask)
    if m.ndim == 3:
        m = m[:, :, 0]
    if m.dtype.kind == "f":
        m = (m > 0.5).astype(np.int64)
    m = m.astype(np.int64)
    colors = COLORS[(m - 1) % len(COLORS)]
    out = img.astype(np.float32)
    sel = m > 0
    out[sel] = out[sel] * (1 - alpha) + colors[sel] * alpha
    return np.rint(out).astype(np.uint8)


def render_sample(sample: Dict[str, object], labels: Optional[Dict[str, object]] = None) -> List[np.ndarray]:
    """The annotated tiles (u8 H x W x 3) of one sample: one per image output."""
    images, boxes, points, masks = classify_outputs(sample)
    tiles = []
    for name in images:
        img = _as_image(sample[name]).copy()
        for m in masks[name]:
            img = overlay_mask(img, sample[m])
        for b in boxes[name]:
            arr = np.asarray(sample[b], np.float32).reshape(-1, 4)
            cls = None
            for key in ("labels", f"{b}_labels", "label"):
                v = sample.get(key)
                if isinstance(v, np.ndarray) and v.shape == (len(arr),):
                    cls = v
                    break
            for k, box in enumerate(arr):
                color = COLORS[int(cls[k]) % len(COLORS)] if cls is not None else COLORS[k % len(COLORS)]
                draw_box(img, box, color)
        for p in points[name]:
            arr = np.asarray(sample[p], np.float32)
            arr = arr.reshape(-1, arr.shape[-1] if arr.ndim == 2 else 2)
            for k, row in enumerate(arr):
                if arr.shape[1] >= 3 and row[-1] <= 0:
                    continue                      # an invisible keypoint
                draw_point(img, row[:2], COLORS[k % len(COLORS)])
        tiles.append(img)
    return tiles


def grid(tiles: Sequence[np.ndarray], columns: Optional[int] = None, pad: int = 2,
         background: int = 32) -> np.ndarray:
    """Tiles (u8 H x W x 3, any sizes) in rows of ``columns``, with ``pad`` pixels between."""
    if not tiles:
        raise ValueError("nothing to preview: no output looks like an image")
    n = len(tiles)
    columns = columns or int(np.ceil(np.sqrt(n)))
    rows = (n + columns - 1) // columns
    th = max(t.shape[0] for t in tiles)
    tw = max(t.shape[1] for t in tiles)
    out = np.full((rows * (th + pad) + pad, columns * (tw + pad) + pad, 3), background, np.uint8)
    for k, t in enumerate(tiles):
        r, c = divmod(k, columns)
        y, x = pad + r * (th + pad), pad + c * (tw + pad)
        out[y:y + t.shape[0], x:x + t.shape[1]] = t
    return out


def preview(samples: Iterable[Dict[str, object]], columns: Optional[int] = None, scale: int = 0) -> np.ndarray:
    """A grid image of samples: every image output of each sample as an annotated tile, a sample's
    tiles side by side. ``scale``: integer zoom of small tiles (0: up to 128 pixels a side)."""
    tiles: List[np.ndarray] = []
    per_sample = 1
    for s in samples:
        t = render_sample(s)
        per_sample = max(per_sample, len(t))
        tiles += t
    if not tiles:
        raise ValueError("nothing to preview: no output looks like an image (H x W x C or C x H x W)")
    if scale == 0:
        side = max(max(t.shape[:2]) for t in tiles)
        scale = max(1, 128 // side)
    if scale > 1:
        tiles = [np.repeat(np.repeat(t, scale, axis=0), scale, axis=1) for t in tiles]
    if columns is None:
        n = len(tiles) // per_sample
        columns = per_sample * max(1, int(np.ceil(np.sqrt(n))) if per_sample == 1 else max(1, 4 // per_sample))
    return grid(tiles, columns=columns)


def save_preview(pipeline, path: str, count: int = 16, start: int = 0, columns: Optional[int] = None,
                 threads: Optional[int] = None) -> np.ndarray:
    """Runs samples ``start .. start+count-1`` and writes their preview grid as a PNG; returns it."""
    from .datasets.png import write_png
    samples = pipeline.run_many(start, count, threads=threads)
    img = preview(samples, columns=columns)
    write_png(path, img)
    return img
