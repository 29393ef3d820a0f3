"""Affine, rotation, crops, erasing and torchvision's geometric transforms of the catalog against
their references: albumentations 2.0.8 (Affine, ShiftScaleRotate, Rotate, Crop, RandomCrop /
CenterCrop in albumentations' form, Erasing, PixelDropout) on a real photograph, and torchvision
v2 (Resize's torchvision form, RandomShortestSize, RandomResize, Pad's padding_mode,
RandomRotation, RandomPerspective, ElasticTransform as RandomElastic) against NumPy
transcriptions of torchvision's formulas (torchvision is not importable here).

(1) fixed parameters: images within the stated tolerance, moved boxes / keypoints / masks vs the
reference's; (2) random parameters: two-sample KS over 5000 draws (p > 0.01) of a parameter
measured from our outputs vs the reference's own draws; (3) co-transform: a mask rendered from a
box, moved, has a bounding box of mean IoU >= 0.98 with the moved box, and a marked pixel lies
within 1 px of the moved point.

albumentations' warps move keypoints by their pixel-index matrix (centers at integers), ours are
continuous (centers at +0.5): for those we feed ours kp + 0.5 and compare ours - 0.5.
"""
import math
import zlib

import cv2
import numpy as np
import pytest
from scipy import ndimage, stats

import pixelpipes as pp
from pixelpipes import augment, resource
from pixelpipes.ops import mask as mask_ops

A = pytest.importorskip("albumentations")
from albumentations.augmentations.dropout import functional as fdropout  # noqa: E402

from test_antialias_resize import torch_resize  # noqa: E402
from test_catalog_resize import (BOXES, IH, IMG, IW, KPS, MASK, N_DRAWS, _albu, _albu_draws, _check_image,  # noqa: E402
                                 _cv2_point, _iou, _ks, _ours, _ours_points)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")   # ShiftScaleRotate's deprecation note


# --- (1) fixed parameters vs albumentations ----------------------------------------------------

DETERMINISTIC = {
    # name: (ours, albumentations, keypoints in pixel-index convention)
    "Affine": (lambda r: augment.Affine(r, scale=1.1, rotate=17.0, translate_px=9, shear={"x": 7.0, "y": -4.0}, p=1),
               A.Affine(scale=1.1, rotate=17.0, translate_px=9, shear={"x": 7.0, "y": -4.0}, p=1), True),
    "Affine_fit_output": (lambda r: augment.Affine(r, scale={"x": 0.8, "y": 1.2}, rotate=-33.0, translate_percent=0.07,
                                                   fit_output=True, p=1),
                          A.Affine(scale={"x": 0.8, "y": 1.2}, rotate=-33.0, translate_percent=0.07, fit_output=True,
                                   p=1), True),
    "Affine_ellipse_reflect": (lambda r: augment.Affine(r, rotate=40.0, scale=0.9, rotate_method="ellipse",
                                                        border_mode=cv2.BORDER_REFLECT_101, p=1),
                               A.Affine(rotate=40.0, scale=0.9, rotate_method="ellipse",
                                        border_mode=cv2.BORDER_REFLECT_101, p=1), None),
    "Affine_cubic_fill": (lambda r: augment.Affine(r, translate_percent={"x": -0.1, "y": 0.15}, rotate=5.0,
                                                   interpolation=cv2.INTER_CUBIC, fill=40, fill_mask=3, p=1),
                          A.Affine(translate_percent={"x": -0.1, "y": 0.15}, rotate=5.0, interpolation=cv2.INTER_CUBIC,
                                   fill=40, fill_mask=3, p=1), True),
    "ShiftScaleRotate": (lambda r: augment.ShiftScaleRotate(r, (0.05, 0.05), (0.1, 0.1), (12, 12), p=1),
                         A.ShiftScaleRotate((0.05, 0.05), (0.1, 0.1), (12, 12), p=1), True),
    "Rotate": (lambda r: augment.Rotate(r, (27, 27), p=1), A.Rotate((27, 27), p=1), True),
    "Rotate_crop_border": (lambda r: augment.Rotate(r, (-19, -19), crop_border=True, p=1),
                           A.Rotate((-19, -19), crop_border=True, p=1), True),
    "Rotate_crop_border_50": (lambda r: augment.Rotate(r, (50, 50), crop_border=True, p=1),
                              A.Rotate((50, 50), crop_border=True, p=1), True),
    "Crop": (lambda r: augment.Crop(r, 20, 30, 200, 250), A.Crop(20, 30, 200, 250), False),
    "Crop_pad": (lambda r: augment.Crop(r, 120, 30, 333, 301, pad_if_needed=True, fill=9, fill_mask=3),
                 A.Crop(120, 30, 333, 301, pad_if_needed=True, fill=9, fill_mask=3), False),
    "Crop_pad_bottom_right": (lambda r: augment.Crop(r, 120, 30, 333, 301, pad_if_needed=True, pad_position="bottom_right",
                                                     border_mode=cv2.BORDER_REFLECT),
                              A.Crop(120, 30, 333, 301, pad_if_needed=True, pad_position="bottom_right",
                                     border_mode=cv2.BORDER_REFLECT), None),
    "CenterCrop_albumentations": (lambda r: augment.CenterCrop(r, height=151, width=201), A.CenterCrop(151, 201), False),
    "CenterCrop_albumentations_pad": (lambda r: augment.CenterCrop(r, height=301, width=211, pad_if_needed=True, fill=5,
                                                                   fill_mask=2),
                                      A.CenterCrop(301, 211, pad_if_needed=True, fill=5, fill_mask=2), False),
    "CenterCrop_albumentations_top_right": (lambda r: augment.CenterCrop(r, height=301, width=311, pad_if_needed=True,
                                                                         pad_position="top_right", border_mode=1),
                                            A.CenterCrop(301, 311, pad_if_needed=True, pad_position="top_right",
                                                         border_mode=1), False),
    "RandomCrop_albumentations_pad": (lambda r: augment.RandomCrop(r, height=301, width=320, pad_if_needed=True, fill=5,
                                                                   fill_mask=2, pad_position="bottom_left"),
                                      A.RandomCrop(301, 320, pad_if_needed=True, fill=5, fill_mask=2,
                                                   pad_position="bottom_left"), False),
}

