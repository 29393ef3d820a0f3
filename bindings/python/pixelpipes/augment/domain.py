"""Domain adaptation: the image's style moved toward a reference image's (albumentations 2.0's
HistogramMatching, FDA, PixelDistributionAdaptation), and H&E stain augmentation (HEStain).

Where the reference image comes from (``reference_images=``, one reference per sample, shared by
every image field of the sample):

* a list of file paths (``str`` / ``os.PathLike``): one path is chosen uniformly per sample and
  the file is read and decoded (JPEG or PNG, RGB u8) in the graph, on the worker threads;
* a list of pre-loaded images (numpy u8 arrays): one chosen uniformly per sample;
* a node: an image node (e.g. another field of the dataset item, or ``Constant(images)[index]``),
  used as is, or a list node of images, one element chosen uniformly per sample;
* nothing (``None``, the default) with a Resource source: the Resource's field named
  ``metadata_key`` (albumentations' name for where its reference images live; an image field or
  a field holding a list of images, one chosen per sample).

albumentations' ``read_fn`` is not taken: files are decoded by the graph (``image.decode``).
Images are u8 with the reference's channel count.
"""
from __future__ import annotations

import inspect
import os
from typing import Optional

import numpy as np

from ..node import Constant, Node, as_node
from ..ops import color, image, io, random
from ..ops import list as _list
from ..resource import Resource
from ._common import _is_node, _size_int, _sub, _uniform
from .base import Augmentation
from .blur import _range, _within


def _check_reference_images(reference_images):
    """Checks the argument; returns it normalized (a tuple of paths, a tuple of arrays, a node, or None)."""
    if reference_images is None or _is_node(reference_images):
        return reference_images
    if isinstance(reference_images, np.ndarray):
        return as_node(reference_images)
    if isinstance(reference_images, (str, os.PathLike)):
        reference_images = [reference_images]
    if not isinstance(reference_images, (list, tuple)) or not reference_images:
        raise ValueError("reference_images must be a non-empty list of file paths or images, or a node, not "
                         f"{reference_images!r}")
    if all(isinstance(r, (str, os.PathLike)) for r in reference_images):
        return tuple(os.fspath(r) for r in reference_images)
    if all(isinstance(r, np.ndarray) for r in reference_images):
        for r in reference_images:
            if r.dtype != np.uint8 or r.ndim not in (2, 3):
                raise ValueError(f"reference images must be u8 H x W or H x W x C arrays, not {r.dtype} {r.shape}")
        return tuple(reference_images)
    raise ValueError("reference_images must be all file paths or all numpy images")


def _reference_source(reference_images, metadata_key: str, source) -> Node:
    """The node the reference is drawn from: an image, a list of images, or a list of paths."""
    refs = _check_reference_images(reference_images)
    if refs is None:
        if isinstance(source, Resource) and metadata_key in source.kinds:
            return source[metadata_key]
        raise ValueError(f"no reference images: pass reference_images= (file paths, images or a node) or give "
                         f"the Resource a field named {metadata_key!r}")
    if _is_node(refs):
        return refs
    return Constant(list(refs))


class _DomainAdaptation(Augmentation):
    """A transform with a reference image: ``_params`` = (reference image node, *draws)."""

    kinds = ("image",)
    default_p = 0.5
    _metadata_key = ""

    @classmethod
    def _build(cls, source, *args, label: Optional[str] = None, **kwargs):
        bound = inspect.signature(cls.configure).bind(*args, **{k: v for k, v in kwargs.items() if k != "p"})
        reference_images = bound.arguments.get("reference_images")
        metadata_key = bound.arguments.get("metadata_key", cls._metadata_key)
        config, p = cls._checked_config(args, kwargs)

        def augmented():
            ref_src = _reference_source(reference_images, metadata_key, source)
            return cls._apply_to(source, config, label, params=cls._params_with(ref_src, source, config, label))
        return cls._maybe(source, p, label, augmented)

    @classmethod
    def _params_with(cls, ref_src, source, config, label):
        reference = type.__call__(cls, ref_src, label=_sub(label, "reference"), _part="draw", **config)
        return (reference,) + tuple(cls._draws(config, label))

    @classmethod
    def _params(cls, res, ref, config, label):
        """The random draws only (the reference comes from _build); used by the tests."""
        return tuple(cls._draws(config, label))

    @classmethod
    def _draws(cls, config, label):
        return (as_node(_uniform(*config["blend_ratio"], label=_sub(label, "blend"))),)

    def draw(self, src: Node) -> Node:
        """This sample's reference image: src itself, or a random element of a list (of images or paths)."""
        t = src.type
        if t is not None and t.kind == "list":
            item = _list.RandomElement(src)
            if getattr(t, "element", None) is not None and t.element.kind == "string":
                return image.Decode(io.ReadFile(item), mode="rgb")
            return item
        if t is not None and t.kind == "string":
            return image.Decode(io.ReadFile(src), mode="rgb")
        return src


