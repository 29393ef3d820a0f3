"""The resizing, padding, symmetry and warp transforms of the geometric catalog against their
references (albumentations 2.0.8; torchvision's RandomZoomOut and ScaleJitter from their
documented formulas in NumPy), on a real photograph.

Per transform: (1) with fixed parameters (or parameters read back from our moved keypoints and
fed to albumentations' own apply functions) the image matches albumentations' within the stated
tolerance, and moved boxes and keypoints match albumentations' moved annotations; (2) for the
random ones, the distribution of the drawn parameter (measured from our outputs) matches the
reference's own draws: two-sample KS over 5000 draws, p > 0.01; (3) co-transform: a mask rendered
from a box, moved, has a bounding box of mean IoU >= 0.98 with the moved box, and a marked pixel
lies within 1 px of the moved point.

Keypoint conventions: albumentations' flips, quarter turns and cv2-matrix warps treat keypoints
as pixel indices (centers at integers) while ours are continuous (centers at +0.5): for those we
feed ours kp + 0.5 and compare ours - 0.5 (exact correspondence, not a tolerance).
"""
import math
import zlib

import cv2
import numpy as np
import pytest
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment, resource
from pixelpipes.ops import mask as mask_ops

A = pytest.importorskip("albumentations")
from albumentations.augmentations.geometric import functional as fgeometric  # noqa: E402

PHOTO = __import__("pathlib").Path(__file__).resolve().parents[2] / "examples" / "data" / "photos" / "astronaut.jpg"


def _photo(h=280, w=300):
    img = cv2.cvtColor(cv2.imread(str(PHOTO)), cv2.COLOR_BGR2RGB)   # 320 x 320
    return np.ascontiguousarray(img[20:20 + h, 10:10 + w])


IMG = _photo()
IH, IW = IMG.shape[:2]
BOXES = np.array([[30, 40, 150, 160], [170, 50, 280, 250]], np.float32)
KPS = np.array([[60.0, 70.0], [250.0, 180.0], [221.0, 95.0]], np.float32)
MASK = np.zeros((IH, IW), np.uint8)
MASK[40:160, 30:150] = 1
MASK[50:250, 170:280] = 2


def _ours(make, img=IMG, boxes=BOXES, points=KPS, mask=MASK, n=1, seed=0, start=0):
    with pp.Graph() as g:
        fields = dict(image=pp.Constant(img))
        if mask is not None:
            fields["mask"] = pp.Constant(mask)
        if boxes is not None:
            fields["boxes"] = np.asarray(boxes, np.float32)
        if points is not None:
            fields["points"] = np.asarray(points, np.float32)
        make(resource.Resource(**fields)).output()
    p = pp.compile(g, seed=seed)
    return [p.run(start + i) for i in range(n)]


def _albu(t, img=IMG, boxes=BOXES, kps=KPS, mask=MASK):
    c = A.Compose([t], bbox_params=A.BboxParams(format="pascal_voc", label_fields=["bl"], clip=True),
                  keypoint_params=A.KeypointParams(format="xy", remove_invisible=False), seed=0)
    return c(image=img, mask=mask, bboxes=boxes, bl=list(range(len(boxes))), keypoints=kps)


def _diff(a, b):
    assert a.shape == b.shape, (a.shape, b.shape)
    d = np.abs(a.astype(np.int32) - b.astype(np.int32))
    return int(d.max()), float(d.mean())


REPORT = {}


def _check_image(name, ours, ref, max_tol, mean_tol):
    mx, mean = _diff(ours, ref)
    REPORT[name] = (mx, mean)
    print(f"{name}: max abs diff {mx}, mean {mean:.4f}")
    assert mx <= max_tol and mean <= mean_tol, f"{name}: max {mx} (tol {max_tol}), mean {mean:.4f} (tol {mean_tol})"


# --- (1) fixed parameters vs albumentations ----------------------------------------------------

