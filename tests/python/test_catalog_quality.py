"""ImageCompression and Downscale (augment/quality.py) against OpenCV and albumentations 2.0.8.

* JPEG: at a fixed quality the output equals cv2.imdecode(cv2.imencode(".jpg", image, quality))
  exactly (gray and RGB photographs; RGB handed to OpenCV as BGR, i.e. encoded as RGB). Against
  albumentations, which hands RGB to cv2.imencode as if it were BGR (red and blue swap roles in
  the luma), the difference is stated per quality.
* WebP: against cv2's WebP round trip at the same quality, within a stated tolerance (OpenCV's
  wheel bundles its own libwebp, a newer one than Debian 12's).
* Downscale: with a fixed scale, albumentations' output exactly (cv2.resize by fx, fy and back).
* Quality and scale draws against albumentations' (chi-square / KS over 5000 draws).
* Images the codecs cannot hold are errors, never crashes.
"""
import pathlib
import random as pyrandom

import numpy as np
import pytest
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment
from pixelpipes.ops import image as pimage

A = pytest.importorskip("albumentations")
cv2 = pytest.importorskip("cv2")

PHOTOS = pathlib.Path(__file__).resolve().parents[2] / "examples" / "data" / "photos"
N = 5000


def _photo(name="astronaut.jpg", h=160, w=200):
    img = cv2.cvtColor(cv2.imread(str(PHOTOS / name)), cv2.COLOR_BGR2RGB)
    return np.ascontiguousarray(img[:h, :w])


def _run(build, sample=0):
    with pp.Graph() as g:
        g.output("out", build())
    return pp.compile(g, seed=1).run(sample)["out"]


def _augment(cls, img, **kw):
    return _run(lambda: cls(pp.Constant(img), p=1.0, **kw))


def _diff(got, want, max_abs, mean_abs, what=""):
    assert got.shape == want.shape and got.dtype == want.dtype, (what, got.shape, want.shape, got.dtype, want.dtype)
    d = np.abs(got.astype(np.float64) - want.astype(np.float64))
    print(f"{what}: max abs diff {d.max():.4g}, mean {d.mean():.4g}")
    assert d.max() <= max_abs and d.mean() <= mean_abs, (what, d.max(), d.mean())


def _cv2_round_trip(img, ext, quality):
    flag = cv2.IMWRITE_JPEG_QUALITY if ext == ".jpg" else cv2.IMWRITE_WEBP_QUALITY
    if img.ndim == 2:
        ok, data = cv2.imencode(ext, img, (int(flag), quality))
        return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    ok, data = cv2.imencode(ext, cv2.cvtColor(img, cv2.COLOR_RGB2BGR), (int(flag), quality))
    return cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


# -- JPEG ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("quality", [1, 20, 50, 75, 95, 100])
@pytest.mark.parametrize("photo", ["astronaut.jpg", "coffee.jpg", "camera.jpg"])
def test_jpeg_equals_opencv_exactly(quality, photo):
    img = _photo(photo, 157, 203)   # odd sizes: partial MCUs and chroma blocks
    if photo == "camera.jpg":
        img = np.ascontiguousarray(img[..., 0])   # gray
    got = _augment(augment.ImageCompression, img, quality_range=(quality, quality))
    _diff(got, _cv2_round_trip(img, ".jpg", quality), 0, 0, f"JPEG q={quality} {photo}")


@pytest.mark.parametrize("quality,max_abs,mean_abs", [(30, 32, 3.0), (75, 28, 2.7), (95, 9, 1.0)])
def test_jpeg_against_albumentations(quality, max_abs, mean_abs):
    # albumentations encodes RGB as if it were BGR: the same codec, the luma weights swapped
    # (measured on chelsea 160 x 200: q30 max 26 mean 2.66, q75 max 22 mean 2.31, q95 max 6 mean 0.76)
    img = _photo("chelsea.jpg")
    got = _augment(augment.ImageCompression, img, quality_range=(quality, quality))
    want = A.ImageCompression(p=1).apply(img, quality=quality, image_type=".jpg")
    _diff(got, want, max_abs, mean_abs, f"JPEG vs albumentations q={quality}")


