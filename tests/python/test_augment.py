"""pixelpipes.augment: the augmentation macros, through compiled pipelines.

Checked: output shapes and dtypes (plain image and Resource); determinism and stable random
streams; RandomResizedCrop's area and aspect-ratio distribution and its fallback; flip
frequency; the co-transform property of every geometry macro (boxes and points rendered into
masks BEFORE the macro travel with the image in one Resource; the warped masks' bounding boxes
match the moved boxes within 1 pixel, 1.15 for shear and perspective, and the moved points lie
at the center of their rendered disks within 1 pixel); crops against NumPy; ColorJitter (identity,
fixed factors, random order); Normalize against NumPy.
"""
import math
import zlib

import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import augment, resource
from pixelpipes.ops import color, mask, random, tensor

W, H = 64, 48


def _image(h=H, w=W, c=3):
    return tensor.Cast(random.Uniform(0.0, 255.0, shape=[h, w, c]), dtype="u8")


def _compile(build, seed=3):
    with pp.Graph() as g:
        out = build()
        if isinstance(out, resource.Resource):
            out.output()
        else:
            for k, v in out.items():
                g.output(k, v)
    return pp.compile(g, seed=seed)


MACROS = {
    "rrc": (lambda x: augment.RandomResizedCrop(x, (24, 32)), (24, 32)),
    "rrc_area": (lambda x: augment.RandomResizedCrop(x, 20, interpolation="area"), (20, 20)),
    "affine": (lambda x: augment.RandomAffine(x, 30, translate=(0.1, 0.2), scale=(0.8, 1.2), shear=(-5, 5, -5, 5),
                                              interpolation="linear"), (H, W)),
    "crop": (lambda x: augment.RandomCrop(x, 40, padding=4), (40, 40)),
    "crop_pad": (lambda x: augment.RandomCrop(x, (56, 80), pad_if_needed=True, border="edge"), (56, 80)),
    "center": (lambda x: augment.CenterCrop(x, (40, 70)), (40, 70)),
    "hflip": (lambda x: augment.RandomHorizontalFlip(x), (H, W)),
    "vflip": (lambda x: augment.RandomVerticalFlip(x, p=0.7), (H, W)),
    "patch": (lambda x: augment.RandomPatch(x, 32, box=np.array([10, 10, 30, 26], np.float32), center_jitter=0.2,
                                            scale_jitter=0.3), (32, 32)),
    "jitter": (lambda x: augment.ColorJitter(x, brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1), (H, W)),
}


@pytest.mark.parametrize("name", sorted(MACROS))
def test_plain_image_shapes_and_dtypes(name):
    fn, (h, w) = MACROS[name]
    p = _compile(lambda: {"out": fn(_image())})
    info = {o.name: o for o in p.outputs}["out"]
    assert (info.dtype, info.shape) == ("u8", (h, w, 3))
    s = p.run(1)["out"]
    assert s.dtype == np.uint8 and s.shape == (h, w, 3)


