"""image.decode on WebP, BMP, TIFF and PNM, 16-bit files as u16, and JPEG EXIF orientation.

Real photographs (examples/data/photos) are re-encoded in each format by Pillow or OpenCV and
decoded by PixelPipes. Lossless formats must equal the pixels that were written (and Pillow's or
OpenCV's decode of the same file) exactly; lossy WebP must equal libwebp's decode through
cv2.imdecode exactly. 16-bit PNG, TIFF and PNM samples come back exactly as u16. Corrupt variants
of each format (truncated, bad header, huge declared size) fail with a DecodeError naming the
file and the sample. JPEGs carrying each of the 8 EXIF orientations decode upright: exactly our
own decode of the stored pixels turned by NumPy, and exactly Pillow's ImageOps.exif_transpose
(both use libjpeg-turbo's default decoding; measured difference 0).
"""
import io as pyio
import os
import struct

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

import pixelpipes as pp
from pixelpipes import datasets
from pixelpipes.ops import image, io
from op_runner import run_graph

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "photos")


def photo(name="chelsea.jpg", h=96, w=128):
    """An RGB crop of a real photograph (small: the tests stay quick)."""
    bgr = cv2.imread(os.path.join(PHOTOS, name), cv2.IMREAD_COLOR)
    y, x = (bgr.shape[0] - h) // 2, (bgr.shape[1] - w) // 2
    return np.ascontiguousarray(bgr[y:y + h, x:x + w, ::-1])


def photo16(name="coffee.jpg", h=40, w=56):
    """16-bit RGB from a photograph: 257 * value plus fine detail in the low byte."""
    rgb = photo(name, h, w).astype(np.uint16)
    low = (np.arange(h * w * 3, dtype=np.uint16).reshape(h, w, 3) * 37) % 256
    return rgb * 256 + low


def decode(data, **attrs):
    return run_graph(lambda d: image.Decode(d, **attrs), np.frombuffer(bytes(data), np.uint8).copy())


def pil_bytes(img, fmt, **kw):
    buf = pyio.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def cv_bytes(ext, img):
    ok, enc = cv2.imencode(ext, img)
    assert ok
    return enc.tobytes()


def pil_array(data, mode=None):
    img = Image.open(pyio.BytesIO(data))
    return np.asarray(img.convert(mode) if mode else img)


def gray_of(rgb):
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)[..., None]


# -- a small TIFF writer: strips or tiles, interleaved or planar, 8 or 16 bits, any channels ------
def tiff_bytes(img, tile=None, planar=False, photometric=None):
    """Uncompressed little-endian TIFF of an H x W x C u8/u16 array."""
    h, w, c = img.shape
    bits = img.dtype.itemsize * 8
    photometric = photometric if photometric is not None else (2 if c in (3, 4) else 1)
    planes = [img[..., k:k + 1] for k in range(c)] if planar else [img]
    blocks = []  # raw bytes of each strip or tile, plane after plane
    for plane in planes:
        if tile:
            th, tw = tile
            for y in range(0, h, th):
                for x in range(0, w, tw):
                    block = np.zeros((th, tw, plane.shape[2]), img.dtype)
                    part = plane[y:y + th, x:x + tw]
                    block[:part.shape[0], :part.shape[1]] = part
                    blocks.append(block.astype(img.dtype.newbyteorder("<")).tobytes())
        else:
            rows = 8
            for y in range(0, h, rows):
                blocks.append(np.ascontiguousarray(plane[y:y + rows]).astype(img.dtype.newbyteorder("<")).tobytes())
    extra = c - (3 if photometric == 2 else 1)
    entries = []  # (tag, type, values): type 3 SHORT, 4 LONG
    entries += [(256, 4, [w]), (257, 4, [h]), (258, 3, [bits] * c), (259, 3, [1]), (262, 3, [photometric]),
                (277, 3, [c]), (284, 3, [2 if planar else 1])]
    if extra > 0:
        entries.append((338, 3, [0] * extra))
    if tile:
        entries += [(322, 4, [tile[1]]), (323, 4, [tile[0]])]
    else:
        entries.append((278, 4, [8]))
    offsets_tag, counts_tag = (324, 325) if tile else (273, 279)
    entries += [(offsets_tag, 4, [0] * len(blocks)), (counts_tag, 4, [len(b) for b in blocks])]
    entries.sort()
    n = len(entries)
    ifd_size = 2 + 12 * n + 4
    out_of_line = bytearray()
    data_at = 8 + ifd_size
    # values that do not fit in 4 bytes go after the IFD, then the pixel blocks
    layout = []
    for tag, typ, vals in entries:
        size = (2 if typ == 3 else 4) * len(vals)
        layout.append(size > 4)
        if size > 4:
            out_of_line += b"\0" * size
    pixels_at = data_at + len(out_of_line)
    offsets = []
    pos = pixels_at
    for b in blocks:
        offsets.append(pos)
        pos += len(b)
    ifd = struct.pack("<H", n)
    extra_bytes = bytearray()
    for (tag, typ, vals), outside in zip(entries, layout):
        if tag == offsets_tag:
            vals = offsets
        fmt = "<" + ("H" if typ == 3 else "I") * len(vals)
        packed = struct.pack(fmt, *vals)
        if outside:
            ifd += struct.pack("<HHII", tag, typ, len(vals), data_at + len(extra_bytes))
            extra_bytes += packed
        else:
            ifd += struct.pack("<HHI", tag, typ, len(vals)) + packed.ljust(4, b"\0")
    ifd += struct.pack("<I", 0)
    return b"II*\0" + struct.pack("<I", 8) + ifd + bytes(extra_bytes) + b"".join(blocks)


