"""The annotation-aware crops and Mosaic against albumentations 2.0.8 (and torchvision's
RandomIoUCrop against a NumPy transcription of its documented algorithm).

Checked per transform: (1) at the window our pipeline drew, the pixels equal albumentations'
(crops: exactly; resized crops: |diff| <= 1 on uint8, mean and max reported) and the moved boxes
equal albumentations' moved boxes (1e-3 px); (2) the guarantee over thousands of samples (every
box kept, one box kept, the mask non-empty inside); (3) the window's distribution against
albumentations' own get_params_dependent_on_data draws (KS, 5000 draws, p > 0.01); Mosaic: the
center's distribution, the pixels against albumentations' assembly at our center and item order,
boxes on their pasted pixels (IoU >= 0.98), sizes, determinism.
"""
import os
import random as pyrandom

import albumentations as A
import cv2
import numpy as np
import pytest
from albumentations.augmentations.mixing import functional as fmixing
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment, resource
from pixelpipes.ops import mask
from op_runner import compile_outputs

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "photos")
N_KS = 5000


def _photo(name="astronaut", size=(96, 128)):
    img = cv2.cvtColor(cv2.imread(os.path.join(PHOTOS, f"{name}.jpg")), cv2.COLOR_BGR2RGB)
    return cv2.resize(img, (size[1], size[0]), interpolation=cv2.INTER_AREA)


def _compile(build, seed=7):
    return compile_outputs(build, seed)


def _window(s):
    """x1, y1, x2, y2 of the source window a crop took, from the moved origin and the output size
    (scale for resized crops from a second point)."""
    q = s["corners"].astype(np.float64)
    h, w = s["image"].shape[:2]
    sx, sy = (q[1, 0] - q[0, 0]) / 100.0, (q[1, 1] - q[0, 1]) / 100.0
    x1, y1 = -q[0, 0] / sx, -q[0, 1] / sy
    return np.round([x1, y1, x1 + w / sx, y1 + h / sy]).astype(int)


CORNERS = resource.Field(np.array([[0, 0], [100, 100]], np.float32), "points")
BOXES = np.array([[20, 14, 50, 40], [60, 30, 90, 70], [70, 10, 100, 26]], np.float32)
H, W = 96, 128


def _resource(img, boxes, **extra):
    return resource.Resource(image=img, boxes=boxes, corners=CORNERS, **extra)


def _albu_boxes(transforms, img, boxes):
    t = A.Compose(transforms, bbox_params=A.BboxParams(format="pascal_voc", label_fields=["ids"]))
    out = t(image=img, bboxes=boxes, ids=np.arange(len(boxes)))
    return out["image"], np.asarray(out["bboxes"], np.float64).reshape(-1, 4), np.asarray(out["ids"], int)


CROPS = {
    "bbox_safe": (lambda r: augment.BBoxSafeRandomCrop(r, erosion_rate=0.2), False),
    "sized_bbox_safe": (lambda r: augment.RandomSizedBBoxSafeCrop(r, 40, 56, erosion_rate=0.1), True),
    "at_least_one": (lambda r: augment.AtLeastOneBBoxRandomCrop(r, 40, 48), False),
    "near_bbox": (lambda r: augment.RandomCropNearBBox(r, max_part_shift=(0.3, 0.3)), False),
    "nonempty_mask": (lambda r: augment.CropNonEmptyMaskIfExists(r, 32, 40), False),
    "iou": (lambda r: augment.RandomIoUCrop(r), False),
}