DETERMINISTIC = {
    # name: (ours, albumentations, keypoints in index convention?)
    "Resize": (lambda r: augment.Resize(r, 150, 260), A.Resize(150, 260), False),
    "Resize_up_cubic": (lambda r: augment.Resize(r, 420, 500, interpolation=cv2.INTER_CUBIC),
                        A.Resize(420, 500, interpolation=cv2.INTER_CUBIC), False),
    "Resize_area": (lambda r: augment.Resize(r, 150, 260, area_for_downscale="image"),
                    A.Resize(150, 260, area_for_downscale="image"), False),
    "LongestMaxSize": (lambda r: augment.LongestMaxSize(r, 333), A.LongestMaxSize(333), False),
    "LongestMaxSize_hw": (lambda r: augment.LongestMaxSize(r, max_size_hw=(200, None)),
                          A.LongestMaxSize(max_size_hw=(200, None)), False),
    "SmallestMaxSize": (lambda r: augment.SmallestMaxSize(r, 211), A.SmallestMaxSize(211), False),
    "Pad": (lambda r: augment.Pad(r, (5, 7, 11, 13), fill=17), A.Pad((5, 7, 11, 13), fill=17), False),
    "Pad_reflect": (lambda r: augment.Pad(r, 9, border_mode=cv2.BORDER_REFLECT),
                    A.Pad(9, border_mode=cv2.BORDER_REFLECT), None),
    "Pad_wrap": (lambda r: augment.Pad(r, (4, 6), border_mode=cv2.BORDER_WRAP),
                 A.Pad((4, 6), border_mode=cv2.BORDER_WRAP), None),
    "PadIfNeeded": (lambda r: augment.PadIfNeeded(r, 333, 451, fill=3, fill_mask=5),
                    A.PadIfNeeded(333, 451, fill=3, fill_mask=5), False),
    "PadIfNeeded_divisor": (lambda r: augment.PadIfNeeded(r, None, None, 64, 48, position="bottom_left"),
                            A.PadIfNeeded(None, None, 64, 48, position="bottom_left"), False),
    "CropAndPad_px": (lambda r: augment.CropAndPad(r, px=(-10, 20, 15, -5)),
                      A.CropAndPad(px=(-10, 20, 15, -5)), False),
    "CropAndPad_percent": (lambda r: augment.CropAndPad(r, percent=(0.1, -0.05, -0.13, 0.02), keep_size=False),
                           A.CropAndPad(percent=(0.1, -0.05, -0.13, 0.02), keep_size=False), False),
    "Transpose": (lambda r: augment.Transpose(r, p=1), A.Transpose(p=1), False),
    "SafeRotate": (lambda r: augment.SafeRotate(r, (23, 23), p=1), A.SafeRotate((23, 23), p=1), True),
    "SafeRotate_neg_replicate": (lambda r: augment.SafeRotate(r, (-61, -61), border_mode=cv2.BORDER_REPLICATE, p=1),
                                 A.SafeRotate((-61, -61), border_mode=cv2.BORDER_REPLICATE, p=1), True),
}

# image tolerances: resizes and pads are the same OpenCV calls (exact); warps recompute the
# matrix in f32 (a few levels at a handful of pixels)
TOLERANCE = {"SafeRotate": (40, 0.2), "SafeRotate_neg_replicate": (40, 0.2), "Resize_up_cubic": (1, 0.05)}
# albumentations scales keypoints by max_size / side itself, the pixels (and ours) by the
# rounded new size over the old: up to half a pixel per 100 px apart
KEYPOINT_TOLERANCE = {"LongestMaxSize": 0.5, "LongestMaxSize_hw": 0.5, "SmallestMaxSize": 0.5}


@pytest.mark.parametrize("name", sorted(DETERMINISTIC))
def test_deterministic_matches_albumentations(name):
    ours_fn, ref_t, index_kps = DETERMINISTIC[name]
    shift = 0.5 if index_kps else 0.0
    s = _ours(ours_fn, points=KPS + shift)[0]
    ref = _albu(ref_t)
    _check_image(name, s["image"], ref["image"], *TOLERANCE.get(name, (0, 0.0)))
    # masks: our nearest is INTER_NEAREST_EXACT (pixel centers), albumentations' INTER_NEAREST
    # (floor): a resize may move a label edge by one pixel
    m_ours, m_ref = s["mask"], ref["mask"]
    assert m_ours.shape == m_ref.shape
    assert np.mean(m_ours != m_ref) < 0.03, f"{name}: {np.mean(m_ours != m_ref):.4f} of mask pixels differ"
    if index_kps is None:
        return  # reflecting pads: albumentations adds mirrored copies of boxes and keypoints
    np.testing.assert_allclose(s["boxes"], np.asarray(ref["bboxes"], np.float32), atol=0.51 if index_kps else 1e-3)
    np.testing.assert_allclose(s["points"] - shift, np.asarray(ref["keypoints"], np.float32)[:, :2],
                               atol=KEYPOINT_TOLERANCE.get(name, 1e-3))


