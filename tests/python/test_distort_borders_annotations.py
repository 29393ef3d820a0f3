"""The distortions (augment/distort.py) with OpenCV's BORDER_REFLECT_101 against albumentations
2.0.8, and with declared annotations (resource.Boxes with attached fields, resource.Keypoints,
resource.Masks): boxes that vanish are dropped with their labels and instance masks, keypoints that
leave the image lose their visibility, instance masks move like masks."""
import os
import warnings

import cv2
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import augment, resource

A = pytest.importorskip("albumentations")

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "photos")


def _photo(name="chelsea", size=(96, 72)):
    img = cv2.cvtColor(cv2.imread(os.path.join(PHOTOS, name + ".jpg")), cv2.COLOR_BGR2RGB)
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA)


def _compile(build, seed=3):
    with pp.Graph() as g:
        for k, v in build().items():
            g.output(k, v)
    return pp.compile(g, seed=seed)


# --- BORDER_REFLECT_101 -----------------------------------------------------------------------------

def test_default_borders_are_albumentations_defaults():
    for ours, theirs in ((augment.OpticalDistortion, A.OpticalDistortion), (augment.GridDistortion, A.GridDistortion),
                         (augment.ElasticTransform, A.ElasticTransform), (augment.PiecewiseAffine, A.PiecewiseAffine),
                         (augment.ThinPlateSpline, A.ThinPlateSpline)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = theirs(p=1.0)
        names = {cv2.BORDER_CONSTANT: "constant", cv2.BORDER_REFLECT_101: "reflect_101"}
        assert names[t.border_mode] == ours.configure()["border_mode"], ours.__name__
        assert ours.configure(border_mode=cv2.BORDER_REFLECT_101)["border_mode"] == "reflect_101"
        assert ours.configure(border_mode="reflect_101")["border_mode"] == "reflect_101"


@pytest.mark.parametrize("name", ["optical", "grid"])
def test_reflect_101_matches_albumentations(name):
    img = _photo()
    seg = (np.arange(img.shape[0] * img.shape[1]).reshape(img.shape[:2]) % 11).astype(np.uint8)
    if name == "optical":
        # k > 0 samples beyond the image near the corners: the border decides those pixels
        ours_cls, kw, theirs = augment.OpticalDistortion, dict(distort_limit=(0.6, 0.6)), A.OpticalDistortion
    else:
        ours_cls, kw, theirs = augment.GridDistortion, dict(num_steps=4, distort_limit=(0.3, 0.3), normalized=False), \
            A.GridDistortion

    def build(border):
        def make():
            r = resource.Resource(image=pp.Constant(img), mask=pp.Constant(seg))
            r = ours_cls(r, border_mode=border, p=1.0, **kw)
            return {"image": r.image, "mask": r.mask}
        return _compile(make).run(0)
    ours = build(cv2.BORDER_REFLECT_101)
    ref = theirs(border_mode=cv2.BORDER_REFLECT_101, p=1.0, **kw)(image=img, mask=seg)
    d = np.abs(ours["image"].astype(np.int32) - ref["image"].astype(np.int32))
    # the border matters here: with BORDER_REFLECT albumentations' image is far from ours
    other = theirs(border_mode=cv2.BORDER_REFLECT, p=1.0, **kw)(image=img)["image"]
    d_other = np.abs(ours["image"].astype(np.int32) - other.astype(np.int32))
    mismatch = np.mean(ours["mask"] != ref["mask"])
    print(f"{name} reflect_101: image max abs diff {d.max()}, mean {d.mean():.3f} (vs albumentations' REFLECT: "
          f"max {d_other.max()}, mean {d_other.mean():.3f}); mask pixels differing {mismatch:.3%}")
    assert d.mean() < 1.0 and d.max() <= 40
    assert d_other.mean() > 3 * d.mean() + 0.2
    assert mismatch < 0.01


def test_remap_reflect_101_far_outside_matches_opencv():
    # image.remap folds far-away coordinates by the border's period (2 (n - 1) for reflect_101)
    img = _photo("coffee", (23, 17))
    rng = np.random.default_rng(0)
    mx = rng.uniform(-120, 140, (30, 40)).astype(np.float32)
    my = rng.uniform(-90, 100, (30, 40)).astype(np.float32)
    for interpolation, flag in (("linear", cv2.INTER_LINEAR), ("nearest", cv2.INTER_NEAREST)):
        ours = _compile(lambda: {"i": pp.ops.image.Remap(pp.Constant(img), pp.Constant(mx), pp.Constant(my),
                                                         interpolation=interpolation,
                                                         border="reflect_101")}).run(0)["i"]
        if interpolation == "nearest":  # ours takes the pixel holding the point (floor), OpenCV rounds x - 1/2
            ref = cv2.remap(img, np.floor(mx), np.floor(my), flag, borderMode=cv2.BORDER_REFLECT_101)
        else:
            ref = cv2.remap(img, mx - 0.5, my - 0.5, flag, borderMode=cv2.BORDER_REFLECT_101)
        d = np.abs(ours.astype(np.int32) - ref.astype(np.int32))
        assert d.max() <= 1, (interpolation, d.max())


# --- declared annotations through every distortion ------------------------------------------------

W, H = 64, 48
STRONG = {
    "OpticalDistortion": lambda r: augment.OpticalDistortion(r, distort_limit=(-0.9, -0.6), p=1.0),
    "GridDistortion": lambda r: augment.GridDistortion(r, num_steps=3, distort_limit=0.6, normalized=False, p=1.0),
    "ElasticTransform": lambda r: augment.ElasticTransform(r, alpha=150, sigma=6, p=1.0),
    "PiecewiseAffine": lambda r: augment.PiecewiseAffine(r, scale=(0.1, 0.15), p=1.0),
    "ThinPlateSpline": lambda r: augment.ThinPlateSpline(r, scale_range=(0.8, 1.0), p=1.0),
    "GridElasticDeform": lambda r: augment.GridElasticDeform(r, num_grid_xy=(3, 3), magnitude=7),
    "RandomGridShuffle": lambda r: augment.RandomGridShuffle(r, grid=(2, 3), p=1.0),
}


def _annotations(rng):
    """Boxes (some tiny, at the corners, likely to vanish), their labels and instance masks, and
    keypoints (some near the border)."""
    boxes = [[0, 0, 2, 2], [W - 2, 0, W, 2], [0, H - 2, 2, H], [W - 2, H - 2, W, H]]
    for _ in range(3):  # one-pixel boxes: a squeezed spot drops them
        x, y = rng.integers(2, W - 2), rng.integers(2, H - 2)
        boxes.append([x, y, x + 1, y + 1])
    for _ in range(6):
        bw, bh = rng.integers(4, 16), rng.integers(4, 12)
        x1, y1 = rng.integers(0, W - bw), rng.integers(0, H - bh)
        boxes.append([x1, y1, x1 + bw, y1 + bh])
    boxes = np.array(boxes, np.float32)
    masks = np.zeros((len(boxes), H, W), np.uint8)
    for k, (x1, y1, x2, y2) in enumerate(boxes.astype(int)):
        masks[k, y1:y2, x1:x2] = 1
    kp = np.concatenate([np.stack([rng.uniform(0, W, 6), rng.uniform(0, H, 6)], 1),
                         [[0.2, 0.2], [W - 0.3, H - 0.3], [1.0, H / 2], [W / 2, 0.6]]]).astype(np.float32)
    return boxes, masks, kp


@pytest.mark.parametrize("name", sorted(STRONG))
def test_declared_annotations(name):
    n = 30
    rng = np.random.default_rng(len(name))
    sets = [_annotations(rng) for _ in range(n)]
    img = _photo("astronaut", (W, H))

    def build():
        i = pp.SampleIndex()
        b, m, k = (pp.Constant([s[j] for s in sets])[i] for j in range(3))
        labels = pp.Constant([np.arange(10, 10 + len(s[0]), dtype=np.int32) for s in sets])[i]
        # the same fields undeclared: boxes moved but not filtered (vanished ones at -1), masks N x H x W
        # moved as an H x W x N mask, points without visibility
        plain_masks = pp.ops.tensor.Transpose(m, axes=[1, 2, 0])
        r = resource.Resource(image=pp.Constant(img), boxes=resource.Boxes(b, fields=("labels", "masks")),
                              labels=labels, masks=resource.Masks(m), kp=resource.Keypoints(k),
                              plain_boxes=resource.Field(b, "boxes"), plain_masks=resource.Field(plain_masks, "mask"),
                              plain_kp=resource.Field(k, "points"))
        r = STRONG[name](r)
        out = {f: r.user_value(f) for f in ("boxes", "masks", "kp")}
        out.update(labels=r.labels, plain_boxes=r.plain_boxes, plain_masks=r.plain_masks, plain_kp=r.plain_kp)
        return out

    dropped = invisible = 0
    for s in _compile(build).run_many(0, n):
        moved = s["plain_boxes"]
        clipped = np.clip(moved, 0, [W, H, W, H])
        area = (moved[:, 2] - moved[:, 0]) * (moved[:, 3] - moved[:, 1])
        carea = (clipped[:, 2] - clipped[:, 0]) * (clipped[:, 3] - clipped[:, 1])
        keep = (area > 0) & (carea > 0)
        vanished = np.all(moved == -1, axis=1)
        assert not keep[vanished].any()
        dropped += int((~keep).sum())
        # the kept boxes, clipped, with their labels and instance masks
        np.testing.assert_allclose(s["boxes"], clipped[keep], atol=1e-4)
        np.testing.assert_array_equal(s["labels"], np.arange(10, 10 + len(moved), dtype=np.int32)[keep])
        assert len(s["labels"]) == len(s["boxes"])
        assert s["masks"].shape == (int(keep.sum()), H, W)
        np.testing.assert_array_equal(s["masks"], s["plain_masks"].transpose(2, 0, 1)[keep])
        # each kept instance mask's pixels lie in its box (RandomGridShuffle: the largest connected
        # piece, as its boxes follow the largest piece)
        for box, plane in zip(s["boxes"], s["masks"]):
            pieces = [plane > 0]
            if name == "RandomGridShuffle":
                count, labels, st, _ = cv2.connectedComponentsWithStats(plane, connectivity=8)
                areas = st[1:, cv2.CC_STAT_AREA]
                pieces = [labels == 1 + k for k in np.flatnonzero(areas == areas.max())]
            inside = []
            for piece in pieces:
                ys, xs = np.nonzero(piece)
                inside.append(len(xs) == 0 or (xs.min() >= box[0] - 1e-4 and xs.max() + 1 <= box[2] + 1e-4
                                               and ys.min() >= box[1] - 1e-4 and ys.max() + 1 <= box[3] + 1e-4))
            assert any(inside), (box, name)
        # keypoints: moved as the plain points, visible exactly when inside the image
        kp, plain = s["kp"], s["plain_kp"]
        np.testing.assert_allclose(kp[:, :2], plain, atol=1e-4)
        inside = (plain[:, 0] >= 0) & (plain[:, 0] < W) & (plain[:, 1] >= 0) & (plain[:, 1] < H)
        np.testing.assert_array_equal(kp[:, 2], inside.astype(np.float32))
        invisible += int((~inside).sum())
    print(f"{name}: {dropped} boxes dropped, {invisible} keypoints made invisible over {n} samples")
    if name == "RandomGridShuffle":
        assert dropped == 0  # tiles keep every pixel
    else:
        assert dropped > 0  # the strong settings make some corner boxes vanish: the drop was exercised
