"""Noise on image fields, named and parameterized as albumentations 2.0.8's: GaussNoise,
AdditiveNoise, MultiplicativeNoise, ShotNoise, ISONoise, SaltAndPepper. Masks, boxes and keypoints
pass through; every image field of a sample gets the same parameter draws (and its own noise).

Per-pixel noise comes from PixelPipes' random streams (deterministic by seed and sample), not
NumPy's or OpenCV's generators: the noise has albumentations' distribution, not its bits. What is
deterministic (how a parameter and a noise value combine with a pixel) is albumentations'
arithmetic: u8 images get x + trunc(n) saturated for additive noise, trunc(clip(x * m)) for
multiplicative noise."""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..node import as_node
from ..ops import color, noise, random, tensor
from ..ops import math as pmath
from ._common import _channels, _is_number, _sub
from .base import Augmentation


# -- helpers -------------------------------------------------------------------------------------

def _range(value, what: str, low: Optional[float] = None, high: Optional[float] = None):
    """A (min, max) pair within [low, high], min <= max (albumentations' check_range_bounds and
    nondecreasing)."""
    if not (isinstance(value, (list, tuple)) and len(value) == 2 and all(_is_number(v) for v in value)):
        raise ValueError(f"{what} must be a (min, max) pair of numbers, not {value!r}")
    lo, hi = float(value[0]), float(value[1])
    if lo > hi:
        raise ValueError(f"{what}: {value!r} has min > max")
    if (low is not None and lo < low) or (high is not None and hi > high):
        raise ValueError(f"{what}: {value!r} must lie within [{low}, {'inf' if high is None else high}]")
    return lo, hi


def _draw(lo: float, hi: float, label, shape=None):
    """albumentations' uniform(lo, hi) draw (f64), or the constant when lo == hi."""
    if lo == hi and shape is None:
        return np.float64(lo)
    if shape is None:
        return random.Uniform(lo, hi, dtype="f64", label=label)
    return random.Uniform(lo, hi, dtype="f64", shape=list(shape), label=label)


def _max_value(field) -> float:
    """albumentations' MAX_VALUES_BY_DTYPE for the field's dtype (u8 when unknown)."""
    try:
        dtype = field.type.dtype
    except Exception:
        dtype = None
    return {"f32": 1.0, "u16": 65535.0}.get(dtype, 255.0)


