"""The dropout family (augment/dropout.py) against albumentations 2.0.8.

Checked: with fixed holes the image and mask equal albumentations' BaseDropout output exactly
(constant and per-channel fills) and the kept, shrunk boxes and the kept points equal
albumentations' filter_bboxes_by_holes / filter_keypoints_in_holes (with BboxParams thresholds);
GridDropout in its deterministic setting equals A.GridDropout through A.Compose (image, mask,
boxes, keypoints); the hole count, size and position distributions of CoarseDropout, XYMasking
and GridDropout match albumentations' get_params_dependent_on_data (KS, 5000 draws, p > 0.01);
the random fills' value distributions match albumentations' (u8 uniform 0..255, f32 uniform
[0, 1), one colour per hole for random_uniform).
"""
import pathlib
import random as pyrandom

import numpy as np
import pytest
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment, resource
from pixelpipes.augment import dropout
from pixelpipes.ops import mask as mask_ops

A = pytest.importorskip("albumentations")
cv2 = pytest.importorskip("cv2")
from albumentations.augmentations.dropout import functional as F  # noqa: E402

PHOTOS = pathlib.Path(__file__).resolve().parents[2] / "examples" / "data" / "photos"
N_DRAWS = 5000


def _photo(name="astronaut.jpg", h=160, w=200):
    img = cv2.cvtColor(cv2.imread(str(PHOTOS / name)), cv2.COLOR_BGR2RGB)
    return np.ascontiguousarray(img[:h, :w])


def _label_map(h, w):
    m = np.zeros((h, w), np.uint8)
    m[20:90, 30:120] = 1
    m[100:150, 60:190] = 2
    return m


class _FixedHoles(dropout._Dropout):
    """The dropout machinery with given holes (for the exact comparisons)."""

    @staticmethod
    def configure(holes=(), fill=0, fill_mask=None):
        return dict(holes=tuple(tuple(int(v) for v in h) for h in holes), fill=dropout._fill(fill),
                    fill_mask=dropout._fill_mask(fill_mask))

    def holes(self, ref):
        return pp.Constant(np.array(self.config["holes"], np.float32).reshape(-1, 4))


HOLES = np.array([[10, 15, 60, 40], [50, 30, 95, 70], [120, 100, 180, 150], [0, 140, 30, 160]], np.int64)
BOXES = np.array([[5, 10, 55, 45],      # mostly covered by hole 0
                  [12, 18, 58, 38],     # inside hole 0: dropped
                  [100, 90, 190, 155],  # partly covered
                  [140, 10, 190, 60],   # untouched
                  [40, 25, 100, 80]], np.float32)
POINTS = np.array([[20.0, 20.0], [60.5, 69.9], [95.0, 50.0], [150.0, 30.0], [0.0, 159.0]], np.float32)


def _run_fixed(img, seg, fill, fill_mask):
    with pp.Graph() as g:
        r = resource.Resource(image=img, mask=seg, boxes=BOXES, points=POINTS)
        _FixedHoles(r, holes=HOLES.tolist(), fill=fill, fill_mask=fill_mask, p=1.0).output()
    return pp.compile(g, seed=1).run(0)


@pytest.mark.parametrize("fill,fill_mask", [(0, None), (127, 9), ((255, 0, 30), 3)])
def test_fixed_holes_match_albumentations_exactly(fill, fill_mask):
    img = _photo()
    seg = _label_map(*img.shape[:2])
    out = _run_fixed(img, seg[..., None], fill, fill_mask)
    ref = A.CoarseDropout(fill=fill, fill_mask=fill_mask, p=1.0)
    want_img = ref.apply(img, holes=HOLES, seed=0)
    want_mask = ref.apply_to_mask(seg, holes=HOLES, seed=0)
    diff = np.abs(out["image"].astype(int) - want_img.astype(int))
    assert diff.max() == 0 and diff.mean() == 0  # exact
    np.testing.assert_array_equal(out["mask"][..., 0], want_mask)
    want_boxes = F.filter_bboxes_by_holes(BOXES.astype(np.float64), HOLES, img.shape[:2], 0.0, 0.0)
    np.testing.assert_array_equal(out["boxes"], want_boxes.astype(np.float32))
    want_points = F.filter_keypoints_in_holes(POINTS, HOLES)
    np.testing.assert_array_equal(out["points"], want_points)
    assert len(want_boxes) == 4 and len(want_points) == 2  # the case drops boxes and points


