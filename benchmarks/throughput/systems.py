"""One benchmark run of one system, in its own process (started by run.py):

    python systems.py SYSTEM WORKLOAD CORPUS_DIR --threads T --batch 64 --warmup W --images N

Prints one JSON line: {"images": n, "seconds": s, "images_per_s": r, "cpu_seconds": c,
"images_per_cpu_s": n / c} (c: CPU time of the process tree during the timed window). Timing starts after `warmup`
batches (process start, imports, pipeline build and worker start-up are excluded) and covers
about `images` images (whole batches). Every system reads the same files and applies the same
recipe:

  classify: decode JPEG -> RandomResizedCrop 224 (scale 0.08-1, ratio 3/4-4/3, bilinear) ->
            horizontal flip p=0.5 -> float32 CHW normalized with the ImageNet mean/std; batches of 64.
  heavy:    classify + rotation U(-15, 15) degrees (zero fill), brightness/contrast/saturation
            factors U(0.6, 1.4) (jitter 0.4) in a random order per sample (DALI: a fixed order),
            gaussian blur kernel 5, sigma U(0.1, 2) with p=0.5 (geometric ops before color ops,
            normalize last).
  large:    classify on the large-photo corpus (1024-2048 px a side; run.py makes it).
  classify_aa: classify with antialiased resizing (torchvision's default, antialias=True: the
            torchvision system is the same as for classify; PixelPipes passes antialias=True).

Systems: pixelpipes (the augment macros as docs/augment.md writes them: RandomResizedCrop,
RandomHorizontalFlip, RandomAffine, ColorJitter, RandomGaussianBlur, Normalize; the compiler
fuses the decode and the crop into image.decode_jpeg_crop), torchvision (transforms v2 +
DataLoader, num_workers = threads), albumentations (+ DataLoader), dali (CPU pipeline,
device_id=None), decode_floor (OpenCV cv2.imdecode full decode, `threads` Python threads).
"""
import argparse
import json
import math
import os
import sys
import time

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
SIZE = 224


def list_corpus(root):
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    files, labels = [], []
    for k, c in enumerate(classes):
        for name in sorted(os.listdir(os.path.join(root, c))):
            if name.endswith(".jpg"):
                files.append(os.path.join(root, c, name))
                labels.append(k)
    return files, labels


