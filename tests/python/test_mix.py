"""random.beta / random.gamma and pixelpipes.mix (mixup, cutmix, soft targets)."""
from __future__ import annotations

import subprocess
import sys
import os

import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import mix
from pixelpipes.ops import random
from op_runner import varying

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")


def draws(node_fn, seed=1):
    with pp.Graph() as g:
        g.output("x", node_fn())
    return pp.compile(g, seed=seed).run(0)["x"]


@pytest.mark.parametrize("k,theta", [(0.3, 1.0), (1.0, 2.0), (4.5, 0.5), (30.0, 1.0)])
def test_gamma_has_the_mean_and_variance_of_its_parameters(k, theta):
    x = draws(lambda: random.Gamma(k, theta, shape=[40000], dtype="f64"))
    assert x.min() >= 0
    assert abs(x.mean() - k * theta) < 4 * np.sqrt(k) * theta / np.sqrt(len(x))
    assert abs(x.var() / (k * theta * theta) - 1) < 0.05


@pytest.mark.parametrize("a,b", [(0.2, 0.2), (1.0, 1.0), (0.4, 2.5), (5.0, 3.0)])
def test_beta_has_the_mean_and_variance_of_its_parameters(a, b):
    x = draws(lambda: random.Beta(a, b, shape=[40000], dtype="f64"))
    assert 0 <= x.min() and x.max() <= 1
    mean, var = a / (a + b), a * b / ((a + b) ** 2 * (a + b + 1))
    assert abs(x.mean() - mean) < 4 * np.sqrt(var / len(x))
    assert abs(x.var() / var - 1) < 0.05


def test_beta_and_gamma_are_bit_exact_by_seed_and_sample_and_refuse_bad_parameters():
    with pp.Graph() as g:
        g.output("b", random.Beta(0.4, 0.4, shape=[8]))
        g.output("g", random.Gamma(2.0, 1.0, shape=[8]))
    p = pp.compile(g, seed=4)
    runs = p.run_many(0, 16, threads=3)
    assert all(np.array_equal(runs[i]["b"], p.run(i)["b"]) for i in range(16))
    assert all(np.array_equal(runs[i]["g"], p.run(i)["g"]) for i in range(16))
    assert not np.array_equal(runs[0]["b"], runs[1]["b"])
    for bad in (0.0, -1.0, float("inf")):
        with pytest.raises(pp.PixelpipesError, match="random.beta"):
            draws(lambda: random.Beta(varying(np.float32(bad)), 1.0))
        with pytest.raises(pp.PixelpipesError, match="random.gamma"):
            draws(lambda: random.Gamma(varying(np.float32(bad)), 1.0))


def _two_images():
    rng = np.random.default_rng(3)
    return rng.integers(0, 256, (24, 32, 3), dtype=np.uint8), rng.integers(0, 256, (24, 32, 3), dtype=np.uint8)


def test_mixup_blends_with_a_beta_weight():
    a, b = _two_images()
    with pp.Graph() as g:
        m = mix.mixup(varying(a), varying(b), alpha=0.4)
        g.output("image", m.image)
        g.output("weight", m.weight)
        g.output("target", mix.targets(1, 3, 5, m.weight))
    p = pp.compile(g, seed=2)
    weights = []
    for s in p.run_many(0, 200):
        w = float(s["weight"])
        weights.append(w)
        want = np.clip(np.rint(a * w + b * (1 - w)), 0, 255)
        assert np.abs(s["image"].astype(int) - want).max() <= 1
        t = s["target"]
        assert t.shape == (5,) and abs(t[1] - w) < 1e-6 and abs(t[3] - (1 - w)) < 1e-6 and abs(t.sum() - 1) < 1e-6
    weights = np.array(weights)
    assert abs(weights.mean() - 0.5) < 0.08 and (weights < 0.1).mean() > 0.15  # Beta(0.4, 0.4) is U-shaped


@pytest.mark.parametrize("rank", [3, 2])
def test_cutmix_pastes_a_box_of_the_partner_and_weighs_what_is_left(rank):
    a, b = _two_images()
    if rank == 2:
        a, b = a[..., 0], b[..., 0]
    with pp.Graph() as g:
        m = mix.cutmix(varying(a), varying(b), alpha=1.0)
        g.output("image", m.image)
        g.output("weight", m.weight)
    p = pp.compile(g, seed=5)
    for s in p.run_many(0, 100):
        out, w = s["image"], float(s["weight"])
        assert out.shape == a.shape
        from_b = np.all(out == b, axis=-1) if rank == 3 else out == b
        from_a = np.all(out == a, axis=-1) if rank == 3 else out == a
        assert np.all(from_a | from_b)
        pasted = ~from_a  # pixels that come only from b: all inside one box
        if pasted.any():
            ys, xs = np.nonzero(pasted)
            box = np.zeros_like(pasted)
            box[ys.min():ys.max() + 1, xs.min():xs.max() + 1] = True
            assert np.all(~box | from_b)
        area = 1 - w
        assert 0 <= area <= 1
        assert pasted.sum() <= round(area * a.shape[0] * a.shape[1]) + 1e-6


def test_mix_arguments_are_checked_on_the_users_line():
    a, _ = _two_images()
    with pp.Graph():
        with pytest.raises(ValueError, match=r"test_mix.py:\d+: alpha must be a finite number > 0"):
            mix.mixup(a, a, alpha=0)
        with pytest.raises(ValueError, match=r"test_mix.py:\d+: alpha"):
            mix.cutmix(a, a, alpha=-1)
        with pytest.raises(ValueError, match=r"test_mix.py:\d+: num_classes"):
            mix.one_hot(0, 0)


def test_the_mixup_example_takes_alpha():
    done = subprocess.run([sys.executable, os.path.join(EXAMPLES, "mixup.py"), "--samples", "64", "--alpha", "0.4"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "mixup" in done.stdout and "cutmix" in done.stdout
