"""The co-transform property for every augmentation of the catalog, on one Resource: pixels,
instance masks, boxes and keypoints move together.

Every class of ``augment.__all__`` runs with the arguments of test_catalog_declared.CASES (sizes
scaled to this canvas where they matter: ``SCALED``) on a 240 x 320 photo with four declared boxes, an instance-mask plane filled inside each box, and a
keypoint at each box center that is also marked in a ``marker`` mask (a 3 x 3 dot holding the
keypoint's id). Over 8 samples per class:

* boxes: the bounding box of each kept box's plane vs the box, mean IoU >= 0.98 over the boxes
  of 8 px and more a side that do not touch the canvas edge (smaller remnants of cut boxes are
  dominated by whole-pixel rounding; for the transforms that turn boxes, those that touch the
  canvas edge are left out too: a rotated box clipped by the edge is looser than its clipped
  object, in albumentations too);
* keypoints: each visible keypoint lies within 1 px of a pixel center of its marker dot (where
  the dot survived: a dropout may paint it over).

RandomGridShuffle is checked for keypoints only: the box of an object cut by a tile seam is the
box of its largest piece (documented), while its plane keeps every piece.
"""
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import resource

import test_catalog_declared as declared

H, W, S = 240, 320, 4            # the canvas, and its scale over test_catalog_declared's item
BOXES_ONLY_SKIPPED = {"RandomGridShuffle"}
#: transforms that are not axis-aligned: their boxes clipped by the canvas edge are left out
TURNING = {"RandomAffine", "Transform", "SafeRotate", "Perspective", "Compose", "Affine", "ShiftScaleRotate",
           "Rotate", "RandomRotation", "RandomPerspective", "RandAugment", "TrivialAugmentWide", "AutoAugment"}
A = declared.A

#: the cases whose sizes are absolute, for this 4x larger canvas
SCALED = {
    "RandomResizedCrop": lambda r: A.RandomResizedCrop(r, 192, scale=(0.3, 1.0)),
    "RandomCrop": lambda r: A.RandomCrop(r, (160, 200)),
    "CenterCrop": lambda r: A.CenterCrop(r, (160, 200)),
    "RandomPatch": lambda r: A.RandomPatch(r, 192, center_jitter=0.2, scale_jitter=0.2),
    "RandomSizedBBoxSafeCrop": lambda r: A.RandomSizedBBoxSafeCrop(r, 160, 192),
    "AtLeastOneBBoxRandomCrop": lambda r: A.AtLeastOneBBoxRandomCrop(r, 120, 160),
    "CropNonEmptyMaskIfExists": lambda r: A.CropNonEmptyMaskIfExists(r, 96, 128),
    "Mosaic": lambda r: A.Mosaic([r, r, r, r], target_size=(192, 256), cell_shape=(160, 192), p=1.0),
    "Resize": lambda r: A.Resize(r, 180, 200),
    "LongestMaxSize": lambda r: A.LongestMaxSize(r, max_size=200),
    "SmallestMaxSize": lambda r: A.SmallestMaxSize(r, max_size=200),
    "ScaleJitter": lambda r: A.ScaleJitter(r, (192, 256), scale_range=(0.5, 1.5)),
    "Pad": lambda r: A.Pad(r, padding=(12, 20, 28, 8)),
    "PadIfNeeded": lambda r: A.PadIfNeeded(r, min_height=280, min_width=384),
    "CropAndPad": lambda r: A.CropAndPad(r, px=(-32, 24), keep_size=False),
    "RandomSizedCrop": lambda r: A.RandomSizedCrop(r, (80, 200), (128, 160)),
    "Crop": lambda r: A.Crop(r, 20, 16, 280, 232),
    # (crop_border cuts most boxes at the canvas edge, which TURNING leaves out)
    "Rotate": lambda r: A.Rotate(r, limit=30, p=1.0),
    "RandomShortestSize": lambda r: A.RandomShortestSize(r, [160, 200], max_size=360),
    "RandomResize": lambda r: A.RandomResize(r, 160, 280),
    "Compose": lambda r: A.Compose([A.RandomAffine(degrees=15), A.RandomCrop(size=(200, 280))])(r),
    "OneOf": lambda r: A.OneOf([A.RandomVerticalFlip(p=1.0), A.RandomResizedCrop(size=128)], p=1.0)(r),
    "SomeOf": lambda r: A.SomeOf([A.RandomHorizontalFlip(p=1.0), A.CenterCrop(size=160), A.Resize(160, 200)],
                                 n=2)(r),
    "Sequential": lambda r: A.Sequential([A.Pad(padding=16), A.RandomCrop(size=(176, 240))], random_order=True)(r),
    "CoarseDropout": lambda r: A.CoarseDropout(r, num_holes_range=(2, 4), hole_height_range=(16, 40),
                                               hole_width_range=(16, 40), fill_mask=0, p=1.0),
    "XYMasking": lambda r: A.XYMasking(r, num_masks_x=2, num_masks_y=1, mask_x_length=24, mask_y_length=20,
                                       fill_mask=0, p=1.0),
    "FiveCrop": lambda r: A.FiveCrop(r, (160, 200))[0],
    "TenCrop": lambda r: A.TenCrop(r, (160, 200))[-1],
    "FiveCrop[-1]": lambda r: A.FiveCrop(r, (160, 200))[-1],
    "TenCrop[0]": lambda r: A.TenCrop(r, (160, 200), vertical_flip=True)[0],
    "TenCrop[5]": lambda r: A.TenCrop(r, (160, 200), vertical_flip=True)[5],
    "OverlayElements": lambda r: A.OverlayElements(
        r, overlays=[{"image": declared._photo("chelsea", (40, 48)), "bbox": [0.4, 0.3, 0.6, 0.5]}], p=1.0),
    # a D x D matrix for D = C * H * W is too big for this canvas: an 8 x 8 thumbnail stands in for
    # the image, the annotations stay on the canvas (the transform does not touch them)
    "LinearTransformation": lambda r: r.replace(image=A.LinearTransformation(
        A.Resize(r.image, 8, 8), transformation_matrix=np.eye(192, dtype=np.float32), mean_vector=np.zeros(192))),
}