# warps: the same cv2 matrix recomputed in f32 (a few levels at a handful of pixels); crops are exact
TOLERANCE = {name: (12, 0.05) for name in DETERMINISTIC if name.startswith(("Affine", "ShiftScale", "Rotate"))}


@pytest.mark.parametrize("name", sorted(DETERMINISTIC))
def test_deterministic_matches_albumentations(name):
    ours_fn, ref_t, index_kps = DETERMINISTIC[name]
    shift = 0.5 if index_kps else 0.0
    s = _ours(ours_fn, points=KPS + shift)[0]
    ref = _albu(ref_t)
    _check_image(name, s["image"], ref["image"], *TOLERANCE.get(name, (0, 0.0)))
    assert s["mask"].shape == ref["mask"].shape
    assert np.mean(s["mask"] != ref["mask"]) < 1e-3, f"{name}: {np.mean(s['mask'] != ref['mask']):.4f} of mask pixels differ"
    if index_kps is None:
        return  # reflecting borders: albumentations adds mirrored copies of boxes and keypoints
    np.testing.assert_allclose(s["boxes"], np.asarray(ref["bboxes"], np.float32), atol=1e-2)
    np.testing.assert_allclose(s["points"] - shift, np.asarray(ref["keypoints"], np.float32)[:, :2], atol=1e-2)


def test_torchvision_form_of_crops_is_unchanged():
    s = _ours(lambda r: augment.CenterCrop(r, (151, 201)))[0]
    # torchvision rounds the offset (round(129 / 2) = 64, round(99 / 2) = 50), albumentations floors
    np.testing.assert_array_equal(s["image"], IMG[64:64 + 151, 50:50 + 201])
    s = _ours(lambda r: augment.CenterCrop(r, height=151, width=201))[0]
    np.testing.assert_array_equal(s["image"], IMG[64:64 + 151, 49:49 + 201])
    s = _ours(lambda r: augment.RandomCrop(r, 300, padding=(0, 10), padding_mode="reflect"))[0]
    assert s["image"].shape == (300, 300, 3)
    with pytest.raises(ValueError, match="height= and width="):
        augment.RandomCrop(height=10)
    with pytest.raises(ValueError, match="not both"):
        augment.CenterCrop(10, height=10, width=10)


