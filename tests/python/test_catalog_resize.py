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
    # ScaleJitter: int(W r), int(H r) with one r; the resize is torchvision's antialiased bilinear
    # (its default), or OpenCV's bilinear with antialias=False
    from test_antialias_resize import torch_resize
    for antialias in (True, False):
        for s in _ours(lambda r: augment.ScaleJitter(r, (256, 192), scale_range=(0.5, 1.5), antialias=antialias), n=4):
            h, w = s["image"].shape[:2]
            r_lo, r_hi = (w / IW, (w + 1) / IW)
            assert r_lo * IH - 1 <= h <= r_hi * IH + 1
            if antialias:
                _check_image("ScaleJitter", s["image"], torch_resize(IMG, w, h), 1, 0.05)
            else:
                _check_image("ScaleJitter", s["image"], cv2.resize(IMG, (w, h), interpolation=cv2.INTER_LINEAR), 0, 0.0)


# --- (2) parameter distributions: 5000 draws, two-sample KS against the reference's draws ----

N_DRAWS = 5000


def _ours_points(make, h, w, points, n=N_DRAWS, key=None):
    """The moved points (and output shapes) of n samples of a tiny zero image."""
    img = np.zeros((h, w), np.uint8)
    with pp.Graph() as g:
        r = make(resource.Resource(image=pp.Constant(img), points=np.asarray(points, np.float32)))
        g.output("points", r.points)
        g.output("shape", pp.ops.image.Info(r.image))
    p = pp.compile(g, seed=11)
    pts, shapes = [], []
    for s in p.run_many(0, n):
        pts.append(s["points"])
        shapes.append(s["shape"])
    return np.array(pts), np.array(shapes)


def _albu_draws(t, h, w, fn, n=N_DRAWS):
    t.set_random_seed(5)
    out = []
    for _ in range(n):
        params = t.get_params()
        params.update(t.get_params_dependent_on_data({"shape": (h, w), **params}, {"image": np.zeros((h, w), np.uint8)}))
        out.append(fn(params))
    return np.array(out, np.float64)


def _ks(name, ours, ref):
    res = stats.ks_2samp(np.asarray(ours, np.float64), np.asarray(ref, np.float64))
    REPORT[f"KS {name}"] = res.pvalue
    print(f"KS {name}: statistic {res.statistic:.4f}, p {res.pvalue:.4f}")
    assert res.pvalue > 0.01, f"{name}: KS p = {res.pvalue:.4g}"


def _cv2_point(m, x, y):
    """A point moved by a cv2 (pixel-index) matrix, in our continuous coordinates."""
    v = m @ np.array([x - 0.5, y - 0.5, 1.0])
    return v[0] / v[2] + 0.5, v[1] / v[2] + 0.5


def test_distribution_random_scale():
    _, shapes = _ours_points(lambda r: augment.RandomScale(r, 0.3, p=1), 2, 1000, [[0, 0]])
    ref = _albu_draws(A.RandomScale(0.3, p=1), 2, 1000, lambda p: int(1000 * p["scale"]))
    _ks("RandomScale width", shapes[:, 1], ref)


def test_distribution_longest_max_size_choice():
    _, shapes = _ours_points(lambda r: augment.LongestMaxSize(r, [8, 16, 24, 40]), 10, 20, [[0, 0]])
    ref = _albu_draws(A.LongestMaxSize([8, 16, 24, 40]), 10, 20, lambda p: round(20 * p["scale"]))
    _ks("LongestMaxSize width", shapes[:, 1], ref)


def test_distribution_pad_if_needed_random_position():
    pts, shapes = _ours_points(lambda r: augment.PadIfNeeded(r, 30, 41, position="random"), 10, 20, [[0, 0]])
    assert (shapes[:, :2] == [30, 41]).all()
    ref = _albu_draws(A.PadIfNeeded(30, 41, position="random"), 10, 20, lambda p: (p["pad_left"], p["pad_top"]))
    _ks("PadIfNeeded left", pts[:, 0, 0], ref[:, 0])
    _ks("PadIfNeeded top", pts[:, 0, 1], ref[:, 1])


def test_distribution_crop_and_pad_px_range():
    pts, _ = _ours_points(lambda r: augment.CropAndPad(r, px=(-6, 9), keep_size=False), 30, 40, [[0, 0]])

    def top(p):
        pad = p["pad_params"][0] if p["pad_params"] else 0
        crop = p["crop_params"][1] if p["crop_params"] else 0
        return pad - crop
    ref = _albu_draws(A.CropAndPad(px=(-6, 9), keep_size=False), 30, 40, top)
    _ks("CropAndPad top", pts[:, 0, 1], ref)


