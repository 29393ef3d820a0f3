"""pixelpipes.augment compositions: p= on every augmentation, planned augmentations, Compose,
OneOf, SomeOf and Sequential(random_order).

Checked through compiled pipelines over thousands of samples: frequencies against the stated
probabilities (chi-square, p > 0.001 so a correct implementation fails once in a thousand runs
at most), that a skipped augmentation's pixel work does not run (the per-op profile counts the
warps), application order, nesting, bit-exact streams across thread counts, and errors that name
the user's line.
"""
import collections
import itertools

import numpy as np
import pytest
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment, resource
from pixelpipes.ops import geometry

from conftest import this_file_line

N = 4000
IMG = np.arange(8 * 10 * 3, dtype=np.uint8).reshape(8, 10, 3)


def _pipeline(transform, seed=5, points=None):
    """``transform``: an augmentation, or a function making one inside the graph (for matrices)."""
    with pp.Graph() as g:
        if not isinstance(transform, (augment.Planned, augment.Composition)):
            transform = transform()
        fields = dict(image=pp.Constant(IMG))
        if points is not None:
            fields["points"] = pp.Constant(np.asarray(points, np.float32))
        r = transform(resource.Resource(**fields))
        r.output()
    return pp.compile(g, seed=seed)


def _samples(p, n=N, key="image"):
    out = []
    with p.batches(500, threads=2, stop=n, pad_varying=False) as it:
        for b in it:
            out.extend(b[key])
    return out


def _chi2(counts, probs):
    counts = np.asarray(counts, float)
    expected = np.asarray(probs, float) / np.sum(probs) * counts.sum()
    return stats.chisquare(counts, expected).pvalue


def _translate(dx, dy):
    return augment.Transform(matrix=geometry.Translate(float(dx), float(dy)), clip_boxes=False)


def _scale2():
    return augment.Transform(matrix=geometry.Scale(2.0, 3.0, 0.0, 0.0), clip_boxes=False)


def _turn():
    return augment.Transform(matrix=geometry.Rotate(90.0, 0.0, 0.0), clip_boxes=False)


def _point_after(p, i):
    return tuple(np.round(p.run(i)["points"][0], 3))


def test_p_applies_with_its_probability_and_skips_the_work():
    p = _pipeline(augment.RandomAffine(20, interpolation="linear", p=0.3))
    changed = sum(not np.array_equal(x, IMG) for x in _samples(p))
    assert stats.binomtest(changed, N, 0.3).pvalue > 1e-3
    rows = p.profile(2000, threads=1)
    warps = [r["count"] for r in rows if r["op"] == "image.warp"]
    assert len(warps) == 1 and stats.binomtest(warps[0], 2000, 0.3).pvalue > 1e-3   # only the chosen run


def test_p_zero_and_one():
    with pp.Graph():
        x = pp.Constant(IMG)
        assert augment.CenterCrop(x, 4, p=0.0) is x
    p = _pipeline(augment.CenterCrop(4, p=1.0))
    assert p.run(0)["image"].shape == (4, 4, 3)


@pytest.mark.parametrize("bad", [-0.1, 1.5, "0.5", True])
def test_bad_p_names_the_users_line(bad):
    with pp.Graph(), pytest.raises(ValueError, match=r"test_compose\.py:\d+: CenterCrop: p must be"):
        augment.CenterCrop(4, p=bad)


def test_planned_augmentations_check_arguments_where_they_are_written():
    where = this_file_line(2)
    with pytest.raises(ValueError) as e:
        augment.RandomAffine(degrees=(5, -5))
    assert where in str(e.value)
    planned = augment.CenterCrop(4, p=0.25)
    assert isinstance(planned, augment.Planned) and planned.p == 0.25 and planned.forced().p == 1.0
    assert augment.RandomHorizontalFlip(p=0.2).p == 0.2      # a flip's own p is its probability


def test_compose_applies_in_order():
    # translate then a scale of 2 about the origin, or the other way: the point tells the order
    p = _pipeline(lambda: augment.Compose([_translate(1, 0), _scale2()]), points=[[1, 1]])
    assert _point_after(p, 0) == (4.0, 3.0)
    p = _pipeline(lambda: augment.Compose([_scale2(), _translate(1, 0)]), points=[[1, 1]])
    assert _point_after(p, 0) == (3.0, 3.0)


def test_compose_on_a_plain_image_and_its_own_p():
    with pp.Graph() as g:
        g.output("image", augment.Compose([augment.CenterCrop(4)], p=0.4)(pp.Constant(IMG)))
    p = pp.compile(g, seed=2)
    cropped = sum(x.shape == (4, 4, 3) for x in _samples(p))
    assert stats.binomtest(cropped, N, 0.4).pvalue > 1e-3


def test_one_of_weights_and_forced_children():
    # three translations: the moved point says which ran; children's p=0.5 must not matter
    def make():
        ts = [augment.Transform(matrix=geometry.Translate(float(k + 1), 0.0), p=0.5) for k in range(3)]
        return augment.OneOf(ts, weights=[1, 2, 5], p=1.0)
    p = _pipeline(make, points=[[0, 0]])
    xs = collections.Counter(float(s[0][0]) for s in _samples(p, key="points"))
    assert set(xs) == {1.0, 2.0, 3.0}                       # never skipped: the chosen child always runs
    assert _chi2([xs[1.0], xs[2.0], xs[3.0]], [1, 2, 5]) > 1e-3


