"""Declared annotations (resource.Boxes, Keypoints, Masks) against albumentations 2.0.8.

Conventions: boxes are continuous coordinates in both libraries (pixel (i, j) covers
[j, j+1) x [i, i+1)), so they are compared directly (1e-3 px). albumentations' keypoints are
pixel indices (its horizontal flip maps x to W - 1 - x) while PixelPipes' are continuous, so a
keypoint x_a of albumentations is fed as x_a + 0.5 and compared as ours - 0.5. Box transforms
use albumentations' own ``bbox_matrix`` (the continuous-coordinate form of its affine matrix).
"""
import math
import os

import albumentations as A
import cv2
import numpy as np
import pytest
from albumentations.core.bbox_utils import (convert_bboxes_from_albumentations, convert_bboxes_to_albumentations,
                                            normalize_bboxes)
from albumentations.core.keypoints_utils import (convert_keypoints_from_albumentations,
                                                 convert_keypoints_to_albumentations)

import pixelpipes as pp
from pixelpipes import augment, resource
from pixelpipes.ops import core, tensor
from op_runner import varying

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "photos")
H, W = 120, 160
TOL = 1e-3


def _photo(name="astronaut.jpg", w=W, h=H):
    img = cv2.cvtColor(cv2.imread(os.path.join(PHOTOS, name)), cv2.COLOR_BGR2RGB)
    return cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)


def _run(build, sample=0, seed=0):
    with pp.Graph() as g:
        out = build()
        if isinstance(out, resource.Resource):
            out.output()
        else:
            for k, v in out.items():
                g.output(k, v)
    return pp.compile(g, seed=seed).run(sample)


def _random_boxes(rng, n, w=W, h=H, spill=0.0):
    """n pascal_voc boxes, inside the image unless spill > 0."""
    x1 = rng.uniform(-spill * w, w * 0.8, n)
    y1 = rng.uniform(-spill * h, h * 0.8, n)
    bw = rng.uniform(4, w * 0.5, n)
    bh = rng.uniform(4, h * 0.5, n)
    b = np.stack([x1, y1, x1 + bw, y1 + bh], 1)
    if spill == 0:
        b[:, [0, 2]] = b[:, [0, 2]].clip(0, w)
        b[:, [1, 3]] = b[:, [1, 3]].clip(0, h)
    return b.astype(np.float32)


SHAPE = {"height": H, "width": W}


# -- formats ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", resource.BOX_FORMATS)
def test_box_formats_round_trip_against_albumentations(fmt):
    px = _random_boxes(np.random.default_rng(1), 12)
    normalized = normalize_bboxes(px.astype(np.float64), SHAPE)
    user = normalized if fmt == "albumentations" else convert_bboxes_from_albumentations(normalized, fmt, SHAPE)
    user = user.astype(np.float32)
    back = convert_bboxes_to_albumentations(user, fmt, SHAPE) if fmt != "albumentations" else user
    np.testing.assert_allclose(back, normalized, atol=1e-6)    # the reference converts both ways

    def build():
        r = resource.Resource(image=_photo(), boxes=resource.Boxes(varying(user), format=fmt))
        return {"internal": r["boxes"], "user": r.user_value("boxes")}
    out = _run(build)
    np.testing.assert_allclose(out["internal"], px, atol=TOL)
    np.testing.assert_allclose(out["user"], user, atol=TOL if fmt in ("pascal_voc", "coco") else 1e-5)


@pytest.mark.parametrize("fmt", resource.KEYPOINT_FORMATS)
@pytest.mark.parametrize("degrees", [True, False])
def test_keypoint_formats_round_trip_against_albumentations(fmt, degrees):
    rng = np.random.default_rng(2)
    n = 9
    columns = {"x": rng.uniform(0, W, n), "y": rng.uniform(0, H, n),
               "a": rng.uniform(-400, 400, n) if degrees else rng.uniform(-7, 7, n), "s": rng.uniform(0.5, 3, n)}
    user = np.stack([columns[c] for c in fmt], 1).astype(np.float32)
    ref = convert_keypoints_to_albumentations(user, fmt, SHAPE, angle_in_degrees=degrees)  # x y z angle scale

    def build():
        r = resource.Resource(image=_photo(), kp=resource.Keypoints(varying(user), format=fmt,
                                                                   angle_in_degrees=degrees))
        return {"internal": r["kp"], "user": r.user_value("kp")}
    out = _run(build)
    k = out["internal"]
    assert k.shape == (n, 5) and k.dtype == np.float32
    np.testing.assert_allclose(k[:, :2], ref[:, :2], atol=TOL)
    np.testing.assert_allclose(np.mod(k[:, 2], 2 * np.pi), ref[:, 3], atol=1e-4)
    if "s" in fmt:
        np.testing.assert_allclose(k[:, 3], ref[:, 4], rtol=1e-6)
    else:
        assert (k[:, 3] == 1).all()             # no scale in the format: 1 (albumentations uses 0)
    assert (k[:, 4] == 1).all()
    expected = convert_keypoints_from_albumentations(ref, fmt, SHAPE, angle_in_degrees=degrees)
    assert out["user"].shape == (n, len(fmt) + 1)
    np.testing.assert_allclose(out["user"][:, :-1], expected, atol=2e-3)
    assert (out["user"][:, -1] == 1).all()


