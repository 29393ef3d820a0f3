"""The non-linear distortions (augment/distort.py) against albumentations 2.0.8.

Checked: with fixed parameters, the maps equal albumentations' (+0.5, PixelPipes' continuous
coordinates) and the remapped photo matches albumentations' (tolerances below, max/mean printed);
moved boxes and keypoints vs albumentations' on the same maps; KS tests of the drawn maps at fixed
pixels (5000 draws each side: the same function of the random parameters); co-transform (the moved
mask's bounding box vs the moved box, a rendered dot vs the moved point); RandomGridShuffle's tile
moves against albumentations' swap_tiles_on_image / swap_tiles_on_keypoints and its tile
distribution (chi-square). ElasticTransform's noise comes from PixelPipes' own stream, so it is
compared by distribution only (KS of the displacement at a pixel), not pixel by pixel.
"""
import os
import warnings

import cv2
import numpy as np
import pytest
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment, resource
from pixelpipes.ops import geometry, mask, tensor
from op_runner import compile_outputs

A = pytest.importorskip("albumentations")
F = pytest.importorskip("albumentations.augmentations.geometric.functional")
from albumentations.core.bbox_utils import bboxes_to_mask, mask_to_bboxes  # noqa: E402

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "photos")
N_KS = 5000


def _photo(name="chelsea", size=(96, 72)):
    img = cv2.cvtColor(cv2.imread(os.path.join(PHOTOS, name + ".jpg")), cv2.COLOR_BGR2RGB)
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA)


def _compile(build, seed=3):
    return compile_outputs(build, seed)


def _drawn_maps(cls, h, w, n, **kwargs):
    """n draws of the macro's own map ([n, 2, h, w])."""
    p = _compile(lambda: {"m": cls.drawn(pp.Constant(np.zeros((h, w, 3), np.uint8)), **kwargs)})
    return np.stack([s["m"] for s in p.run_many(0, n)])


def _albu_maps(t, h, w, n):
    out = []
    for _ in range(n):
        prm = t.get_params_dependent_on_data({"shape": (h, w)}, {})
        out.append(np.stack([prm["map_x"], prm["map_y"]]))
    return np.stack(out)


def _image_diff(ours, theirs):
    d = np.abs(ours.astype(np.int32) - theirs.astype(np.int32))
    return int(d.max()), float(d.mean())


# --- fixed parameters: maps and images --------------------------------------------------------

@pytest.mark.parametrize("mode,k", [("camera", 0.4), ("camera", -0.3), ("fisheye", 0.25)])
def test_optical_distortion_fixed_k_matches_albumentations(mode, k):
    img = _photo()
    h, w = img.shape[:2]
    ours_map = _drawn_maps(augment.OpticalDistortion, h, w, 1, distort_limit=(k, k), mode=mode)[0]
    mx, my = (F.get_camera_matrix_distortion_maps if mode == "camera" else F.get_fisheye_distortion_maps)((h, w), k)
    np.testing.assert_allclose(ours_map[0] - 0.5, mx, atol=2e-3)
    np.testing.assert_allclose(ours_map[1] - 0.5, my, atol=2e-3)
    out = _compile(lambda: {"i": augment.OpticalDistortion(pp.Constant(img), distort_limit=(k, k), mode=mode,
                                                           p=1.0)}).run(0)["i"]
    ref = A.OpticalDistortion(distort_limit=(k, k), mode=mode, p=1.0)(image=img)["image"]
    mx_d, mean_d = _image_diff(out, ref)
    print(f"OpticalDistortion {mode} k={k}: max abs diff {mx_d}, mean {mean_d:.3f}")
    assert mean_d < 1.0 and mx_d <= 40


def test_grid_distortion_map_matches_albumentations_for_given_steps():
    h, w, n = 70, 93, 5
    rng = np.random.default_rng(0)
    for normalized in (True, False):
        sx, sy = list(1 + rng.uniform(-0.3, 0.3, n + 1)), list(1 + rng.uniform(-0.3, 0.3, n + 1))
        p = _compile(lambda: {"m": geometry.GridDistortionMap(w, h, np.array(sx), np.array(sy),
                                                              normalized=normalized)})
        ours = p.run(0)["m"]
        ax, ay = list(sx), list(sy)
        if normalized:
            q = F.normalize_grid_distortion_steps((h, w), n, ax, ay)
            ax, ay = q["steps_x"], q["steps_y"]
        mx, my = F.generate_grid((h, w), ax, ay, n)
        np.testing.assert_allclose(ours[0] - 0.5, mx, atol=1e-3)
        np.testing.assert_allclose(ours[1] - 0.5, my, atol=1e-3)


