"""Argument checks and small graph helpers shared by the augmentation macros."""
from __future__ import annotations

import math as _pymath
import numbers
from typing import Optional, Sequence, Tuple

from .. import registry as _registry
from ..annotations import move_keypoints
from ..node import Node
from ..ops import geometry, image, random, tensor
from ..ops import math as _math

# The choices the ops publish in the registry (one list, in C++): warps take these interpolations
# and borders, resizing also "area".
INTERPOLATIONS = _registry.schema("image.warp").attribute("interpolation").choices
RESIZE_INTERPOLATIONS = _registry.schema("image.resize").attribute("interpolation").choices
BORDERS = _registry.schema("image.warp").attribute("border").choices
_BORDER_ALIASES = {"edge": "replicate", "symmetric": "reflect"}


# -- small helpers -------------------------------------------------------------------------------

def _sub(label: Optional[str], part: str) -> Optional[str]:
    return f"{label}.{part}" if label else None


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _is_node(x) -> bool:
    return isinstance(x, Node)


def _scalar(v: Node, i: int) -> Node:
    """Element i of a 1-D tensor, as a 0-d tensor."""
    return tensor.Reshape(tensor.Slice(v, i, i + 1), shape=[])


def _max(a, b):
    if not _is_node(a) and not _is_node(b):
        return max(a, b)
    return _math.Maximum(a, b)


def _floor(x):
    return float(_pymath.floor(x)) if not _is_node(x) else _math.Floor(x)


def _uniform(lo, hi, label: Optional[str] = None):
    """A uniform draw in [lo, hi); a constant when the range is a single number."""
    if not _is_node(lo) and not _is_node(hi) and float(lo) == float(hi):
        return float(lo)
    return random.Uniform(lo, hi, label=label)



def _channels(field) -> int:
    """An image field's channel count when the graph is built (H x W images have one); 3, the RGB
    case, when it is not known then."""
    try:
        shape = field.type.shape
    except (RuntimeError, AttributeError):
        return 3
    if shape is None or len(shape) < 2:
        return 3
    if len(shape) == 2:
        return 1
    return int(shape[2]) if shape[2] is not None and shape[2] >= 0 else 3

def _static_hw(node: Node) -> Optional[Tuple[int, int]]:
    """(width, height) of an image when its type knows them."""
    try:
        t = node.type
    except RuntimeError:
        return None
    if t.kind == "tensor" and t.shape is not None and len(t.shape) >= 2 \
            and t.shape[0] is not None and t.shape[1] is not None:
        return int(t.shape[1]), int(t.shape[0])
    return None


def _size_int(ref: Node):
    """(width, height) of ``ref``: Python ints when known at compile time, else i64 nodes."""
    s = _static_hw(ref)
    if s is not None:
        return s
    return image.Width(ref), image.Height(ref)


def _size_f32(ref: Node):
    """(width, height) of ``ref``: Python floats when known at compile time, else f32 nodes."""
    s = _static_hw(ref)
    if s is not None:
        return float(s[0]), float(s[1])
    return tensor.Cast(image.Width(ref), dtype="f32"), tensor.Cast(image.Height(ref), dtype="f32")


def _size_hw(size, what: str = "size") -> Tuple[int, int]:
    """torchvision's size argument: an int (square) or (height, width)."""
    if isinstance(size, numbers.Integral) and not isinstance(size, bool):
        size = (int(size), int(size))
    elif isinstance(size, (list, tuple)) and len(size) == 1:
        size = (int(size[0]), int(size[0]))
    elif isinstance(size, (list, tuple)) and len(size) == 2:
        size = (int(size[0]), int(size[1]))
    else:
        raise ValueError(f"{what} must be an int or a (height, width) pair, not {size!r}")
    if size[0] < 1 or size[1] < 1:
        raise ValueError(f"{what} must be positive, not {size!r}")
    return size


def _pair(value, what: str, *, center: Optional[float] = None, low: Optional[float] = None,
          high: Optional[float] = None) -> Optional[Tuple[float, float]]:
    """A (min, max) range: a number v means (center - v, center + v) (clamped at ``low``);
    a pair is taken as is. None stays None."""
    if value is None:
        return None
    if _is_number(value):
        if value < 0:
            raise ValueError(f"{what}: a single number must not be negative, not {value!r}")
        if center is None:
            raise ValueError(f"{what} must be a (min, max) pair, not {value!r}")
        lo, hi = center - float(value), center + float(value)
        if low is not None:
            lo = max(lo, low)
    elif isinstance(value, (list, tuple)) and len(value) == 2 and all(_is_number(v) for v in value):
        lo, hi = float(value[0]), float(value[1])
    else:
        raise ValueError(f"{what} must be a number or a (min, max) pair, not {value!r}")
    if lo > hi:
        raise ValueError(f"{what}: the range {value!r} has min > max")
    if (low is not None and lo < low) or (high is not None and hi > high):
        raise ValueError(f"{what}: {value!r} must lie within [{low}, {high}]")
    return lo, hi


def _choice(value: str, choices: Sequence[str], what: str) -> str:
    value = _BORDER_ALIASES.get(value, value) if what == "border" else value
    if value not in choices:
        raise ValueError(f"{what} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _move_annotations(kind: str, field: Node, matrix: Node, w, h, clip: bool) -> Node:
    """A non-pixel field moved by ``matrix`` into a w x h canvas (boxes clipped when ``clip``;
    keypoints: angle, scale and visibility too, see annotations.move_keypoints)."""
    if kind == "keypoints":
        return move_keypoints(field, matrix, w, h)
    if kind == "points":
        return geometry.TransformPoints(field, matrix)
    if kind == "polygons":
        return geometry.TransformPolygon(field, matrix)
    if kind == "boxes":
        boxes = geometry.TransformBoxes(field, matrix)
        return geometry.ClipBoxes(boxes, w, h) if clip else boxes
    raise ValueError(f"cannot move a field of kind {kind!r}")


def _with_shape(out: Node, like: Node, h: int, w: int) -> Node:
    """``out`` (an h x w crop of ``like``) with its shape known at compile time, when ``like``'s
    channels are known (so batches get one array)."""
    try:
        t = like.type
    except RuntimeError:
        return out
    if t.kind != "tensor" or t.shape is None or len(t.shape) < 2 or any(d is None for d in t.shape[2:]):
        return out
    return tensor.Reshape(out, shape=[h, w, *t.shape[2:]])


def _symmetric_range(value, what: str, low=None, high=None):
    """albumentations' SymmetricRangeType: v means (-|v|, |v|); a pair is (min, max); both must
    lie within [low, high] (not clamped, unlike _pair's low)."""
    lo, hi = _pair(abs(value) if _is_number(value) else value, what, center=0.0)
    if (low is not None and lo < low) or (high is not None and hi > high):
        raise ValueError(f"{what}: {value!r} must lie within [{low}, {high}]")
    return lo, hi