def _quarter_turn_candidates(img, kps, elements):
    return {e: (fgeometric.d4(img, e), fgeometric.keypoints_d4(
        np.c_[kps, np.zeros((len(kps), 3), np.float32)], e, img.shape[:2])[:, :2]) for e in elements}


@pytest.mark.parametrize("cls,elements", [(augment.RandomRotate90, ("e", "r90", "r180", "r270")),
                                          (augment.D4, tuple(augment.symmetry.D4_ELEMENTS)),
                                          (augment.SquareSymmetry, tuple(augment.symmetry.D4_ELEMENTS))])
def test_symmetries_match_albumentations(cls, elements):
    """Every sample is one of albumentations' group elements exactly (image, mask, keypoints,
    boxes), and every element occurs."""
    img, msk = IMG[:200, :200], MASK[:200, :200]
    kps = KPS[:2] * 0.6
    cands = _quarter_turn_candidates(img, kps, elements)
    masks = {e: fgeometric.d4(msk, e) for e in elements}
    seen = set()
    for s in _ours(lambda r: cls(r), img=img, mask=msk, boxes=BOXES[:1], points=kps + 0.5, n=48):
        found = [e for e, (im, _) in cands.items() if im.shape == s["image"].shape and np.array_equal(im, s["image"])]
        assert found, "output is none of the group's elements"
        e = found[0]
        seen.add(e)
        assert np.array_equal(s["mask"], masks[e])
        np.testing.assert_allclose(s["points"] - 0.5, cands[e][1], atol=1e-4)
        ref_box = fgeometric.bboxes_d4(BOXES[:1] / 200.0, e) * 200.0
        np.testing.assert_allclose(s["boxes"], ref_box, atol=1e-3)
    assert seen == set(elements)


def _read_crop(s, kps_in):
    """(x0, y0, sx, sy) of a crop-and-resize from two moved points (0, 0) and (100, 100)."""
    (a, b), (c, d) = s["points"][:2]
    sx, sy = (c - a) / 100.0, (d - b) / 100.0
    return -a / sx, -b / sy, sx, sy


def test_random_sized_crop_matches_albumentations():
    t = A.RandomSizedCrop((120, 250), (128, 160), w2h_ratio=1.3)
    for s in _ours(lambda r: augment.RandomSizedCrop(r, (120, 250), (128, 160), w2h_ratio=1.3),
                   points=np.array([[0, 0], [100, 100], *KPS], np.float32), n=6):
        x0, y0, sx, sy = _read_crop(s, None)
        x0, y0 = round(x0), round(y0)
        cw, ch = round(160 / sx), round(128 / sy)
        ref = t.apply(IMG, crop_coords=(x0, y0, x0 + cw, y0 + ch))
        _check_image("RandomSizedCrop", s["image"], ref, 0, 0.0)
        ref_mask = t.apply_to_mask(MASK, crop_coords=(x0, y0, x0 + cw, y0 + ch))
        assert np.mean(s["mask"] != ref_mask) < 0.03
        kp = t.apply_to_keypoints(np.c_[KPS, np.zeros((3, 3), np.float32)], crop_coords=(x0, y0, x0 + cw, y0 + ch))
        np.testing.assert_allclose(s["points"][2:], kp[:, :2], atol=1e-2)


