"""Writes the seed corpora of the image decoder fuzz targets (tests/fuzz/corpus/{jpeg,png,image_formats}/) and
copies the small valid programs (tests/programs/valid/*.pxp) into corpus/program_load/.

Needs Pillow and NumPy (not the package's dependencies: any Python that has them, e.g.
`.venv-bench/bin/python tests/fuzz/make_corpus.py`). The files are committed; rerun only to change
them. Every file is tiny (the fuzzer mutates faster) and covers one decoder path: gray, RGB,
CMYK, progressive, chroma subsampling, restart markers; PNG bit depths, palettes with
transparency, alpha, 16 bits; WebP lossy, lossless and with alpha, BMP palettes, 24 and 32 bits,
TIFF strips, tiles, planar, 16 bits and compressions, PNM binary and text, JPEGs with EXIF
orientations (image_formats). The hostile_* files of corpus/image_formats/ (truncated files, bad
and huge headers, corrupt EXIF, tiled planar 16-bit TIFF) are the byte strings of
tests/python/test_image_formats.py (corrupt_cases, tiff_bytes, bmp_v4_rgba), written once; this
script leaves them alone.
"""
import io
import pathlib
import shutil

import numpy as np
from PIL import Image

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def image(h, w, c, seed, dtype=np.uint8, top=255):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = (x * 13 + y * 7)[..., None] + np.arange(c)[None, None, :] * 40
    noise = rng.integers(0, 16, size=(h, w, c))
    return ((base + noise) % (top + 1)).astype(dtype)


def save(target, name, data):
    d = HERE / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def pil_bytes(img, fmt, **kw):
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def jpegs():
    save("jpeg", "gray_8x8.jpg", pil_bytes(Image.fromarray(image(8, 8, 1, 1)[..., 0], "L"), "JPEG", quality=90))
    rgb = Image.fromarray(image(16, 16, 3, 2), "RGB")
    save("jpeg", "rgb_16x16_420.jpg", pil_bytes(rgb, "JPEG", quality=85, subsampling=2))
    save("jpeg", "rgb_16x16_444.jpg", pil_bytes(rgb, "JPEG", quality=85, subsampling=0))
    save("jpeg", "rgb_16x16_422.jpg", pil_bytes(rgb, "JPEG", quality=60, subsampling=1))
    odd = Image.fromarray(image(13, 17, 3, 3), "RGB")
    save("jpeg", "rgb_13x17_progressive.jpg", pil_bytes(odd, "JPEG", quality=75, progressive=True))
    save("jpeg", "rgb_13x17_optimized.jpg", pil_bytes(odd, "JPEG", quality=75, optimize=True))
    cmyk = Image.fromarray(image(8, 16, 4, 4), "CMYK")
    save("jpeg", "cmyk_8x16.jpg", pil_bytes(cmyk, "JPEG", quality=80))
    big = Image.fromarray(image(32, 40, 3, 5), "RGB")
    save("jpeg", "rgb_32x40_restart.jpg", pil_bytes(big, "JPEG", quality=70, restart_marker_blocks=2))


def pngs():
    save("png", "gray8_8x8.png", pil_bytes(Image.fromarray(image(8, 8, 1, 6)[..., 0], "L"), "PNG"))
    g16 = image(5, 7, 1, 7, np.uint16, 65535)[..., 0]
    save("png", "gray16_5x7.png", pil_bytes(Image.fromarray(g16.astype(np.int32), "I").convert("I;16"), "PNG"))
    save("png", "bw1_9x9.png", pil_bytes(Image.fromarray(image(9, 9, 1, 8)[..., 0] > 128), "PNG"))
    save("png", "rgb_6x5.png", pil_bytes(Image.fromarray(image(6, 5, 3, 9), "RGB"), "PNG"))
    save("png", "rgba_4x6.png", pil_bytes(Image.fromarray(image(4, 6, 4, 10), "RGBA"), "PNG"))
    save("png", "la_5x5.png", pil_bytes(Image.fromarray(image(5, 5, 2, 11), "LA"), "PNG"))
    pal = Image.fromarray((image(7, 7, 1, 12)[..., 0] % 4).astype(np.uint8), "P")
    pal.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255])
    save("png", "palette2_7x7.png", pil_bytes(pal, "PNG", bits=2))
    save("png", "palette_trns_7x7.png", pil_bytes(pal, "PNG", transparency=bytes([0, 128, 255, 255])))
    save("png", "gray_trns_6x6.png", pil_bytes(Image.fromarray(image(6, 6, 1, 13)[..., 0], "L"), "PNG",
                                               transparency=7))