def test_distribution_random_rotate90():
    pts, _ = _ours_points(lambda r: augment.RandomRotate90(r), 10, 10, [[1.5, 2.5]])
    # the moved point of each turn count: (1.5, 2.5) -> (2.5, 8.5) -> (8.5, 7.5) -> (7.5, 1.5)
    targets = np.array([[1.5, 2.5], [2.5, 8.5], [8.5, 7.5], [7.5, 1.5]])
    ours = np.argmin(np.abs(pts[:, 0, None, :] - targets[None]).sum(-1), axis=1)
    ref = _albu_draws(A.RandomRotate90(), 10, 10, lambda p: p["factor"])
    _ks("RandomRotate90 factor", ours, ref)
    chi = stats.chisquare(np.bincount(ours, minlength=4))
    assert chi.pvalue > 0.01


def test_distribution_d4():
    elements = augment.symmetry.D4_ELEMENTS
    pts, _ = _ours_points(lambda r: augment.D4(r), 10, 10, [[1.5, 2.5]])
    kp = np.array([[1.0, 2.0, 0, 0, 0]], np.float32)
    targets = np.array([fgeometric.keypoints_d4(kp, e, (10, 10))[0, :2] + 0.5 for e in elements])
    ours = np.argmin(np.abs(pts[:, 0, None, :] - targets[None]).sum(-1), axis=1)
    ref = _albu_draws(A.D4(), 10, 10, lambda p: elements.index(p["group_element"]))
    _ks("D4 element", ours, ref)


def test_distribution_safe_rotate():
    pts, _ = _ours_points(lambda r: augment.SafeRotate(r, 45, p=1), 30, 40, [[5.0, 7.0]])
    ref = _albu_draws(A.SafeRotate(45, p=1), 30, 40, lambda p: _cv2_point(p["matrix"], 5.0, 7.0))
    _ks("SafeRotate x", pts[:, 0, 0], ref[:, 0])
    _ks("SafeRotate y", pts[:, 0, 1], ref[:, 1])


def test_distribution_perspective():
    pts, _ = _ours_points(lambda r: augment.Perspective(r, (0.05, 0.2), p=1), 30, 40, [[3.0, 4.0], [35.0, 25.0]])

    def moved(p):
        m = np.diag([40 / p["max_width"], 30 / p["max_height"], 1.0]) @ p["matrix"]
        return _cv2_point(m, 3.0, 4.0) + _cv2_point(m, 35.0, 25.0)
    ref = _albu_draws(A.Perspective((0.05, 0.2), p=1), 30, 40, moved)
    _ks("Perspective x0", pts[:, 0, 0], ref[:, 0])
    _ks("Perspective y1", pts[:, 1, 1], ref[:, 3])


def test_distribution_random_sized_crop():
    pts, _ = _ours_points(lambda r: augment.RandomSizedCrop(r, (10, 28), (16, 16), w2h_ratio=1.2), 30, 40,
                          [[0, 0], [100, 100]])
    sx = (pts[:, 1, 0] - pts[:, 0, 0]) / 100
    sy = (pts[:, 1, 1] - pts[:, 0, 1]) / 100
    crop_h, x0 = np.round(16 / sy), np.round(-pts[:, 0, 0] / sx)
    ref = _albu_draws(A.RandomSizedCrop((10, 28), (16, 16), w2h_ratio=1.2), 30, 40,
                      lambda p: (p["crop_coords"][3] - p["crop_coords"][1], p["crop_coords"][0]))
    _ks("RandomSizedCrop height", crop_h, ref[:, 0])
    _ks("RandomSizedCrop x", x0, ref[:, 1])


def test_distribution_random_crop_from_borders():
    pts, shapes = _ours_points(lambda r: augment.RandomCropFromBorders(r, 0.3, 0.2, 0.1, 0.4), 30, 40, [[0, 0]])
    ref = _albu_draws(A.RandomCropFromBorders(0.3, 0.2, 0.1, 0.4), 30, 40, lambda p: p["crop_coords"])
    _ks("RandomCropFromBorders x_min", -pts[:, 0, 0], ref[:, 0])
    _ks("RandomCropFromBorders x_max", -pts[:, 0, 0] + shapes[:, 1], ref[:, 2])
    _ks("RandomCropFromBorders y_max", -pts[:, 0, 1] + shapes[:, 0], ref[:, 3])


