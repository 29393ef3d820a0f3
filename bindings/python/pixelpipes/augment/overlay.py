"""albumentations' OverlayElements: overlay images (stickers, logos, document elements) pasted onto
the image where their masks are set, their mask_id written into the masks. The overlays are graph
nodes given to the augmentation, not per-sample Python metadata."""
from __future__ import annotations

import inspect
import numbers
from typing import Any, Dict, List, Optional

import numpy as np

from ..flow import Conditional
from ..node import Constant, Node, as_node
from ..ops import flow as _flow
from ..ops import image, random, tensor
from ..ops import mask as _mask
from ..ops import math as _math
from ..resource import Resource
from ._common import _is_node, _is_number, _size_int, _sub
from .base import Augmentation

_KEYS = ("image", "bbox", "mask", "mask_id")
#: the longest side a run-time nearest-resize index covers (image.remap's limit as well)
_MAX_SIDE = 32766


def _f64(x):
    return tensor.Cast(x, dtype="f64") if _is_node(x) else float(x)


def _i64(x):
    return tensor.Cast(x, dtype="i64") if _is_node(x) else int(x)


def _nearest_index(n_out, n_in):
    """OpenCV's INTER_NEAREST source index of each of n_out outputs: min(floor(i * (1 / (n_out /
    n_in))), n_in - 1), in double precision as cv::resize computes it."""
    if not _is_node(n_out) and not _is_node(n_in):
        scale = 1.0 / (n_out / n_in)
        return Constant(np.minimum(np.floor(np.arange(n_out) * scale), n_in - 1).astype(np.int64))
    ramp = tensor.Slice(Constant(np.arange(_MAX_SIDE, dtype=np.float64)), 0, n_out)
    scale = 1.0 / (_f64(n_out) / _f64(n_in))
    return _math.Minimum(tensor.Cast(_math.Floor(ramp * scale), dtype="i64"), _i64(n_in) - 1)


def resize_nearest(field: Node, width, height) -> Node:
    """``field`` resized to width x height as cv2.resize(INTER_NEAREST) does (albumentations resizes
    overlay masks so; image.resize's 'nearest' is INTER_NEAREST_EXACT, which differs)."""
    w_in, h_in = _size_int(field)
    rows = tensor.Gather(field, _nearest_index(height, h_in), axis=0)
    return tensor.Gather(rows, _nearest_index(width, w_in), axis=1)


def _check_overlays(overlays) -> List[Dict[str, Any]]:
    if isinstance(overlays, dict):
        overlays = [overlays]
    if not isinstance(overlays, (list, tuple)) or not overlays:
        raise ValueError("overlays must be a non-empty list of dicts with 'image' and optional 'bbox', 'mask', "
                         f"'mask_id', not {overlays!r}")
    checked = []
    for i, ov in enumerate(overlays):
        if not isinstance(ov, dict) or "image" not in ov or ov["image"] is None:
            raise ValueError(f"overlays[{i}] must be a dict with an 'image' (a node or an array)")
        unknown = sorted(set(ov) - set(_KEYS))
        if unknown:
            raise ValueError(f"overlays[{i}] has unknown keys {unknown} (known: {', '.join(_KEYS)})")
        bbox = ov.get("bbox")
        if bbox is not None and not _is_node(bbox):
            if not (isinstance(bbox, (list, tuple, np.ndarray)) and len(bbox) >= 4
                    and all(_is_number(v) for v in list(bbox)[:4])):
                raise ValueError(f"overlays[{i}]['bbox'] must be 4 normalized numbers x_min, y_min, x_max, y_max "
                                 f"or a node, not {bbox!r}")
            x1, y1, x2, y2 = (float(v) for v in list(bbox)[:4])
            if not (0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1):
                raise ValueError(f"overlays[{i}]['bbox'] must satisfy 0 <= x_min < x_max <= 1 and "
                                 f"0 <= y_min < y_max <= 1 (albumentations' format), not {bbox!r}")
            bbox = (x1, y1, x2, y2)
        mask_id = ov.get("mask_id")
        if mask_id is not None and not (isinstance(mask_id, numbers.Integral) and not isinstance(mask_id, bool)):
            raise ValueError(f"overlays[{i}]['mask_id'] must be an int or None, not {mask_id!r}")
        checked.append(dict(image=ov["image"], bbox=bbox, mask=ov.get("mask"),
                            mask_id=None if mask_id is None else int(mask_id)))
    return checked