def test_erasing_matches_albumentations_given_the_hole():
    """The hole is read back from the mask (fill_mask) and given to albumentations' apply
    functions: image and boxes agree."""
    t = A.Erasing(fill=7, fill_mask=9, p=1)
    n_holes = 0
    for s in _ours(lambda r: augment.Erasing(r, fill=7, fill_mask=9, p=1), n=8):
        ys, xs = np.nonzero(s["mask"] == 9)
        if not len(xs):
            continue
        n_holes += 1
        holes = np.array([[xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]], np.int32)
        _check_image("Erasing", s["image"], t.apply(IMG, holes=holes, seed=0), 0, 0.0)
        np.testing.assert_array_equal(s["mask"], t.apply_to_mask(MASK, holes=holes, seed=0))
        ref_boxes = fdropout.filter_bboxes_by_holes(BOXES, holes, (IH, IW), min_area=0.0, min_visibility=0.0)
        np.testing.assert_allclose(s["boxes"], ref_boxes[:, :4], atol=1e-3)
    assert n_holes >= 6


def test_pixel_dropout_values_and_masks():
    s = _ours(lambda r: augment.PixelDropout(r, 1.0, drop_value=3, mask_drop_value=7, p=1))[0]
    ref = _albu(A.PixelDropout(1.0, drop_value=3, mask_drop_value=7, p=1))
    np.testing.assert_array_equal(s["image"], ref["image"])
    np.testing.assert_array_equal(s["mask"], ref["mask"])
    np.testing.assert_allclose(s["boxes"], BOXES)
    s = _ours(lambda r: augment.PixelDropout(r, 0.0, p=1))[0]
    np.testing.assert_array_equal(s["image"], IMG)
    s = _ours(lambda r: augment.PixelDropout(r, 0.3, drop_value=255, p=1))[0]
    np.testing.assert_array_equal(s["mask"], MASK)   # mask_drop_value None: masks unchanged
    with pytest.raises(ValueError, match="not supported"):
        augment.PixelDropout(drop_value=None)


# --- torchvision: NumPy transcriptions of its formulas ---------------------------------------

def _tv_resized_size(h, w, size, max_size=None):
    """torchvision's _compute_resized_output_size: (new_h, new_w)."""
    if size is not None and len(size) == 2:
        return size[0], size[1]
    short, long = (w, h) if w <= h else (h, w)
    if size is None:
        new_long, new_short = max_size, int(max_size * short / long)
    else:
        new_short, new_long = size[0], int(size[0] * long / short)
        if max_size is not None and new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    return new_h, new_w


@pytest.mark.parametrize("kwargs,size", [({"size": 224}, [224]), ({"size": [100, 120]}, [100, 120]),
                                         ({"size": 150, "max_size": 160}, [150]), ({"max_size": 100}, None),
                                         ({"size": [77]}, [77]), ({"size": 301, "antialias": False}, [301])])
def test_resize_torchvision_form(kwargs, size):
    max_size = kwargs.get("max_size")
    for img in (IMG, IMG.transpose(1, 0, 2).copy()):
        h, w = _tv_resized_size(img.shape[0], img.shape[1], size, max_size)
        s = _ours(lambda r: augment.Resize(r, **kwargs), img=img, mask=None, boxes=BOXES[:1], points=None)[0]
        assert s["image"].shape == (h, w, 3)
        if kwargs.get("antialias", True):
            # torchvision's default: its antialiased bilinear filter (torch's uint8 kernel)
            _check_image("Resize(torchvision)", s["image"], torch_resize(img, w, h), 1, 0.05)
        else:
            _check_image("Resize(torchvision)", s["image"], cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR),
                         0, 0.0)
        sx, sy = w / img.shape[1], h / img.shape[0]
        np.testing.assert_allclose(s["boxes"], BOXES[:1] * [sx, sy, sx, sy], atol=1e-3)
    # positional: one int is torchvision's, two are albumentations' (height, width)
    assert _ours(lambda r: augment.Resize(r, 224), mask=None)[0]["image"].shape == (224, 240, 3)
    assert _ours(lambda r: augment.Resize(r, 100, 120), mask=None)[0]["image"].shape == (100, 120, 3)