def test_keypoints_with_a_visibility_column_and_points_outside_are_invisible():
    k = np.array([[5, 5, 2], [10, 10, 0], [-1, 5, 2], [W + 3, 1, 1]], np.float32)   # COCO-style v
    out = _run(lambda: {"kp": resource.Resource(image=_photo(), kp=resource.Keypoints(k)).user_value("kp")})
    np.testing.assert_array_equal(out["kp"][:, 2], [1, 0, 0, 0])
    np.testing.assert_array_equal(out["kp"][:, :2], k[:, :2])


# -- input checks ----------------------------------------------------------------------------------

def test_a_box_outside_its_image_is_a_clear_error_naming_the_field_and_the_line():
    boxes = np.array([[10, 10, 20, 20], [150, 100, 170, 110]], np.float32)

    def build():
        r = resource.Resource(image=_photo(), boxes=resource.Boxes(varying(boxes)))   # the line named
        return {"boxes": r["boxes"]}
    with pytest.raises(pp.PixelpipesError) as e:
        _run(build)
    message = str(e.value)
    assert "'boxes'" in message and "outside" in message and "clip=True" in message
    assert "test_annotations.py:" in message and "sample 0" in message


@pytest.mark.parametrize("bad", [[10, 10, 10, 20], [30, 10, 20, 20]])   # empty, inverted
def test_an_empty_or_inverted_box_is_an_error_unless_filtered(bad):
    boxes = np.array([[1, 1, 5, 5], bad], np.float32)
    with pytest.raises(pp.PixelpipesError, match="empty"):
        _run(lambda: {"b": resource.Resource(image=_photo(), boxes=resource.Boxes(varying(boxes)))["boxes"]})
    out = _run(lambda: resource.Resource(image=_photo(), boxes=resource.Boxes(varying(boxes), fields=("labels",),
                                                                             filter_invalid=True),
                                         labels=np.array([7, 8])))
    np.testing.assert_array_equal(out["boxes"], boxes[:1])
    np.testing.assert_array_equal(out["labels"], [7])


def test_clip_true_clips_input_boxes_and_drops_the_empty_ones_with_their_labels():
    boxes = np.array([[-10, 5, 20, 20], [150, 100, 170, 130], [170, 10, 180, 20]], np.float32)
    out = _run(lambda: resource.Resource(image=_photo(), boxes=resource.Boxes(varying(boxes), clip=True,
                                                                             fields=("labels",)),
                                         labels=["a", "b", "c"]))
    np.testing.assert_allclose(out["boxes"], [[0, 5, 20, 20], [150, 100, 160, 120]])
    assert out["labels"] == ["a", "b"]


# -- filtering vs albumentations -------------------------------------------------------------------

def _affine(**kw):
    t = A.Affine(p=1.0, border_mode=cv2.BORDER_CONSTANT, **kw)
    t.set_random_seed(0)
    params = t.get_params_dependent_on_data({"shape": (H, W, 3)}, {})
    return t, params["bbox_matrix"].astype(np.float32)


def _crop(x0, y0, x1, y1):
    m = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float32)
    return A.Crop(x_min=x0, y_min=y0, x_max=x1, y_max=y1, p=1.0), m, (y1 - y0, x1 - x0)


