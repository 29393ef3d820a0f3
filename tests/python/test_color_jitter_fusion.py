"""color.jitter runs ColorJitter's adjustments in the sample's order in one op (u8 RGB: one pass,
or two when contrast follows another adjustment). Its result must be the unfused chain's
(color.brightness / contrast / saturation / hue one after another) bit for bit: for every order
of every subset of the four adjustments, on photos and on noise, u8 and f32, RGB and gray.
augment.ColorJitter uses it, so its samples must also equal a chain of the single ops driven by
the same factors and permutation."""
import itertools
import os

import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import augment
from pixelpipes.flow import Choice
from pixelpipes.ops import color, image, tensor

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "photos")
SINGLE = [color.Brightness, color.Contrast, color.Saturation, color.Hue]


def sources():
    rng = np.random.default_rng(3)
    out = [rng.integers(0, 256, (37, 1100, 3), dtype=np.uint8)]   # more than one 1024-pixel block a row
    for name in ("astronaut.jpg", "coffee.jpg"):
        with open(os.path.join(PHOTOS, name), "rb") as f:
            data = np.frombuffer(f.read(), np.uint8)
        with pp.Graph() as g:
            g.output("image", image.Resize(image.Decode(pp.Constant(data)), 200, 150))
        out.append(pp.compile(g).run(0)["image"])
    return out


IMAGES = sources()
ORDERS = [order for k in range(1, 5) for subset in itertools.combinations(range(4), k)
          for order in itertools.permutations(subset)]   # 64 orders


def fused_and_chain(img, order, factors):
    with pp.Graph() as g:
        x = pp.Constant(img)
        g.output("fused", color.Jitter(x, pp.Constant(np.array(order, np.int64)), *factors))
        y = x
        for k in order:
            y = SINGLE[k](y, factors[k])
        g.output("chain", y)
    out = pp.compile(g, fuse=False).run(0)
    return out["fused"], out["chain"]


@pytest.mark.parametrize("kind", ["u8", "f32", "gray"])
def test_jitter_equals_the_chain_for_every_order(kind):
    rng = np.random.default_rng(11)
    for order in ORDERS:
        factors = [float(rng.uniform(0.5, 1.5)), float(rng.uniform(0.5, 1.5)), float(rng.uniform(0.0, 2.0)),
                   float(rng.uniform(-0.5, 0.5))]
        for img in IMAGES:
            if kind == "f32":
                img = img.astype(np.float32) / 255
            elif kind == "gray":
                img = np.ascontiguousarray(img[:, :, 1:2])
            fused, chain = fused_and_chain(img, order, factors)
            assert fused.dtype == chain.dtype and fused.shape == chain.shape
            assert np.array_equal(fused, chain), f"{kind} order {order} factors {factors}"


def test_jitter_checks_its_arguments():
    for order, factors, message in (([4], [1, 1, 1, 0], "0, 1, 2 or 3"), ([0] * 17, [1, 1, 1, 0], "at most 16"),
                                    ([3], [1, 1, 1, 0.7], "hue must be"), ([0], [-1, 1, 1, 0], "brightness")):
        with pp.Graph() as g:
            g.output("out", color.Jitter(pp.Constant(IMAGES[1]), pp.Constant(np.array(order, np.int64)), *factors))
        with pytest.raises(Exception, match=message):
            pp.compile(g).run(0)


@pytest.mark.parametrize("ranges", [dict(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1),
                                    dict(brightness=0.4, contrast=0.4, saturation=0.4), dict(contrast=0.5)])
def test_color_jitter_macro_equals_the_chain_of_single_ops(ranges):
    """The macro's op against the unfused chain it replaced (stage k a branch between the single
    ops, picked by the permutation), both driven by the same factor and permutation nodes."""
    config = augment.ColorJitter.configure(**ranges)
    enabled = [n for n in augment.ColorJitter.ADJUSTMENTS if config[n] is not None]
    with pp.Graph() as g:
        img = pp.Constant(IMAGES[1:])[pp.SampleIndex() % 2]
        params = augment.ColorJitter._params(None, img, config, "ColorJitter")
        g.output("fused", augment.ColorJitter._apply_to(img, config, "ColorJitter", params=params))
        order, factors = (params[0], params[1:]) if len(enabled) > 1 else (None, params)
        ops = dict(zip(augment.ColorJitter.ADJUSTMENTS, SINGLE))
        x = img
        for k in range(len(enabled)):
            options = [ops[n](x, f) for n, f in zip(enabled, factors)]
            x = options[0] if order is None else Choice(tensor.Reshape(tensor.Slice(order, k, k + 1), shape=[]),
                                                         *options)
        g.output("chain", x)
    pipeline = pp.compile(g, seed=5)
    assert sum(ins["op"] == "color.jitter" for ins in pipeline.program.instructions) == 1
    for i in range(60):
        out = pipeline.run(i)
        assert np.array_equal(out["fused"], out["chain"]), f"sample {i}"