@pytest.mark.parametrize("min_area,min_visibility", [(0.0, 0.5), (800.0, 0.0), (100.0, 0.3)])
def test_box_thresholds_match_albumentations(min_area, min_visibility):
    h, w = 160, 200
    with pp.Graph() as g:
        holes_mask = mask_ops.RenderBoxes(pp.Constant(HOLES.astype(np.float32)), w, h)
        g.output("boxes", dropout.filter_boxes_by_holes(pp.Constant(BOXES), holes_mask, w, h, min_area=min_area,
                                                        min_visibility=min_visibility))
    got = pp.compile(g, seed=1).run(0)["boxes"]
    want = F.filter_bboxes_by_holes(BOXES.astype(np.float64), HOLES, (h, w), min_area, min_visibility)
    np.testing.assert_array_equal(got, np.asarray(want, np.float32).reshape(-1, 4))


def test_grid_dropout_deterministic_matches_albumentations_compose():
    img = _photo("coffee.jpg")
    seg = _label_map(*img.shape[:2])
    kw = dict(ratio=0.4, random_offset=False, holes_number_xy=(4, 5), shift_xy=(3, 2), fill=(10, 20, 30),
              fill_mask=7, p=1.0)
    with pp.Graph() as g:
        r = resource.Resource(image=img, mask=seg[..., None], boxes=BOXES, points=POINTS)
        augment.GridDropout(r, **kw).output()
    out = pp.compile(g, seed=1).run(0)
    t = A.Compose([A.GridDropout(**kw)], bbox_params=A.BboxParams(format="pascal_voc", label_fields=[]),
                  keypoint_params=A.KeypointParams(format="xy", remove_invisible=True), seed=0)
    want = t(image=img, mask=seg, bboxes=BOXES, keypoints=POINTS)
    np.testing.assert_array_equal(out["image"], want["image"])
    np.testing.assert_array_equal(out["mask"][..., 0], want["mask"])
    # Boxes: exactly albumentations' filter_bboxes_by_holes on the same holes; through A.Compose
    # its normalize/denormalize round trip can land a hair under an integer before truncation, so
    # there the corners agree within 1 pixel.
    holes = A.GridDropout(**kw).get_params_dependent_on_data({"shape": img.shape}, {"image": img})["holes"]
    exact = F.filter_bboxes_by_holes(BOXES.astype(np.float64), holes, img.shape[:2], 0.0, 0.0)
    np.testing.assert_array_equal(out["boxes"], np.asarray(exact, np.float32).reshape(-1, 4))
    np.testing.assert_allclose(out["boxes"], np.asarray(want["bboxes"], np.float32).reshape(-1, 4), atol=1.0)
    np.testing.assert_allclose(out["points"], np.asarray(want["keypoints"], np.float32)[:, :2])


# --- distributions ------------------------------------------------------------------------------

def _draw_holes(cls, h, w, n=N_DRAWS, **kwargs):
    config = cls.configure(**kwargs)
    with pp.Graph() as g:
        ref = pp.Constant(np.zeros((h, w, 3), np.uint8))
        (holes,) = cls._params(None, ref, config, None)
        g.output("holes", holes)
    p = pp.compile(g, seed=11)
    return [p.run(i)["holes"] for i in range(n)]


def _reference_holes(transform, h, w, n=N_DRAWS):
    img = np.zeros((h, w, 3), np.uint8)
    out = []
    for i in range(n):
        transform.py_random = pyrandom.Random(i)
        transform.random_generator = np.random.default_rng(i)
        out.append(np.asarray(transform.get_params_dependent_on_data({"shape": img.shape}, {"image": img})["holes"])
                   .reshape(-1, 4))
    return out


def _assert_same_distributions(ours, theirs, what):
    na, nb = [len(x) for x in ours], [len(x) for x in theirs]
    if len(set(na)) == 1 and len(set(nb)) == 1:
        assert na[0] == nb[0], (what, "count", na[0], nb[0])
    else:
        assert stats.ks_2samp(na, nb).pvalue > 0.01, (what, "count", stats.ks_2samp(na, nb))
    # One hole per sample (the first, then the last): holes of one sample are not independent
    # (a grid's holes share its unit), so pooling them would overstate the sample size.
    for pick in (0, -1):
        a = np.array([x[pick] for x in ours if len(x)])
        b = np.array([x[pick] for x in theirs if len(x)])
        for k, name in enumerate(("x1", "y1", "width", "height")):
            col_a = a[:, k] if k < 2 else a[:, k] - a[:, k - 2]
            col_b = b[:, k] if k < 2 else b[:, k] - b[:, k - 2]
            res = stats.ks_2samp(col_a, col_b)
            assert res.pvalue > 0.01, (what, pick, name, res)


