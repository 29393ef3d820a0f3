"""geometry.*: view matrices and annotations through compiled pipelines, against cv2 and NumPy
references, and the co-transform property of issue 4 (render a box or a point as a mask, warp it
with image.warp "nearest", compare mask.bounding_box with geometry.transform_boxes/points).

Coordinates are continuous: pixel (i, j) covers [j, j+1) x [i, i+1). Tolerances: 1e-4 relative
for f32 matrix math, exact for pixel-aligned cases, 1 pixel (similarity warps) or 1.15 pixels
(sheared and perspective warps, see tests/cpp/geometry_cotransform_test.cpp) for the
co-transform property.
"""
import zlib

import cv2
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes.ops import geometry, image, mask
from op_runner import varying

TOL = dict(rtol=1e-4, atol=1e-4)


def run(build, sample=0):
    with pp.Graph() as g:
        out = build()
        if isinstance(out, dict):
            for k, v in out.items():
                g.output(k, v)
        else:
            g.output("out", out)
    result = pp.compile(g, seed=0).run(sample)
    return result if isinstance(out, dict) else result["out"]


def apply(m, pts):
    pts = np.asarray(pts, np.float64).reshape(-1, 2)
    h = np.c_[pts, np.ones(len(pts))] @ np.asarray(m, np.float64).T
    return h[:, :2] / h[:, 2:]


# --- matrices ---------------------------------------------------------------------------------

@pytest.mark.parametrize("angle", [0.0, 30.0, -45.0, 90.0, 180.0, 270.0, 400.0, -123.4])
def test_rotate_matches_cv2_get_rotation_matrix(angle):
    got = run(lambda: geometry.Rotate(varying(angle), 3.5, -2.0))
    assert got.dtype == np.float32 and got.shape == (3, 3)
    ref = np.vstack([cv2.getRotationMatrix2D((3.5, -2.0), angle, 1.0), [0, 0, 1]])
    np.testing.assert_allclose(got, ref, **TOL)


def test_rotate_is_counterclockwise_on_screen_and_exact_for_quarter_turns():
    m = run(lambda: geometry.Rotate(varying(90.0), 0.0, 0.0))
    assert apply(m, [1, 0]).tolist() == [[0.0, -1.0]]  # right of the center goes up (y down)


def test_basic_matrices():
    np.testing.assert_array_equal(run(lambda: geometry.Identity()), np.eye(3, dtype=np.float32))
    np.testing.assert_allclose(run(lambda: geometry.Translate(varying(2.5), -3.0)),
                               [[1, 0, 2.5], [0, 1, -3], [0, 0, 1]])
    np.testing.assert_allclose(run(lambda: geometry.Scale(varying(2.0), 3.0, 1.0, 1.0)),
                               [[2, 0, -1], [0, 3, -2], [0, 0, 1]])
    np.testing.assert_allclose(run(lambda: geometry.Shear(varying(0.5), 0.25)),
                               [[1, 0.5, 0], [0.25, 1, 0], [0, 0, 1]])
    np.testing.assert_allclose(run(lambda: geometry.ResizeMatrix(varying(10), 4, 5, 12)),
                               [[0.5, 0, 0], [0, 3, 0], [0, 0, 1]])
    for axis, ref in [("horizontal", [[-1, 0, 7], [0, 1, 0]]), ("vertical", [[1, 0, 0], [0, -1, 5]]),
                      ("both", [[-1, 0, 7], [0, -1, 5]])]:
        np.testing.assert_allclose(run(lambda: geometry.FlipMatrix(varying(7), 5, axis=axis)), ref + [[0, 0, 1]])


def test_chain_applies_first_to_last():
    def build():
        t = geometry.Translate(varying(1.0), 0.0)
        s = geometry.Scale(2.0, 2.0, 0.0, 0.0)
        return {"ts": geometry.Chain(t, s), "st": geometry.Chain(s, t), "none": geometry.Chain()}
    out = run(build)
    np.testing.assert_allclose(apply(out["ts"], [1, 1]), [[4, 2]])  # translate, then scale
    np.testing.assert_allclose(apply(out["st"], [1, 1]), [[3, 2]])  # scale, then translate
    np.testing.assert_array_equal(out["none"], np.eye(3))


def test_invert_matches_numpy_and_rejects_singular():
    rng = np.random.default_rng(0)
    for _ in range(10):
        m = rng.uniform(-2, 2, (3, 3)).astype(np.float32)
        m[2] = [rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1), 1]
        if abs(np.linalg.det(m)) < 0.1:
            continue
        np.testing.assert_allclose(run(lambda: geometry.Invert(varying(m))), np.linalg.inv(m.astype(np.float64)),
                                   rtol=1e-4, atol=1e-4)
    singular = np.array([[1, 2, 3], [2, 4, 6], [0, 0, 1]], np.float32)
    with pytest.raises(pp.PixelpipesError, match="singular"):
        run(lambda: geometry.Invert(varying(singular)))