def image_formats():
    t = "image_formats"
    rgb = Image.fromarray(image(7, 9, 3, 20), "RGB")
    gray = Image.fromarray(image(6, 5, 1, 21)[..., 0], "L")
    rgba = Image.fromarray(image(5, 6, 4, 22), "RGBA")
    save(t, "lossy_7x9.webp", pil_bytes(rgb, "WEBP", quality=50))
    save(t, "lossless_7x9.webp", pil_bytes(rgb, "WEBP", lossless=True))
    save(t, "alpha_5x6.webp", pil_bytes(rgba, "WEBP", lossless=True))
    save(t, "rgb24_7x9.bmp", pil_bytes(rgb, "BMP"))
    save(t, "gray8_6x5.bmp", pil_bytes(gray, "BMP"))
    save(t, "bw1_6x5.bmp", pil_bytes(gray.convert("1"), "BMP"))
    save(t, "palette4_7x9.bmp", pil_bytes(rgb.quantize(colors=12), "BMP"))
    save(t, "rgba32_5x6.bmp", pil_bytes(rgba, "BMP"))
    save(t, "rgb_7x9.tif", pil_bytes(rgb, "TIFF"))
    save(t, "rgb_lzw_7x9.tif", pil_bytes(rgb, "TIFF", compression="tiff_lzw"))
    save(t, "gray_deflate_6x5.tif", pil_bytes(gray, "TIFF", compression="tiff_adobe_deflate"))
    save(t, "palette_7x9.tif", pil_bytes(rgb.quantize(colors=8), "TIFF"))
    save(t, "bw1_6x5.tif", pil_bytes(gray.convert("1"), "TIFF"))
    g16 = image(5, 7, 1, 23, np.uint16, 65535)[..., 0]
    save(t, "gray16_5x7.tif", pil_bytes(Image.fromarray(g16), "TIFF"))
    save(t, "two_pages_7x9.tif", pil_bytes(rgb, "TIFF", save_all=True, append_images=[rgb]))
    save(t, "gray_6x5.pgm", pil_bytes(gray, "PPM"))
    save(t, "rgb_7x9.ppm", pil_bytes(rgb, "PPM"))
    save(t, "bw_6x5.pbm", pil_bytes(gray.convert("1"), "PPM"))
    save(t, "gray16_2x3.pgm", b"P5\n3 2\n65535\n" + g16[:2, :3].astype(">u2").tobytes())
    save(t, "text_2x2.ppm", b"P3\n# comment\n2 2\n255\n1 2 3 4 5 6\n7 8 9 10 11 12\n")
    for o in (3, 6):
        exif = Image.Exif()
        exif[0x0112] = o
        save(t, f"exif{o}_7x9.jpg", pil_bytes(rgb, "JPEG", quality=80, exif=exif.tobytes()))


def programs():
    d = HERE / "corpus" / "program_load"
    d.mkdir(parents=True, exist_ok=True)
    for kind in ("valid", "invalid"):
        for p in sorted((ROOT / "tests" / "programs" / kind).glob("*.pxp")):
            if 0 < p.stat().st_size <= 16384:
                shutil.copyfile(p, d / (p.name if kind == "valid" else "invalid_" + p.name))


if __name__ == "__main__":
    jpegs()
    pngs()
    image_formats()
    programs()
