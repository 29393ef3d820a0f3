"""Optics and segmentation effects on image fields, named and parameterized as albumentations 2.0's
Superpixels, RingingOvershoot and ChromaticAberration. Masks, boxes and keypoints pass through
unchanged; every image field of a sample gets the same draws."""
from __future__ import annotations

import math as _pymath

from ..flow import Select
from ..node import as_node
from ..ops import filter as flt
from ..ops import image, math, random
from ._common import _is_number, _sub, _uniform
from .base import Augmentation
from .blur import _blur_limit, _range, _within

# cv2's interpolation flags -> the names image.superpixels / image.chromatic_aberration take
_CV2 = {0: "nearest", 1: "linear", 2: "cubic", 3: "area", 4: "lanczos", 5: "linear_exact", 6: "nearest_exact"}


def _cv_interpolation(value) -> str:
    if isinstance(value, str) and value in _CV2.values():
        return value
    if _is_number(value) and int(value) in _CV2:
        return _CV2[int(value)]
    raise ValueError(f"interpolation must be an OpenCV flag (cv2.INTER_*) or one of {sorted(_CV2.values())}, "
                     f"not {value!r}")


class Superpixels(Augmentation):
    """Superpixel replacement (albumentations' Superpixels, image.superpixels): the image is
    resized so its longer side is at most ``max_size`` (None: never), segmented by albumentations'
    own SLIC into about n ~ integer uniform in ``n_segments`` (both ends included) segments, each
    segment replaced by its mean color with probability p ~ uniform(``p_replace``) (one uniform
    per segment, drawn for n segments), and resized back with ``interpolation``; when no segment is
    replaced the image is returned unchanged. A number v means (0, v) for ``p_replace`` and
    (1, v) for ``n_segments`` (albumentations' to_tuple). u8 images. Masks, boxes and keypoints do not change.
    p defaults to 0.5."""

    references = {"albumentations": "Superpixels"}
    default_p = 0.5

    @staticmethod
    def configure(p_replace=(0, 0.1), n_segments=(100, 100), max_size=128, interpolation=1):
        # albumentations' to_tuple: a number v is (0, v) for p_replace, (1, v) for n_segments
        pr = _within(_range(p_replace, "p_replace", low=0), "p_replace", 0, 1)
        if _is_number(n_segments):
            n = (min(1, int(n_segments)), max(1, int(n_segments)))
        elif isinstance(n_segments, (list, tuple)) and len(n_segments) == 2 and all(_is_number(v) for v in n_segments):
            n = (int(n_segments[0]), int(n_segments[1]))
        else:
            raise ValueError(f"n_segments must be an int or a pair of ints, not {n_segments!r}")
        if n[0] < 1 or n[0] > n[1]:
            raise ValueError(f"n_segments must be >= 1 and not decreasing, not {n_segments!r}")
        if max_size is not None and (not _is_number(max_size) or int(max_size) < 1):
            raise ValueError(f"max_size must be an int >= 1 or None, not {max_size!r}")
        return dict(p_replace=pr, n_segments=n, max_size=0 if max_size is None else int(max_size),
                    interpolation=_cv_interpolation(interpolation))

    @classmethod
    def _params(cls, res, ref, config, label):
        lo, hi = config["n_segments"]
        n = lo if lo == hi else random.Integer(lo, hi + 1, label=_sub(label, "n_segments"))
        p = _uniform(*config["p_replace"], label=_sub(label, "p_replace"))
        draws = random.Uniform(0.0, 1.0, dtype="f64", shape=[hi], label=_sub(label, "segments"))
        return as_node(n), as_node(p), draws

    def apply(self, kind, field, ref, n, p, draws):
        c = self.config
        return image.Superpixels(field, n, draws, p, max_size=c["max_size"], interpolation=c["interpolation"])


