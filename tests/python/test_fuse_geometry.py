"""Geometric fusion (_compile/fuse_geometry.py): a chain of flips, resizes and warps becomes one
warp by the product of their matrices, and after RandomResizedCrop's decode -> crop -> resize one
image.decode_crop_warp that decodes only the footprint. The fused result must equal one resample
by the composed matrix, differ from the unfused chain only within the bounds measured here, keep
every random stream, and leave chains that cannot be composed alone."""
import cv2
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import augment
from pixelpipes.ops import image, io, random, tensor

from test_fusion import ops_of, row, write_jpeg
from test_image_formats import exif_jpeg
from test_jpeg_crop import smooth


def rotation(degrees, cx, cy):
    """Continuous-coordinate rotation about (cx, cy), source -> destination (y down)."""
    a = np.radians(degrees)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, cx - c * cx + s * cy], [s, c, cy - s * cx - c * cy], [0, 0, 1]])


def opencv_warp(src, matrix, w, h, interpolation=cv2.INTER_LINEAR, value=0):
    """One resample of src by a continuous-coordinate matrix, as OpenCV does it (centers at integers)."""
    shift = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]])
    m = np.linalg.inv(shift) @ matrix @ shift
    return cv2.warpAffine(src, m[:2], (w, h), flags=interpolation, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=(value,) * 4)


def mean_abs(a, b):
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


# In-memory sources: one per sample, picked at run time so that nothing is folded.
SOURCES = [smooth(150, 200, 3, k) for k in range(4)]
ANGLES = np.array([0.0, 9.0, -23.0, 41.0], np.float32)


def in_memory_chain(fuse, interpolation="linear"):
    with pp.Graph() as g:
        i = pp.SampleIndex()
        x = pp.Constant(SOURCES)[i]
        x = image.Resize(x, 120, 90, interpolation=interpolation)
        x = image.Flip(x, axis="horizontal")
        angle = tensor.Reshape(tensor.Slice(pp.Constant(ANGLES), i, i + 1), shape=[])
        from pixelpipes.ops import geometry
        m = geometry.Rotate(angle, 60.0, 45.0)
        g.output("image", image.Warp(x, m, 100, 80, interpolation=interpolation, border="constant",
                                     border_value=7.0))
    return pp.compile(g, seed=0, fuse=fuse)


def test_an_in_memory_chain_is_one_warp_by_the_composed_matrix():
    fused, plain = in_memory_chain(True), in_memory_chain(False)
    ops = ops_of(fused)
    assert ops.count("image.warp") == 1 and "image.flip" not in ops and "image.resize" not in ops
    assert {"image.flip", "image.resize", "image.warp"} <= set(ops_of(plain))
    for k, src in enumerate(SOURCES):
        resize = np.diag([120 / 200, 90 / 150, 1.0])
        flip = np.array([[-1, 0, 120], [0, 1, 0], [0, 0, 1.0]])
        # geometry.rotate turns counterclockwise as displayed: the negated angle of our rotation()
        composed = rotation(-float(ANGLES[k]), 60, 45) @ flip @ resize
        want = opencv_warp(src, composed, 100, 80, value=7)
        got = fused.run(k)["image"]
        d = np.abs(got.astype(int) - want.astype(int))
        # the composed matrix is f32 in the program: a coordinate may round to the next 1/32 pixel
        assert d.max() <= 1 and d.mean() < 0.02, (k, d.max(), d.mean())
        # against the unfused chain: only the intermediate resample's blur and rounding differ
        # (measured: 0.08 without rotation, 0.60-0.65 with)
        assert mean_abs(got, plain.run(k)["image"]) < 1.0