@pytest.mark.parametrize("kwargs", [dict(num_holes_range=(1, 4), hole_height_range=(0.1, 0.3),
                                         hole_width_range=(0.05, 0.4)),
                                    dict(num_holes_range=(2, 6), hole_height_range=(3, 12),
                                         hole_width_range=(5, 20))])
def test_coarse_dropout_hole_distribution_matches_albumentations(kwargs):
    h, w = 40, 60
    ours = _draw_holes(augment.CoarseDropout, h, w, **kwargs)
    theirs = _reference_holes(A.CoarseDropout(p=1.0, **kwargs), h, w)
    _assert_same_distributions(ours, theirs, kwargs)


def test_xy_masking_strip_distribution_matches_albumentations():
    kwargs = dict(num_masks_x=(1, 3), num_masks_y=2, mask_x_length=(2, 10), mask_y_length=(1, 6))
    h, w = 40, 60
    ours = _draw_holes(augment.XYMasking, h, w, **kwargs)
    theirs = _reference_holes(A.XYMasking(p=1.0, **kwargs), h, w)
    _assert_same_distributions(ours, theirs, kwargs)


@pytest.mark.parametrize("kwargs", [dict(ratio=0.5, unit_size_range=(5, 12)), dict(ratio=0.3),
                                    dict(ratio=0.6, holes_number_xy=(3, 4))])
def test_grid_dropout_hole_distribution_matches_albumentations(kwargs):
    h, w = 43, 61  # not divisible: the shuffled cell sizes matter
    ours = _draw_holes(augment.GridDropout, h, w, **kwargs)
    theirs = _reference_holes(A.GridDropout(p=1.0, **kwargs), h, w)
    _assert_same_distributions(ours, theirs, kwargs)


# --- random fills -------------------------------------------------------------------------------

def _filled_values(img, fill, n=200):
    with pp.Graph() as g:
        r = resource.Resource(image=img)
        _FixedHoles(r, holes=[[0, 0, 4, 4], [10, 10, 13, 12]], fill=fill, p=1.0).output()
    p = pp.compile(g, seed=5)
    return [p.run(i)["image"] for i in range(n)]


def test_random_fill_u8_is_uniform_over_0_255():
    img = np.full((16, 16, 3), 7, np.uint8)
    vals = np.concatenate([o[:4, :4].ravel() for o in _filled_values(img, "random")])
    rng = np.random.default_rng(0)
    ref = F.generate_random_fill(np.dtype(np.uint8), vals.shape, rng)
    assert stats.ks_2samp(vals, ref).pvalue > 0.01
    assert vals.min() == 0 and vals.max() == 255


def test_random_fill_f32_is_uniform_over_0_1():
    img = np.full((16, 16, 3), 0.5, np.float32)
    vals = np.concatenate([o[:4, :4].ravel() for o in _filled_values(img, "random")])
    assert stats.kstest(vals, "uniform").pvalue > 0.01


def test_random_uniform_fill_is_one_colour_per_hole():
    img = np.full((16, 16, 3), 7, np.uint8)
    outs = _filled_values(img, "random_uniform")
    for o in outs[:20]:
        assert (o[:4, :4] == o[0, 0]).all() and (o[10:12, 10:13] == o[10, 10]).all()
        assert (o[4:10, 4:10] == 7).all()
    colours = np.concatenate([o[0, 0] for o in outs])
    ref = F.generate_random_fill(np.dtype(np.uint8), colours.shape, np.random.default_rng(1))
    assert stats.ks_2samp(colours, ref).pvalue > 0.01


def test_arguments_are_checked():
    with pytest.raises(ValueError):
        augment.CoarseDropout(num_holes_range=(3, 1))
    with pytest.raises(ValueError):
        augment.CoarseDropout(fill="inpaint_ns")
    with pytest.raises(ValueError):
        augment.XYMasking()
    with pytest.raises(ValueError):
        augment.GridDropout(ratio=0)


