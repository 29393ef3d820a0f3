"""datasets.VOCDetection and datasets.YOLODetection on small trees made from the synthetic
scenes: boxes and labels as written, VOC's difficult flag and 1-based corners, YOLO's
normalized boxes and data.yaml names, and errors that name the file and the entry."""
import os

import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import datasets
from pixelpipes.datasets import synthetic

SIZE = 48


def run(dataset):
    with pp.Graph() as g:
        dataset.sample(shuffle=False).output()
    return pp.compile(g).run_many(0, len(dataset), threads=2)


@pytest.fixture(scope="module")
def scenes():
    rng = np.random.default_rng(11)
    return [synthetic.scene(rng, SIZE, SIZE) for _ in range(4)]


def voc_xml(name, scene, difficult_first=False):
    objects = []
    for k, (box, lab) in enumerate(zip(scene["boxes"], scene["labels"])):
        x1, y1, x2, y2 = (int(v) for v in box)
        objects.append(f"<object><name>{synthetic.CLASSES[lab]}</name><difficult>{int(difficult_first and k == 0)}"
                       f"</difficult><bndbox><xmin>{x1 + 1}</xmin><ymin>{y1 + 1}</ymin><xmax>{x2}</xmax>"
                       f"<ymax>{y2}</ymax></bndbox></object>")
    return (f"<annotation><filename>{name}.png</filename><size><width>{SIZE}</width><height>{SIZE}</height>"
            f"<depth>3</depth></size>{''.join(objects)}</annotation>")


@pytest.fixture()
def voc(tmp_path, scenes):
    root = tmp_path / "VOC"
    for sub in ("Annotations", "JPEGImages", "ImageSets/Main"):
        os.makedirs(root / sub)
    for i, s in enumerate(scenes):
        datasets.write_png(str(root / "JPEGImages" / f"{i:06d}.png"), s["image"])
        (root / "Annotations" / f"{i:06d}.xml").write_text(voc_xml(f"{i:06d}", s, difficult_first=i == 1))
    (root / "ImageSets/Main/train.txt").write_text("000000\n000001\n000003\n")
    return root


def test_voc_reads_boxes_labels_and_difficult(voc, scenes):
    ds = datasets.VOCDetection(str(voc), split="train", classes=synthetic.CLASSES)
    assert ds.ids == ["000000", "000001", "000003"]
    for sample, i in zip(run(ds), (0, 1, 3)):
        s = scenes[i]
        keep = slice(1, None) if i == 1 else slice(None)
        np.testing.assert_array_equal(sample["image"], s["image"])
        np.testing.assert_array_equal(sample["boxes"], s["boxes"][keep])
        np.testing.assert_array_equal(sample["labels"], s["labels"][keep])
    hard = datasets.VOCDetection(str(voc), split=None, classes=synthetic.CLASSES, difficult=True)
    samples = run(hard)
    assert len(samples) == 4
    np.testing.assert_array_equal(samples[1]["boxes"], scenes[1]["boxes"])
    assert samples[1]["difficult"].tolist() == [1] + [0] * (len(scenes[1]["boxes"]) - 1)


@pytest.mark.parametrize("xml, message", [
    ("<annotation><object><name>rectangle</name>", "not valid XML"),
    ("<annotation><object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax>"
     "</bndbox></object></annotation>", "object 0 has the class 'cat'"),
    ("<annotation><object><name>ellipse</name><bndbox><xmin>1</xmin><ymin>x</ymin><xmax>2</xmax></bndbox>"
     "</object></annotation>", "object 0 (ellipse) needs a bndbox"),
])
def test_voc_errors_name_file_and_object(voc, xml, message):
    (voc / "Annotations" / "000001.xml").write_text(xml)
    with pytest.raises(ValueError) as e:
        datasets.VOCDetection(str(voc), classes=synthetic.CLASSES)
    assert "000001.xml" in str(e.value) and message in str(e.value)


@pytest.fixture()
def yolo(tmp_path, scenes):
    root = tmp_path / "yolo"
    os.makedirs(root / "images" / "val")
    os.makedirs(root / "labels" / "val")
    for i, s in enumerate(scenes):
        datasets.write_png(str(root / "images" / "val" / f"img{i}.png"), s["image"])
        if i == 2:
            continue   # no label file: an image without boxes
        lines = []
        for (x1, y1, x2, y2), lab in zip(s["boxes"], s["labels"]):
            lines.append(f"{lab} {(x1 + x2) / 2 / SIZE:.9f} {(y1 + y2) / 2 / SIZE:.9f} {(x2 - x1) / SIZE:.9f} "
                         f"{(y2 - y1) / SIZE:.9f}")
        (root / "labels" / "val" / f"img{i}.txt").write_text("\n".join(lines) + "\n")
    (root / "data.yaml").write_text("path: .\nval: images/val\nnames:\n  0: rectangle\n  1: ellipse  # round\n"
                                    "  2: 'triangle'\n")
    return root


def test_yolo_reads_normalized_boxes_and_names(yolo, scenes):
    ds = datasets.YOLODetection(str(yolo), split="val")
    assert ds.classes == list(synthetic.CLASSES)
    for i, sample in enumerate(run(ds)):
        np.testing.assert_array_equal(sample["image"], scenes[i]["image"])
        if i == 2:
            assert sample["boxes"].shape == (0, 4) and sample["labels"].shape == (0,)
            continue
        np.testing.assert_allclose(sample["boxes"], scenes[i]["boxes"], atol=1e-4)
        np.testing.assert_array_equal(sample["labels"], scenes[i]["labels"])
    assert len(datasets.YOLODetection(str(yolo), split="val", names=["a", "b", "c"], skip_empty=True)) == 3


@pytest.mark.parametrize("text, names", [
    ("names: [rectangle, 'ellipse', \"triangle\"]\n", ["rectangle", "ellipse", "triangle"]),
    ("nc: 2\nnames:\n  - cat   # pet\n  - dog\ntrain: x\n", ["cat", "dog"]),
    ("names:\n  1: b\n  0: a\n", ["a", "b"]),
])
def test_data_yaml_names_forms(tmp_path, text, names):
    path = tmp_path / "data.yaml"
    path.write_text(text)
    assert datasets.read_names(str(path)) == names


def test_data_yaml_without_names_is_an_error(tmp_path):
    path = tmp_path / "data.yaml"
    path.write_text("nc: 3\n")
    with pytest.raises(ValueError, match="data.yaml: no 'names:' entry"):
        datasets.read_names(str(path))
    path.write_text("names:\n  0: a\n  2: c\n")
    with pytest.raises(ValueError, match="ids of names must be 0..1"):
        datasets.read_names(str(path))


@pytest.mark.parametrize("line, message", [
    ("0 0.5 0.5 0.1", "line 2: expected 'class cx cy w h' (five numbers)"),
    ("7 0.5 0.5 0.1 0.1", "line 2: class 7 is not one of the 3 names"),
    ("a 0.5 0.5 0.1 0.1", "line 2: expected 'class cx cy w h'"),
    ("1 0.5 0.5 -0.1 0.1", "line 2: a box has a negative size"),
])
def test_yolo_errors_name_file_and_line(yolo, line, message):
    (yolo / "labels" / "val" / "img1.txt").write_text("0 0.5 0.5 0.2 0.2\n" + line + "\n")
    with pytest.raises(ValueError) as e:
        datasets.YOLODetection(str(yolo), split="val")
    assert "img1.txt" in str(e.value) and message in str(e.value)
