"""The compiler's fusion pass: image.decode -> image.crop -> image.resize (linear) becomes
image.decode_crop (image.decode_jpeg -> ... becomes image.decode_jpeg_crop).

Checked: the pass fires on hand-written chains and on RandomResizedCrop over an ImageFolder of
JPEG files (the classification example), and not when the decoded image or the crop is used
elsewhere, the resize is not linear, a JPEG decode is already scaled, or fuse=False; the fused
output against the unfused chain on real JPEG files (bounds below); PNG files give the unfused
chain's bits; errors keep the user's line; random streams and thread counts change nothing.

Bounds (u8 levels, JPEG quality 90) are measured and justified at BOUNDS, on two kinds of image:
smooth photo-like ones and synthetic.scene ones (textured backgrounds, hard-edged shapes: the
harsh case for DCT scaling, and the one where the unfused bilinear shrink aliases most).
"""
import os

import cv2
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import augment, datasets, resource
from pixelpipes.datasets import synthetic
from pixelpipes.ops import image, io, tensor

from conftest import this_file_line
from test_jpeg_crop import smooth

OUT = 56


def scene_image(h, w, seed):
    return synthetic.scene(np.random.default_rng(seed), h, w)["image"]


def write_jpeg(path, img, quality=90):
    ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(img[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    path.write_bytes(buf.tobytes())
    return str(path)


def ops_of(pipeline):
    return [ins["op"] for ins in pipeline.program.instructions]


def row(table, i, n):
    return tensor.Reshape(tensor.Slice(table, i, i + 1), shape=[n])


# Image size, box, output size. The first four allow a DCT scale (1/8, 1/4, 1/2, 1/8); the rest
# do not (crops under twice the output, upscaling, a box partly outside the image).
SCALED = [
    ((480, 640), (0, 0, 640, 480), (56, 56)),
    ((375, 500), (50.5, 40, 450, 340.2), (64, 64)),
    ((333, 517), (13.2, 7.7, 300.9, 250.1), (96, 96)),
    ((768, 1024), (100, 50, 1000, 750), (56, 48)),
]
UNSCALED = [
    ((240, 320), (10, 10, 110, 90), (56, 56)),
    ((333, 517), (200, 150, 240, 180), (64, 64)),
    ((240, 320), (-20, -10, 300, 200), (224, 160)),
    ((257, 311), (1, 1, 310, 256), (200, 180)),
]


def content(kind, h, w, seed):
    """"smooth": a photo-like image without fine detail (bilinear shrinking barely aliases);
    "scene": synthetic.scene, textured backgrounds with hard-edged shapes (it aliases a lot)."""
    return smooth(h, w, 3, seed) if kind == "smooth" else scene_image(h, w, seed)


def chain_pipelines(tmp_path, kind, cases, decoder, interpolation="linear", fuse=(True, False)):
    """Sample i: the chain on file i with box i and output size i (files read at run time, so
    nothing is folded)."""
    files = [write_jpeg(tmp_path / f"{kind}{k}.jpg", content(kind, h, w, k)) for k, ((h, w), _, _) in enumerate(cases)]
    boxes = np.array([b for _, b, _ in cases], np.float32)
    sizes = np.array([s for _, _, s in cases], np.int64)
    with pp.Graph() as g:
        i = pp.SampleIndex()
        data = io.ReadFile(pp.Constant(files)[i])
        size = row(sizes, i, 2)
        w, h = tensor.Reshape(tensor.Slice(size, 0, 1), shape=[]), tensor.Reshape(tensor.Slice(size, 1, 2), shape=[])
        box = row(boxes, i, 4)
        g.output("image", image.Resize(image.Crop(decoder(data), box), w, h, interpolation=interpolation))
    return [pp.compile(g, seed=0, fuse=f) for f in fuse]


def differences(a, b, n):
    """Per sample (mean |a - b|, 99th percentile, max) in u8 levels."""
    out = []
    for i in range(n):
        x, y = a.run(i)["image"].astype(int), b.run(i)["image"].astype(int)
        assert x.shape == y.shape
        d = np.abs(x - y)
        out.append((d.mean(), np.percentile(d, 99), d.max()))
    return out


# Measured (quality 90), fused against the unfused chain, per image:
#   smooth, DCT-scaled: mean 0.71-2.38, p99 3-8, max 4-11 (the larger means where a box edge
#     snaps by up to d/2 full-size pixels onto the scaled grid);
#   scene, DCT-scaled: mean 3.8-5.6, p99 18-29, max 55-119 (mostly the unfused chain's aliasing:
#     against an antialiased reference, crop + area resize, the fused images are off by 2.1 on
#     average and the unfused bilinear ones by 4.0; single pixels at shape edges swing when a
#     box edge snaps);
#   both, no DCT scale: mean <= 0.09, max 2 (smooth) and 13 (scene: libjpeg's chroma
#     upsampling at the crop's edge columns, on hard colored edges).
BOUNDS = {  # kind -> (mean, p99, max) with DCT scaling, then max without
    "smooth": ((3.0, 10, 16), 3),
    "scene": ((7.0, 40, 140), 16),
}


@pytest.mark.parametrize("kind", sorted(BOUNDS))
@pytest.mark.parametrize("decoder, fused_op", [(image.Decode, "image.decode_crop"),
                                               (image.DecodeJpeg, "image.decode_jpeg_crop")])
def test_chain_is_fused_within_the_bounds(tmp_path, decoder, fused_op, kind):
    cases = SCALED + UNSCALED
    fused, full_scale, plain = chain_pipelines(tmp_path, kind, cases, decoder, fuse=(True, "full_scale", False))
    for p in (fused, full_scale):
        ops = ops_of(p)
        assert fused_op in ops and p.compile_stats["fused"] == 1
        assert not {"image.decode", "image.decode_jpeg", "image.crop", "image.resize"} & set(ops)
    assert {"image.crop", "image.resize"} <= set(ops_of(plain)) and plain.compile_stats["fused"] == 0
    (mean, p99, peak), unscaled_peak = BOUNDS[kind]
    d = differences(fused, plain, len(cases))
    for k, (m, q, x) in enumerate(d):
        if k < len(SCALED):
            assert m <= mean and q <= p99 and x <= peak, (k, d)
        else:
            assert m <= 0.25 and x <= unscaled_peak, (k, d)
    # full_scale never scales: every box is within the bound of the unscaled ones
    assert all(m <= 0.25 and x <= unscaled_peak for m, _, x in differences(full_scale, plain, len(cases)))


def test_on_detailed_images_the_fused_crop_aliases_less_than_the_unfused_one(tmp_path):
    """Why the scene bound is loose: the DCT-scaled decode averages where bilinear resizing
    samples, so against an antialiased reference (crop, then area resize) the fused images are
    closer than the unfused ones (measured mean 2.1 against 4.0 levels)."""
    fused, plain = chain_pipelines(tmp_path, "scene", SCALED, image.Decode)
    area, = chain_pipelines(tmp_path, "scene", SCALED, image.Decode, interpolation="area", fuse=(True,))
    assert "image.resize" in ops_of(area)
    fused_error = np.mean([m for m, _, _ in differences(fused, area, len(SCALED))])
    plain_error = np.mean([m for m, _, _ in differences(plain, area, len(SCALED))])
    assert fused_error < 0.7 * plain_error, (fused_error, plain_error)


def test_random_resized_crop_over_an_image_folder_is_fused(tmp_path):
    """The classification example on a folder of JPEG files (smooth photo-like images): the
    decode, the crop and the resize become image.decode_crop; the image size that
    RandomResizedCrop draws its box from comes from the file header (image.decoded_size); the
    items and labels do not change, the pixels stay within the bounds below."""
    import importlib.util
    for k, (h, w) in enumerate([(240, 320), (375, 500), (333, 517), (500, 400), (600, 800), (96, 128)]):
        os.makedirs(tmp_path / f"class{k % 2}", exist_ok=True)
        write_jpeg(tmp_path / f"class{k % 2}" / f"{k}.jpg", smooth(h, w, 3, 10 + k))
    ds = datasets.ImageFolder(str(tmp_path))
    spec = importlib.util.spec_from_file_location("classification_example", os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "classification.py"))
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    fused = pp.compile(example.build(ds, OUT), seed=7)
    plain = pp.compile(example.build(ds, OUT), seed=7, fuse=False)
    ops = ops_of(fused)
    assert "image.decode_crop" in ops and "image.decoded_size" in ops
    assert not {"image.decode", "image.crop", "image.resize", "image.width", "image.height"} & set(ops)
    assert "image.decode" in ops_of(plain) and "image.decode_crop" not in ops_of(plain)
    n = 48
    a = fused.run_many(0, n, threads=2)
    b = plain.run_many(0, n, threads=2)
    means = []
    for x, y in zip(a, b):
        assert int(x["label"]) == int(y["label"])          # same items, same order
        assert x["image"].shape == y["image"].shape == (3, OUT, OUT)
        # normalized f32 (x / 255 - mean) / std, back to u8 levels
        d = np.abs(x["image"] - y["image"]) * np.array(example.STD, np.float32)[:, None, None] * 255
        means.append(d.mean())
        # The smooth-image bounds of the fused-vs-unfused tests above (mean 3, max 16 levels)
        # times ColorJitter's worst gain on a difference: brightness 1.4 x contrast 1.4 x
        # saturation 1.8 (x * f + gray * (1 - f) with f = 1.4) = 3.5. The crops, and so the draws,
        # change with the files' paths (tmp_path is part of the program's constants); over 18
        # folders the worst sample had a mean of 6.9 and a maximum of 33 levels.
        assert d.max() <= 56, d.max()
        assert d.mean() <= 10.5, d.mean()
    # over all 48 samples: 0.97-1.18 measured across folders (0 where the crop allows no DCT scale)
    assert np.mean(means) <= 2.0, means


@pytest.mark.parametrize("interpolation", ["nearest", "area", "cubic", "lanczos"])
def test_a_resize_that_is_not_linear_is_not_fused(interpolation):
    p = _simple(lambda d: image.Resize(image.Crop(image.Decode(d), BOX), 16, 16, interpolation=interpolation))
    assert {"image.decode", "image.crop", "image.resize"} <= set(ops_of(p)) and p.compile_stats["fused"] == 0


def test_random_resized_crop_with_area_interpolation_is_not_fused():
    p = _simple(lambda d: augment.RandomResizedCrop(image.Decode(d), 16, interpolation="area"))
    assert "image.decode" in ops_of(p) and "image.decode_crop" not in ops_of(p)


def test_a_decoded_image_used_elsewhere_is_not_fused():
    def also_flipped(d):
        full = image.Decode(d)
        return {"crop": image.Resize(image.Crop(full, BOX), 16, 16), "flipped": image.Flip(full)}

    def also_output(d):
        full = image.Decode(d)
        return {"crop": image.Resize(image.Crop(full, BOX), 16, 16), "full": full}

    def crop_used_twice(d):
        c = image.Crop(image.Decode(d), BOX)
        return {"crop": image.Resize(c, 16, 16), "raw": c}

    def two_crops(d):
        full = image.DecodeJpeg(d)
        return {"a": image.Resize(image.Crop(full, BOX), 16, 16), "b": image.Resize(image.Crop(full, BOX + 1), 8, 8)}

    def channels(d):  # the channels of an "unchanged" decode are known only from the data
        full = image.Decode(d, mode="unchanged")
        return {"crop": image.Resize(image.Crop(full, BOX), 16, 16), "c": image.Channels(full)}

    for build in (also_flipped, also_output, crop_used_twice, two_crops, channels):
        p = _simple(build)
        assert p.compile_stats["fused"] == 0 and "image.crop" in ops_of(p), build.__name__


def test_channels_known_from_the_type_do_not_keep_the_full_decode():
    """An rgb decode has 3 channels whatever the data: image.channels folds to 3, so the decode is
    used by the crop only, and fuses."""
    p = _simple(lambda d: {"crop": image.Resize(image.Crop(image.Decode(d), BOX), 16, 16),
                           "c": image.Channels(image.Decode(d))})
    assert p.compile_stats["fused"] == 1 and "image.channels" not in ops_of(p)
    assert int(p.run(0)["c"]) == 3


def test_a_scaled_jpeg_decode_and_fuse_false_are_not_fused():
    p = _simple(lambda d: image.Resize(image.Crop(image.DecodeJpeg(d, scale="1/2"), BOX), 16, 16))
    assert "image.decode_jpeg" in ops_of(p) and "image.decode_jpeg_crop" not in ops_of(p)
    p = _simple(lambda d: image.Resize(image.Crop(image.Decode(d), BOX), 16, 16), fuse=False)
    assert "image.decode" in ops_of(p) and "image.decode_crop" not in ops_of(p)


def test_width_and_height_of_a_fused_decode_come_from_the_header():
    def build(d):
        full = image.Decode(d, mode="gray")
        return {"crop": image.Resize(image.Crop(full, BOX), 16, 16), "w": image.Width(full), "h": image.Height(full)}
    p = _simple(build)
    ops = ops_of(p)
    assert "image.decode_crop" in ops and "image.decoded_size" in ops and "image.width" not in ops
    out = p.run(0)
    assert (int(out["w"]), int(out["h"])) == (JPEG_W, JPEG_H)
    assert out["crop"].shape == (16, 16, 1)
    attrs = [ins.get("attributes", {}) for ins in p.program.instructions if ins["op"] == "image.decode_crop"]
    assert attrs[0]["mode"] == "gray"
    # the header's values have the types of image.width and image.height
    plain = _simple(build, fuse=False)
    assert [(o.name, o.dtype, o.shape) for o in p.outputs] == [(o.name, o.dtype, o.shape) for o in plain.outputs]


def test_bad_fuse_values_are_refused():
    for bad in ("yes", 1, None, "exact"):
        with pytest.raises(ValueError, match="fuse"):
            _simple(lambda d: image.Decode(d), fuse=bad)


def test_png_files_give_the_unfused_chain_exactly(tmp_path):
    files = []
    for k, (h, w) in enumerate([(240, 320), (97, 131)]):
        path = str(tmp_path / f"{k}.png")
        assert cv2.imwrite(path, scene_image(h, w, k))
        files.append(path)
    with pp.Graph() as g:
        data = io.ReadFile(pp.Constant(files)[pp.SampleIndex() % 2])
        g.output("image", augment.RandomResizedCrop(image.Decode(data), 40))
    fused, plain = pp.compile(g, seed=3), pp.compile(g, seed=3, fuse=False)
    assert "image.decode_crop" in ops_of(fused)
    for a, b in zip(fused.run_many(0, 8, threads=2), plain.run_many(0, 8, threads=2)):
        np.testing.assert_array_equal(a["image"], b["image"])


def test_errors_name_the_users_line(tmp_path):
    good = write_jpeg(tmp_path / "good.jpg", scene_image(120, 160, 1))
    whole = open(good, "rb").read()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole[:whole.index(b"\xff\xda") + 20])     # the header, then almost no pixel data
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 2)   # no readable header
    files = [good, str(cut), str(junk)]
    with pp.Graph() as g:
        data = io.ReadFile(pp.Constant(files)[pp.SampleIndex()])
        decoded = image.Decode(data, label="photo"); where = this_file_line()  # noqa: E702
        g.output("image", augment.RandomResizedCrop(decoded, 32))
    p = pp.compile(g, seed=0)
    assert "image.decode_crop" in ops_of(p)
    assert p.run(0)["image"].shape == (32, 32, 3)
    for sample, op in ((1, "image.decode_crop"), (2, "image.decoded_size")):
        with pytest.raises(pp.DecodeError) as e:
            p.run(sample)
        err = e.value
        assert err.source.endswith(where), (err.source, where)
        assert err.sample == sample and err.op == op and err.file == files[sample]
        assert err.node.startswith("photo")