def test_defaults_follow_albumentations():
    assert augment.CoarseDropout(fill=0).p == 0.5
    assert augment.GridDropout().p == 0.5
    assert augment.XYMasking(mask_x_length=3).p == 0.5


# --- declared annotations (resource.Boxes / Keypoints) through the holes -------------------------

class _AlbuFixedHoles(A.CoarseDropout):
    """albumentations' BaseDropout machinery with given holes."""

    def __init__(self, holes, **kw):
        super().__init__(p=1.0, **kw)
        self.fixed = np.asarray(holes)

    def get_params_dependent_on_data(self, params, data):
        return {"holes": self.fixed, "seed": 0}


BOX_LABELS = np.array([7, 8, 9, 10, 11], np.int64)
KEYPOINTS = np.array([[20.0, 20.0], [60.5, 69.9], [95.0, 50.0], [150.0, 30.0], [0.0, 159.0]], np.float32)
KEYPOINT_LABELS = np.array([1, 2, 3, 4, 5], np.int64)


@pytest.mark.parametrize("min_area,min_visibility", [(0.0, 0.0), (0.0, 0.5), (800.0, 0.0), (100.0, 0.3)])
def test_declared_boxes_and_labels_follow_fixed_holes_like_albumentations(min_area, min_visibility):
    img = _photo()
    with pp.Graph() as g:
        r = resource.Resource(image=img,
                              boxes=resource.Boxes(BOXES, fields=("labels",), min_area=min_area,
                                                   min_visibility=min_visibility), labels=BOX_LABELS,
                              keypoints=resource.Keypoints(KEYPOINTS, fields=("kp_labels",), remove_invisible=True),
                              kp_labels=KEYPOINT_LABELS)
        _FixedHoles(r, holes=HOLES.tolist(), p=1.0).output()
    out = pp.compile(g, seed=1).run(0)
    t = A.Compose([_AlbuFixedHoles(HOLES)],
                  bbox_params=A.BboxParams(format="pascal_voc", min_area=min_area, min_visibility=min_visibility,
                                           label_fields=["labels"]),
                  keypoint_params=A.KeypointParams(format="xy", label_fields=["kp_labels"], remove_invisible=True),
                  seed=0)
    want = t(image=img, bboxes=BOXES, labels=BOX_LABELS, keypoints=KEYPOINTS, kp_labels=KEYPOINT_LABELS)
    np.testing.assert_array_equal(out["labels"], np.asarray(want["labels"]))
    # albumentations' normalize/denormalize round trip: corners within 1 px of the exact ones
    np.testing.assert_allclose(out["boxes"], np.asarray(want["bboxes"], np.float32).reshape(-1, 4), atol=1.0)
    np.testing.assert_array_equal(out["kp_labels"], np.asarray(want["kp_labels"]))
    np.testing.assert_allclose(out["keypoints"][:, :2], np.asarray(want["keypoints"])[:, :2], atol=1e-4)
    assert len(want["labels"]) < len(BOXES) and len(want["kp_labels"]) == 2  # rows were dropped


# --- MaskDropout ---------------------------------------------------------------------------------

def _objects_map(h=160, w=200):
    m = np.zeros((h, w), np.uint8)
    m[20:60, 30:90] = 1
    m[20:60, 90:120] = 2     # touches object 1: another value, another object
    m[100:150, 10:70] = 1    # a second region of value 1
    m[90:140, 120:190] = 3
    return m


OBJECT_BOXES = np.array([[30, 20, 90, 60], [90, 20, 120, 60], [10, 100, 70, 150], [120, 90, 190, 140],
                         [60, 40, 110, 120]], np.float32)
OBJECT_KEYPOINTS = np.array([[50.5, 30.5], [100.5, 40.5], [40.5, 120.5], [150.5, 100.5], [5.5, 5.5]], np.float32)


def _mask_dropout(img, seg, n=1, seed=1, boxes_decl=None, **kw):
    with pp.Graph() as g:
        fields = dict(image=img, mask=seg[..., None])
        if boxes_decl is not None:
            fields.update(boxes=boxes_decl, labels=BOX_LABELS,
                          keypoints=resource.Keypoints(OBJECT_KEYPOINTS, fields=("kp_labels",), remove_invisible=True),
                          kp_labels=KEYPOINT_LABELS)
        augment.MaskDropout(resource.Resource(**fields), p=1.0, **kw).output()
    p = pp.compile(g, seed=seed)
    return [p.run(i) for i in range(n)]


