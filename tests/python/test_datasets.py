"""Dataset sources and the built-in synthetic dataset."""
import json
import os

import cv2
import msgpack
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import datasets
from pixelpipes.datasets import synthetic


@pytest.fixture(scope="module")
def syn(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic") / "data"
    return datasets.Synthetic(root=str(root), images_per_class=4, class_size=32, scenes=6, scene_size=64,
                              sequences=2, frames=8, sequence_size=64, arrays=20)


def run_all(dataset, n=None, shuffle=False, seed=0, **kw):
    with pp.Graph() as g:
        dataset.sample(shuffle=shuffle, **kw).output()
    return pp.compile(g, seed=seed).run_many(0, n or len(dataset), threads=2)


def test_synthetic_is_deterministic_and_complete(syn, tmp_path):
    root = syn.root
    for part in ("classification/rectangle", "scenes/images", "scenes/masks", "tracking/seq_00"):
        assert os.path.isdir(os.path.join(root, part)), part
    other = datasets.Synthetic(root=str(tmp_path / "again"), images_per_class=4, class_size=32, scenes=6,
                               scene_size=64, sequences=2, frames=8, sequence_size=64, arrays=20)
    for rel in ("classification/ellipse/ellipse_0003.png", "scenes/masks/scene_0005.png",
                "scenes/annotations.json", "tracking/seq_01/groundtruth.txt"):
        with open(os.path.join(root, rel), "rb") as a, open(os.path.join(other.root, rel), "rb") as b:
            assert a.read() == b.read(), rel


def test_shapes_have_exact_boxes():
    rng = np.random.default_rng(0)
    s = synthetic.scene(rng, 64, 64)
    for box, label in zip(s["boxes"], s["labels"]):
        x1, y1, x2, y2 = box.astype(int)
        inside = s["mask"][y1:y2, x1:x2] == label + 1
        assert inside[0].any() and inside[-1].any() and inside[:, 0].any() and inside[:, -1].any()
        assert (s["mask"] == label + 1).sum() == inside.sum() or len(s["labels"]) > 1


def test_image_folder(syn):
    ds = syn.classification(names=True)
    assert ds.classes == list(datasets.CLASSES) and len(ds) == 12
    samples = run_all(ds)
    assert [int(s["label"]) for s in samples] == ds.labels == [0] * 4 + [1] * 4 + [2] * 4
    assert [s["name"] for s in samples[::4]] == list(datasets.CLASSES)
    assert samples[0]["image"].shape == (32, 32, 3) and samples[0]["image"].dtype == np.uint8


def test_every_epoch_visits_every_item_once_in_a_new_order(syn):
    ds = syn.classification()
    items = [int(s["item"]) for s in run_all(ds, n=2 * len(ds), shuffle=True, seed=1)]
    first, second = items[:len(ds)], items[len(ds):]
    assert sorted(first) == sorted(second) == list(range(len(ds)))
    assert first != second


def test_file_list_from_text(syn, tmp_path):
    ds = syn.filelist()
    assert len(ds) == 12 and os.path.isabs(ds.files[0])
    assert [int(s["label"]) for s in run_all(ds)] == ds.labels
    (tmp_path / "list.txt").write_text("# comment\n" + "\n".join(
        f"{os.path.relpath(f, tmp_path)}" for f in ds.files[:2]) + "\n")
    plain = datasets.FileList.from_text(tmp_path / "list.txt")
    assert plain.labels is None and plain.files == ds.files[:2]
    assert set(run_all(plain)[0]) == {"image", "item"}


def test_arrays_are_one_constant_and_rows_are_views(syn):
    ds = syn.arrays()
    with pp.Graph() as g:
        r = ds.sample(shuffle=False)
        r2 = ds.load(r.item)                       # a second use shares the same constant
        r.output(names=["image", "label"])
        g.output("again", r2.image)
    p = pp.compile(g)
    program = msgpack.unpackb(p.to_bytes(), raw=False)
    big = [c for c in program["constants"] if c["kind"] == "tensor" and c["shape"][:1] == [20]
           and len(c["shape"]) == 4]
    assert len(big) == 1
    ops = [i["op"] for i in p.program.instructions]
    assert "tensor.slice" in ops and "tensor.reshape" in ops
    for i, s in enumerate(p.run_many(0, 20)):
        np.testing.assert_array_equal(s["image"], ds.images[i])
        np.testing.assert_array_equal(s["again"], ds.images[i])
        assert int(s["label"]) == ds.labels[i]
    assert p.outputs[0].shape == (28, 28, 1)


def test_coco_detection(syn, tmp_path):
    ds = syn.detection()
    truth = syn.annotations()
    for i, s in enumerate(run_all(ds)):
        np.testing.assert_array_equal(s["boxes"], truth[i]["boxes"])
        np.testing.assert_array_equal(s["labels"], truth[i]["labels"])
        assert s["boxes"].dtype == np.float32 and s["boxes"].shape[1] == 4
    # categories with gaps in their ids, crowd boxes, an image without boxes
    coco = {"images": [{"id": 7, "file_name": "a.png"}, {"id": 9, "file_name": "b.png"}],
            "categories": [{"id": 5, "name": "cat"}, {"id": 2, "name": "dog"}],
            "annotations": [{"id": 1, "image_id": 7, "category_id": 5, "bbox": [1, 2, 3, 4]},
                            {"id": 2, "image_id": 7, "category_id": 2, "bbox": [0, 0, 1, 1], "iscrowd": 1}]}
    (tmp_path / "c.json").write_text(json.dumps(coco))
    c = datasets.CocoDetection(tmp_path / "c.json")
    assert c.classes == ["dog", "cat"] and len(c) == 2
    np.testing.assert_array_equal(c.boxes[0], [[1, 2, 4, 6]])
    assert c.labels[0].tolist() == [1] and c.boxes[1].shape == (0, 4)
    assert len(datasets.CocoDetection(tmp_path / "c.json", skip_empty=True)) == 1


def test_select_labels_follows_kept_boxes(syn):
    ds = syn.detection()
    with pp.Graph() as g:
        r = ds.sample(shuffle=False)
        g.output("picked", ds.select_labels(r.item, np.array([0], np.int64)))
        g.output("none", ds.select_labels(r.item, np.zeros(0, np.int64)))
        g.output("labels", r.labels)
    for s in pp.compile(g).run_many(0, len(ds)):
        assert s["picked"].tolist() == s["labels"][:1].tolist() and s["none"].shape == (0,)


def test_segmentation_keeps_palette_indices(syn):
    ds = syn.segmentation()
    assert ds.classes[0] == "background"
    from pixelpipes.datasets.png import encode_png  # noqa: F401  (the writer of the label maps)
    truth = syn.annotations()
    for i, s in enumerate(run_all(ds)):
        m = s["mask"]
        assert m.shape == (64, 64, 1) and m.dtype == np.uint8
        assert set(np.unique(m)) == {0} | {int(v) + 1 for v in truth[i]["labels"]}


def test_tracking_pairs(syn):
    ds = syn.tracking(max_gap=3)
    assert len(ds) == 16 and len(ds.sequences) == 2
    samples = run_all(ds, n=16, shuffle=True)
    for s in samples:
        assert s["template"].shape == (64, 64, 3) and s["search"].shape == (128, 128, 3)
        a, b = s["frames"].tolist()
        assert abs(a - b) <= 3
        cx = (s["template_box"][0, 0] + s["template_box"][0, 2]) / 2
        assert abs(cx - 32) < 1.0                     # the template is centered on its box
        w = s["template_box"][0, 2] - s["template_box"][0, 0]
        h = s["template_box"][0, 3] - s["template_box"][0, 1]
        assert abs(np.sqrt(w * h) - 32) < 1.0         # context 2: the box is half the patch
    raw = run_all(syn.tracking(crop=False), n=2)
    assert raw[0]["template"].shape == (64, 64, 3)


def test_groundtruth_formats(tmp_path):
    (tmp_path / "gt.txt").write_text("1,2,3,4\n0\t0\t2\t0\n1 1 5 1 5 4 1 4\nnan,nan,nan,nan\n")
    gt = datasets.parse_groundtruth(str(tmp_path / "gt.txt"))
    np.testing.assert_array_equal(gt[0], [1, 2, 4, 6])
    assert np.isnan(gt[1]).all() and np.isnan(gt[3]).all()
    np.testing.assert_array_equal(gt[2], [1, 1, 5, 4])


def test_png_writer_round_trip(tmp_path):
    from pixelpipes.ops import image, io
    rgb = np.random.default_rng(1).integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    idx = np.random.default_rng(2).integers(0, 4, size=(5, 7), dtype=np.uint8)
    datasets.write_png(tmp_path / "rgb.png", rgb)
    datasets.write_png(tmp_path / "idx.png", idx, palette=datasets.PALETTE)
    with pp.Graph() as g:
        g.output("rgb", image.Decode(io.ReadFile(str(tmp_path / "rgb.png"))))
        g.output("idx", image.DecodePng(io.ReadFile(str(tmp_path / "idx.png")), mode="indices"))
        g.output("colors", image.DecodePng(io.ReadFile(str(tmp_path / "idx.png")), mode="rgb"))
    s = pp.compile(g).run(0)
    np.testing.assert_array_equal(s["rgb"], rgb)
    np.testing.assert_array_equal(s["idx"][:, :, 0], idx)
    np.testing.assert_array_equal(s["colors"], datasets.PALETTE[idx])


# -- formats that are not decoded are never dropped silently; gray label maps ----------------------
def test_image_folder_warns_about_formats_it_does_not_decode(tmp_path):
    import warnings
    for c in ("a", "b"):
        (tmp_path / c).mkdir()
        cv2.imwrite(str(tmp_path / c / "one.png"), np.zeros((4, 4, 3), np.uint8))
    for name in ("a/x.gif", "a/y.jp2", "b/z.avif", "b/w.gif"):
        (tmp_path / name).write_bytes(b"not decoded")
    with pytest.warns(UserWarning, match=r"test_datasets.py:\d+: ImageFolder.*leaves out 4 image files.*"
                                         r"1 \.avif, 2 \.gif, 1 \.jp2"):
        ds = datasets.ImageFolder(str(tmp_path))
    assert len(ds) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (tmp_path / "c").mkdir()
        cv2.imwrite(str(tmp_path / "c" / "only.png"), np.zeros((4, 4, 3), np.uint8))
        datasets.ImageFolder(str(tmp_path), classes=["c"])  # no undecoded file there: no warning


def test_segmentation_pairs_read_gray_label_maps(tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "lab").mkdir()
    labels = (np.arange(6 * 8).reshape(6, 8) % 19).astype(np.uint8)  # class ids 0..18, Cityscapes-style
    cv2.imwrite(str(tmp_path / "img" / "s.png"), np.zeros((6, 8, 3), np.uint8))
    cv2.imwrite(str(tmp_path / "lab" / "s.png"), labels)  # a plain 8-bit gray PNG
    ds = datasets.SegmentationPairs(str(tmp_path / "img"), str(tmp_path / "lab"))
    with pp.Graph() as g:
        g.output("mask", ds.load(0)["mask"])
    assert np.array_equal(pp.compile(g).run(0)["mask"][..., 0], labels)
    # an RGB label map has no class index: the error says what it is and what to do
    cv2.imwrite(str(tmp_path / "lab" / "s.png"), np.zeros((6, 8, 3), np.uint8))
    with pytest.raises(pp.DecodeError, match="this PNG is RGB: decode it with mode 'unchanged' or 'rgb'"):
        pp.compile(g).run(0)
