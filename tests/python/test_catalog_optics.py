"""Superpixels, RingingOvershoot and ChromaticAberration (augment/effects_optics.py) against
albumentations 2.0.8.

Fixed parameters on real photographs (RGB u8): ChromaticAberration and RingingOvershoot equal
albumentations' exactly (OpenCV's maps, remap and filter2D; the sinc kernel to f32 precision);
Superpixels with given segment draws equals albumentations' superpixels (its own SLIC, the
replacement, the resizes) exactly. The random parameters (kernel sizes: chi-square; cutoffs,
distortion coefficients and their signs, n_segments, p_replace) match albumentations' own draws
over 5000 samples (p > 0.01).
"""
import math
import random as pyrandom

import numpy as np
import pytest
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment
from pixelpipes.ops import filter as flt
from pixelpipes.ops import image

A = pytest.importorskip("albumentations")
cv2 = pytest.importorskip("cv2")
from albumentations.augmentations.pixel import functional as FP  # noqa: E402

from test_catalog_domain import _diff, _photo, _run  # noqa: E402  (shared helpers)
N_DRAWS = 5000


def _chi2_same(a, b):
    values = sorted(set(a) | set(b))
    table = np.array([[np.sum(np.asarray(a) == v) for v in values], [np.sum(np.asarray(b) == v) for v in values]])
    return 1.0 if len(values) == 1 else stats.chi2_contingency(table)[1]


def _our_draws(cls, n=N_DRAWS, **kw):
    with pp.Graph() as g:
        for i, node in enumerate(cls._params(None, pp.Constant(np.zeros((8, 8, 3), np.uint8)), cls.configure(**kw),
                                             "draw")):
            g.output(f"p{i}", node)
    p = pp.compile(g, seed=7)
    rows = [p.run(i) for i in range(n)]
    return [np.array([np.asarray(r[k]) for r in rows]) for k in sorted(rows[0])]


# -- RingingOvershoot -----------------------------------------------------------------------------

@pytest.mark.parametrize("size", [3, 7, 15, 31])
@pytest.mark.parametrize("cutoff", [0.3, math.pi / 4, math.pi / 2, 3.0])
def test_sinc_kernel_and_ringing_match(size, cutoff):
    t = A.RingingOvershoot(blur_limit=(size, size), cutoff=(cutoff, cutoff), p=1.0)
    want_kernel = t.get_params()["kernel"]
    kernel = _run(lambda: flt.SincKernel(size, cutoff))
    d = np.abs(kernel - want_kernel).max()
    print(f"sinc kernel {size} {cutoff:.3f}: max abs diff {d:.3g}")
    assert kernel.dtype == np.float32 and d < 1e-6
    img = _photo("astronaut.jpg")
    got = _run(lambda: augment.RingingOvershoot(pp.Constant(img), blur_limit=(size, size), cutoff=(cutoff, cutoff),
                                                p=1.0))
    _diff(got, FP.convolve(img, want_kernel), 1, 0.01, f"RingingOvershoot {size} {cutoff:.3f}")


def test_ringing_parameter_distributions():
    size, cutoff = _our_draws(augment.RingingOvershoot, blur_limit=(7, 15))
    t = A.RingingOvershoot(blur_limit=(7, 15), p=1.0)
    rec = pyrandom.Random(0)
    want_size = [rec.randrange(7, 16, 2) for _ in range(N_DRAWS)]
    want_cut = [rec.uniform(math.pi / 4, math.pi / 2) for _ in range(N_DRAWS)]
    assert t.cutoff == (math.pi / 4, math.pi / 2)
    p1, p2 = _chi2_same(size.astype(int), want_size), stats.ks_2samp(cutoff, want_cut).pvalue
    print(f"RingingOvershoot: size chi-square p = {p1:.3f}, cutoff KS p = {p2:.3f}")
    assert p1 > 0.01 and p2 > 0.01


# -- ChromaticAberration --------------------------------------------------------------------------