def tree_cpu_seconds():
    """User + system CPU seconds of this process and all its live descendants (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    parent, cpu = {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(d)] = int(fields[1])
        cpu[int(d)] = (int(fields[11]) + int(fields[12])) / tick
    me, total = os.getpid(), 0.0
    for pid in cpu:
        q = pid
        while q > 1 and q != me:
            q = parent.get(q, 0)
        if q == me:
            total += cpu[pid]
    return total


CPU = {}


def timed(batches, batch_size, warmup, images):
    """Consumes warmup batches, then times enough batches for `images` images (wall and CPU)."""
    it = iter(batches)
    for _ in range(warmup):
        next(it)
    n_batches = max(1, math.ceil(images / batch_size))
    c0 = tree_cpu_seconds()
    t0 = time.perf_counter()
    n = 0
    for _ in range(n_batches):
        b = next(it)
        n += batch_size
    dt = time.perf_counter() - t0
    CPU["seconds"] = tree_cpu_seconds() - c0
    del b
    return n, dt


def endless(make_loader):
    while True:
        for b in make_loader():
            yield b


# ------------------------------------------------------------------------------------------ pixelpipes

def pixelpipes_pipeline(files, labels, workload, fused=True, seed=1):
    """The workload as a user writes it from docs/augment.md: the augment macros on a decoded JPEG.
    The compiler fuses decode -> crop -> resize into image.decode_jpeg_crop (fuse=False keeps it
    unfused: the pixelpipes_unfused system)."""
    import pixelpipes as pp
    from pixelpipes import augment
    from pixelpipes.ops import image, io

    with pp.Graph() as g:
        item = pp.dataset_item(len(files))
        img = image.DecodeJpeg(io.ReadFile(pp.Constant(files)[item]))
        img = augment.RandomResizedCrop(img, SIZE, scale=(0.08, 1.0), ratio=(3 / 4, 4 / 3), interpolation="linear",
                                        antialias=workload == "classify_aa")
        img = augment.RandomHorizontalFlip(img)
        if workload == "heavy":
            img = augment.RandomAffine(img, degrees=15, interpolation="linear")
            img = augment.ColorJitter(img, brightness=0.4, contrast=0.4, saturation=0.4)
            img = augment.RandomGaussianBlur(img, 5, sigma=(0.1, 2.0), p=0.5)
        img = augment.Normalize(img, mean=MEAN, std=STD)
        g.output("image", img)
        g.output("label", pp.Constant([int(v) for v in labels])[item])
    return pp.compile(g, seed=seed, fuse=fused)


def run_pixelpipes(args, files, labels, fused=True):
    p = pixelpipes_pipeline(files, labels, args.workload, fused=fused)
    it = p.batches(args.batch, threads=args.threads)
    n, dt = timed(it, args.batch, args.warmup, args.images)
    it.close()
    return n, dt


# ------------------------------------------------------------------------------------------ torchvision

class TorchvisionSet:
    def __init__(self, files, labels, workload):
        self.files, self.labels, self.workload = files, labels, workload
        self.t = None

    def _build(self):
        import torch
        from torchvision.transforms import v2
        ts = [v2.RandomResizedCrop(SIZE, scale=(0.08, 1.0), ratio=(3 / 4, 4 / 3),
                                   interpolation=v2.InterpolationMode.BILINEAR),
              v2.RandomHorizontalFlip(0.5)]
        if self.workload == "heavy":
            ts += [v2.RandomRotation(15, interpolation=v2.InterpolationMode.BILINEAR),
                   v2.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4),
                   v2.RandomApply([v2.GaussianBlur(5, sigma=(0.1, 2.0))], p=0.5)]
        ts += [v2.ToDtype(torch.float32, scale=True), v2.Normalize(MEAN, STD)]
        self.t = v2.Compose(ts)

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        from torchvision.io import decode_jpeg, read_file
        if self.t is None:
            self._build()
        img = decode_jpeg(read_file(self.files[i]))
        return self.t(img), self.labels[i]


def run_torchvision(args, files, labels):
    import torch
    torch.set_num_threads(1)
    ds = TorchvisionSet(files, labels, args.workload)
    make = lambda: torch.utils.data.DataLoader(ds, batch_size=args.batch, shuffle=True, num_workers=args.threads,
                                               persistent_workers=True, drop_last=True)
    loader = make()
    return timed(endless(lambda: loader), args.batch, args.warmup, args.images)


# ------------------------------------------------------------------------------------------ albumentations

class AlbumentationsSet:
    def __init__(self, files, labels, workload):
        self.files, self.labels, self.workload = files, labels, workload
        self.t = None

    def _build(self):
        import albumentations as A
        import cv2
        from albumentations.pytorch import ToTensorV2
        cv2.setNumThreads(0)
        ts = [A.RandomResizedCrop(size=(SIZE, SIZE), scale=(0.08, 1.0), ratio=(3 / 4, 4 / 3),
                                  interpolation=cv2.INTER_LINEAR),
              A.HorizontalFlip(p=0.5)]
        if self.workload == "heavy":
            ts += [A.Rotate(limit=15, interpolation=cv2.INTER_LINEAR, border_mode=cv2.BORDER_CONSTANT, p=1.0),
                   A.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.0, p=1.0),
                   A.GaussianBlur(blur_limit=(5, 5), sigma_limit=(0.1, 2.0), p=0.5)]
        ts += [A.Normalize(mean=MEAN, std=STD), ToTensorV2()]
        self.t = A.Compose(ts)

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        import cv2
        if self.t is None:
            self._build()
        img = cv2.cvtColor(cv2.imread(self.files[i], cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        return self.t(image=img)["image"], self.labels[i]


def run_albumentations(args, files, labels):
    import torch
    torch.set_num_threads(1)
    ds = AlbumentationsSet(files, labels, args.workload)
    loader = torch.utils.data.DataLoader(ds, batch_size=args.batch, shuffle=True, num_workers=args.threads,
                                         persistent_workers=True, drop_last=True)
    return timed(endless(lambda: loader), args.batch, args.warmup, args.images)


# ------------------------------------------------------------------------------------------ DALI

def run_dali(args, files, labels):
    from nvidia.dali import fn, pipeline_def, types

    @pipeline_def(batch_size=args.batch, num_threads=args.threads, device_id=None, seed=1,
                  enable_conditionals=args.workload == "heavy", prefetch_queue_depth=2)
    def pipe():
        jpegs, lab = fn.readers.file(file_root=args.corpus, random_shuffle=True, name="reader")
        images = fn.decoders.image_random_crop(jpegs, device="cpu", output_type=types.RGB,
                                               random_area=[0.08, 1.0], random_aspect_ratio=[3 / 4, 4 / 3],
                                               num_attempts=10)
        images = fn.resize(images, resize_x=SIZE, resize_y=SIZE, interp_type=types.INTERP_LINEAR)
        mirror = fn.random.coin_flip(probability=0.5)
        if args.workload == "heavy":
            images = fn.flip(images, horizontal=mirror)
            images = fn.rotate(images, angle=fn.random.uniform(range=(-15.0, 15.0)), keep_size=True,
                               fill_value=0, interp_type=types.INTERP_LINEAR)
            images = fn.color_twist(images, brightness=fn.random.uniform(range=(0.6, 1.4)),
                                    contrast=fn.random.uniform(range=(0.6, 1.4)),
                                    saturation=fn.random.uniform(range=(0.6, 1.4)))
            if fn.random.coin_flip(probability=0.5):
                images = fn.gaussian_blur(images, window_size=5, sigma=fn.random.uniform(range=(0.1, 2.0)))
            mirror = 0
        images = fn.crop_mirror_normalize(images, dtype=types.FLOAT, output_layout="CHW", mirror=mirror,
                                          mean=[m * 255 for m in MEAN], std=[s * 255 for s in STD])
        return images, lab

    p = pipe()
    p.build()

    def gen():
        while True:
            yield p.run()
    return timed(gen(), args.batch, args.warmup, args.images)


# ------------------------------------------------------------------------------------------ decode floor

def run_decode_floor(args, files, labels):
    import cv2
    import numpy as np
    from concurrent.futures import ThreadPoolExecutor
    cv2.setNumThreads(1)

    def decode(path):
        with open(path, "rb") as f:
            buf = np.frombuffer(f.read(), np.uint8)
        return cv2.imdecode(buf, cv2.IMREAD_COLOR).shape

    pool = ThreadPoolExecutor(args.threads)
    order = np.random.default_rng(1).permutation(len(files))

    def gen():
        k = 0
        while True:
            idx = [order[(k + j) % len(files)] for j in range(args.batch)]
            k += args.batch
            yield list(pool.map(decode, [files[i] for i in idx]))
    return timed(gen(), args.batch, args.warmup, args.images)


SYSTEMS = {
    "pixelpipes": run_pixelpipes,
    "pixelpipes_unfused": lambda a, f, l: run_pixelpipes(a, f, l, fused=False),
    "torchvision": run_torchvision,
    "albumentations": run_albumentations,
    "dali": run_dali,
    "decode_floor": run_decode_floor,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("system", choices=sorted(SYSTEMS))
    ap.add_argument("workload", choices=["classify", "heavy", "large", "classify_aa"])
    ap.add_argument("corpus")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--images", type=int, default=2000)
    args = ap.parse_args()
    files, labels = list_corpus(args.corpus)
    n, dt = SYSTEMS[args.system](args, files, labels)
    cpu = CPU.get("seconds")
    print(json.dumps({"images": n, "seconds": dt, "images_per_s": n / dt, "cpu_seconds": cpu,
                      "images_per_cpu_s": n / cpu if cpu else None}), flush=True)
    sys.stdout.flush()
    os._exit(0)  # skip slow interpreter/worker teardown: the measurement is done


if __name__ == "__main__":
    main()