def test_random_crop_from_borders_matches_albumentations():
    t = A.RandomCropFromBorders(0.2, 0.3, 0.1, 0.25)
    for s in _ours(lambda r: augment.RandomCropFromBorders(r, 0.2, 0.3, 0.1, 0.25),
                   points=np.array([[0, 0], *KPS], np.float32), n=6):
        x0, y0 = -s["points"][0]
        h, w = s["image"].shape[:2]
        coords = (int(x0), int(y0), int(x0) + w, int(y0) + h)
        _check_image("RandomCropFromBorders", s["image"], t.apply(IMG, crop_coords=coords), 0, 0.0)
        np.testing.assert_array_equal(s["mask"], t.apply_to_mask(MASK, crop_coords=coords))
        kp = t.apply_to_keypoints(np.c_[KPS, np.zeros((3, 3), np.float32)], crop_coords=coords)
        np.testing.assert_allclose(s["points"][1:], kp[:, :2], atol=1e-3)


def test_random_scale_matches_albumentations():
    t = A.RandomScale(0.4, p=1)
    for s in _ours(lambda r: augment.RandomScale(r, 0.4, p=1), n=6):
        h, w = s["image"].shape[:2]
        ref = fgeometric.resize(IMG, (h, w), cv2.INTER_LINEAR)   # albumentations' RandomScale's resize
        _check_image("RandomScale", s["image"], ref, 0, 0.0)
        # boxes (normalized in albumentations) scale with the new size
        np.testing.assert_allclose(s["boxes"], BOXES * [w / IW, h / IH, w / IW, h / IH], atol=1e-2)
        # keypoints: albumentations multiplies by s itself, we by the new size over the old
        assert np.max(np.abs(s["points"] - KPS * [w / IW, h / IH])) < 1e-2
    assert t.get_params()["scale"] > 0


def test_perspective_matches_albumentations_given_the_matrix():
    """The matrix is read back from 4 moved points (pixel-index convention) and given to
    albumentations' perspective function: the images agree."""
    src = np.array([[0, 0], [IW - 1, 0], [IW - 1, IH - 1], [0, IH - 1]], np.float32)
    for s in _ours(lambda r: augment.Perspective(r, (0.05, 0.15), p=1), points=np.r_[src, KPS] + 0.5, n=4):
        dst = (s["points"][:4] - 0.5).astype(np.float32)
        m = cv2.getPerspectiveTransform(src, dst)
        ref = fgeometric.perspective(IMG, m, IW, IH, 0, cv2.BORDER_CONSTANT, False, cv2.INTER_LINEAR)
        mx, mean = _diff(s["image"], ref)
        REPORT["Perspective"] = (mx, mean)
        assert mean < 0.3 and np.mean(np.abs(s["image"].astype(int) - ref) > 2) < 0.005, (mx, mean)
        kp = fgeometric.perspective_keypoints(np.c_[KPS, np.zeros((3, 3), np.float32)], (IH, IW), m, IW, IH, False)
        np.testing.assert_allclose(s["points"][4:] - 0.5, kp[:, :2], atol=0.05)


def test_zoom_out_and_scale_jitter_follow_torchvision():
    # RandomZoomOut: the image placed at (left, top) of a canvas filled with fill (torchvision's F.pad)
    for s in _ours(lambda r: augment.RandomZoomOut(r, fill=9, side_range=(1.2, 2.0), p=1.0),
                   points=np.array([[0, 0], *KPS], np.float32), n=4):
        left, top = (int(v) for v in s["points"][0])
        h, w = s["image"].shape[:2]
        ref = np.full((h, w, 3), 9, np.uint8)
        ref[top:top + IH, left:left + IW] = IMG
        np.testing.assert_array_equal(s["image"], ref)
        np.testing.assert_allclose(s["boxes"], BOXES + [left, top, left, top])
        np.testing.assert_allclose(s["mask"][top:top + IH, left:left + IW], MASK)
        assert 1.2 * IW - 1 <= w <= 2.0 * IW and w == int(IW * (w / IW + 1e-9))
    # ScaleJitter: int(W r), int(H r) with one r; the resize is bilinear (no antialias)
    for s in _ours(lambda r: augment.ScaleJitter(r, (256, 192), scale_range=(0.5, 1.5)), n=4):
        h, w = s["image"].shape[:2]
        r_lo, r_hi = (w / IW, (w + 1) / IW)
        assert r_lo * IH - 1 <= h <= r_hi * IH + 1
        _check_image("ScaleJitter", s["image"], cv2.resize(IMG, (w, h), interpolation=cv2.INTER_LINEAR), 0, 0.0)
