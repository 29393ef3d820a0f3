"""mask.*: rendering (pixel-center sampling) against NumPy and cv2 references, measures against
cv2 (moments, connected components, distance transform) and morphology against
cv2.morphologyEx, through compiled pipelines, on u8, u16 and f32, with 1 x 1, 1 x N, odd and
non-square sizes. Morphology has no border attribute: pixels beyond the border never erode nor
dilate (cv2's default), which is what the reference uses. Tolerances: exact, except moments
(1e-9 relative, f64 sums) and cv2.fillPoly (compared only away from polygon edges).
"""
import cv2
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes.ops import mask
from op_runner import varying

SIZES = [(1, 1), (1, 9), (7, 1), (13, 8), (31, 40)]  # (height, width)


def run(build):
    with pp.Graph() as g:
        g.output("out", build())
    return pp.compile(g, seed=0).run(0)["out"]


def random_mask(rng, h, w, dtype, density=0.5, rank=3):
    m = np.where(rng.random((h, w)) < density, rng.integers(1, 200, (h, w)), 0).astype(dtype)
    return m[..., None] if rank == 3 else m


def centers(h, w):
    y, x = np.mgrid[0:h, 0:w]
    return x + 0.5, y + 0.5


# --- rendering ------------------------------------------------------------------------------

@pytest.mark.parametrize("h,w", SIZES)
def test_render_boxes_matches_center_sampling(h, w):
    rng = np.random.default_rng(h * 100 + w)
    boxes = np.sort(rng.uniform(-2, max(h, w) + 2, (5, 4)).reshape(5, 2, 2), axis=1).reshape(5, 4)
    boxes = boxes[:, [0, 2, 1, 3]].astype(np.float32)  # x1 y1 x2 y2 with x1 <= x2, y1 <= y2
    got = run(lambda: mask.RenderBoxes(varying(boxes), w, h, value=9))
    assert got.dtype == np.uint8 and got.shape == (h, w, 1)
    cx, cy = centers(h, w)
    ref = np.zeros((h, w), bool)
    for x1, y1, x2, y2 in boxes:
        ref |= (cx >= x1) & (cx < x2) & (cy >= y1) & (cy < y2)
    np.testing.assert_array_equal(got[..., 0], np.where(ref, 9, 0))


def test_render_boxes_integer_box_is_exact_and_sizes_checked():
    got = run(lambda: mask.RenderBoxes(varying(np.array([1, 2, 4, 3], np.float32)), 6, 5))
    ref = np.zeros((5, 6), np.uint8)
    ref[2:3, 1:4] = 255
    np.testing.assert_array_equal(got[..., 0], ref)
    with pytest.raises(pp.PixelpipesError):
        run(lambda: mask.RenderBoxes(np.zeros(4, np.float32), varying(-1), 3))


def _even_odd(poly, h, w):
    cx, cy = centers(h, w)
    inside = np.zeros((h, w), bool)
    near = np.full((h, w), np.inf)
    n = len(poly)
    for a in range(n):
        (px, py), (qx, qy) = poly[a], poly[(a + 1) % n]
        crosses = (py <= cy) != (qy <= cy)
        with np.errstate(divide="ignore", invalid="ignore"):
            xs = px + (cy - py) * (qx - px) / (qy - py)
        inside ^= crosses & (cx < xs)
        # distance to the segment, to skip centers that lie on an edge
        d = np.array([qx - px, qy - py])
        t = np.clip(((cx - px) * d[0] + (cy - py) * d[1]) / max(d @ d, 1e-12), 0, 1)
        near = np.minimum(near, np.hypot(cx - px - t * d[0], cy - py - t * d[1]))
    return inside, near


@pytest.mark.parametrize("h,w", [(13, 8), (31, 40), (1, 9), (7, 1)])
def test_render_polygons_matches_even_odd_center_sampling(h, w):
    rng = np.random.default_rng(h + w)
    for n in range(3, 9):
        poly = rng.uniform(-3, [w + 3, h + 3], (n, 2)).astype(np.float32)
        got = run(lambda: mask.RenderPolygons(varying([poly]), w, h))[..., 0]
        inside, near = _even_odd(poly.astype(np.float64), h, w)
        far = near > 1e-3
        np.testing.assert_array_equal(got[far] != 0, inside[far])


