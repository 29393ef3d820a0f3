"""GridElasticDeform (augment/distort.py) against albumentations 2.0.8.

Checked: the mesh op gives albumentations' generated_mesh for the same splits and displacements;
with the mesh our pipeline drew, the image (a real photo), the mask, the boxes and the keypoints
match what albumentations' own apply / apply_to_mask / bbox_distort_image /
distort_image_keypoints make of that mesh; the displacement and split distributions match
albumentations' draws (KS and chi-square over 5000 draws); co-transform (moved mask vs moved box,
marked pixel vs moved point).
"""
import os

import cv2
import numpy as np
import pytest
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment, resource
from pixelpipes.ops import geometry, image, mask

A = pytest.importorskip("albumentations")
F = pytest.importorskip("albumentations.augmentations.geometric.functional")

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "photos")
N_KS = 5000


def _photo(name="astronaut", size=(96, 80)):
    img = cv2.cvtColor(cv2.imread(os.path.join(PHOTOS, name + ".jpg")), cv2.COLOR_BGR2RGB)
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA)


def _compile(build, seed=5):
    with pp.Graph() as g:
        for k, v in build().items():
            g.output(k, v)
    return pp.compile(g, seed=seed)


def _albu_mesh(t, h, w):
    return t.get_params_dependent_on_data({"shape": (h, w)}, {})["generated_mesh"]


