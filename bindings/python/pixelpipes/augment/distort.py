"""Non-linear distortions with albumentations 2.0.8's names, arguments, defaults and parameter
distributions: ElasticTransform, GridDistortion, OpticalDistortion, PiecewiseAffine,
ThinPlateSpline, GridElasticDeform and RandomGridShuffle.

Each draws its random parameters with the pipeline's random ops (so a sample is a pure function of
(seed, sample index)) and builds a coordinate map ([2, H, W]: map_x, map_y, image.remap's
continuous coordinates) with a geometry.*_map op, once per sample for every field:

* images: image.remap with ``interpolation``, ``border_mode`` and ``fill``;
* masks: image.remap with ``mask_interpolation`` (nearest by default) and ``fill_mask``;
* boxes: geometry.remap_boxes, albumentations 2.0's boxes -> masks -> remap -> boxes;
* points, keypoints, polygons: geometry.remap_points, the map's inverse (sub-pixel).

The maps follow albumentations' formulas in pixel-index coordinates, shifted by 0.5 to
PixelPipes' continuous coordinates, so images match albumentations' up to interpolation rounding.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..node import Constant, Node, as_node
from ..ops import geometry, image, random, tensor
from ..ops import math as _math
from ..resource import SPATIAL_KINDS
from ._common import _is_number, _size_int, _sub, _symmetric_range
from .base import Augmentation

# OpenCV's flags, as albumentations takes them, and PixelPipes' names.
_CV_INTERPOLATIONS = {0: "nearest", 1: "linear", 2: "cubic", 3: "linear", 4: "lanczos"}
_CV_BORDERS = {0: "constant", 1: "replicate", 2: "reflect", 3: "wrap", 4: "reflect_101"}
_NAMED_INTERPOLATIONS = ("nearest", "linear", "cubic", "lanczos")
_NAMED_BORDERS = ("constant", "replicate", "reflect", "wrap", "reflect_101")

#: the kinds a distortion moves (the annotation helper's "masks" and "keypoints" included)
DISTORTION_KINDS = tuple(SPATIAL_KINDS) + ("masks", "keypoints")


def _interpolation(value, what: str) -> str:
    """An OpenCV flag (cv2.INTER_*, albumentations' convention) or a name. INTER_AREA remaps as
    linear (cv2.remap does the same)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) in _CV_INTERPOLATIONS:
        return _CV_INTERPOLATIONS[int(value)]
    if isinstance(value, str) and value in _NAMED_INTERPOLATIONS:
        return value
    raise ValueError(f"{what} must be a cv2.INTER_* flag (0-4) or one of {', '.join(_NAMED_INTERPOLATIONS)}, "
                     f"not {value!r}")


def _border(value) -> str:
    """A cv2.BORDER_* flag (albumentations' convention: CONSTANT, REPLICATE, REFLECT, WRAP,
    REFLECT_101) or a name."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) in _CV_BORDERS:
        return _CV_BORDERS[int(value)]
    if isinstance(value, str) and value in _NAMED_BORDERS:
        return value
    raise ValueError(f"border_mode must be a cv2.BORDER_* flag (0-4) or one of {', '.join(_NAMED_BORDERS)}, "
                     f"not {value!r}")


def _fill(value, what: str) -> float:
    """One fill value for every channel (a tuple of equal values is accepted)."""
    if _is_number(value):
        return float(value)
    if isinstance(value, (list, tuple)) and value and all(_is_number(v) for v in value) and len(set(value)) == 1:
        return float(value[0])
    raise ValueError(f"{what} must be a number (one value for every channel), not {value!r}")


def _nonnegative_range(value, what: str):
    """albumentations' NonNegativeFloatRangeType: v means (0, v); a pair is (min, max), both >= 0."""
    if _is_number(value):
        lo, hi = 0.0, float(value)
    elif isinstance(value, (list, tuple)) and len(value) == 2 and all(_is_number(v) for v in value):
        lo, hi = float(value[0]), float(value[1])
    else:
        raise ValueError(f"{what} must be a number or a (min, max) pair, not {value!r}")
    if lo < 0 or lo > hi:
        raise ValueError(f"{what} must be a non-negative (min, max) range, not {value!r}")
    return lo, hi