def test_center_and_focus_on_box():
    box = np.array([2, 1, 4, 3], np.float32)
    np.testing.assert_allclose(run(lambda: geometry.CenterOnBox(varying(box), 10, 8)),
                               [[1, 0, 2], [0, 1, 2], [0, 0, 1]])
    # a 4 x 2 box in a 10 x 10 canvas with a 25% margin: 4 * 1.5 = 6 fills the width
    f = run(lambda: geometry.FocusOnBox(varying(np.array([1, 1, 5, 3], np.float32)), 10, 10, 0.25))
    tl, br = apply(f, [[1, 1], [5, 3]])
    np.testing.assert_allclose([br[0] - tl[0], br[1] - tl[1]], [10 / 1.5, 5 / 1.5], **TOL)
    np.testing.assert_allclose((tl + br) / 2, [5, 5], **TOL)
    with pytest.raises(pp.PixelpipesError):
        run(lambda: geometry.FocusOnBox(varying(np.array([3, 3, 3, 3], np.float32)), 10, 10, 0.0))


# --- annotations ------------------------------------------------------------------------------

def _random_matrix(rng, perspective=True):
    m = np.array([[rng.uniform(0.5, 1.5), rng.uniform(-0.3, 0.3), rng.uniform(-5, 5)],
                  [rng.uniform(-0.3, 0.3), rng.uniform(0.5, 1.5), rng.uniform(-5, 5)],
                  [0, 0, 1]], np.float32)
    if perspective:
        m[2, :2] = rng.uniform(-1e-3, 1e-3, 2)
    return m


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.float64])
def test_transform_points_matches_cv2_perspective_transform(dtype):
    rng = np.random.default_rng(1)
    for _ in range(5):
        m = _random_matrix(rng)
        pts = rng.uniform(-20, 120, (7, 2)).astype(dtype)
        got = run(lambda: geometry.TransformPoints(varying(pts), m))
        assert got.dtype == np.float32 and got.shape == (7, 2)
        ref = cv2.perspectiveTransform(pts.astype(np.float64)[None], m.astype(np.float64))[0]
        np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-3)
        # polygons: the same, also in lists
        polys = run(lambda: geometry.TransformPolygon(varying([pts, pts[:3]]), m))
        np.testing.assert_array_equal(polys[0], got)
        np.testing.assert_array_equal(polys[1], got[:3])
    assert run(lambda: geometry.TransformPoints(varying(np.zeros((0, 2), np.float32)), np.eye(3))).shape == (0, 2)


def test_transform_boxes_is_the_box_of_the_moved_corners():
    rng = np.random.default_rng(2)
    boxes = np.array([[0, 0, 10, 5], [20, 30, 25, 60], [3, 3, 3, 3]], np.float32)
    for _ in range(5):
        m = _random_matrix(rng)
        out = run(lambda: {"boxes": geometry.TransformBoxes(varying(boxes), m),
                           "corners": geometry.BoxToPoints(varying(boxes))})
        corners = apply(m, out["corners"]).reshape(-1, 4, 2)
        ref = np.concatenate([corners.min(1), corners.max(1)], 1)
        np.testing.assert_allclose(out["boxes"], ref, rtol=1e-5, atol=1e-3)
    np.testing.assert_array_equal(run(lambda: geometry.BoxToPoints(varying(boxes[:1]))),
                                  [[0, 0], [10, 0], [10, 5], [0, 5]])
    one = run(lambda: geometry.TransformBoxes(varying(np.array([1, 2, 4, 3], np.float32)),
                                              geometry.Rotate(90.0, 0.0, 0.0)))
    assert one.shape == (4,) and one.tolist() == [2, -4, 3, -1]


def test_points_bounds():
    pts = np.array([[3, 1], [-2, 5], [4, 4]], np.float32)
    assert run(lambda: geometry.PointsBounds(varying(pts))).tolist() == [-2, 1, 4, 5]
    assert run(lambda: geometry.PointsBounds(varying(np.zeros((0, 2), np.float32)))).tolist() == [0, 0, 0, 0]


BOXES = np.array([[-5, -5, 5, 5],      # 25% visible
                  [2, 2, 8, 6],        # inside
                  [20, 20, 30, 30],    # outside
                  [9, 1, 19, 2],       # 10% visible
                  [3, 3, 3, 3],        # a point inside
                  [9, 4, 11, 7.5]],    # 50% visible
                 np.float32)