@pytest.mark.parametrize("coeffs", [(0.02, 0.05, 0.01, 0.03), (-0.02, -0.05, 0.02, 0.04), (0.1, 0.2, -0.1, -0.2)])
@pytest.mark.parametrize("interpolation", [cv2.INTER_LINEAR, cv2.INTER_NEAREST, cv2.INTER_CUBIC])
def test_chromatic_aberration_matches_exactly(coeffs, interpolation):
    img = _photo("chelsea.jpg", 150, 210)
    want = FP.chromatic_aberration(img, *coeffs, interpolation)
    got = _run(lambda: image.ChromaticAberration(pp.Constant(img), *[float(c) for c in coeffs],
                                                 interpolation={0: "nearest", 1: "linear", 2: "cubic"}[interpolation]))
    _diff(got, want, 0, 0, f"ChromaticAberration {coeffs} {interpolation}")


@pytest.mark.parametrize("mode", ["green_purple", "red_blue", "random"])
def test_chromatic_aberration_parameter_distributions(mode):
    pr, sr, pb, sb = _our_draws(augment.ChromaticAberration, mode=mode)   # _params' order: p0..p3
    ours = dict(zip(["primary_distortion_red", "secondary_distortion_red", "primary_distortion_blue",
                     "secondary_distortion_blue"], (pr, sr, pb, sb)))
    t = A.ChromaticAberration(mode=mode, p=1.0)
    t.py_random = pyrandom.Random(0)
    theirs = [t.get_params() for _ in range(N_DRAWS)]
    for key, values in ours.items():
        p = stats.ks_2samp(values, [d[key] for d in theirs]).pvalue
        print(f"ChromaticAberration {mode} {key}: KS p = {p:.3f}")
        assert p > 0.01
    # the sign relations between the channels
    same = np.mean(np.sign(ours["primary_distortion_red"]) == np.sign(ours["primary_distortion_blue"]))
    want = np.mean([np.sign(d["primary_distortion_red"]) == np.sign(d["primary_distortion_blue"]) for d in theirs])
    assert abs(same - want) < 0.03, (same, want)


# -- Superpixels ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name,h,w,max_size", [("astronaut.jpg", 160, 200, 128), ("coffee.jpg", 200, 300, 128),
                                              ("chelsea.jpg", 90, 120, None), ("camera.jpg", 100, 100, 64)])
@pytest.mark.parametrize("n_segments,p", [(20, 0.5), (100, 0.3), (64, 1.0)])
def test_superpixels_given_draws_match_exactly(name, h, w, max_size, n_segments, p):
    img = _photo(name, h, w)
    draws = np.random.default_rng(n_segments).random(n_segments)
    want = FP.superpixels(img, n_segments, draws < p, max_size, cv2.INTER_LINEAR)
    got = _run(lambda: image.Superpixels(pp.Constant(img), n_segments, pp.Constant(draws), p,
                                         max_size=max_size or 0, interpolation="linear"))
    _diff(got, want, 0, 0, f"Superpixels {name} {n_segments} {p} {max_size}")


def test_superpixels_without_replacement_returns_the_image():
    img = _photo()
    got = _run(lambda: augment.Superpixels(pp.Constant(img), p_replace=0.0, p=1.0))
    assert np.array_equal(got, img)


def test_superpixels_parameter_distributions():
    n, p, draws = _our_draws(augment.Superpixels, p_replace=(0.1, 0.3), n_segments=(15, 120))
    t = A.Superpixels(p_replace=(0.1, 0.3), n_segments=(15, 120), p=1.0)
    t.py_random = pyrandom.Random(0)
    t.random_generator = np.random.default_rng(0)
    theirs = [t.get_params() for _ in range(N_DRAWS)]
    p1 = stats.ks_2samp(n, [d["n_segments"] for d in theirs]).pvalue
    assert n.min() >= 15 and n.max() <= 120
    replaced = [np.mean(d[:k] < q) for d, k, q in zip(draws, n.astype(int), p)]
    p2 = stats.ks_2samp(replaced, [np.mean(d["replace_samples"]) for d in theirs]).pvalue
    print(f"Superpixels: n_segments KS p = {p1:.3f}, replaced fraction KS p = {p2:.3f}")
    assert p1 > 0.01 and p2 > 0.01