@pytest.mark.parametrize("name", sorted(CROPS))
def test_pixels_and_boxes_match_albumentations_at_the_drawn_window(name):
    make, resized = CROPS[name]
    img = _photo()
    seg = np.zeros((H, W), np.uint8)
    seg[40:50, 100:110] = 1

    def build():
        r = _resource(img, BOXES, cropping_bbox=resource.Field(BOXES[1], "other"), mask=seg)
        return make(r)
    diffs = []
    for s in _compile(build).run_many(0, 12):
        x1, y1, x2, y2 = _window(s)
        assert 0 <= x1 < x2 <= W and 0 <= y1 < y2 <= H
        steps = [A.Crop(int(x1), int(y1), int(x2), int(y2))]
        if resized:
            steps.append(A.Resize(40, 56, interpolation=cv2.INTER_LINEAR))
        ref, ref_boxes, ids = _albu_boxes(steps, img, BOXES)
        assert s["image"].shape == ref.shape
        d = np.abs(s["image"].astype(int) - ref.astype(int))
        diffs.append(d)
        assert d.max() <= (1 if resized else 0), f"{name}: max |diff| {d.max()}"
        ours = s["boxes"].astype(np.float64)
        if name == "iou":   # boxes whose center left the crop are zeroed (torchvision's marking)
            ours = ours[(ours[:, 2] > ours[:, 0]) & (ours[:, 3] > ours[:, 1])]
            keep = [i for i in ids if x1 < (BOXES[i, 0] + BOXES[i, 2]) / 2 < x2 and y1 < (BOXES[i, 1] + BOXES[i, 3]) / 2 < y2]
            ref_boxes = ref_boxes[[list(ids).index(i) for i in keep]]
        else:
            ours = ours[ids]
        np.testing.assert_allclose(ours, ref_boxes, atol=2e-3, err_msg=name)
    d = np.concatenate([x.ravel() for x in diffs])
    print(f"{name}: max |diff| {d.max()}, mean {d.mean():.4f}")


def _random_boxes(rng, n, k=3):
    out = []
    for _ in range(n):
        b = []
        for _ in range(rng.integers(1, k + 1)):
            bw, bh = rng.integers(4, 30), rng.integers(4, 30)
            x, y = rng.integers(0, W - bw), rng.integers(0, H - bh)
            b.append([x, y, x + bw, y + bh])
        out.append(np.array(b, np.float32))
    return out


def test_bbox_safe_crops_keep_every_box_over_thousands_of_samples():
    rng = np.random.default_rng(1)
    boxes = _random_boxes(rng, 3000)
    for make in (lambda r: augment.BBoxSafeRandomCrop(r), lambda r: augment.RandomSizedBBoxSafeCrop(r, 32, 32)):
        def build():
            i = pp.SampleIndex()
            b = pp.Constant(boxes)[i]
            r = make(resource.Resource(image=np.zeros((H, W, 1), np.uint8), boxes=b, corners=CORNERS))
            return {"boxes": r.boxes, "image": r.image, "corners": r.corners}
        for k, s in enumerate(_compile(build).run_many(0, len(boxes))):
            x1, y1, x2, y2 = _window(s)
            b = boxes[k]
            assert (b[:, 0] >= x1).all() and (b[:, 1] >= y1).all() and (b[:, 2] <= x2).all() and (b[:, 3] <= y2).all(), k


def test_at_least_one_box_stays_whole_and_the_mask_crop_is_never_empty():
    rng = np.random.default_rng(2)
    boxes = _random_boxes(rng, 3000)

    def build():
        i = pp.SampleIndex()
        b = pp.Constant(boxes)[i]
        r = resource.Resource(image=np.zeros((H, W, 1), np.uint8), boxes=b, mask=mask.RenderBoxes(b, W, H),
                              corners=CORNERS)
        a = augment.AtLeastOneBBoxRandomCrop(r, 32, 32)
        m = augment.CropNonEmptyMaskIfExists(r, 12, 16)
        return {"boxes": a.boxes, "mask": m.mask}
    for k, s in enumerate(_compile(build).run_many(0, len(boxes))):
        b = s["boxes"]
        whole = (np.abs((b[:, 2] - b[:, 0]) - (boxes[k][:, 2] - boxes[k][:, 0])) < 1e-4) & \
                (np.abs((b[:, 3] - b[:, 1]) - (boxes[k][:, 3] - boxes[k][:, 1])) < 1e-4)
        assert whole.any(), k                   # the boxes are at most 29 px: the chosen one fits
        assert s["mask"].any(), k


def _ours(make, extra=None, n=N_KS, img=None, boxes=BOXES):
    img = np.zeros((H, W, 1), np.uint8) if img is None else img
    p = _compile(lambda: make(_resource(img, boxes, **(extra or {}))))
    return np.array([_window(s) for s in p.run_many(0, n)])