def _blend_ratio(value, default):
    return _within(_range(value, "blend_ratio"), "blend_ratio", 0, 1) if value is not None else default


def _metadata_key(value):
    if not isinstance(value, str):
        raise ValueError(f"metadata_key must be a string, not {value!r}")
    return value


class HistogramMatching(_DomainAdaptation):
    """Histogram matching toward a reference image (albumentations' HistogramMatching,
    color.match_histograms): per channel, each level moves to the reference's level at the same
    cumulative fraction (skimage's match_histograms, truncated to u8), blended with the original
    by blend ~ uniform(``blend_ratio``) within [0, 1] and rounded. The reference is this sample's
    (see the module: ``reference_images=`` file paths, images or a node, else the Resource's
    field ``metadata_key``). u8 images. Masks, boxes and keypoints do not change. p defaults to 0.5."""

    references = {"albumentations": "HistogramMatching"}
    differences = {"albumentations": "the reference's histogram is taken over the whole reference (albumentations "
                                     "first resizes it to the image's size: the same result for a reference of "
                                     "that size); the blend rounds to nearest (albumentations' simsimd blend "
                                     "rounds by CPU: within 1 level); reference files are decoded in the graph"}
    _metadata_key = "hm_metadata"

    @staticmethod
    def configure(reference_images=None, blend_ratio=(0.5, 1.0), metadata_key: str = "hm_metadata"):
        _check_reference_images(reference_images)
        return dict(blend_ratio=_blend_ratio(blend_ratio, (0.5, 1.0)), metadata_key=_metadata_key(metadata_key))

    def apply(self, kind, field, ref, reference, blend):
        return color.MatchHistograms(field, reference, blend)


class FDA(_DomainAdaptation):
    """Fourier domain adaptation (albumentations' FDA, color.fourier_domain_adaptation): the
    reference is resized to the image's size (linear), and per channel the low-frequency
    amplitudes of the image's centered spectrum, in a window of half-size floor(min(H, W) beta),
    beta ~ uniform(``beta_limit``) within [0, 0.5] (a number b means (0, b)), become the
    reference's while the phases stay the image's; the inverse DFT's real part is clipped and
    truncated to u8 (albumentations' arithmetic). Reference as HistogramMatching's. u8 images.
    Masks, boxes and keypoints do not change. p defaults to 0.5."""

    references = {"albumentations": "FDA"}
    differences = {"albumentations": "reference files are decoded in the graph; pixels within DFT rounding noise "
                                     "of an integer may truncate to the neighboring level"}
    _metadata_key = "fda_metadata"

    @staticmethod
    def configure(reference_images=None, beta_limit=(0, 0.1), metadata_key: str = "fda_metadata"):
        _check_reference_images(reference_images)
        beta = _within(_range(beta_limit, "beta_limit", low=0), "beta_limit", 0, 0.5)
        return dict(beta_limit=beta, metadata_key=_metadata_key(metadata_key))

    @classmethod
    def _draws(cls, config, label):
        return (as_node(_uniform(*config["beta_limit"], label=_sub(label, "beta"))),)

    def apply(self, kind, field, ref, reference, beta):
        w, h = _size_int(field)
        return color.FourierDomainAdaptation(field, image.Resize(reference, w, h, interpolation="linear"), beta)


class PixelDistributionAdaptation(_DomainAdaptation):
    """Pixel distribution adaptation (albumentations' PixelDistributionAdaptation,
    color.pixel_distribution_adaptation): the pixel vectors x / 255 go through ``transform_type``
    ("pca", "standard" or "minmax") fitted on the image, then the inverse of the same transform
    fitted on the reference; the result, clipped to [0, 1] and scaled to [0, 255], is blended with
    the original by blend ~ uniform(``blend_ratio``) within [0, 1] and truncated. Reference as
    HistogramMatching's. u8 images. Masks, boxes and keypoints do not change. p defaults to 0.5."""

    references = {"albumentations": "PixelDistributionAdaptation"}
    differences = {"albumentations": "the adapted image is scaled back to [0, 255] before blending; albumentations "
                                     "2.0.8 blends its [0, 1] values with the u8 image (its output is about "
                                     "image * (1 - blend), a bug); statistics over the whole reference (albumentations "
                                     "resizes it to the image's (width, height) swapped first); PCA eigenvector "
                                     "signs follow a fixed convention (largest entry positive; OpenCV's own signs "
                                     "differ between versions, which changes albumentations' result)"}
    _metadata_key = "pda_metadata"

    @staticmethod
    def configure(reference_images=None, blend_ratio=(0.25, 1.0), transform_type: str = "pca",
                  metadata_key: str = "pda_metadata"):
        _check_reference_images(reference_images)
        if transform_type not in ("pca", "standard", "minmax"):
            raise ValueError(f"transform_type must be 'pca', 'standard' or 'minmax', not {transform_type!r}")
        return dict(blend_ratio=_blend_ratio(blend_ratio, (0.25, 1.0)), transform_type=transform_type,
                    metadata_key=_metadata_key(metadata_key))

    def apply(self, kind, field, ref, reference, blend):
        return color.PixelDistributionAdaptation(field, reference, blend, transform=self.config["transform_type"])