CASES = {
    "affine_rotate_scale": lambda: _affine(rotate=(25, 25), scale=(1.3, 1.3), translate_px={"x": (9, 9), "y": (-6, -6)})
    + ((H, W),),
    "affine_shear": lambda: _affine(shear={"x": (12, 12), "y": (-5, -5)}, scale=(0.9, 0.9),
                                    translate_px={"x": (30, 30), "y": (15, 15)}) + ((H, W),),
    "crop": lambda: _crop(30, 20, 130, 90),
    "hflip": lambda: (A.HorizontalFlip(p=1.0), np.array([[-1, 0, W], [0, 1, 0], [0, 0, 1]], np.float32), (H, W)),
}
PARAMS = [dict(), dict(min_area=300.0), dict(min_visibility=0.6), dict(min_width=25.0, min_height=12.0),
          dict(min_area=100.0, min_visibility=0.3, min_width=5.0, min_height=5.0)]


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("params", PARAMS, ids=lambda p: ",".join(p) or "defaults")
def test_box_filtering_matches_albumentations_bbox_params(case, params):
    transform, matrix, (oh, ow) = CASES[case]()
    rng = np.random.default_rng(3)
    px = _random_boxes(rng, 40)
    labels = np.arange(40, dtype=np.int64)
    photo = _photo()
    ref = A.Compose([transform], bbox_params=A.BboxParams(format="coco", label_fields=["labels"], **params))
    coco = np.c_[px[:, :2], px[:, 2:] - px[:, :2]]
    expected = ref(image=photo, bboxes=coco, labels=labels)

    def build():
        r = resource.Resource(image=photo, boxes=resource.Boxes(varying(coco), format="coco", fields=("labels",),
                                                                **params), labels=varying(labels))
        if case == "hflip":
            return augment.RandomHorizontalFlip(r, p=1.0)
        return augment.Transform(r, matrix, size=(oh, ow), interpolation="linear")
    out = _run(build)
    kept = np.asarray(expected["labels"], np.int64)
    assert len(kept) > 0
    if params and case != "hflip":
        assert len(kept) < 40                      # the case drops some boxes
    np.testing.assert_array_equal(out["labels"], kept)
    np.testing.assert_allclose(out["boxes"], np.asarray(expected["bboxes"], np.float32).reshape(-1, 4), atol=TOL)


def test_without_a_declaration_boxes_are_clipped_and_all_kept():
    boxes = np.array([[10, 10, 40, 40], [150, 100, 159, 119]], np.float32)
    m = np.array([[1, 0, 20], [0, 1, 0], [0, 0, 1]], np.float32)
    out = _run(lambda: augment.Transform(resource.Resource(image=_photo(), boxes=varying(boxes)), m))
    np.testing.assert_allclose(out["boxes"], [[30, 10, 60, 40], [160, 100, 160, 119]])


def test_attached_instance_masks_and_list_fields_follow_dropped_boxes():
    boxes = np.array([[2, 2, 30, 30], [120, 80, 158, 118], [60, 40, 90, 70]], np.float32)
    masks = np.zeros((3, H, W), np.uint8)
    for i, (x1, y1, x2, y2) in enumerate(boxes.astype(int)):
        masks[i, y1:y2, x1:x2] = i + 1
    m = np.array([[1, 0, 50], [0, 1, 0], [0, 0, 1]], np.float32)   # box 1 leaves the canvas
    out = _run(lambda: augment.Transform(resource.Resource(
        image=_photo(), boxes=resource.Boxes(varying(boxes), fields=("masks", "names")),
        masks=resource.Masks(varying(masks)), names=["a", "b", "c"]), m))
    assert out["names"] == ["a", "c"]
    assert out["masks"].shape == (2, H, W)
    assert set(np.unique(out["masks"][0])) == {0, 1} and set(np.unique(out["masks"][1])) == {0, 3}


# -- keypoints vs albumentations ------------------------------------------------------------------

def _kp_reference(transform, keypoints):
    t = A.Compose([transform], keypoint_params=A.KeypointParams(format="xyas", remove_invisible=False))
    return np.asarray(t(image=_photo(), keypoints=keypoints)["keypoints"], np.float32)


def _rotation_case():
    t, matrix = _affine(rotate=(30, 30), scale=(1.25, 1.25))
    return t, lambda r: augment.Transform(r, matrix)