def test_grid_distortion_fixed_limit_image_matches_albumentations():
    img = _photo("astronaut", (90, 90))
    out = _compile(lambda: {"i": augment.GridDistortion(pp.Constant(img), num_steps=4, distort_limit=(0.25, 0.25),
                                                        normalized=False, p=1.0)}).run(0)["i"]
    ref = A.GridDistortion(num_steps=4, distort_limit=(0.25, 0.25), normalized=False, p=1.0)(image=img)["image"]
    mx_d, mean_d = _image_diff(out, ref)
    print(f"GridDistortion: max abs diff {mx_d}, mean {mean_d:.3f}")
    assert mean_d < 1.0 and mx_d <= 40


def test_piecewise_affine_and_thin_plate_spline_maps_match_albumentations_for_given_points():
    h, w = 20, 26
    rng = np.random.default_rng(1)
    jitter = rng.normal(size=(4, 4, 2))
    std = 0.04 * min(w, h) / 3
    ours = _compile(lambda: {"m": geometry.PiecewiseAffineMap(w, h, 4, 4, jitter, std)}).run(0)["m"]

    class Fixed:
        def normal(self, mean, scale, size):
            return jitter * scale
    mx, my = F.create_piecewise_affine_maps((h, w), (4, 4), 0.04, False, Fixed())
    np.testing.assert_allclose(ours[0] - 0.5, mx, atol=2e-3)
    np.testing.assert_allclose(ours[1] - 0.5, my, atol=2e-3)

    src = F.generate_control_points(4)
    dst = src + rng.normal(0, 0.03, src.shape)
    ours = _compile(lambda: {"m": geometry.ThinPlateSplineMap(w, h, src, dst)}).run(0)["m"]
    wt, af = F.compute_tps_weights(src, dst)
    yy, xx = np.mgrid[:h, :w]
    pts = np.stack([xx.ravel(), yy.ravel()], 1).astype(np.float32)
    t = F.tps_transform(pts / [w, h], src, wt, af) * [w, h]
    # albumentations solves in f32 (LU); the map agrees within a few hundredths of a pixel
    np.testing.assert_allclose(ours[0] - 0.5, t[:, 0].reshape(h, w), atol=0.05)
    np.testing.assert_allclose(ours[1] - 0.5, t[:, 1].reshape(h, w), atol=0.05)


# --- annotations through the same maps --------------------------------------------------------

def _moved_annotations(maps, boxes, points, h, w):
    mx, my = maps[0], maps[1]
    p = _compile(lambda: {"b": geometry.RemapBoxes(boxes, mx, my, w, h), "p": geometry.RemapPoints(points, mx, my)})
    s = p.run(0)
    return s["b"], s["p"]