def bmp_v4_rgba(rgba):
    """A 32-bit top-down BMP with a BITMAPV4HEADER and an alpha bit field."""
    h, w, _ = rgba.shape
    pixels = np.ascontiguousarray(rgba[..., [2, 1, 0, 3]]).tobytes()  # B, G, R, A
    v4 = struct.pack("<IiiHHIIiiII", 108, w, -h, 1, 32, 3, len(pixels), 2835, 2835, 0, 0)
    v4 += struct.pack("<IIII", 0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000) + b"BGRs" + b"\0" * 48
    head = b"BM" + struct.pack("<IHHI", 14 + len(v4) + len(pixels), 0, 0, 14 + len(v4))
    return head + v4 + pixels


# -- lossless formats: exact ------------------------------------------------------------------------
def lossless_cases():
    rgb = photo()
    gray = gray_of(rgb)
    rgba = np.dstack([rgb, (np.arange(rgb.shape[1]) * 2 % 256).astype(np.uint8)[None, :].repeat(rgb.shape[0], 0)])
    pal = Image.fromarray(rgb).quantize(colors=16)
    five = np.dstack([rgb, gray[..., 0], 255 - gray[..., 0]])
    return {
        # name: (bytes, expected pixels with mode "unchanged")
        "bmp rgb24 (PIL)": (pil_bytes(Image.fromarray(rgb), "BMP"), rgb),
        "bmp rgb24 (cv2)": (cv_bytes(".bmp", rgb[..., ::-1]), rgb),
        "bmp gray8 palette": (pil_bytes(Image.fromarray(gray[..., 0]), "BMP"), gray),
        "bmp palette8": (pil_bytes(pal, "BMP"), pil_array(pil_bytes(pal, "PNG"), "RGB")),
        "bmp 1-bit": (pil_bytes(Image.fromarray(gray[..., 0] > 120), "BMP"), np.where(gray > 120, 255, 0).astype(np.uint8)),
        # a plain 32-bit BMP's fourth byte is padding (Pillow and OpenCV read 3 channels too)
        "bmp rgbx32": (pil_bytes(Image.fromarray(rgba), "BMP"), rgb),
        "bmp rgba32 bit fields": (bmp_v4_rgba(rgba), rgba),
        "tiff rgb (PIL)": (pil_bytes(Image.fromarray(rgb), "TIFF"), rgb),
        "tiff rgb lzw": (pil_bytes(Image.fromarray(rgb), "TIFF", compression="tiff_lzw"), rgb),
        "tiff rgb deflate": (pil_bytes(Image.fromarray(rgb), "TIFF", compression="tiff_adobe_deflate"), rgb),
        "tiff gray": (pil_bytes(Image.fromarray(gray[..., 0]), "TIFF"), gray),
        "tiff rgba": (pil_bytes(Image.fromarray(rgba), "TIFF"), rgba),
        "tiff palette": (pil_bytes(pal, "TIFF"), pil_array(pil_bytes(pal, "PNG"), "RGB")),
        "tiff 1-bit": (pil_bytes(Image.fromarray(gray[..., 0] > 120), "TIFF"), np.where(gray > 120, 255, 0).astype(np.uint8)),
        "tiff 5 channels": (tiff_bytes(five), five),
        "tiff 5 channels planar": (tiff_bytes(five, planar=True), five),
        "tiff tiled": (tiff_bytes(rgb, tile=(32, 48)), rgb),
        "tiff tiled planar": (tiff_bytes(rgb, tile=(16, 16), planar=True), rgb),
        "tiff multi-page (first)": (pil_bytes(Image.fromarray(rgb), "TIFF", save_all=True,
                                              append_images=[Image.fromarray(rgb[::-1].copy())]), rgb),
        "pgm P5": (cv_bytes(".pgm", gray[..., 0]), gray),
        "ppm P6": (cv_bytes(".ppm", rgb[..., ::-1]), rgb),
        "pbm P4": (pil_bytes(Image.fromarray(gray[..., 0] > 120), "PPM"), np.where(gray > 120, 255, 0).astype(np.uint8)),
        "pgm P2 text": (b"P2\n# a comment\n3 2\n255\n0 10 20\n30 40 255\n", np.array([[0, 10, 20], [30, 40, 255]], np.uint8)[..., None]),
        "ppm P3 text": (b"P3 2 1 255 1 2 3 4 5 6", np.array([[[1, 2, 3], [4, 5, 6]]], np.uint8)),
        "pbm P1 text": (b"P1\n3 2\n0 1 0\n1 1 0\n", np.array([[255, 0, 255], [0, 0, 255]], np.uint8)[..., None]),
        "webp lossless": (pil_bytes(Image.fromarray(rgb), "WEBP", lossless=True), rgb),
        "webp lossless rgba": (pil_bytes(Image.fromarray(rgba), "WEBP", lossless=True, exact=True), rgba),
    }


