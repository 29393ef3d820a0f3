"""The remaining reference checks of the geometric catalog (issue 17's audit of missing tests).

Per transform, as the other test_catalog_* files: (1) with fixed parameters (the window our
pipeline drew, read back from moved points) the pixels match albumentations' within the stated
tolerance (max and mean |diff| printed) and the moved boxes / keypoints match albumentations';
(2) for random transforms the distribution of the drawn parameter, measured from our outputs over
5000 samples of a tiny image, matches the reference's own draws (albumentations'
``get_params_dependent_on_data``, or torchvision's documented draw written in NumPy): two-sample
KS for continuous / ordinal parameters (one-sample KS against the exact uniform where torchvision
draws a plain U(a, b)), chi-square (homogeneity with the reference's counts, and against the
expected counts) for categorical ones, binomial for an applied/skipped frequency; p > 0.01.
Image tolerance at a drawn window: max |diff| <= 1 and mean <= 0.05 on uint8 (measured: 0, the
same OpenCV crop + resize); flips: exact.

Covered here: RandomResizedCrop (window width, height, x, y, also where the fallback dominates;
pixels and boxes at the drawn window), RandomSizedBBoxSafeCrop (window; pixels and boxes at the
drawn window on a larger photo), SmallestMaxSize / LongestMaxSize with a list ``max_size``
(chosen size), RandomHorizontalFlip / RandomVerticalFlip / Transpose (frequency of ``p``; exact
pixels, boxes and keypoints vs albumentations' HorizontalFlip / VerticalFlip / Transpose),
SquareSymmetry (element frequencies), torchvision's RandomAffine (angle, scale, shear,
translation), torchvision's RandomCrop form (offset with padding), CropAndPad with a percent
range, ColorJitter's factors, and Mosaic's item order.
"""
import colorsys
import itertools
import os
import random as pyrandom

import cv2
import numpy as np
import pytest
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment, resource
from op_runner import compile_outputs

A = pytest.importorskip("albumentations")
from albumentations.augmentations.geometric import functional as fgeometric  # noqa: E402
from albumentations.augmentations.mixing import functional as fmixing  # noqa: E402

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "photos")
N = 5000
CORNERS = np.array([[0, 0], [100, 100]], np.float32)