def _item():
    boxes = np.array([[4, 6, 30, 28], [40, 8, 74, 36], [10, 34, 36, 56], [50, 40, 70, 58]], np.float32) * S
    r = declared._item(size=(H, W), boxes=boxes)
    marker = np.zeros((H, W), np.uint8)
    for i, (x1, y1, x2, y2) in enumerate(boxes):
        cx, cy = int((x1 + x2) / 2), int((y1 + y2) / 2)   # the center (x.0) lies on a pixel corner:
        marker[cy - 1:cy + 1, cx - 1:cx + 1] = i + 1        # a 2 x 2 dot centered on it
    return r.replace(marker=resource.Field(marker, "mask"))


def _iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


@pytest.mark.parametrize("name", sorted(declared.SWEPT))
def test_fields_move_together(name):
    def build():
        return SCALED.get(name, declared.SWEPT[name])(_item())
    p = declared._compile(build, seed=5)
    ious, distances = [], []
    for sample in range(8):
        out = p.run(sample)
        h, w = out["image"].shape[:2]
        for box, plane in zip(out["boxes"], out["masks"]):
            if box[2] - box[0] < 8 or box[3] - box[1] < 8:
                continue
            if name in TURNING and (box[0] < 0.5 or box[1] < 0.5 or box[2] > w - 0.5 or box[3] > h - 0.5):
                continue
            ys, xs = np.nonzero(plane)
            if len(xs) and name not in BOXES_ONLY_SKIPPED:
                ious.append(_iou([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], box))
        marker = out["marker"]
        marker = marker[..., 0] if marker.ndim == 3 else marker
        for (x, y, v), i in zip(out["kp"], out["kp_ids"]):
            ys, xs = np.nonzero(marker == i)
            if v <= 0 or len(xs) == 0:
                continue
            distances.append(np.min(np.hypot(xs + 0.5 - x, ys + 0.5 - y)))
    if name not in BOXES_ONLY_SKIPPED:
        assert len(ious) >= 4, (name, "too few boxes kept to judge")
        assert np.mean(ious) >= 0.98, (name, np.mean(ious), np.min(ious))
    assert len(distances) >= 4, (name, "too few keypoints kept to judge")
    assert np.max(distances) <= 1.0, (name, np.max(distances))
    print(f"{name}: mean IoU {np.mean(ious) if ious else float('nan'):.4f} over {len(ious)} boxes, "
          f"keypoints within {np.max(distances):.2f} px ({len(distances)})")
