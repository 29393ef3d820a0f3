#!/usr/bin/env python3
"""docs/catalog.md: every albumentations spatial transform and every torchvision v2 geometric
transform, with the PixelPipes augmentation that does it (or why none does).

    python tools/catalog.py            # rewrite docs/catalog.md (what `make catalog` runs)
    python tools/catalog.py --check    # exit 1 if docs/catalog.md is stale or a transform is unaccounted for

Where the lists come from:

* albumentations (the installed 2.0.8, introspected): its spatial-level transforms are the
  exported subclasses of ``DualTransform`` that are not 3D (``Transform3D``): the 51 of the
  "Spatial-level transforms" table of its README. Its pixel-level transforms are the exported
  subclasses of ``ImageOnlyTransform`` (the README's "Pixel-level transforms" list).
* torchvision is not a dependency: its v2 transforms are the static lists below, copied from the
  "V2 API reference" of torchvision's docs (docs/source/transforms.rst: Geometry, then Color,
  Miscellaneous, Auto-Augmentation, CutMix - MixUp).
* PixelPipes: every class in ``pixelpipes.augment`` that sets ``references`` in its own body,
  e.g. ``references = {"albumentations": "Resize", "torchvision": "Resize"}`` (a value may also
  be a tuple of names). What it moves is its ``kinds``.

A transform without a PixelPipes class needs an entry in OUT_OF_SCOPE (why not) or PLANNED
(being written in issue 17); tests/python/test_catalog_doc.py fails otherwise, when an entry
there is stale (a class does it now), and when docs/catalog.md differs from what this writes.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "catalog.md"
ALBUMENTATIONS_VERSION = "2.0.8"

ALB, TV = "albumentations", "torchvision"
Key = Tuple[str, str]   # (library, transform name)

#: torchvision v2 "Geometry" (Resizing, Cropping, Others), in the order of its docs
TORCHVISION_GEOMETRY: Tuple[str, ...] = (
    "Resize", "ScaleJitter", "RandomShortestSize", "RandomResize",
    "RandomCrop", "RandomResizedCrop", "RandomIoUCrop", "CenterCrop", "FiveCrop", "TenCrop",
    "RandomHorizontalFlip", "RandomVerticalFlip", "Pad", "RandomZoomOut", "RandomRotation", "RandomAffine",
    "RandomPerspective", "ElasticTransform",
)

#: torchvision v2 Color, Miscellaneous (those that change pixels), Auto-Augmentation, CutMix - MixUp
TORCHVISION_PIXEL: Tuple[str, ...] = (
    "ColorJitter", "RandomChannelPermutation", "RandomPhotometricDistort", "Grayscale", "RGB", "RandomGrayscale",
    "GaussianBlur", "RandomInvert", "RandomPosterize", "RandomSolarize", "RandomAdjustSharpness",
    "RandomAutocontrast", "RandomEqualize",
    "GaussianNoise", "JPEG",
    "LinearTransformation", "Normalize", "RandomErasing",
    "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix",
    "CutMix", "MixUp",
)

#: the rest of torchvision v2's API reference: composition, the other miscellaneous transforms and
#: the conversions
TORCHVISION_OTHER: Tuple[str, ...] = (
    "Compose", "RandomApply", "RandomChoice", "RandomOrder",
    "Lambda", "SanitizeBoundingBoxes", "ClampBoundingBoxes", "UniformTemporalSubsample",
    "ToImage", "ToPureTensor", "PILToTensor", "ToPILImage", "ToDtype", "ConvertBoundingBoxFormat",
)

#: spatial transforms PixelPipes does not have and will not: one line each, why
OUT_OF_SCOPE: Dict[Key, str] = {
    (ALB, "FrequencyMasking"): "spectrogram (audio) transform; issue 17 leaves audio aside "
                               "(on images, XYMasking masks the same stripes)",
    (ALB, "TimeMasking"): "spectrogram (audio) transform; issue 17 leaves audio aside "
                          "(on images, XYMasking masks the same stripes)",
    (ALB, "TimeReverse"): "spectrogram (audio) transform; issue 17 leaves audio aside "
                          "(on images it is a horizontal flip: augment.RandomHorizontalFlip)",
    (ALB, "TextImage"): "renders user-supplied text with a font file (Pillow): text and fonts are not inputs of a "
                        "pixel pipeline",
    (TV, "SanitizeBoundingBoxes"): "not a step here: a Boxes declaration (min_area, min_width, min_height, ...) "
                                   "drops degenerate boxes and their labels after every transform",
    (TV, "ClampBoundingBoxes"): "not a step here: Boxes(clip=True) clips the boxes after every transform",
    (TV, "ConvertBoundingBoxFormat"): "not a step here: Boxes(format=...) converts on the way in and out",
    (TV, "UniformTemporalSubsample"): "video frames: PixelPipes samples are images",
    (TV, "ToImage"): "type conversion: PixelPipes outputs are NumPy arrays or torch tensors already "
                     "(pipeline.batches, pixelpipes.torch)",
    (TV, "ToPureTensor"): "type conversion: PixelPipes has no tv_tensors wrappers to strip",
    (TV, "PILToTensor"): "type conversion: PixelPipes decodes to arrays, there are no PIL images",
    (TV, "ToPILImage"): "type conversion: PixelPipes decodes to arrays, there are no PIL images",
    (TV, "ToDtype"): "not an augmentation: color.convert_depth changes the dtype with scaling, "
                     "augment.Normalize / ToFloat return f32",
}

#: spatial transforms being written in issue 17 (remove an entry when its class lands: the test
#: fails while an entry here has a class); the text says what does it today, if anything
PLANNED: Dict[Key, str] = {}


# -- the reference lists ---------------------------------------------------------------------------

def _albumentations():
    import albumentations
    if albumentations.__version__ != ALBUMENTATIONS_VERSION:
        raise SystemExit(f"docs/catalog.md is made from albumentations {ALBUMENTATIONS_VERSION}; "
                         f"this is {albumentations.__version__} (pip install -r requirements-dev.txt)")
    return albumentations


def _albumentations_subclasses(base_name: str) -> List[str]:
    A = _albumentations()
    from albumentations.core import transforms_interface as ti
    base = getattr(ti, base_name)
    names = []
    for name in dir(A):
        cls = getattr(A, name)
        if (inspect.isclass(cls) and issubclass(cls, base) and cls is not base
                and not issubclass(cls, A.Transform3D)):
            names.append(name)
    return sorted(names)


def albumentations_spatial() -> List[str]:
    """albumentations' spatial-level transforms: DualTransform subclasses, 3D ones aside."""
    return _albumentations_subclasses("DualTransform")


