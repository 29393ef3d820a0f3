"""torchvision's ElasticTransform, as RandomElastic (augment.ElasticTransform is albumentations':
another displacement scale and other defaults)."""
from __future__ import annotations

from ..ops import geometry, tensor
from ._common import _is_number, _size_f32, _size_int
from ._reframe import fill_value, interpolation_name
from .distort import Distortion


def _number_or_pair(value, what: str):
    if _is_number(value):
        return float(value), float(value)
    if isinstance(value, (list, tuple)) and len(value) in (1, 2) and all(_is_number(v) for v in value):
        return float(value[0]), float(value[-1])
    raise ValueError(f"{what} must be a number or a pair of numbers, not {value!r}")


class RandomElastic(Distortion):
    """torchvision's ElasticTransform(alpha=50, sigma=5, interpolation, fill).

    torchvision draws two fields of uniform(-1, 1) noise (dx, dy), blurs each with a Gaussian of
    ``sigma`` and scales dx by alpha[0] / H and dy by alpha[1] / W (torchvision's formula, H and W
    as written there), as displacements in grid_sample's normalized coordinates: in pixels
    dx * W / 2 and dy * H / 2. Here geometry.elastic_map (noise "uniform") draws and blurs the
    fields and scales them by those pixel factors alpha[0] W / (2 H) and alpha[1] H / (2 W): the
    same distribution, not torchvision's numbers. Differences in the blur: its kernel side is
    OpenCV's 2 round(4 sigma) + 1 (torchvision's int(8 sigma + 1) made odd: the same for
    sigma = 5) and its border replicates (torchvision's reflects): the fields differ near the
    edges by the blur's tails only. ``sigma`` must be > 0 and the same for both axes (a number or
    an equal pair); ``alpha`` a number or a pair (x, y).

    Images are remapped with ``interpolation`` ("bilinear" default, "nearest", or
    InterpolationMode values) and constant ``fill``; masks with nearest and the same fill (a
    number fill applies to masks in torchvision too); boxes, points and keypoints move as in the
    other distortions (geometry.remap_boxes / remap_points: through the map's inverse, where
    torchvision approximates it by identity - displacement). p is 1 (torchvision's has none)."""

    references = {"torchvision": "ElasticTransform"}
    differences = {"torchvision": "sigma must be the same on both axes"}
    default_p = 1.0

    @staticmethod
    def configure(alpha=50.0, sigma=5.0, interpolation="bilinear", fill=0):
        ax, ay = _number_or_pair(alpha, "alpha")
        sx, sy = _number_or_pair(sigma, "sigma")
        if min(ax, ay) < 0:
            raise ValueError(f"alpha must be >= 0, not {alpha!r}")
        if sx != sy:
            raise ValueError(f"sigma must be the same for both axes here (one isotropic blur), not {sigma!r}")
        if sx <= 0:
            raise ValueError(f"sigma must be > 0, not {sigma!r}")
        value = fill_value(fill, "fill")
        return dict(alpha=(ax, ay), sigma=sx, interpolation=interpolation_name(interpolation, warp=True),
                    mask_interpolation="nearest", border_mode="constant", fill=value, fill_mask=value,
                    keypoint_remapping_method="direct")

    def maps(self, ref):
        c = self.config
        w, h = _size_int(ref)
        W, H = _size_f32(ref)
        ax, ay = c["alpha"]
        scale_x, scale_y = ax * W / (2.0 * H), ay * H / (2.0 * W)
        if isinstance(W, float) and scale_x == scale_y:
            return geometry.ElasticMap(w, h, scale_x, c["sigma"], noise="uniform")
        # the x field of one map and the y field of another: independent fields, each its own scale
        along_x = geometry.ElasticMap(w, h, scale_x, c["sigma"], noise="uniform")
        along_y = geometry.ElasticMap(w, h, scale_y, c["sigma"], noise="uniform")
        return tensor.Concat(tensor.Slice(along_x, 0, 1), tensor.Slice(along_y, 1, 2))