def test_a_nearest_chain_composes_too_and_keeps_the_values():
    labels = [(np.arange(150 * 200).reshape(150, 200) // 977 % 5).astype(np.uint8) for _ in range(2)]
    def build(fuse):
        with pp.Graph() as g:
            i = pp.SampleIndex()
            x = image.Resize(pp.Constant(labels)[i], 120, 90, interpolation="nearest")
            x = image.Warp(image.Flip(x, axis="vertical"),
                           np.array([[1, 0.1, 3], [0, 1, -2], [0, 0, 1]], np.float32), 100, 80,
                           interpolation="nearest")
            g.output("mask", x)
        return pp.compile(g, seed=0, fuse=fuse)
    fused, plain = build(True), build(False)
    assert ops_of(fused).count("image.warp") == 1 and "image.resize" not in ops_of(fused)
    a, b = fused.run(0)["mask"], plain.run(0)["mask"]
    assert set(np.unique(a)) <= set(range(5))
    assert (a != b).mean() < 0.03   # nearest picks differ only next to label edges


def photo_files(tmp_path, n=6):
    sizes = [(375, 500), (480, 640), (333, 517), (600, 450), (240, 320), (512, 512)]
    return [write_jpeg(tmp_path / f"p{k}.jpg", smooth(*sizes[k % len(sizes)], 3, k)) for k in range(n)]


def heavy(files, fuse, degrees=15.0, p=0.5):
    with pp.Graph() as g:
        data = io.ReadFile(pp.Constant(files)[pp.dataset_item(len(files))])
        img = augment.RandomResizedCrop(image.DecodeJpeg(data), 96, interpolation="linear")
        img = augment.RandomHorizontalFlip(img, p=p)
        img = augment.RandomAffine(img, degrees=degrees, interpolation="linear")
        g.output("image", img)
        g.output("after", random.Uniform(0.0, 1.0))   # a random stream drawn after the chain
    return pp.compile(g, seed=3, fuse=fuse)


def test_random_resized_crop_flip_and_affine_become_one_footprint_decode(tmp_path):
    files = photo_files(tmp_path)
    fused, full, plain = (heavy(files, f) for f in (True, "full_scale", False))
    for p in (fused, full):
        ops = ops_of(p)
        assert "image.decode_crop_warp" in ops
        assert not {"image.decode_jpeg", "image.crop", "image.resize", "image.flip", "image.warp",
                    "image.decode_jpeg_crop"} & set(ops)
    means = {"fused": [], "full": []}
    for i in range(24):
        want = plain.run(i)
        for name, p in (("fused", fused), ("full", full)):
            got = p.run(i)
            assert got["after"] == want["after"]            # no random stream moved
            means[name].append(mean_abs(got["image"], want["image"]))
    # Measured on these smooth photos (24 samples): full scale mean 0.86, at most 1.10 (one
    # resample instead of two); DCT-scaled mean 0.90, at most 1.26 (the scaled IDCT averages, box
    # edges snap to the scaled grid). A wrong matrix (a flip the wrong way, a box misplaced) is
    # tens of levels off.
    assert max(means["full"]) < 1.6, means["full"]
    assert max(means["fused"]) < 2.0, means["fused"]
    assert np.mean(means["fused"]) < 1.3
    # the DCT-scaled decode is really taken: it differs from the full-scale one on some samples
    assert any((fused.run(i)["image"] != full.run(i)["image"]).any() for i in range(24))


def test_the_fused_decode_is_one_resample_of_the_full_decode(tmp_path):
    """At full scale the fused op equals one warp of the decoded image by the composed matrix
    (crop translation, resize scaling, the chain), up to libjpeg's chroma upsampling at the
    decoded region's edge columns."""
    files = photo_files(tmp_path, 4)
    boxes = np.array([[40, 30, 360, 290], [0, 0, 640, 480], [100.0, 50.0, 300.0, 250.0], [10, 300, 440, 590]],
                     np.float32)
    angles = np.array([12.0, -30.0, 5.0, 90.0], np.float32)
    with pp.Graph() as g:
        i = pp.SampleIndex()
        data = io.ReadFile(pp.Constant(files)[i])
        box = row(boxes, i, 4)
        from pixelpipes.ops import geometry
        angle = tensor.Reshape(tensor.Slice(pp.Constant(angles), i, i + 1), shape=[])
        x = image.Resize(image.Crop(image.DecodeJpeg(data), box), 80, 64)
        g.output("image", image.Warp(x, geometry.Rotate(angle, 40.0, 32.0), 72, 72, border_value=3.0))
    fused = pp.compile(g, seed=0, fuse="full_scale")
    assert "image.decode_crop_warp" in ops_of(fused)
    with pp.Graph() as g2:
        g2.output("image", image.DecodeJpeg(io.ReadFile(pp.Constant(files)[pp.SampleIndex()])))
    decoded = pp.compile(g2, seed=0)
    for k in range(4):
        x1, y1, x2, y2 = (int(v) for v in boxes[k])
        box = decoded.run(k)["image"][y1:y2, x1:x2]
        matrix = rotation(-float(angles[k]), 40, 32) @ np.diag([80 / (x2 - x1), 64 / (y2 - y1), 1])
        want = opencv_warp(np.ascontiguousarray(box), matrix, 72, 72, value=3)
        got = fused.run(k)["image"]
        d = np.abs(got.astype(int) - want.astype(int))
        assert d.mean() < 0.3 and np.percentile(d, 99) <= 3, (k, d.mean(), d.max())
        # the box is the image's edge: outside it, the border value (away from the edge's blend)
        inside = opencv_warp(np.full(box.shape[:2], 255, np.uint8), matrix, 72, 72)
        assert (inside == 0).any() and (got[inside == 0] == 3).all()


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientations_fold_into_the_matrix(tmp_path, orientation):
    stored = smooth(120, 160, 3, orientation)
    path = tmp_path / f"o{orientation}.jpg"
    path.write_bytes(exif_jpeg(stored, orientation))
    def build(fuse):
        from pixelpipes.ops import geometry
        with pp.Graph() as g:
            data = io.ReadFile(pp.Constant([str(path)])[pp.SampleIndex()])
            x = image.Resize(image.Crop(image.DecodeJpeg(data), np.array([10, 20, 100, 110], np.float32)), 60, 50)
            g.output("image", image.Warp(image.Flip(x), geometry.Rotate(10.0, 30.0, 25.0), 64, 48))
        return pp.compile(g, seed=0, fuse=fuse)
    fused, plain = build("full_scale"), build(False)
    assert "image.decode_crop_warp" in ops_of(fused)
    a, b = fused.run(0)["image"], plain.run(0)["image"]
    assert a.shape == b.shape == (48, 64, 3)
    assert mean_abs(a, b) < 1.0


def test_an_output_that_misses_the_box_is_all_border(tmp_path):
    files = photo_files(tmp_path, 1)
    def build(fuse):
        with pp.Graph() as g:
            data = io.ReadFile(pp.Constant(files)[pp.SampleIndex()])
            x = image.Resize(image.Crop(image.DecodeJpeg(data), np.array([0, 0, 200, 200], np.float32)), 50, 50)
            far = np.array([[1, 0, 500], [0, 1, 0], [0, 0, 1]], np.float32)
            g.output("image", image.Warp(x, far, 40, 30, border_value=9.0))
        return pp.compile(g, seed=0, fuse=fuse)
    fused, plain = build(True), build(False)
    assert "image.decode_crop_warp" in ops_of(fused)
    assert (fused.run(0)["image"] == 9).all() and (plain.run(0)["image"] == 9).all()


def chain_ops(build):
    with pp.Graph() as g:
        x = pp.Constant(SOURCES)[pp.SampleIndex()]
        build(g, x)
    return ops_of(pp.compile(g, seed=0))


M = np.array([[1, 0.2, 0], [0, 1, 0], [0, 0, 1]], np.float32)


def test_chains_that_cannot_be_composed_stay_as_written():
    def flip_is_an_output(g, x):
        f = image.Flip(x)
        g.output("flipped", f)
        g.output("image", image.Warp(f, M, 50, 50))
    def area_resize(g, x):
        g.output("image", image.Warp(image.Resize(x, 60, 60, interpolation="area"), M, 50, 50))
    def antialiased_resize(g, x):
        g.output("image", image.Warp(image.Resize(x, 60, 60, antialias=True), M, 50, 50))
    def reflect_then_warp(g, x):
        g.output("image", image.Warp(image.Warp(x, M, 60, 60, border="reflect"), M, 50, 50))
    def different_fill(g, x):
        g.output("image", image.Warp(image.Warp(x, M, 60, 60, border_value=1.0), M, 50, 50))
    def nearest_then_linear(g, x):
        g.output("image", image.Warp(image.Warp(x, M, 60, 60, interpolation="nearest"), M, 50, 50))
    for build in (flip_is_an_output, area_resize, antialiased_resize, reflect_then_warp, different_fill,
                  nearest_then_linear):
        ops = chain_ops(build)
        assert len([o for o in ops if o in ("image.warp", "image.flip", "image.resize")]) == 2, (build.__name__, ops)
    # a replicate border on the last (only) warp still composes with the resize before it
    ops = chain_ops(lambda g, x: g.output("image", image.Warp(image.Resize(x, 60, 60), M, 50, 50,
                                                                      border="replicate")))
    assert ops.count("image.warp") == 1 and "image.resize" not in ops


def test_a_border_the_fused_decode_cannot_take_keeps_the_crop_decode(tmp_path):
    files = photo_files(tmp_path, 2)
    with pp.Graph() as g:
        data = io.ReadFile(pp.Constant(files)[pp.dataset_item(len(files))])
        img = augment.RandomResizedCrop(image.DecodeJpeg(data), 64)
        img = augment.RandomHorizontalFlip(img)
        g.output("image", augment.RandomAffine(img, degrees=10, interpolation="linear", border="reflect"))
    ops = ops_of(pp.compile(g, seed=0))
    # the flip composes into the warp; the resize stays in the fused decode of the crop
    assert "image.decode_jpeg_crop" in ops and ops.count("image.warp") == 1
    assert not {"image.decode_jpeg", "image.flip", "image.resize", "image.decode_crop_warp"} & set(ops)


def test_fused_chains_give_the_same_bits_on_any_thread_count(tmp_path):
    files = photo_files(tmp_path)
    p = heavy(files, True)
    one = [b["image"].copy() for b in p.batches(4, threads=1, stop=16)]
    two = [b["image"].copy() for b in p.batches(4, threads=2, stop=16)]
    assert len(one) == len(two) == 4
    assert all((a == b).all() for a, b in zip(one, two))


def test_only_the_footprint_is_decoded(tmp_path):
    """The output shows the top quarter of the photo: a file cut short in its lower half still
    decodes fused (its rows are never read), while the unfused chain's full decode fails; and the
    fused pixels are those of the whole file."""
    whole = tmp_path / "whole.jpg"
    write_jpeg(whole, smooth(480, 640, 3, 5))
    cut = tmp_path / "cut.jpg"
    data = whole.read_bytes()
    cut.write_bytes(data[:len(data) * 6 // 10])
    def build(path, fuse):
        with pp.Graph() as g:
            x = image.DecodeJpeg(io.ReadFile(pp.Constant([str(path)])[pp.SampleIndex()]))
            x = image.Resize(image.Crop(x, np.array([0, 0, 640, 480], np.float32)), 320, 240)
            g.output("image", image.Warp(x, np.eye(3, dtype=np.float32), 100, 60))
        return pp.compile(g, seed=0, fuse=fuse)
    fused = build(cut, "full_scale")
    assert "image.decode_crop_warp" in ops_of(fused)
    got = fused.run(0)["image"]
    with pytest.raises(pp.DecodeError):
        build(cut, False).run(0)
    assert mean_abs(got, build(whole, False).run(0)["image"]) < 1.0
