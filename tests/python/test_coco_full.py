"""COCO in full (datasets.CocoDetection with masks and keypoints): a COCO file made from the
synthetic scenes with polygons, compressed and uncompressed RLE, crowd regions and keypoints;
masks checked against pycocotools' decoding of the same annotations, and masks and keypoints
moved with the image by flips (with flip pairs), RandomAffine and crops that drop instances."""
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from pycocotools import mask as coco_mask

import pixelpipes as pp
from pixelpipes import augment, datasets
from pixelpipes.datasets import synthetic
from pixelpipes.ops import mask as mask_ops

SIZE = 64
KEYPOINTS = ["center", "left_top", "right_top", "left_bottom", "right_bottom"]


def column_major_counts(m: np.ndarray) -> list:
    """COCO's uncompressed RLE counts of a 0/1 mask (runs down the columns, 0s first)."""
    flat = m.flatten(order="F")
    change = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate([[0], change, [flat.size]])
    counts = np.diff(bounds).tolist()
    return ([0] + counts) if flat.size and flat[0] else counts


def corner_keypoints(box, visibility):
    """COCO keypoints (pixel indices) at a box's center and corner pixels."""
    x1, y1, x2, y2 = (int(v) for v in box)
    points = [((x1 + x2 - 1) // 2, (y1 + y2 - 1) // 2), (x1, y1), (x2 - 1, y1), (x1, y2 - 1), (x2 - 1, y2 - 1)]
    out = []
    for (x, y), v in zip(points, visibility):
        out += [x, y, v] if v else [0, 0, 0]
    return out


@pytest.fixture(scope="module")
def coco(tmp_path_factory):
    """A COCO file of 5 synthetic scenes: instance i of the file is a polygon (its box, or a
    fractional triangle), a compressed RLE or an uncompressed RLE in turn; image 0 has a crowd
    RLE region; each instance has the 5 corner keypoints with visibilities 2, 2, 1, 2, 0 or 2s."""
    root = tmp_path_factory.mktemp("coco")
    os.makedirs(root / "images")
    rng = np.random.default_rng(7)
    images, annotations, truth = [], [], {}
    for i in range(5):
        s = synthetic.scene(rng, SIZE, SIZE)
        name = f"scene_{i}.png"
        datasets.write_png(str(root / "images" / name), s["image"])
        images.append({"id": 100 + i, "file_name": f"images/{name}", "width": SIZE, "height": SIZE})
        for box, lab in zip(s["boxes"], s["labels"]):
            x1, y1, x2, y2 = (int(v) for v in box)
            inst = np.zeros((SIZE, SIZE), np.uint8)
            region = s["mask"][y1:y2, x1:x2] == lab + 1
            inst[y1:y2, x1:x2] = region
            kind = len(annotations) % 3
            if kind == 0:
                seg = [[x1, y1, x2, y1, x2, y2, x1, y2]] if len(annotations) % 2 else \
                    [[x1 + 0.3, y2 - 0.2, (x1 + x2) / 2 + 0.25, y1 + 0.6, x2 - 0.4, y2 - 0.7]]
            elif kind == 1:
                rle = coco_mask.encode(np.asfortranarray(inst))
                seg = {"size": [SIZE, SIZE], "counts": rle["counts"].decode()}
            else:
                seg = {"size": [SIZE, SIZE], "counts": column_major_counts(inst)}
            visibility = (2, 2, 1, 2, 0) if len(annotations) % 2 else (2, 2, 2, 2, 2)
            annotations.append({"id": 1000 + len(annotations), "image_id": 100 + i, "category_id": int(lab) + 1,
                                "bbox": [x1, y1, x2 - x1, y2 - y1], "area": float(inst.sum()), "iscrowd": 0,
                                "segmentation": seg, "keypoints": corner_keypoints(box, visibility),
                                "num_keypoints": sum(v > 0 for v in visibility)})
    crowd = np.zeros((SIZE, SIZE), np.uint8)
    crowd[2:9, 40:60] = 1
    annotations.append({"id": 5000, "image_id": 100, "category_id": 1, "bbox": [40, 2, 20, 7], "iscrowd": 1,
                        "area": 140.0, "segmentation": {"size": [SIZE, SIZE], "counts": column_major_counts(crowd)}})
    categories = [{"id": k + 1, "name": n, "keypoints": KEYPOINTS, "skeleton": []}
                  for k, n in enumerate(synthetic.CLASSES)]
    path = root / "instances.json"
    path.write_text(json.dumps({"images": images, "annotations": annotations, "categories": categories}))
    return str(path)


def reference_mask(ann) -> np.ndarray:
    """pycocotools' mask of an annotation (annToMask's steps)."""
    seg = ann["segmentation"]
    if isinstance(seg, list):
        rle = coco_mask.merge(coco_mask.frPyObjects(seg, SIZE, SIZE))
    elif isinstance(seg["counts"], list):
        rle = coco_mask.frPyObjects(seg, SIZE, SIZE)
    else:
        rle = {"size": seg["size"], "counts": seg["counts"].encode()}
    return coco_mask.decode(rle)


def near_polygon_edge(ys, xs, polygon, distance=1.0) -> np.ndarray:
    """Whether pixel centers (xs + 0.5, ys + 0.5) lie within `distance` of a polygon's edges."""
    p = np.asarray(polygon, np.float64).reshape(-1, 2)
    q = np.roll(p, -1, axis=0)
    cx, cy = xs[:, None] + 0.5, ys[:, None] + 0.5
    d = q - p
    t = np.clip(((cx - p[:, 0]) * d[:, 0] + (cy - p[:, 1]) * d[:, 1]) / (d ** 2).sum(1), 0, 1)
    dist = np.hypot(cx - p[:, 0] - t * d[:, 0], cy - p[:, 1] - t * d[:, 1])
    return dist.min(1) <= distance


def run(dataset, augmentation=None, seed=0):
    with pp.Graph() as g:
        r = dataset.sample(shuffle=False)
        if augmentation is not None:
            r = augmentation(r)
        r.output()
    return pp.compile(g, seed=seed).run_many(0, len(dataset), threads=2)


def instances(path):
    with open(path) as f:
        data = json.load(f)
    per_image = {im["id"]: [a for a in data["annotations"] if a["image_id"] == im["id"] and not a["iscrowd"]]
                 for im in data["images"]}
    crowd = {im["id"]: [a for a in data["annotations"] if a["image_id"] == im["id"] and a["iscrowd"]]
             for im in data["images"]}
    return data, per_image, crowd


def test_masks_boxes_keypoints_match_the_file_and_pycocotools(coco):
    ds = datasets.CocoDetection(coco, masks=True, keypoints=True)
    assert ds.keypoint_names == tuple(KEYPOINTS) and ds.flip_pairs == ((1, 2), (3, 4))
    data, per_image, crowd = instances(coco)
    polygons = exact = 0
    for sample, image_id in zip(run(ds), ds.image_ids):
        anns = per_image[image_id]
        masks, kp = sample["masks"], sample["keypoints"]
        assert masks.shape == (len(anns), SIZE, SIZE) and masks.dtype == np.uint8
        assert kp.shape == (len(anns), 5, 3)
        for n, ann in enumerate(anns):
            x, y, w, h = ann["bbox"]
            np.testing.assert_array_equal(sample["boxes"][n], [x, y, x + w, y + h])
            assert sample["labels"][n] == ann["category_id"] - 1
            theirs = reference_mask(ann)
            if isinstance(ann["segmentation"], list):
                polygons += 1
                diff = np.nonzero(masks[n] != theirs)
                # pycocotools rasterizes polygons on a 5x finer grid; we sample pixel centers: they
                # may differ only on the boundary
                assert near_polygon_edge(*diff, ann["segmentation"][0]).all()
                assert (masks[n] & theirs).sum() >= 0.75 * max(theirs.sum(), masks[n].sum())
            else:
                exact += 1
                np.testing.assert_array_equal(masks[n], theirs)
            want = np.asarray(ann["keypoints"], np.float32).reshape(5, 3)
            want[want[:, 2] > 0, :2] += 0.5
            np.testing.assert_array_equal(kp[n], want)
        ignore = np.zeros((SIZE, SIZE), np.uint8)
        for ann in crowd[image_id]:
            ignore |= reference_mask(ann)
        np.testing.assert_array_equal(sample["ignore"][..., 0], ignore)
    assert polygons >= 2 and exact >= 4


def test_decode_rle_matches_pycocotools_on_random_masks():
    rng = np.random.default_rng(3)
    cases = []
    for _ in range(20):
        h, w = (int(v) for v in rng.integers(1, 40, size=2))
        m = (rng.random((h, w)) < rng.random()).astype(np.uint8)
        cases.append((m, coco_mask.encode(np.asfortranarray(m))["counts"].decode()))
    with pp.Graph() as g:
        for k, (m, text) in enumerate(cases):
            h, w = m.shape
            g.output(f"c{k}", mask_ops.DecodeRle(text, w, h, value=1))
            g.output(f"u{k}", mask_ops.DecodeRle(np.array(column_major_counts(m), np.int64), w, h, value=1))
    out = pp.compile(g).run(0)
    for k, (m, text) in enumerate(cases):
        np.testing.assert_array_equal(out[f"c{k}"][..., 0], m)
        np.testing.assert_array_equal(out[f"u{k}"][..., 0], m)
        assert datasets.compress_rle(column_major_counts(m)) == text


def test_horizontal_flip_moves_masks_and_swaps_keypoint_pairs(coco):
    ds = datasets.CocoDetection(coco, masks=True, keypoints=True)
    plain = run(ds)
    flipped = run(ds, lambda r: augment.RandomHorizontalFlip(r, p=1.0))
    swap = [0, 2, 1, 4, 3]
    for a, b in zip(plain, flipped):
        np.testing.assert_array_equal(b["image"], a["image"][:, ::-1])
        np.testing.assert_array_equal(b["masks"], a["masks"][:, :, ::-1])
        np.testing.assert_array_equal(b["ignore"], a["ignore"][:, ::-1])
        want = a["keypoints"][:, swap].copy()
        labelled = want[..., 2] > 0
        want[..., 0] = np.where(labelled, SIZE - want[..., 0], want[..., 0])
        np.testing.assert_allclose(b["keypoints"][labelled], want[labelled], atol=1e-4)
        np.testing.assert_array_equal(b["keypoints"][..., 2], want[..., 2])   # 0, 1 and 2 kept
        assert set(np.unique(b["keypoints"][..., 2])) <= {0.0, 1.0, 2.0}
        # the flipped left_top keypoint is in the top-left corner pixel of the flipped box
        for n in range(len(b["boxes"])):
            x, y, v = b["keypoints"][n, 1]
            if v > 0:
                assert (x, y) == (b["boxes"][n, 0] + 0.5, b["boxes"][n, 1] + 0.5)
    assert any((a["keypoints"][..., 2] == 1).any() for a in flipped)
    assert any((a["keypoints"][..., 2] == 0).any() for a in flipped)


def test_flip_pairs_can_be_given(coco):
    ds = datasets.CocoDetection(coco, keypoints=True, flip_pairs=[("left_top", "right_bottom")])
    assert ds.flip_pairs == ((1, 4),)
    plain, flipped = run(ds), run(ds, lambda r: augment.RandomHorizontalFlip(r, p=1.0))
    for a, b in zip(plain, flipped):
        np.testing.assert_array_equal(b["keypoints"][..., 2], a["keypoints"][:, [0, 4, 2, 3, 1], 2])


def test_random_affine_keeps_masks_keypoints_and_boxes_together(coco):
    ds = datasets.CocoDetection(coco, masks=True, keypoints=True)
    samples = run(ds, lambda r: augment.RandomAffine(r, degrees=(-40, 40), translate=(0.25, 0.25),
                                                      scale=(0.7, 1.3)), seed=5)
    centers = 0
    for s in samples:
        n = len(s["boxes"])
        assert s["masks"].shape[0] == s["labels"].shape[0] == s["keypoints"].shape[0] == n
        for k in range(n):
            # the center keypoint of a visible instance lies in (or next to) its moved mask,
            # and every moved mask pixel lies in its moved box
            ys, xs = np.nonzero(s["masks"][k])
            if len(xs):
                x1, y1, x2, y2 = s["boxes"][k]
                assert xs.min() >= np.floor(x1) - 1 and xs.max() + 1 <= np.ceil(x2) + 1
                assert ys.min() >= np.floor(y1) - 1 and ys.max() + 1 <= np.ceil(y2) + 1
            x, y, v = s["keypoints"][k, 0]
            if v > 0:
                j, i = int(x), int(y)
                assert s["masks"][k, max(i - 1, 0):i + 2, max(j - 1, 0):j + 2].any()
                centers += 1
            out = (s["keypoints"][k, :, 0] < 0) | (s["keypoints"][k, :, 0] >= SIZE) | \
                  (s["keypoints"][k, :, 1] < 0) | (s["keypoints"][k, :, 1] >= SIZE)
            assert (s["keypoints"][k, out, 2] == 0).all()   # off the canvas: visibility 0
    assert centers >= 5


def test_a_crop_drops_the_instance_with_its_mask_and_keypoints(coco):
    ds = datasets.CocoDetection(coco, masks=True, keypoints=True)
    x0, y0, x1, y1 = 0, 0, 32, 64
    plain = run(ds)
    cropped = run(ds, lambda r: augment.Crop(r, x_min=x0, y_min=y0, x_max=x1, y_max=y1))
    dropped = 0
    for a, c in zip(plain, cropped):
        keep = [n for n, b in enumerate(a["boxes"]) if min(b[2], x1) > max(b[0], x0)]
        dropped += len(a["boxes"]) - len(keep)
        assert len(c["boxes"]) == len(keep)
        np.testing.assert_array_equal(c["labels"], a["labels"][keep])
        np.testing.assert_array_equal(c["masks"], a["masks"][keep][:, y0:y1, x0:x1])
        kp = a["keypoints"][keep]
        inside = kp[..., 0] < x1
        np.testing.assert_array_equal(c["keypoints"][..., :2], kp[..., :2])
        np.testing.assert_array_equal(c["keypoints"][..., 2], np.where(inside, kp[..., 2], 0))
    assert dropped >= 2


def test_crowd_true_keeps_crowd_regions_as_instances(coco):
    ds = datasets.CocoDetection(coco, masks=True, crowd=True)
    first = run(ds)[0]
    assert "ignore" not in first and first["iscrowd"].tolist()[-1] == 1 and first["iscrowd"][:-1].sum() == 0
    assert first["masks"][-1, 2:9, 40:60].all() and first["masks"][-1].sum() == 140


def _broken(coco, tmp_path, change):
    with open(coco) as f:
        data = json.load(f)
    change(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    return str(path)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["annotations"][1].update(segmentation={"size": [SIZE, SIZE], "counts": "12~4"}),
     "annotation 1001: the RLE 'counts' string has characters outside"),
    (lambda d: d["annotations"][2].update(segmentation={"size": [SIZE, SIZE], "counts": [1, 2, 3]}),
     "annotation 1002: the RLE counts add up to 6 pixels"),
    (lambda d: d["annotations"][1].update(segmentation={"size": [SIZE, 10], "counts": "1234"}),
     "annotation 1001: the RLE size [64, 10] is not the image's"),
    (lambda d: d["annotations"][0].update(segmentation=[[1, 2, 3]]),
     "annotation 1000: polygon 0 of 'segmentation' must be a flat list"),
    (lambda d: d["annotations"][0].update(keypoints=[1, 2, 2]),
     "annotation 1000: 'keypoints' must be 15 numbers"),
    (lambda d: d["annotations"][0].update(keypoints=[0] * 14 + [3]),
     "visibility 0, 1 or 2"),
    (lambda d: d["annotations"][0].pop("bbox"), "annotation 1000 needs 'image_id', 'category_id' and 'bbox'"),
    (lambda d: d["categories"][1].update(keypoints=["a"]), "name different keypoints"),
])
def test_malformed_entries_name_the_file_and_annotation(coco, tmp_path, change, message):
    path = _broken(coco, tmp_path, change)
    with pytest.raises(ValueError) as e:
        datasets.CocoDetection(path, masks=True, keypoints=True)
    assert "broken.json" in str(e.value) and message in str(e.value)