def test_mask_dropout_objects_are_albumentations_labels():
    seg = _objects_map()
    labels, count = F.label(seg, return_num=True)
    assert count == 4
    objects = [labels == k for k in range(1, count + 1)]
    img = _photo()
    seen = set()
    for out in _mask_dropout(img, seg, n=40, max_objects=(1, 3), fill=0, fill_mask=0):
        dropped = (seg > 0) & (out["mask"][..., 0] == 0)
        chosen = [k for k, o in enumerate(objects) if (dropped & o).any()]
        assert all((dropped & o).sum() == o.sum() for o in (objects[k] for k in chosen))  # whole objects
        np.testing.assert_array_equal(dropped, np.any([objects[k] for k in chosen], axis=0))
        assert 1 <= len(chosen) <= 3
        np.testing.assert_array_equal(out["image"], A.MaskDropout(fill=0).apply(img, dropout_mask=dropped))
        seen.add(tuple(chosen))
    assert len(seen) > 5


@pytest.mark.parametrize("min_area,min_visibility", [(0.0, 0.0), (0.0, 0.5), (1000.0, 0.0)])
def test_mask_dropout_all_objects_matches_albumentations_compose(min_area, min_visibility):
    img, seg = _photo("coffee.jpg"), _objects_map()
    decl = resource.Boxes(OBJECT_BOXES, fields=("labels",), min_area=min_area, min_visibility=min_visibility)
    (out,) = _mask_dropout(img, seg, boxes_decl=decl, max_objects=(5, 5), fill=77, fill_mask=9)
    t = A.Compose([A.MaskDropout(max_objects=(5, 5), fill=77, fill_mask=9, p=1.0)],
                  bbox_params=A.BboxParams(format="pascal_voc", min_area=min_area, min_visibility=min_visibility,
                                           label_fields=["labels"]),
                  keypoint_params=A.KeypointParams(format="xy", label_fields=["kp_labels"], remove_invisible=True),
                  seed=0)
    want = t(image=img, mask=seg, bboxes=OBJECT_BOXES, labels=BOX_LABELS, keypoints=OBJECT_KEYPOINTS,
             kp_labels=KEYPOINT_LABELS)
    np.testing.assert_array_equal(out["image"], want["image"])
    np.testing.assert_array_equal(out["mask"][..., 0], want["mask"])
    np.testing.assert_array_equal(out["labels"], np.asarray(want["labels"]))
    np.testing.assert_allclose(out["boxes"], np.asarray(want["bboxes"], np.float32).reshape(-1, 4), atol=1e-3)
    np.testing.assert_array_equal(out["kp_labels"], np.asarray(want["kp_labels"]))
    if min_visibility or min_area:
        assert len(want["labels"]) < len(OBJECT_BOXES)


def test_mask_dropout_boxes_follow_the_chosen_objects_like_albumentations():
    img, seg = _photo(), _objects_map()
    decl = resource.Boxes(OBJECT_BOXES, fields=("labels",), min_visibility=0.6)
    for out in _mask_dropout(img, seg, n=20, boxes_decl=decl, max_objects=(1, 2)):
        dropped = (seg > 0) & (out["mask"][..., 0] == 0)
        kept = F.mask_dropout_bboxes(np.concatenate([OBJECT_BOXES, BOX_LABELS[:, None]], 1), dropped,
                                     seg.shape, 0.0, 0.6)
        np.testing.assert_array_equal(out["labels"], kept[:, 4].astype(np.int64))
        want_kp = F.mask_dropout_keypoints(np.concatenate([OBJECT_KEYPOINTS, KEYPOINT_LABELS[:, None]], 1), dropped)
        np.testing.assert_array_equal(out["kp_labels"], want_kp[:, 2].astype(np.int64))


