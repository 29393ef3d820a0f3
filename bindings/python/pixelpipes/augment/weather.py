"""Weather and lighting effects named after albumentations 2.0.8's (RandomRain, RandomFog, RandomSnow,
RandomSunFlare, RandomShadow, RandomGravel, Spatter): its argument names, defaults (p=0.5),
parameter draws and drawing arithmetic, on u8 RGB image fields (masks, boxes and keypoints pass
through). Each effect draws its geometry once per sample from the reference image's size (an
effects.* geometry op: drops, fog particles, flare circles, polygons, gravel) and renders it with an
effects.* op (OpenCV primitives and one pass over the pixels)."""
from __future__ import annotations

import numbers

import numpy as np

from ..node import as_node
from ..ops import effects, random, tensor
from ._common import _choice, _is_number, _sub
from .base import Augmentation


def _draw(lo: float, hi: float, label):
    """A uniform f64 draw in [lo, hi) (albumentations' py_random.uniform), or the constant."""
    if lo == hi:
        return np.float64(lo)
    return random.Uniform(lo, hi, dtype="f64", label=label)


def _range(value, what: str, low=None, high=None, scalar="error"):
    """A (min, max) pair of floats; a number v is (0, v) with scalar="zero", (v, v) with "same"."""
    if _is_number(value) and scalar != "error":
        value = (0.0, float(value)) if scalar == "zero" else (float(value), float(value))
        if scalar == "zero" and value[1] < 0:
            value = (value[1], 0.0)
    if not (isinstance(value, (list, tuple)) and len(value) == 2 and all(_is_number(v) for v in value)):
        raise ValueError(f"{what} must be a (min, max) pair of numbers, not {value!r}")
    lo, hi = float(value[0]), float(value[1])
    if lo > hi:
        raise ValueError(f"{what}: min > max in {value!r}")
    if (low is not None and lo < low) or (high is not None and hi > high):
        raise ValueError(f"{what}: {value!r} must lie within [{low}, {high}]")
    return lo, hi


def _roi(value, what: str):
    if not (isinstance(value, (list, tuple)) and len(value) == 4 and all(_is_number(v) for v in value)):
        raise ValueError(f"{what} must be (x_min, y_min, x_max, y_max), not {value!r}")
    x0, y0, x1, y1 = (float(v) for v in value)
    if not (0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1):
        raise ValueError(f"{what} must satisfy 0 <= x_min < x_max <= 1 and 0 <= y_min < y_max <= 1, not {value!r}")
    return (x0, y0, x1, y1)


def _rgb(value, what: str):
    if not (isinstance(value, (list, tuple)) and len(value) == 3 and all(_is_number(v) and 0 <= v <= 255 for v in value)):
        raise ValueError(f"{what} must be three numbers in [0, 255] (R, G, B), not {value!r}")
    return tuple(float(v) for v in value)


def _int(value, what: str, low: int):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
        raise ValueError(f"{what} must be an int >= {low}, not {value!r}")
    return int(value)


def _plane(ref):
    """The reference image's first channel, H x W x 1: the shape of a per-pixel noise layer."""
    return tensor.Slice(ref, 0, 1, axis=2)


