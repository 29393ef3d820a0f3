"""io.* and image.* through compiled pipelines, against OpenCV (cv2) and NumPy.

Tolerances: PNG decoding is exact; JPEG decoding within 2 levels of cv2.imdecode (both use
libjpeg-turbo's accurate DCT, so usually exact); resize / warp / remap within 1 level for u8 and
1e-4 for f32 of cv2 called with the continuous-convention half-pixel shift; crops, flips,
transposes and quarter turns are exact against NumPy.
"""
import struct
import zlib

import cv2
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes.ops import image, io
from op_runner import run_graph, varying

INTERPOLATIONS = ["nearest", "linear", "area", "cubic", "lanczos"]
CV_RESIZE = {"nearest": cv2.INTER_NEAREST_EXACT, "linear": cv2.INTER_LINEAR, "area": cv2.INTER_AREA,
             "cubic": cv2.INTER_CUBIC, "lanczos": cv2.INTER_LANCZOS4}
WARP_INTERPOLATIONS = ["nearest", "linear", "cubic", "lanczos"]
CV_WARP = {"nearest": cv2.INTER_NEAREST, "linear": cv2.INTER_LINEAR, "cubic": cv2.INTER_CUBIC,
           "lanczos": cv2.INTER_LANCZOS4}
BORDERS = ["constant", "replicate", "reflect", "wrap", "reflect_101"]
CV_BORDER = {"constant": cv2.BORDER_CONSTANT, "replicate": cv2.BORDER_REPLICATE, "reflect": cv2.BORDER_REFLECT,
             "wrap": cv2.BORDER_WRAP, "reflect_101": cv2.BORDER_REFLECT_101}
NP_PAD = {"constant": "constant", "replicate": "edge", "reflect": "symmetric", "wrap": "wrap",
          "reflect_101": "reflect"}
SIZES = [(1, 1), (1, 7), (6, 1), (9, 13), (16, 11)]


def run(build, *inputs, sample=0):
    return run_graph(build, *inputs, seed=0, sample=sample)


def pattern(h, w, c, dtype=np.uint8, seed=0):
    rng = np.random.default_rng(seed + 7 * h + w)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 255) // max(w - 1, 1), (y * 255) // max(h - 1, 1), ((x + y) * 9) % 256][:c]
                    + [np.full((h, w), 40 * k) for k in range(max(0, c - 3))], -1)
    img = np.clip(base + rng.integers(0, 24, size=base.shape), 0, 255)
    if dtype == np.float32:
        return (img / 255.0 - 0.25).astype(np.float32)
    return img.astype(dtype)


def to_bytes(data) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.uint8).copy()


def shift_matrix(m):
    """Continuous-convention matrix -> OpenCV's pixel-center convention."""
    t_in = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]])
    t_out = np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]])
    return t_out @ np.asarray(m, np.float64) @ t_in


def assert_close(got, want, dtype):
    assert got.shape == want.shape, (got.shape, want.shape)
    diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
    assert diff.max(initial=0) <= (1 if dtype == np.uint8 else 1e-4), diff.max()


def png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def png_raw(rows: np.ndarray, width: int, height: int, depth: int, color_type: int, extra: bytes = b"") -> bytes:
    """A PNG from already-packed rows (no filtering), for color types and depths cv2 cannot write."""
    raw = b"".join(b"\x00" + rows[r].tobytes() for r in range(height))
    header = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + extra + png_chunk(b"IDAT", zlib.compress(raw))
            + png_chunk(b"IEND", b""))


def rgb(bgr):
    return bgr[..., [2, 1, 0, 3][:bgr.shape[-1]]] if bgr.ndim == 3 else bgr[..., None]


# ------------------------------------------------------------------ io

def test_read_file_returns_the_bytes(tmp_path):
    p = tmp_path / "data.bin"
    content = bytes(range(256)) * 300
    p.write_bytes(content)
    out = run(io.ReadFile, str(p))
    assert out.dtype == np.uint8 and out.shape == (len(content),)
    assert out.tobytes() == content


def test_read_file_missing_is_an_os_error_naming_path_and_sample(tmp_path):
    missing = str(tmp_path / "nope.jpg")
    with pytest.raises(pp.PixelpipesIOError) as info:
        run(io.ReadFile, missing, sample=4)
    assert isinstance(info.value, OSError)
    assert missing in info.value.message and "No such file" in info.value.message
    assert info.value.sample == 4