def test_mask_dropout_count_and_choice_match_albumentations_chi_square():
    seg = np.zeros((12, 16), np.uint8)
    seg[0:3, 0:3], seg[0:3, 5:8], seg[6:9, 0:4], seg[6:12, 9:16] = 1, 2, 1, 4
    labels, count = F.label(seg, return_num=True)
    objects = [labels == k for k in range(1, count + 1)]

    def stats_of(dropped_masks):
        counts, hits = np.zeros(count + 1), np.zeros(count)
        for d in dropped_masks:
            chosen = [k for k, o in enumerate(objects) if (d & o).any()]
            counts[len(chosen)] += 1
            hits[chosen] += 1
        return counts[1:], hits

    with pp.Graph() as g:
        augment.MaskDropout(resource.Resource(image=np.zeros((12, 16), np.uint8), mask=seg[..., None]),
                            max_objects=(1, 3), fill_mask=0, p=1.0).output()
    p = pp.compile(g, seed=7)
    ours = stats_of(((seg > 0) & (p.run(i)["mask"][..., 0] == 0)) for i in range(N_DRAWS))
    t = A.MaskDropout(max_objects=(1, 3), p=1.0)
    theirs = []
    for i in range(N_DRAWS):
        t.py_random = pyrandom.Random(i)
        t.random_generator = np.random.default_rng(i)
        theirs.append(t.get_params_dependent_on_data({}, {"mask": seg})["dropout_mask"])
    theirs = stats_of(theirs)
    for a, b, what in zip(ours, theirs, ("number of objects", "objects chosen")):
        table = np.stack([a, b])
        res = stats.chi2_contingency(table[:, table.sum(0) > 0])
        assert res.pvalue > 0.01, (what, a, b, res.pvalue)


def test_mask_dropout_keypoints_on_dropped_objects_become_invisible():
    seg = _objects_map()
    kps = OBJECT_KEYPOINTS
    with pp.Graph() as g:
        r = resource.Resource(image=_photo(), mask=seg[..., None], keypoints=resource.Keypoints(kps))
        augment.MaskDropout(r, max_objects=2, fill_mask=0, p=1.0).output()
    p = pp.compile(g, seed=2)
    for i in range(30):
        out = p.run(i)
        dropped = (seg > 0) & (out["mask"][..., 0] == 0)
        on_dropped = dropped[kps[:, 1].astype(int), kps[:, 0].astype(int)]
        np.testing.assert_array_equal(out["keypoints"][:, 2], (~on_dropped).astype(np.float32))
        filled = (out["image"] == 0).all(-1)
        assert filled[dropped].all()


def test_mask_dropout_arguments():
    assert augment.MaskDropout().p == 0.5
    with pytest.raises(ValueError, match="inpaint"):
        augment.MaskDropout(fill="inpaint_telea")
    with pytest.raises(ValueError):
        augment.MaskDropout(max_objects=(3, 1))
    with pytest.raises(ValueError, match="mask field"):
        with pp.Graph():
            augment.MaskDropout(resource.Resource(image=np.zeros((4, 4), np.uint8)), p=1.0)


# --- ConstrainedCoarseDropout ------------------------------------------------------------------

from pixelpipes.augment import constrained_dropout as cd  # noqa: E402


def _evaluate(node_fn):
    with pp.Graph() as g:
        g.output("x", node_fn())
    return pp.compile(g, seed=1).run(0)["x"]


def test_constrained_box_holes_equal_albumentations_with_its_draws():
    targets = np.array([[10, 20, 90, 60], [100.5, 30.2, 180.7, 140.9], [5, 5, 9, 30]], np.float64)
    n, hr, wr = 3, (0.2, 0.5), (0.1, 0.6)
    want = F.get_holes_from_boxes(targets, n, hr, wr, np.random.default_rng(5))
    rng = np.random.default_rng(5)
    draws = [rng.uniform(*hr, size=(3, n)), rng.uniform(*wr, size=(3, n)), rng.uniform(0, 1, size=(3, n)),
             rng.uniform(0, 1, size=(3, n))]
    got = _evaluate(lambda: cd.holes_in_boxes(pp.Constant(targets.astype(np.float32)),
                                              *(pp.Constant(d) for d in draws)))
    np.testing.assert_array_equal(got, want.astype(np.float32))


def test_constrained_mask_holes_equal_albumentations_with_its_draws():
    seg = _objects_map()
    n, hr, wr = 2, (0.2, 0.5), (0.3, 0.9)
    want = F.get_holes_from_mask(seg, n, [1, 3], hr, wr, np.random.default_rng(3))
    rng = np.random.default_rng(3)  # the same draws, in albumentations' order
    _, comps = cv2.connectedComponents(np.isin(seg, [1, 3]).astype(np.uint8))
    rows = []
    for k in range(1, comps.max() + 1):
        pts = np.argwhere(comps == k)
        for y, x in pts[rng.choice(len(pts), size=n, replace=True)]:
            rows.append((x, y, len(pts)))
    rows = np.array(rows, np.float32)
    uh, uw = rng.uniform(*hr, size=len(rows)), rng.uniform(*wr, size=len(rows))
    got = _evaluate(lambda: cd.holes_around_points(pp.Constant(rows), pp.Constant(uh[:, None]),
                                                   pp.Constant(uw[:, None]), 200.0, 160.0))
    np.testing.assert_array_equal(got, want.astype(np.float32))