def _splits_and_moves(mesh, n):
    """(keys, displacements) that make geometry.grid_elastic_mesh draw albumentations' mesh of an
    n x n grid: keys whose sorted order puts the interval sides where albumentations' shuffle did."""
    cells = mesh.reshape(n, n, 12)
    ys = np.append(cells[:, 0, 1], cells[-1, 0, 3])
    xs = np.append(cells[0, :, 0], cells[0, -1, 2])
    keys = []
    for edges in (ys, xs):
        sides = np.diff(edges).astype(int)
        total = int(edges[-1])
        base = [total // n + (1 if t < total % n else 0) for t in range(n)]
        k, used = np.zeros(n), set()
        for i, s in enumerate(sides):
            t = next(t for t in range(n) if base[t] == s and t not in used)
            used.add(t)
            k[t] = i
        keys.append(k)
    moves = cells[1:, 1:, 4:6] - np.stack(np.meshgrid(xs[1:-1], ys[1:-1]), -1)
    return np.concatenate(keys), moves


@pytest.mark.parametrize("n,h,w", [(4, 70, 93), (3, 50, 50), (5, 64, 81)])
def test_mesh_matches_albumentations_for_the_same_splits_and_displacements(n, h, w):
    t = A.GridElasticDeform(num_grid_xy=(n, n), magnitude=6, p=1.0)
    t.set_random_seed(n)
    for _ in range(5):
        theirs = _albu_mesh(t, h, w)
        keys, moves = _splits_and_moves(theirs, n)
        ours = _compile(lambda: {"m": geometry.GridElasticMesh(w, h, keys, moves, rows=n, cols=n)}).run(0)["m"]
        np.testing.assert_array_equal(ours, theirs.astype(np.float32))


def _run_with_mesh(n, magnitude, img, seg, boxes, points, seed):
    """Samples of the augmentation on a resource, each with the mesh it drew: the mesh comes from a
    pipeline of its own holding only the augmentation's draw (a macro's stream is keyed by its
    structure and its rank among identical macros, so both draw the same mesh)."""
    kw = dict(num_grid_xy=(n, n), magnitude=magnitude)

    def build():
        r = resource.Resource(image=pp.Constant(img), mask=pp.Constant(seg), boxes=boxes, points=points)
        r = augment.GridElasticDeform(r, **kw)
        return {"image": r.image, "mask": r.mask, "boxes": r.boxes, "points": r.points}
    samples = _compile(build, seed).run_many(0, 4)
    meshes = _compile(lambda: {"mesh": augment.GridElasticDeform.drawn(pp.Constant(img), **kw)}, seed).run_many(0, 4)
    return [{**s, **m} for s, m in zip(samples, meshes)]


@pytest.mark.parametrize("n,magnitude", [(4, 5), (3, 10)])
def test_image_mask_boxes_keypoints_match_albumentations_on_the_drawn_mesh(n, magnitude):
    img = _photo()
    h, w = img.shape[:2]
    seg = (np.arange(h * w).reshape(h, w) % 7).astype(np.uint8)
    rng = np.random.default_rng(n)
    boxes, points = [], []
    for _ in range(20):
        bw, bh = rng.integers(6, 30), rng.integers(6, 24)
        x1, y1 = rng.integers(0, w - bw), rng.integers(0, h - bh)
        boxes.append([x1, y1, x1 + bw, y1 + bh])
        points.append([rng.uniform(0, w), rng.uniform(0, h)])
    boxes, points = np.array(boxes, np.float32), np.array(points, np.float32)
    t = A.GridElasticDeform(num_grid_xy=(n, n), magnitude=magnitude, p=1.0)
    diffs = []
    for s in _run_with_mesh(n, magnitude, img, seg, boxes, points, seed=n):
        mesh = s["mesh"]
        # the drawn mesh is the one that moved the fields: its perspective maps agree with them
        ref = t.apply(img, generated_mesh=mesh)
        d = np.abs(s["image"].astype(np.int32) - ref.astype(np.int32))
        diffs.append((int(d.max()), float(d.mean())))
        # nearest: a source coordinate exactly halfway between pixels rounds half-to-even in
        # warpPerspective, up in remap (a few pixels in thousands)
        mask_mismatch = np.mean(s["mask"] != t.apply_to_mask(seg, generated_mesh=mesh))
        theirs_b = F.bbox_distort_image(boxes.astype(np.float64), mesh, (h, w))
        box_err = np.abs(s["boxes"] - theirs_b)
        diffs[-1] += (mask_mismatch, box_err.max(), box_err.mean())
        assert mask_mismatch < 2e-3 and box_err.max() <= 1.0 and box_err.mean() < 0.05
        # albumentations' keypoints are pixel indices (ours - 0.5) clipped to [0, W - 1]
        kp = np.concatenate([points - 0.5, np.zeros((len(points), 2))], 1)
        theirs_p = F.distort_image_keypoints(kp, mesh, (h, w))[:, :2]
        inside = (points[:, 0] >= 0.5) & (points[:, 1] >= 0.5)  # albumentations leaves the rest unmoved
        np.testing.assert_allclose(s["points"][inside] - 0.5, theirs_p[inside], atol=1e-3)
        np.testing.assert_allclose(np.clip(s["points"][:, 0] - 0.5, 0, w - 1), theirs_p[:, 0], atol=0.51)
    print(f"GridElasticDeform {n}x{n}, magnitude {magnitude}: image max abs diff "
          f"{max(d[0] for d in diffs)}, mean {np.mean([d[1] for d in diffs]):.4f}; mask pixels differing "
          f"{max(d[2] for d in diffs):.4%}; boxes max diff {max(d[3] for d in diffs):.1f} px, mean "
          f"{np.mean([d[4] for d in diffs]):.4f}")
    # the same maps up to OpenCV's 1/32-pixel rounding of warpPerspective's and remap's coordinates
    assert max(d[1] for d in diffs) < 0.05 and max(d[0] for d in diffs) <= 8


def test_displacement_and_split_distributions_match_albumentations():
    n, h, w, m = 3, 31, 32, 4

    def stats_of(mesh):
        # the inner vertex (1, 1): its move; the first row's height and the first column's width
        cells = mesh.reshape(n, n, 12)
        return cells[1, 1, 4] - cells[1, 1, 0], cells[1, 1, 5] - cells[1, 1, 1], cells[0, 0, 3], cells[0, 0, 2]
    p = _compile(lambda: {"m": augment.GridElasticDeform.drawn(pp.Constant(np.zeros((h, w), np.uint8)),
                                                                 num_grid_xy=(n, n), magnitude=m)})
    ours = np.array([stats_of(s["m"]) for s in p.run_many(0, N_KS)])
    t = A.GridElasticDeform(num_grid_xy=(n, n), magnitude=m, p=1.0)
    t.set_random_seed(11)  # a fixed reference sample: the test's outcome does not vary between runs
    theirs = np.array([stats_of(_albu_mesh(t, h, w)) for _ in range(N_KS)])
    for col, what in enumerate(("dx", "dy")):
        r = stats.ks_2samp(ours[:, col], theirs[:, col])
        print(f"GridElasticDeform {what} of an inner vertex: KS {r.statistic:.4f}, p = {r.pvalue:.3f}")
        assert r.pvalue > 0.01
        assert set(np.unique(ours[:, col])) == set(range(-m, m + 1))
    for col, what in ((2, "first row height"), (3, "first column width")):
        keys = sorted(set(ours[:, col]) | set(theirs[:, col]))
        table = np.array([[np.sum(ours[:, col] == k) for k in keys], [np.sum(theirs[:, col] == k) for k in keys]])
        r = stats.chi2_contingency(table)
        print(f"GridElasticDeform {what}: chi2 {r.statistic:.2f}, p = {r.pvalue:.3f}")
        assert r.pvalue > 0.01


def _iou(a, b):
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def test_cotransform():
    cw, ch, n = 96, 72, 60
    rng = np.random.default_rng(7)
    boxes, points = [], []
    for _ in range(n):
        bw, bh = rng.integers(8, 20), rng.integers(8, 16)
        x1, y1 = rng.integers(2, cw - bw - 2), rng.integers(2, ch - bh - 2)
        boxes.append(np.array([[x1, y1, x1 + bw, y1 + bh]], np.float32))
        points.append(np.array([[rng.uniform(4, cw - 4), rng.uniform(4, ch - 4)]], np.float32))

    def build():
        i = pp.SampleIndex()
        b, pt = pp.Constant(boxes)[i], pp.Constant(points)[i]
        r = resource.Resource(image=pp.Constant(_photo("rocket", (cw, ch))), mask=mask.RenderBoxes(b, cw, ch),
                              boxes=b, points=pt, dots=resource.Field(mask.RenderPoints(pt, cw, ch, radius=2.0),
                                                                       "mask"))
        r = augment.GridElasticDeform(r, num_grid_xy=(3, 3), magnitude=5)
        return {"mask": r.mask, "boxes": r.boxes, "dots": r.dots, "points": r.points}

    ious, dists = [], []
    for s in _compile(build).run_many(0, n):
        ys, xs = np.nonzero(s["mask"][..., 0])
        ious.append(_iou((xs.min(), ys.min(), xs.max() + 1, ys.max() + 1), s["boxes"][0]))
        ys, xs = np.nonzero(s["dots"][..., 0])
        pt = s["points"][0]
        if len(xs):  # a squeezed cell can lose a small dot (as in albumentations)
            dists.append(np.min(np.hypot(xs + 0.5 - pt[0], ys + 0.5 - pt[1])))
    print(f"GridElasticDeform co-transform: mean IoU {np.mean(ious):.4f}, point vs nearest marked pixel max "
          f"{np.max(dists):.2f} px")
    assert np.mean(ious) >= 0.98 and min(ious) > 0.9
    assert len(dists) >= n - 3 and np.max(dists) <= 1.0


def test_p_skips_and_is_deterministic():
    img = _photo("coffee", (40, 30))
    p = _compile(lambda: {"i": augment.GridElasticDeform(pp.Constant(img), num_grid_xy=(2, 2), magnitude=3,
                                                         p=0.5)})
    a = [s["i"] for s in p.run_many(0, 40)]
    b = [s["i"] for s in p.run_many(0, 40)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    same = sum(np.array_equal(x, img) for x in a)
    assert 5 <= same <= 35


def test_arguments():
    assert augment.GridElasticDeform(num_grid_xy=(4, 4), magnitude=10).p == 1.0
    assert augment.GridElasticDeform.references == {"albumentations": "GridElasticDeform"}
    with pytest.raises(ValueError, match="num_grid_xy"):
        augment.GridElasticDeform(num_grid_xy=(0, 3), magnitude=10)
    with pytest.raises(ValueError, match="magnitude"):
        augment.GridElasticDeform(num_grid_xy=(4, 4), magnitude=0)
    with pytest.raises(ValueError, match="interpolation"):
        augment.GridElasticDeform(num_grid_xy=(4, 4), magnitude=2, interpolation=9)
    with pytest.raises(TypeError):
        augment.GridElasticDeform()  # num_grid_xy and magnitude are required


def test_non_square_grid_and_one_cell_grids():
    img = _photo("camera", (60, 40))
    for grid in ((3, 2), (1, 4), (1, 1)):
        out = _compile(lambda: {"m": augment.GridElasticDeform.drawn(pp.Constant(img), num_grid_xy=grid,
                                                                     magnitude=3),
                                "i": augment.GridElasticDeform(pp.Constant(img), num_grid_xy=grid,
                                                               magnitude=3)}).run(0)
        mesh = out["m"]
        assert mesh.shape == (grid[0] * grid[1], 12)
        # num_grid_xy = (cells along x, cells along y): as many distinct x1 as cells along x
        assert len(np.unique(mesh[:, 0])) == grid[0] and len(np.unique(mesh[:, 1])) == grid[1]
        # a coherent grid covers every pixel (nothing left black that is not black in the photo)
        assert out["i"].shape == img.shape
        if grid == (1, 1):
            np.testing.assert_array_equal(out["i"], img)