def _theirs(t, data, n=N_KS, shape=(H, W), seed=11):
    t.set_random_seed(seed)
    return np.array([t.get_params_dependent_on_data({"shape": shape}, dict(data))["crop_coords"] for _ in range(n)])


def _ks(ours, theirs, what):
    for k in range(4):
        if np.all(ours[:, k] == ours[0, k]) and np.all(theirs[:, k] == ours[0, k]):
            continue
        p = stats.ks_2samp(ours[:, k], theirs[:, k]).pvalue
        print(f"{what} coordinate {k}: KS p = {p:.3f}")
        assert p > 0.01, f"{what}: coordinate {k} differs (p = {p:.4f})"


NORM = BOXES / np.array([W, H, W, H], np.float32)


def test_bbox_safe_random_crop_window_distribution():
    _ks(_ours(lambda r: augment.BBoxSafeRandomCrop(r, erosion_rate=0.3)),
        _theirs(A.BBoxSafeRandomCrop(erosion_rate=0.3), {"bboxes": NORM}), "BBoxSafeRandomCrop")
    # no boxes: a random crop of the image's aspect ratio
    _ks(_ours(lambda r: augment.BBoxSafeRandomCrop(r, erosion_rate=0.5), boxes=np.zeros((0, 4), np.float32)),
        _theirs(A.BBoxSafeRandomCrop(erosion_rate=0.5), {"bboxes": np.zeros((0, 4))}), "BBoxSafeRandomCrop empty")


def test_at_least_one_bbox_crop_window_distribution():
    for e in (0.0, 0.5, 1.0):
        _ks(_ours(lambda r: augment.AtLeastOneBBoxRandomCrop(r, 40, 48, erosion_factor=e)),
            _theirs(A.AtLeastOneBBoxRandomCrop(40, 48, erosion_factor=e), {"bboxes": NORM}), f"AtLeastOne e={e}")


def test_random_crop_near_bbox_window_distribution():
    box = np.array([30, 20, 80, 70], np.float32)
    _ks(_ours(lambda r: augment.RandomCropNearBBox(r, max_part_shift=(0.2, 0.4)),
              extra={"cropping_bbox": resource.Field(box, "other")}),
        _theirs(A.RandomCropNearBBox(max_part_shift=(0.2, 0.4)), {"cropping_bbox": box.tolist()}), "RandomCropNearBBox")


def test_crop_non_empty_mask_window_distribution():
    seg = np.zeros((H, W), np.uint8)
    seg[10:30, 20:26] = 1
    seg[60:62, 90:120] = 2
    seg[80:90, 5:9] = 5
    _ks(_ours(lambda r: augment.CropNonEmptyMaskIfExists(r, 24, 32, ignore_values=[5]), extra={"mask": seg}),
        _theirs(A.CropNonEmptyMaskIfExists(24, 32, ignore_values=[5]), {"mask": seg}), "CropNonEmptyMaskIfExists")
    empty = np.zeros((H, W), np.uint8)
    _ks(_ours(lambda r: augment.CropNonEmptyMaskIfExists(r, 24, 32), extra={"mask": empty}, n=2000),
        _theirs(A.CropNonEmptyMaskIfExists(24, 32), {"mask": empty}, n=2000), "CropNonEmptyMaskIfExists empty")


def _iou_crop_reference(rng, boxes, n, options=(0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0), trials=40):
    """torchvision v2 RandomIoUCrop._get_params, transcribed from its documented algorithm."""
    out = []
    cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
    while len(out) < n:
        thr = options[rng.integers(len(options))]
        if thr >= 1.0:
            out.append((0, 0, W, H))
            continue
        for _ in range(trials):
            r = 0.3 + 0.7 * rng.random(2)
            nw, nh = int(W * r[0]), int(H * r[1])
            if not 0.5 <= nw / nh <= 2.0:
                continue
            r = rng.random(2)
            left, top = int((W - nw) * r[0]), int((H - nh) * r[1])
            right, bottom = left + nw, top + nh
            if left == right or top == bottom:
                continue
            inside = (left < cx) & (cx < right) & (top < cy) & (cy < bottom)
            if not inside.any():
                continue
            b = boxes[inside]
            iw = np.clip(np.minimum(b[:, 2], right) - np.maximum(b[:, 0], left), 0, None)
            ih = np.clip(np.minimum(b[:, 3], bottom) - np.maximum(b[:, 1], top), 0, None)
            inter = iw * ih
            iou = inter / ((b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]) + nw * nh - inter)
            if iou.max() < thr:
                continue
            out.append((left, top, right, bottom))
            break
    return np.array(out)