def _int_range(value, what: str, low: int):
    """An int v (the range (v, v)) or an inclusive (min, max) pair of ints >= low."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (int(value), int(value))
    if not (isinstance(value, (list, tuple)) and len(value) == 2
            and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value)):
        raise ValueError(f"{what} must be an int or a (min, max) pair of ints, not {value!r}")
    lo, hi = int(value[0]), int(value[1])
    if lo < low or lo > hi:
        raise ValueError(f"{what} must be an int >= {low} or a range (min, max) with {low} <= min <= max, not {value!r}")
    return lo, hi


def _common_config(interpolation, mask_interpolation, keypoint_remapping_method, border_mode, fill, fill_mask):
    if keypoint_remapping_method not in ("direct", "mask"):
        raise ValueError(f"keypoint_remapping_method must be 'direct' or 'mask', not {keypoint_remapping_method!r}")
    return dict(interpolation=_interpolation(interpolation, "interpolation"),
                mask_interpolation=_interpolation(mask_interpolation, "mask_interpolation"),
                keypoint_remapping_method=keypoint_remapping_method, border_mode=_border(border_mode),
                fill=_fill(fill, "fill"), fill_mask=_fill(fill_mask, "fill_mask"))


def _plane(maps: Node, i: int) -> Node:
    return tensor.Squeeze(tensor.Slice(maps, i, i + 1), axes=[0])


def _column(t: Node, i: int) -> Node:
    return tensor.Slice(t, i, i + 1, axis=1)


def keypoints_visibility(keypoints: Node, width, height) -> Node:
    """Keypoints (N x 5: x, y, angle, scale, visible) with ``visible`` set to 0 where (x, y) is
    outside [0, width) x [0, height)."""
    x, y = _column(keypoints, 0), _column(keypoints, 1)
    inside = _math.LogicalAnd(_math.LogicalAnd(_math.GreaterEqual(x, 0.0), _math.Less(x, width)),
                              _math.LogicalAnd(_math.GreaterEqual(y, 0.0), _math.Less(y, height)))
    visible = _math.Multiply(_column(keypoints, 4), tensor.Cast(inside, dtype="f32"))
    return tensor.Concat(tensor.Slice(keypoints, 0, 4, axis=1), visible, axis=1)


class Distortion(Augmentation):
    """Base of the map-based distortions: a subclass defines ``maps(self, ref)`` (the [2, H, W]
    map node, drawn once per sample in a macro of its own) and ``configure``."""

    kinds = DISTORTION_KINDS
    default_p = 0.5

    @classmethod
    def _params(cls, res, ref, config, label):
        return (type.__call__(cls, ref, label=_sub(label, "map"), _part="draw", **config),)


    @classmethod
    def drawn(cls, ref, *, label=None, **kwargs) -> Node:
        """The node this augmentation draws once per sample for the reference image ``ref`` (a
        distortion's [2, H, W] map, RandomGridShuffle's tile table), for inspection and tests."""
        config, _ = cls._checked_config((), dict(kwargs))
        return cls._params(None, as_node(ref), config, label)[0]

    def draw(self, ref: Node) -> Node:
        return self.maps(ref)

    def maps(self, ref: Node) -> Node:
        raise NotImplementedError

    def apply(self, kind, field, ref, maps):
        c = self.config
        mx, my = _plane(maps, 0), _plane(maps, 1)
        w, h = _size_int(ref)
        if kind == "image":
            return image.Remap(field, mx, my, interpolation=c["interpolation"], border=c["border_mode"],
                               border_value=c["fill"])
        if kind in ("mask", "masks"):
            return image.Remap(field, mx, my, interpolation=c["mask_interpolation"], border=c["border_mode"],
                               border_value=c["fill_mask"])
        if kind == "boxes":
            return geometry.RemapBoxes(field, mx, my, w, h)
        if kind in ("points", "polygons"):
            return geometry.RemapPoints(field, mx, my)
        if kind == "keypoints":
            return keypoints_visibility(geometry.RemapPoints(field, mx, my), w, h)
        raise ValueError(f"cannot move a field of kind {kind!r}")


class OpticalDistortion(Distortion):
    """albumentations' OpticalDistortion: lens distortion about the image center with a
    coefficient k ~ uniform(distort_limit) (a number v means (-v, v)).

    ``mode`` "camera": OpenCV's undistortion map of the camera [[W, 0, W/2], [0, H, H/2]] with
    k1 = k2 = k; "fisheye": radius r -> r (1 + k (r / R)^2), R the center-to-corner distance
    (geometry.optical_distortion_map). Images are remapped with ``interpolation``/``border_mode``/
    ``fill``, masks with ``mask_interpolation``/``fill_mask``; boxes move as their masks
    (albumentations 2.0), keypoints through the map's inverse (``keypoint_remapping_method`` is
    accepted for compatibility; both use the inverse). Default p = 0.5.
    """

    references = {"albumentations": "OpticalDistortion"}

    @staticmethod
    def configure(distort_limit=(-0.05, 0.05), interpolation=1, mask_interpolation=0, mode: str = "camera",
                  keypoint_remapping_method: str = "mask", border_mode=0, fill=0, fill_mask=0):
        if mode not in ("camera", "fisheye"):
            raise ValueError(f"mode must be 'camera' or 'fisheye', not {mode!r}")
        return dict(distort_limit=_symmetric_range(distort_limit, "distort_limit"), mode=mode,
                    **_common_config(interpolation, mask_interpolation, keypoint_remapping_method, border_mode,
                                     fill, fill_mask))

    def maps(self, ref):
        lo, hi = self.config["distort_limit"]
        k = random.Uniform(lo, hi, dtype="f64") if hi > lo else lo
        w, h = _size_int(ref)
        return geometry.OpticalDistortionMap(w, h, k, mode=self.config["mode"])


class GridDistortion(Distortion):
    """albumentations' GridDistortion: the image cut into ``num_steps`` cells per side (side
    W // num_steps, the remainder last), cell c along x stretched by 1 + uniform(distort_limit)
    (num_steps + 1 independent draws per axis; a number v means (-v, v); within [-1, 1]); with
    ``normalized`` the steps are rescaled so the map spans exactly the image
    (geometry.grid_distortion_map). Masks, boxes and keypoints as OpticalDistortion. Default p = 0.5.
    """

    references = {"albumentations": "GridDistortion"}

    @staticmethod
    def configure(num_steps: int = 5, distort_limit=(-0.3, 0.3), interpolation=1, normalized: bool = True,
                  mask_interpolation=0, keypoint_remapping_method: str = "mask", border_mode=0, fill=0, fill_mask=0):
        if not (isinstance(num_steps, numbers.Integral) and not isinstance(num_steps, bool) and num_steps >= 1):
            raise ValueError(f"num_steps must be an int >= 1, not {num_steps!r}")
        return dict(num_steps=int(num_steps), distort_limit=_symmetric_range(distort_limit, "distort_limit", -1, 1),
                    normalized=bool(normalized),
                    **_common_config(interpolation, mask_interpolation, keypoint_remapping_method, border_mode,
                                     fill, fill_mask))

    def maps(self, ref):
        c = self.config
        lo, hi = c["distort_limit"]
        n = c["num_steps"] + 1
        steps = [_math.Add(random.Uniform(lo, hi, dtype="f64", shape=[n]), 1.0) if hi > lo
                 else Constant(np.full(n, 1.0 + lo)) for _ in range(2)]
        w, h = _size_int(ref)
        return geometry.GridDistortionMap(w, h, steps[0], steps[1], normalized=c["normalized"])


class ElasticTransform(Distortion):
    """albumentations' ElasticTransform: random displacement fields (``noise_distribution``
    "gaussian": standard normals divided by their largest magnitude; "uniform": uniform(-1, 1);
    one field for both axes with ``same_dxdy``), smoothed by a Gaussian of ``sigma`` (kernel 17 x 17
    when ``approximate``) and scaled by ``alpha`` pixels (geometry.elastic_map, drawn from the
    pipeline's random stream: the same distribution as albumentations', not its numbers).
    Masks, boxes and keypoints as OpticalDistortion. Default p = 0.5.
    """

    references = {"albumentations": "ElasticTransform"}

    @staticmethod
    def configure(alpha: float = 1, sigma: float = 50, interpolation=1, approximate: bool = False,
                  same_dxdy: bool = False, mask_interpolation=0, noise_distribution: str = "gaussian",
                  keypoint_remapping_method: str = "mask", border_mode=0, fill=0, fill_mask=0):
        if not (_is_number(alpha) and alpha >= 0):
            raise ValueError(f"alpha must be a number >= 0, not {alpha!r}")
        if not (_is_number(sigma) and sigma >= 1):
            raise ValueError(f"sigma must be a number >= 1, not {sigma!r}")
        if noise_distribution not in ("gaussian", "uniform"):
            raise ValueError(f"noise_distribution must be 'gaussian' or 'uniform', not {noise_distribution!r}")
        return dict(alpha=float(alpha), sigma=float(sigma), approximate=bool(approximate), same_dxdy=bool(same_dxdy),
                    noise_distribution=noise_distribution,
                    **_common_config(interpolation, mask_interpolation, keypoint_remapping_method, border_mode,
                                     fill, fill_mask))

    def maps(self, ref):
        c = self.config
        w, h = _size_int(ref)
        return geometry.ElasticMap(w, h, c["alpha"], c["sigma"], noise=c["noise_distribution"],
                                   same_dxdy=c["same_dxdy"], approximate=c["approximate"])


class PiecewiseAffine(Distortion):
    """albumentations 2.0's PiecewiseAffine: rows ~ integer uniform in ``nb_rows`` (inclusive),
    cols in ``nb_cols``, scale ~ uniform(``scale``) (a number v means (0, v)); a rows x cols grid of
    control points is jittered by normal(0, scale min(W, H) / 3) pixels (scale / 3 with
    ``absolute_scale``) and every pixel samples the inverse-squared-distance weighted mean of the
    jittered points (geometry.piecewise_affine_map; as albumentations 2.0 computes it, this also
    bends the image where the jitter is 0). Masks, boxes and keypoints as OpticalDistortion.
    Default p = 0.5.
    """

    references = {"albumentations": "PiecewiseAffine"}

    @staticmethod
    def configure(scale=(0.03, 0.05), nb_rows=(4, 4), nb_cols=(4, 4), interpolation=1, mask_interpolation=0,
                  absolute_scale: bool = False, keypoint_remapping_method: str = "mask", border_mode=0, fill=0,
                  fill_mask=0):
        return dict(scale=_nonnegative_range(scale, "scale"), nb_rows=_int_range(nb_rows, "nb_rows", 2),
                    nb_cols=_int_range(nb_cols, "nb_cols", 2), absolute_scale=bool(absolute_scale),
                    **_common_config(interpolation, mask_interpolation, keypoint_remapping_method, border_mode,
                                     fill, fill_mask))

    def maps(self, ref):
        c = self.config
        w, h = _size_int(ref)
        (r0, r1), (c0, c1) = c["nb_rows"], c["nb_cols"]
        rows = random.Integer(r0, r1 + 1) if r1 > r0 else r0
        cols = random.Integer(c0, c1 + 1) if c1 > c0 else c0
        lo, hi = c["scale"]
        scale = random.Uniform(lo, hi, dtype="f64") if hi > lo else lo
        jitter = random.Normal(0.0, 1.0, dtype="f64", shape=[r1, c1, 2])
        if c["absolute_scale"]:
            std = scale / 3.0
        else:
            side = min(w, h) if isinstance(w, int) and isinstance(h, int) else _math.Minimum(w, h)
            std = scale * side / 3.0
        return geometry.PiecewiseAffineMap(w, h, rows, cols, jitter, std)


class ThinPlateSpline(Distortion):
    """albumentations' ThinPlateSpline: control points on a ``num_control_points`` x
    ``num_control_points`` grid over [0, 1]^2 (the 4 corners and the center when 2), each moved by
    normal(0, s) with s = uniform(``scale_range``) / 10 (image-relative), and the thin plate spline
    through them evaluated at every pixel (geometry.thin_plate_spline_map, albumentations' kernels).
    Masks, boxes and keypoints as OpticalDistortion. Default p = 0.5.
    """

    references = {"albumentations": "ThinPlateSpline"}

    @staticmethod
    def configure(scale_range=(0.2, 0.4), num_control_points: int = 4, interpolation=1, mask_interpolation=0,
                  keypoint_remapping_method: str = "mask", border_mode=0, fill=0, fill_mask=0):
        if not (isinstance(scale_range, (list, tuple)) and len(scale_range) == 2
                and all(_is_number(v) and 0 <= v <= 1 for v in scale_range) and scale_range[0] <= scale_range[1]):
            raise ValueError(f"scale_range must be a (min, max) pair within [0, 1], not {scale_range!r}")
        if not (isinstance(num_control_points, numbers.Integral) and not isinstance(num_control_points, bool)
                and num_control_points >= 2):
            raise ValueError(f"num_control_points must be an int >= 2, not {num_control_points!r}")
        return dict(scale_range=(float(scale_range[0]), float(scale_range[1])),
                    num_control_points=int(num_control_points),
                    **_common_config(interpolation, mask_interpolation, keypoint_remapping_method, border_mode,
                                     fill, fill_mask))

    @staticmethod
    def control_points(n: int) -> np.ndarray:
        if n == 2:
            return np.array([[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5]], np.float64)
        g = np.linspace(0, 1, n)
        return np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)

    def maps(self, ref):
        c = self.config
        src = self.control_points(c["num_control_points"])
        lo, hi = c["scale_range"]
        s = _math.Divide(random.Uniform(lo, hi, dtype="f64"), 10.0) if hi > lo else lo / 10
        dst = _math.Add(Constant(src), _math.Multiply(random.Normal(0.0, 1.0, dtype="f64", shape=list(src.shape)), s))
        w, h = _size_int(ref)
        return geometry.ThinPlateSplineMap(w, h, Constant(src), dst)


class GridElasticDeform(Distortion):
    """albumentations' GridElasticDeform: the image is cut into ``num_grid_xy`` = (cells along x,
    cells along y) cells whose sides differ by at most one pixel (the longer ones at uniformly random
    positions, as albumentations' shuffled splits), every inner vertex of the grid is moved by
    (dx, dy), each an integer ~ uniform{-magnitude, ..., magnitude} (border vertices stay), and each
    cell's content is warped by the perspective transform taking its rectangle to its moved quad
    (geometry.grid_elastic_mesh, geometry.mesh_map: a pixel belongs to the last cell, in row-major
    order, whose quad covers it; pixels no quad covers, where large moves fold the grid, are 0).
    Images are remapped with ``interpolation``, masks with ``mask_interpolation`` (nearest by
    default), both with a constant 0 border; boxes move as their masks (albumentations' boxes ->
    masks -> distort -> boxes, geometry.remap_boxes); points and keypoints by the perspective
    transform of the cell that holds them (geometry.mesh_points, albumentations' rule; keypoints
    outside the image get visibility 0). Default p = 1.0 (albumentations').

    With num_grid_xy of two different values, albumentations 2.0.8 splits the height into
    num_grid_xy[0] rows but pairs the cells as num_grid_xy[1] rows, so its grid is torn; PixelPipes
    follows the documented meaning (the two agree for square grids).
    """

    references = {"albumentations": "GridElasticDeform"}
    differences = {"albumentations": "a non-square num_grid_xy follows the documented (x, y) order (albumentations "
                                     "2.0.8 swaps rows and columns there)"}
    default_p = 1.0

    @staticmethod
    def configure(num_grid_xy, magnitude, interpolation=1, mask_interpolation=0):
        if not (isinstance(num_grid_xy, (list, tuple)) and len(num_grid_xy) == 2
                and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1 for v in num_grid_xy)):
            raise ValueError(f"num_grid_xy must be a (cells along x, cells along y) pair of ints >= 1, "
                             f"not {num_grid_xy!r}")
        if not (isinstance(magnitude, numbers.Integral) and not isinstance(magnitude, bool) and magnitude > 0):
            raise ValueError(f"magnitude must be an int > 0 (pixels), not {magnitude!r}")
        return dict(num_grid_xy=(int(num_grid_xy[0]), int(num_grid_xy[1])), magnitude=int(magnitude),
                    interpolation=_interpolation(interpolation, "interpolation"),
                    mask_interpolation=_interpolation(mask_interpolation, "mask_interpolation"))

    @classmethod
    def _params(cls, res, ref, config, label):
        mesh = type.__call__(cls, ref, label=_sub(label, "mesh"), _part="draw", **config)
        w, h = _size_int(ref)
        return mesh, geometry.MeshMap(mesh, w, h)

    def draw(self, ref):
        cols, rows = self.config["num_grid_xy"]
        m = self.config["magnitude"]
        w, h = _size_int(ref)
        keys = random.Uniform(0.0, 1.0, dtype="f64", shape=[rows + cols])
        # inner vertices: (rows - 1) x (cols - 1); a grid without any still needs a tensor
        moves = random.Integer(-m, m + 1, shape=[max(rows - 1, 1), max(cols - 1, 1), 2])
        return geometry.GridElasticMesh(w, h, keys, moves, rows=rows, cols=cols)

    def apply(self, kind, field, ref, mesh, maps):
        c = self.config
        mx, my = _plane(maps, 0), _plane(maps, 1)
        if kind == "image":
            return image.Remap(field, mx, my, interpolation=c["interpolation"], border="constant", border_value=0.0)
        if kind in ("mask", "masks"):
            return image.Remap(field, mx, my, interpolation=c["mask_interpolation"], border="constant",
                               border_value=0.0)
        w, h = _size_int(ref)
        if kind == "boxes":
            return geometry.RemapBoxes(field, mx, my, w, h)
        if kind in ("points", "polygons"):
            return geometry.MeshPoints(field, mesh)
        if kind == "keypoints":
            return keypoints_visibility(geometry.MeshPoints(field, mesh), w, h)
        raise ValueError(f"cannot move a field of kind {kind!r}")


class RandomGridShuffle(Augmentation):
    """albumentations' RandomGridShuffle: the image cut into ``grid`` = (rows, cols) tiles whose
    sides differ by at most one pixel (the longer ones at uniformly random positions), and the tiles
    of each shape put in a uniformly random order (geometry.grid_shuffle_tiles, from uniform keys).
    Images and masks move tile by tile (exact pixel copies), points and keypoints with their tile;
    a box becomes the bounding box of the largest connected group of its moved pieces
    (albumentations makes one box per piece; one box per input keeps labels aligned). Default p = 0.5.
    """

    references = {"albumentations": "RandomGridShuffle"}
    differences = {"albumentations": "a box cut by a tile seam becomes the box of its largest piece (albumentations: "
                                     "one box per piece)"}
    kinds = DISTORTION_KINDS
    default_p = 0.5

    @staticmethod
    def configure(grid=(3, 3)):
        if not (isinstance(grid, (list, tuple)) and len(grid) == 2
                and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1 for v in grid)):
            raise ValueError(f"grid must be a (rows, cols) pair of ints >= 1, not {grid!r}")
        return dict(grid=(int(grid[0]), int(grid[1])))

    @classmethod
    def _params(cls, res, ref, config, label):
        return (type.__call__(cls, ref, label=_sub(label, "tiles"), _part="draw", **config),)


    @classmethod
    def drawn(cls, ref, *, label=None, **kwargs) -> Node:
        """The node this augmentation draws once per sample for the reference image ``ref`` (a
        distortion's [2, H, W] map, RandomGridShuffle's tile table), for inspection and tests."""
        config, _ = cls._checked_config((), dict(kwargs))
        return cls._params(None, as_node(ref), config, label)[0]

    def draw(self, ref):
        rows, cols = self.config["grid"]
        w, h = _size_int(ref)
        keys = random.Uniform(0.0, 1.0, dtype="f64", shape=[rows + cols + rows * cols])
        return geometry.GridShuffleTiles(w, h, keys, rows=rows, cols=cols)

    def apply(self, kind, field, ref, table):
        w, h = _size_int(ref)
        if kind in ("image", "mask", "masks"):
            return image.MoveTiles(field, table)      # row copies: the pixels of a nearest remap
        if kind == "boxes":
            return geometry.TileMovesBoxes(field, table)
        if kind in ("points", "polygons"):
            return geometry.TileMovesPoints(field, table)
        if kind == "keypoints":
            return keypoints_visibility(geometry.TileMovesPoints(field, table), w, h)
        raise ValueError(f"cannot move a field of kind {kind!r}")


__all__ = ["Distortion", "OpticalDistortion", "GridDistortion", "ElasticTransform", "PiecewiseAffine",
           "ThinPlateSpline", "GridElasticDeform", "RandomGridShuffle", "keypoints_visibility"]
