"""pixelpipes.resource: named records of nodes with spatial kinds, through compiled pipelines."""
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import augment, resource
from pixelpipes.ops import random, tensor


def _image(h=12, w=16):
    return tensor.Cast(random.Uniform(0.0, 255.0, shape=[h, w, 3]), dtype="u8")


def test_kinds_come_from_names_fields_and_the_kinds_argument():
    with pp.Graph():
        img = _image()
        r = resource.Resource(image=img, mask=img, boxes=np.zeros((1, 4), np.float32), keypoints=np.zeros((2, 2)),
                              polygon=np.zeros((3, 2), np.float32), label=3, depth=resource.Field(img, "image"),
                              seg=img, kinds={"seg": "mask"})
        assert r.kinds == {"image": "image", "mask": "mask", "boxes": "boxes", "keypoints": "points",
                           "polygon": "polygons", "label": "other", "depth": "image", "seg": "mask"}
        assert r.kind("label") == "other"
        assert r["image"] is img and r.image is img and r.depth is img
        assert list(r) == ["image", "mask", "boxes", "keypoints", "polygon", "label", "depth", "seg"]
        assert len(r) == 8 and "label" in r and "nothing" not in r
        assert isinstance(r.label, pp.Constant)
        assert set(r.fields_of("image", "mask")) == {"image", "mask", "depth", "seg"}
        assert "label: other" in repr(r)
        # a dict first works too, and keeps its order
        r2 = resource.Resource({"b": 1, "a": 2})
        assert list(r2) == ["b", "a"]


def test_bad_resources_are_rejected():
    with pp.Graph():
        img = _image()
        with pytest.raises(ValueError):
            resource.Field(img, "picture")
        with pytest.raises(ValueError):
            resource.Resource(image=img, kinds={"image": "bogus"})
        with pytest.raises(ValueError):
            resource.Resource(image=img, kinds={"mask": "mask"})
        with pytest.raises(ValueError):
            resource.Resource({"image": img}, image=img)
        with pytest.raises(ValueError):
            resource.Resource({"not a name": img})
        with pytest.raises(TypeError):
            resource.Resource(inner=resource.Resource(image=img))
        r = resource.Resource(image=img)
        with pytest.raises(KeyError):
            r["mask"]
        with pytest.raises(AttributeError):
            r.mask
        with pytest.raises(ValueError):
            resource.Resource(label=1).reference()
        assert resource.Resource(label=1).reference(required=False) is None


def test_replace_without_and_map_make_new_resources():
    with pp.Graph():
        img, other = _image(), _image()
        r = resource.Resource(image=img, seg=resource.Field(img, "mask"), label=1)
        r2 = r.replace(seg=other, extra=resource.Field(other, "image"), label=2)
        assert r.seg is img and r2.seg is other and r2.kind("seg") == "mask"  # a replaced field keeps its kind
        assert r2.kind("extra") == "image" and list(r2) == ["image", "seg", "label", "extra"]
        assert r.replace(seg=resource.Field(other, "image")).kind("seg") == "image"
        assert r.replace(kinds={"label": "points"}).kind("label") == "points"
        r3 = r2.without("extra", "label")
        assert list(r3) == ["image", "seg"]
        with pytest.raises(KeyError):
            r.without("nothing")
        seen = []
        r4 = r.map(lambda node, kind: seen.append(kind) or node, "mask")
        assert seen == ["mask"] and r4.seg is img and r4.kinds == r.kinds


def test_reference_is_the_first_image_else_the_first_mask():
    with pp.Graph():
        a, b = _image(), _image()
        assert resource.Resource(seg=resource.Field(a, "mask"), image=b).reference() is b
        assert resource.Resource(boxes=np.zeros((0, 4), np.float32), seg=resource.Field(a, "mask")).reference() is a


def test_output_declares_every_field_with_a_prefix():
    with pp.Graph() as g:
        img = _image()
        r = resource.Resource(image=img, label=5, name="x")
        declared = r.output(prefix="a_")
        assert list(declared) == ["a_image", "a_label", "a_name"]
        resource.output(r, names=["label"])
        with pytest.raises(ValueError):
            r.output(prefix="a_")  # declared twice
        with pytest.raises(TypeError):
            resource.output({"label": 1})
    assert list(g.outputs) == ["a_image", "a_label", "a_name", "label"]
    s = pp.compile(g, seed=0).run(0)
    assert s["a_label"] == 5 and s["label"] == 5 and s["a_name"] == "x" and s["a_image"].shape == (12, 16, 3)


def test_other_fields_pass_through_macros_unchanged():
    with pp.Graph() as g:
        img = _image()
        r = resource.Resource(image=img, label=7, tag="cat", boxes=np.array([[1, 2, 5, 6]], np.float32))
        out = augment.RandomAffine(r, 10)
        out = augment.ColorJitter(out, brightness=0.3)
        out = augment.Normalize(out, 0.5, 0.5)
        assert out.label is r.label and out.tag is r.tag
        assert out.image is not r.image and out.boxes is not r.boxes
        assert out.kinds == r.kinds
        out.output()
    s = pp.compile(g, seed=0).run(0)
    assert s["label"] == 7 and s["tag"] == "cat" and s["image"].shape == (3, 12, 16)


def test_toggle_draws_once_for_every_field():
    with pp.Graph() as g:
        on = resource.Resource(a=1, b=10, c=pp.SampleIndex())
        off = resource.Resource(a=2, b=20, c=on.c)
        r = resource.toggle(0.5, on, off)
        assert r.c is on.c  # the same node on both sides needs no branch
        r.output()
        resource.conditional(pp.SampleIndex() < 3, on, off).output(prefix="cond_")
        with pytest.raises(ValueError):
            resource.conditional(True, on, resource.Resource(a=1))
    p = pp.compile(g, seed=1)
    firsts = []
    for i, s in enumerate(p.run_many(0, 40)):
        assert (s["a"], s["b"]) in ((1, 10), (2, 20))
        firsts.append(int(s["a"]))
        assert (s["cond_a"], s["cond_b"]) == ((1, 10) if i < 3 else (2, 20))
    assert 5 < firsts.count(1) < 35


def test_a_geometry_macro_moves_every_spatial_field_of_a_resource_together():
    # two images of different content, a mask and boxes: one transform for all
    with pp.Graph() as g:
        img = _image(20, 24)
        r = resource.Resource(image=img, copy=resource.Field(img, "image"), seg=resource.Field(img, "mask"),
                              boxes=np.array([[2, 3, 10, 12]], np.float32))
        out = augment.RandomCrop(r, (10, 12), padding=2)
        out.output()
    for s in pp.compile(g, seed=4).run_many(0, 5):
        np.testing.assert_array_equal(s["image"], s["copy"])
        np.testing.assert_array_equal(s["image"], s["seg"])
        assert s["image"].shape == (10, 12, 3) and s["boxes"].shape == (1, 4)