def test_one_of_defaults_to_the_childrens_p_and_its_own_p_half():
    p = _pipeline(lambda: augment.OneOf([_translate(1, 0),
                                         augment.Transform(matrix=geometry.Translate(2.0, 0.0), p=0.25)]),
                  points=[[0, 0]])     # albumentations: p=0.5, weights 1 : 0.25
    xs = collections.Counter(float(s[0][0]) for s in _samples(p, key="points"))
    assert _chi2([xs[0.0], xs[1.0], xs[2.0]], [0.5, 0.5 * 0.8, 0.5 * 0.2]) > 1e-3


def test_some_of_chooses_n_uniformly_and_applies_in_list_order():
    # translations by 1, 10, 100: the x shift says exactly which ran
    p = _pipeline(lambda: augment.SomeOf([_translate(v, 0) for v in (1, 10, 100)], n=2), points=[[0, 0]])
    xs = collections.Counter(int(s[0][0]) for s in _samples(p, key="points"))
    assert set(xs) == {11, 101, 110}
    assert _chi2([xs[11], xs[101], xs[110]], [1, 1, 1]) > 1e-3


def test_some_of_keeps_each_childs_own_p():
    p = _pipeline(lambda: augment.SomeOf([_translate(1, 0),
                                          augment.Transform(matrix=geometry.Translate(10.0, 0.0), p=0.5)], n=2),
                  points=[[0, 0]])
    xs = collections.Counter(int(s[0][0]) for s in _samples(p, key="points"))
    assert set(xs) == {1, 11} and _chi2([xs[1], xs[11]], [1, 1]) > 1e-3


def test_some_of_with_replacement_counts_repeats():
    p = _pipeline(lambda: augment.SomeOf([_translate(1, 0), _translate(10, 0)], n=2, replace=True),
                  points=[[0, 0]])
    xs = collections.Counter(int(s[0][0]) for s in _samples(p, key="points"))
    # picks (0,0) -> 2, (1,1) -> 20, mixed -> 11 (twice as likely)
    assert set(xs) == {2, 11, 20} and _chi2([xs[2], xs[11], xs[20]], [1, 2, 1]) > 1e-3


def test_some_of_caps_n_without_replacement():
    assert augment.SomeOf([augment.CenterCrop(4)] * 2, n=5).n == 2
    p = _pipeline(lambda: augment.SomeOf([_translate(1, 0), _translate(10, 0)], n=5), points=[[0, 0]])
    assert _point_after(p, 0) == (11.0, 0.0)


def test_sequential_in_order_and_in_random_order():
    def ts():
        return [_translate(1, 2), _scale2(), _turn()]
    p = _pipeline(lambda: augment.Sequential(ts()), points=[[1, 2]])
    fixed = _point_after(p, 0)
    assert all(_point_after(p, i) == fixed for i in range(5))

    p = _pipeline(lambda: augment.Sequential(ts(), random_order=True), points=[[1, 2]])
    seen = collections.Counter(tuple(np.round(s[0], 3)) for s in _samples(p, key="points"))
    # each of the 6 orders moves (1, 2) to a different point, equally often
    want = set()
    for order in itertools.permutations(range(3)):
        pt = _pipeline(lambda: augment.Compose([ts()[k] for k in order]), points=[[1, 2]])
        want.add(_point_after(pt, 0))
    assert len(want) == 6 and set(seen) == want
    assert _chi2(list(seen.values()), [1] * 6) > 1e-3


def test_nested_compositions_are_bit_exact_across_threads():
    t = augment.Compose([
        augment.OneOf([augment.RandomAffine(15, interpolation="linear"),
                       augment.Sequential([augment.RandomHorizontalFlip(), augment.CenterCrop((6, 8))],
                                          random_order=True)], p=0.8),
        augment.SomeOf([augment.RandomVerticalFlip(), augment.ColorJitter(brightness=0.5, p=0.5),
                        augment.Compose([augment.RandomAffine(5, p=0.5)])], n=2),
    ])
    p = _pipeline(t, seed=11)
    runs = []
    for threads in (1, 2):
        with p.batches(7, threads=threads, stop=70) as it:
            runs.append([x.tobytes() for b in it for x in b["image"]])
    assert runs[0] == runs[1]
    assert [p.run(i)["image"].tobytes() for i in range(70)] == runs[0]
    assert len(set(runs[0])) > 20                                # the compositions vary


def test_composition_errors():
    with pytest.raises(TypeError, match="list of augmentations"):
        augment.Compose(augment.CenterCrop(4))
    with pytest.raises(TypeError, match="item 1 is not an augmentation"):
        augment.Compose([augment.CenterCrop(4), 3])
    with pytest.raises(ValueError, match="at least one"):
        augment.OneOf([])
    where = this_file_line(2)
    with pytest.raises(ValueError, match="2 weights for 3 transforms") as e:
        augment.OneOf([augment.CenterCrop(4)] * 3, weights=[1, 2])
    assert where in str(e.value)
    with pytest.raises(ValueError, match="weights"):
        augment.OneOf([augment.CenterCrop(4)] * 2, weights=[0, 0])
    with pytest.raises(ValueError, match="n must be"):
        augment.SomeOf([augment.CenterCrop(4)], n=-1)
    with pp.Graph(), pytest.raises(TypeError, match="image node or a Resource"):
        augment.Compose([augment.CenterCrop(4)])([1, 2])