@pytest.mark.parametrize("case", sorted(lossless_cases()))
def test_lossless_formats_decode_exactly(case):
    data, want = lossless_cases()[case]
    got = decode(data, mode="unchanged")
    assert got.dtype == np.uint8 and got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_array_equal(got, want)
    # the same pixels as Pillow's decode of the same file (PIL reads only what it supports)
    if "tiff 5" not in case and "tiled" not in case:
        img = Image.open(pyio.BytesIO(data))
        theirs = np.asarray(img.convert({"P": "RGB", "1": "L"}.get(img.mode, img.mode)))
        np.testing.assert_array_equal(got, theirs.reshape(got.shape))
    # rgb and gray modes: channels dropped or replicated, luma as OpenCV's RGB2GRAY
    rgb = decode(data, mode="rgb")
    c = want.shape[2]
    want_rgb = np.repeat(want[..., :1], 3, 2) if c in (1, 2) else want[..., :3]
    np.testing.assert_array_equal(rgb, want_rgb)
    g = decode(data, mode="gray")
    np.testing.assert_array_equal(g, want[..., :1] if c in (1, 2) else gray_of(np.ascontiguousarray(want[..., :3])))
    # image.decoded_size reads the same size from the header alone
    size = run_graph(image.DecodedSize, np.frombuffer(data, np.uint8).copy())
    assert list(size) == list(want.shape[:2])


def test_lossy_webp_equals_libwebp_through_cv2():
    rgb = photo("astronaut.jpg", 120, 90)
    for quality in (30, 90):
        data = pil_bytes(Image.fromarray(rgb), "WEBP", quality=quality)
        want = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)[..., ::-1]
        np.testing.assert_array_equal(decode(data), want)
        np.testing.assert_array_equal(decode(data, mode="unchanged"), want)  # no alpha: 3 channels