@pytest.mark.parametrize("mode,np_mode", [("constant", "constant"), ("edge", "edge"), ("reflect", "reflect"),
                                          ("symmetric", "symmetric")])
def test_pad_torchvision_padding_mode(mode, np_mode):
    s = _ours(lambda r: augment.Pad(r, (1, 2, 3, 4), padding_mode=mode))[0]
    np.testing.assert_array_equal(s["image"], np.pad(IMG, ((2, 4), (1, 3), (0, 0)), mode=np_mode))
    np.testing.assert_allclose(s["boxes"], BOXES + [1, 2, 1, 2])


def _tv_rotation_size(w, h, angle, center=None):
    """torchvision's _compute_affine_output_size for rotate(expand=True)."""
    cx, cy = (0.0, 0.0) if center is None else (center[0] - w * 0.5, center[1] - h * 0.5)
    a = math.radians(-angle)
    c, s = math.cos(a), math.sin(a)
    # its inverse affine matrix [d, -b, tx, -c, a, ty] with rot = -angle
    m = np.array([[c, s, cx - c * cx - s * cy], [-s, c, cy + s * cx - c * cy]])
    pts = np.array([[-0.5 * w, -0.5 * h, 1], [-0.5 * w, 0.5 * h, 1], [0.5 * w, 0.5 * h, 1], [0.5 * w, -0.5 * h, 1]])
    new = pts @ m.T
    lo, hi = new.min(0) + [w * 0.5, h * 0.5], new.max(0) + [w * 0.5, h * 0.5]
    cmax = np.ceil(np.trunc(hi * 1e4) * 1e-4)
    cmin = np.floor(np.trunc(lo * 1e4) * 1e-4)
    size = cmax - cmin
    return int(size[0]), int(size[1])


@pytest.mark.parametrize("angle,center", [(0.0, None), (30.0, None), (90.0, None), (-45.0, None), (137.0, None),
                                          (25.0, (40.0, 60.0))])
def test_random_rotation_follows_torchvision(angle, center):
    w_ref, h_ref = _tv_rotation_size(IW, IH, angle, center)
    s = _ours(lambda r: augment.RandomRotation(r, (angle, angle), expand=True, center=center),
              points=np.array([[IW / 2, IH / 2], *KPS], np.float32))[0]
    assert s["image"].shape == (h_ref, w_ref, 3)
    # torchvision's grid: out = R(in - c) + c' with c' the canvas center shifted like the center
    a = math.radians(angle)
    rot = np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])   # counterclockwise as displayed
    cf = np.zeros(2) if center is None else np.array(center) - [IW / 2, IH / 2]
    expect = (rot @ (KPS - [IW / 2, IH / 2] - cf).T).T + cf + [w_ref / 2, h_ref / 2]
    np.testing.assert_allclose(s["points"][1:], expect, atol=1e-3)
    # without expand: the input's canvas, rotation about the center, nearest
    s = _ours(lambda r: augment.RandomRotation(r, (angle, angle)), points=KPS)[0]
    assert s["image"].shape == IMG.shape
    expect = (rot @ (KPS - [IW / 2, IH / 2]).T).T + [IW / 2, IH / 2]
    np.testing.assert_allclose(s["points"], expect, atol=1e-3)


def test_random_perspective_follows_torchvision():
    s = _ours(lambda r: augment.RandomPerspective(r, 0.0, p=1))[0]
    np.testing.assert_array_equal(s["image"], IMG)   # distortion 0: every corner stays
    start = np.array([[0, 0], [IW - 1, 0], [IW - 1, IH - 1], [0, IH - 1]], np.float32)
    for s in _ours(lambda r: augment.RandomPerspective(r, 0.6, p=1), points=np.r_[start, KPS], n=4):
        end = np.round(s["points"][:4]).astype(np.float32)
        np.testing.assert_allclose(s["points"][:4], end, atol=1e-3)   # integer endpoints
        m = cv2.getPerspectiveTransform(start, end)
        moved = cv2.perspectiveTransform(KPS[None], m)[0]
        np.testing.assert_allclose(s["points"][4:], moved, atol=1e-2)
        # the image: torchvision samples in continuous coordinates with this homography
        ref = cv2.warpPerspective(IMG, np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]]) @ m
                                  @ np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]]), (IW, IH), flags=cv2.INTER_LINEAR)
        diff = np.abs(s["image"].astype(int) - ref)
        assert diff.mean() < 0.5 and np.mean(diff > 2) < 0.01, (diff.max(), diff.mean())