def test_outputs_of_a_resource_keep_their_shapes_and_kinds():
    def build():
        img = _image()
        boxes = pp.Constant(np.array([[4, 4, 20, 20], [30, 10, 50, 40]], np.float32))
        r = resource.Resource(image=img, mask=mask.RenderBoxes(boxes, W, H), boxes=boxes,
                              points=np.array([[5.5, 6.5]], np.float32), label=7, name="cat")
        r = augment.RandomResizedCrop(r, 32)
        r = augment.RandomHorizontalFlip(r)
        r = augment.ColorJitter(r, 0.2, 0.2, 0.2, 0.05)
        return augment.Normalize(r, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
    p = _compile(build)
    info = {o.name: (o.dtype, o.shape) for o in p.outputs if o.name != "name"}
    assert info == {"image": ("f32", (3, 32, 32)), "mask": ("u8", (32, 32, 1)), "boxes": ("f32", (2, 4)),
                    "points": ("f32", (1, 2)), "label": ("i64", ())}
    assert {o.name: o.kind for o in p.outputs}["name"] == "string"
    s = p.run(0)
    assert s["label"] == 7 and s["name"] == "cat"
    assert s["image"].dtype == np.float32 and s["image"].shape == (3, 32, 32)


# --- determinism ------------------------------------------------------------------------------

def _affine_pipeline(extra: bool, seed: int = 5):
    with pp.Graph() as g:
        if extra:
            g.output("unrelated", random.Uniform(0.0, 1.0) + random.Normal(0.0, 1.0))
        r = resource.Resource(image=_image(), points=np.array([[10.0, 12.0]], np.float32))
        r = augment.RandomAffine(r, 45, translate=(0.1, 0.1), scale=(0.7, 1.3), shear=10)
        r = augment.ColorJitter(r, 0.5, 0.5, 0.5, 0.2)
        r = augment.RandomResizedCrop(r, 24)
        r.output()
    return pp.compile(g, seed=seed)


def test_same_seed_and_index_give_the_same_sample_and_streams_are_stable():
    a, b = _affine_pipeline(False), _affine_pipeline(True)
    again = _affine_pipeline(False)
    for i in (0, 1, 17):
        sa, sb, sc = a.run(i), b.run(i), again.run(i)
        for k in ("image", "points"):
            np.testing.assert_array_equal(sa[k], sc[k])
            np.testing.assert_array_equal(sa[k], sb[k])  # an unrelated node changes nothing
    assert not np.array_equal(a.run(0)["points"], a.run(1)["points"])
    assert not np.array_equal(a.run(0)["points"], _affine_pipeline(False, seed=6).run(0)["points"])
    many = a.run_many(0, 4, threads=2)
    for i in range(4):
        np.testing.assert_array_equal(many[i]["image"], a.run(i)["image"])


def _labelled(variant):
    with pp.Graph() as g:
        img = tensor.Cast(random.Uniform(0.0, 255.0, shape=[H, W, 3], label="img"), dtype="u8")
        r = resource.Resource(image=img, points=np.array([[10.0, 12.0]], np.float32))
        if variant == 0:
            r = augment.RandomAffine(r, 45, scale=(0.7, 1.3), label="aug")
        else:
            g.output("other", random.Uniform(0.0, 1.0))
            r = augment.RandomAffine(r, 45, scale=(0.7, 1.3),
                                     label="aug")
        r.output()
    return pp.compile(g, seed=2)


def test_a_label_pins_the_random_stream_when_the_code_moves():
    a, b = _labelled(0).run(3), _labelled(1).run(3)
    np.testing.assert_array_equal(a["points"], b["points"])
    np.testing.assert_array_equal(a["image"], b["image"])


# --- RandomResizedCrop statistics -------------------------------------------------------------

def _rrc_crops(size_wh, n, **kw):
    """(w, h) of the source crop of each sample, from two points moved by the crop."""
    sw, sh = size_wh
    p = _compile(lambda: augment.RandomResizedCrop(
        resource.Resource(image=tensor.Cast(random.Uniform(0.0, 9.0, shape=[sh, sw, 1]), dtype="u8"),
                          points=np.array([[0, 0], [sw, sh]], np.float32)), 8, **kw))
    out = []
    for s in p.run_many(0, n):
        q = s["points"].astype(np.float64)
        out.append((8 * sw / (q[1, 0] - q[0, 0]), 8 * sh / (q[1, 1] - q[0, 1]), q[0, 0], q[0, 1]))
    return np.array(out)


def test_random_resized_crop_area_and_ratio_distribution():
    n = 500
    crops = _rrc_crops((100, 100), n)
    w, h = np.round(crops[:, 0]), np.round(crops[:, 1])
    assert np.allclose(crops[:, :2], np.c_[w, h], atol=1e-3)  # whole pixels
    frac = w * h / 1e4
    assert frac.min() >= 0.07 and frac.max() <= 1.0
    # uniform in [0.08, 1] apart from rejected attempts near 1 (retried)
    assert 0.42 < np.mean(frac < 0.54) < 0.66
    assert np.mean(frac < 0.2) > 0.07 and np.mean(frac > 0.8) > 0.07
    ratio = w / h
    assert ratio.min() > 0.75 - 0.06 and ratio.max() < 4 / 3 + 0.08
    assert abs(np.mean(np.log(ratio))) < 0.05
    # log-ratio roughly uniform over [log 3/4, log 4/3]
    assert 0.38 < np.mean(np.log(ratio) < 0) < 0.62
    # crops lie inside the image: offsets (x0 = -p0 w / 8) are whole pixels within [0, 100 - w]
    x0 = -crops[:, 2] * w / 8
    y0 = -crops[:, 3] * h / 8
    assert np.allclose(x0, np.round(x0), atol=1e-2) and np.allclose(y0, np.round(y0), atol=1e-2)
    assert (x0 > -0.01).all() and (x0 + w < 100.01).all() and (y0 > -0.01).all() and (y0 + h < 100.01).all()


def test_random_resized_crop_falls_back_to_the_clamped_center_crop():
    # no attempt can fit (scale > 1): torchvision's fallback, the whole image clamped to the ratio range
    crops = _rrc_crops((100, 50), 5, scale=(2.0, 3.0))
    for w, h, px, py in crops:
        assert round(w) == 67 and round(h) == 50                     # 50 * 4/3, rounded
        assert round(-px * w / 8) == 16 and round(-py * h / 8) == 0  # (100 - 67) // 2
    crops = _rrc_crops((60, 50), 3, scale=(2.0, 3.0))              # ratio 1.2 is allowed: the whole image
    assert np.allclose(np.round(crops[:, :2]), [[60, 50]] * 3)


def test_random_resized_crop_with_a_dynamic_image_size():
    # the image size known only at run time: same algorithm through nodes (fallback included)
    def build():
        side = random.Integer(40, 90)
        img = tensor.Cast(random.Uniform(0.0, 9.0, shape=[30, 20, 1]), dtype="u8")
        big = pp.ops.image.Resize(img, side, 50)
        r = resource.Resource(image=big, points=pp.ops.tensor.Stack(
            pp.ops.tensor.Stack(0.0, 0.0), pp.ops.tensor.Stack(tensor.Cast(side, dtype="f32"), 50.0)))
        out = augment.RandomResizedCrop(r, 8, scale=(2.0, 3.0))
        return {"points": out.points, "side": side, "image": out.image}
    p = _compile(build)
    for s in p.run_many(0, 6):
        W_ = int(s["side"])
        q = s["points"].astype(np.float64)
        w, h = 8 * W_ / (q[1, 0] - q[0, 0]), 8 * 50 / (q[1, 1] - q[0, 1])
        r = W_ / 50
        ew, eh = (W_, 50) if 0.75 <= r <= 4 / 3 else ((round(50 * 4 / 3), 50) if r > 4 / 3 else (W_, round(W_ / 0.75)))
        assert (round(w), round(h)) == (ew, eh)
        assert s["image"].shape == (8, 8, 1)


# --- flips ------------------------------------------------------------------------------------

@pytest.mark.parametrize("cls,p", [(augment.RandomHorizontalFlip, 0.3), (augment.RandomVerticalFlip, 0.8)])
def test_flip_frequency_and_exactness(cls, p):
    n = 300
    def build():
        img = _image(7, 9, 1)
        r = cls(resource.Resource(image=img, points=np.array([[1.5, 2.5]], np.float32)), p=p)
        return {"orig": img, "image": r.image, "points": r.points}
    flips = 0
    for s in _compile(build).run_many(0, n):
        flipped = not np.allclose(s["points"], [[1.5, 2.5]])
        flips += flipped
        axis = 1 if cls is augment.RandomHorizontalFlip else 0
        expected = np.flip(s["orig"], axis=axis) if flipped else s["orig"]
        np.testing.assert_array_equal(s["image"], expected)
        if flipped:
            np.testing.assert_allclose(s["points"], [[9 - 1.5, 2.5]] if axis == 1 else [[1.5, 7 - 2.5]])
    sigma = math.sqrt(n * p * (1 - p))
    assert abs(flips - n * p) < 4 * sigma


# --- co-transform -----------------------------------------------------------------------------

def _perspective_views(n, rng):
    out = []
    for _ in range(n):
        c = np.array([[1, 0, -W / 2], [0, 1, -H / 2], [0, 0, 1]])
        a = np.deg2rad(rng.uniform(-40, 40))
        rot = np.array([[np.cos(a), np.sin(a), 0], [-np.sin(a), np.cos(a), 0], [0, 0, 1]])
        sh = np.array([[1, rng.uniform(-0.08, 0.08), 0], [rng.uniform(-0.08, 0.08), 1, 0], [0, 0, 1]])
        p = np.eye(3)
        p[2, :2] = rng.uniform(-0.12 / W, 0.12 / W, 2)
        back = np.array([[1, 0, W / 2], [0, 1, H / 2], [0, 0, 1]])
        out.append((back @ p @ rot @ sh @ np.diag([rng.uniform(0.8, 1.2)] * 2 + [1]) @ c).astype(np.float32))
    return out


COTRANSFORM = {
    # name: (macro on a Resource, output (w, h), box tolerance, axis-aligned)
    "rrc": (lambda r: augment.RandomResizedCrop(r, (40, 50), scale=(0.3, 1.0)), (50, 40), 1.0, True),
    "rrc_area": (lambda r: augment.RandomResizedCrop(r, 36, scale=(0.5, 1.0), interpolation="area"), (36, 36), 1.0,
                 True),
    "affine_similarity": (lambda r: augment.RandomAffine(r, 180, translate=(0.1, 0.1), scale=(0.8, 1.3)),
                          (W, H), 1.0, False),
    "affine_shear": (lambda r: augment.RandomAffine(r, 30, scale=(0.9, 1.1), shear=(-8, 8, -8, 8),
                                                    interpolation="linear", border="replicate"), (W, H), 1.15, False),
    "crop": (lambda r: augment.RandomCrop(r, (40, 50), padding=(3, 5), border="reflect"), (50, 40), 1.0, True),
    "crop_if_needed": (lambda r: augment.RandomCrop(r, (52, 70), pad_if_needed=True), (70, 52), 1.0, True),
    "center": (lambda r: augment.CenterCrop(r, (45, 41)), (41, 45), 1.0, True),
    "hflip": (lambda r: augment.RandomHorizontalFlip(r), (W, H), 0.0, True),
    "vflip": (lambda r: augment.RandomVerticalFlip(r), (W, H), 0.0, True),
    "patch": (lambda r: augment.RandomPatch(r, 40, context=2.5, center_jitter=0.3, scale_jitter=0.3), (40, 40), 1.0,
              True),
    "perspective": (None, (W, H), 1.15, False),
}


@pytest.mark.parametrize("name", sorted(COTRANSFORM))
def test_cotransform(name):
    fn, (ow, oh), tol, aligned = COTRANSFORM[name]
    n = 40
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    boxes, points = [], []
    for _ in range(n):
        bw, bh = rng.integers(6, 20), rng.integers(6, 16)
        x1, y1 = rng.integers(2, W - bw - 2), rng.integers(2, H - bh - 2)
        boxes.append(np.array([[x1, y1, x1 + bw, y1 + bh]], np.float32))
        points.append(np.array([[rng.uniform(x1, x1 + bw), rng.uniform(y1, y1 + bh)]], np.float32))
    views = _perspective_views(n, rng)

    def build():
        i = pp.SampleIndex()
        b, pt = pp.Constant(boxes)[i], pp.Constant(points)[i]
        r = resource.Resource(image=_image(), mask=mask.RenderBoxes(b, W, H), boxes=b, points=pt,
                              dots=resource.Field(mask.RenderPoints(pt, W, H, radius=1.0), "mask"), label=i)
        r = fn(r) if fn is not None else augment.Transform(r, pp.Constant(views)[i], interpolation="nearest")
        return {"mask_box": mask.BoundingBox(r.mask), "empty": mask.IsEmpty(r.mask), "boxes": r.boxes,
                "dot_box": mask.BoundingBox(r.dots), "dot_empty": mask.IsEmpty(r.dots), "points": r.points,
                "image": r.image, "label": r.label}

    checked_boxes = checked_points = 0
    for k, s in enumerate(_compile(build).run_many(0, n)):
        assert s["image"].shape == (oh, ow, 3) and s["label"] == k
        e = s["boxes"][0]
        assert e[0] >= 0 and e[1] >= 0 and e[2] <= ow and e[3] <= oh  # clipped to the canvas
        if s["empty"]:
            assert min(e[2] - e[0], e[3] - e[1]) < 1.0, f"sample {k}: the mask vanished but the box did not"
        elif aligned or (e[0] > 0 and e[1] > 0 and e[2] < ow and e[3] < oh):
            # a rotated box cut by the canvas has a smaller visible part: compare whole ones only
            np.testing.assert_allclose(s["mask_box"], e, atol=tol + 1e-4, err_msg=f"{name} sample {k}")
            checked_boxes += 1
        pt = s["points"][0]
        if 3 <= pt[0] <= ow - 3 and 3 <= pt[1] <= oh - 3 and not s["dot_empty"]:
            # the moved point lies in the moved dot rendered around it
            d = s["dot_box"]
            margin = max(tol, 1.0)
            assert d[0] - margin <= pt[0] <= d[2] + margin and d[1] - margin <= pt[1] <= d[3] + margin, \
                f"{name} sample {k}: point {pt} outside {d}"
            checked_points += 1
    assert checked_boxes > n // 3 and checked_points > n // 3


def test_polygons_move_with_the_image():
    poly = np.array([[10, 10], [30, 12], [20, 30]], np.float32)
    def build():
        r = resource.Resource(image=_image(), polygons=poly, points=poly)
        r = augment.RandomAffine(r, 90, scale=(0.8, 1.2))
        return {"polygons": r.polygons, "points": r.points}
    for s in _compile(build).run_many(0, 3):
        np.testing.assert_allclose(s["polygons"], s["points"], atol=1e-4)


# --- crops against NumPy ----------------------------------------------------------------------

def _np_pad(img, l, t, r, b, mode):
    return np.pad(img, ((t, b), (l, r), (0, 0)), mode={"constant": "constant", "replicate": "edge",
                                                         "reflect": "symmetric", "wrap": "wrap"}[mode])


@pytest.mark.parametrize("border", ["constant", "replicate", "reflect", "wrap"])
def test_random_crop_pixels_match_numpy(border):
    def build():
        img = _image()
        r = augment.RandomCrop(resource.Resource(image=img, points=np.zeros((1, 2), np.float32)), (30, 44),
                               padding=(2, 3, 4, 5), border=border)
        return {"orig": img, "image": r.image, "points": r.points}
    offsets = set()
    for s in _compile(build).run_many(0, 8):
        x0, y0 = -int(s["points"][0, 0]), -int(s["points"][0, 1])      # crop origin in image coordinates
        assert -2 <= x0 <= W + 4 - 44 and -3 <= y0 <= H + 5 - 30
        padded = _np_pad(s["orig"], 2, 3, 4, 5, border)
        np.testing.assert_array_equal(s["image"], padded[y0 + 3:y0 + 3 + 30, x0 + 2:x0 + 2 + 44])
        offsets.add((x0, y0))
    assert len(offsets) > 4


@pytest.mark.parametrize("size", [(40, 70), (31, 31), (48, 64), (47, 63), (50, 10)])
def test_center_crop_matches_torchvision_offsets(size):
    ch, cw = size
    def build():
        img = _image()
        return {"orig": img, "image": augment.CenterCrop(img, size)}
    s = _compile(build).run(0)
    # torchvision: pad (crop - image) // 2 before and the rest after, then crop at round((padded - crop) / 2)
    pl, pt = max(cw - W, 0) // 2, max(ch - H, 0) // 2
    padded = np.pad(s["orig"], ((pt, max(ch - H, 0) - pt), (pl, max(cw - W, 0) - pl), (0, 0)))
    top, left = int(round((padded.shape[0] - ch) / 2)), int(round((padded.shape[1] - cw) / 2))
    np.testing.assert_array_equal(s["image"], padded[top:top + ch, left:left + cw])


# --- color ------------------------------------------------------------------------------------

def test_color_jitter_with_zero_factors_is_the_identity():
    def build():
        img = _image()
        r = augment.ColorJitter(resource.Resource(image=img, mask=img), 0, 0, 0, 0)
        j = augment.ColorJitter(img, brightness=(1, 1), contrast=0.0, saturation=(1.0, 1.0), hue=(0, 0))
        return {"orig": img, "image": r.image, "mask": r.mask, "plain": j}
    for s in _compile(build).run_many(0, 3):
        np.testing.assert_array_equal(s["image"], s["orig"])
        np.testing.assert_array_equal(s["plain"], s["orig"])
        np.testing.assert_array_equal(s["mask"], s["orig"])


def test_color_jitter_applies_fixed_factors_in_a_random_order():
    def build():
        img = _image(16, 16)
        out = augment.ColorJitter(img, brightness=(0.6, 0.6), contrast=(1.8, 1.8))
        return {"out": out, "bc": color.Contrast(color.Brightness(img, 0.6), 1.8),
                "cb": color.Brightness(color.Contrast(img, 1.8), 0.6)}
    orders = []
    for s in _compile(build).run_many(0, 40):
        assert not np.array_equal(s["bc"], s["cb"])
        if np.array_equal(s["out"], s["bc"]):
            orders.append("bc")
        else:
            np.testing.assert_array_equal(s["out"], s["cb"])
            orders.append("cb")
    assert 8 <= orders.count("bc") <= 32


def test_color_jitter_draws_factors_in_range_and_shares_them_across_image_fields():
    def build():
        img = _image(8, 8)
        r = augment.ColorJitter(resource.Resource(image=img, other=resource.Field(img, "image")), brightness=0.5)
        return {"orig": img, "a": r.image, "b": r.other}
    ratios = []
    for s in _compile(build).run_many(0, 30):
        np.testing.assert_array_equal(s["a"], s["b"])
        o = s["orig"].astype(np.float64)
        keep = (o > 60) & (o < 150)
        ratios.append(np.median(s["a"][keep] / o[keep]))
    assert 0.5 - 0.02 <= min(ratios) and max(ratios) <= 1.5 + 0.02
    assert max(ratios) - min(ratios) > 0.3


@pytest.mark.parametrize("dtype", ["u8", "f32"])
def test_normalize_matches_numpy(dtype):
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    def build():
        img = _image(9, 13)
        if dtype == "f32":
            img = tensor.Cast(img, dtype="f32") / 255.0
        r = augment.Normalize(resource.Resource(image=img, mask=img), mean, std)
        return {"orig": img, "image": r.image, "mask": r.mask, "hwc": augment.Normalize(img, 0.5, 0.25, chw=False)}
    s = _compile(build).run(0)
    x = s["orig"].astype(np.float64) / (255.0 if dtype == "u8" else 1.0)
    expected = ((x - np.array(mean)) / np.array(std)).transpose(2, 0, 1)
    assert s["image"].dtype == np.float32 and s["image"].shape == (3, 9, 13)
    np.testing.assert_allclose(s["image"], expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(s["hwc"], (x - 0.5) / 0.25, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(s["mask"], s["orig"])  # not an image field: unchanged


# --- arguments --------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda x: augment.RandomResizedCrop(x, 0),
    lambda x: augment.RandomResizedCrop(x, 8, scale=(0.9, 0.1)),
    lambda x: augment.RandomResizedCrop(x, 8, interpolation="bogus"),
    lambda x: augment.RandomAffine(x, -3),
    lambda x: augment.RandomAffine(x, 3, translate=(2, 0)),
    lambda x: augment.RandomAffine(x, 3, shear=(1, 2, 3)),
    lambda x: augment.RandomAffine(x, 3, interpolation="area"),
    lambda x: augment.RandomCrop(x, 8, padding=(1, 2, 3)),
    lambda x: augment.RandomCrop(x, 8, border="mirror"),
    lambda x: augment.RandomHorizontalFlip(x, p=1.5),
    lambda x: augment.ColorJitter(x, hue=0.7),
    lambda x: augment.ColorJitter(x, brightness=-1),
    lambda x: augment.Normalize(x, (0.5,), (0.0,)),
    lambda x: augment.RandomPatch(x, 8, context=0),
])
def test_bad_arguments_are_value_errors(make):
    with pp.Graph():
        with pytest.raises(ValueError):
            make(_image())


def test_macros_are_macros_and_have_signatures():
    import inspect
    with pp.Graph():
        node = augment.RandomAffine(_image(), 10)
        assert isinstance(node, pp.Macro) and isinstance(node, augment.RandomAffine)
        planned = augment.RandomAffine((-5, 5))       # no source: a planned augmentation
        assert isinstance(planned, augment.Planned)
        with pytest.raises(TypeError):
            planned([1, 2])                               # a list is not an image or a Resource
        with pytest.raises(TypeError):
            augment.RandomPatch(_image(), 8)  # no box
    assert "degrees" in str(inspect.signature(augment.RandomAffine))
    assert "matrix" in str(inspect.signature(augment.Transform))


def test_random_affine_uses_torchvision_matrix():
    # fixed parameters: the matrix must be torchvision's T(c + t) R_cw S ShY ShX T(-c)
    angle, s, shx, shy, cx, cy = 25.0, 1.3, 10.0, -7.0, 20.0, 15.0
    pts = np.array([[0, 0], [10, 3], [40, 30], [63, 47]], np.float32)
    def build():
        r = resource.Resource(image=_image(), points=pts)
        r = augment.RandomAffine(r, (angle, angle), scale=(s, s), shear=(shx, shx, shy, shy), center=(cx, cy))
        return {"points": r.points}
    got = _compile(build).run(0)["points"]
    a = np.deg2rad(angle)
    rot = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    shear_x = np.array([[1, -np.tan(np.deg2rad(shx)), 0], [0, 1, 0], [0, 0, 1]])
    shear_y = np.array([[1, 0, 0], [-np.tan(np.deg2rad(shy)), 1, 0], [0, 0, 1]])
    t = np.array([[1, 0, cx], [0, 1, cy], [0, 0, 1]])
    m = t @ rot @ np.diag([s, s, 1]) @ shear_y @ shear_x @ np.linalg.inv(t)
    expected = (np.c_[pts, np.ones(4)] @ m.T)[:, :2]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-3)