def test_render_polygons_agrees_with_cv2_fill_poly_away_from_edges():
    # cv2.fillPoly puts pixel centers at integers (shift by -0.5) and also paints pixels that the
    # outline touches; away from the edges both must agree.
    rng = np.random.default_rng(5)
    h, w = 37, 51
    for _ in range(10):
        c = rng.uniform([10, 10], [w - 10, h - 10])
        ang = np.sort(rng.uniform(0, 2 * np.pi, 7))
        r = rng.uniform(4, 9, 7)
        poly = (c + np.c_[np.cos(ang) * r, np.sin(ang) * r]).astype(np.float32)  # star-shaped, simple
        got = run(lambda: mask.RenderPolygons(varying(poly), w, h))[..., 0]
        ref = np.zeros((h, w), np.uint8)
        cv2.fillPoly(ref, [np.round((poly - 0.5) * 256).astype(np.int32)], 255, lineType=cv2.LINE_8, shift=8)
        _, near = _even_odd(poly.astype(np.float64), h, w)
        far = near > 1.0
        np.testing.assert_array_equal(got[far], ref[far])


def test_render_polygons_unites_a_list_and_matches_render_boxes():
    rect = np.array([[1, 1], [4, 1], [4, 3], [1, 3]], np.float32)
    a = run(lambda: mask.RenderPolygons(varying(rect), 7, 5))
    b = run(lambda: mask.RenderBoxes(varying(np.array([1, 1, 4, 3], np.float32)), 7, 5))
    np.testing.assert_array_equal(a, b)
    two = run(lambda: mask.RenderPolygons(varying([rect, rect + 2]), 7, 5))[..., 0]
    ref = np.zeros((5, 7), np.uint8)
    ref[1:3, 1:4] = 255
    ref[3:5, 3:6] = 255
    np.testing.assert_array_equal(two, ref)


@pytest.mark.parametrize("radius", [0.0, 1.0, 1.5, 3.2])
@pytest.mark.parametrize("h,w", [(1, 1), (1, 9), (13, 8), (31, 40)])
def test_render_points_matches_numpy(radius, h, w):
    rng = np.random.default_rng(int(radius * 10) + h)
    pts = rng.uniform(-1, [w + 1, h + 1], (4, 2)).astype(np.float32)
    got = run(lambda: mask.RenderPoints(varying(pts), w, h, radius=radius))[..., 0]
    cx, cy = centers(h, w)
    ref = np.zeros((h, w), bool)
    for x, y in pts.astype(np.float64):
        ref |= (cx - x) ** 2 + (cy - y) ** 2 <= radius ** 2
        if 0 <= x < w and 0 <= y < h:
            ref[int(y), int(x)] = True
    np.testing.assert_array_equal(got != 0, ref)


# --- measures ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("h,w", SIZES)
def test_bounding_box_and_is_empty(dtype, h, w):
    rng = np.random.default_rng(3)
    for rank in (2, 3):
        for density in (0.0, 0.05, 0.5):
            m = random_mask(rng, h, w, dtype, density, rank)
            got = run(lambda: mask.BoundingBox(varying(m)))
            empty = run(lambda: mask.IsEmpty(varying(m)))
            ys, xs = np.nonzero(m.reshape(h, w))
            assert bool(empty) == (len(xs) == 0)
            ref = [0, 0, 0, 0] if len(xs) == 0 else [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]
            assert got.dtype == np.float32
            np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("h,w", SIZES)
def test_moments_match_cv2_with_centers_at_half_pixels(dtype, h, w):
    rng = np.random.default_rng(4)
    m = random_mask(rng, h, w, dtype, 0.4, rank=2)
    for binary in (True, False):
        got = run(lambda: mask.Moments(varying(m), binary=binary))
        assert got.dtype == np.float64 and got.shape == (10,)
        # direct definition: pixel (i, j) is a point mass at (j + 0.5, i + 0.5)
        wgt = (m != 0).astype(np.float64) if binary else m.astype(np.float64)
        x, y = centers(h, w)
        ref = [np.sum(wgt * x ** p * y ** q) for p, q in
               [(0, 0), (1, 0), (0, 1), (2, 0), (1, 1), (0, 2), (3, 0), (2, 1), (1, 2), (0, 3)]]
        np.testing.assert_allclose(got, ref, rtol=1e-9)
        # and cv2.moments (centers at integers): m00 equal, centroid shifted by 0.5
        c = cv2.moments(m, binary)
        np.testing.assert_allclose(got[0], c["m00"], rtol=1e-9)
        if c["m00"]:
            np.testing.assert_allclose(got[1] / got[0], c["m10"] / c["m00"] + 0.5, rtol=1e-9)


