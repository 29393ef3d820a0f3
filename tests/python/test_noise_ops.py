"""noise.* ops in compiled pipelines: determinism (same seed and sample -> same bits; another
sample or seed -> different bits, also across thread counts), statistics (Gaussian mean/std within
3 percent of std, dropout fractions within 2 percent) and saturation of u8 results."""
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import ops
from op_runner import varying

n = ops.noise


def pipeline(build, img, seed=3):
    with pp.Graph() as g:
        g.output("out", build(varying(img)))
    return pp.compile(g, seed=seed)


CASES = {
    "gaussian": lambda a: n.Gaussian(a, 10.0),
    "uniform": lambda a: n.Uniform(a, -20.0, 20.0),
    "salt_and_pepper": lambda a: n.SaltAndPepper(a, 0.2),
    "pixel_dropout": lambda a: n.PixelDropout(a, 0.2),
    "coarse_dropout": lambda a: n.CoarseDropout(a, max_holes=4),
    "random_erasing": lambda a: n.RandomErasing(a, p=1.0),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_deterministic(name, dtype):
    img = np.full((21, 33, 3), 128 if dtype == np.uint8 else 0.5, dtype)
    if dtype == np.float32 and name in ("gaussian", "uniform"):
        build = {"gaussian": lambda a: n.Gaussian(a, 0.1), "uniform": lambda a: n.Uniform(a, -0.1, 0.1)}[name]
    else:
        build = CASES[name]
    p = pipeline(build, img)
    a, b = p.run(5)["out"], p.run(5)["out"]
    assert a.dtype == dtype and a.shape == img.shape
    assert a.tobytes() == b.tobytes()
    assert a.tobytes() == pipeline(build, img).run(5)["out"].tobytes()  # a fresh compile: same bits
    assert p.run_many(3, 4, threads=3)[2]["out"].tobytes() == a.tobytes()  # any thread count
    others = [p.run(s)["out"].tobytes() for s in range(6, 10)]
    assert any(o != a.tobytes() for o in others)
    assert pipeline(build, img, seed=4).run(5)["out"].tobytes() != a.tobytes()


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("shape", [(1, 1), (1, 1, 3), (1, 9), (7, 1, 1), (5, 8, 2)])
def test_tiny_and_odd_sizes(name, shape):
    img = np.full(shape, 100, np.uint8)
    assert pipeline(CASES[name], img).run(0)["out"].shape == shape


def test_gaussian_statistics():
    img = np.zeros((256, 300, 1), np.float32)
    out = pipeline(lambda a: n.Gaussian(a, 2.0, mean=1.0), img).run(0)["out"]
    assert abs(out.mean() - 1.0) < 0.03 * 2.0
    assert abs(out.std() - 2.0) < 0.03 * 2.0
    u8 = pipeline(lambda a: n.Gaussian(a, 30.0), np.full((64, 64), 250, np.uint8)).run(0)["out"]
    assert u8.dtype == np.uint8 and u8.max() == 255 and u8.min() < 250  # saturates at the top


def test_uniform_statistics():
    out = pipeline(lambda a: n.Uniform(a, -0.5, 1.5), np.zeros((200, 200), np.float32)).run(1)["out"]
    assert -0.5 <= out.min() and out.max() < 1.5
    assert abs(out.mean() - 0.5) < 0.02
    assert abs(out.std() - 2 / np.sqrt(12)) < 0.02


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
def test_salt_and_pepper_fractions(dtype):
    fill = {np.uint8: 100, np.uint16: 1000, np.float32: 0.5}[dtype]
    top = {np.uint8: 255, np.uint16: 65535, np.float32: 1.0}[dtype]
    img = np.full((150, 200, 3), fill, dtype)
    out = pipeline(lambda a: n.SaltAndPepper(a, 0.3, salt_ratio=0.25), img).run(2)["out"]
    salt = (out == top).all(-1)
    pepper = (out == 0).all(-1)
    same = (out == fill).all(-1)
    assert (salt | pepper | same).all()  # every pixel changes as a whole
    assert abs((salt | pepper).mean() - 0.3) < 0.02
    assert abs(salt.mean() - 0.075) < 0.02


@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("p", [0.05, 0.5])
def test_pixel_dropout_fraction(per_channel, p):
    img = np.full((120, 150, 3), 9, np.uint8)
    out = pipeline(lambda a: n.PixelDropout(a, p, value=300.0, per_channel=per_channel), img).run(0)["out"]
    dropped = out == 255  # 300 saturates
    assert ((out == 9) | dropped).all()
    assert abs(dropped.mean() - p) < 0.02
    if not per_channel:
        assert (dropped.all(-1) == dropped.any(-1)).all()


def test_coarse_dropout_holes_are_rectangles_in_range():
    img = np.full((40, 50, 3), 200, np.uint8)
    p = pipeline(lambda a: n.CoarseDropout(a, min_holes=1, max_holes=1, min_height=0.1, max_height=0.2,
                                           min_width=5.0, max_width=9.0, fill=0.0), img)
    for s in range(20):
        out = p.run(s)["out"]
        ys, xs = np.nonzero((out == 0).all(-1))
        h, w = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
        assert len(ys) == h * w  # one filled rectangle
        assert 4 <= h <= 8 and 5 <= w <= 9


def test_random_erasing_like_torchvision():
    img = np.full((60, 80, 3), 0.5, np.float32)
    never = pipeline(lambda a: n.RandomErasing(a, p=0.0), img).run(0)["out"]
    np.testing.assert_array_equal(never, img)
    p = pipeline(lambda a: n.RandomErasing(a, p=1.0, value=[0.0, 0.25, 1.0]), img)
    for s in range(30):
        out = p.run(s)["out"]
        erased = (out != 0.5).any(-1)
        if not erased.any():
            continue
        ys, xs = np.nonzero(erased)
        h, w = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
        assert erased.sum() == h * w
        assert 0.02 * 4800 * 0.8 <= h * w <= 0.33 * 4800 * 1.2
        np.testing.assert_array_equal(out[erased], np.tile([0.0, 0.25, 1.0], (h * w, 1)).astype(np.float32))
    # Probability p: about half of the samples are erased.
    half = pipeline(lambda a: n.RandomErasing(a, p=0.5), img)
    hits = sum((half.run(s)["out"] != 0.5).any() for s in range(400))
    assert 160 <= hits <= 240
    # value="random": standard normal values in the box for f32.
    rnd = pipeline(lambda a: n.RandomErasing(a, p=1.0, random=True), np.zeros((100, 100, 3), np.float32)).run(1)["out"]
    vals = rnd[(rnd != 0).any(-1)]
    assert vals.size > 0 and abs(vals.mean()) < 0.15 and abs(vals.std() - 1) < 0.15
