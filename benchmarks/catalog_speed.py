"""Images/s of each catalog transform, PixelPipes against albumentations, side by side in one run.

    python benchmarks/catalog_speed.py [--sizes 256,512,1024] [--seconds 1] [--runs 3]
                                       [--only Resize,HorizontalFlip] [--quick]
                                       [--out benchmarks/results/catalog_speed.md]

albumentations' micro-benchmark regime: decoded uint8 RGB images in memory (the six photos of
examples/data/photos, resized with INTER_AREA to S x S for each size S), ONE thread, each
transform applied with p=1 to the same images, images per second.

* albumentations: ``t = A.X(**kwargs, p=1)``, then ``t(image=img)["image"]`` in a Python loop
  over the images (``A.Compose`` with ``BboxParams`` where the transform needs boxes);
  ``cv2.setNumThreads(1)``, OMP/MKL/OpenBLAS threads 1.
* PixelPipes: a graph whose input is the image (``Constant(list of images)[SampleIndex % 6]``,
  zero-copy), ``augment.X(image, **kwargs, p=1)`` (on a Resource with boxes/mask where the
  transform needs them), compiled, then driven two ways:
  - ``pipeline.run(k)`` in a Python loop: one image per call on the calling thread, returned to
    Python as an array, as albumentations' loop does. This is the regime of the comparison (the
    ratio that judges "at least as fast").
  - ``pipeline.batches(8, threads=1)``: one worker thread that writes every output into batch
    buffers (no Python per sample). Shown for comparison: it also pays the write of each output
    into a batch of 8 (a 24 MB buffer at 1024 x 1024), which albumentations' regime does not have,
    and memory-bound transforms (flips, crops, pads) are limited by it.
  Nothing is subtracted from either.

Both sides take the same arguments (albumentations' names) from CASES; the PixelPipes class is
the one whose ``references`` names the albumentations transform. Where the checkout has no such
class but a class with other arguments does the same thing (e.g. torchvision-style RandomCrop),
the case gives that class and its arguments (``fallback``). TV_CASES are torchvision-only
transforms: PixelPipes is measured alone. A transform without a PixelPipes class in this
checkout is listed as "not in this checkout"; one that fails to build or run is listed with its
error. Median of ``--runs`` runs of at least ``--seconds`` each; CPU time is checked against wall
time (a warning if a side used more than one core).
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Dict, List, Optional, Tuple  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ROOT / "examples" / "data" / "photos"
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "catalog_speed.md"


@dataclass
class Case:
    name: str                                   # albumentations' (or torchvision's) transform name
    kwargs: Dict[str, Any] = field(default_factory=dict)    # albumentations' argument names
    needs: Tuple[str, ...] = ()                 # "boxes", "mask": fields the transform needs; "items":
                                                # four images (Mosaic); "overlay": an overlay image;
                                                # "reference": a reference image (domain adaptation)
    fallback: Optional[Tuple[str, Dict[str, Any]]] = None   # (augment class, its kwargs) if no class references it
    skip: str = ""                              # why it is not measured
    variant: str = ""                           # shown after the name when a transform has several cases


S = 224   # output side of the crops and resizes (fits in every size measured)

CASES: List[Case] = [
    Case("AdvancedBlur"),
    Case("Affine", dict(rotate=(-15, 15), scale=(0.9, 1.1), translate_percent=(-0.1, 0.1)),
         fallback=("RandomAffine", dict(degrees=15, scale=(0.9, 1.1), translate=(0.1, 0.1), interpolation="linear"))),
    Case("AtLeastOneBBoxRandomCrop", dict(height=S, width=S), needs=("boxes",)),
    Case("BBoxSafeRandomCrop", dict(erosion_rate=0.0), needs=("boxes",)),
    Case("Blur", dict(blur_limit=(3, 7))),
    Case("CenterCrop", dict(height=S, width=S), fallback=("CenterCrop", dict(size=(S, S)))),
    Case("CoarseDropout", dict(num_holes_range=(4, 8), hole_height_range=(0.05, 0.15), hole_width_range=(0.05, 0.15))),
    Case("ConstrainedCoarseDropout", dict(num_holes_range=(1, 3), hole_height_range=(0.2, 0.4),
                                          hole_width_range=(0.2, 0.4), mask_indices=[1]), needs=("mask",)),
    Case("Crop", dict(x_min=16, y_min=16, x_max=16 + S, y_max=16 + S)),
    Case("CropAndPad", dict(percent=(-0.1, 0.1))),
    Case("CropNonEmptyMaskIfExists", dict(height=S, width=S), needs=("mask",)),
    Case("D4"),
    Case("Defocus", dict(radius=(3, 10), alias_blur=(0.1, 0.5))),
    Case("ElasticTransform", dict(alpha=1.0, sigma=50.0)),
    Case("Emboss"),
    Case("Erasing"),
    Case("GaussianBlur", dict(sigma_limit=(0.5, 3.0))),
    Case("GlassBlur"),
    Case("GridDistortion", dict(num_steps=5, distort_limit=(-0.3, 0.3))),
    Case("GridDropout", dict(ratio=0.5)),
    Case("GridElasticDeform", dict(num_grid_xy=(4, 4), magnitude=10)),
    Case("HorizontalFlip"),
    Case("LongestMaxSize", dict(max_size=S)),
    Case("MaskDropout", dict(max_objects=1), needs=("mask",)),
    Case("MedianBlur", dict(blur_limit=(3, 7))),
    Case("Morphological", dict(scale=(3, 3), operation="dilation")),
    Case("Mosaic", dict(target_size=(S, S), cell_shape=(S, S)), needs=("items",)),
    Case("MotionBlur", dict(blur_limit=(3, 7))),
    Case("OverlayElements", needs=("overlay",)),
    Case("OpticalDistortion", dict(distort_limit=(-0.05, 0.05))),
    Case("Pad", dict(padding=16)),
    Case("PadIfNeeded", dict(min_height=None, min_width=None, pad_height_divisor=96, pad_width_divisor=96)),
    Case("Perspective", dict(scale=(0.05, 0.1))),
    Case("PiecewiseAffine", dict(scale=(0.03, 0.05), nb_rows=4, nb_cols=4)),
    Case("PixelDropout", dict(dropout_prob=0.01)),
    Case("RandomCrop", dict(height=S, width=S), fallback=("RandomCrop", dict(size=(S, S)))),
    Case("RandomCropFromBorders", dict(crop_left=0.1, crop_right=0.1, crop_top=0.1, crop_bottom=0.1)),
    Case("RandomCropNearBBox", dict(max_part_shift=(0, 0.3)), needs=("boxes",)),
    Case("RandomGridShuffle", dict(grid=(3, 3))),
    Case("RandomResizedCrop", dict(size=(S, S), scale=(0.08, 1.0), ratio=(0.75, 4 / 3))),
    Case("RandomRotate90"),
    Case("RandomScale", dict(scale_limit=0.1)),
    Case("RandomSizedBBoxSafeCrop", dict(height=S, width=S), needs=("boxes",)),
    Case("RandomSizedCrop", dict(min_max_height=(128, S), size=(S, S))),
    Case("Resize", dict(height=S, width=S)),
    Case("Rotate", dict(limit=(-45, 45))),
    Case("SafeRotate", dict(limit=(-45, 45))),
    Case("Sharpen"),
    Case("ShiftScaleRotate", dict(shift_limit=(-0.0625, 0.0625), scale_limit=(-0.1, 0.1), rotate_limit=(-45, 45))),
    Case("SmallestMaxSize", dict(max_size=S)),
    Case("SquareSymmetry"),
    Case("ThinPlateSpline", dict(scale_range=(0.2, 0.4), num_control_points=4)),
    Case("Transpose"),
    Case("UnsharpMask"),
    Case("VerticalFlip"),
    Case("XYMasking", dict(num_masks_x=2, num_masks_y=2, mask_x_length=(10, 20), mask_y_length=(10, 20))),
    Case("ZoomBlur"),
    # optics effects and domain adaptation (issue 18); "reference": the next photo is the
    # reference image (albumentations: through its metadata key; PixelPipes: reference_images=node)
    Case("Superpixels"),
    Case("RingingOvershoot"),
    Case("ChromaticAberration"),
    Case("HEStain"),
    Case("FDA", needs=("reference",)),
    Case("HistogramMatching", needs=("reference",)),
    Case("PixelDistributionAdaptation", needs=("reference",)),
    # color and tone (issue 18)
    Case("AutoContrast", dict(cutoff=1.0)),
    Case("ChannelDropout", dict(channel_drop_range=(1, 1))),
    Case("ChannelShuffle"),
    Case("CLAHE", dict(clip_limit=(1, 4), tile_grid_size=(8, 8))),
    Case("Equalize", dict(mode="cv", by_channels=True)),
    Case("HueSaturationValue", dict(hue_shift_limit=20, sat_shift_limit=30, val_shift_limit=20)),
    Case("InvertImg"),
    Case("Posterize", dict(num_bits=(2, 6))),
    Case("RandomBrightnessContrast", dict(brightness_limit=0.2, contrast_limit=0.2)),
    Case("RandomGamma", dict(gamma_limit=(80, 120))),
    Case("RGBShift", dict(r_shift_limit=20, g_shift_limit=20, b_shift_limit=20)),
    Case("Solarize", dict(threshold_range=(0.4, 0.6))),
    Case("ToGray", dict(num_output_channels=3, method="weighted_average")),
    Case("ToSepia"),
    Case("ColorJitter", dict(brightness=(0.8, 1.2), contrast=(0.8, 1.2), saturation=(0.8, 1.2), hue=(-0.5, 0.5))),
    # noise and quality (issue 18)
    Case("AdditiveNoise", dict(noise_type="gaussian", spatial_mode="per_pixel")),
    Case("Downscale", dict(scale_range=(0.25, 0.5))),
    Case("GaussNoise"),
    Case("ImageCompression", dict(quality_range=(50, 95)), variant="jpeg"),
    Case("ImageCompression", dict(compression_type="webp", quality_range=(50, 95)), variant="webp"),
    Case("ISONoise"),
    Case("MultiplicativeNoise", dict(per_channel=True, elementwise=True)),
    Case("SaltAndPepper"),
    Case("ShotNoise"),
    # weather and effects (issue 18)
    Case("RandomFog", dict(fog_coef_range=(0.3, 1))),
    Case("RandomGravel"),
    Case("RandomRain"),
    Case("RandomShadow"),
    Case("RandomSnow", dict(method="bleach"), variant="bleach"),
    Case("RandomSnow", dict(method="texture"), variant="texture"),
    Case("RandomSunFlare", dict(method="overlay"), variant="overlay"),
    Case("RandomSunFlare", dict(method="physics_based"), variant="physics_based"),
    Case("Spatter", dict(mode="rain"), variant="rain"),
    Case("Spatter", dict(mode="mud"), variant="mud"),
    Case("FancyPCA", dict(alpha=0.1)),
    Case("PlanckianJitter", dict(mode="blackbody")),
    Case("RandomToneCurve", dict(scale=0.1)),
    Case("Illumination", dict(mode="linear")),
    Case("PlasmaBrightnessContrast", dict(brightness_range=(-0.3, 0.3), contrast_range=(-0.3, 0.3))),
    Case("PlasmaShadow", dict(shadow_intensity_range=(0.3, 0.7))),
    Case("Normalize", dict(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))),
    Case("ToFloat"),
    Case("FromFloat", skip="takes a float image (the benchmark feeds u8 RGB)"),
    Case("ToRGB", skip="takes a gray image (the benchmark feeds RGB)"),
]

#: torchvision-only transforms (no albumentations counterpart): PixelPipes alone, torchvision's arguments
TV_CASES: List[Case] = [
    Case("ScaleJitter", dict(target_size=(S, S))),
    Case("RandomShortestSize", dict(min_size=(192, S, 256))),
    Case("RandomResize", dict(min_size=192, max_size=256)),
    Case("RandomIoUCrop", needs=("boxes",)),
    Case("RandomZoomOut", dict(side_range=(1.0, 2.0))),
    Case("RandomRotation", dict(degrees=45)),
    Case("RandomPerspective", dict(distortion_scale=0.5)),
    # color and miscellaneous (issue 18)
    Case("Grayscale", dict(num_output_channels=3)),
    Case("RandomGrayscale"),
    Case("RandomChannelPermutation"),
    Case("RandomPhotometricDistort"),
    Case("RandomInvert"),
    Case("RandomPosterize", dict(bits=4)),
    Case("RandomSolarize", dict(threshold=128.0)),
    Case("RandomAdjustSharpness", dict(sharpness_factor=2.0)),
    Case("RandomAutocontrast"),
    Case("RandomEqualize"),
    Case("GaussianBlur", dict(kernel_size=9, sigma=(0.1, 2.0))),
    Case("JPEG", dict(quality=(50, 95))),
    # the automatic policies (torchvision's defaults): the cost per sample averages over the
    # operations the samples draw (one Choice branch per stage runs)
    Case("RandAugment"),
    Case("TrivialAugmentWide"),
    Case("AutoAugment"),
    Case("AugMix"),
]

BATCH = 8
APIS = ("run", "batches")   # how PixelPipes is driven (see pixelpipes_rate); the first is the judge
NOT_IN_CHECKOUT = "not in this checkout"


# -- data ------------------------------------------------------------------------------------------

def load_images(size: int) -> List[np.ndarray]:
    images = []
    for path in sorted(PHOTOS.glob("*.jpg")):
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        rgb = cv2.cvtColor(cv2.resize(bgr, (size, size), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)
        images.append(np.ascontiguousarray(rgb))
    if not images:
        raise SystemExit(f"no photos in {PHOTOS}")
    return images


#: where OverlayElements pastes its overlay (normalized x1 y1 x2 y2, albumentations' convention)
OVERLAY_BOX = [0.25, 0.25, 0.75, 0.75]


def _overlay(image: np.ndarray) -> np.ndarray:
    """An overlay: the photo at half size."""
    h, w = image.shape[:2]
    return np.ascontiguousarray(cv2.resize(image, (w // 2, h // 2), interpolation=cv2.INTER_AREA))


def boxes_for(size: int) -> np.ndarray:
    """Two boxes (pascal_voc pixels) at fixed fractions of the image."""
    return np.array([[0.20, 0.25, 0.60, 0.70], [0.50, 0.10, 0.90, 0.40]], np.float32) * size


def mask_for(size: int) -> np.ndarray:
    """A label map: the first box is object 1."""
    m = np.zeros((size, size), np.uint8)
    x1, y1, x2, y2 = boxes_for(size)[0].astype(int)
    m[y1:y2, x1:x2] = 1
    return m


# -- PixelPipes ------------------------------------------------------------------------------------

def referenced_classes(library: str) -> Dict[str, type]:
    """transform name -> the augment class whose own ``references`` names it."""
    import pixelpipes.augment as augment
    out = {}
    for name in getattr(augment, "__all__", dir(augment)):
        cls = getattr(augment, name, None)
        refs = cls.__dict__.get("references") if isinstance(cls, type) else None
        for lib, names in (refs or {}).items():
            for n in ((names,) if isinstance(names, str) else tuple(names)):
                if lib == library:
                    out.setdefault(n, cls)
    return out


def pixelpipes_plan(case: Case, library: str) -> Optional[Tuple[type, Dict[str, Any]]]:
    """(class, kwargs) that does the case in this checkout, or None."""
    import pixelpipes.augment as augment
    cls = referenced_classes(library).get(case.name)
    if cls is not None:
        return cls, dict(case.kwargs)
    if case.fallback is not None and isinstance(getattr(augment, case.fallback[0], None), type):
        return getattr(augment, case.fallback[0]), dict(case.fallback[1])
    return None


def pixelpipes_pipeline(cls, kwargs, case: Case, images):
    """The compiled pipeline of the transform on the images (the sample's photo in, its output out)."""
    import pixelpipes as pp
    from pixelpipes import resource
    size = images[0].shape[0]
    with pp.Graph() as g:
        item = pp.SampleIndex() % len(images)
        img = pp.Constant(images)[item]
        if "items" in case.needs:      # the sample's image and the next three photos
            items = [resource.Resource(image=pp.Constant(images)[(item + k) % len(images)]) for k in range(4)]
            cls(items, **kwargs, p=1.0).output()
        elif "overlay" in case.needs:  # the next photo at half size, pasted into a fixed box
            overlay = pp.Constant([_overlay(im) for im in images])[(item + 1) % len(images)]
            g.output("image", cls(img, overlays=[{"image": overlay, "bbox": OVERLAY_BOX}], **kwargs, p=1.0))
        elif "reference" in case.needs:  # the next photo is the reference image
            reference = pp.Constant(images)[(item + 1) % len(images)]
            g.output("image", cls(img, reference_images=reference, **kwargs, p=1.0))
        elif case.needs:
            fields = {"image": img}
            if "boxes" in case.needs:
                fields["boxes"] = pp.Constant([boxes_for(size)] * len(images))[item]
            if "mask" in case.needs:
                fields["mask"] = pp.Constant([mask_for(size)] * len(images))[item]
            if case.name == "RandomCropNearBBox":   # the box to crop near, as albumentations' cropping_bbox
                fields["cropping_bbox"] = resource.Field(boxes_for(size)[0], "other")
            out = cls(resource.Resource(**fields), **kwargs, p=1.0)
            out.output()
        else:
            g.output("image", cls(img, **kwargs, p=1.0))
    return pp.compile(g, seed=0)


def pixelpipes_rate(pipeline, api: str, seconds: float, runs: int) -> Tuple[float, float]:
    """(images/s median, CPU seconds per wall second) of the pipeline: ``api`` "run" computes one
    image per call on the calling thread (``pipeline.run(k)`` in a loop, as albumentations' loop);
    "batches" streams ``pipeline.batches(BATCH, threads=1)`` (one worker thread, no Python per
    sample, every output copied or written into a batch buffer)."""
    if api == "run":
        return timed_calls(pipeline.run, seconds, runs)
    rates, loads = [], []
    it = pipeline.batches(BATCH, threads=1)
    try:
        next(it)   # warm-up: worker start, first buffers
        for _ in range(runs):
            n, t0, c0 = 0, time.perf_counter(), time.process_time()
            while True:
                next(it)
                n += BATCH
                elapsed = time.perf_counter() - t0
                if elapsed >= seconds and n >= 2 * BATCH:
                    break
            rates.append(n / elapsed)
            loads.append((time.process_time() - c0) / elapsed)
    finally:
        it.close()
    return statistics.median(rates), max(loads)


# -- albumentations --------------------------------------------------------------------------------

def albumentations_rate(case: Case, images, seconds: float, runs: int) -> Tuple[float, float]:
    import albumentations as A
    size = images[0].shape[0]
    transform = getattr(A, case.name)(**case.kwargs, p=1.0)
    extra: Dict[str, Any] = {}
    if "boxes" in case.needs:
        transform = A.Compose([transform], bbox_params=A.BboxParams(format="pascal_voc", label_fields=[]))
        extra["bboxes"] = boxes_for(size)
        if case.name == "RandomCropNearBBox":
            extra["cropping_bbox"] = [int(v) for v in boxes_for(size)[0]]   # it slices with these
    if "mask" in case.needs:
        extra["mask"] = mask_for(size)
    overlays = [_overlay(im) for im in images]

    def per_sample(k: int) -> Dict[str, Any]:
        if "items" in case.needs:
            return {"mosaic_metadata": [{"image": images[(k + j) % len(images)]} for j in (1, 2, 3)]}
        if "overlay" in case.needs:
            return {"overlay_metadata": [{"image": overlays[(k + 1) % len(images)], "bbox": OVERLAY_BOX}]}
        if "reference" in case.needs:
            return {transform.metadata_key: [images[(k + 1) % len(images)]]}
        return {}
    return timed_calls(lambda k: transform(image=images[k % len(images)], **extra, **per_sample(k))["image"],
                       seconds, runs)


def timed_calls(call, seconds: float, runs: int) -> Tuple[float, float]:
    """(images/s median, CPU seconds per wall second) of ``call(k)`` for k = 0, 1, 2, ... (one
    image per call): 3 warm-up calls, then ``runs`` runs of at least ``seconds`` and 4 calls."""
    k = 0
    for _ in range(3):
        call(k)
        k += 1
    rates, loads = [], []
    for _ in range(runs):
        n, t0, c0 = 0, time.perf_counter(), time.process_time()
        while True:
            call(k)
            k += 1
            n += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= seconds and n >= 4:
                break
        rates.append(n / elapsed)
        loads.append((time.process_time() - c0) / elapsed)
    return statistics.median(rates), max(loads)


# -- the run ---------------------------------------------------------------------------------------

def _fmt(rate: Optional[float]) -> str:
    if rate is None:
        return "—"
    return f"{rate:,.0f}".replace(",", " ") if rate >= 100 else f"{rate:.1f}"


def _error(e: BaseException) -> str:
    text = f"{type(e).__name__}: {e}".splitlines()[0]
    return (text[:117] + "...") if len(text) > 120 else text


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()}"