class RandomRain(Augmentation):
    """Rain streaks: ``slant`` uniform in ``slant_range`` (degrees in albumentations' name, used as
    pixels of horizontal shift as it does; within [-45, 45]); drops H // 3 (rain_type default),
    H // 4 (drizzle), H (heavy) or 2 H (torrential), each at x uniform in 0..W-1, y in
    0..H-L-1 (L = ``drop_length``, None: max(1, H // 8)); drawn as 4-connected lines of
    ``drop_width`` in ``drop_color`` on a black layer, box-blurred ``blur_value`` (> 1), added with
    saturation, the result scaled by ``brightness_coefficient`` (effects.rain)."""

    references = {"albumentations": "RandomRain"}
    default_p = 0.5
    kinds = ("image",)
    RAIN_TYPES = {"default": (1, 3), "drizzle": (1, 4), "heavy": (1, 1), "torrential": (2, 1)}

    @staticmethod
    def configure(slant_range=(-10, 10), drop_length=None, drop_width: int = 1, drop_color=(200, 200, 200),
                  blur_value: int = 7, brightness_coefficient: float = 0.7, rain_type: str = "default"):
        if drop_length is not None:
            drop_length = _int(drop_length, "drop_length", 1)
        if not _is_number(brightness_coefficient) or not 0 < brightness_coefficient <= 1:
            raise ValueError(f"brightness_coefficient must be in (0, 1], not {brightness_coefficient!r}")
        return dict(slant_range=_range(slant_range, "slant_range", -45, 45), drop_length=drop_length,
                    drop_width=_int(drop_width, "drop_width", 1), drop_color=_rgb(drop_color, "drop_color"),
                    blur_value=_int(blur_value, "blur_value", 1), brightness_coefficient=float(brightness_coefficient),
                    rain_type=_choice(rain_type, tuple(RandomRain.RAIN_TYPES), "rain_type"))

    @classmethod
    def _params(cls, res, ref, config, label):
        slant = _draw(*config["slant_range"], _sub(label, "slant"))
        num, den = cls.RAIN_TYPES[config["rain_type"]]
        drops = effects.RainDrops(ref, numerator=num, denominator=den, drop_length=config["drop_length"] or 0,
                                  label=_sub(label, "drops"))
        return (drops, as_node(slant))

    def apply(self, kind, field, ref, drops, slant):
        c = self.config
        return effects.Rain(field, drops, slant, drop_length=c["drop_length"] or 0, drop_width=c["drop_width"],
                            drop_color=list(c["drop_color"]), blur_value=c["blur_value"],
                            brightness_coefficient=c["brightness_coefficient"])


class RandomFog(Augmentation):
    """Fog: intensity uniform in ``fog_coef_range``; particles laid out as albumentations does
    (nested shrinking regions around the centre, see effects.fog_particles), each a white disk
    blended with weight ``alpha_coef`` * intensity; then a Gaussian blur (effects.fog)."""

    references = {"albumentations": "RandomFog"}
    default_p = 0.5
    kinds = ("image",)

    @staticmethod
    def configure(alpha_coef: float = 0.08, fog_coef_range=(0.3, 1)):
        if not _is_number(alpha_coef) or not 0 <= alpha_coef <= 1:
            raise ValueError(f"alpha_coef must be in [0, 1], not {alpha_coef!r}")
        return dict(alpha_coef=float(alpha_coef), fog_coef_range=_range(fog_coef_range, "fog_coef_range", 0, 1))

    @classmethod
    def _params(cls, res, ref, config, label):
        intensity = as_node(_draw(*config["fog_coef_range"], _sub(label, "intensity")))
        return (effects.FogParticles(ref, intensity, label=_sub(label, "particles")), intensity)

    def apply(self, kind, field, ref, particles, intensity):
        return effects.Fog(field, particles, intensity, alpha_coef=self.config["alpha_coef"])


class RandomSnow(Augmentation):
    """Snow: snow_point uniform in ``snow_point_range``. method "bleach": HLS lightness below
    snow_point * 127.5 + 85 multiplied by ``brightness_coeff`` (effects.snow_bleach); "texture":
    brighter HSV value, a normal(0.5, 0.3) texture blurred and fading down the image, a blue
    tint and sparkles where a uniform draw exceeds 0.99 (effects.snow_texture)."""

    references = {"albumentations": "RandomSnow"}
    default_p = 0.5
    kinds = ("image",)

    @staticmethod
    def configure(brightness_coeff: float = 2.5, snow_point_range=(0.1, 0.3), method: str = "bleach"):
        if not _is_number(brightness_coeff) or brightness_coeff <= 0:
            raise ValueError(f"brightness_coeff must be > 0, not {brightness_coeff!r}")
        return dict(brightness_coeff=float(brightness_coeff),
                    snow_point_range=_range(snow_point_range, "snow_point_range", 0, 1),
                    method=_choice(method, ("bleach", "texture"), "method"))

    @classmethod
    def _params(cls, res, ref, config, label):
        point = as_node(_draw(*config["snow_point_range"], _sub(label, "snow_point")))
        if config["method"] == "bleach":
            return (point,)
        plane = _plane(ref)
        noise = random.NormalLike(plane, 0.5, 0.3, label=_sub(label, "texture"))
        sparkle = random.UniformLike(plane, 0.0, 1.0, label=_sub(label, "sparkle"))
        return (point, noise, sparkle)

    def apply(self, kind, field, ref, point, *texture):
        coeff = self.config["brightness_coeff"]
        if self.config["method"] == "bleach":
            return effects.SnowBleach(field, point, brightness_coeff=coeff)
        return effects.SnowTexture(field, point, *texture, brightness_coeff=coeff)