# -- 16 bits end to end ---------------------------------------------------------------------------
def sixteen_bit_cases():
    rgb = photo16()
    gray = rgb[..., 1:2]
    return {
        "png rgb16": (cv_bytes(".png", rgb[..., ::-1]), rgb),
        "png gray16": (cv_bytes(".png", gray[..., 0]), gray),
        "tiff rgb16 (cv2)": (cv_bytes(".tiff", rgb[..., ::-1]), rgb),
        "tiff gray16 (PIL)": (pil_bytes(Image.fromarray(gray[..., 0]), "TIFF"), gray),
        "tiff 16-bit 4 channels tiled": (tiff_bytes(np.dstack([rgb, gray]), tile=(16, 32)), np.dstack([rgb, gray])),
        "pgm P5 16-bit": (cv_bytes(".pgm", gray[..., 0]), gray),
        "ppm P6 16-bit": (cv_bytes(".ppm", rgb[..., ::-1]), rgb),
    }


@pytest.mark.parametrize("case", sorted(sixteen_bit_cases()))
def test_sixteen_bit_files_are_u16_end_to_end(case):
    data, want = sixteen_bit_cases()[case]
    got = decode(data, mode="unchanged", dtype="u16")
    assert got.dtype == np.uint16
    np.testing.assert_array_equal(got, want)
    # the default stays u8: the high byte, as image.decode always gave for 16-bit PNGs
    low = decode(data, mode="unchanged")
    assert low.dtype == np.uint8
    np.testing.assert_array_equal(low, (want >> 8).astype(np.uint8))


def test_u16_of_8_bit_files_scales_by_257():
    rgb = photo()
    for data in (cv_bytes(".png", rgb[..., ::-1]), cv_bytes(".jpg", rgb[..., ::-1]), cv_bytes(".bmp", rgb[..., ::-1])):
        eight, sixteen = decode(data), decode(data, dtype="u16")
        assert sixteen.dtype == np.uint16
        np.testing.assert_array_equal(sixteen, eight.astype(np.uint16) * 257)


def test_decode_dtype_is_known_at_compile_time():
    with pp.Graph() as g:
        g.output("a", image.Decode(io.ReadFile(pp.Constant("x.tif")), dtype="u16"))
        g.output("b", image.Decode(io.ReadFile(pp.Constant("x.tif"))))
    p = pp.compile(g)
    types = {o.name: (o.dtype, tuple(o.shape)) for o in p.outputs}
    assert types == {"a": ("u16", (None, None, 3)), "b": ("u8", (None, None, 3))}


@pytest.mark.parametrize("case", ["bmp rgb24 (PIL)", "tiff rgb16 (cv2)", "webp lossless", "ppm P6 16-bit"])
def test_decode_crop_of_other_formats_is_the_u8_chain(case):
    data = {**lossless_cases(), **sixteen_bit_cases()}[case][0]
    d = np.frombuffer(data, np.uint8).copy()
    full = decode(data)  # u8, as decode_crop's output
    box = np.array([3, 5, 27, 29], np.float32)
    got = run_graph(lambda x, b: image.DecodeCrop(x, b, 12, 8), d, box)
    assert got.dtype == np.uint8 and got.shape == (8, 12, 3)
    want = cv2.resize(np.ascontiguousarray(full[5:29, 3:27]), (12, 8), interpolation=cv2.INTER_LINEAR)
    assert np.abs(got.astype(int) - want.astype(int)).max() <= 1