def test_jpeg_other_channel_counts():
    img = _photo("rocket.jpg", 64, 80)
    four = np.dstack([img, img[..., 1]])
    got = _augment(augment.ImageCompression, four, quality_range=(60, 60))
    _diff(got[..., :3], _cv2_round_trip(img, ".jpg", 60), 0, 0, "JPEG 4 channels, RGB part")
    _diff(got[..., 3], _cv2_round_trip(np.ascontiguousarray(img[..., 1]), ".jpg", 60), 0, 0, "JPEG 4th channel")
    two = np.ascontiguousarray(img[..., :2])
    got = _augment(augment.ImageCompression, two, quality_range=(60, 60))
    padded = np.dstack([two, np.zeros_like(two[..., :1])])
    _diff(got, _cv2_round_trip(padded, ".jpg", 60)[..., :2], 0, 0, "JPEG 2 channels")
    one = np.ascontiguousarray(img[..., :1])
    got = _augment(augment.ImageCompression, one, quality_range=(60, 60))
    _diff(got[..., 0], _cv2_round_trip(np.ascontiguousarray(img[..., 0]), ".jpg", 60), 0, 0, "JPEG H x W x 1")


# -- WebP ------------------------------------------------------------------------------------------

# Measured identical (max 0) with Debian 12's libwebp 1.2.4 against opencv-python-headless 4.10's
# bundled libwebp; the tolerance leaves room for another libwebp release.
@pytest.mark.parametrize("quality,max_abs,mean_abs", [(10, 8, 0.1), (50, 8, 0.1), (90, 8, 0.1)])
@pytest.mark.parametrize("photo", ["astronaut.jpg", "coffee.jpg"])
def test_webp_close_to_opencv(quality, max_abs, mean_abs, photo):
    img = _photo(photo, 157, 203)
    got = _augment(augment.ImageCompression, img, compression_type="webp", quality_range=(quality, quality))
    _diff(got, _cv2_round_trip(img, ".webp", quality), max_abs, mean_abs, f"WebP q={quality} {photo}")
    # and it is lossy: not the input
    assert np.abs(got.astype(int) - img).mean() > 0.1


def test_webp_gray():
    img = _photo("camera.jpg")[..., 0].copy()
    got = _augment(augment.ImageCompression, img, compression_type="webp", quality_range=(50, 50))
    _diff(got, _cv2_round_trip(img, ".webp", 50), 8, 0.1, "WebP gray q=50")


# -- draws and safety ------------------------------------------------------------------------------

def test_quality_distribution():
    t = A.ImageCompression(quality_range=(20, 90), p=1)
    t.py_random = pyrandom.Random(0)
    theirs = np.array([t.get_params()["quality"] for _ in range(N)])
    with pp.Graph() as g:
        (q,) = augment.ImageCompression._params(None, None, augment.ImageCompression.configure(
            quality_range=(20, 90)), "q")
        g.output("q", q)
    program = pp.compile(g, seed=3)
    ours = np.array([int(program.run(i)["q"]) for i in range(N)])
    assert ours.min() >= 20 and ours.max() <= 90 and theirs.min() >= 20 and theirs.max() <= 90
    table = np.array([np.bincount(ours - 20, minlength=71), np.bincount(theirs - 20, minlength=71)])
    p = stats.chi2_contingency(table)[1]
    print(f"ImageCompression quality: chi-square p = {p:.3g}")
    assert p > 0.01


@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
@pytest.mark.parametrize("shape", [(1, 1, 3), (1, 7), (3, 2, 5), (17, 1, 1)])
def test_any_small_image_round_trips(fmt, shape):
    img = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    got = _run(lambda: pimage.Compress(pp.Constant(img), 50, format=fmt))
    assert got.shape == img.shape and got.dtype == np.uint8