class RandomSunFlare(Augmentation):
    """Sun flare: source centre uniform in ``flare_roi`` (fractions of W and H, truncated to
    pixels), 6..10 (``num_flare_circles_range``) circles along a line through it at angle
    2 pi uniform(``angle_range``), as albumentations draws them (effects.sun_flare_geometry);
    rendered by ``method`` "overlay" (blended disks and a fading source of ``src_radius``) or
    "physics_based" (blurred source, rays and circles, screen blend) (effects.sun_flare)."""

    references = {"albumentations": "RandomSunFlare"}
    differences = {"albumentations": "overlay blends round once from float32 (albumentations' simsimd weighted sum "
                                      "rounds through half precision where the CPU has it: a few levels apart)"}
    default_p = 0.5
    kinds = ("image",)

    @staticmethod
    def configure(flare_roi=(0, 0, 1, 0.5), src_radius: int = 400, src_color=(255, 255, 255), angle_range=(0, 1),
                  num_flare_circles_range=(6, 10), method: str = "overlay"):
        n = num_flare_circles_range
        if not (isinstance(n, (list, tuple)) and len(n) == 2 and all(isinstance(v, numbers.Integral) for v in n)
                and 1 <= n[0] <= n[1]):
            raise ValueError(f"num_flare_circles_range must be a (min, max) pair of ints >= 1, not {n!r}")
        return dict(flare_roi=_roi(flare_roi, "flare_roi"), src_radius=_int(src_radius, "src_radius", 1),
                    src_color=_rgb(src_color, "src_color"), angle_range=_range(angle_range, "angle_range", 0, 1),
                    num_flare_circles_range=(int(n[0]), int(n[1])),
                    method=_choice(method, ("overlay", "physics_based"), "method"))

    @classmethod
    def _params(cls, res, ref, config, label):
        return (effects.SunFlareGeometry(ref, flare_roi=list(config["flare_roi"]), angle_range=list(config["angle_range"]),
                                         num_flare_circles_range=list(config["num_flare_circles_range"]),
                                         src_color=list(config["src_color"]), label=_sub(label, "flare")),)

    def apply(self, kind, field, ref, flare):
        c = self.config
        return effects.SunFlare(field, flare, src_radius=c["src_radius"], src_color=list(c["src_color"]),
                                method=c["method"])


class RandomShadow(Augmentation):
    """Shadows: integer(``num_shadows_limit``) polygons of ``shadow_dimension`` vertices uniform
    in ``shadow_roi`` (effects.shadow_polygons), each darkening the pixels inside by
    1 - intensity (truncated), intensity uniform in ``shadow_intensity_range`` per polygon
    (effects.shadow). Any channel count."""

    references = {"albumentations": "RandomShadow"}
    default_p = 0.5
    kinds = ("image",)

    @staticmethod
    def configure(shadow_roi=(0, 0.5, 1, 1), num_shadows_limit=(1, 2), shadow_dimension: int = 5,
                  shadow_intensity_range=(0.5, 0.5)):
        n = num_shadows_limit
        if not (isinstance(n, (list, tuple)) and len(n) == 2 and all(isinstance(v, numbers.Integral) for v in n)
                and 1 <= n[0] <= n[1] <= 10000):
            raise ValueError(f"num_shadows_limit must be a (min, max) pair of ints, 1 <= min <= max, not {n!r}")
        return dict(shadow_roi=_roi(shadow_roi, "shadow_roi"), num_shadows_limit=(int(n[0]), int(n[1])),
                    shadow_dimension=_int(shadow_dimension, "shadow_dimension", 3),
                    shadow_intensity_range=_range(shadow_intensity_range, "shadow_intensity_range", 0, 1))

    @classmethod
    def _params(cls, res, ref, config, label):
        lo, hi = config["num_shadows_limit"]
        polygons = effects.ShadowPolygons(ref, shadow_roi=list(config["shadow_roi"]), min_shadows=lo, max_shadows=hi,
                                          dimension=config["shadow_dimension"], label=_sub(label, "polygons"))
        a, b = config["shadow_intensity_range"]
        intensities = (np.full(hi, a, dtype=np.float64) if a == b else
                       random.Uniform(a, b, dtype="f64", shape=[hi], label=_sub(label, "intensities")))
        return (polygons, as_node(intensities))

    def apply(self, kind, field, ref, polygons, intensities):
        return effects.Shadow(field, polygons, intensities)


