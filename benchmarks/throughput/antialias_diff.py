"""How far PixelPipes' antialiased RandomResizedCrop is from torchvision's, on the same crops.

    python antialias_diff.py CORPUS_DIR --pixelpipes-python .venv/bin/python [--images 200]

Run with the benchmark venv's Python (torchvision). For the first `images` files of the corpus it
draws one crop box per file (seeded; torchvision's RandomResizedCrop.get_params), then:
- torchvision: decode_jpeg, then v2.functional.resized_crop(top, left, height, width, 224 x 224,
  bilinear, antialias=True), which is what RandomResizedCrop does by default;
- PixelPipes (in its own venv, a child process): image.decode_jpeg_crop of the same box with
  antialias=True, as the compiler fuses RandomResizedCrop(antialias=True) (DCT-scaled decode of
  the box, then torchvision's filter), and with max_scale "1" (full-scale decode of the box).
Prints one JSON line: the mean and max absolute difference over all values, for both.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

SIZE = 224


def boxes_for(files, seed=7):
    import torch
    from torchvision.io import decode_jpeg, read_file
    from torchvision.transforms import v2
    torch.manual_seed(seed)
    out = []
    for f in files:
        img = decode_jpeg(read_file(f))
        top, left, h, w = v2.RandomResizedCrop.get_params(img, scale=[0.08, 1.0], ratio=[3 / 4, 4 / 3])
        out.append((left, top, left + w, top + h))
    return np.array(out, np.float32)


def torchvision_crops(files, boxes):
    from torchvision.io import decode_jpeg, read_file
    from torchvision.transforms import v2
    out = []
    for f, (x0, y0, x1, y1) in zip(files, boxes):
        img = decode_jpeg(read_file(f))
        crop = v2.functional.resized_crop(img, int(y0), int(x0), int(y1 - y0), int(x1 - x0), [SIZE, SIZE],
                                          interpolation=v2.InterpolationMode.BILINEAR, antialias=True)
        out.append(crop.permute(1, 2, 0).numpy())
    return np.stack(out)


def pixelpipes_crops(files, boxes, max_scale):
    import pixelpipes as pp
    from pixelpipes.ops import image, io
    with pp.Graph() as g:
        item = pp.SampleIndex()  # sample i is file i (dataset_item would shuffle)
        data = io.ReadFile(pp.Constant(files)[item])
        g.output("image", image.DecodeJpegCrop(data, pp.Constant(list(boxes))[item], SIZE, SIZE, antialias=True,
                                               max_scale=max_scale))
    p = pp.compile(g)
    return np.stack([p.run(i)["image"] for i in range(len(files))])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--images", type=int, default=200)
    ap.add_argument("--pixelpipes-python", default=None)
    ap.add_argument("--side", choices=["pixelpipes"], help=argparse.SUPPRESS)  # the child's job
    ap.add_argument("--boxes", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    files = []
    for d in sorted(os.listdir(args.corpus)):
        if os.path.isdir(os.path.join(args.corpus, d)):
            files += [os.path.join(args.corpus, d, n) for n in sorted(os.listdir(os.path.join(args.corpus, d)))
                      if n.endswith(".jpg")]
    files = sorted(files)[:args.images]
    if args.side == "pixelpipes":
        boxes = np.load(args.boxes)
        np.savez(args.out, scaled=pixelpipes_crops(files, boxes, "1/8"), full=pixelpipes_crops(files, boxes, "1"))
        return
    boxes = boxes_for(files)
    reference = torchvision_crops(files, boxes).astype(np.int32)
    with tempfile.TemporaryDirectory() as tmp:
        np.save(os.path.join(tmp, "boxes.npy"), boxes)
        out = os.path.join(tmp, "pp.npz")
        subprocess.run([args.pixelpipes_python or sys.executable, os.path.abspath(__file__), args.corpus, "--images",
                        str(args.images), "--side", "pixelpipes", "--boxes", os.path.join(tmp, "boxes.npy"),
                        "--out", out], check=True)
        ours = np.load(out)
        result = {"images": len(files)}
        for name in ("scaled", "full"):
            d = np.abs(ours[name].astype(np.int32) - reference)
            result[name] = {"mean_abs_diff": float(d.mean()), "max_abs_diff": int(d.max()),
                            "share_within_1": float((d <= 1).mean())}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