@pytest.mark.parametrize("kind", ["optical", "grid", "elastic"])
def test_boxes_and_keypoints_match_albumentations_on_the_same_map(kind):
    h, w = 64, 80
    if kind == "optical":
        maps = _drawn_maps(augment.OpticalDistortion, h, w, 1, distort_limit=(0.5, 0.5))[0]
    elif kind == "grid":
        maps = _drawn_maps(augment.GridDistortion, h, w, 1, distort_limit=0.3)[0]
    else:
        maps = _drawn_maps(augment.ElasticTransform, h, w, 1, alpha=60, sigma=8)[0]
    amx, amy = maps[0] - 0.5, maps[1] - 0.5
    rng = np.random.default_rng(2)
    boxes, points = [], []
    for _ in range(30):
        bw, bh = rng.integers(8, 24), rng.integers(8, 20)
        x1, y1 = rng.integers(8, w - bw - 8), rng.integers(8, h - bh - 8)
        boxes.append([x1, y1, x1 + bw, y1 + bh])
        points.append([rng.uniform(10, w - 10), rng.uniform(10, h - 10)])
    boxes, points = np.array(boxes, np.float32), np.array(points, np.float32)
    ours_b, ours_p = _moved_annotations(maps, boxes, points, h, w)
    theirs_b = mask_to_bboxes(F.remap(bboxes_to_mask(boxes, (h, w)), amx, amy, cv2.INTER_NEAREST, cv2.BORDER_CONSTANT, 0),
                              boxes).astype(np.float64)
    # albumentations' boxes are inclusive pixel indices (x2 = last pixel), ours pixel edges
    box_err = np.abs(ours_b - theirs_b)
    print(f"{kind} boxes: max abs diff {box_err.max():.2f} px, mean {box_err.mean():.3f}")
    assert box_err.max() <= 1.5 and box_err.mean() <= 0.6
    # keypoints: albumentations' index coordinates are ours - 0.5; its default "mask" method returns the
    # first pixel of a moved radius-1 disk (integers), "direct" the inverse map at the truncated point
    # (the mask method drops a point whose moved disk vanishes: compared one point at a time)
    err_m = []
    for q, o in zip(points, ours_p):
        m = F.remap_keypoints_via_mask(q[None] - 0.5, amx, amy, (h, w))
        if len(m):
            err_m.append(np.linalg.norm(o - 0.5 - m[0, :2]))
    err_m = np.array(err_m)
    assert len(err_m) >= len(points) - 3
    theirs_d = F.remap_keypoints(points - 0.5, amx, amy, (h, w))
    err_d = np.linalg.norm(ours_p - 0.5 - theirs_d[:, :2], axis=1)
    print(f"{kind} keypoints: vs mask method max {err_m.max():.2f} mean {err_m.mean():.2f}; "
          f"vs direct max {err_d.max():.2f} mean {err_d.mean():.2f}")
    assert err_m.max() <= 2.5 and err_d.max() <= 2.0
    # and the moved points are where the map samples the original ones (our own inverse)
    for (x, y), (px, py) in zip(ours_p, points):
        i, j = int(y), int(x)
        assert np.hypot(maps[0][i, j] - px, maps[1][i, j] - py) <= 1.5


# --- parameter distributions (KS, 5000 draws) --------------------------------------------------

def _ks(ours, theirs, what):
    r = stats.ks_2samp(ours, theirs)
    print(f"{what}: KS statistic {r.statistic:.4f}, p = {r.pvalue:.3f}")
    assert r.pvalue > 0.01, what


def test_optical_distortion_k_distribution():
    h, w = 8, 10
    ours = _drawn_maps(augment.OpticalDistortion, h, w, N_KS)
    theirs = _albu_maps(A.OpticalDistortion(p=1.0), h, w, N_KS)
    _ks(ours[:, 0, 0, 0] - 0.5, theirs[:, 0, 0, 0], "OpticalDistortion camera map_x[0, 0]")
    ours = _drawn_maps(augment.OpticalDistortion, h, w, N_KS, distort_limit=0.3, mode="fisheye")
    theirs = _albu_maps(A.OpticalDistortion(distort_limit=0.3, mode="fisheye", p=1.0), h, w, N_KS)
    _ks(ours[:, 1, 0, 0] - 0.5, theirs[:, 1, 0, 0], "OpticalDistortion fisheye map_y[0, 0]")


def test_grid_distortion_steps_distribution():
    h, w = 12, 15
    ours = _drawn_maps(augment.GridDistortion, h, w, N_KS, num_steps=3)
    theirs = _albu_maps(A.GridDistortion(num_steps=3, p=1.0), h, w, N_KS)
    _ks(ours[:, 0, 5, 4] - 0.5, theirs[:, 0, 5, 4], "GridDistortion map_x[5, 4]")
    _ks(ours[:, 1, 7, 2] - 0.5, theirs[:, 1, 7, 2], "GridDistortion map_y[7, 2]")


def test_elastic_displacement_distribution():
    h, w = 16, 16
    kw = dict(alpha=30, sigma=3)
    ours = _drawn_maps(augment.ElasticTransform, h, w, N_KS, **kw)
    theirs = _albu_maps(A.ElasticTransform(p=1.0, **kw), h, w, N_KS)
    _ks(ours[:, 0, 8, 8] - 8.5, theirs[:, 0, 8, 8] - 8, "ElasticTransform dx[8, 8]")
    _ks(ours[:, 1, 3, 12] - 3.5, theirs[:, 1, 3, 12] - 3, "ElasticTransform dy[3, 12]")