def test_crops_with_image_sizes_known_only_at_run_time():
    def build():
        img = pp.ops.image.Resize(_image(), random.Integer(20, 41), random.Integer(15, 31), interpolation="nearest")
        r = augment.RandomCrop(resource.Resource(image=img, points=np.zeros((1, 2), np.float32)), (32, 36),
                               pad_if_needed=True)
        return {"orig": img, "center": augment.CenterCrop(img, (21, 25)), "crop": r.image, "points": r.points}
    sizes = set()
    for s in _compile(build).run_many(0, 12):
        o = s["orig"]
        h, w = o.shape[:2]
        sizes.add((h, w))
        pl, pt = max(25 - w, 0) // 2, max(21 - h, 0) // 2
        padded = np.pad(o, ((pt, max(21 - h, 0) - pt), (pl, max(25 - w, 0) - pl), (0, 0)))
        top, left = int(round((padded.shape[0] - 21) / 2)), int(round((padded.shape[1] - 25) / 2))
        np.testing.assert_array_equal(s["center"], padded[top:top + 21, left:left + 25])
        dx, dy = max(36 - w, 0), max(32 - h, 0)
        x0, y0 = -int(s["points"][0, 0]), -int(s["points"][0, 1])
        assert -dx <= x0 <= w + dx - 36 and -dy <= y0 <= h + dy - 32
        padded = np.pad(o, ((dy, dy), (dx, dx), (0, 0)))
        np.testing.assert_array_equal(s["crop"], padded[y0 + dy:y0 + dy + 32, x0 + dx:x0 + dx + 36])
    assert len(sizes) > 6


# -- bad arguments fail on the user's line, at graph-building or compile time ----------------------
def test_bad_macro_arguments_name_the_users_line():
    import numpy as np
    img = np.zeros((32, 32, 3), np.uint8)
    with pp.Graph():
        with pytest.raises(ValueError, match=r"test_augment.py:\d+: RandomResizedCrop: scale"):
            augment.RandomResizedCrop(img, 224, scale=(2, 1))
        with pytest.raises(TypeError, match=r"test_augment.py:\d+: ColorJitter: got an unexpected keyword"):
            augment.ColorJitter(img, brightnes=0.2)


def test_a_mean_of_the_wrong_length_fails_at_compile_time_on_the_users_line():
    import numpy as np
    with pp.Graph() as g:
        img = pp.Select(pp.SampleIndex() >= 0, np.zeros((8, 8, 3), np.uint8), np.zeros((8, 8, 3), np.uint8))
        g.output("x", augment.Normalize(img, (0.5, 0.5), (0.2, 0.2)))
    with pytest.raises(pp.TypeCheckError, match=r"'mean' has 2 numbers for an image of 3 channels.*test_augment.py:\d+"):
        pp.compile(g)