# albumentations' STAIN_MATRICES (rows: hematoxylin, eosin optical density vectors), in its order
STAIN_PRESETS = {
    "ruifrok": [[0.644211, 0.716556, 0.266844], [0.092789, 0.954111, 0.283111]],
    "macenko": [[0.5626, 0.7201, 0.4062], [0.2159, 0.8012, 0.5581]],
    "standard": [[0.65, 0.70, 0.29], [0.07, 0.99, 0.11]],
    "high_contrast": [[0.55, 0.88, 0.11], [0.12, 0.86, 0.49]],
    "h_heavy": [[0.75, 0.61, 0.32], [0.04, 0.93, 0.36]],
    "e_heavy": [[0.60, 0.75, 0.28], [0.17, 0.95, 0.25]],
    "dark": [[0.78, 0.55, 0.28], [0.09, 0.97, 0.21]],
    "light": [[0.57, 0.71, 0.38], [0.15, 0.89, 0.42]],
}


class HEStain(Augmentation):
    """H&E stain augmentation for histology (albumentations' HEStain, color.he_stain): the image's
    optical densities are split into hematoxylin and eosin concentrations by a stain matrix, each
    concentration scaled by uniform(``intensity_scale_range``) and shifted by
    uniform(``intensity_shift_range``) (two independent draws each), and the image rebuilt; only
    tissue pixels (luma < 0.85) change concentrations unless ``augment_background``. The stain
    matrix: ``method="preset"`` the ``preset`` (default "standard"), ``"random_preset"`` one of the
    eight presets uniformly per sample, ``"macenko"`` / ``"vahadane"`` estimated from the image
    itself (color.macenko_stain_matrix, color.vahadane_stain_matrix: albumentations' Macenko and
    SimpleNMF fits). RGB u8 images. Masks, boxes and keypoints do not change. p defaults to 0.5."""

    references = {"albumentations": "HEStain"}
    differences = {"albumentations": "eigenvector signs in the Macenko fit follow a fixed convention (largest "
                                     "entry positive; OpenCV's own signs differ between versions)"}
    kinds = ("image",)
    default_p = 0.5

    @staticmethod
    def configure(method: str = "random_preset", preset: Optional[str] = None,
                  intensity_scale_range=(0.7, 1.3), intensity_shift_range=(-0.2, 0.2),
                  augment_background: bool = False):
        if method not in ("preset", "random_preset", "vahadane", "macenko"):
            raise ValueError(f"method must be 'preset', 'random_preset', 'vahadane' or 'macenko', not {method!r}")
        if method == "preset" and preset is None:
            preset = "standard"
        if method == "random_preset" and preset is not None:
            raise ValueError("preset should not be specified when method='random_preset'")
        if preset is not None and preset not in STAIN_PRESETS:
            raise ValueError(f"preset must be one of {sorted(STAIN_PRESETS)}, not {preset!r}")
        scale = _within(_range(intensity_scale_range, "intensity_scale_range"), "intensity_scale_range", 0)
        shift = _within(_range(intensity_shift_range, "intensity_shift_range"), "intensity_shift_range", -1, 1)
        return dict(method=method, preset=preset, intensity_scale_range=scale, intensity_shift_range=shift,
                    augment_background=bool(augment_background))

    @classmethod
    def _params(cls, res, ref, config, label):
        if config["method"] == "random_preset":
            presets = Constant([np.array(m, np.float32) for m in STAIN_PRESETS.values()])
            stain = _list.Element(presets, random.Integer(0, len(STAIN_PRESETS), label=_sub(label, "preset")))
        elif config["method"] == "preset":
            stain = Constant(np.array(STAIN_PRESETS[config["preset"]], np.float32))
        else:
            stain = None
        lo, hi = config["intensity_scale_range"]
        scale = random.Uniform(lo, hi, shape=[2], label=_sub(label, "scale"))
        lo, hi = config["intensity_shift_range"]
        shift = random.Uniform(lo, hi, shape=[2], label=_sub(label, "shift"))
        return (scale, shift) if stain is None else (scale, shift, stain)

    def apply(self, kind, field, ref, scale, shift, stain=None):
        if stain is None:  # fitted on this image
            stain = color.MacenkoStainMatrix(field) if self.config["method"] == "macenko" \
                else color.VahadaneStainMatrix(field)
        return color.HeStain(field, stain, scale, shift, augment_background=self.config["augment_background"])
