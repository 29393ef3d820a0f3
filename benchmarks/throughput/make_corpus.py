"""Generates the benchmark corpus: JPEGs of ImageNet-like sizes from scikit-image's sample photos.

    python make_corpus.py OUT_DIR [--count 2000] [--classes 10] [--quality 90] [--photos DIR] [--large]

Image-folder layout OUT_DIR/class_KK/img_NNNNN.jpg. Deterministic: image i is a crop (scale 0.45-1
of the source, any aspect), resized (INTER_AREA) to a size drawn from 300-640 x 240-500, flipped
with p = 0.5, with light sensor-like noise (sigma 2.5, so that upscaled sources keep photo-like
entropy), encoded by OpenCV (libjpeg) at quality 90. ``--large``: sizes 1280-2048 x 1024-1536
instead (the large-photo corpus: phone and camera photos). Runs in the benchmark venv (scikit-image,
opencv-python-headless); ``--photos DIR`` takes the source photos from DIR's JPEGs instead (no
scikit-image needed: benchmarks/data_sources.py uses examples/data/photos, which are copies of
scikit-image's). Writes OUT_DIR/manifest.json; an existing corpus with the same
parameters is kept.
"""
import argparse
import json
import os
import sys

import numpy as np

# Colour photographs shipped inside the scikit-image wheel (no download), plus gray ones,
# which become 3-channel JPEGs like ImageNet's few gray images.
COLOR = ["astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field", "immunohistochemistry", "retina",
         "motorcycle_left", "motorcycle_right"]
GRAY = ["camera", "moon", "grass", "gravel", "brick", "clock"]


def photo_sources(folder):
    import cv2
    out = []
    for name in sorted(os.listdir(folder)):
        if name.lower().endswith((".jpg", ".jpeg", ".png")):
            bgr = cv2.imread(os.path.join(folder, name), cv2.IMREAD_COLOR)
            if bgr is not None:
                out.append((os.path.splitext(name)[0], np.ascontiguousarray(bgr[:, :, ::-1])))
    if not out:
        raise SystemExit(f"make_corpus: no photo in {folder}")
    return out


def sources():
    from skimage import data
    out = []
    for name in COLOR + GRAY:
        try:
            if name.startswith("motorcycle"):
                left, right, _ = data.stereo_motorcycle()
                img = left if name.endswith("left") else right
            else:
                img = getattr(data, name)()
        except Exception as e:  # a photo that needs a download: skip it
            print(f"make_corpus: skipping {name}: {type(e).__name__}", file=sys.stderr)
            continue
        img = np.asarray(img)
        if img.dtype != np.uint8:
            img = (np.clip(img, 0, 1) * 255).astype(np.uint8) if img.dtype.kind == "f" else img.astype(np.uint8)
        if img.ndim == 2:
            img = np.repeat(img[:, :, None], 3, axis=2)
        img = img[:, :, :3]
        out.append((name, np.ascontiguousarray(img)))
    if not out:
        raise SystemExit("make_corpus: no scikit-image sample photo could be loaded")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--quality", type=int, default=90)
    ap.add_argument("--photos", default=None, help="take the source photos from this folder (default: scikit-image's)")
    ap.add_argument("--large", action="store_true", help="1280-2048 x 1024-1536 photos instead of ImageNet's sizes")
    args = ap.parse_args()
    params = {"count": args.count, "classes": args.classes, "quality": args.quality, "version": 1}
    if args.large:
        params["large"] = True
    if args.photos:
        params["photos"] = os.path.abspath(args.photos)
    manifest = os.path.join(args.out, "manifest.json")
    if os.path.exists(manifest):
        with open(manifest) as f:
            if json.load(f).get("params") == params:
                print(f"corpus: {args.out} is up to date")
                return
    import cv2
    cv2.setNumThreads(1)
    srcs = photo_sources(args.photos) if args.photos else sources()
    sizes, nbytes = [], 0
    for i in range(args.count):
        rng = np.random.default_rng(1000 + i)
        name, src = srcs[i % len(srcs)]
        sh, sw = src.shape[:2]
        if args.large:
            w, h = int(rng.integers(1280, 2049)), int(rng.integers(1024, 1537))
        else:
            w, h = int(rng.integers(300, 641)), int(rng.integers(240, 501))
        # a crop of the source with the target's aspect ratio, 45-100 % of the largest one
        aspect = w / h
        cw_max = min(sw, int(sh * aspect))
        f = rng.uniform(0.45, 1.0)
        cw = max(16, int(cw_max * f))
        ch = max(16, min(sh, int(round(cw / aspect))))
        x0, y0 = int(rng.integers(0, sw - cw + 1)), int(rng.integers(0, sh - ch + 1))
        img = src[y0:y0 + ch, x0:x0 + cw]
        interp = cv2.INTER_AREA if cw >= w else cv2.INTER_CUBIC
        img = cv2.resize(img, (w, h), interpolation=interp)
        if rng.random() < 0.5:
            img = img[:, ::-1]
        noise = rng.normal(0.0, 2.5, img.shape)
        img = np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
        cls = i % args.classes
        d = os.path.join(args.out, f"class_{cls:02d}")
        os.makedirs(d, exist_ok=True)
        ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(img[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, args.quality])
        assert ok
        with open(os.path.join(d, f"img_{i:05d}.jpg"), "wb") as f:
            f.write(buf.tobytes())
        sizes.append((w, h))
        nbytes += len(buf)
    info = {"params": params, "sources": [n for n, _ in srcs], "images": args.count,
            "mean_width": float(np.mean([s[0] for s in sizes])), "mean_height": float(np.mean([s[1] for s in sizes])),
            "mean_bytes": nbytes / args.count}
    with open(manifest, "w") as f:
        json.dump(info, f, indent=1)
    print(f"corpus: {args.count} JPEGs in {args.out}, mean {info['mean_width']:.0f} x {info['mean_height']:.0f}, "
          f"{info['mean_bytes'] / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