def test_piecewise_affine_distribution():
    h, w = 10, 12
    ours = _drawn_maps(augment.PiecewiseAffine, h, w, N_KS, nb_rows=(3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = A.PiecewiseAffine(nb_rows=(3, 4), p=1.0)
    theirs = _albu_maps(t, h, w, N_KS)
    _ks(ours[:, 0, 4, 5] - 0.5, theirs[:, 0, 4, 5], "PiecewiseAffine map_x[4, 5]")


def test_thin_plate_spline_distribution():
    h, w = 10, 12
    ours = _drawn_maps(augment.ThinPlateSpline, h, w, N_KS)
    theirs = _albu_maps(A.ThinPlateSpline(p=1.0), h, w, N_KS)
    _ks(ours[:, 0, 3, 7] - 0.5, theirs[:, 0, 3, 7], "ThinPlateSpline map_x[3, 7]")
    _ks(ours[:, 1, 6, 2] - 0.5, theirs[:, 1, 6, 2], "ThinPlateSpline map_y[6, 2]")


# --- RandomGridShuffle ---------------------------------------------------------------------------

def _albu_tiles_and_mapping(table):
    """Our table as albumentations' (tiles [start_y, start_x, end_y, end_x], mapping)."""
    tiles = np.array([[r[1], r[0], r[1] + r[5], r[0] + r[4]] for r in table], np.int64)
    index = {(int(r[0]), int(r[1])): k for k, r in enumerate(tiles)}
    mapping = [index[(int(r[3]), int(r[2]))] for r in table]
    return tiles, mapping


def _tiles_from_ids(ids):
    """albumentations' (tiles, mapping) recovered from a shuffled image of pixel ids (i * W + j)."""
    h, w = ids.shape
    si, sj = ids // w, ids % w
    off = np.zeros((h, w, 2), np.int64)
    off[si, sj, 0], off[si, sj, 1] = np.mgrid[:h, :w][0] - si, np.mgrid[:h, :w][1] - sj
    rows = [0] + [r for r in range(1, h) if (off[r] != off[r - 1]).any()] + [h]
    cols = [0] + [c for c in range(1, w) if (off[:, c] != off[:, c - 1]).any()] + [w]
    tiles = np.array([[rows[a], cols[b], rows[a + 1], cols[b + 1]] for a in range(len(rows) - 1)
                      for b in range(len(cols) - 1)], np.int64)
    index = {(int(t[0]), int(t[1])): k for k, t in enumerate(tiles)}
    mapping = [index[(int(t[0] + off[t[0], t[1], 0]), int(t[1] + off[t[0], t[1], 1]))] for t in tiles]
    return tiles, mapping


def test_grid_shuffle_moves_pixels_points_and_boxes_like_albumentations():
    img = _photo("coffee", (91, 70))
    h, w = img.shape[:2]
    ids = np.arange(h * w, dtype=np.int32).reshape(h, w).astype(np.float32)
    pts = np.array([[5.5, 7.25], [60.0, 33.0], [88.9, 69.5], [45.5, 40.5]], np.float32)
    box = np.array([[10, 12, 40, 30]], np.float32)

    def build():
        r = resource.Resource(image=pp.Constant(img), ids=resource.Field(pp.Constant(ids), "image"), points=pts,
                              boxes=box)
        r = augment.RandomGridShuffle(r, grid=(3, 4), p=1.0)
        return {"image": r.image, "ids": r.ids, "points": r.points, "boxes": r.boxes}
    for s in _compile(build).run_many(0, 5):
        tiles, mapping = _tiles_from_ids(s["ids"].astype(np.int64))
        assert len(tiles) == 12 and sorted(mapping) == list(range(12))
        np.testing.assert_array_equal(s["image"], F.swap_tiles_on_image(img, tiles, mapping))
        np.testing.assert_allclose(s["points"], F.swap_tiles_on_keypoints(pts, tiles, mapping), atol=1e-4)
        comp = F.bboxes_grid_shuffle(box.astype(np.float64), tiles, mapping, (h, w), None, None)
        areas = (comp[:, 2] - comp[:, 0]) * (comp[:, 3] - comp[:, 1])
        assert any(np.allclose(s["boxes"][0], c, atol=1e-4) for c in comp[areas == areas.max()])


def test_grid_shuffle_tile_distribution():
    h, w, grid = 10, 11, (3, 3)

    def stat(tiles, mapping):
        # where source tile 0 goes, and the first row's height and column's width
        t = tiles[mapping[0]]
        return (int(t[0]), int(t[1]), int(tiles[0][2] - tiles[0][0]), int(tiles[0][3] - tiles[0][1]))

    p = _compile(lambda: {"t": augment.RandomGridShuffle.drawn(pp.Constant(np.zeros((h, w), np.uint8)), grid=grid)})
    ours = [stat(*_albu_tiles_and_mapping(s["t"])) for s in p.run_many(0, N_KS)]
    t = A.RandomGridShuffle(grid=grid, p=1.0)
    theirs = []
    for _ in range(N_KS):
        prm = t.get_params_dependent_on_data({"shape": (h, w)}, {})
        theirs.append(stat(prm["tiles"], prm["mapping"]))
    keys = sorted(set(ours) | set(theirs))
    table = np.array([[ours.count(k) for k in keys], [theirs.count(k) for k in keys]])
    r = stats.chi2_contingency(table)
    print(f"RandomGridShuffle tile 0 destination and sizes: chi2 {r.statistic:.1f}, p = {r.pvalue:.3f}")
    assert r.pvalue > 0.01


# --- co-transform ---------------------------------------------------------------------------------

CW, CH = 64, 48
COTRANSFORM = {
    "optical": lambda r: augment.OpticalDistortion(r, distort_limit=0.5, p=1.0),
    "optical_fisheye": lambda r: augment.OpticalDistortion(r, distort_limit=0.3, mode="fisheye", p=1.0),
    "grid": lambda r: augment.GridDistortion(r, p=1.0),
    "elastic": lambda r: augment.ElasticTransform(r, alpha=40, sigma=8, p=1.0),
    "piecewise": lambda r: augment.PiecewiseAffine(r, p=1.0),
    "tps": lambda r: augment.ThinPlateSpline(r, p=1.0),
    "grid_shuffle": lambda r: augment.RandomGridShuffle(r, grid=(2, 2), p=1.0),
}


def _iou(a, b):
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


@pytest.mark.parametrize("name", sorted(COTRANSFORM))
def test_cotransform(name):
    n = 40
    rng = np.random.default_rng(len(name))
    boxes, points = [], []
    for _ in range(n):
        bw, bh = rng.integers(8, 20), rng.integers(8, 16)
        x1, y1 = rng.integers(4, CW - bw - 4), rng.integers(4, CH - bh - 4)
        boxes.append(np.array([[x1, y1, x1 + bw, y1 + bh]], np.float32))
        points.append(np.array([[rng.uniform(8, CW - 8), rng.uniform(8, CH - 8)]], np.float32))

    def build():
        i = pp.SampleIndex()
        b, pt = pp.Constant(boxes)[i], pp.Constant(points)[i]
        img = pp.Constant(_photo("rocket", (CW, CH)))
        r = resource.Resource(image=img, mask=mask.RenderBoxes(b, CW, CH), boxes=b, points=pt,
                              dots=resource.Field(mask.RenderPoints(pt, CW, CH, radius=2.0), "mask"))
        r = COTRANSFORM[name](r)
        return {"mask": r.mask, "empty": mask.IsEmpty(r.mask), "boxes": r.boxes, "dots": r.dots,
                "points": r.points}

    ious, dists = [], []
    for s in _compile(build).run_many(0, n):
        if not s["empty"]:
            m = (s["mask"][..., 0] > 0).astype(np.uint8)
            if name == "grid_shuffle":
                # a box cut by a tile seam keeps its largest connected piece: compare with that piece
                # (pieces of equal area: any of them)
                count, labels, st, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
                areas = st[1:, cv2.CC_STAT_AREA]
                pieces = [labels == 1 + k for k in np.flatnonzero(areas == areas.max())]
            else:
                pieces = [m > 0]
            best = 0.0
            for piece in pieces:
                ys, xs = np.nonzero(piece)
                best = max(best, _iou((xs.min(), ys.min(), xs.max() + 1, ys.max() + 1), s["boxes"][0]))
            ious.append(best)
        d = s["dots"][..., 0] > 0
        pt = s["points"][0]
        if d.any() and 4 <= pt[0] <= CW - 4 and 4 <= pt[1] <= CH - 4:
            # the moved point lies on the moved mark: its distance to the nearest marked pixel's center
            # (a map that stretches the mark, as PiecewiseAffine's flat spots, makes a centroid meaningless)
            ys, xs = np.nonzero(d)
            dists.append(np.min(np.hypot(xs + 0.5 - pt[0], ys + 0.5 - pt[1])))
    print(f"{name}: mean IoU {np.mean(ious):.4f} over {len(ious)}, point vs nearest marked pixel max "
          f"{np.max(dists):.2f} px mean {np.mean(dists):.2f} over {len(dists)}")
    assert len(ious) >= n // 2 and np.mean(ious) >= 0.98
    assert len(dists) >= n // 2 and np.max(dists) <= 1.0


# --- arguments --------------------------------------------------------------------------------

def test_arguments_and_defaults():
    assert augment.OpticalDistortion(p=1.0).p == 1.0
    assert augment.GridDistortion().p == 0.5 and augment.RandomGridShuffle().p == 0.5
    with pytest.raises(ValueError, match="distort_limit"):
        augment.GridDistortion(distort_limit=(-2, 0.5))
    with pytest.raises(ValueError, match="sigma"):
        augment.ElasticTransform(sigma=0.5)
    # OpenCV's BORDER_REFLECT_101 is PixelPipes' "reflect_101" (test_distort_borders_annotations.py)
    assert augment.OpticalDistortion.configure(border_mode=cv2.BORDER_REFLECT_101)["border_mode"] == "reflect_101"
    with pytest.raises(ValueError, match="border_mode"):
        augment.OpticalDistortion(border_mode=cv2.BORDER_TRANSPARENT)
    with pytest.raises(ValueError, match="nb_rows"):
        augment.PiecewiseAffine(nb_rows=1)
    with pytest.raises(ValueError, match="grid"):
        augment.RandomGridShuffle(grid=(0, 3))
    with pytest.raises(ValueError, match="scale_range"):
        augment.ThinPlateSpline(scale_range=(0.5, 2))


def test_keypoints_visibility_helper():
    from pixelpipes.augment.distort import keypoints_visibility
    kp = np.array([[1, 1, 0.3, 2, 1], [-1, 5, 0, 1, 1], [5, 9.5, 0, 1, 1]], np.float32)
    out = _compile(lambda: {"k": keypoints_visibility(pp.Constant(kp), 10, 9)}).run(0)["k"]
    np.testing.assert_array_equal(out[:, 4], [1, 0, 0])
    np.testing.assert_array_equal(out[:, :4], kp[:, :4])


@pytest.mark.parametrize("dtype,channels", [(np.uint8, 3), (np.uint16, 1), (np.float32, 5), (np.uint8, 0)])
def test_move_tiles_copies_what_the_nearest_remap_samples(dtype, channels):
    """image.move_tiles (RandomGridShuffle's row copies) gives the pixels of image.remap with
    geometry.tile_moves_map and nearest interpolation, for random tables of a 3 x 4 grid."""
    from pixelpipes.ops import geometry as geo, image as im, random as rnd
    h, w = 37, 50
    img = (np.arange(h * w * max(channels, 1)) % 251).astype(dtype).reshape(h, w, max(channels, 1))[..., :channels]
    with pp.Graph() as g:
        table = geo.GridShuffleTiles(w, h, rnd.Uniform(0.0, 1.0, shape=[3 + 4 + 12]), rows=3, cols=4)
        maps = geo.TileMovesMap(table, w, h)
        x = pp.Constant(img)
        g.output("tiles", im.MoveTiles(x, table))
        if channels:
            g.output("remap", im.Remap(x, tensor.Reshape(tensor.Slice(maps, 0, 1), shape=[h, w]),
                                       tensor.Reshape(tensor.Slice(maps, 1, 2), shape=[h, w]),
                                       interpolation="nearest"))
    p = pp.compile(g, seed=2)
    for i in range(6):
        s = p.run(i)
        assert s["tiles"].shape == img.shape
        if channels:
            assert np.array_equal(s["tiles"], s["remap"])