def test_random_iou_crop_window_distribution_and_box_marking():
    ours = _ours(lambda r: augment.RandomIoUCrop(r))
    _ks(ours, _iou_crop_reference(np.random.default_rng(4), BOXES.astype(np.float64), N_KS), "RandomIoUCrop")
    with pytest.raises(TypeError, match="boxes"):
        _compile(lambda: augment.RandomIoUCrop(resource.Resource(image=np.zeros((8, 8, 1), np.uint8))))


# -- Mosaic -------------------------------------------------------------------------------------

PHOTO_NAMES = ("astronaut", "chelsea", "coffee", "rocket")
SIZES = ((90, 120), (70, 70), (100, 80), (60, 110))


def _mosaic_items(with_mask=True):
    items = []
    for k, (name, (h, w)) in enumerate(zip(PHOTO_NAMES, SIZES)):
        img = _photo(name, (h, w))
        obj = np.array([w * 0.2, h * 0.3, w * 0.7, h * 0.8], np.float32).round()
        boxes = np.array([[0, 0, w, h], obj], np.float32)     # the whole item, then one object
        fields = dict(image=img, boxes=boxes, labels=np.array([10 * k, 10 * k + 1], np.int64))
        if with_mask:
            seg = np.zeros((h, w), np.uint8)
            x1, y1, x2, y2 = obj.astype(int)
            seg[y1:y2, x1:x2] = k + 1
            fields["mask"] = seg
        items.append(resource.Resource(**fields))
    return items


def _mosaic(seed=7, n=40, **kw):
    kw = {"target_size": (64, 96), "cell_shape": (64, 64), "p": 1.0, **kw}
    return _compile(lambda: augment.Mosaic(_mosaic_items(), label_fields=["labels"], **kw), seed=seed).run_many(0, n)


def test_mosaic_sizes_and_determinism():
    a, b = _mosaic(), _mosaic()
    for s, t in zip(a, b):
        assert s["image"].shape == (64, 96, 3) and s["mask"].shape[:2] == (64, 96)
        assert s["boxes"].shape == (8, 4) and s["labels"].shape == (8,)
        for k in s:
            np.testing.assert_array_equal(s[k], t[k])
    c = _mosaic(seed=8)
    assert any(not np.array_equal(s["image"], t["image"]) for s, t in zip(a, c))