@pytest.mark.parametrize("connectivity", [4, 8])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("h,w", SIZES)
def test_connected_components_match_cv2_in_raster_order(connectivity, dtype, h, w):
    rng = np.random.default_rng(h * w)
    m = random_mask(rng, h, w, dtype, 0.45)
    got = run(lambda: mask.ConnectedComponents(varying(m), connectivity=connectivity))
    assert got.dtype == np.int32 and got.shape == m.shape
    n, ref = cv2.connectedComponents((m[..., 0] != 0).astype(np.uint8), connectivity=connectivity, ltype=cv2.CV_32S)
    # same partition; labels numbered by first appearance in raster order
    order = {}
    for label in ref.ravel():
        if label and label not in order:
            order[label] = len(order) + 1
    expected = np.vectorize(lambda v: order.get(v, 0))(ref) if n > 1 else np.zeros_like(ref)
    np.testing.assert_array_equal(got[..., 0], expected)


@pytest.mark.parametrize("metric,cv_metric", [("l1", cv2.DIST_L1), ("l2", cv2.DIST_L2), ("linf", cv2.DIST_C)])
@pytest.mark.parametrize("h,w", SIZES)
def test_distance_transform_matches_cv2(metric, cv_metric, h, w):
    rng = np.random.default_rng(6)
    m = random_mask(rng, h, w, np.uint8, 0.8, rank=2)
    got = run(lambda: mask.DistanceTransform(varying(m), metric=metric))
    assert got.dtype == np.float32 and got.shape == (h, w)
    ref = cv2.distanceTransform(m, cv_metric, cv2.DIST_MASK_PRECISE if metric == "l2" else 3)
    if np.all(m != 0):
        ref = np.full_like(ref, np.inf)  # no zero pixel: documented as +inf (cv2 versions differ)
    np.testing.assert_array_equal(got, ref)


def test_distance_transform_by_hand():
    m = np.ones((3, 3), np.float32)
    m[0, 0] = 0
    assert run(lambda: mask.DistanceTransform(varying(m), metric="l1"))[2, 2] == 4
    assert run(lambda: mask.DistanceTransform(varying(m), metric="linf"))[2, 2] == 2
    np.testing.assert_allclose(run(lambda: mask.DistanceTransform(varying(m)))[2, 2], np.sqrt(8), rtol=1e-6)


# --- morphology -------------------------------------------------------------------------------

OPS = [(mask.Erode, cv2.MORPH_ERODE), (mask.Dilate, cv2.MORPH_DILATE), (mask.Open, cv2.MORPH_OPEN),
       (mask.Close, cv2.MORPH_CLOSE)]
SHAPES = [("rect", cv2.MORPH_RECT), ("ellipse", cv2.MORPH_ELLIPSE), ("cross", cv2.MORPH_CROSS)]


@pytest.mark.parametrize("op,cv_op", OPS)
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("h,w,c", [(1, 1, 1), (1, 9, 1), (7, 1, 1), (13, 8, 1), (11, 14, 3)])
def test_morphology_matches_cv2(op, cv_op, dtype, h, w, c):
    rng = np.random.default_rng(h * w * c)
    img = rng.integers(0, 200, (h, w, c)).astype(dtype)
    for shape, cv_shape in SHAPES:
        for ksize in (1, 3, 5):
            for iterations in (1, 2):
                got = run(lambda: op(varying(img), kernel_shape=shape, kernel_size=ksize, iterations=iterations))
                assert got.dtype == dtype and got.shape == img.shape
                ref = cv2.morphologyEx(img, cv_op, cv2.getStructuringElement(cv_shape, (ksize, ksize)),
                                       iterations=iterations).reshape(img.shape)
                np.testing.assert_array_equal(got, ref, err_msg=f"{shape} {ksize} {iterations}")


def test_morphology_rank2_and_errors():
    m = np.zeros((5, 5), np.uint8)
    m[2, 2] = 255
    got = run(lambda: mask.Dilate(varying(m), kernel_shape="cross"))
    assert got.shape == (5, 5)
    assert (got != 0).sum() == 5
    with pytest.raises(pp.PixelpipesError):
        run(lambda: mask.Dilate(varying(np.zeros((4, 4), np.int32))))
    with pytest.raises((pp.PixelpipesError, ValueError)):
        run(lambda: mask.Dilate(varying(m), kernel_size=4))
