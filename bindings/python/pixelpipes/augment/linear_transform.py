"""LinearTransformation: the flattened image times a D x D matrix after subtracting a mean vector
(torchvision's LinearTransformation, e.g. ZCA whitening)."""
from __future__ import annotations

import numpy as np

from ..node import Constant
from ..ops import tensor
from ..ops import math as _math
from .base import Augmentation


def _static_shape(field):
    try:
        shape = field.type.shape
    except (RuntimeError, AttributeError):
        shape = None
    if shape is None or len(shape) not in (2, 3) or any(d is None or d < 0 for d in shape):
        return None
    return tuple(int(d) for d in shape)


class LinearTransformation(Augmentation):
    """(x - mean_vector) @ transformation_matrix on the image flattened in torchvision's C x H x W
    order, as f32 (u8 images are not rescaled, as in torchvision). ``transformation_matrix`` is
    D x D and ``mean_vector`` has D values, D = C * H * W. The image keeps its H x W x C layout:
    the matrix is reordered once, when the graph is built, so the product runs on the image as it
    lies in memory (math.matmul). The image size must be known then (resize or crop to a fixed
    size first)."""

    references = {"torchvision": "LinearTransformation"}

    @staticmethod
    def configure(transformation_matrix, mean_vector):
        m = np.asarray(transformation_matrix, dtype=np.float64)
        v = np.asarray(mean_vector, dtype=np.float64)
        if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] == 0:
            raise ValueError(f"transformation_matrix must be a square D x D matrix, not shape {m.shape}")
        if v.ndim != 1 or v.shape[0] != m.shape[0]:
            raise ValueError(f"mean_vector must have D = {m.shape[0]} values, not shape {v.shape}")
        if not (np.isfinite(m).all() and np.isfinite(v).all()):
            raise ValueError("transformation_matrix and mean_vector must be finite")
        return dict(matrix=m.astype(np.float32), mean=v.astype(np.float32))

    def apply(self, kind, field, ref):
        m, v = self.config["matrix"], self.config["mean"]
        shape = _static_shape(field)
        if shape is None:
            raise ValueError("LinearTransformation needs the image size when the graph is built; resize or crop "
                             "the image to a fixed size first")
        h, w = shape[:2]
        c = shape[2] if len(shape) == 3 else 1
        d = c * h * w
        if d != m.shape[0]:
            raise ValueError(f"LinearTransformation: the image has C * H * W = {c} * {h} * {w} = {d} values, the "
                             f"matrix is {m.shape[0]} x {m.shape[0]}")
        # order[k]: the C x H x W position of the k-th value of the H x W x C image
        order = np.arange(d).reshape(c, h, w).transpose(1, 2, 0).ravel()
        matrix = np.ascontiguousarray(m[np.ix_(order, order)])
        mean = np.ascontiguousarray(v[order].reshape(1, d))
        flat = tensor.Reshape(tensor.Cast(field, dtype="f32"), shape=[1, d])
        out = _math.Matmul(_math.Subtract(flat, Constant(mean)), Constant(matrix))
        return tensor.Reshape(out, shape=list(shape))