@pytest.mark.parametrize("fmt,shape", [("jpeg", (0, 5, 3)), ("webp", (5, 0)), ("webp", (16384, 1)),
                                       ("jpeg", (65501, 1))])
def test_images_the_codec_cannot_hold_are_errors(fmt, shape):
    img = np.zeros(shape, np.uint8)
    with pytest.raises(Exception) as info:
        _run(lambda: pimage.Compress(pp.Constant(img), 50, format=fmt))
    assert "image.compress" in str(info.value) or "empty" in str(info.value) or "type" in str(info.value)


@pytest.mark.parametrize("quality", [0, 101, 50.5])
def test_bad_quality_is_an_error(quality):
    img = np.zeros((8, 8, 3), np.uint8)
    with pytest.raises(Exception):
        _run(lambda: pimage.Compress(pp.Constant(img), quality))


def test_float_images_are_refused():
    img = np.zeros((8, 8, 3), np.float32)
    with pytest.raises(Exception):
        _run(lambda: pimage.Compress(pp.Constant(img), 50))


# -- Downscale -------------------------------------------------------------------------------------

@pytest.mark.parametrize("scale", [0.25, 0.3, 0.5, 0.77])
@pytest.mark.parametrize("down,up", [(cv2.INTER_NEAREST, cv2.INTER_NEAREST), (cv2.INTER_AREA, cv2.INTER_LINEAR),
                                     (cv2.INTER_LINEAR, cv2.INTER_CUBIC), (cv2.INTER_NEAREST_EXACT,
                                                                          cv2.INTER_LANCZOS4),
                                     (cv2.INTER_NEAREST_EXACT, cv2.INTER_NEAREST)])
def test_downscale_matches_albumentations(scale, down, up):
    # exact, except bicubic: Debian's OpenCV 4.6 against the wheel's 4.10 (albumentations') rounds
    # a few values the other way (measured max 1, mean <= 0.03).
    img = _photo("coffee.jpg", 157, 203)
    pair = {"downscale": down, "upscale": up}
    got = _augment(augment.Downscale, img, scale_range=(scale, scale), interpolation_pair=pair)
    want = A.Downscale(scale_range=(scale, scale), interpolation_pair=pair, p=1).apply(img, scale=scale)
    exact = cv2.INTER_CUBIC not in (down, up)
    _diff(got, want, 0 if exact else 1, 0 if exact else 0.05, f"Downscale {scale} {down}/{up}")


def test_downscale_tiny_image_does_not_fail():
    img = np.full((3, 2, 3), 7, np.uint8)
    got = _augment(augment.Downscale, img, scale_range=(0.1, 0.1))
    assert got.shape == img.shape and (got == 7).all()


def test_downscale_scale_distribution():
    t = A.Downscale(scale_range=(0.2, 0.9), p=1)
    t.py_random = pyrandom.Random(0)
    theirs = [t.get_params()["scale"] for _ in range(N)]
    with pp.Graph() as g:
        (s,) = augment.Downscale._params(None, None, augment.Downscale.configure(scale_range=(0.2, 0.9)), "s")
        g.output("s", s)
    program = pp.compile(g, seed=3)
    ours = [float(program.run(i)["s"]) for i in range(N)]
    p = stats.ks_2samp(ours, theirs).pvalue
    print(f"Downscale scale: KS p = {p:.3g}")
    assert p > 0.01


@pytest.mark.parametrize("cls,kw", [
    (augment.ImageCompression, dict(compression_type="png")),
    (augment.ImageCompression, dict(quality_range=(0, 50))),
    (augment.ImageCompression, dict(quality_range=(60, 50))),
    (augment.ImageCompression, dict(quality_range=(50.5, 60))),
    (augment.Downscale, dict(scale_range=(0, 0.5))),
    (augment.Downscale, dict(scale_range=(0.5, 1.5))),
    (augment.Downscale, dict(interpolation_pair={"downscale": 9, "upscale": 0})),
])
def test_bad_arguments_are_value_errors(cls, kw):
    with pytest.raises(ValueError):
        cls(**kw)