# ------------------------------------------------------------------ decoding

@pytest.mark.parametrize("h,w", SIZES)
@pytest.mark.parametrize("channels", [1, 3, 4])
def test_decode_png_matches_cv2_exactly(h, w, channels):
    src = pattern(h, w, channels)
    ok, enc = cv2.imencode(".png", src if channels == 1 else src[..., [2, 1, 0, 3][:channels]])
    assert ok
    out = run(image.DecodePng, enc)
    ref = rgb(cv2.imdecode(enc, cv2.IMREAD_UNCHANGED))
    assert out.dtype == np.uint8 and np.array_equal(out, ref) and np.array_equal(out, src.reshape(ref.shape))
    color = run(lambda d: image.DecodePng(d, mode="rgb"), enc)
    assert np.array_equal(color, cv2.imdecode(enc, cv2.IMREAD_COLOR)[..., ::-1])
    generic = run(image.Decode, enc)
    assert np.array_equal(generic, color)
    gray = run(lambda d: image.DecodePng(d, mode="gray"), enc)
    assert_close(gray, cv2.imdecode(enc, cv2.IMREAD_GRAYSCALE)[..., None], np.uint8)


def test_decode_png_16_bit_is_u16_and_exact():
    src = (pattern(7, 10, 3).astype(np.uint16) * 257 + np.arange(10, dtype=np.uint16)[None, :, None])
    ok, enc = cv2.imencode(".png", src[..., ::-1])
    out = run(image.DecodePng, enc)
    assert out.dtype == np.uint16
    assert np.array_equal(out, src)
    assert np.array_equal(out, cv2.imdecode(enc, cv2.IMREAD_UNCHANGED)[..., ::-1])
    # image.decode is always u8: the high byte, as cv2.IMREAD_COLOR
    assert np.array_equal(run(image.Decode, enc), cv2.imdecode(enc, cv2.IMREAD_COLOR)[..., ::-1])


def test_decode_png_gray_alpha():
    src = pattern(5, 6, 2)
    data = png_raw(src.reshape(5, 12), 6, 5, 8, 4)
    assert np.array_equal(run(image.DecodePng, to_bytes(data)), src)
    assert np.array_equal(run(lambda d: image.DecodePng(d, mode="gray"), to_bytes(data)), src[..., :1])


def test_decode_png_palette_indices_label_map():
    # non-square: a transposed decode (the original project's bug) would scramble it
    labels = (np.arange(5 * 9).reshape(5, 9) * 7 % 5).astype(np.uint8)
    palette = np.array([[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255], [9, 99, 199]], np.uint8)
    trns = png_chunk(b"tRNS", bytes([0, 255, 255, 128]))
    data = to_bytes(png_raw(labels, 9, 5, 8, 3, png_chunk(b"PLTE", palette.tobytes()) + trns))
    out = run(lambda d: image.DecodePng(d, mode="indices"), data)
    assert out.dtype == np.uint8 and out.shape == (5, 9, 1)
    assert np.array_equal(out[..., 0], labels)
    colors = run(lambda d: image.DecodePng(d, mode="rgb"), data)
    assert np.array_equal(colors, palette[labels])
    rgba = run(image.DecodePng, data)
    assert np.array_equal(rgba, cv2.imdecode(data, cv2.IMREAD_UNCHANGED)[..., [2, 1, 0, 3]])
    # indices of a non-palette PNG is a decode error
    ok, enc = cv2.imencode(".png", pattern(3, 3, 3))
    with pytest.raises(pp.DecodeError, match="palette"):
        run(lambda d: image.DecodePng(d, mode="indices"), enc)


@pytest.mark.parametrize("h,w", SIZES + [(37, 53)])
def test_decode_jpeg_matches_cv2(h, w):
    ok, enc = cv2.imencode(".jpg", pattern(h, w, 3), [cv2.IMWRITE_JPEG_QUALITY, 90])
    out = run(image.DecodeJpeg, enc)
    ref = cv2.imdecode(enc, cv2.IMREAD_COLOR)[..., ::-1]
    assert out.shape == (h, w, 3) and out.dtype == np.uint8
    assert np.abs(out.astype(int) - ref).max() <= 2
    gray = run(lambda d: image.DecodeJpeg(d, mode="gray"), enc)
    assert np.abs(gray[..., 0].astype(int) - cv2.imdecode(enc, cv2.IMREAD_GRAYSCALE)).max() <= 2
    assert np.abs(run(image.Decode, enc).astype(int) - ref).max() <= 2