class OverlayElements(Augmentation):
    """albumentations' OverlayElements, with the overlays given as graph nodes:
    ``OverlayElements(r, overlays=[{"image": node, "bbox": [x_min, y_min, x_max, y_max] or a node,
    "mask": node or None, "mask_id": int or None}, ...])`` (one dict or a list; ``metadata_key`` is
    taken for porting and not used: albumentations reads the same dicts from the call's data).

    Each overlay, in list order (a later one paints over an earlier one):

    * with ``bbox`` (albumentations' normalized x_min, y_min, x_max, y_max): the corners are
      denormalized and truncated to ints (int(x_min * W), ...); the overlay image is resized to that
      box with 'area' interpolation and its mask (if any) with OpenCV's INTER_NEAREST (exactly as
      albumentations: source index floor(i * src / dst));
    * without: an overlay larger than the image on either side is first resized to the image's
      size ('area'); it is placed at x = integer(0, W - w), then y = integer(0, H - h), each
      uniform with both ends included (albumentations' randint).

    The image takes the overlay's pixels where its mask is nonzero (any channel), everywhere in the
    placed rectangle without a mask. Masks and instance masks (every plane, as albumentations'
    apply_to_mask on each) get ``mask_id`` there, when it is not None. Boxes, points and keypoints
    do not move. The overlay image must have the image's channels and dtype; a mask is H x W or
    H x W x 1 (any numeric dtype). p defaults to 0.5.

    Where albumentations fails and this does not: a mask given with an overlay larger than the
    image and no bbox is resized (nearest) with it; an overlay without mask and without bbox
    writes mask_id into its whole rectangle.
    """

    references = {"albumentations": "OverlayElements"}
    kinds = ("image", "mask", "masks")
    default_p = 0.5

    @staticmethod
    def configure(overlays=(), metadata_key: str = "overlay_metadata"):
        checked = _check_overlays(overlays)
        if not isinstance(metadata_key, str):
            raise ValueError(f"metadata_key must be a string, not {metadata_key!r}")
        return dict(writes=tuple(o["mask_id"] is not None for o in checked),
                    mask_ids=tuple(float(o["mask_id"] or 0) for o in checked))

    @classmethod
    def _build(cls, source, *args, label: Optional[str] = None, **kwargs):
        bound = inspect.signature(cls.configure).bind(*args, **{k: v for k, v in kwargs.items() if k != "p"})
        overlays = _check_overlays(bound.arguments.get("overlays", ()))
        config, p = cls._checked_config(args, kwargs)

        def augmented():
            ref = source.reference() if isinstance(source, Resource) else as_node(source)
            params = []
            for i, ov in enumerate(overlays):
                params.extend(cls._placed(ov, ref, _sub(label, f"overlay{i}")))
            return cls._apply_to(source, config, label, params=tuple(params))
        return cls._maybe(source, p, label, augmented)

    @staticmethod
    def _placed(ov: Dict[str, Any], ref: Node, label: Optional[str]):
        """(the overlay on a canvas of the image's size, 0 outside; its mask there, u8 or the mask's
        dtype, nonzero where it pastes)."""
        W, H = _size_int(ref)
        img = as_node(ov["image"])
        msk = None if ov["mask"] is None else as_node(ov["mask"])
        bbox = ov["bbox"]
        if bbox is not None:
            if _is_node(bbox) or _is_node(W) or _is_node(H):
                b = tensor.Reshape(tensor.Cast(as_node(bbox) if _is_node(bbox) else Constant(
                    np.asarray(bbox, np.float64)), dtype="f64"), shape=[-1])
                corners = [tensor.Cast(tensor.Reshape(tensor.Slice(b, k, k + 1), shape=[]) * _f64(s), dtype="i64")
                           for k, s in zip(range(4), (W, H, W, H))]
            else:
                corners = [int(v * s) for v, s in zip(bbox, (W, H, W, H))]
            x, y = corners[0], corners[1]
            w, h = corners[2] - corners[0], corners[3] - corners[1]
            img = image.Resize(img, w, h, interpolation="area")
            msk = None if msk is None else resize_nearest(msk, w, h)
        else:
            ow, oh = _size_int(img)
            too_big = (oh > H or ow > W) if not any(_is_node(v) for v in (W, H, ow, oh)) \
                else _math.LogicalOr(_i64(oh) > _i64(H), _i64(ow) > _i64(W))
            if too_big is True:
                img, w, h = image.Resize(img, W, H, interpolation="area"), W, H
                msk = None if msk is None else resize_nearest(msk, W, H)
            elif too_big is False:
                w, h = ow, oh
            else:
                img = Conditional(too_big, image.Resize(img, W, H, interpolation="area"), img)
                if msk is not None:
                    msk = Conditional(too_big, resize_nearest(msk, W, H), msk)
                w, h = _flow.Select(too_big, _i64(W), _i64(ow)), _flow.Select(too_big, _i64(H), _i64(oh))
            # albumentations draws x first, then y (randint: both ends included)
            x = random.Integer(0, _i64(W) - _i64(w) + 1, label=_sub(label, "x"))
            y = random.Integer(0, _i64(H) - _i64(h) + 1, label=_sub(label, "y"))
        xf, yf = (tensor.Cast(v, dtype="f32") if _is_node(v) else float(v) for v in (x, y))
        wf, hf = (tensor.Cast(v, dtype="f32") if _is_node(v) else float(v) for v in (w, h))
        Wf, Hf = (tensor.Cast(v, dtype="f32") if _is_node(v) else float(v) for v in (W, H))
        values = (-xf, -yf, Wf - xf, Hf - yf)
        if any(_is_node(v) for v in values):
            canvas = tensor.Stack(*[v if _is_node(v) else Constant(np.float32(v)) for v in values])
            rect = tensor.Stack(*[v if _is_node(v) else Constant(np.float32(v)) for v in (xf, yf, xf + wf, yf + hf)])
        else:
            canvas = Constant(np.array(values, np.float32))
            rect = Constant(np.array([xf, yf, xf + wf, yf + hf], np.float32))
        placed = image.CropPad(img, canvas, border="constant", border_value=0.0)
        if msk is None:
            where = _mask.RenderBoxes(rect, W, H, value=1)
        else:
            where = image.CropPad(msk, canvas, border="constant", border_value=0.0)
        return placed, where

    def apply(self, kind, field, ref, *params):
        c = self.config
        out = field
        for i in range(len(params) // 2):
            placed, where = params[2 * i], params[2 * i + 1]
            if kind == "image":
                # the image outside the mask plus the overlay inside it (each 0 where the other counts)
                out = image.FillWhere(out, where, value=[0]) + (placed - image.FillWhere(placed, where, value=[0]))
            elif c["writes"][i]:
                out = image.FillWhere(out, where, value=[c["mask_ids"][i]])
        return out