@pytest.mark.parametrize("case", ["hflip", "vflip", "rotate_scale"])
def test_keypoint_position_angle_and_scale_match_albumentations(case):
    rng = np.random.default_rng(4)
    n = 12
    kp = np.stack([rng.uniform(20, W - 20, n), rng.uniform(20, H - 20, n), rng.uniform(0, 359, n),
                   rng.uniform(0.5, 2, n)], 1).astype(np.float32)
    if case == "hflip":
        transform, ours = A.HorizontalFlip(p=1.0), lambda r: augment.RandomHorizontalFlip(r, p=1.0)
    elif case == "vflip":
        transform, ours = A.VerticalFlip(p=1.0), lambda r: augment.RandomVerticalFlip(r, p=1.0)
    else:
        transform, ours = _rotation_case()
    expected = _kp_reference(transform, kp)
    shifted = kp.copy()
    shifted[:, :2] += 0.5
    out = _run(lambda: ours(resource.Resource(image=_photo(), kp=resource.Keypoints(varying(shifted),
                                                                                     format="xyas"))))["kp"]
    np.testing.assert_allclose(out[:, :2] - 0.5, expected[:, :2], atol=TOL)
    angle_error = (out[:, 2] - expected[:, 2] + 180) % 360 - 180
    np.testing.assert_allclose(angle_error, 0, atol=1e-3)
    np.testing.assert_allclose(out[:, 3], expected[:, 3], rtol=1e-5)
    inside = (expected[:, 0] >= -0.5) & (expected[:, 0] < W - 0.5) & (expected[:, 1] >= -0.5) & \
        (expected[:, 1] < H - 0.5)
    np.testing.assert_array_equal(out[:, 4], inside.astype(np.float32))


def test_a_keypoint_leaving_the_image_gets_visibility_0_or_is_removed_with_its_fields():
    kp = np.array([[10, 10], [150, 60], [80, 60]], np.float32)
    m = np.array([[1, 0, 20], [0, 1, 0], [0, 0, 1]], np.float32)
    out = _run(lambda: augment.Transform(resource.Resource(image=_photo(), kp=resource.Keypoints(varying(kp))), m))
    np.testing.assert_allclose(out["kp"], [[30, 10, 1], [170, 60, 0], [100, 60, 1]])
    out = _run(lambda: augment.Transform(resource.Resource(
        image=_photo(), kp=resource.Keypoints(varying(kp), fields=("ids",), remove_invisible=True),
        ids=varying(np.array([5, 6, 7]))), m))
    np.testing.assert_allclose(out["kp"], [[30, 10, 1], [100, 60, 1]])
    np.testing.assert_array_equal(out["ids"], [5, 7])


def _pose():
    rng = np.random.default_rng(5)
    return np.stack([rng.uniform(10, W - 10, 17), rng.uniform(10, H - 10, 17)], 1).astype(np.float32)


@pytest.mark.parametrize("how", ["hflip", "vflip", "mirror_matrix", "affine", "no_flip"])
def test_flip_pairs_swap_on_every_mirroring_transform(how):
    kp = _pose()
    scores = np.arange(17, dtype=np.float32)
    transforms = {
        "hflip": lambda r: augment.RandomHorizontalFlip(r, p=1.0),
        "vflip": lambda r: augment.RandomVerticalFlip(r, p=1.0),
        "mirror_matrix": lambda r: augment.Transform(r, np.array([[-1, 0, W], [0, 1, 0], [0, 0, 1]], np.float32)),
        "affine": lambda r: augment.RandomAffine(r, degrees=(10, 10)),
        "no_flip": lambda r: augment.RandomHorizontalFlip(r, p=0.0),
    }
    out = _run(lambda: transforms[how](resource.Resource(
        image=_photo(), kp=resource.Keypoints(varying(kp), labels=resource.COCO_PERSON_KEYPOINTS,
                                              flip_pairs=resource.COCO_PERSON_FLIP_PAIRS, fields=("scores",)),
        scores=varying(scores))))
    perm = np.arange(17)
    if how in ("hflip", "vflip", "mirror_matrix"):
        for i, j in resource.COCO_PERSON_FLIP_PAIRS:
            perm[i], perm[j] = j, i
    moved = {"hflip": lambda p: np.c_[W - p[:, 0], p[:, 1]], "vflip": lambda p: np.c_[p[:, 0], H - p[:, 1]],
             "mirror_matrix": lambda p: np.c_[W - p[:, 0], p[:, 1]], "no_flip": lambda p: p}
    if how in moved:
        np.testing.assert_allclose(out["kp"][:, :2], moved[how](kp)[perm], atol=TOL)
    np.testing.assert_array_equal(out["scores"], scores[perm])
    if how == "hflip":   # left_eye (1) now holds the mirrored right eye (2)
        np.testing.assert_allclose(out["kp"][1, :2], [W - kp[2, 0], kp[2, 1]], atol=TOL)