# -- corrupt data: clean errors naming the file and the sample ---------------------------------
def corrupt_cases():
    rgb = photo(h=32, w=40)
    webp = pil_bytes(Image.fromarray(rgb), "WEBP", quality=80)
    bmp = pil_bytes(Image.fromarray(rgb), "BMP")
    tif = pil_bytes(Image.fromarray(rgb), "TIFF")
    ppm = cv_bytes(".ppm", rgb[..., ::-1])
    huge_bmp = bytearray(bmp)
    huge_bmp[18:26] = struct.pack("<ii", 100000, 100000)
    bad_bmp = bytearray(bmp)
    bad_bmp[28:30] = struct.pack("<H", 7)  # 7 bits per pixel
    huge_tif = tiff_bytes(rgb).replace(struct.pack("<HHII", 256, 4, 1, 40), struct.pack("<HHII", 256, 4, 1, 100000))
    huge_tif = huge_tif.replace(struct.pack("<HHII", 257, 4, 1, 32), struct.pack("<HHII", 257, 4, 1, 100000))
    bad_webp = bytearray(webp)
    bad_webp[12:16] = b"XXXX"  # no VP8/VP8L/VP8X chunk
    # a lossless WebP header declaring 16384 x 16384 (14-bit sides minus one) on a few bytes
    huge_webp = b"RIFF" + struct.pack("<I", 4 + 8 + 10) + b"WEBPVP8L" + struct.pack("<I", 10) + \
        b"\x2f" + struct.pack("<I", 0x3FFF | (0x3FFF << 14)) + b"\0" * 5
    return {
        "webp truncated": (webp[:len(webp) // 2], "WebP"),
        "webp bad header": (bytes(bad_webp), "invalid WebP data"),
        "webp huge": (huge_webp, "16384 x 16384"),
        "bmp truncated": (bmp[:len(bmp) // 2], "truncated"),
        "bmp bad header": (bytes(bad_bmp), "7 bits per pixel"),
        "bmp huge": (bytes(huge_bmp), "100000 x 100000"),
        "tiff truncated": (tif[:len(tif) // 2], "TIFF"),
        "tiff bad header": (b"II*\0" + struct.pack("<I", 10 ** 6) + b"\0" * 32, "invalid TIFF data"),
        "tiff huge": (huge_tif, "100000 x 100000"),
        "pnm truncated": (ppm[:len(ppm) // 2], "truncated"),
        "pnm bad header": (b"P6\n12 x 10\n255\n" + b"\0" * 360, "invalid PNM data"),
        "pnm huge": (b"P5\n100000 100000\n255\n" + b"\0" * 64, "100000 x 100000"),
    }


@pytest.mark.parametrize("case", sorted(corrupt_cases()))
def test_corrupt_files_fail_naming_file_and_sample(tmp_path, case):
    data, needle = corrupt_cases()[case]
    good = tmp_path / "good.png"
    good.write_bytes(cv_bytes(".png", photo(h=8, w=8)))
    bad = tmp_path / ("bad" + {"webp": ".webp", "bmp": ".bmp", "tiff": ".tif", "pnm": ".ppm"}[case.split()[0]])
    bad.write_bytes(data)
    files = [str(good), str(good), str(bad)]
    with pp.Graph() as g:
        g.output("out", image.Decode(io.ReadFile(pp.Constant(files)[pp.SampleIndex()]), max_pixels=1 << 26))
    p = pp.compile(g)
    assert p.run(0)["out"].shape == (8, 8, 3)
    with pytest.raises(pp.DecodeError) as e:
        p.run(2)
    err = e.value
    assert err.sample == 2 and err.file == str(bad) and err.op == "image.decode"
    assert needle in err.message, err.message
    assert f"file '{bad}'" in str(err) and "sample 2" in str(err)
    assert p.run(1)["out"].shape == (8, 8, 3)  # the pipeline goes on


def test_unknown_formats_say_which_are_known():
    with pytest.raises(pp.DecodeError, match="no JPEG, PNG, WebP, BMP, TIFF or PNM signature"):
        decode(b"GIF89a" + b"\0" * 40)


# -- EXIF orientation -----------------------------------------------------------------------
# How each orientation stores an upright image (the inverse of what exif_transpose does).
STORE = {
    1: lambda a: a,
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: a.transpose(1, 0, 2),
    6: lambda a: np.rot90(a, 1),    # stored a quarter turn counterclockwise; shown turned clockwise
    7: lambda a: a[::-1, ::-1].transpose(1, 0, 2),
    8: lambda a: np.rot90(a, -1),
}
# What exif_transpose does to the stored pixels (PIL's ImageOps.exif_transpose table, in NumPy).
UPRIGHT = {
    1: lambda a: a,
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: a.transpose(1, 0, 2),
    6: lambda a: np.rot90(a, -1),
    7: lambda a: a.transpose(1, 0, 2)[::-1, ::-1],
    8: lambda a: np.rot90(a, 1),
}


def exif_jpeg(stored, orientation, exif=None):
    img = Image.fromarray(np.ascontiguousarray(stored))
    if exif is None:
        e = Image.Exif()
        e[0x0112] = orientation
        exif = e.tobytes()
    return pil_bytes(img, "JPEG", quality=92, exif=exif)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientations_decode_upright(orientation):
    upright = photo("rocket.jpg", 48, 80)  # not square: a wrong transpose changes the shape
    stored = STORE[orientation](upright)
    assert np.array_equal(UPRIGHT[orientation](stored), upright)  # the two tables agree
    data = exif_jpeg(stored, orientation)
    raw = decode(data, exif_orientation=False)
    assert raw.shape == stored.shape
    got = decode(data)
    assert got.shape == upright.shape
    np.testing.assert_array_equal(got, UPRIGHT[orientation](raw))
    # PIL: the same libjpeg-turbo decode, then exif_transpose
    theirs = np.asarray(ImageOps.exif_transpose(Image.open(pyio.BytesIO(data))).convert("RGB"))
    np.testing.assert_array_equal(got, theirs)
    # image.decode_jpeg too, and the header readers give the upright size
    np.testing.assert_array_equal(run_graph(image.DecodeJpeg, np.frombuffer(data, np.uint8).copy()), got)
    for op in (image.DecodedSize, image.JpegSize):
        assert list(run_graph(op, np.frombuffer(data, np.uint8).copy())) == list(upright.shape[:2])
        assert list(run_graph(lambda d: op(d, exif_orientation=False), np.frombuffer(data, np.uint8).copy())) == \
            list(stored.shape[:2])


@pytest.mark.parametrize("orientation", range(1, 9))
def test_fused_crop_takes_its_box_in_upright_pixels(orientation):
    upright = photo("coffee.jpg", 96, 160)
    data = np.frombuffer(exif_jpeg(STORE[orientation](upright), orientation), np.uint8).copy()
    box = np.array([20, 10, 148, 74], np.float32)  # x1, y1, x2, y2 of the upright image
    full = decode(data)
    want = cv2.resize(np.ascontiguousarray(full[10:74, 20:148]), (64, 40), interpolation=cv2.INTER_LINEAR)
    for op in (image.DecodeCrop, image.DecodeJpegCrop):
        got = run_graph(lambda d, b: op(d, b, 64, 40, max_scale="1"), data, box)
        assert got.shape == (40, 64, 3)
        d = np.abs(got.astype(int) - want.astype(int))
        # measured: mean <= 0.3, max <= 12 (libjpeg's chroma upsampling at the crop's edge columns,
        # which depend on where the box lies in the stored image, as in test_fusion's bounds)
        assert d.mean() <= 1.0 and d.max() <= 16, (op, d.mean(), d.max())


def test_compiled_chain_keeps_exif_orientation_when_fused(tmp_path):
    upright = photo("chelsea.jpg", 80, 120)
    path = tmp_path / "o6.jpg"
    path.write_bytes(exif_jpeg(STORE[6](upright), 6))
    results = []
    for fuse in (True, False):
        with pp.Graph() as g:
            img = image.Decode(io.ReadFile(pp.Constant(str(path))))
            g.output("w", image.Width(img))
            g.output("h", image.Height(img))
            g.output("crop", image.Resize(image.Crop(img, pp.Constant(np.array([0, 0, 60, 40], np.float32))), 30, 20))
        p = pp.compile(g, fuse=fuse)
        results.append(p.run(0))
    fused, plain = results
    assert int(fused["w"]) == int(plain["w"]) == 120 and int(fused["h"]) == int(plain["h"]) == 80
    assert np.abs(fused["crop"].astype(int) - plain["crop"].astype(int)).mean() <= 2.0


def exif_segment(tiff):
    return b"Exif\0\0" + tiff


@pytest.mark.parametrize("tiff", [
    b"",                                                       # nothing after the Exif header
    b"II*\0" + struct.pack("<I", 10 ** 9),                     # IFD offset far outside
    b"MM\0*" + struct.pack(">IH", 8, 5000),                    # more entries than bytes
    b"II*\0" + struct.pack("<IH", 8, 1) + struct.pack("<HHIHH", 0x0112, 3, 1, 9, 0),  # orientation 9
    b"II*\0" + struct.pack("<IH", 8, 1) + struct.pack("<HHII", 0x0112, 4, 1, 6),      # wrong type
    b"XX*\0" + struct.pack("<IH", 8, 1) + struct.pack("<HHIHH", 0x0112, 3, 1, 6, 0),  # bad byte order
], ids=["empty", "offset outside", "too many entries", "value 9", "wrong type", "bad byte order"])
def test_corrupt_exif_is_ignored(tiff):
    upright = photo("camera.jpg", 32, 48)
    data = exif_jpeg(upright, 0, exif=exif_segment(tiff))
    assert data.count(b"Exif\0\0") == 1  # Pillow wrote the segment as given
    np.testing.assert_array_equal(decode(data), decode(data, exif_orientation=False))
    assert decode(data).shape == (32, 48, 3)


def test_big_endian_exif_is_read():
    upright = photo("camera.jpg", 32, 48)
    tiff = b"MM\0*" + struct.pack(">IH", 8, 1) + struct.pack(">HHIHH", 0x0112, 3, 1, 8, 0) + b"\0\0\0\0"
    data = exif_jpeg(STORE[8](upright), 8, exif=exif_segment(tiff))
    got = decode(data)
    np.testing.assert_array_equal(got, UPRIGHT[8](decode(data, exif_orientation=False)))
    assert got.shape == (32, 48, 3)


# -- ImageFolder lists every supported extension --------------------------------------------
def test_image_folder_lists_and_decodes_every_format(tmp_path):
    rgb = photo(h=24, w=32)
    writers = {
        "a.png": cv_bytes(".png", rgb[..., ::-1]), "b.jpg": cv_bytes(".jpg", rgb[..., ::-1]),
        "c.jpeg": cv_bytes(".jpg", rgb[..., ::-1]), "d.webp": pil_bytes(Image.fromarray(rgb), "WEBP", lossless=True),
        "e.bmp": cv_bytes(".bmp", rgb[..., ::-1]), "f.tif": pil_bytes(Image.fromarray(rgb), "TIFF"),
        "g.tiff": pil_bytes(Image.fromarray(rgb), "TIFF"), "h.ppm": cv_bytes(".ppm", rgb[..., ::-1]),
        "i.pgm": cv_bytes(".pgm", gray_of(rgb)[..., 0]), "j.pnm": cv_bytes(".ppm", rgb[..., ::-1]),
        "k.pbm": pil_bytes(Image.fromarray(gray_of(rgb)[..., 0] > 100), "PPM"),
    }
    (tmp_path / "cls").mkdir()
    for name, data in writers.items():
        (tmp_path / "cls" / name).write_bytes(data)
    assert set(datasets.IMAGE_EXTENSIONS) >= {os.path.splitext(n)[1] for n in writers}
    ds = datasets.ImageFolder(str(tmp_path))
    assert [os.path.basename(f) for f in ds.files] == sorted(writers)
    with pp.Graph() as g:
        g.output("image", ds.sample(shuffle=False)["image"])
    p = pp.compile(g)
    for k, name in enumerate(sorted(writers)):
        got = p.run(k)["image"]
        assert got.shape == (24, 32, 3), name
        if name.endswith((".png", ".webp", ".bmp", ".tif", ".tiff", ".ppm", ".pnm")):
            np.testing.assert_array_equal(got, rgb, err_msg=name)


def test_animated_webp_is_a_clean_error():
    frames = [Image.fromarray(photo(h=8, w=8)), Image.fromarray(photo(h=8, w=8)[::-1].copy())]
    data = pil_bytes(frames[0], "WEBP", save_all=True, append_images=frames[1:])
    with pytest.raises(pp.DecodeError, match="animated WebP"):
        decode(data)
