"""The compiler's per-pixel fusions (bindings/python/pixelpipes/_compile/fuse_pixels.py):
brightness -> contrast -> saturation becomes color.brightness_contrast_saturation, and normalize
of a Toggle between an image and its horizontal flip becomes color.flip_normalize. Both must give
the unfused program's bits for every sample, keep random streams, and not fire when an
intermediate value is used elsewhere."""
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes.ops import color, image, random

MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def ops_of(pipeline):
    return [ins["op"] for ins in pipeline.program.instructions]


def images(dtype):
    rng = np.random.default_rng(7)
    if dtype == "u8":
        return [rng.integers(0, 256, (23, 31, 3), dtype=np.uint8) for _ in range(3)]
    return [rng.uniform(0, 1, (23, 31, 3)).astype(np.float32) for _ in range(3)]


def both(build):
    """The graph compiled with and without fusion."""
    with pp.Graph() as g:
        build(g)
    return pp.compile(g, seed=11), pp.compile(g, seed=11, fuse=False)


def assert_same_samples(fused, plain, n=40):
    for i in range(n):
        a, b = fused.run(i), plain.run(i)
        for k in a:
            assert a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k]), f"sample {i} output {k}"


@pytest.mark.parametrize("dtype", ["u8", "f32"])
def test_brightness_contrast_saturation_chain_is_fused_bit_for_bit(dtype):
    def build(g):
        x = pp.Constant(images(dtype))[pp.SampleIndex() % 3]
        y = color.Saturation(color.Contrast(color.Brightness(x, random.Uniform(0.6, 1.4)), random.Uniform(0.6, 1.4)),
                             random.Uniform(0.6, 1.4))
        g.output("y", y)
        g.output("other", random.Uniform(0.0, 1.0))  # an unrelated random node keeps its stream
    fused, plain = both(build)
    assert "color.brightness_contrast_saturation" in ops_of(fused)
    for op in ("color.brightness", "color.contrast", "color.saturation"):
        assert op not in ops_of(fused) and op in ops_of(plain)
    assert_same_samples(fused, plain)


def test_color_chain_is_not_fused_when_an_intermediate_is_used_elsewhere():
    def build(g):
        x = pp.Constant(images("u8"))[pp.SampleIndex() % 3]
        c = color.Contrast(color.Brightness(x, 1.2), random.Uniform(0.6, 1.4))
        g.output("y", color.Saturation(c, 0.8))
        g.output("contrast", c)
    fused, plain = both(build)
    assert "color.brightness_contrast_saturation" not in ops_of(fused)
    assert_same_samples(fused, plain, 6)


@pytest.mark.parametrize("chw", [True, False])
def test_toggled_flip_before_normalize_is_fused_bit_for_bit(chw):
    def build(g):
        x = pp.Constant(images("u8"))[pp.SampleIndex() % 3]
        flipped = pp.Toggle(0.5, image.Flip(x), x)
        g.output("image", color.Normalize(flipped, MEAN, STD, chw=chw, scale=1 / 255))
    fused, plain = both(build)
    assert "color.flip_normalize" in ops_of(fused)
    for op in ("image.flip", "color.normalize", "flow.branch"):
        assert op not in ops_of(fused) and op in ops_of(plain)
    assert_same_samples(fused, plain)
    # both ways happened: each sample is the normalized image, either flipped or not
    seen = set()
    for i in range(40):
        x = images("u8")[i % 3].astype(np.float64)
        got = fused.run(i)["image"]
        for flipped in (False, True):
            ref = ((x[:, ::-1] if flipped else x) / 255 - MEAN) / STD
            if np.allclose(got, ref.transpose(2, 0, 1) if chw else ref, atol=1e-5):
                seen.add(flipped)
    assert seen == {False, True}


def test_flip_normalize_fusion_in_batches_for_any_thread_count():
    def build(g):
        x = pp.Constant(images("u8"))[pp.SampleIndex() % 3]
        g.output("image", color.Normalize(pp.Toggle(0.5, image.Flip(x), x), MEAN, STD, chw=True, scale=1 / 255))
    fused, plain = both(build)
    expected = np.stack([plain.run(i)["image"] for i in range(32)])
    for threads in (1, 2):
        it = fused.batches(16, threads=threads)
        got = np.concatenate([next(it)["image"], next(it)["image"]])
        it.close()
        assert np.array_equal(got, expected)


@pytest.mark.parametrize("variant", ["vertical", "flip_used_elsewhere", "flip_when_false"])
def test_flip_normalize_is_not_fused_when_not_equivalent(variant):
    def build(g):
        x = pp.Constant(images("u8"))[pp.SampleIndex() % 3]
        f = image.Flip(x, axis="vertical" if variant == "vertical" else "horizontal")
        choice = pp.Toggle(0.5, x, f) if variant == "flip_when_false" else pp.Toggle(0.5, f, x)
        g.output("image", color.Normalize(choice, MEAN, STD, chw=True, scale=1 / 255))
        if variant == "flip_used_elsewhere":
            g.output("flipped", f)
    fused, plain = both(build)
    assert "color.flip_normalize" not in ops_of(fused)
    assert_same_samples(fused, plain, 8)