def test_distribution_random_zoom_out_and_scale_jitter():
    rng = np.random.default_rng(3)
    pts, shapes = _ours_points(lambda r: augment.RandomZoomOut(r, side_range=(1.0, 3.0), p=1.0), 10, 20, [[0, 0]])
    r = 1.0 + rng.random(N_DRAWS) * 2.0   # torchvision: side_range[0] + rand * (side_range[1] - side_range[0])
    canvas_w = (20 * r).astype(int)
    left = ((canvas_w - 20) * rng.random(N_DRAWS)).astype(int)
    _ks("RandomZoomOut canvas width", shapes[:, 1], canvas_w)
    _ks("RandomZoomOut left", pts[:, 0, 0], left)
    _, shapes = _ours_points(lambda r: augment.ScaleJitter(r, (64, 48), scale_range=(0.5, 2.0)), 10, 20, [[0, 0]])
    scale = 0.5 + rng.random(N_DRAWS) * 1.5
    ratio = min(48 / 10, 64 / 20) * scale
    _ks("ScaleJitter width", shapes[:, 1], (20 * ratio).astype(int))
    _ks("ScaleJitter height", shapes[:, 0], (10 * ratio).astype(int))


# --- (3) co-transform: masks rendered from boxes and points travel with them ------------------

CW, CH = 240, 180
COTRANSFORM = {
    "Resize": lambda r: augment.Resize(r, 150, 300),
    "LongestMaxSize": lambda r: augment.LongestMaxSize(r, [160, 300]),
    "SmallestMaxSize": lambda r: augment.SmallestMaxSize(r, 200, interpolation="area"),
    "RandomScale": lambda r: augment.RandomScale(r, 0.5, p=1),
    "ScaleJitter": lambda r: augment.ScaleJitter(r, (240, 180), scale_range=(0.6, 1.5)),
    # (a reflecting border would mirror the rendered masks into the padding, as albumentations does)
    "PadIfNeeded": lambda r: augment.PadIfNeeded(r, 250, 300, position="random"),
    "Pad": lambda r: augment.Pad(r, (3, 5, 7, 9)),
    "CropAndPad": lambda r: augment.CropAndPad(r, percent=(-0.15, 0.2)),
    "CropAndPad_nokeep": lambda r: augment.CropAndPad(r, px=(-10, 20), keep_size=False),
    "RandomZoomOut": lambda r: augment.RandomZoomOut(r, p=1.0, side_range=(1.0, 2.5)),
    "RandomRotate90": lambda r: augment.RandomRotate90(r),
    "D4": lambda r: augment.D4(r),
    "Transpose": lambda r: augment.Transpose(r, p=1),
    "SafeRotate": lambda r: augment.SafeRotate(r, p=1),
    "Perspective": lambda r: augment.Perspective(r, (0.05, 0.1), p=1),
    "RandomSizedCrop": lambda r: augment.RandomSizedCrop(r, (120, 170), (160, 160)),
    "RandomCropFromBorders": lambda r: augment.RandomCropFromBorders(r, 0.2, 0.2, 0.2, 0.2),
}


def _iou(a, b):
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


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
        e = s["boxes"][0]
        if s["empty"]:
            assert min(e[2] - e[0], e[3] - e[1]) < 1.0, f"{name} sample {k}: the mask vanished but the box did not"
            continue
        ious.append(_iou(s["mask_box"], e))
        pt = s["points"][0]
        if 2 <= pt[0] <= ow - 2 and 2 <= pt[1] <= oh - 2 and not s["dot_empty"]:
            d = s["dot_box"]
            cx, cy = (d[0] + d[2]) / 2, (d[1] + d[3]) / 2
            # the marked pixel's center: the moved point within 1 px (per axis, scaled for a zoom)
            zoom = max(1.0, (d[2] - d[0]) / 3, (d[3] - d[1]) / 3)
            assert abs(cx - pt[0]) <= zoom and abs(cy - pt[1]) <= zoom, f"{name} sample {k}: point {pt} vs dot {d}"
            dots += 1
    REPORT[f"IoU {name}"] = float(np.mean(ious))
    print(f"co-transform {name}: mean IoU {np.mean(ious):.4f} over {len(ious)}, {dots} points checked")
    assert len(ious) >= n // 2 and np.mean(ious) >= 0.98, f"{name}: mean IoU {np.mean(ious):.4f}"
    assert dots >= n // 3