def _numpy_visible(boxes, w, h, min_visible, min_size):
    c = np.clip(boxes, 0, [w, h, w, h])
    area = np.clip(boxes[:, 2] - boxes[:, 0], 0, None) * np.clip(boxes[:, 3] - boxes[:, 1], 0, None)
    cw, ch = c[:, 2] - c[:, 0], c[:, 3] - c[:, 1]
    carea = np.clip(cw, 0, None) * np.clip(ch, 0, None)
    frac = np.where(area > 0, carea / np.where(area > 0, area, 1), np.all(c == boxes, 1).astype(float))
    return (frac >= min_visible) & (cw >= min_size) & (ch >= min_size), c


@pytest.mark.parametrize("min_visible,min_size", [(0.25, 0.0), (0.5, 0.0), (0.0, 0.0), (0.25, 2.0), (1.0, 0.0)])
def test_clip_filter_and_visible_boxes(min_visible, min_size):
    keep, clipped = _numpy_visible(BOXES, 10, 8, min_visible, min_size)
    out = run(lambda: {
        "clip": geometry.ClipBoxes(varying(BOXES), 10, 8),
        "filter": geometry.FilterBoxes(varying(BOXES), 10, 8, min_visible=min_visible, min_size=min_size),
        "mask": geometry.VisibleBoxes(varying(BOXES), 10, 8, min_visible=min_visible, min_size=min_size),
        "idx": geometry.VisibleBoxes(varying(BOXES), 10, 8, min_visible=min_visible, min_size=min_size,
                                     output="indices"),
    })
    np.testing.assert_array_equal(out["clip"], clipped)
    np.testing.assert_array_equal(out["filter"], clipped[keep].reshape(-1, 4))
    assert out["mask"].dtype == np.bool_
    np.testing.assert_array_equal(out["mask"], keep)
    assert out["idx"].dtype == np.int64
    np.testing.assert_array_equal(out["idx"], np.flatnonzero(keep))


def test_visible_boxes_filters_labels_alongside():
    labels = ["a", "b", "c", "d", "e", "f"]
    out = run(lambda: pp.ops.list.Filter(pp.Constant(labels), geometry.VisibleBoxes(varying(BOXES), 10, 8)))
    assert out == ["a", "b", "e", "f"]


def test_type_errors_at_compile_time():
    with pytest.raises(pp.PixelpipesError):
        run(lambda: geometry.TransformPoints(varying(np.zeros((3, 3), np.float32)), np.eye(3)))
    with pytest.raises(pp.PixelpipesError):
        run(lambda: geometry.TransformBoxes(varying(np.zeros((3, 4), np.float32)), np.eye(2)))


# --- co-transform -----------------------------------------------------------------------------

CANVASES = [(61, 47), (33, 71), (45, 29)]


def _random_view(rng, w, h, kind):
    """A view of the canvas onto itself about its center (NumPy, float64)."""
    c = np.array([[1, 0, -w / 2], [0, 1, -h / 2], [0, 0, 1]])
    general = kind != "similarity"
    sh = np.array([[1, rng.uniform(-0.08, 0.08), 0], [rng.uniform(-0.08, 0.08), 1, 0], [0, 0, 1]]) if general else np.eye(3)
    s = rng.uniform(0.8, 1.4)
    sc = np.diag([s * (rng.uniform(0.9, 1.1) if general else 1.0), s, 1])
    a = np.deg2rad(rng.uniform(-180, 180))
    rot = np.array([[np.cos(a), np.sin(a), 0], [-np.sin(a), np.cos(a), 0], [0, 0, 1]])
    p = np.eye(3)
    if kind == "perspective":
        lim = 0.12 / max(w, h)
        p[2, :2] = rng.uniform(-lim, lim, 2)
    back = np.array([[1, 0, w / 2 + rng.uniform(-4, 4)], [0, 1, h / 2 + rng.uniform(-4, 4)], [0, 0, 1]])
    return (back @ p @ rot @ sc @ sh @ c).astype(np.float32)