def _placements(s):
    """{item: placement} from each item's whole-image box (it covers its cell exactly)."""
    out = {}
    for b, lab in zip(s["boxes"], s["labels"]):
        if lab % 10 == 0 and b[2] > b[0] and b[3] > b[1]:
            out[int(lab // 10)] = tuple(int(round(v)) for v in b)
    return out


def test_mosaic_pixels_match_albumentations_assembly_at_our_center_and_order():
    target, cell = (64, 96), (64, 64)
    items = []
    for name, (h, w) in zip(PHOTO_NAMES, SIZES):
        items.append({"image": _photo(name, (h, w)), "mask": None, "bboxes": None, "keypoints": None})
    diffs = []
    for s in _mosaic(n=20):
        places = _placements(s)
        assert 0 in places
        # the center from the placements: the first column ends at cell_w - x0
        xs = sorted({p[2] for p in places.values()} | {p[0] for p in places.values()})
        ys = sorted({p[3] for p in places.values()} | {p[1] for p in places.values()})
        x0 = cell[1] - xs[1] if len(xs) > 2 else None
        y0 = cell[0] - ys[1] if len(ys) > 2 else None
        if x0 is None or y0 is None:
            continue
        center = (x0 + target[1] // 2, y0 + target[0] // 2)
        want = fmixing.calculate_cell_placements((2, 2), cell, target, center)
        assert sorted(want) == sorted(places.values())
        cells = fmixing.process_all_mosaic_geometries(target, cell, {p: k for k, p in places.items()}, items, 0, 0,
                                                      "cover", cv2.INTER_LINEAR, cv2.INTER_NEAREST)
        ref = fmixing.assemble_mosaic_from_processed_cells(cells, (*target, 3), np.uint8, "image", 0)
        d = np.abs(s["image"].astype(int) - ref.astype(int))
        diffs.append(d)
        assert d.max() <= 1
    d = np.concatenate([x.ravel() for x in diffs])
    assert len(diffs) >= 10
    print(f"Mosaic: max |diff| {d.max()}, mean {d.mean():.4f}")


def test_mosaic_boxes_land_on_their_pasted_pixels():
    ious = []
    for s in _mosaic(n=60):
        for b, lab in zip(s["boxes"], s["labels"]):
            if lab % 10 != 1 or min(b[2] - b[0], b[3] - b[1]) < 8:   # slivers: the nearest-resized edge dominates
                continue
            ys, xs = np.nonzero(s["mask"].reshape(64, 96) == lab // 10 + 1)
            assert len(xs), f"box {b} of item {lab // 10} has no pixels"
            m = np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], np.float64)
            ix = max(0, min(m[2], b[2]) - max(m[0], b[0])) * max(0, min(m[3], b[3]) - max(m[1], b[1]))
            ious.append(ix / ((m[2] - m[0]) * (m[3] - m[1]) + (b[2] - b[0]) * (b[3] - b[1]) - ix))
    print(f"Mosaic boxes vs pasted masks: mean IoU {np.mean(ious):.4f} over {len(ious)}")
    assert len(ious) > 40 and np.mean(ious) >= 0.98


def test_mosaic_center_distribution():
    target, cell = (64, 96), (64, 64)
    ours = []
    for s in _mosaic(n=N_KS // 5):
        places = _placements(s)
        xs = sorted({p[0] for p in places.values()} | {p[2] for p in places.values()})
        ys = sorted({p[1] for p in places.values()} | {p[3] for p in places.values()})
        ours.append((cell[1] - xs[1] + target[1] // 2 if len(xs) > 2 else None,
                     cell[0] - ys[1] + target[0] // 2 if len(ys) > 2 else None))
    rng = pyrandom.Random(5)
    theirs = np.array([fmixing.calculate_mosaic_center_point((2, 2), cell, target, (0.3, 0.7), rng)
                       for _ in range(N_KS)])
    ours_x = np.array([o[0] for o in ours if o[0] is not None])
    ours_y = np.array([o[1] for o in ours if o[1] is not None])
    assert len(ours_x) == len(ours) and len(ours_y) == len(ours)   # (0.3, 0.7): the window crosses both lines
    for what, a, b in (("x", ours_x, theirs[:, 0]), ("y", ours_y, theirs[:, 1])):
        p = stats.ks_2samp(a, b).pvalue
        print(f"Mosaic center {what}: KS p = {p:.3f}")
        assert p > 0.01


def test_mosaic_planned_and_argument_errors():
    with pp.Graph():
        with pytest.raises(ValueError, match="target_size"):
            augment.Mosaic(_mosaic_items(), target_size=(200, 200), cell_shape=(64, 64))
        with pytest.raises(ValueError, match="fit_mode"):
            augment.Mosaic(_mosaic_items(), fit_mode="stretch")
        planned = augment.Mosaic(target_size=(32, 32), cell_shape=(32, 32), p=1.0)
        assert planned(_mosaic_items()[0]).image is not None     # one item: repeated in every cell
    with pytest.raises(ValueError, match="erosion_rate"):
        augment.BBoxSafeRandomCrop(erosion_rate=2)
    with pytest.raises(ValueError, match="height"):
        augment.AtLeastOneBBoxRandomCrop(height=0, width=3)