class RingingOvershoot(Augmentation):
    """Ringing and overshoot artifacts (albumentations' RingingOvershoot, filter.sinc_filter): the
    image convolved (reflect_101 borders) with a 2-D sinc low-pass kernel (filter.sinc_kernel, its
    mirror symmetries folded) of size k ~ the odd
    sizes in ``blur_limit`` (uniform; an int k means (3, k)) and cutoff ~ uniform(``cutoff``)
    within [0, pi]. Masks, boxes and keypoints do not change. p defaults to 0.5."""

    references = {"albumentations": "RingingOvershoot"}
    default_p = 0.5

    @staticmethod
    def configure(blur_limit=(7, 15), cutoff=(_pymath.pi / 4, _pymath.pi / 2)):
        lo, hi = _blur_limit(blur_limit)
        cut = _within(_range(cutoff, "cutoff", low=0), "cutoff", 0, _pymath.pi)
        return dict(sizes=tuple(range(lo, hi + 1, 2)), cutoff=cut)

    @classmethod
    def _params(cls, res, ref, config, label):
        sizes = config["sizes"]
        size = sizes[0] if len(sizes) == 1 else math.Add(
            math.Multiply(random.Integer(0, len(sizes), label=_sub(label, "kernel")), 2), sizes[0])
        cutoff = _uniform(*config["cutoff"], label=_sub(label, "cutoff"))
        return as_node(size), as_node(cutoff)

    def apply(self, kind, field, ref, size, cutoff):
        return flt.SincFilter(field, size, cutoff)


def _match_sign(a, b):
    """b with a's sign where their signs differ (albumentations' _match_sign)."""
    return Select(a * b < 0.0, -b, b)


def _unmatch_sign(a, b):
    """b with the opposite of a's sign where their signs agree (albumentations' _unmatch_sign)."""
    return Select(a * b > 0.0, -b, b)


class ChromaticAberration(Augmentation):
    """Lateral chromatic aberration (albumentations' ChromaticAberration,
    image.chromatic_aberration): the red and blue channels are radially distorted about the
    center with OpenCV's camera model, (k1, k2) per channel: k1 ~ uniform(``primary_distortion_limit``),
    k2 ~ uniform(``secondary_distortion_limit``) (a number v means (-v, v)), k2 given k1's sign;
    ``mode`` "green_purple" gives blue red's signs, "red_blue" the opposite signs, "random" leaves
    them. RGB u8 images. Masks, boxes and keypoints do not change. p defaults to 0.5."""

    references = {"albumentations": "ChromaticAberration"}
    default_p = 0.5

    @staticmethod
    def configure(primary_distortion_limit=(-0.02, 0.02), secondary_distortion_limit=(-0.05, 0.05),
                  mode: str = "green_purple", interpolation=1):
        if mode not in ("green_purple", "red_blue", "random"):
            raise ValueError(f"mode must be 'green_purple', 'red_blue' or 'random', not {mode!r}")
        return dict(primary=_range(primary_distortion_limit, "primary_distortion_limit"),
                    secondary=_range(secondary_distortion_limit, "secondary_distortion_limit"),
                    mode=mode, interpolation=_cv_interpolation(interpolation))

    @classmethod
    def _params(cls, res, ref, config, label):
        def u(r, name):
            return as_node(_uniform(*r, label=_sub(label, name)))
        pr, sr = u(config["primary"], "primary_red"), u(config["secondary"], "secondary_red")
        pb, sb = u(config["primary"], "primary_blue"), u(config["secondary"], "secondary_blue")
        sr, sb = _match_sign(pr, sr), _match_sign(pb, sb)
        if config["mode"] == "green_purple":
            pb, sb = _match_sign(pr, pb), _match_sign(sr, sb)
        elif config["mode"] == "red_blue":
            pb, sb = _unmatch_sign(pr, pb), _unmatch_sign(sr, sb)
        return pr, sr, pb, sb

    def apply(self, kind, field, ref, pr, sr, pb, sb):
        return image.ChromaticAberration(field, pr, sr, pb, sb, interpolation=self.config["interpolation"])