def test_random_elastic_identity_and_checks():
    s = _ours(lambda r: augment.RandomElastic(r, alpha=0.0))[0]
    np.testing.assert_array_equal(s["image"], IMG)
    with pytest.raises(ValueError, match="same for both axes"):
        augment.RandomElastic(sigma=(3.0, 4.0))


# --- (2) parameter distributions: 5000 draws, two-sample KS ----------------------------------

def _read_affine(pts, c):
    """(angle, sx, sy, tx, ty) of Affine matrices (no shear) from moved points c, c + (1, 0), c + (0, 1)."""
    o, ex, ey = pts[:, 0], pts[:, 1] - pts[:, 0], pts[:, 2] - pts[:, 0]
    return np.degrees(np.arctan2(-ex[:, 1], ex[:, 0])), np.hypot(*ex.T), np.hypot(*ey.T), o[:, 0] - c[0], o[:, 1] - c[1]


def test_distribution_affine():
    h, w = 30, 40
    c = (w / 2, h / 2)
    make = lambda r: augment.Affine(r, scale=(0.8, 1.2), rotate=(-30, 30), translate_percent=(-0.2, 0.2), p=1)
    pts, _ = _ours_points(make, h, w, [c, (c[0] + 1, c[1]), (c[0], c[1] + 1)])
    angle, sx, sy, tx, ty = _read_affine(pts, c)
    ref = _albu_draws(A.Affine(scale=(0.8, 1.2), rotate=(-30, 30), translate_percent=(-0.2, 0.2), p=1), h, w,
                      lambda p: [p["rotate"], p["scale"]["x"], p["scale"]["y"],
                                 *((p["bbox_matrix"] @ [c[0], c[1], 1])[:2] - c)])
    _ks("Affine angle", angle, ref[:, 0])
    _ks("Affine scale x", sx, ref[:, 1])
    _ks("Affine scale y", sy, ref[:, 2])
    assert np.std(sx - sy) > 0.05   # independent axes (keep_ratio=False)
    _ks("Affine translate x", np.round(tx), np.round(ref[:, 3]))
    _ks("Affine translate y", np.round(ty), np.round(ref[:, 4]))


def test_distribution_affine_balanced_scale_and_translate_px():
    h, w = 30, 40
    c = (w / 2, h / 2)
    make = lambda r: augment.Affine(r, scale=(0.5, 3.0), balanced_scale=True, keep_ratio=True, translate_px=(-5, 7), p=1)
    pts, _ = _ours_points(make, h, w, [c, (c[0] + 1, c[1]), (c[0], c[1] + 1)])
    _, sx, sy, tx, ty = _read_affine(pts, c)
    np.testing.assert_allclose(sx, sy, atol=1e-4)
    ref = _albu_draws(A.Affine(scale=(0.5, 3.0), balanced_scale=True, keep_ratio=True, translate_px=(-5, 7), p=1), h, w,
                      lambda p: [p["scale"]["x"], *((p["bbox_matrix"] @ [c[0], c[1], 1])[:2] - c)])
    _ks("Affine balanced scale", sx, ref[:, 0])
    assert abs(np.mean(sx < 1) - 0.5) < 0.03
    _ks("Affine translate_px x", np.round(tx), np.round(ref[:, 1]))
    assert set(np.round(ty).astype(int)) == set(range(-5, 8))


def test_distribution_shift_scale_rotate():
    h, w = 30, 40
    c = (w / 2, h / 2)
    pts, _ = _ours_points(lambda r: augment.ShiftScaleRotate(r, p=1), h, w, [c, (c[0] + 1, c[1]), (c[0], c[1] + 1)])
    angle, sx, sy, tx, _ = _read_affine(pts, c)
    ref = _albu_draws(A.ShiftScaleRotate(p=1), h, w,
                      lambda p: [p["rotate"], p["scale"]["x"], p["scale"]["y"],
                                 (p["bbox_matrix"] @ [c[0], c[1], 1])[0] - c[0]])
    _ks("ShiftScaleRotate angle", angle, ref[:, 0])
    _ks("ShiftScaleRotate scale x", sx, ref[:, 1])
    _ks("ShiftScaleRotate scale y", sy, ref[:, 2])
    _ks("ShiftScaleRotate shift x", np.round(tx), np.round(ref[:, 3]))