@pytest.mark.parametrize("scale,flag", [("1/2", cv2.IMREAD_REDUCED_COLOR_2), ("1/4", cv2.IMREAD_REDUCED_COLOR_4),
                                        ("1/8", cv2.IMREAD_REDUCED_COLOR_8)])
def test_decode_jpeg_dct_scaling_matches_cv2_reduced(scale, flag):
    ok, enc = cv2.imencode(".jpg", pattern(67, 45, 3))
    out = run(lambda d: image.DecodeJpeg(d, scale=scale), enc)
    ref = cv2.imdecode(enc, flag)[..., ::-1]
    assert out.shape == ref.shape
    assert np.abs(out.astype(int) - ref).max() <= 2


def test_decode_jpeg_gray_file_modes():
    ok, enc = cv2.imencode(".jpg", pattern(8, 10, 1)[..., 0])
    assert run(lambda d: image.DecodeJpeg(d, mode="unchanged"), enc).shape == (8, 10, 1)
    three = run(image.DecodeJpeg, enc)
    assert three.shape == (8, 10, 3) and (three == three[..., :1]).all()


def _corrupt_inputs():
    ok, jpg = cv2.imencode(".jpg", pattern(32, 32, 3))
    ok, png = cv2.imencode(".png", pattern(32, 32, 3))
    rng = np.random.default_rng(3)
    huge_png = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0))
    huge_jpg = bytearray(jpg.tobytes())
    sof = huge_jpg.index(b"\xff\xc0")
    huge_jpg[sof + 5:sof + 9] = struct.pack(">HH", 60000, 60000)
    return {
        "empty": (np.zeros(0, np.uint8), "empty"),
        "truncated jpeg": (jpg[:len(jpg) // 2].copy(), "JPEG"),
        "truncated png": (png[:len(png) // 2].copy(), "PNG"),
        "random bytes": (rng.integers(0, 256, 4000).astype(np.uint8), "unknown image format"),
        "jpeg start then random": (np.concatenate([jpg[:4], rng.integers(0, 256, 4000).astype(np.uint8)]), "JPEG"),
        "huge png header": (to_bytes(huge_png), "100000 x 100000"),
        "huge jpeg header": (to_bytes(huge_jpg), "60000 x 60000"),
    }


@pytest.mark.parametrize("case", list(_corrupt_inputs()))
def test_corrupt_data_is_a_decode_error_naming_the_sample(case):
    data, needle = _corrupt_inputs()[case]
    ok, good = cv2.imencode(".png", pattern(4, 4, 3))
    # sample i decodes data[i]: only sample 2 is bad
    with pp.Graph() as g:
        files = pp.Constant([good, good, data, good])
        g.output("out", image.Decode(files[pp.SampleIndex()]))
    pipeline = pp.compile(g, seed=0)
    assert pipeline.run(1)["out"].shape == (4, 4, 3)
    with pytest.raises(pp.DecodeError) as info:
        pipeline.run_many(0, 4)
    assert info.value.sample == 2
    assert needle in info.value.message
    assert "sample 2" in str(info.value)
    # the pipeline still works after the bad sample
    assert pipeline.run(3)["out"].shape == (4, 4, 3)


def test_max_pixels_attribute():
    ok, enc = cv2.imencode(".png", pattern(10, 10, 3))
    with pytest.raises(pp.DecodeError, match="max_pixels = 99"):
        run(lambda d: image.DecodePng(d, max_pixels=99), enc)
    ok, jpg = cv2.imencode(".jpg", pattern(10, 10, 3))
    with pytest.raises(pp.DecodeError, match="exceeds"):
        run(lambda d: image.DecodeJpeg(d, max_pixels=99), jpg)
    assert run(lambda d: image.Decode(d, max_pixels=100), jpg).shape == (10, 10, 3)


def test_decode_from_a_file(tmp_path):
    src = pattern(9, 7, 3)
    path = tmp_path / "x.png"
    path.write_bytes(cv2.imencode(".png", src[..., ::-1])[1].tobytes())
    out = run(lambda p: image.Decode(io.ReadFile(p)), str(path))
    assert np.array_equal(out, src)


# ------------------------------------------------------------------ properties

def test_info_width_height_channels():
    img = pattern(5, 7, 3)
    assert run(image.Info, img).tolist() == [5, 7, 3]
    assert run(image.Width, img) == 7 and run(image.Height, img) == 5 and run(image.Channels, img) == 3
    assert run(image.Info, np.zeros((4, 2), np.float32)).tolist() == [4, 2, 1]


# ------------------------------------------------------------------ resize, warp, remap

RESIZE_SIZES = [(3, 5), (13, 4), (33, 14), (8, 3), (1, 1)]


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("interpolation", [i for i in INTERPOLATIONS if i != "nearest"])
@pytest.mark.parametrize("h,w", SIZES)
def test_resize_matches_cv2(dtype, interpolation, h, w):
    img = pattern(h, w, 3, dtype)
    for oh, ow in RESIZE_SIZES + [(2 * h + 1, w + 3)]:
        out = run(lambda x: image.Resize(x, ow, oh, interpolation=interpolation), img)
        assert_close(out, cv2.resize(img, (ow, oh), interpolation=CV_RESIZE[interpolation]), dtype)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("h,w", SIZES)
def test_resize_nearest_takes_the_pixel_under_each_center(dtype, h, w):
    # exact: source index floor((i + 1/2) * n / m). cv2's INTER_NEAREST_EXACT agrees except where
    # a center falls exactly on a pixel edge, which its fixed-point arithmetic rounds down.
    img = pattern(h, w, 3, dtype)
    for oh, ow in RESIZE_SIZES + [(2 * h + 1, w + 3)]:
        out = run(lambda x: image.Resize(x, ow, oh, interpolation="nearest"), img)
        rows = ((2 * np.arange(oh) + 1) * h) // (2 * oh)
        cols = ((2 * np.arange(ow) + 1) * w) // (2 * ow)
        assert np.array_equal(out, img[rows][:, cols])
        ref = cv2.resize(img, (ow, oh), interpolation=cv2.INTER_NEAREST_EXACT)
        ties = ((2 * np.arange(oh) + 1) * h) % (2 * oh) == 0
        tie_cols = ((2 * np.arange(ow) + 1) * w) % (2 * ow) == 0
        away = ~(ties[:, None] | tie_cols[None, :])
        assert np.array_equal(out[away], ref[away])


def test_resize_keeps_rank_and_knows_its_shape():
    with pp.Graph() as g:
        g.output("out", image.Resize(varying(np.zeros((6, 8), np.float32)), 5, 4))
    pipeline = pp.compile(g)
    assert pipeline.outputs[0].shape == (4, 5)
    assert pipeline.run(0)["out"].shape == (4, 5)


def random_matrix(rng, perspective):
    a = np.array([[rng.uniform(0.7, 1.3), rng.uniform(-0.3, 0.3), rng.uniform(-3, 3)],
                  [rng.uniform(-0.3, 0.3), rng.uniform(0.7, 1.3), rng.uniform(-3, 3)], [0, 0, 1]])
    if perspective:
        a[2, :2] = rng.uniform(-0.01, 0.01, 2)
    return a.astype(np.float32)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("interpolation", WARP_INTERPOLATIONS)
@pytest.mark.parametrize("perspective", [False, True])
def test_warp_matches_cv2(dtype, border, interpolation, perspective):
    rng = np.random.default_rng(11)
    for h, w in [(9, 13), (1, 7), (16, 11)]:
        img = pattern(h, w, 3, dtype)
        m = random_matrix(rng, perspective)
        out = run(lambda x, mm: image.Warp(x, mm, w + 2, h + 1, interpolation=interpolation, border=border,
                                           border_value=3.0), img, m)
        cvm = shift_matrix(m.astype(np.float64))
        args = dict(flags=CV_WARP[interpolation], borderMode=CV_BORDER[border], borderValue=(3.0,) * 4)
        if perspective:
            ref = cv2.warpPerspective(img, cvm, (w + 2, h + 1), **args)
        else:
            ref = cv2.warpAffine(img, cvm[:2], (w + 2, h + 1), **args)
        assert_close(out, ref, dtype)


def test_warp_identity_and_singular():
    img = pattern(5, 4, 3)
    assert np.array_equal(run(lambda x, m: image.Warp(x, m, 4, 5), img, np.eye(3, dtype=np.float32)), img)
    with pytest.raises(pp.PixelpipesError, match="singular"):
        run(lambda x, m: image.Warp(x, m, 4, 5), img, np.zeros((3, 3), np.float32))


def test_warped_mask_keeps_its_labels():
    mask = (np.arange(35).reshape(5, 7) % 4).astype(np.uint8)
    m = np.array([[0.8, -0.6, 2.0], [0.6, 0.8, -1.0], [0, 0, 1]], np.float32)
    out = run(lambda x, mm: image.Warp(x, mm, 9, 8, interpolation="nearest"), mask, m)
    assert out.shape == (8, 9) and set(np.unique(out)) <= {0, 1, 2, 3}


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("interpolation", ["linear", "cubic", "lanczos"])
def test_remap_matches_cv2(dtype, border, interpolation):
    img = pattern(7, 9, 3, dtype)
    i, j = np.mgrid[0:6, 0:11].astype(np.float32)
    map_x = (-3.3 + 1.13 * j + 0.2 * i).astype(np.float32)
    map_y = (-2.1 + 1.9 * i - 0.1 * j).astype(np.float32)
    out = run(lambda x, mx, my: image.Remap(x, mx, my, interpolation=interpolation, border=border,
                                            border_value=4.0), img, map_x, map_y)
    ref = cv2.remap(img, map_x - 0.5, map_y - 0.5, CV_WARP[interpolation], borderMode=CV_BORDER[border],
                    borderValue=(4.0,) * 4)
    assert_close(out, ref, dtype)


@pytest.mark.parametrize("border", BORDERS)
def test_remap_nearest_takes_the_pixel_containing_the_point(border):
    img = pattern(4, 6, 1)
    i, j = np.mgrid[0:5, 0:8].astype(np.float32)
    map_x = (j * 1.5 - 3.0).astype(np.float32)  # hits pixel edges exactly
    map_y = (i * 1.25 - 1.0).astype(np.float32)
    out = run(lambda x, mx, my: image.Remap(x, mx, my, interpolation="nearest", border=border, border_value=9.0),
              img, map_x, map_y)
    padded = np.pad(img[..., 0], 20, mode=NP_PAD[border], **({"constant_values": 9} if border == "constant" else {}))
    want = padded[np.floor(map_y).astype(int) + 20, np.floor(map_x).astype(int) + 20]
    assert np.array_equal(out[..., 0], want)


# ------------------------------------------------------------------ crop, flip, transpose, rotate

@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_crop_clips_to_the_image(dtype):
    img = pattern(6, 8, 3, dtype)
    box = lambda *b: np.array(b, np.float32)  # noqa: E731
    assert np.array_equal(run(image.Crop, img, box(2, 1, 5, 4)), img[1:4, 2:5])
    assert np.array_equal(run(image.Crop, img, box(-3, -2, 2, 10)), img[:, :2])
    assert run(image.Crop, img, box(20, 20, 30, 30)).shape == (0, 0, 3)
    assert np.array_equal(run(image.Crop, img, box(0.6, 1.5, 3.7, 3.6)), img[2:4, 1:4])
    with pytest.raises(pp.OutOfRangeError):
        run(image.Crop, img, box(5, 0, 2, 3))


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("h,w", SIZES)
def test_crop_pad_every_border_mode(dtype, border, h, w):
    img = pattern(h, w, 2, dtype)
    x1, y1, x2, y2 = -3, -2, w + 4, h + 1
    out = run(lambda x, b: image.CropPad(x, b, border=border, border_value=2.0), img,
              np.array([x1, y1, x2, y2], np.float32))
    padded = np.pad(img, ((40, 40), (40, 40), (0, 0)), mode=NP_PAD[border],
                    **({"constant_values": 2} if border == "constant" else {}))
    assert np.array_equal(out, padded[40 + y1:40 + y2, 40 + x1:40 + x2])


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("h,w", SIZES)
def test_flip_transpose_rotate90(dtype, h, w):
    img = pattern(h, w, 3, dtype)
    assert np.array_equal(run(image.Flip, img), img[:, ::-1])
    assert np.array_equal(run(lambda x: image.Flip(x, axis="vertical"), img), img[::-1])
    assert np.array_equal(run(lambda x: image.Flip(x, axis="both"), img), img[::-1, ::-1])
    assert np.array_equal(run(image.Transpose, img), img.transpose(1, 0, 2))
    for k in [-5, -1, 0, 1, 2, 3, 6]:
        # np.rot90 turns counterclockwise as displayed, like image.rotate90
        assert np.array_equal(run(lambda x: image.Rotate90(x, k), img), np.rot90(img, k))
    gray = img[..., 0].copy()
    assert np.array_equal(run(lambda x: image.Rotate90(x, 1), gray), np.rot90(gray))


@pytest.mark.parametrize("dtype,channels", [(np.uint8, 5), (np.uint8, 7), (np.uint8, 33), (np.uint16, 5),
                                            (np.float32, 10)])
def test_transpose_and_rotate90_take_any_channel_count(dtype, channels):
    """Stacks of instance masks have any number of channels; OpenCV's transpose has kernels for
    some pixel sizes only (7 bytes used to fail with an OpenCV assertion)."""
    img = pattern(9, 13, channels, dtype)
    assert np.array_equal(run(image.Transpose, img), img.transpose(1, 0, 2))
    for k in (1, 2, 3):
        assert np.array_equal(run(lambda x: image.Rotate90(x, k), img), np.rot90(img, k))


ZERO_CHANNEL_OPS = {
    "resize_linear": (lambda x: image.Resize(x, 4, 3), (3, 4, 0)),
    "resize_nearest": (lambda x: image.Resize(x, 4, 3, interpolation="nearest"), (3, 4, 0)),
    "resize_area": (lambda x: image.Resize(x, 4, 3, interpolation="area"), (3, 4, 0)),
    "warp": (lambda x: image.Warp(x, np.eye(3, dtype=np.float32), 6, 2), (2, 6, 0)),
    "flip": (image.Flip, (5, 7, 0)),
    "transpose": (image.Transpose, (7, 5, 0)),
    "rotate90": (lambda x: image.Rotate90(x, 1), (7, 5, 0)),
    "crop_pad": (lambda x: image.CropPad(x, np.array([-1, -1, 3, 4], np.float32)), (5, 4, 0)),
}


@pytest.mark.parametrize("name", sorted(ZERO_CHANNEL_OPS))
def test_images_with_zero_channels_keep_their_geometry(name):
    """An image without objects has a stack of 0 instance masks (H x W x 0): every geometric op
    gives the output size with 0 channels (resize used to fail inside OpenCV's wrapper)."""
    build, shape = ZERO_CHANNEL_OPS[name]
    assert run(build, np.zeros((5, 7, 0), np.uint8)).shape == shape


# -- one rounding rule: half to even -----------------------------------------------------------------
HALF_BOXES = [(0.5, 1.5, 4.5, 5.5), (2.5, 0.5, 5.0, 3.5), (1.5, 2.5, 2.5, 6.5)]


def _half_even_box(box):
    x1, y1, x2, y2 = box
    x, y = round(x1), round(y1)  # Python's round: ties to even
    return x, y, round(x2 - x1), round(y2 - y1)


@pytest.mark.parametrize("box", HALF_BOXES)
def test_crops_round_half_coordinates_to_even(box):
    """image.crop, image.crop_pad and the fused decode-crop agree with Python's round at .5."""
    img = np.arange(10 * 12 * 3, dtype=np.uint8).reshape(10, 12, 3)
    x, y, w, h = _half_even_box(box)
    want = img[y:y + h, x:x + w]
    b = np.array(box, np.float32)
    assert np.array_equal(run(image.Crop, img, b), want)
    assert np.array_equal(run(image.CropPad, img, b), want)
    # the fused PNG path of decode_crop crops exactly as image.crop, then resizes (to the same size)
    png = np.frombuffer(cv2.imencode(".png", img[..., ::-1])[1].tobytes(), np.uint8)
    assert np.array_equal(run(lambda d, bb: image.DecodeCrop(d, bb, w, h), png, b), want)