class RandomGravel(Augmentation):
    """Gravel: ``number_of_patches`` patches in ``gravel_roi``, each with particles whose HLS
    lightness is set to a uniform 0..255 over a square of half side 1..3, as albumentations draws
    them (effects.gravel_particles, effects.gravel)."""

    references = {"albumentations": "RandomGravel"}
    default_p = 0.5
    kinds = ("image",)

    @staticmethod
    def configure(gravel_roi=(0.1, 0.4, 0.9, 0.9), number_of_patches: int = 2):
        return dict(gravel_roi=_roi(gravel_roi, "gravel_roi"),
                    number_of_patches=_int(number_of_patches, "number_of_patches", 1))

    @classmethod
    def _params(cls, res, ref, config, label):
        return (effects.GravelParticles(ref, gravel_roi=list(config["gravel_roi"]),
                                        number_of_patches=config["number_of_patches"], label=_sub(label, "gravel")),)

    def apply(self, kind, field, ref, rectangles):
        return effects.Gravel(field, rectangles)


class Spatter(Augmentation):
    """Rain or mud spatter: mean, std, cutout_threshold, gauss_sigma, intensity each uniform in
    its range (a number v is (0, v)), a liquid layer normal(mean, std) per pixel, blurred and cut
    (effects.spatter); ``color`` defaults to (238, 238, 175) for rain and (20, 42, 63) for mud."""

    references = {"albumentations": "Spatter"}
    differences = {"albumentations": "mud mode with no pixel above cutout_threshold leaves the image unchanged "
                                      "(albumentations wets a random 10% of the pixels)"}
    default_p = 0.5
    kinds = ("image",)
    COLORS = {"rain": (238, 238, 175), "mud": (20, 42, 63)}

    @staticmethod
    def configure(mean=(0.65, 0.65), std=(0.3, 0.3), gauss_sigma=(2, 2), cutout_threshold=(0.68, 0.68),
                  intensity=(0.6, 0.6), mode: str = "rain", color=None):
        mode = _choice(mode, ("rain", "mud"), "mode")
        sigma = _range(gauss_sigma, "gauss_sigma", 0, None, scalar="zero")
        if sigma[0] <= 0:
            raise ValueError(f"gauss_sigma must be > 0 (a blur), not {gauss_sigma!r}")
        return dict(mean=_range(mean, "mean", 0, 1, scalar="zero"), std=_range(std, "std", 0, 1, scalar="zero"),
                    gauss_sigma=sigma, cutout_threshold=_range(cutout_threshold, "cutout_threshold", 0, 1, scalar="zero"),
                    intensity=_range(intensity, "intensity", 0, 1, scalar="zero"), mode=mode,
                    color=_rgb(Spatter.COLORS[mode] if color is None else color, "color"))

    @classmethod
    def _params(cls, res, ref, config, label):
        # albumentations' draw order: mean, std, cutout_threshold, sigma, intensity, then the layer
        mean = _draw(*config["mean"], _sub(label, "mean"))
        std = _draw(*config["std"], _sub(label, "std"))
        cutout = _draw(*config["cutout_threshold"], _sub(label, "cutout"))
        sigma = _draw(*config["gauss_sigma"], _sub(label, "sigma"))
        intensity = _draw(*config["intensity"], _sub(label, "intensity"))
        liquid = random.NormalLike(_plane(ref), mean, std, label=_sub(label, "liquid"))
        return (liquid, as_node(sigma), as_node(cutout), as_node(intensity))

    def apply(self, kind, field, ref, liquid, sigma, cutout, intensity):
        c = self.config
        return effects.Spatter(field, liquid, sigma, cutout, intensity, mode=c["mode"], color=list(c["color"]))