def albumentations_pixel() -> List[str]:
    """albumentations' pixel-level transforms: ImageOnlyTransform subclasses."""
    return _albumentations_subclasses("ImageOnlyTransform")


def spatial_keys() -> List[Key]:
    return [(ALB, n) for n in albumentations_spatial()] + [(TV, n) for n in TORCHVISION_GEOMETRY]


def pixel_keys() -> List[Key]:
    return [(ALB, n) for n in albumentations_pixel()] + [(TV, n) for n in TORCHVISION_PIXEL]


def other_keys() -> List[Key]:
    return [(TV, n) for n in TORCHVISION_OTHER]


def all_keys() -> List[Key]:
    return spatial_keys() + pixel_keys() + other_keys()


# -- PixelPipes' side ------------------------------------------------------------------------------

def augmentation_classes() -> List[type]:
    """Classes of pixelpipes.augment (any of its modules) that set ``references`` themselves."""
    import pixelpipes.augment as augment
    found = {}
    for info in pkgutil.iter_modules(augment.__path__, augment.__name__ + "."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and "references" in cls.__dict__:
                found[cls.__name__] = cls
    return [found[n] for n in sorted(found)]


def references_of(cls) -> List[Key]:
    keys = []
    for library, names in cls.__dict__["references"].items():
        for name in ((names,) if isinstance(names, str) else tuple(names)):
            keys.append((library, name))
    return keys


def implementations() -> Dict[Key, List[type]]:
    """(library, transform) -> the PixelPipes classes that say they implement it."""
    out: Dict[Key, List[type]] = {}
    for cls in augmentation_classes():
        for key in references_of(cls):
            out.setdefault(key, []).append(cls)
    return out


_KIND_ORDER = ("image", "mask", "masks", "boxes", "points", "keypoints", "polygons")


def moves(cls) -> str:
    kinds = tuple(getattr(cls, "kinds", ()))
    return ", ".join(k for k in _KIND_ORDER if k in kinds) + "".join(
        f", {k}" for k in kinds if k not in _KIND_ORDER and k != "other")


def _p_default(cls) -> Optional[float]:
    p = inspect.signature(cls).parameters.get("p")
    return None if p is None or p.default is inspect.Parameter.empty else p.default


def differences(cls, key: Key) -> str:
    """How a class differs from the albumentations transform it names: the default p and the
    constructor arguments it does not take (torchvision is not importable here: not checked)."""
    library, name = key
    own = (cls.__dict__.get("differences") or {}).get(library, "")   # the class's known behaviour differences
    if library != ALB:
        return own
    A = _albumentations()
    theirs = inspect.signature(getattr(A, name).__init__).parameters
    ours = inspect.signature(cls).parameters
    notes = []
    their_p = theirs["p"].default if "p" in theirs else None
    if their_p is not None and _p_default(cls) is not None and float(_p_default(cls)) != float(their_p):
        notes.append(f"p defaults to {_p_default(cls)} (albumentations: {their_p})")
    missing = [a for a, v in theirs.items() if a not in ("self", "p", "strict") and v.kind not in
               (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD) and a not in ours]
    if missing:
        notes.append("arguments not taken: " + ", ".join(missing))
    if own:
        notes.append(own)
    return "; ".join(notes)


# -- the page --------------------------------------------------------------------------------------

def unaccounted() -> List[Key]:
    """Reference transforms with neither a PixelPipes class, nor a reason, nor a plan."""
    done = implementations()
    return [k for k in all_keys() if k not in done and k not in OUT_OF_SCOPE and k not in PLANNED]


def stale_entries() -> List[str]:
    """OUT_OF_SCOPE/PLANNED entries that a class covers now, or that name no reference transform."""
    done, known = implementations(), set(all_keys())
    problems = []
    for table, entries in (("OUT_OF_SCOPE", OUT_OF_SCOPE), ("PLANNED", PLANNED)):
        for key in entries:
            if key in done:
                problems.append(f"{table}[{key}]: done by {', '.join(c.__name__ for c in done[key])}; remove the entry")
            if key not in known:
                problems.append(f"{table}[{key}]: not a transform of the reference lists")
    both = set(OUT_OF_SCOPE) & set(PLANNED)
    problems += [f"{key} is both out of scope and planned" for key in sorted(both)]
    return problems


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _row(key: Key, done: Dict[Key, List[type]], pixel: bool) -> str:
    library, name = key
    classes = done.get(key, [])
    if classes:
        ours = "<br>".join(f"`augment.{c.__name__}`" for c in classes)
        what = "<br>".join(moves(c) for c in classes)
        diff = "<br>".join(_cell(differences(c, key)) for c in classes if differences(c, key))
        why = ""
    elif key in OUT_OF_SCOPE:
        ours, what, diff, why = "—", "", "", _cell(OUT_OF_SCOPE[key])
    elif key in PLANNED:
        ours, what, diff, why = "planned (issue 17)", "", _cell(PLANNED[key]), ""
    else:
        ours, what, diff, why = "**missing**", "", "", ""
    return f"| `{name}` | {ours} | {what} | {diff} | {why} |"


def _table(keys: Iterable[Key], done, pixel: bool, head: str) -> List[str]:
    lines = [f"| {head} | PixelPipes | moves | differences, notes | out of scope: why |", "|---|---|---|---|---|"]
    lines += [_row(k, done, pixel) for k in keys]
    return lines


def _count(keys: List[Key], done) -> str:
    n = sum(k in done for k in keys)
    planned = sum(k in PLANNED and k not in done for k in keys)
    out = sum(k in OUT_OF_SCOPE and k not in done for k in keys)
    parts = [f"{n} of {len(keys)} done"]
    if planned:
        parts.append(f"{planned} planned")
    if out:
        parts.append(f"{out} out of scope")
    return ", ".join(parts)


def render() -> str:
    done = implementations()
    alb = [(ALB, n) for n in albumentations_spatial()]
    tv = [(TV, n) for n in TORCHVISION_GEOMETRY]
    alb_px = [(ALB, n) for n in albumentations_pixel()]
    tv_px = [(TV, n) for n in TORCHVISION_PIXEL]
    tv_other = other_keys()
    lines = [
        "# Transform catalog",
        "",
        "<!-- Generated by tools/catalog.py (`make catalog`); do not edit: tests/python/test_catalog_doc.py "
        "fails when this page is stale. -->",
        "",
        f"Every transform of albumentations {ALBUMENTATIONS_VERSION} (3D transforms aside) and of "
        "torchvision's v2 API, with the `pixelpipes.augment` class that does it, or one line on why "
        "PixelPipes has none. A class names the "
        "reference transforms it implements in its `references` attribute; this page is generated from "
        "those. **moves** is the field kinds of a `Resource` the class changes (see "
        "[Augmentations](augment.md)); **differences** lists, for albumentations' transforms, a default "
        "`p` other than albumentations' and the constructor arguments the class does not take "
        "(albumentations' `p` and `strict` aside), and for both libraries the known differences in "
        "behaviour the class declares (its `differences` attribute; the details are in augment.md).",
        "",
        f"- albumentations spatial-level transforms: {_count(alb, done)}.",
        f"- torchvision v2 geometric transforms: {_count(tv, done)}.",
        f"- albumentations pixel-level transforms: {_count(alb_px, done)}.",
        f"- torchvision v2 color, miscellaneous, automatic augmentation and mixing transforms: "
        f"{_count(tv_px, done)}.",
        f"- torchvision v2 composition, bounding-box and conversion transforms: {_count(tv_other, done)}.",
        "",
        f"## albumentations {ALBUMENTATIONS_VERSION}: spatial-level transforms",
        "",
        "The exported subclasses of `DualTransform`, 3D transforms aside (the README's "
        "\"Spatial-level transforms\" table).",
        "",
        *_table(alb, done, False, "albumentations"),
        "",
        "## torchvision v2: geometric transforms",
        "",
        "The \"Geometry\" section of torchvision's v2 API reference (resizing, cropping, others).",
        "",
        *_table(tv, done, False, "torchvision"),
        "",
        f"## albumentations {ALBUMENTATIONS_VERSION}: pixel-level transforms",
        "",
        "The exported subclasses of `ImageOnlyTransform` (the README's \"Pixel-level transforms\" table). "
        "They change image fields only: masks, boxes and keypoints pass through.",
        "",
        *_table(alb_px, done, True, "albumentations"),
        "",
        "## torchvision v2: color, miscellaneous, automatic augmentation and mixing transforms",
        "",
        *_table(tv_px, done, True, "torchvision"),
        "",
        "## torchvision v2: composition, bounding boxes and conversions",
        "",
        *_table(tv_other, done, True, "torchvision"),
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if docs/catalog.md is stale; write nothing")
    ap.add_argument("--out", type=Path, default=OUTPUT)
    args = ap.parse_args(argv)
    text = render()
    problems = [f"no PixelPipes class, reason or plan: {lib} {name}" for lib, name in unaccounted()]
    problems += stale_entries()
    if args.check:
        current = args.out.read_text() if args.out.exists() else ""
        if current != text:
            problems.append(f"{args.out} is stale: run `make catalog`")
    else:
        args.out.write_text(text)
        print(f"wrote {args.out}")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
