"""Matrix transforms: RandomAffine and Transform (a matrix of your own)."""
from __future__ import annotations

import inspect
import math as _pymath

from ..node import as_node
from ..ops import geometry
from ..ops import math as _math
from ._common import (BORDERS, INTERPOLATIONS, _choice, _is_node, _is_number, _pair, _size_f32, _size_hw,
                      _size_int, _uniform)
from .base import GeometryAugmentation


class RandomAffine(GeometryAugmentation):
    """A random rotation, translation, scale and shear about the image center (torchvision's
    parameters), into a canvas of the input's size.

    ``degrees``: d (the range (-d, d)) or (min, max); as in torchvision's affine, a positive
    angle turns the image clockwise as displayed. ``translate``: (a, b): the shift is
    round(uniform(-a W, a W)), round(uniform(-b H, b H)) pixels. ``scale``: (min, max) isotropic
    factor. ``shear``: s (x shear in (-s, s) degrees), (min, max) (x only) or
    (xmin, xmax, ymin, ymax). ``center``: (cx, cy) in pixels (default: the image center, W/2, H/2).
    ``interpolation`` defaults to "nearest" as in torchvision; ``border``/``border_value`` fill
    the uncovered area.

    The matrix is torchvision's: T(center + t) R(angle) S(scale) ShY(shy) ShX(shx) T(-center),
    with R the clockwise rotation [[cos, -sin], [sin, cos]], ShX: x' = x - tan(shx) y and ShY:
    y' = y - tan(shy) x.
    """

    references = {"torchvision": "RandomAffine"}

    @staticmethod
    def configure(degrees, translate=None, scale=None, shear=None, interpolation: str = "nearest",
                  border: str = "constant", border_value: float = 0.0, center=None, clip_boxes: bool = True):
        degrees = _pair(degrees, "degrees", center=0.0)
        if translate is not None:
            if not (isinstance(translate, (list, tuple)) and len(translate) == 2
                    and all(_is_number(t) and 0 <= t <= 1 for t in translate)):
                raise ValueError(f"translate must be a pair of fractions in [0, 1], not {translate!r}")
            translate = (float(translate[0]), float(translate[1]))
        if scale is not None:
            scale = _pair(scale, "scale")
            if scale[0] <= 0:
                raise ValueError(f"scale must be positive, not {scale}")
        if shear is not None:
            if _is_number(shear):
                shear = _pair(shear, "shear", center=0.0) + (0.0, 0.0)
            elif isinstance(shear, (list, tuple)) and len(shear) == 2:
                shear = _pair(tuple(shear), "shear") + (0.0, 0.0)
            elif isinstance(shear, (list, tuple)) and len(shear) == 4:
                shear = _pair(tuple(shear[:2]), "shear") + _pair(tuple(shear[2:]), "shear")
            else:
                raise ValueError(f"shear must be a number or 2 or 4 numbers, not {shear!r}")
        if center is not None:
            if not (isinstance(center, (list, tuple)) and len(center) == 2 and all(_is_number(v) for v in center)):
                raise ValueError(f"center must be (cx, cy), not {center!r}")
            center = (float(center[0]), float(center[1]))
        return dict(degrees=degrees, translate=translate, scale=scale, shear=shear,
                    interpolation=_choice(interpolation, INTERPOLATIONS, "interpolation"),
                    border=_choice(border, BORDERS, "border"), border_value=float(border_value), center=center,
                    clip_boxes=bool(clip_boxes))

    def matrix(self, ref):
        c = self.config
        W, H = _size_f32(ref)
        cx, cy = c["center"] if c["center"] is not None else (W / 2, H / 2)
        steps = [geometry.Translate(-cx, -cy)]
        if c["shear"] is not None:
            sx0, sx1, sy0, sy1 = c["shear"]
            for k, angle in enumerate((_uniform(sx0, sx1), _uniform(sy0, sy1))):
                if not _is_node(angle) and angle == 0:
                    continue
                if _is_node(angle):
                    t = -_math.Tan(angle * (_pymath.pi / 180))
                else:
                    t = -_pymath.tan(_pymath.radians(angle))
                steps.append(geometry.Shear(t, 0.0) if k == 0 else geometry.Shear(0.0, t))
        if c["scale"] is not None:
            s = _uniform(*c["scale"])
            steps.append(geometry.Scale(s, s, 0.0, 0.0))
        angle = _uniform(*c["degrees"])
        if _is_node(angle) or angle != 0:
            steps.append(geometry.Rotate(-angle, 0.0, 0.0))   # geometry.rotate turns counterclockwise
        tx = ty = 0.0
        if c["translate"] is not None:
            a, b = c["translate"]
            tx = _math.Round(_uniform(-a * W, a * W)) if a > 0 else 0.0
            ty = _math.Round(_uniform(-b * H, b * H)) if b > 0 else 0.0
        steps.append(geometry.Translate(cx + tx, cy + ty))
        return geometry.Chain(*steps)


class Transform(GeometryAugmentation):
    """A given matrix (a node: 3 x 3, source -> destination) applied to every spatial field, into
    a canvas of ``size`` ((height, width); default: the reference's size). Affine or
    perspective; the building block for transforms of your own."""

    @staticmethod
    def configure(size=None, interpolation: str = "linear", border: str = "constant", border_value: float = 0.0,
                  clip_boxes: bool = True):
        return dict(size=None if size is None else _size_hw(size),
                    interpolation=_choice(interpolation, INTERPOLATIONS, "interpolation"),
                    border=_choice(border, BORDERS, "border"), border_value=float(border_value),
                    clip_boxes=bool(clip_boxes))

    @classmethod
    def _check_plan(cls, args, kwargs):
        if kwargs.pop("matrix", None) is None:
            args = args[1:]
        cls._checked_config(args, kwargs)

    @classmethod
    def _build(cls, source, matrix, *args, label=None, **kwargs):
        config, p = cls._checked_config(args, kwargs)
        return cls._maybe(source, p, label, lambda: cls._apply_to(source, config, label, params=(as_node(matrix),)))

    def output_size(self, ref):
        if self.config["size"] is None:
            return _size_int(ref)
        h, w = self.config["size"]
        return w, h


Transform.__signature__ = inspect.Signature(
    [inspect.Parameter("source", inspect.Parameter.POSITIONAL_ONLY),
     inspect.Parameter("matrix", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    + list(inspect.signature(Transform.configure).parameters.values())
    + [inspect.Parameter("p", inspect.Parameter.KEYWORD_ONLY, default=1.0),
       inspect.Parameter("label", inspect.Parameter.KEYWORD_ONLY, default=None)])
