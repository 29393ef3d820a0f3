"""Every example runs briefly with its defaults (built-in synthetic data), and the detection
example's boxes follow the same transform as the pixels."""
import importlib.util
import os

import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import augment, datasets

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")
NAMES = ["classification", "detection", "segmentation", "tracking", "mnist", "conditional", "mixup", "pose", "mosaic_detection",
         "randaugment"]


def load_example(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", os.path.join(EXAMPLES, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", NAMES)
def test_example_runs(name, capsys, tmp_path):
    args = ["--samples", "8", "--batch", "4", "--threads", "2", "--preview", str(tmp_path / "p.png")]
    if name == "classification":
        args.append("--no-torch")
    load_example(name).main(args)
    out = capsys.readouterr().out
    assert f"{name}: 8 img in" in out
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_classification_with_torch(capsys):
    pytest.importorskip("torch")
    load_example("classification").main(["--samples", "8", "--batch", "4", "--threads", "2"])
    assert "torch.float32" in capsys.readouterr().out


def test_demo_script_still_runs(capsys):
    load_example("demo").main.__globals__["argparse"]  # the module imports
    import sys
    argv, sys.argv = sys.argv, ["demo.py", "--samples", "16", "--batch", "8", "--threads", "2"]
    try:
        load_example("demo").main()
    finally:
        sys.argv = argv
    assert "16 samples in" in capsys.readouterr().out


def _affine_from_probe(probe):
    """The 2 x 3 matrix that moved the points (0, 0), (1, 0), (0, 1) to ``probe``."""
    t = probe[0]
    return np.array([[probe[1][0] - t[0], probe[2][0] - t[0], t[0]],
                     [probe[1][1] - t[1], probe[2][1] - t[1], t[1]]], np.float64)


def _move_boxes(boxes, a, w, h):
    out = []
    for x1, y1, x2, y2 in boxes.astype(np.float64):
        corners = np.array([[x1, y1, 1], [x2, y1, 1], [x2, y2, 1], [x1, y2, 1]]) @ a.T
        lo, hi = corners.min(0), corners.max(0)
        out.append([np.clip(lo[0], 0, w), np.clip(lo[1], 0, h), np.clip(hi[0], 0, w), np.clip(hi[1], 0, h)])
    return np.array(out).reshape(-1, 4)


def test_detection_boxes_follow_the_ground_truth():
    """Augmented boxes == the synthetic ground truth pushed through the sample's transform."""
    detection = load_example("detection")
    syn = datasets.Synthetic()
    truth = syn.annotations()
    pipeline = pp.compile(detection.build(syn.detection(), size=128, debug=True), seed=3)
    for s in pipeline.run_many(0, 12, threads=2):
        a = _affine_from_probe(s["probe"].astype(np.float64))
        expected = _move_boxes(truth[int(s["item"])]["boxes"], a, 128, 128)
        np.testing.assert_allclose(s["all_boxes"], expected, atol=1.0)
        kept_labels = s["labels"]
        assert len(kept_labels) == len(s["boxes"]) <= len(expected)


def test_detection_boxes_sit_on_the_shapes():
    """The same scenes with their label maps: after scaling, translation and a flip, each box is
    the bounding box of its shape's pixels (within one pixel; triangle tips within two)."""
    syn = datasets.Synthetic()
    det, seg = syn.detection(), syn.segmentation()
    with pp.Graph() as g:
        item = det.item()
        r = det.load(item).replace(mask=seg.load(item).mask)
        r = augment.RandomAffine(r, degrees=0, translate=(0.1, 0.1), scale=(0.7, 1.3), clip_boxes=True)
        r = augment.RandomHorizontalFlip(r)
        r.output(names=["image", "boxes", "labels", "mask"])
    checked = 0
    for s in pp.compile(g, seed=5).run_many(0, 12, threads=2):
        m = s["mask"][:, :, 0]
        for box, label in zip(s["boxes"], s["labels"]):
            x1, y1, x2, y2 = box
            if x1 <= 0 or y1 <= 0 or x2 >= 128 or y2 >= 128:
                continue        # clipped: a clipped box bounds the whole shape, not its visible part
            ys, xs = np.nonzero(m[max(int(y1) - 2, 0):int(np.ceil(y2)) + 2, max(int(x1) - 2, 0):int(np.ceil(x2)) + 2]
                                == label + 1)
            xs, ys = xs + max(int(x1) - 2, 0), ys + max(int(y1) - 2, 0)
            pixels = np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], np.float32)
            # the shape never leaves its box; rectangles and ellipses fill it to within a pixel,
            # triangles may lose a sharp corner's last pixel when sampled down (nearest)
            tolerance = 1.01 if label != 2 else 2.0
            np.testing.assert_allclose(pixels, box, atol=tolerance)
            assert pixels[0] >= box[0] - 1.01 and pixels[2] <= box[2] + 1.01
            checked += 1
    assert checked >= 12


def _side_of_pixel(img, x, y):
    """'left' (red limb), 'right' (blue limb) or None at the pixel under (x, y)."""
    h, w = img.shape[:2]
    r, _, b = (int(v) for v in img[min(max(int(y), 0), h - 1), min(max(int(x), 0), w - 1)])
    return "left" if r > b + 60 else "right" if b > r + 60 else None