def test_flip_pairs_by_label_name():
    d = resource.Keypoints(None, labels=["a", "l", "r"], flip_pairs=[("l", "r")])
    assert d.flip_pairs == ((1, 2),) and d.flip_permutation() == (0, 2, 1)
    with pytest.raises(ValueError):
        resource.Keypoints(None, flip_pairs=[(1, 1)])
    with pytest.raises(ValueError):
        resource.Keypoints(None, flip_pairs=[(1, 2)], remove_invisible=True)


# -- instance masks through a random transform -------------------------------------------------------

def _iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def test_instance_masks_move_with_their_boxes_through_random_affine():
    """Instance masks (7 planes: more than OpenCV's 4 channels) rendered from their boxes, moved by
    random translations and scales: each plane's bounding box vs its moved box. Rotations are left
    out: a rotated box clipped by the canvas is looser than its clipped mask (in albumentations too)."""
    n, h, w = 7, 2 * H, 2 * W
    rng = np.random.default_rng(6)
    xy = rng.uniform(0, [w - 120, h - 120], (n, 2)).round()
    boxes = np.c_[xy, xy + rng.uniform(40, 120, (n, 2)).round()].astype(np.float32)
    masks = np.zeros((n, h, w), np.uint8)
    for i, (x1, y1, x2, y2) in enumerate(boxes.astype(int)):
        masks[i, y1:y2, x1:x2] = 1
    with pp.Graph() as g:
        r = resource.Resource(image=_photo(w=w, h=h), boxes=resource.Boxes(boxes, fields=("masks", "ids"), min_width=10,
                                                                   min_height=10),
                              masks=masks, ids=np.arange(n))
        r = augment.RandomAffine(r, degrees=0, translate=(0.3, 0.3), scale=(0.8, 1.3))
        r.output()
    p = pp.compile(g, seed=1)
    ious, dropped = [], 0
    for sample in range(40):
        out = p.run(sample)
        assert out["masks"].shape == (len(out["boxes"]), h, w) and len(out["ids"]) == len(out["boxes"])
        dropped += n - len(out["boxes"])
        for plane, box, i in zip(out["masks"], out["boxes"], out["ids"]):
            ys, xs = np.nonzero(plane)
            assert len(xs) > 0, (sample, i)
            ious.append(_iou([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], box))
    print(f"instance masks: mean IoU {np.mean(ious):.4f} over {len(ious)} planes, {dropped} dropped")
    assert dropped > 0 and np.mean(ious) >= 0.98, (dropped, np.mean(ious))


# -- declarations survive the Resource's operations -----------------------------------------------

def test_declarations_survive_replace_without_map_conditional_choice_and_compose():
    with pp.Graph():
        r = resource.Resource(image=_photo(), boxes=resource.Boxes(np.zeros((0, 4)), format="yolo", fields=("labels",)),
                              labels=np.zeros(0, np.int64), kp=resource.Keypoints(np.zeros((0, 3)), format="xya"),
                              masks=np.zeros((0, H, W), np.uint8))
        decls = r.declarations
        assert set(decls) == {"boxes", "kp", "masks"} and decls["boxes"].format == "yolo"
        assert r.replace(image=r["image"]).declarations == decls
        assert r.map(lambda v, k: v, "image").declarations == decls
        assert resource.conditional(pp.SampleIndex() > 0, r, r).declarations == decls
        assert resource.choice(pp.SampleIndex() % 2, r, r).declarations == decls
        assert r.without("labels").declarations["boxes"].fields == ()
        for aug in (augment.RandomAffine(r, degrees=10, p=0.5),
                    augment.Compose([augment.RandomHorizontalFlip(), augment.RandomAffine(degrees=5)])(r),
                    augment.OneOf([augment.RandomVerticalFlip(), augment.RandomResizedCrop(size=32)])(r)):
            assert aug.declarations == decls
        with pytest.raises(ValueError, match="declare"):
            resource.conditional(pp.SampleIndex() > 0, r, r.replace(boxes=resource.Boxes(np.zeros((0, 4)))))