def _photo(name="astronaut", size=None):
    img = cv2.cvtColor(cv2.imread(os.path.join(PHOTOS, f"{name}.jpg")), cv2.COLOR_BGR2RGB)
    if size is not None:
        img = cv2.resize(img, (size[1], size[0]), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(img)


def _compile(build, seed=17):
    return compile_outputs(build, seed)


def _runs(make, h, w, points=CORNERS, n=N, seed=17, channels=None, **fields):
    """(moved points, output shapes) of n samples of a zero h x w image."""
    img = np.zeros((h, w) if channels is None else (h, w, channels), np.uint8)

    def build():
        r = make(resource.Resource(image=pp.Constant(img), points=np.asarray(points, np.float32), **fields))
        return {"points": r.points, "shape": pp.ops.image.Info(r.image)}
    pts, shapes = [], []
    for s in _compile(build, seed).run_many(0, n):
        pts.append(s["points"])
        shapes.append(s["shape"])
    return np.array(pts, np.float64), np.array(shapes)


def _window(pts, out_w, out_h):
    """x1, y1, x2, y2 of the source window of a (resized) crop from the moved corners (0, 0) and
    (100, 100): the scale is their distance / 100, the origin lands at -x1 * scale."""
    sx = (pts[:, 1, 0] - pts[:, 0, 0]) / 100.0
    sy = (pts[:, 1, 1] - pts[:, 0, 1]) / 100.0
    x1, y1 = -pts[:, 0, 0] / sx, -pts[:, 0, 1] / sy
    return np.round(np.stack([x1, y1, x1 + out_w / sx, y1 + out_h / sy], axis=1)).astype(int)


def _albu_windows(t, h, w, data=None, n=N, seed=5):
    t.set_random_seed(seed)
    out = []
    for _ in range(n):
        params = t.get_params()
        params.update(t.get_params_dependent_on_data({"shape": (h, w), **params},
                                                     dict(data or {"image": np.zeros((h, w), np.uint8)})))
        out.append(params["crop_coords"])
    return np.array(out)


def _ks(name, ours, theirs):
    res = stats.ks_2samp(np.asarray(ours, np.float64), np.asarray(theirs, np.float64))
    print(f"KS {name}: statistic {res.statistic:.4f}, p {res.pvalue:.4f}")
    assert res.pvalue > 0.01, f"{name}: KS p = {res.pvalue:.4g}"
    return res.pvalue


def _ks_uniform(name, ours, lo, hi):
    """One-sample KS against U(lo, hi): torchvision's continuous draws are exactly that."""
    res = stats.kstest(np.asarray(ours, np.float64), "uniform", args=(lo, hi - lo))
    print(f"KS {name} vs U({lo}, {hi}): statistic {res.statistic:.4f}, p {res.pvalue:.4f}")
    assert res.pvalue > 0.01, f"{name}: KS p = {res.pvalue:.4g}"
    return res.pvalue


def _ks_window(name, ours, theirs):
    """KS of the window's width, height, x and y."""
    for k, what in enumerate(("width", "height", "x", "y")):
        if k < 2:
            a, b = ours[:, k + 2] - ours[:, k], theirs[:, k + 2] - theirs[:, k]
        else:
            a, b = ours[:, k - 2], theirs[:, k - 2]
        if np.all(a == a[0]) and np.all(b == a[0]):
            print(f"{name} {what}: constant {a[0]} in both")
            continue
        _ks(f"{name} {what}", a, b)


def _chi2_same(name, ours, theirs, categories):
    """Chi-square test of homogeneity: our category counts and the reference's come from one
    distribution."""
    table = np.array([[np.sum(np.asarray(x) == c) for c in categories] for x in (ours, theirs)])
    table = table[:, table.sum(axis=0) > 0]
    res = stats.chi2_contingency(table)
    print(f"chi-square {name}: counts {table.tolist()}, p {res.pvalue:.4f}")
    assert res.pvalue > 0.01, f"{name}: chi-square p = {res.pvalue:.4g} ({table.tolist()})"
    return res.pvalue


def _binomial(name, hits, n, p):
    res = stats.binomtest(int(hits), n, p)
    print(f"binomial {name}: {hits}/{n} vs p {p}, p-value {res.pvalue:.4f}")
    assert res.pvalue > 0.01, f"{name}: {hits}/{n} applied, p = {p} (binomial p {res.pvalue:.4g})"


def _diff(a, b):
    assert a.shape == b.shape, (a.shape, b.shape)
    d = np.abs(a.astype(np.int32) - b.astype(np.int32))
    return int(d.max()), float(d.mean())


def _albu_compose(steps, img, boxes, kps=None):
    """albumentations' outputs (image, boxes in pascal_voc with their indices, keypoints) of a
    Compose of ``steps``; keypoints are given in albumentations' pixel-index convention."""
    t = A.Compose(steps, bbox_params=A.BboxParams(format="pascal_voc", label_fields=["ids"]),
                  keypoint_params=A.KeypointParams(format="xy", remove_invisible=False), seed=0)
    kps = np.zeros((0, 2), np.float32) if kps is None else kps
    out = t(image=img, bboxes=boxes, ids=np.arange(len(boxes)), keypoints=kps)
    return (out["image"], np.asarray(out["bboxes"], np.float64).reshape(-1, 4), np.asarray(out["ids"], int),
            np.asarray(out["keypoints"], np.float64).reshape(-1, 2))


# --- RandomResizedCrop ----------------------------------------------------------------------------

@pytest.mark.parametrize("h,w,scale,ratio", [
    (60, 80, (0.08, 1.0), (3 / 4, 4 / 3)),      # the defaults: most first attempts fit
    (20, 200, (0.08, 1.0), (3 / 4, 4 / 3)),     # a wide image: about 3 in 4 fall back to the center crop
])
def test_random_resized_crop_window_distribution(h, w, scale, ratio):
    pts, shapes = _runs(lambda r: augment.RandomResizedCrop(r, 8, scale=scale, ratio=ratio), h, w)
    assert (shapes[:, :2] == 8).all()
    ours = _window(pts, 8, 8)
    theirs = _albu_windows(A.RandomResizedCrop(size=(8, 8), scale=scale, ratio=ratio), h, w)
    # the fallback: the whole image clamped to the ratio range, centered
    fw = min(w, round(h * ratio[1]))
    center = np.array([(w - fw) // 2, 0, (w - fw) // 2 + fw, h])
    fallback = [np.mean(np.all(x == center, axis=1)) for x in (ours, theirs)]
    print(f"RandomResizedCrop {h}x{w}: fallback windows {fallback[0]:.3f} (ours), {fallback[1]:.3f} (albumentations)")
    _ks_window(f"RandomResizedCrop {h}x{w}", ours, theirs)


def test_random_resized_crop_pixels_and_boxes_at_the_drawn_window():
    img = _photo("chelsea", (150, 225))
    H_, W_ = img.shape[:2]
    boxes = np.array([[20, 15, 120, 110], [100, 40, 210, 140], [60, 90, 90, 130]], np.float32)
    kps = np.array([[50.5, 40.5], [160.5, 100.5]], np.float32)

    def build():
        r = resource.Resource(image=img, boxes=boxes, corners=resource.Field(CORNERS, "points"),
                              kps=resource.Field(kps, "points"))
        return augment.RandomResizedCrop(r, (64, 96), scale=(0.2, 1.0))
    diffs = []
    for s in _compile(build).run_many(0, 16):
        x1, y1, x2, y2 = _window(s["corners"][None].astype(np.float64), 96, 64)[0]
        assert 0 <= x1 < x2 <= W_ and 0 <= y1 < y2 <= H_
        ref, ref_boxes, ids, ref_kps = _albu_compose([A.Crop(x1, y1, x2, y2), A.Resize(64, 96)], img, boxes, kps)
        mx, mean = _diff(s["image"], ref)
        diffs.append((mx, mean))
        assert mx <= 1 and mean <= 0.05, f"window {(x1, y1, x2, y2)}: max {mx}, mean {mean:.4f}"
        np.testing.assert_allclose(s["boxes"].astype(np.float64)[ids], ref_boxes, atol=2e-3)
        # both move points by (x - x1) * out_w / (x2 - x1): the same numbers in, the same out
        np.testing.assert_allclose(s["kps"].astype(np.float64), ref_kps, atol=2e-3)
    print(f"RandomResizedCrop at the drawn window: max |diff| {max(d[0] for d in diffs)}, "
          f"mean {np.mean([d[1] for d in diffs]):.4f}")


# --- RandomSizedBBoxSafeCrop ----------------------------------------------------------------------

BH, BW = 96, 128
BOXES = np.array([[20, 14, 50, 40], [60, 30, 90, 70], [70, 10, 100, 26]], np.float32)


@pytest.mark.parametrize("erosion_rate,boxes", [(0.0, BOXES), (0.3, BOXES), (0.2, np.zeros((0, 4), np.float32))])
def test_random_sized_bbox_safe_crop_window_distribution(erosion_rate, boxes):
    pts, shapes = _runs(lambda r: augment.RandomSizedBBoxSafeCrop(r, 24, 32, erosion_rate=erosion_rate), BH, BW,
                        n=N, boxes=boxes)
    assert (shapes[:, :2] == [24, 32]).all()
    ours = _window(pts, 32, 24)
    norm = boxes / np.array([BW, BH, BW, BH], np.float32)
    theirs = _albu_windows(A.RandomSizedBBoxSafeCrop(24, 32, erosion_rate=erosion_rate), BH, BW, {"bboxes": norm})
    if len(boxes) and erosion_rate == 0:   # every box inside every window
        assert (ours[:, :2] <= boxes[:, :2].min(0)).all() and (ours[:, 2:] >= boxes[:, 2:].max(0)).all()
    _ks_window(f"RandomSizedBBoxSafeCrop e={erosion_rate} boxes={len(boxes)}", ours, theirs)


def test_random_sized_bbox_safe_crop_pixels_and_boxes_at_the_drawn_window():
    img = _photo("coffee", (200, 300))
    boxes = np.array([[40, 30, 120, 100], [150, 60, 260, 170]], np.float32)
    kps = np.array([[60.0, 50.0], [200.0, 120.0]], np.float32)

    def build():
        r = resource.Resource(image=img, boxes=boxes, corners=resource.Field(CORNERS, "points"),
                              kps=resource.Field(kps, "points"))
        return augment.RandomSizedBBoxSafeCrop(r, 120, 160, erosion_rate=0.2)
    diffs = []
    for s in _compile(build).run_many(0, 16):
        x1, y1, x2, y2 = _window(s["corners"][None].astype(np.float64), 160, 120)[0]
        assert 0 <= x1 < x2 <= 300 and 0 <= y1 < y2 <= 200
        ref, ref_boxes, ids, ref_kps = _albu_compose([A.Crop(x1, y1, x2, y2), A.Resize(120, 160)], img, boxes, kps)
        mx, mean = _diff(s["image"], ref)
        diffs.append((mx, mean))
        assert mx <= 1 and mean <= 0.05, f"window {(x1, y1, x2, y2)}: max {mx}, mean {mean:.4f}"
        np.testing.assert_allclose(s["boxes"].astype(np.float64)[ids], ref_boxes, atol=2e-3)
        np.testing.assert_allclose(s["kps"].astype(np.float64), ref_kps, atol=2e-3)
    print(f"RandomSizedBBoxSafeCrop at the drawn window: max |diff| {max(d[0] for d in diffs)}, "
          f"mean {np.mean([d[1] for d in diffs]):.4f}")


# --- LongestMaxSize / SmallestMaxSize with a list of sizes ---------------------------------------

SIZES = [8, 16, 24, 40]


@pytest.mark.parametrize("cls", ["SmallestMaxSize", "LongestMaxSize"])
def test_max_size_list_choice_chi_square(cls):
    h, w = 10, 20
    side = 0 if cls == "SmallestMaxSize" else 1     # the side max_size sets: the shorter / the longer
    _, shapes = _runs(lambda r: getattr(augment, cls)(r, SIZES), h, w)
    ours = shapes[:, side]
    t = getattr(A, cls)(SIZES)
    t.set_random_seed(5)
    theirs = []
    for _ in range(N):
        params = t.get_params_dependent_on_data({"shape": (h, w)}, {"image": np.zeros((h, w), np.uint8)})
        theirs.append(round((h, w)[side] * params["scale"]))
    assert set(ours) <= set(SIZES)
    _chi2_same(f"{cls} chosen size", ours, theirs, SIZES)
    res = stats.chisquare([np.sum(ours == s) for s in SIZES])   # and uniform, as documented
    assert res.pvalue > 0.01, res


# --- flips, Transpose, SquareSymmetry ----------------------------------------------------------

FLIP_POINT = np.array([[1.5, 2.5]], np.float32)


def _applied(make, moved, h=7, w=9, n=N):
    """How many of n samples were changed: the moved point equals ``moved`` (else it is unchanged)."""
    pts, _ = _runs(make, h, w, points=FLIP_POINT, n=n)
    hit = np.all(np.abs(pts[:, 0] - moved) < 1e-4, axis=1)
    assert (hit | np.all(np.abs(pts[:, 0] - FLIP_POINT[0]) < 1e-4, axis=1)).all()
    return int(hit.sum())


@pytest.mark.parametrize("name,make,moved,p", [
    ("RandomHorizontalFlip default", lambda r: augment.RandomHorizontalFlip(r), (9 - 1.5, 2.5), 0.5),
    ("RandomHorizontalFlip 0.3", lambda r: augment.RandomHorizontalFlip(r, p=0.3), (9 - 1.5, 2.5), 0.3),
    ("RandomVerticalFlip default", lambda r: augment.RandomVerticalFlip(r), (1.5, 7 - 2.5), 0.5),
    ("RandomVerticalFlip 0.8", lambda r: augment.RandomVerticalFlip(r, p=0.8), (1.5, 7 - 2.5), 0.8),
    ("Transpose default", lambda r: augment.Transpose(r), (2.5, 1.5), 0.5),
    ("Transpose 0.2", lambda r: augment.Transpose(r, p=0.2), (2.5, 1.5), 0.2),
])
def test_flip_and_transpose_frequency_is_p(name, make, moved, p):
    _binomial(name, _applied(make, moved), N, p)


def test_square_symmetry_elements_are_uniform():
    elements = augment.symmetry.D4_ELEMENTS
    kp = np.array([[1.0, 2.0, 0, 0, 0]], np.float32)   # albumentations' pixel indices; ours + 0.5
    targets = np.array([fgeometric.keypoints_d4(kp, e, (10, 10))[0, :2] + 0.5 for e in elements])
    pts, _ = _runs(lambda r: augment.SquareSymmetry(r), 10, 10, points=[[1.5, 2.5]])
    dist = np.abs(pts[:, 0, None, :] - targets[None]).sum(-1)
    assert (dist.min(axis=1) < 1e-4).all()
    ours = np.argmin(dist, axis=1)
    t = A.SquareSymmetry(p=1)
    t.set_random_seed(5)
    theirs = [elements.index(t.get_params()["group_element"]) for _ in range(N)]
    _chi2_same("SquareSymmetry element", ours, theirs, range(8))
    assert stats.chisquare(np.bincount(ours, minlength=8)).pvalue > 0.01


@pytest.mark.parametrize("ours_cls,theirs", [(augment.RandomHorizontalFlip, A.HorizontalFlip(p=1)),
                                             (augment.RandomVerticalFlip, A.VerticalFlip(p=1)),
                                             (augment.Transpose, A.Transpose(p=1))])
def test_flips_equal_albumentations_exactly(ours_cls, theirs):
    img = _photo("rocket", (120, 90))
    seg = np.zeros(img.shape[:2], np.uint8)
    seg[10:50, 20:70] = 1
    seg[70:115, 5:30] = 2
    boxes = np.array([[20, 10, 70, 50], [5, 70, 30, 115], [0, 0, 90, 120]], np.float32)
    kps = np.array([[3.0, 4.0], [60.0, 100.0], [89.0, 0.0]], np.float32)   # albumentations' pixel indices

    def build():
        r = resource.Resource(image=img, mask=seg, boxes=boxes, points=kps + 0.5)   # ours: continuous
        return ours_cls(r, p=1)
    s = _compile(build).run(0)
    t = A.Compose([theirs], bbox_params=A.BboxParams(format="pascal_voc", label_fields=["ids"]),
                  keypoint_params=A.KeypointParams(format="xy", remove_invisible=False))
    ref = t(image=img, mask=seg, bboxes=boxes, ids=np.arange(3), keypoints=kps)
    np.testing.assert_array_equal(s["image"], ref["image"])
    np.testing.assert_array_equal(s["mask"], ref["mask"])
    # albumentations normalizes boxes and back (f32 round-off of ~1e-5 px)
    np.testing.assert_allclose(s["boxes"], np.asarray(ref["bboxes"], np.float32), atol=1e-4)
    np.testing.assert_allclose(s["points"] - 0.5, np.asarray(ref["keypoints"])[:, :2], atol=1e-5)
    print(f"{ours_cls.__name__} vs albumentations {type(theirs).__name__}: max |diff| 0, mean 0.0000 (equal)")


# --- other random transforms without a distribution test elsewhere ---------------------------------

def _linear_parts(pts, c):
    """The linear part (columns: where (1, 0) and (0, 1) go) and the shift of c, from the moved
    points c, c + (1, 0), c + (0, 1)."""
    return pts[:, 1] - pts[:, 0], pts[:, 2] - pts[:, 0], pts[:, 0] - np.asarray(c)


def test_random_affine_distribution_follows_torchvision():
    """torchvision v2 RandomAffine's draw: angle ~ U(degrees), tx = round(U(-a W, a W)),
    ty = round(U(-b H, b H)), scale ~ U(scale), shear x ~ U(shear[0:2]), shear y ~ U(shear[2:4]).
    Its matrix T(c + t) R S ShY ShX T(-c): without shear, column 1 is s (cos, sin); with only
    shear, ShY ShX = [[1, -tan shx], [-tan shy, 1 + tan shx tan shy]]."""
    h, w = 30, 40
    c = (w / 2, h / 2)
    probe = [c, (c[0] + 1, c[1]), (c[0], c[1] + 1)]
    rng = np.random.default_rng(6)
    pts, _ = _runs(lambda r: augment.RandomAffine(r, (-10, 40), translate=(0.2, 0.1), scale=(0.7, 1.2)), h, w,
                   points=probe)
    ex, _, shift = _linear_parts(pts, c)
    _ks_uniform("RandomAffine angle", np.degrees(np.arctan2(ex[:, 1], ex[:, 0])), -10, 40)
    _ks_uniform("RandomAffine scale", np.hypot(ex[:, 0], ex[:, 1]), 0.7, 1.2)
    _ks("RandomAffine tx", np.round(shift[:, 0]), np.round(rng.uniform(-0.2 * w, 0.2 * w, N)))
    _ks("RandomAffine ty", np.round(shift[:, 1]), np.round(rng.uniform(-0.1 * h, 0.1 * h, N)))
    pts, _ = _runs(lambda r: augment.RandomAffine(r, 0, shear=(-5, 20, 10, 30)), h, w, points=probe)
    ex, ey, _ = _linear_parts(pts, c)
    _ks_uniform("RandomAffine shear x", np.degrees(np.arctan(-ey[:, 0])), -5, 20)
    _ks_uniform("RandomAffine shear y", np.degrees(np.arctan(-ex[:, 1])), 10, 30)


def test_random_crop_torchvision_form_offset_distribution():
    """torchvision's RandomCrop: pad by ``padding`` (left/right 2, top/bottom 3 here), then
    i = randint(0, H' - th + 1), j = randint(0, W' - tw + 1) on the padded image."""
    h, w = 30, 40
    pts, shapes = _runs(lambda r: augment.RandomCrop(r, (11, 13), padding=(2, 3)), h, w, points=[[0.0, 0.0]])
    assert (shapes[:, :2] == [11, 13]).all()
    rng = np.random.default_rng(7)
    _ks("RandomCrop (torchvision) left", 2 - pts[:, 0, 0], rng.integers(0, w + 4 - 13 + 1, N))
    _ks("RandomCrop (torchvision) top", 3 - pts[:, 0, 1], rng.integers(0, h + 6 - 11 + 1, N))


@pytest.mark.parametrize("independent", [True, False])
def test_crop_and_pad_percent_range_distribution(independent):
    h, w = 30, 40
    make = lambda r: augment.CropAndPad(r, percent=(-0.2, 0.3), keep_size=False, sample_independently=independent)
    pts, shapes = _runs(make, h, w, points=[[0.0, 0.0]])
    t = A.CropAndPad(percent=(-0.2, 0.3), keep_size=False, sample_independently=independent)
    t.set_random_seed(5)
    ref = []
    for _ in range(N):
        p = t.get_params_dependent_on_data({"shape": (h, w)}, {"image": np.zeros((h, w), np.uint8)})
        pad = p["pad_params"] or [0, 0, 0, 0]          # top, bottom, left, right
        crop = p["crop_params"] or [0, 0, w, h]        # x1, y1, x2, y2
        ref.append((pad[0] - crop[1], pad[2] - crop[0], p["result_shape"][0], p["result_shape"][1]))
    ref = np.array(ref)
    name = f"CropAndPad percent independent={independent}"
    _ks(f"{name} top", pts[:, 0, 1], ref[:, 0])
    _ks(f"{name} left", pts[:, 0, 0], ref[:, 1])
    _ks(f"{name} height", shapes[:, 0], ref[:, 2])
    _ks(f"{name} width", shapes[:, 1], ref[:, 3])


def _color_jitter_outputs(img, **kw):
    with pp.Graph() as g:
        g.output("image", augment.ColorJitter(pp.Constant(img), **kw))
    return np.array([s["image"] for s in pp.compile(g, seed=9).run_many(0, N)], np.float64)


def test_color_jitter_factor_distributions_follow_torchvision():
    """One adjustment at a time on a float image (no rounding, no clamping), each factor read
    back: brightness f (x -> f x), contrast f (x -> m + f (x - m), m the gray mean), saturation
    f (x -> g + f (x - g), g the pixel's gray), hue shift (the HSV hue's change), against
    torchvision's draws: U(max(0, 1 - b), 1 + b) / U(-h, h) (or the given range)."""
    flat = np.full((2, 2, 3), 0.5, np.float32)
    out = _color_jitter_outputs(flat, brightness=0.4)
    _ks_uniform("ColorJitter brightness", out[:, 0, 0, 0] / 0.5, 0.6, 1.4)
    halves = np.full((2, 2, 3), 0.4, np.float32)
    halves[1] = 0.6
    out = _color_jitter_outputs(halves, contrast=(0.5, 1.5))
    _ks_uniform("ColorJitter contrast", (out[:, 1, 0, 0] - out[:, 0, 0, 0]) / 0.2, 0.5, 1.5)
    color = np.full((1, 1, 3), (0.6, 0.5, 0.4), np.float32)   # gray (ITU-R 601-2) 0.5109
    gray = 0.299 * 0.6 + 0.587 * 0.5 + 0.114 * 0.4
    out = _color_jitter_outputs(color, saturation=0.5)
    _ks_uniform("ColorJitter saturation", (out[:, 0, 0, 0] - gray) / (0.6 - gray), 0.5, 1.5)
    out = _color_jitter_outputs(color, hue=0.2)
    h0 = colorsys.rgb_to_hsv(*color[0, 0])[0]
    shift = np.array([colorsys.rgb_to_hsv(*o[0, 0])[0] - h0 for o in out])
    shift = (shift + 0.5) % 1.0 - 0.5
    _ks_uniform("ColorJitter hue", shift, -0.2, 0.2)


def test_mosaic_item_order_follows_albumentations():
    """The primary item (0) goes to the largest placement, items 1..3 to the other placements in a
    uniformly random order (albumentations' assign_items_to_grid_cells shuffles them): the
    order of items in the other three placements (row-major), chi-square against albumentations'
    draws over the 6 orders."""
    values = (40, 90, 140, 190)
    with pp.Graph() as g:
        items = [resource.Resource(image=np.full((16, 16, 1), v, np.uint8)) for v in values]
        g.output("image", augment.Mosaic(items, target_size=(16, 16), cell_shape=(16, 16), p=1.0).image)
    ours = []
    for s in pp.compile(g, seed=3).run_many(0, 3000):
        im = s["image"].reshape(16, 16)
        corners = [values.index(int(v)) for v in (im[0, 0], im[0, -1], im[-1, 0], im[-1, -1])]
        assert sorted(corners) == [0, 1, 2, 3]
        ours.append(tuple(k for k in corners if k != 0))
    orders = list(itertools.permutations((1, 2, 3)))
    rng = pyrandom.Random(5)
    theirs = []
    for _ in range(3000):
        center = fmixing.calculate_mosaic_center_point((2, 2), (16, 16), (16, 16), (0.3, 0.7), rng)
        placements = fmixing.calculate_cell_placements((2, 2), (16, 16), (16, 16), center)
        got = fmixing.assign_items_to_grid_cells(4, placements, rng)
        theirs.append(tuple(got[p] for p in placements if got[p] != 0))
    _chi2_same("Mosaic item order", [orders.index(o) for o in ours], [orders.index(o) for o in theirs], range(6))
