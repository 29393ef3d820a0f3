"""image.decode_jpeg_crop and image.jpeg_size through compiled pipelines.

The fused op is compared with the unfused chain image.decode_jpeg -> image.crop -> image.resize
(linear) in the same pipeline. Tolerances (u8 levels, smooth photo-like images, quality 92):
max_scale '1' within 2 (measured identical); with DCT scaling allowed, mean |diff| <= 1.5 and
99th percentile <= 12 (mean <= 2.5 for the gray-mode case at 1/4; the scaled IDCT averages d x d pixels where bilinear resize samples, and
box edges snap to whole scaled pixels). RandomResizedCrop (box drawn from jpeg_size) runs in
batches.
"""
import math

import cv2
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes.ops import image, io, list as plist, random, tensor


def smooth(h, w, c, seed=0):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    chans = [128 + 60 * np.sin(x * (0.021 + 0.007 * k) + y * 0.013) + 40 * np.cos(y * (0.017 + 0.005 * k) - x * 0.004)
             for k in range(c)]
    img = np.stack(chans, axis=2) + np.random.default_rng(seed).integers(0, 4, (h, w, c))
    return np.clip(img, 0, 255).astype(np.uint8)


def jpeg(img, quality=92):
    ok, buf = cv2.imencode(".jpg", img if img.shape[2] == 1 else img[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.ravel()


def fused_and_reference(data, box, w, h, **attrs):
    with pp.Graph() as g:
        d = pp.Select(pp.SampleIndex() >= 0, data, data)  # not folded: runs per sample
        b = np.asarray(box, np.float32)
        mode = attrs.get("mode", "rgb")
        g.output("fused", image.DecodeJpegCrop(d, b, w, h, **attrs))
        g.output("ref", image.Resize(image.Crop(image.DecodeJpeg(d, mode=mode), b), w, h))
        g.output("size", image.JpegSize(d))
    # fuse=False: the reference must stay the unfused chain, which the compiler would fuse
    return pp.compile(g, seed=0, fuse=False).run(0)


BOXES = [
    ((480, 640), (0, 0, 640, 480), (224, 224)),
    ((480, 640), (0, 0, 101, 77), (37, 29)),
    ((480, 640), (523.4, 300.2, 640, 480), (17, 23)),
    ((333, 517), (13.2, 7.7, 499.9, 320.1), (61, 47)),
    ((333, 517), (-40, -25, 300, 200), (64, 64)),  # partly outside: clipped like image.crop
    ((257, 311), (1, 1, 310, 256), (38, 31)),
]


@pytest.mark.parametrize("channels", [3, 1])
@pytest.mark.parametrize("case", BOXES)
def test_fused_matches_decode_crop_resize(channels, case):
    (H, W), box, (w, h) = case
    data = jpeg(smooth(H, W, channels))
    mode = "rgb" if channels == 3 else "unchanged"
    exact = fused_and_reference(data, box, w, h, mode=mode, max_scale="1")
    assert exact["fused"].shape == (h, w, channels)
    assert np.abs(exact["fused"].astype(int) - exact["ref"].astype(int)).max() <= 2
    assert list(exact["size"]) == [H, W]
    out = fused_and_reference(data, box, w, h, mode=mode)
    d = np.abs(out["fused"].astype(int) - out["ref"].astype(int))
    assert d.mean() <= 1.5 and np.percentile(d, 99) <= 12, (d.mean(), np.percentile(d, 99))


def test_gray_mode_of_a_color_file():
    data = jpeg(smooth(200, 300, 3))
    out = fused_and_reference(data, (10, 20, 290, 190), 50, 40, mode="gray")
    assert out["fused"].shape == (40, 50, 1)
    # 280 x 170 -> 50 x 40 decodes at 1/4: a 5.6x reduction, where bilinear resize of the full
    # decode aliases most (measured mean 2.04)
    assert np.abs(out["fused"].astype(int) - out["ref"].astype(int)).mean() <= 2.5


def test_output_type_is_known():
    with pp.Graph() as g:
        d = pp.Select(pp.SampleIndex() >= 0, jpeg(smooth(50, 60, 3)), jpeg(smooth(50, 60, 3)))
        g.output("x", image.DecodeJpegCrop(d, np.array([0, 0, 30, 30], np.float32), 24, 16))
        g.output("s", image.JpegSize(d))
    p = pp.compile(g)
    assert p.outputs[0].dtype == "u8" and tuple(p.outputs[0].shape) == (16, 24, 3)
    assert p.outputs[1].dtype == "i64" and tuple(p.outputs[1].shape) == (2,)


@pytest.mark.parametrize("bad", [b"", b"\xff\xd8", b"\xff\xd8\xff" + bytes(range(256)) * 4, b"not a jpeg"])
def test_corrupt_data_is_a_decode_error(bad):
    data = np.frombuffer(bad, np.uint8).copy()
    for node in (lambda d: image.DecodeJpegCrop(d, np.array([0, 0, 8, 8], np.float32), 4, 4),
                 lambda d: image.JpegSize(d)):
        with pp.Graph() as g:
            g.output("x", node(pp.Select(pp.SampleIndex() >= 0, data, data)))
        with pytest.raises(pp.errors.PixelpipesError) as e:
            pp.compile(g).run(0)
        assert "JPEG" in str(e.value)


def test_truncated_file_is_a_decode_error():
    data = jpeg(smooth(300, 400, 3))
    cut = data[: len(data) // 2].copy()
    with pp.Graph() as g:
        g.output("x", image.DecodeJpegCrop(pp.Select(pp.SampleIndex() >= 0, cut, cut),
                                           np.array([0, 0, 400, 300], np.float32), 64, 64))
    with pytest.raises(pp.errors.PixelpipesError):
        pp.compile(g).run(0)


def test_box_outside_the_image_is_a_range_error():
    data = jpeg(smooth(40, 40, 3))
    with pp.Graph() as g:
        g.output("x", image.DecodeJpegCrop(pp.Select(pp.SampleIndex() >= 0, data, data),
                                           np.array([100, 100, 120, 120], np.float32), 8, 8))
    with pytest.raises(pp.errors.PixelpipesError):
        pp.compile(g).run(0)


def test_random_resized_crop_from_files_in_batches(tmp_path):
    files = []
    for k, (H, W) in enumerate([(240, 320), (375, 500), (333, 517), (500, 400)]):
        p = tmp_path / f"{k}.jpg"
        p.write_bytes(jpeg(smooth(H, W, 3, seed=k)).tobytes())
        files.append(str(p))
    with pp.Graph() as g:
        item = pp.dataset_item(len(files))
        data = io.ReadFile(pp.Constant(files)[item])
        size = tensor.Cast(image.JpegSize(data), dtype="f32")
        H = tensor.Squeeze(tensor.Slice(size, 0, 1))
        W = tensor.Squeeze(tensor.Slice(size, 1, 2))
        area = H * W * random.Uniform(0.08, 1.0)
        ratio = pp.ops.math.Exp(random.Uniform(math.log(3 / 4), math.log(4 / 3)))
        cw = pp.ops.math.Minimum(pp.ops.math.Sqrt(area * ratio), W)
        ch = pp.ops.math.Minimum(pp.ops.math.Sqrt(area / ratio), H)
        x0 = random.Uniform(0.0, 1.0) * (W - cw)
        y0 = random.Uniform(0.0, 1.0) * (H - ch)
        box = tensor.FromList(plist.Make(x0, y0, x0 + cw, y0 + ch))
        g.output("image", image.DecodeJpegCrop(data, box, 32, 32))
        g.output("box", box)
    p = pp.compile(g, seed=5)
    it = p.batches(8, threads=2, stop=16)
    batches = list(it)
    assert [b["image"].shape for b in batches] == [(8, 32, 32, 3)] * 2
    # the same samples for any thread count
    again = p.run_many(0, 16, threads=1)
    for i in range(16):
        np.testing.assert_array_equal(batches[i // 8]["image"][i % 8], again[i]["image"])