def summary(measured: Dict[str, List[Dict[str, Optional[float]]]]) -> List[str]:
    """Lines: per API, the median ratio over every row both libraries ran, and how many transforms
    are at least as fast as albumentations at every size, with the ones that are not."""
    lines = []
    for api in APIS:
        ratios = [r[api] for per_size in measured.values() for r in per_size if r[api]]
        if not ratios:
            continue
        slower = sorted(name for name, per_size in measured.items() if any((r[api] or 0) < 1.0 for r in per_size))
        lines.append(f"- {api}: median {statistics.median(ratios):.2f}x over {len(ratios)} rows; "
                     f"{len(measured) - len(slower)}/{len(measured)} transforms >= 1x at every size"
                     + (f"; slower somewhere: {', '.join(slower)}" if slower else ""))
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="256,512,1024", help="image sides, comma-separated")
    ap.add_argument("--seconds", type=float, default=1.0, help="minimum seconds per timed run")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per transform, size and library (median)")
    ap.add_argument("--close", type=float, default=0.08,
                    help="a run() ratio within this of 1 after --runs rounds is a close call: more rounds")
    ap.add_argument("--close-runs", type=int, default=9, help="rounds in all for a close call (default 9)")
    ap.add_argument("--only", default="", help="comma-separated transform names (default: all)")
    ap.add_argument("--quick", action="store_true", help="256 only, one run of 0.2 s (a smoke run, rough numbers)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown table written here")
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.seconds, args.runs, args.close_runs = "256", 0.2, 1, 1
    sizes = [int(s) for s in args.sizes.split(",") if s]
    only = {s for s in args.only.split(",") if s}

    import albumentations as A
    import pixelpipes as pp
    cv2.setNumThreads(1)
    load_before = os.getloadavg()

    cases = [("albumentations", c) for c in CASES] + [("torchvision", c) for c in TV_CASES]
    if only:
        cases = [(lib, c) for lib, c in cases if c.name in only]
    rows: List[str] = []
    measured: Dict[str, List[Dict[str, Optional[float]]]] = {}   # transform -> per size: api -> ratio
    missing: List[str] = []
    # (transform, size, side) -> the most CPU-s per s of its rounds, where above the limit
    overloads: Dict[Tuple[str, int, str], float] = {}
    todo = [(lib, c) for lib, c in cases if not c.skip and pixelpipes_plan(c, lib) is not None]
    total, done = len(todo) * len(sizes), 0
    images_by_size = {s: load_images(s) for s in sizes}
    for library, case in cases:
        plan = pixelpipes_plan(case, library)
        if plan is None:
            missing.append(case.name)
            continue
        if case.skip:
            rows.append(f"| {case.name} | | not measured: {case.skip} | | | | | |")
            continue
        cls, kwargs = plan
        via = f"`{cls.__name__}`" + ("" if kwargs == case.kwargs else f" ({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})")
        for size in sizes:
            images = images_by_size[size]
            done += 1
            ours: Dict[str, Optional[float]] = {api: None for api in APIS}
            ours_text: Dict[str, str] = {}
            theirs, theirs_text = None, "—"
            # Rounds alternate the two libraries (PixelPipes' APIs, then albumentations, per round)
            # and the ratio is the median of the rounds' ratios: a machine that slows down or
            # speeds up during the case weighs on both sides alike.
            our_rates: Dict[str, List[float]] = {api: [] for api in APIS}
            their_rates: List[float] = []
            pipeline, our_error, their_error = None, None, None

            def close_call() -> bool:   # run()'s ratio so far within args.close of 1: worth more rounds
                if our_error is not None or not their_rates or len(our_rates["run"]) != len(their_rates):
                    return False
                ratio = statistics.median(o / t for o, t in zip(our_rates["run"], their_rates))
                return abs(ratio - 1.0) < args.close

            rounds = 0
            while rounds < args.runs or (rounds < args.close_runs and close_call()):
                rounds += 1
                if our_error is None:
                    try:
                        pipeline = pipeline or pixelpipes_pipeline(cls, kwargs, case, images)
                        for api in APIS:
                            rate, our_load = pixelpipes_rate(pipeline, api, args.seconds, 1)
                            our_rates[api].append(rate)
                            if our_load > (1.3 if api == "batches" else 1.1):
                                key = (case.name, size, f"PixelPipes ({api})")
                                overloads[key] = max(our_load, overloads.get(key, 0.0))
                    except Exception as e:   # a transform that does not build or run here: reported, not fatal
                        our_error = e
                if library == "albumentations" and their_error is None:
                    try:
                        rate, their_load = albumentations_rate(case, images, args.seconds, 1)
                        their_rates.append(rate)
                        if their_load > 1.1:
                            key = (case.name, size, "albumentations")
                            overloads[key] = max(their_load, overloads.get(key, 0.0))
                    except Exception as e:
                        their_error = e
            for api in APIS:
                if our_error is not None:
                    ours_text[api] = f"error: {_error(our_error)}"
                else:
                    ours[api] = statistics.median(our_rates[api])
                    ours_text[api] = _fmt(ours[api])
            if their_error is not None:
                theirs_text = f"error: {_error(their_error)}"
            elif their_rates:
                theirs = statistics.median(their_rates)
                theirs_text = _fmt(theirs)
            ratios = {api: (statistics.median(o / t for o, t in zip(our_rates[api], their_rates))
                            if ours[api] and theirs else None) for api in APIS}
            ratio_text = {api: (f"{r:.2f}x" if r else "") for api, r in ratios.items()}
            name = f"{case.name} ({case.variant})" if case.variant else case.name
            if theirs:
                measured.setdefault(name, []).append(ratios)
            rows.append(f"| {name} | {size} | " + " | ".join(ours_text[a] for a in APIS) + f" | {theirs_text} | " +
                        " | ".join(ratio_text[a] for a in APIS) + f" | {via} |")
            print(f"[{done}/{total}] {name} {size}x{size}: PixelPipes " +
                  ", ".join(f"{a} {ours_text[a]}" for a in APIS) + f" img/s, albumentations {theirs_text} img/s " +
                  " ".join(ratio_text[a] for a in APIS), file=sys.stderr, flush=True)

    load_after = os.getloadavg()
    lines = [
        "# Catalog transforms: single-thread images/s, PixelPipes vs albumentations",
        "",
        f"- date: {datetime.date.today().isoformat()}; machine: {machine()}",
        f"- load average (1 min) before/after: {load_before[0]:.2f} / {load_after[0]:.2f}",
        f"- versions: pixelpipes {pp.__version__}, albumentations {A.__version__}, opencv {cv2.__version__}, "
        f"numpy {np.__version__}",
        "- command: `" + " ".join(["python benchmarks/catalog_speed.py", *(argv if argv is not None else sys.argv[1:])]) + "`",
        f"- regime: the 6 photos of examples/data/photos as uint8 RGB S x S in memory, p=1, one thread; "
        f"albumentations `t(image=img)` in a loop; PixelPipes `pipeline.run(k)` in a loop (one image per call on "
        f"the calling thread: the same regime) and, for comparison, `pipeline.batches({BATCH}, threads=1)` (one "
        f"worker thread writing batches); {args.runs} round(s) of >= {args.seconds} s per library, "
        f"alternating (up to {args.close_runs} where run()'s ratio is within {args.close:.0%} of 1); rates are "
        f"medians of the rounds, ratios medians of the rounds' ratios",
        *summary(measured),
        "",
        "| transform | size | PixelPipes run() img/s | PixelPipes batches img/s | albumentations img/s | run() / albumentations "
        "| batches / albumentations | PixelPipes class |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
    ]
    if missing:
        lines += ["", f"{NOT_IN_CHECKOUT}: " + ", ".join(missing)]
    warnings = [f"{name} {size}: {side} used up to {load:.2f} CPU-s per s" for (name, size, side), load in overloads.items()]
    if warnings:
        lines += ["", "warnings: " + "; ".join(warnings)]
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
