"""augment.NoOp and augment.Lambda (albumentations' names): the identity in a composition, and
graph-building functions per field kind, with declared boxes filtered afterwards."""
import numpy as np
import pytest
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment, resource
from pixelpipes.ops import color, geometry

IMG = np.arange(6 * 8 * 3, dtype=np.uint8).reshape(6, 8, 3)
BOXES = np.array([[1, 1, 4, 4], [5, 2, 8, 6]], np.float32)


def _run(build, n=1, seed=1):
    with pp.Graph() as g:
        out = build()
        if isinstance(out, resource.Resource):
            out.output()
        else:
            g.output("image", out)
    p = pp.compile(g, seed=seed)
    return [p.run(i) for i in range(n)]


def test_noop_returns_its_source_and_makes_no_draw():
    with pp.Graph():
        x = pp.Constant(IMG)
        assert augment.NoOp(x) is x
        r = resource.Resource(image=x)
        assert augment.NoOp(r, p=0.3) is r
    with pytest.raises(ValueError, match="p must be"):
        augment.NoOp(p=2)


def test_noop_as_the_nothing_choice_of_one_of():
    def build():
        return augment.OneOf([augment.RandomHorizontalFlip(p=1.0), augment.NoOp(p=1.0)], p=1.0)(pp.Constant(IMG))
    flipped = sum(not np.array_equal(s["image"], IMG) for s in _run(build, n=2000))
    assert stats.binomtest(flipped, 2000, 0.5).pvalue > 1e-3


def test_lambda_applies_per_kind_functions_built_once():
    calls = []

    def invert(x):
        calls.append(x)
        return color.Invert(x)

    def build():
        r = resource.Resource(image=IMG, mask=IMG[..., 0], boxes=resource.Boxes(BOXES, fields=("labels",)),
                              labels=np.array([3, 4]))
        shift = lambda b: geometry.TransformBoxes(b, geometry.Translate(3.0, 0.0))   # noqa: E731
        return augment.Lambda(image=invert, bboxes=shift)(r)
    s = _run(build, n=3)
    assert len(calls) == 1                                   # built once, not per sample
    assert np.array_equal(s[0]["image"], 255 - IMG) and np.array_equal(s[0]["mask"], IMG[..., 0])
    # the second box moved to x 8..11 on a canvas of width 8: declared boxes drop it with its label
    np.testing.assert_allclose(s[0]["boxes"], [[4, 1, 7, 4]])
    assert s[0]["labels"].tolist() == [3]


def test_lambda_p_and_errors():
    def build():
        return augment.Lambda(image=color.Invert, p=0.25)(pp.Constant(IMG))
    changed = sum(not np.array_equal(s["image"], IMG) for s in _run(build, n=2000))
    assert stats.binomtest(changed, 2000, 0.25).pvalue > 1e-3
    with pytest.raises(TypeError, match="function of one node"):
        augment.Lambda(image=3)
    with pytest.raises(ValueError, match="p must be"):
        augment.Lambda(image=color.Invert, p=-1)