def _flag(value, what: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{what} must be a bool, not {value!r}")
    return bool(value)


# -- transforms ----------------------------------------------------------------------------------

class GaussNoise(Augmentation):
    """Adds Gaussian noise: sigma = uniform(std_range) and mu = uniform(mean_range) per sample,
    fractions of the image's maximum (255 for u8, 1 for f32); the noise n ~ normal(mu, sigma) *
    max, one value per image value (``per_channel``, the default) or one per pixel shared by its
    channels. u8: x + trunc(n), saturated; f32: clip(x + n, 0, 1). ``noise_scale_factor`` f < 1
    draws the noise on a max(1, int(H f)) x max(1, int(W f)) grid, resized bilinearly to the
    image (albumentations' approximation)."""

    references = {"albumentations": "GaussNoise"}
    default_p = 0.5

    @staticmethod
    def configure(std_range=(0.2, 0.44), mean_range=(0.0, 0.0), per_channel: bool = True,
                  noise_scale_factor: float = 1.0):
        if not _is_number(noise_scale_factor) or not 0 < noise_scale_factor <= 1:
            raise ValueError(f"noise_scale_factor must be in (0, 1], not {noise_scale_factor!r}")
        return dict(std=_range(std_range, "std_range", 0.0, 1.0), mean=_range(mean_range, "mean_range", -1.0, 1.0),
                    per_channel=_flag(per_channel, "per_channel"), factor=float(noise_scale_factor))

    @classmethod
    def _params(cls, res, ref, config, label):
        return (_draw(*config["mean"], _sub(label, "mean")), _draw(*config["std"], _sub(label, "std")))

    def apply(self, kind, field, ref, mean, std):
        c = self.config
        return noise.Additive(field, mean, std, _max_value(field), distribution="gaussian",
                              shared=not c["per_channel"], resolution=c["factor"])


_NOISE_DEFAULTS = {
    "uniform": {"ranges": [(-0.1, 0.1)]},
    "gaussian": {"mean_range": (0.0, 0.0), "std_range": (0.05, 0.15)},
    "laplace": {"mean_range": (0.0, 0.0), "scale_range": (0.05, 0.15)},
    "beta": {"alpha_range": (0.5, 1.5), "beta_range": (0.5, 1.5), "scale_range": (0.1, 0.3)},
}


class AdditiveNoise(Augmentation):
    """Adds noise of ``noise_type`` (uniform, gaussian, laplace, beta), in fractions of the
    image's maximum (255 for u8), with albumentations' ``noise_params`` (defaults as its):
    uniform: ``ranges`` [(lo, hi)] (constant mode: one range per channel, or one for all);
    gaussian: ``mean_range``, ``std_range``; laplace: ``mean_range``, ``scale_range``; beta:
    ``alpha_range``, ``beta_range``, ``scale_range`` (noise (2 Beta(a, b) - 1) * scale). The
    parameters are drawn uniformly once per sample. ``spatial_mode``: constant (one noise value
    per channel), per_pixel (one per value) or shared (one per pixel, all channels).
    ``approximation`` < 1 draws per-pixel noise on a smaller grid, resized bilinearly. u8: x +
    trunc(n), saturated."""

    references = {"albumentations": "AdditiveNoise"}
    default_p = 0.5

    @staticmethod
    def configure(noise_type: str = "uniform", spatial_mode: str = "constant", noise_params=None,
                  approximation: float = 1.0):
        if noise_type not in _NOISE_DEFAULTS:
            raise ValueError(f"noise_type must be one of {sorted(_NOISE_DEFAULTS)}, not {noise_type!r}")
        if spatial_mode not in ("constant", "per_pixel", "shared"):
            raise ValueError(f"spatial_mode must be constant, per_pixel or shared, not {spatial_mode!r}")
        if not _is_number(approximation) or not 0 <= approximation <= 1:
            raise ValueError(f"approximation must be in [0, 1], not {approximation!r}")
        given = dict(_NOISE_DEFAULTS[noise_type] if noise_params is None else noise_params)
        params = {}
        if noise_type == "uniform":
            ranges = given.get("ranges")
            if not isinstance(ranges, (list, tuple)) or not ranges:
                raise ValueError("noise_params['ranges'] must be a non-empty list of (min, max) pairs")
            params["ranges"] = tuple(_range(r, "noise_params['ranges']", -1.0, 1.0) for r in ranges)
        else:
            keys = {"gaussian": (("mean_range", -1.0, 1.0), ("std_range", 0.0, 1.0)),
                    "laplace": (("mean_range", -1.0, 1.0), ("scale_range", 0.0, 1.0)),
                    "beta": (("alpha_range", 0.0, None), ("beta_range", 0.0, None), ("scale_range", 0.0, 1.0))}
            for key, lo, hi in keys[noise_type]:
                if key not in given:
                    raise ValueError(f"noise_params for {noise_type} needs {key!r}")
                params[key] = _range(given[key], f"noise_params[{key!r}]", lo, hi)
            if noise_type == "beta" and (params["alpha_range"][0] <= 0 or params["beta_range"][0] <= 0):
                raise ValueError("noise_params: alpha_range and beta_range must be > 0")
        unknown = set(given) - set(params) - {"noise_type"}
        if unknown:
            raise ValueError(f"noise_params: unknown keys {sorted(unknown)} for {noise_type}")
        return dict(noise_type=noise_type, spatial_mode=spatial_mode, params=params,
                    approximation=float(approximation))

    @classmethod
    def _params(cls, res, ref, config, label):
        t, p = config["noise_type"], config["params"]
        if t == "uniform":
            drawn = ()
        elif t == "gaussian":
            drawn = (_draw(*p["mean_range"], _sub(label, "mean")), _draw(*p["std_range"], _sub(label, "std")))
        elif t == "laplace":
            drawn = (_draw(*p["mean_range"], _sub(label, "loc")), _draw(*p["scale_range"], _sub(label, "scale")))
        else:
            drawn = (_draw(*p["alpha_range"], _sub(label, "alpha")), _draw(*p["beta_range"], _sub(label, "beta")),
                     _draw(*p["scale_range"], _sub(label, "scale")))
        if config["spatial_mode"] == "constant":
            return (cls._constant(t, p, drawn, _channels(ref), _sub(label, "constant")),)
        return drawn

    @staticmethod
    def _constant(t, p, drawn, channels: int, label):
        """One noise value per channel (fractions of the maximum), drawn once per sample."""
        if t == "uniform":
            ranges = p["ranges"]
            if len(ranges) == 1:
                ranges = ranges * channels
            elif len(ranges) < channels:
                raise ValueError(f"AdditiveNoise: {len(ranges)} ranges for {channels} channels")
            return tensor.Stack(*[as_node(_draw(lo, hi, _sub(label, f"c{k}"))) for k, (lo, hi)
                                  in enumerate(ranges[:channels])])
        if t == "gaussian":
            return random.Normal(drawn[0], drawn[1], dtype="f64", shape=[channels], label=label)
        if t == "laplace":
            u = random.Uniform(-0.5, 0.5, dtype="f64", shape=[channels], label=label)
            return as_node(drawn[0]) + as_node(drawn[1]) * _laplace_from_uniform(u)
        return (random.Beta(drawn[0], drawn[1], dtype="f64", shape=[channels], label=label) * 2.0 - 1.0) \
            * as_node(drawn[2])

    def apply(self, kind, field, ref, *drawn):
        c = self.config
        t, p, top = c["noise_type"], c["params"], _max_value(field)
        if c["spatial_mode"] == "constant":
            # x + trunc(v) saturated, through a u8 table per channel (albucore's add of a vector)
            return color.ToneCurve(field, 1.0, drawn[0] * top, curve="add")
        if t == "uniform":
            a, b, scale = p["ranges"][0][0], p["ranges"][0][1], top
        elif t == "beta":
            a, b, scale = drawn[0], drawn[1], as_node(drawn[2]) * top
        else:
            a, b, scale = drawn[0], drawn[1], top
        return noise.Additive(field, a, b, scale, distribution=t, shared=c["spatial_mode"] == "shared",
                              resolution=max(c["approximation"], 1e-6))


def _laplace_from_uniform(u):
    """Standard Laplace from u uniform in [-0.5, 0.5): -sign(u) log(1 - 2|u|), without a sign op."""
    neg = pmath.Less(u, 0.0)
    mag = pmath.Negate(pmath.Log(1.0 - 2.0 * pmath.Abs(u)))
    return tensor.Cast(neg, dtype="f64") * (-2.0 * mag) + mag


class MultiplicativeNoise(Augmentation):
    """Multiplies by m uniform in ``multiplier`` (min, max): one m per sample, one per channel
    (``per_channel``), or with ``elementwise`` one per pixel (shared by its channels) or per value
    (``per_channel``). u8: trunc(clip(x * m, 0, 255)) (albumentations' arithmetic; through a
    256-entry table per channel when m is per channel)."""

    references = {"albumentations": "MultiplicativeNoise"}
    default_p = 0.5

    @staticmethod
    def configure(multiplier=(0.9, 1.1), per_channel: bool = False, elementwise: bool = False):
        return dict(multiplier=_range(multiplier, "multiplier", 0.0, None),
                    per_channel=_flag(per_channel, "per_channel"), elementwise=_flag(elementwise, "elementwise"))

    @classmethod
    def _params(cls, res, ref, config, label):
        if config["elementwise"]:
            return ()
        lo, hi = config["multiplier"]
        if config["per_channel"]:
            return (random.Uniform(lo, hi, dtype="f32", shape=[_channels(ref)], label=_sub(label, "multiplier")),)
        return (random.Uniform(lo, hi, dtype="f32", label=_sub(label, "multiplier")),)

    def apply(self, kind, field, ref, *drawn):
        c = self.config
        lo, hi = c["multiplier"]
        if c["elementwise"]:
            return noise.Multiplicative(field, lo, hi, shared=not c["per_channel"])
        return color.ToneCurve(field, drawn[0], 0.0, curve="multiply_add")


class ShotNoise(Augmentation):
    """Photon noise (albumentations' ShotNoise): scale uniform in ``scale_range`` per sample; each
    value's linear intensity (x / max)^2.2 becomes Poisson((v + scale 1e-6) / scale) * scale,
    clipped to 1, back through ^(1 / 2.2) (u8: rounded). u8 or f32 images."""

    references = {"albumentations": "ShotNoise"}
    default_p = 0.5

    @staticmethod
    def configure(scale_range=(0.1, 0.3)):
        r = _range(scale_range, "scale_range", 0.0, None)
        if r[0] < 1e-9:
            raise ValueError(f"scale_range must be at least 1e-9 (0 has no photons to count), not {scale_range!r}")
        return dict(scale=r)

    @classmethod
    def _params(cls, res, ref, config, label):
        return (_draw(*config["scale"], _sub(label, "scale")),)

    def apply(self, kind, field, ref, scale):
        return noise.Shot(field, scale)


class ISONoise(Augmentation):
    """Camera sensor noise on RGB images (albumentations' ISONoise): color_shift and intensity
    uniform in their ranges per sample; in OpenCV's float HLS, L gets Poisson(std(L) * intensity)
    * intensity * (1 - L) (clipped to [0, 1]) and H a normal(0, color_shift * intensity) shift per
    pixel (in degrees, as albumentations: a small shift); back to RGB, clipped."""

    references = {"albumentations": "ISONoise"}
    default_p = 0.5

    @staticmethod
    def configure(color_shift=(0.01, 0.05), intensity=(0.1, 0.5)):
        return dict(color_shift=_range(color_shift, "color_shift", 0.0, 1.0),
                    intensity=_range(intensity, "intensity", 0.0, None))

    @classmethod
    def _params(cls, res, ref, config, label):
        return (_draw(*config["color_shift"], _sub(label, "color_shift")),
                _draw(*config["intensity"], _sub(label, "intensity")))

    def apply(self, kind, field, ref, color_shift, intensity):
        return noise.Iso(field, color_shift, intensity)


class SaltAndPepper(Augmentation):
    """Salt (full intensity) and pepper (0) pixels, all channels, as albumentations: amount a and
    salt ratio r uniform in ``amount`` and ``salt_vs_pepper`` per sample; exactly k = int(H W a)
    pixels, uniformly chosen, of which int(k r) salt and the others pepper
    (noise.salt_and_pepper_exact)."""

    references = {"albumentations": "SaltAndPepper"}
    default_p = 0.5

    @staticmethod
    def configure(amount=(0.01, 0.06), salt_vs_pepper=(0.4, 0.6)):
        return dict(amount=_range(amount, "amount", 0.0, 1.0),
                    ratio=_range(salt_vs_pepper, "salt_vs_pepper", 0.0, 1.0))

    @classmethod
    def _params(cls, res, ref, config, label):
        return (_draw(*config["amount"], _sub(label, "amount")), _draw(*config["ratio"], _sub(label, "ratio")))

    def apply(self, kind, field, ref, amount, ratio):
        return noise.SaltAndPepperExact(field, amount, ratio)
