"""image.resize(antialias=True) is torchvision's antialiased bilinear resize (torch's
interpolate(mode="bilinear", antialias=True), torchvision v2's default): u8 through torch's fixed
point path, f32 in float. Checked against torch itself on random sizes (shrinks up to 6x,
enlargements, one axis at a time), 1 to 4 channels and strided crops; then the fused decode ->
crop -> resize (image.decode_jpeg_crop with antialias) and RandomResizedCrop(antialias=True)."""
import os

import numpy as np
import pytest
import torch

import pixelpipes as pp
from pixelpipes import augment
from pixelpipes.ops import image, io

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "photos")


def torch_resize(img, w, h):
    t = torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1)[None]
    if img.dtype == np.uint8:
        t = t.contiguous(memory_format=torch.channels_last) if img.shape[2] in (3, 4) else t
    out = torch.nn.functional.interpolate(t, size=(h, w), mode="bilinear", antialias=True, align_corners=False)
    return out[0].permute(1, 2, 0).contiguous().numpy()


def ours(img, box, w, h):
    with pp.Graph() as g:
        g.output("out", image.Resize(image.Crop(pp.Constant(img), pp.Constant(box)), w, h, antialias=True))
    return pp.compile(g).run(0)["out"]


@pytest.mark.parametrize("dtype", ["u8", "f32"])
def test_antialias_resize_matches_torch(dtype):
    rng = np.random.default_rng(2)
    for k in range(40):
        channels = [3, 1, 4, 2][k % 4]
        sw, sh = (int(v) for v in rng.integers(1, 400, 2))
        if k % 5 == 0:
            dw, dh = sw, int(rng.integers(1, 300))      # one axis only
        elif k % 5 == 1:
            dw, dh = int(rng.integers(1, 300)), sh
        else:
            dw, dh = int(rng.integers(max(1, sw // 6), 300)), int(rng.integers(max(1, sh // 6), 300))
        full = rng.integers(0, 256, (sh + 3, sw + 5, channels), dtype=np.uint8)
        if dtype == "f32":
            full = full.astype(np.float32) / 255
        box = np.array([2, 1, 2 + sw, 1 + sh], np.float32)   # a crop: rows with gaps
        got = ours(full, box, dw, dh)
        want = torch_resize(full[1:1 + sh, 2:2 + sw], dw, dh)
        assert got.shape == want.shape == (dh, dw, channels)
        if dtype == "u8":
            difference = np.abs(got.astype(int) - want.astype(int))
            # torch's own fixed point: equal but for rare ties of its rounding
            assert difference.max() <= 1 and difference.mean() < 0.01, (k, sw, sh, dw, dh, channels, difference.max())
        else:
            np.testing.assert_allclose(got, want, atol=2e-5, err_msg=f"{sw}x{sh} -> {dw}x{dh}")


def test_antialias_needs_u8_or_f32():
    with pp.Graph() as g:
        g.output("out", image.Resize(pp.Constant(np.zeros((8, 8, 3), np.uint16)), 4, 4, antialias=True))
    with pytest.raises(Exception, match="u8 or f32"):
        pp.compile(g).run(0)


def read(name):
    with open(os.path.join(PHOTOS, name), "rb") as f:
        return np.frombuffer(f.read(), np.uint8)


def test_fused_decode_crop_antialias_matches_the_unfused_chain():
    """At full scale the fused op resizes the same pixels with the same filter; with DCT scaling
    the scaled IDCT averages first: a small difference on photos."""
    data = read("chelsea.jpg")
    for box in ([10, 20, 400, 290], [100.5, 50.2, 300.7, 250.1], [0, 0, 451, 300]):
        box = np.array(box, np.float32)
        with pp.Graph() as g:
            d = pp.Constant(data)
            g.output("unfused", image.Resize(image.Crop(image.DecodeJpeg(d), pp.Constant(box)), 96, 80, antialias=True))
            g.output("full", image.DecodeJpegCrop(d, pp.Constant(box), 96, 80, antialias=True, max_scale="1"))
            g.output("scaled", image.DecodeJpegCrop(d, pp.Constant(box), 96, 80, antialias=True))
            g.output("plain", image.DecodeJpegCrop(d, pp.Constant(box), 96, 80, max_scale="1"))
        out = pp.compile(g, fuse=False).run(0)
        u = out["unfused"].astype(int)
        assert np.abs(out["full"].astype(int) - u).mean() < 0.05
        assert np.abs(out["scaled"].astype(int) - u).mean() < 1.5
        assert not np.array_equal(out["plain"], out["full"])  # the attribute changes the filter


def test_random_resized_crop_antialias_is_fused_with_the_filter():
    path = os.path.join(PHOTOS, "astronaut.jpg")
    with pp.Graph() as g:
        img = image.DecodeJpeg(io.ReadFile(pp.Constant(path)))
        g.output("image", augment.RandomResizedCrop(img, 64, antialias=True))
    fused, unfused = pp.compile(g, seed=3), pp.compile(g, seed=3, fuse="full_scale")
    ops = [ins for ins in fused.program.instructions if ins["op"] == "image.decode_jpeg_crop"]
    assert len(ops) == 1 and ops[0]["attributes"].get("antialias") is True
    with pp.Graph() as g2:
        img = image.DecodeJpeg(io.ReadFile(pp.Constant(path)))
        g2.output("image", augment.RandomResizedCrop(img, 64))
    plain = pp.compile(g2, seed=3, fuse="full_scale")
    with pp.Graph() as g3:
        img = image.DecodeJpeg(io.ReadFile(pp.Constant(path)))
        g3.output("image", augment.RandomResizedCrop(img, 64, antialias=True))
    reference = pp.compile(g3, seed=3, fuse=False)
    for i in range(8):
        a, b, r = unfused.run(i)["image"], reference.run(i)["image"], plain.run(i)["image"]
        assert np.abs(a.astype(int) - b.astype(int)).mean() < 0.05, i
        assert np.abs(fused.run(i)["image"].astype(int) - b.astype(int)).mean() < 1.5, i
        assert not np.array_equal(r, b)


TV_RESIZES = {
    "Resize": lambda x, **kw: augment.Resize(x, 100, **kw),
    "RandomShortestSize": lambda x, **kw: augment.RandomShortestSize(x, 100, **kw),
    "RandomResize": lambda x, **kw: augment.RandomResize(x, 90, 91, **kw),
    "ScaleJitter": lambda x, **kw: augment.ScaleJitter(x, (120, 90), scale_range=(0.5, 0.5), **kw),
}


def decoded(name):
    with pp.Graph() as g:
        g.output("x", image.Decode(pp.Constant(read(name))))
    return pp.compile(g).run(0)["x"]


def run_macro(make, img, **kw):
    with pp.Graph() as g:
        g.output("out", make(pp.Constant(img), **kw))
    return pp.compile(g, seed=0).run(0)["out"]


@pytest.mark.parametrize("name", sorted(TV_RESIZES))
def test_torchvision_named_resizes_antialias_by_default(name):
    """torchvision's default antialias=True: its filter (torch's uint8 kernel) within 1 level;
    antialias=False: OpenCV's bilinear exactly; images the filter does not take (u16) and
    albumentations' form of Resize: OpenCV's bilinear."""
    import cv2
    make = TV_RESIZES[name]
    img = decoded("astronaut.jpg")
    out = run_macro(make, img)
    h, w = out.shape[:2]
    assert w < img.shape[1] / 2   # a strong shrink, where the filters differ most
    d = np.abs(out.astype(int) - torch_resize(img, w, h).astype(int))
    assert d.max() <= 1 and d.mean() < 0.05, (d.max(), d.mean())
    plain = cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR)
    assert np.abs(out.astype(int) - plain.astype(int)).mean() > 1.0   # the aliasing is gone
    np.testing.assert_array_equal(run_macro(make, img, antialias=False), plain)
    wide = img.astype(np.uint16) * 257
    # (the library's OpenCV and pip's round u16 bilinear resizes one unit apart here and there)
    d = np.abs(run_macro(make, wide).astype(int) - cv2.resize(wide, (w, h), interpolation=cv2.INTER_LINEAR))
    assert d.max() <= 1


def test_albumentations_form_of_resize_does_not_antialias():
    import cv2
    img = decoded("astronaut.jpg")
    out = run_macro(lambda x: augment.Resize(x, 100, 120), img)
    np.testing.assert_array_equal(out, cv2.resize(img, (120, 100), interpolation=cv2.INTER_LINEAR))
    out = run_macro(lambda x: augment.Resize(x, 100, 120, antialias=True), img)
    assert np.abs(out.astype(int) - torch_resize(img, 120, 100).astype(int)).max() <= 1