def test_distribution_rotate():
    pts, shapes = _ours_points(lambda r: augment.Rotate(r, 45, crop_border=True, p=1), 30, 40, [[5.0, 7.0]])
    ref = _albu_draws(A.Rotate(45, crop_border=True, p=1), 30, 40,
                      lambda p: [*_cv2_point(p["matrix"], 5.0, 7.0), p["x_min"], p["x_max"] - p["x_min"]])
    _ks("Rotate x", pts[:, 0, 0] + np.array(0.0), ref[:, 0] - ref[:, 2])
    _ks("Rotate crop width", shapes[:, 1], ref[:, 3])


def test_distribution_random_crop_albumentations_form():
    pts, _ = _ours_points(lambda r: augment.RandomCrop(r, height=11, width=13), 30, 40, [[0.0, 0.0]])
    ref = _albu_draws(A.RandomCrop(11, 13), 30, 40, lambda p: p["crop_coords"][:2])
    _ks("RandomCrop x", -pts[:, 0, 0], ref[:, 0])
    _ks("RandomCrop y", -pts[:, 0, 1], ref[:, 1])


def _erasing_holes(n, h, w, **kwargs):
    img = np.zeros((h, w), np.uint8)
    with pp.Graph() as g:
        r = augment.Erasing(resource.Resource(image=pp.Constant(img), mask=pp.Constant(img)), fill_mask=1, p=1, **kwargs)
        g.output("mask", r.mask)
    out = []
    for s in pp.compile(g, seed=3).run_many(0, n):
        ys, xs = np.nonzero(s["mask"])
        out.append((xs.max() + 1 - xs.min(), ys.max() + 1 - ys.min(), xs.min(), ys.min()) if len(xs) else (0, 0, -1, -1))
    return np.array(out, np.float64)


def test_distribution_erasing():
    h, w = 40, 50
    ours = _erasing_holes(N_DRAWS, h, w)
    t = A.Erasing(p=1)
    t.set_random_seed(5)
    ref = []
    for _ in range(N_DRAWS):
        holes = t.get_params_dependent_on_data({"shape": (h, w)}, {"image": np.zeros((h, w), np.uint8)})["holes"]
        ref.append((holes[0, 2] - holes[0, 0], holes[0, 3] - holes[0, 1], holes[0, 0], holes[0, 1]) if len(holes)
                   else (0, 0, -1, -1))
    ref = np.array(ref, np.float64)
    _ks("Erasing width", ours[:, 0], ref[:, 0])
    _ks("Erasing height", ours[:, 1], ref[:, 1])
    _ks("Erasing area", ours[:, 0] * ours[:, 1], ref[:, 0] * ref[:, 1])
    _ks("Erasing left", ours[:, 2], ref[:, 2])


def test_distribution_pixel_dropout():
    h, w = 12, 10
    img = np.full((h, w), 9, np.uint8)
    with pp.Graph() as g:
        g.output("image", augment.PixelDropout(pp.Constant(img), 0.2, p=1))
    ours = [np.mean(s["image"] == 0) for s in pp.compile(g, seed=3).run_many(0, N_DRAWS)]
    t = A.PixelDropout(0.2, p=1)
    t.set_random_seed(5)
    ref = [np.mean(t.get_params_dependent_on_data({}, {"image": img})["drop_mask"]) for _ in range(N_DRAWS)]
    _ks("PixelDropout fraction", ours, ref)