@pytest.mark.parametrize("kind,tolerance", [("similarity", 1.0), ("affine", 1.15), ("perspective", 1.15)])
@pytest.mark.parametrize("w,h", CANVASES)
def test_cotransform_boxes_through_a_pipeline(kind, tolerance, w, h):
    # A fixed seed per case: hash() of a str changes with PYTHONHASHSEED, so it made this test
    # draw different matrices in every process.
    rng = np.random.default_rng(zlib.crc32(f"{kind}-{w}-{h}".encode()))
    n = 60
    mats = [_random_view(rng, w, h, kind) for _ in range(n)]
    boxes = []
    for _ in range(n):
        bw, bh = rng.uniform(4, 20, 2)
        x1, y1 = rng.uniform(2, w - bw - 2), rng.uniform(2, h - bh - 2)
        boxes.append(np.array([x1, y1, x1 + bw, y1 + bh], np.float32))
    with pp.Graph() as g:
        i = pp.SampleIndex()
        m = pp.Constant(mats)[i]
        rendered = mask.RenderBoxes(pp.Constant(boxes)[i], w, h)
        covered = mask.BoundingBox(rendered)
        warped = image.Warp(rendered, m, w, h, interpolation="nearest")
        g.output("got", mask.BoundingBox(warped))
        g.output("expected", geometry.TransformBoxes(covered, m))
        g.output("covered", covered)
        g.output("empty", mask.IsEmpty(warped))
    pipe = pp.compile(g, seed=0)
    checked = 0
    for k, s in enumerate(pipe.run_many(0, n)):
        # NumPy reference of the box transform itself
        corners = apply(mats[k], [[s["covered"][0], s["covered"][1]], [s["covered"][2], s["covered"][1]],
                                  [s["covered"][2], s["covered"][3]], [s["covered"][0], s["covered"][3]]])
        np.testing.assert_allclose(s["expected"], np.r_[corners.min(0), corners.max(0)], rtol=1e-5, atol=1e-3)
        e = s["expected"]
        if e[0] < 0 or e[1] < 0 or e[2] > w or e[3] > h:
            continue  # partly outside: the visible part's box is smaller than the clipped box
        assert not s["empty"]
        np.testing.assert_allclose(s["got"], e, atol=tolerance, err_msg=f"sample {k}")
        checked += 1
    assert checked > n // 3


@pytest.mark.parametrize("kind", ["similarity", "affine", "perspective"])
def test_cotransform_points_through_a_pipeline(kind):
    rng = np.random.default_rng(7)
    w, h = 61, 47
    n = 60
    mats = [_random_view(rng, w, h, kind) for _ in range(n)]
    pts = [np.array([[rng.uniform(3, w - 3), rng.uniform(3, h - 3)]], np.float32) for _ in range(n)]
    with pp.Graph() as g:
        i = pp.SampleIndex()
        m = pp.Constant(mats)[i]
        p = pp.Constant(pts)[i]
        rendered = mask.RenderPoints(p, w, h, radius=2.0)
        g.output("got", mask.BoundingBox(image.Warp(rendered, m, w, h, interpolation="nearest")))
        g.output("expected", geometry.TransformPoints(p, m))
    checked = 0
    for k, s in enumerate(pp.compile(g, seed=0).run_many(0, n)):
        e = s["expected"][0]
        np.testing.assert_allclose(e, apply(mats[k], pts[k])[0], rtol=1e-5, atol=1e-3)
        if not (4 <= e[0] <= w - 4 and 4 <= e[1] <= h - 4):
            continue
        got = s["got"]
        np.testing.assert_allclose([(got[0] + got[2]) / 2, (got[1] + got[3]) / 2], e, atol=1.0, err_msg=f"sample {k}")
        checked += 1
    assert checked > n // 2


@pytest.mark.parametrize("axis", ["horizontal", "vertical", "both"])
@pytest.mark.parametrize("w,h", [(1, 1), (1, 9), (7, 1), (61, 47)])
def test_cotransform_flip_is_exact(axis, w, h):
    box = np.array([0.3 * w, 0.2 * h, 0.7 * w + 0.5, 0.9 * h], np.float32)
    out = run(lambda: {
        "got": mask.BoundingBox(image.Flip(mask.RenderBoxes(varying(box), w, h), axis=axis)),
        "expected": geometry.TransformBoxes(mask.BoundingBox(mask.RenderBoxes(varying(box), w, h)),
                                            geometry.FlipMatrix(w, h, axis=axis)),
    })
    np.testing.assert_array_equal(out["got"], out["expected"])


def test_cotransform_resize_with_resize_matrix():
    # nearest resize by integer factors moves a pixel-aligned box exactly
    box = np.array([3, 2, 9, 7], np.float32)
    out = run(lambda: {
        "got": mask.BoundingBox(image.Resize(mask.RenderBoxes(varying(box), 13, 9), 39, 18, interpolation="nearest")),
        "expected": geometry.TransformBoxes(box, geometry.ResizeMatrix(13, 9, 39, 18)),
    })
    np.testing.assert_array_equal(out["got"], out["expected"])