def test_fusion_changes_no_random_stream_and_no_bit_across_threads(tmp_path):
    files = [write_jpeg(tmp_path / f"{k}.jpg", scene_image(h, w, 20 + k))
             for k, (h, w) in enumerate([(240, 320), (480, 640), (333, 517)])]

    def build():
        with pp.Graph() as g:
            item = pp.dataset_item(len(files))
            r = resource.Resource(image=image.Decode(io.ReadFile(pp.Constant(files)[item])), item=item)
            r = augment.RandomResizedCrop(r, OUT, scale=(0.1, 1.0))
            r = augment.RandomHorizontalFlip(r)
            r = augment.ColorJitter(r, brightness=0.4, hue=0.1)
            r.output()
            g.output("draw", pp.ops.random.Uniform(0.0, 1.0))
        return g

    fused, plain = pp.compile(build(), seed=11), pp.compile(build(), seed=11, fuse=False)
    assert "image.decode_crop" in ops_of(fused)
    one = [b for b in fused.batches(4, threads=1, stop=12)]
    two = [b for b in fused.batches(4, threads=2, stop=12)]
    again = [b for b in pp.compile(build(), seed=11).batches(4, threads=2, stop=12)]
    unfused = [b for b in plain.batches(4, threads=2, stop=12)]
    for a, b, c, u in zip(one, two, again, unfused):
        for name in ("image", "item", "draw"):
            np.testing.assert_array_equal(a[name], b[name])
            np.testing.assert_array_equal(a[name], c[name])
        np.testing.assert_array_equal(a["item"], u["item"])
        np.testing.assert_array_equal(a["draw"], u["draw"])


# -- a small JPEG read at run time, for the graph-shape tests ----------------------------------------

JPEG_H, JPEG_W = 60, 80
BOX = np.array([5, 4, 45, 40], np.float32)
_JPEG = cv2.imencode(".jpg", scene_image(JPEG_H, JPEG_W, 5))[1].ravel()


def _simple(build, **options):
    """``build(data)`` -> a node or {name: node}, on JPEG bytes that are not a constant."""
    with pp.Graph() as g:
        data = pp.Select(pp.SampleIndex() >= 0, _JPEG, _JPEG)
        out = build(data)
        for name, node in (out if isinstance(out, dict) else {"out": out}).items():
            g.output(name, node)
    return pp.compile(g, seed=0, **options)