def test_empty_annotations_run_through_a_pipeline():
    out = _run(lambda: augment.RandomAffine(resource.Resource(
        image=_photo(), boxes=resource.Boxes(np.zeros((0, 4)), format="coco", fields=("labels", "masks")),
        labels=np.zeros(0, np.int64), masks=np.zeros((0, H, W), np.uint8),
        kp=resource.Keypoints(np.zeros((0, 2)))), degrees=10, translate=(0.1, 0.1)))
    assert out["boxes"].shape == (0, 4) and out["labels"].shape == (0,) and out["masks"].shape == (0, H, W)
    assert out["kp"].shape == (0, 3)


def test_declaration_argument_errors():
    with pytest.raises(ValueError, match="format"):
        resource.Boxes(None, format="xyxy")
    with pytest.raises(ValueError, match="min_visibility"):
        resource.Boxes(None, min_visibility=2)
    with pp.Graph():
        with pytest.raises(ValueError, match="does not have"):
            resource.Resource(image=_photo(), boxes=resource.Boxes(np.zeros((0, 4)), fields=("labels",)))
        with pytest.raises(ValueError, match="cannot attach"):
            resource.Resource(image=_photo(), boxes=resource.Boxes(np.zeros((0, 4)), fields=("image",)))


# -- the two ops the framework uses ----------------------------------------------------------------

def test_tensor_gather_and_core_check():
    x = np.arange(24, dtype=np.int16).reshape(2, 3, 4)
    out = _run(lambda: {"take": tensor.Gather(varying(x), np.array([2, -3, 2]), axis=1),
                        "mask": tensor.Gather(varying(x), np.array([True, False, False, True]), axis=-1),
                        "none": tensor.Gather(varying(x), np.zeros(2, bool)),
                        "ok": core.Check(varying(x), varying(x) >= 0, "negative")})
    np.testing.assert_array_equal(out["take"], x[:, [2, 0, 2]])
    np.testing.assert_array_equal(out["mask"], x[..., [0, 3]])
    assert out["none"].shape == (0, 3, 4)
    np.testing.assert_array_equal(out["ok"], x)
    with pytest.raises(pp.PixelpipesError, match="out of range"):
        _run(lambda: {"o": tensor.Gather(varying(x), np.array([3]), axis=1)})
    with pytest.raises(pp.PixelpipesError, match="too small"):
        _run(lambda: {"o": core.Check(varying(x), varying(x) > 5, "too small")})


@pytest.mark.parametrize("name, mirrors", [("Transpose", True), ("RandomRotate90", False)])
def test_flip_pairs_swap_on_transpose_but_not_on_quarter_turns(name, mirrors):
    kp = _pose()
    out = _run(lambda: getattr(augment, name)(resource.Resource(
        image=_photo(), kp=resource.Keypoints(varying(kp), flip_pairs=resource.COCO_PERSON_FLIP_PAIRS)), p=1.0))
    perm = np.arange(17)
    if mirrors:
        for i, j in resource.COCO_PERSON_FLIP_PAIRS:
            perm[i], perm[j] = j, i
        np.testing.assert_allclose(out["kp"][:, :2], kp[perm][:, ::-1], atol=TOL)
    else:   # which quarter turn was drawn does not matter: no row moves to another
        moved = out["kp"][:, :2]
        d_in = np.linalg.norm(kp[1] - kp[2])
        np.testing.assert_allclose(np.linalg.norm(moved[1] - moved[2]), d_in, rtol=1e-5)
        np.testing.assert_allclose(np.linalg.norm(moved[0] - moved[1]), np.linalg.norm(kp[0] - kp[1]), rtol=1e-5)


def test_d4_swaps_flip_pairs_exactly_for_its_mirroring_elements():
    kp = _pose()
    with pp.Graph() as g:
        r = resource.Resource(image=_photo(w=W, h=W), kp=resource.Keypoints(kp, flip_pairs=resource.COCO_PERSON_FLIP_PAIRS))
        augment.D4(r).output()
    p = pp.compile(g, seed=0)
    swaps = 0
    for sample in range(24):
        out = p.run(sample)["kp"][:, :2]
        # orientation of the triangle (nose, left eye, right eye): a mirror flips its sign, the
        # swap of the eyes flips it back, so it is preserved exactly when pairs swap on mirrors
        def orient(q):
            a, b = q[1] - q[0], q[2] - q[0]
            return np.sign(a[0] * b[1] - a[1] * b[0])
        assert orient(out) == orient(kp)
        swaps += not np.allclose(np.linalg.norm(out[1] - out[5]), np.linalg.norm(kp[1] - kp[5]), rtol=1e-4)
    assert swaps > 0
