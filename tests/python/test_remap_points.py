"""geometry.remap_points finds each point's nearest source pixel through a bucket grid instead of
comparing every pixel: the answers must be those of the exhaustive search (a NumPy transcription
of it here, with the same Newton refinement), for points inside, on the border of and far outside
the sampled area, and for maps with holes (non-finite entries)."""
import time

import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes.ops import geometry


def _exhaustive(points, mx, my):
    """The nearest output pixel by comparing all of them (first in row-major order on ties), then
    one Newton step on the map's central-difference Jacobian, clamped to +-1 px inside the map."""
    h, w = mx.shape
    out = points.astype(np.float64).copy()
    fx, fy = mx.astype(np.float64).ravel(), my.astype(np.float64).ravel()
    with np.errstate(invalid="ignore"):
        for row in out:
            px, py = row[0], row[1]
            if not (np.isfinite(px) and np.isfinite(py)):
                continue
            d = (fx - px) ** 2 + (fy - py) ** 2
            d[~np.isfinite(d)] = np.inf
            p = int(np.argmin(d)) if np.isfinite(d).any() else 0
            bi, bj = divmod(p, w)
            j0, j1, i0, i1 = max(bj - 1, 0), min(bj + 1, w - 1), max(bi - 1, 0), min(bi + 1, h - 1)
            a, b, c, e = 1.0, 0.0, 0.0, 1.0
            if j1 > j0:
                a = (float(mx[bi, j1]) - float(mx[bi, j0])) / (j1 - j0)
                c = (float(my[bi, j1]) - float(my[bi, j0])) / (j1 - j0)
            if i1 > i0:
                b = (float(mx[i1, bj]) - float(mx[i0, bj])) / (i1 - i0)
                e = (float(my[i1, bj]) - float(my[i0, bj])) / (i1 - i0)
            rx, ry = px - float(mx[bi, bj]), py - float(my[bi, bj])
            det = a * e - b * c
            sx = sy = 0.0
            if abs(det) > 1e-9:
                sx, sy = (e * rx - b * ry) / det, (a * ry - c * rx) / det
                if not (bi == 0 or bj == 0 or bi == h - 1 or bj == w - 1):
                    sx, sy = np.clip(sx, -1, 1), np.clip(sy, -1, 1)
            row[0], row[1] = bj + 0.5 + sx, bi + 0.5 + sy
    return out.astype(np.float32)


def _run(points, maps):
    with pp.Graph() as g:
        g.output("p", geometry.RemapPoints(pp.Constant(points), pp.Constant(maps[0]), pp.Constant(maps[1])))
    return pp.compile(g, seed=0).run(0)["p"]


def _maps(kind, h, w):
    with pp.Graph() as g:
        if kind == "elastic":
            g.output("m", geometry.ElasticMap(w, h, 25.0, 4.0))
        elif kind == "optical":
            g.output("m", geometry.OpticalDistortionMap(w, h, 0.6))
        else:
            g.output("m", geometry.GridDistortionMap(w, h, np.array([0.7, 1.3, 1.0, 0.8]),
                                                     np.array([1.2, 0.9, 0.8, 1.1])))
    return pp.compile(g, seed=4).run(0)["m"]


def test_few_points_take_the_exhaustive_search_and_agree():
    # up to 24 points the kernel compares every pixel (cheaper than building the buckets)
    maps = _maps("elastic", 30, 40)
    rng = np.random.default_rng(9)
    pts = np.stack([rng.uniform(-2, 42, 24), rng.uniform(-2, 32, 24)], 1).astype(np.float32)
    for n in (1, 2, 24):
        np.testing.assert_allclose(_run(pts[:n], maps), _exhaustive(pts[:n], maps[0], maps[1]), atol=1e-3)


@pytest.mark.parametrize("kind", ["elastic", "optical", "grid"])
def test_same_points_as_the_exhaustive_search(kind):
    h, w = 48, 64
    maps = _maps(kind, h, w)
    rng = np.random.default_rng(len(kind))
    pts = np.concatenate([
        np.stack([rng.uniform(0, w, 300), rng.uniform(0, h, 300)], 1),             # inside
        np.stack([rng.uniform(-5, w + 5, 60), rng.uniform(-5, h + 5, 60)], 1),     # around the border
        np.array([[-400.0, 20.0], [30.0, 900.0], [1e6, -1e6], [w / 2, h / 2]]),    # far away
        maps[:, 10, 10][None] * np.ones((3, 1)),                                   # exactly on a source point
    ]).astype(np.float32)
    pts = np.concatenate([pts, rng.uniform(-1, 1, (len(pts), 2)).astype(np.float32)], 1)  # extra columns kept
    ours, ref = _run(pts, maps), _exhaustive(pts, maps[0], maps[1])
    err = np.abs(ours - ref)
    print(f"{kind}: max difference from the exhaustive search {err.max():.2e} px over {len(pts)} points")
    assert err.max() <= 1e-3


def test_maps_with_holes_and_degenerate_maps():
    h, w = 20, 30
    maps = _maps("elastic", h, w).copy()
    maps[:, 5:9, 3:20] = np.nan
    maps[0, 0, 0] = np.inf
    rng = np.random.default_rng(3)
    pts = np.stack([rng.uniform(-3, w + 3, 200), rng.uniform(-3, h + 3, 200)], 1).astype(np.float32)
    np.testing.assert_allclose(_run(pts, maps), _exhaustive(pts, maps[0], maps[1]), atol=1e-3)
    # a constant map (every pixel samples one point): ties go to the first pixel
    flat = np.full((2, 6, 7), 3.0, np.float32)
    np.testing.assert_allclose(_run(pts[:40], flat), _exhaustive(pts[:40], flat[0], flat[1]), atol=1e-3)
    # no finite source point at all
    holes = np.full((2, 4, 5), np.nan, np.float32)
    np.testing.assert_allclose(_run(pts[:30], holes), _exhaustive(pts[:30], holes[0], holes[1]), atol=1e-3)


def test_many_points_on_a_large_map_are_fast():
    # 1000 points on a 1024 x 1024 map: the exhaustive search took about 0.7 s here, the bucket grid
    # 10-25 ms (most of it building the grid); a generous bound against a return to O(N H W)
    maps = _maps("elastic", 1024, 1024)
    rng = np.random.default_rng(0)
    pts = np.stack([rng.uniform(0, 1024, 1000), rng.uniform(0, 1024, 1000)], 1).astype(np.float32)
    with pp.Graph() as g:
        g.output("p", geometry.RemapPoints(pp.Constant([pts, pts + 1])[pp.SampleIndex() % 2],
                                           pp.Constant(maps[0]), pp.Constant(maps[1])))
    prog = pp.compile(g, seed=0)
    start = time.perf_counter()
    out = [prog.run(i)["p"] for i in range(2)]
    elapsed = (time.perf_counter() - start) / 2
    print(f"1000 points, 1024 x 1024 elastic map: {elapsed * 1000:.1f} ms per sample")
    sample = rng.choice(1000, 20, replace=False)
    np.testing.assert_allclose(out[0][sample], _exhaustive(pts[sample], maps[0], maps[1]), atol=1e-3)
    assert elapsed < 0.3