def test_distribution_random_shortest_size_and_random_resize():
    rng = np.random.default_rng(0)
    h, w = 30, 40
    _, shapes = _ours_points(lambda r: augment.RandomShortestSize(r, [10, 20, 35], max_size=45), h, w, [[0, 0]])
    ref = []
    for _ in range(N_DRAWS):   # torchvision's draw: min_size[randint(len)], r = min(s / short, max_size / long)
        s = [10, 20, 35][rng.integers(3)]
        r = min(s / min(h, w), 45 / max(h, w))
        ref.append((int(h * r), int(w * r)))
    ref = np.array(ref)
    _ks("RandomShortestSize height", shapes[:, 0], ref[:, 0])
    _ks("RandomShortestSize width", shapes[:, 1], ref[:, 1])
    _, shapes = _ours_points(lambda r: augment.RandomResize(r, 12, 40), h, w, [[0, 0]])
    s = rng.integers(12, 40, N_DRAWS)   # torch.randint(min_size, max_size): the shorter side
    _ks("RandomResize height", shapes[:, 0], s)
    _ks("RandomResize width", shapes[:, 1], (s * w / h).astype(int))


def test_distribution_random_rotation():
    pts, _ = _ours_points(lambda r: augment.RandomRotation(r, (-20, 50)), 30, 40, [[20.0, 15.0], [30.0, 15.0]])
    d = pts[:, 1] - pts[:, 0]
    angle = np.degrees(np.arctan2(-d[:, 1], d[:, 0]))
    _ks("RandomRotation angle", angle, np.random.default_rng(1).uniform(-20, 50, N_DRAWS))