def test_a_corrupt_rle_at_sample_time_names_the_instance_and_file(coco, tmp_path):
    # valid characters, but the runs do not cover the image: found when the sample is made
    path = _broken(coco, tmp_path, lambda d: d["annotations"][1].update(
        segmentation={"size": [SIZE, SIZE], "counts": "1234"}))
    ds = datasets.CocoDetection(path, image_root=os.path.dirname(coco), masks=True)
    with pp.Graph() as g:
        ds.sample(shuffle=False).output()
    pipeline = pp.compile(g)
    image_of = {i: n for n, i in enumerate(ds.image_ids)}
    with open(path) as f:
        anns = json.load(f)["annotations"]
    target = image_of[anns[1]["image_id"]]
    position = [a["id"] for a in anns if a["image_id"] == anns[1]["image_id"] and not a["iscrowd"]].index(anns[1]["id"])
    with pytest.raises(pp.PixelpipesError) as e:
        pipeline.run(target)
    text = str(e.value)
    assert f"instance {position} of" in text and "add up to 12 pixels" in text and "broken.json" in text, text
    pipeline.run((target + 1) % len(ds))   # the next sample still works


def test_a_saved_coco_program_runs_bit_identically_in_pixelpipes_run(coco, tmp_path):
    tool = Path(os.environ.get("PXP_RUN_TOOL", Path(__file__).resolve().parents[2] / "build" / "release" /
                               "pixelpipes-run"))
    assert tool.exists(), f"{tool} is missing: build the C++ tree first (make build)"
    ds = datasets.CocoDetection(coco, masks=True, keypoints=True)
    with pp.Graph() as g:
        augment.RandomHorizontalFlip(ds.sample(shuffle=False), p=1.0).output(
            names=["masks", "keypoints", "ignore", "boxes"])
    pipeline = pp.compile(g, seed=3)
    program = tmp_path / "coco.pxp"
    pipeline.save(str(program))
    out = tmp_path / "npy"
    result = subprocess.run([str(tool), str(program), "-n", "0", "--seed", "3", "--save-npy", str(out),
                             "--samples", "0,1,4"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for i in (0, 1, 4):
        for name, value in pipeline.run(i).items():
            written = np.load(out / f"sample_{i}_{name}.npy")
            assert written.shape == value.shape and written.tobytes() == np.ascontiguousarray(value).tobytes()


def test_instance_keypoints_from_a_python_array_flip_within_each_instance():
    from pixelpipes import resource as R
    kp = np.array([[[2.5, 1.5, 2], [10.5, 1.5, 1], [0, 0, 0]],
                   [[20.5, 3.5, 2], [30.5, 3.5, 2], [25.5, 9.5, 2]]], np.float32)
    boxes = np.array([[1, 1, 12, 4], [19, 2, 32, 11]], np.float32)
    with pp.Graph() as g:
        r = R.Resource(image=np.zeros((16, 40, 3), np.uint8), boxes=R.Boxes(boxes, fields=("keypoints",)),
                       keypoints=R.Keypoints(kp, labels=["left", "right", "nose"], flip_pairs=[("left", "right")],
                                             instances=True))
        augment.RandomHorizontalFlip(r, p=1.0).output()
        augment.Crop(r, x_min=16, y_min=0, x_max=40, y_max=16).output(prefix="crop_")
    out = pp.compile(g).run(0)
    want = kp[:, [1, 0, 2]].copy()
    want[..., 0] = 40 - want[..., 0]   # unlabelled points move too, and stay at visibility 0
    np.testing.assert_array_equal(out["keypoints"], want)
    # the crop drops the first box, and with it the first instance's three keypoints
    np.testing.assert_array_equal(out["crop_keypoints"], kp[1:] - [16, 0, 0])
    with pytest.raises(ValueError, match="needs labels"):
        R.Keypoints(kp, instances=True)