def _constrained_holes(seg=None, boxes=None, n=N_DRAWS, **kw):
    config = augment.ConstrainedCoarseDropout.configure(**kw)
    with pp.Graph() as g:
        fields = dict(image=np.zeros((160, 200), np.uint8))
        if seg is not None:
            fields["mask"] = seg[..., None]
        if boxes is not None:
            fields.update(boxes=resource.Boxes(boxes, fields=("labels",)), labels=BOX_LABELS[:len(boxes)])
        r = resource.Resource(**fields)
        (holes,) = augment.ConstrainedCoarseDropout._params(r, r.reference(), config, None)
        g.output("holes", holes)
    p = pp.compile(g, seed=13)
    return [p.run(i)["holes"] for i in range(n)]


def test_constrained_box_hole_distribution_matches_albumentations():
    kw = dict(num_holes_range=(1, 4), hole_height_range=(0.2, 0.5), hole_width_range=(0.1, 0.4), bbox_labels=[7, 9])
    ours = _constrained_holes(boxes=BOXES, **kw)
    targets = BOXES[np.isin(BOX_LABELS, [7, 9])].astype(np.float64)
    theirs = []
    for i in range(N_DRAWS):
        count = pyrandom.Random(i).randint(1, 4)
        theirs.append(F.get_holes_from_boxes(targets, count, (0.2, 0.5), (0.1, 0.4), np.random.default_rng(i)))
    _assert_same_distributions(ours, theirs, kw)


def test_constrained_mask_hole_distribution_matches_albumentations():
    seg = _objects_map()
    kw = dict(num_holes_range=(1, 3), hole_height_range=(0.2, 0.5), hole_width_range=(0.3, 0.6), mask_indices=[1, 2])
    ours = _constrained_holes(seg=seg, **kw)
    theirs = []
    for i in range(N_DRAWS):
        count = pyrandom.Random(i).randint(1, 3)
        theirs.append(F.get_holes_from_mask(seg, count, [1, 2], (0.2, 0.5), (0.3, 0.6), np.random.default_rng(i)))
    _assert_same_distributions(ours, theirs, kw)


def test_constrained_dropout_holes_lie_on_targets_and_boxes_follow():
    img, seg = _photo(), _objects_map()
    with pp.Graph() as g:
        r = resource.Resource(image=img, mask=seg[..., None],
                              boxes=resource.Boxes(BOXES, fields=("labels",), min_visibility=0.7), labels=BOX_LABELS)
        augment.ConstrainedCoarseDropout(r, num_holes_range=(2, 3), hole_height_range=(0.3, 0.6),
                                         hole_width_range=(0.3, 0.6), bbox_labels=[9], fill=0, fill_mask=255,
                                         p=1.0).output()
    p = pp.compile(g, seed=4)
    target = np.zeros(seg.shape, bool)
    x1, y1, x2, y2 = BOXES[2].astype(int)
    target[y1:y2, x1:x2] = True
    for i in range(30):
        out = p.run(i)
        holes = out["mask"][..., 0] == 255
        assert holes.any() and not (holes & ~target).any()
        assert (out["image"][holes] == 0).all()
        # the labels follow the kept boxes: a box survives iff albumentations' filter keeps it
        rows = np.argwhere(holes)
        visible = [((~holes)[int(b[1]):int(b[3]), int(b[0]):int(b[2])]).mean() for b in BOXES]
        np.testing.assert_array_equal(out["labels"], BOX_LABELS[np.array(visible) >= 0.7])
        assert len(rows)


def test_constrained_dropout_arguments():
    assert augment.ConstrainedCoarseDropout(bbox_labels=[1]).p == 0.5
    with pytest.raises(ValueError):
        augment.ConstrainedCoarseDropout()
    with pytest.raises(ValueError):
        augment.ConstrainedCoarseDropout(bbox_labels=["cat"])
    with pytest.raises(ValueError):
        augment.ConstrainedCoarseDropout(mask_indices=[1], hole_height_range=(0.5, 1.5))