def test_distribution_random_perspective():
    h, w = 30, 40
    start = [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]]
    pts, _ = _ours_points(lambda r: augment.RandomPerspective(r, 0.7, p=1), h, w, start)
    rng = np.random.default_rng(2)
    bw, bh = int(0.7 * (w // 2)) + 1, int(0.7 * (h // 2)) + 1
    ref = {"tl x": rng.integers(0, bw, N_DRAWS), "tr x": rng.integers(w - bw, w, N_DRAWS),
           "br y": rng.integers(h - bh, h, N_DRAWS), "bl y": rng.integers(h - bh, h, N_DRAWS)}
    for name, ours in (("tl x", pts[:, 0, 0]), ("tr x", pts[:, 1, 0]), ("br y", pts[:, 2, 1]), ("bl y", pts[:, 3, 1])):
        _ks(f"RandomPerspective {name}", np.round(ours), ref[name])


def test_distribution_random_elastic():
    """The x displacement at a pixel: ours (the drawn map minus the identity) vs torchvision's
    recipe in NumPy (uniform(-1, 1) noise, Gaussian blur of kernel int(8 sigma + 1) with reflect
    padding, times alpha / H, times W / 2 for pixels)."""
    h, w, sigma, alpha = 24, 32, 3.0, 40.0
    ref_img = np.zeros((h, w), np.uint8)
    with pp.Graph() as g:
        g.output("map", augment.RandomElastic.drawn(pp.Constant(ref_img), alpha=alpha, sigma=sigma))
    ours = np.array([s["map"][0, h // 2, w // 2] - (w // 2 + 0.5) for s in pp.compile(g, seed=3).run_many(0, N_DRAWS)])
    rng = np.random.default_rng(4)
    radius = int(8 * sigma + 1) // 2
    ref = []
    for _ in range(N_DRAWS):
        noise = rng.uniform(-1, 1, (h, w))
        blurred = ndimage.gaussian_filter(noise, sigma, mode="mirror", truncate=radius / sigma)
        ref.append(blurred[h // 2, w // 2] * alpha / h * w / 2)
    _ks("RandomElastic dx", ours, ref)


# --- (3) co-transform ----------------------------------------------------------------------------

CW, CH = 240, 180
COTRANSFORM = {
    "Affine": lambda r: augment.Affine(r, scale=(0.8, 1.2), rotate=(-30, 30), shear=(-10, 10),
                                       translate_percent=(-0.05, 0.05), p=1),
    "Affine_fit_output": lambda r: augment.Affine(r, rotate=(-60, 60), fit_output=True, p=1),
    "ShiftScaleRotate": lambda r: augment.ShiftScaleRotate(r, p=1),
    "Rotate": lambda r: augment.Rotate(r, 40, p=1),
    "Rotate_crop_border": lambda r: augment.Rotate(r, 15, crop_border=True, p=1),
    "Crop": lambda r: augment.Crop(r, 10, 5, 230, 170),
    "RandomCrop_albumentations": lambda r: augment.RandomCrop(r, height=170, width=230),
    "CenterCrop_albumentations": lambda r: augment.CenterCrop(r, height=175, width=235),
    "Resize_torchvision": lambda r: augment.Resize(r, 200),
    "RandomShortestSize": lambda r: augment.RandomShortestSize(r, [120, 200], max_size=300),
    "RandomResize": lambda r: augment.RandomResize(r, 100, 260),
    "Pad_torchvision": lambda r: augment.Pad(r, (4, 6), padding_mode="edge"),
    "RandomRotation": lambda r: augment.RandomRotation(r, 45),
    "RandomRotation_expand": lambda r: augment.RandomRotation(r, 90, expand=True),
    "RandomPerspective": lambda r: augment.RandomPerspective(r, 0.3, p=1),
    "RandomElastic": lambda r: augment.RandomElastic(r, alpha=30.0, sigma=6.0),
    "Erasing": lambda r: augment.Erasing(r, scale=(0.02, 0.1), fill_mask=0, p=1),
    "PixelDropout": lambda r: augment.PixelDropout(r, 0.05, p=1),
}


@pytest.mark.parametrize("name", sorted(COTRANSFORM))
def test_cotransform(name):
    fn = COTRANSFORM[name]
    n = 40
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    boxes, points = [], []
    for _ in range(n):
        bw, bh = rng.integers(50, 110), rng.integers(40, 90)
        x1, y1 = rng.integers(25, CW - bw - 25), rng.integers(25, CH - bh - 25)
        boxes.append(np.array([[x1, y1, x1 + bw, y1 + bh]], np.float32))
        points.append(np.array([[rng.integers(x1, x1 + bw) + 0.5, rng.integers(y1, y1 + bh) + 0.5]], np.float32))
    photo = cv2.resize(IMG, (CW, CH), interpolation=cv2.INTER_AREA)
    with pp.Graph() as g:
        i = pp.SampleIndex()
        b, pt = pp.Constant(boxes)[i], pp.Constant(points)[i]
        r = resource.Resource(image=pp.Constant(photo), mask=mask_ops.RenderBoxes(b, CW, CH), boxes=b, points=pt,
                              dots=resource.Field(mask_ops.RenderPoints(pt, CW, CH, radius=1.0), "mask"))
        r = fn(r)
        for k, v in {"mask_box": mask_ops.BoundingBox(r.mask), "empty": mask_ops.IsEmpty(r.mask), "boxes": r.boxes,
                     "dot_box": mask_ops.BoundingBox(r.dots), "dot_empty": mask_ops.IsEmpty(r.dots),
                     "points": r.points, "shape": pp.ops.image.Info(r.image),
                     "mask_shape": pp.ops.image.Info(r.mask)}.items():
            g.output(k, v)
    ious, dots = [], 0
    for k, s in enumerate(pp.compile(g, seed=7).run_many(0, n)):
        assert (s["shape"][:2] == s["mask_shape"][:2]).all()
        oh, ow = s["shape"][:2]
        if len(s["boxes"]) == 0 or s["empty"]:
            assert len(s["boxes"]) == 0 or min(s["boxes"][0][2] - s["boxes"][0][0], s["boxes"][0][3] - s["boxes"][0][1]) < 1
            continue
        ious.append(_iou(s["mask_box"], s["boxes"][0]))
        if len(s["points"]) == 0:
            continue   # Erasing removes a point under its hole (albumentations' remove_invisible)
        pt = s["points"][0]
        if 2 <= pt[0] <= ow - 2 and 2 <= pt[1] <= oh - 2 and not s["dot_empty"]:
            d = s["dot_box"]
            cx, cy = (d[0] + d[2]) / 2, (d[1] + d[3]) / 2
            zoom = max(1.0, (d[2] - d[0]) / 3, (d[3] - d[1]) / 3)
            assert abs(cx - pt[0]) <= zoom and abs(cy - pt[1]) <= zoom, f"{name} sample {k}: point {pt} vs dot {d}"
            dots += 1
    print(f"co-transform {name}: mean IoU {np.mean(ious):.4f} over {len(ious)}, {dots} points checked")
    assert len(ious) >= n // 2 and np.mean(ious) >= 0.98, f"{name}: mean IoU {np.mean(ious):.4f}"
    assert dots >= n // 3
