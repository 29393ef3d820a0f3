"""Per-op single-thread speed: PixelPipes' geometry, normalize and color ops against OpenCV and
albumentations doing the same math on the same images (issue 20's per-op table).

Each op runs alone in a compiled pipeline whose input is one of six photos
(``Constant(list)[SampleIndex % 6]``, no copy), driven by ``pipeline.run(k)`` in a Python loop:
one call per image on the calling thread, the result handed back as an array. The reference is
the corresponding Python call (``cv2.warpAffine``, albumentations' torchvision-style color
functions, ...) in the same kind of loop over the same photos. Rounds alternate between the two;
times are medians of the rounds' per-call times, ratios medians of the rounds' ratios.

    python benchmarks/op_speed.py                       # 224 and 512, 5 rounds of >= 0.3 s
    python benchmarks/op_speed.py --sizes 224 --rounds 3
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable, List, Tuple  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from catalog_speed import load_images  # noqa: E402  (the same photos at the same sizes)
MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def rotation_matrix(size: int) -> np.ndarray:
    """15 degrees about the centre and 1.1x: a RandomAffine draw (continuous coordinates)."""
    c, s = math.cos(math.radians(15)) * 1.1, math.sin(math.radians(15)) * 1.1
    h = size / 2
    return np.array([[c, -s, h - c * h + s * h], [s, c, h - s * h - c * h], [0, 0, 1]], np.float64)


def cases(size: int):
    """(name, PixelPipes op of the image node, reference function of the image), per op."""
    import albumentations.augmentations.pixel.functional as F
    from albucore import normalize as a_normalize   # what albumentations.Normalize calls
    import pixelpipes as pp
    from pixelpipes.ops import color, image

    m = rotation_matrix(size)
    # OpenCV counts from pixel centres: the same map shifted by half a pixel on both sides
    shift_in, shift_out = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]]), np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]])
    m_cv = (shift_out @ m @ shift_in)[:2]
    out_side = size * 7 // 8
    mean255, denominator = MEAN * 255, 1 / (STD * 255)
    return [
        ("warp (affine, linear)", lambda x: image.Warp(x, pp.Constant(m), size, size),
         lambda img: cv2.warpAffine(img, m_cv, (size, size), flags=cv2.INTER_LINEAR)),
        (f"resize (linear, to {out_side})", lambda x: image.Resize(x, out_side, out_side),
         lambda img: cv2.resize(img, (out_side, out_side), interpolation=cv2.INTER_LINEAR)),
        ("flip (horizontal)", lambda x: image.Flip(x), lambda img: cv2.flip(img, 1)),
        ("normalize (to f32 CHW)",
         lambda x: color.Normalize(x, pp.Constant(MEAN), pp.Constant(STD), scale=1 / 255, chw=True),
         lambda img: np.ascontiguousarray(a_normalize(img, mean255, denominator).transpose(2, 0, 1))),
        ("brightness 1.3", lambda x: color.Brightness(x, 1.3), lambda img: F.adjust_brightness_torchvision(img, 1.3)),
        ("contrast 1.3", lambda x: color.Contrast(x, 1.3), lambda img: F.adjust_contrast_torchvision(img, 1.3)),
        ("saturation 1.3", lambda x: color.Saturation(x, 1.3), lambda img: F.adjust_saturation_torchvision(img, 1.3)),
        ("hue 0.1", lambda x: color.Hue(x, 0.1), lambda img: F.adjust_hue_torchvision(img, 0.1)),
        ("brightness + contrast + saturation (fused)", lambda x: color.BrightnessContrastSaturation(x, 1.3, 1.2, 0.8),
         lambda img: F.adjust_saturation_torchvision(F.adjust_contrast_torchvision(
             F.adjust_brightness_torchvision(img, 1.3), 1.2), 0.8)),
        ("to gray (3 copies)", lambda x: color.ToGray(x, channels=3),
         lambda img: cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)),
    ]


def per_call(call: Callable[[int], object], seconds: float) -> float:
    """Seconds per call of ``call(k)``, k = 0, 1, ...: 3 warm-up calls, then >= ``seconds``."""
    for k in range(3):
        call(k)
    n, t0 = 0, time.perf_counter()
    while True:
        call(n)
        n += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds and n >= 4:
            return elapsed / n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="224,512", help="image sides, comma-separated")
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds per op and size (median)")
    ap.add_argument("--seconds", type=float, default=0.3, help="minimum seconds per round and side")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "op_speed.md", help="markdown table written here")
    args = ap.parse_args(argv)
    cv2.setNumThreads(1)
    import albumentations as A
    import pixelpipes as pp

    rows: List[Tuple[str, int, float, float, float]] = []
    for size in (int(s) for s in args.sizes.split(",") if s):
        images = load_images(size)
        for name, op, reference in cases(size):
            with pp.Graph() as g:
                g.output("out", op(pp.Constant(images)[pp.SampleIndex() % len(images)]))
            pipeline = pp.compile(g)
            ours, theirs = [], []
            for _ in range(args.rounds):
                ours.append(per_call(pipeline.run, args.seconds))
                theirs.append(per_call(lambda k: reference(images[k % len(images)]), args.seconds))
            ratio = statistics.median(t / o for o, t in zip(ours, theirs))
            rows.append((name, size, statistics.median(ours), statistics.median(theirs), ratio))
            print(f"{name} {size}: PixelPipes {rows[-1][2] * 1e6:.1f} us, reference {rows[-1][3] * 1e6:.1f} us, "
                  f"{ratio:.2f}x", file=sys.stderr, flush=True)
    lines = [
        "# Per-op single-thread times: PixelPipes against OpenCV / albumentations",
        "",
        f"- versions: pixelpipes {pp.__version__}, albumentations {A.__version__}, opencv {cv2.__version__}",
        "- command: `" + " ".join(["python benchmarks/op_speed.py", *(argv if argv is not None else sys.argv[1:])]) + "`",
        f"- {args.rounds} alternating rounds of >= {args.seconds} s per side; times are medians of the rounds, "
        "ratios (reference time / PixelPipes time: above 1 is faster) medians of the rounds' ratios",
        "",
        "| op | size | PixelPipes us/image | reference us/image | speed ratio |",
        "|---|---|---|---|---|",
        *(f"| {n} | {s} | {o * 1e6:.1f} | {t * 1e6:.1f} | {r:.2f}x |" for n, s, o, t, r in rows),
    ]
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