def _pose_samples(flip_pairs, n=300):
    from pixelpipes.datasets.synthetic import PERSON_KEYPOINTS
    pose = load_example("pose")
    graph = pose.build()
    if not flip_pairs:   # the same pipeline, the keypoints declared without their flip pairs
        from pixelpipes import resource
        ds = datasets.Synthetic().people()
        with pp.Graph() as graph:
            r = ds.sample()
            r = r.replace(keypoints=resource.Keypoints(r.keypoints, format="xy", labels=PERSON_KEYPOINTS))
            r = augment.Compose([augment.RandomHorizontalFlip(),
                                 augment.RandomAffine(20, translate=(0.1, 0.1), scale=(0.8, 1.2),
                                                      interpolation="linear"),
                                 augment.RandomResizedCrop(96, scale=(0.5, 1.0))])(r)
            r.output(names=["image", "keypoints"])
    return pp.compile(graph, seed=4).run_many(0, n), PERSON_KEYPOINTS


def _chirality_and_colors(samples, names):
    """Per sample: does each visible left shoulder/hip lie right of its right partner (as seen,
    for a person facing the viewer), and do the colors under the left-named keypoints all agree?"""
    pairs = [(names.index(f"left_{p}"), names.index(f"right_{p}")) for p in ("shoulder", "hip")]
    chirality, colors_agree = [], []
    for s in samples:
        k, img = s["keypoints"], s["image"]
        for i, j in pairs:
            if k[i, 2] > 0 and k[j, 2] > 0:
                chirality.append(k[i, 0] > k[j, 0])
        left = {_side_of_pixel(img, *k[i, :2]) for i, n in enumerate(names) if n.startswith("left") and k[i, 2] > 0}
        left.discard(None)
        if left:
            colors_agree.append(len(left) == 1)
    return np.array(chirality), np.array(colors_agree)


def test_pose_flip_pairs_keep_left_on_the_persons_left():
    """With flip_pairs, every visible left shoulder/hip is right of its partner in the image (the
    person faces the viewer, a flipped person too once the labels swap), and the pixels under the
    left-named keypoints are of one limb color per sample (red unflipped, blue mirrored). Without
    flip_pairs the flipped half breaks the first rule: the test fails without the mechanism."""
    samples, names = _pose_samples(flip_pairs=True)
    chirality, agree = _chirality_and_colors(samples, names)
    assert len(chirality) > 400 and chirality.all()
    assert len(agree) > 250 and agree.mean() > 0.97
    visible = np.array([s["keypoints"][:, 2] for s in samples])
    assert set(np.unique(visible)) == {0.0, 1.0}          # some leave the canvas, and say so

    samples, names = _pose_samples(flip_pairs=False)
    chirality, _ = _chirality_and_colors(samples, names)
    assert 0.3 < chirality.mean() < 0.7                    # the flipped half is mirrored


def test_pose_keypoints_sit_on_their_dots():
    """Every visible keypoint lies on a limb-colored pixel of the augmented image (it moved with
    the pixels): the dot under it is drawn in its side's color, or green for the center ones."""
    samples, names = _pose_samples(flip_pairs=True, n=100)
    on, total = 0, 0
    for s in samples:
        img = s["image"].astype(int)
        for x, y, v in s["keypoints"]:
            if v <= 0:
                continue
            px = img[min(int(y), 95), min(int(x), 95)]
            total += 1
            on += int(px.max() - px.min() > 60)     # a saturated limb color, not the dark background
    assert total > 1000 and on / total > 0.97


def test_mosaic_detection_boxes_sit_on_their_shapes_and_are_filtered():
    """Mosaic + flip + bbox-safe crop with the scenes' label maps carried along: each kept box is
    the bounding box of its shape's visible pixels (the pixels of its label inside the box, the
    box grown by 2 px), within 1.5 px on every side for at least 95% of the boxes (the rest: a
    same-label neighbour inside the margin); every kept box passes the declared min_area, and the
    labels stay one per box."""
    syn = datasets.Synthetic()
    example = load_example("mosaic_detection")
    pipeline = pp.compile(example.build(syn.detection(), masks=syn.segmentation(), min_area=16.0), seed=7)
    close, total, mosaics = 0, 0, 0
    for s in pipeline.run_many(0, 40, threads=2):
        boxes, labels, m = s["boxes"], s["labels"], s["mask"][:, :, 0]
        h, w = m.shape
        assert s["image"].shape == (192, 192, 3) and len(labels) == len(boxes)
        assert ((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) >= 16.0 - 1e-3).all()
        mosaics += len(boxes) > 4
        for (x1, y1, x2, y2), label in zip(boxes, labels):
            gx1, gy1 = max(int(np.floor(x1)) - 2, 0), max(int(np.floor(y1)) - 2, 0)
            gx2, gy2 = min(int(np.ceil(x2)) + 2, w), min(int(np.ceil(y2)) + 2, h)
            ys, xs = np.nonzero(m[gy1:gy2, gx1:gx2] == label + 1)
            total += 1
            if len(xs) == 0:
                continue
            pixels = np.array([xs.min() + gx1, ys.min() + gy1, xs.max() + 1 + gx1, ys.max() + 1 + gy1])
            close += int(np.abs(pixels - np.array([x1, y1, x2, y2])).max() <= 1.5)
    assert total > 150 and close / total >= 0.95, (close, total)
    assert mosaics > 20                                    # most samples are mosaics (p=0.8)
