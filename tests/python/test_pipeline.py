"""Pipeline: running samples, zero-copy arrays, outputs, save/load, disassembly."""
import gc
import os

import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes.ops import random


def small_graph():
    with pp.Graph() as g:
        g.output("u", random.Uniform(0.0, 1.0, shape=[4, 3]))
        g.output("i", pp.SampleIndex())
        g.output("name", "hello")
        g.output("items", [1.5, 2.5])
    return g


def test_run_returns_numpy_strings_and_lists():
    p = pp.compile(small_graph(), seed=3)
    out = p.run(7)
    assert set(out) == {"u", "i", "name", "items"}
    assert out["u"].dtype == np.float32 and out["u"].shape == (4, 3)
    assert ((out["u"] >= 0) & (out["u"] < 1)).all()
    assert out["i"].shape == () and int(out["i"]) == 7 and out["i"].dtype == np.int64
    assert out["name"] == "hello"
    assert isinstance(out["items"], list) and [float(x) for x in out["items"]] == [1.5, 2.5]


def test_arrays_are_zero_copy_read_only_and_keep_the_sample_alive():
    p = pp.compile(small_graph(), seed=3)
    a = p.run(1)["u"]
    expected = a.copy()
    assert not a.flags.writeable
    assert not a.flags.owndata
    del p
    gc.collect()
    _ = [np.ones(1000) for _ in range(100)]
    np.testing.assert_array_equal(a, expected)


def test_outputs_describe_names_and_types():
    p = pp.compile(small_graph())
    outs = {o.name: o for o in p.outputs}
    assert list(outs) == ["u", "i", "name", "items"]
    assert outs["u"].kind == "tensor" and outs["u"].dtype == "f32" and outs["u"].shape == (4, 3)
    assert outs["i"].dtype == "i64" and outs["i"].shape == ()
    assert outs["name"].kind == "string" and outs["name"].dtype is None and outs["name"].shape is None
    assert outs["items"].kind == "list"
    assert outs["items"].type.element.dtype == "f32"


def test_unknown_sizes_are_none():
    with pp.Graph() as g:
        n = random.Integer(1, 5)
        g.output("perm", random.Permutation(n))
    p = pp.compile(g)
    assert p.outputs[0].shape == (None,)
    assert p.run(0)["perm"].ndim == 1


def test_run_many_equals_run():
    p = pp.compile(small_graph(), seed=5)
    many = p.run_many(10, 20, threads=3)
    assert len(many) == 20
    for k, sample in enumerate(many):
        one = p.run(10 + k)
        np.testing.assert_array_equal(sample["u"], one["u"])
        assert int(sample["i"]) == 10 + k
    assert p.run_many(0, 0) == []


def test_save_and_load(tmp_program):
    p = pp.compile(small_graph(), seed=11)
    p.save(tmp_program)
    assert os.path.getsize(tmp_program) == len(p.to_bytes())
    q = pp.load(tmp_program, seed=11)
    for i in (0, 1, 99):
        np.testing.assert_array_equal(p.run(i)["u"], q.run(i)["u"])
    r = pp.load(tmp_program, seed=12)
    assert not np.array_equal(p.run(0)["u"], r.run(0)["u"])


def test_seed_changes_the_stream():
    g = small_graph()
    a, b = pp.compile(g, seed=1), pp.compile(g, seed=2)
    assert not np.array_equal(a.run(0)["u"], b.run(0)["u"])
    assert not np.array_equal(a.run(0)["u"], a.run(1)["u"])


def test_disassembly_lists_every_instruction():
    p = pp.compile(small_graph())
    text = p.disassemble()
    lines = text.splitlines()
    assert len(lines) == p.instruction_count() + 1
    assert "random.uniform" in text and "f32[4,3]" in text and "test_pipeline.py:" in text
    assert "-> 'u'" in text
    assert str(p) == text
    assert "Pipeline" in repr(p)


def test_bad_arguments():
    p = pp.compile(small_graph())
    with pytest.raises(ValueError):
        p.run(-1)
    with pytest.raises(ValueError):
        p.run_many(0, -1)
    with pytest.raises(ValueError):
        pp.Pipeline(p.program, seed=-1)


def test_iteration_yields_consecutive_samples():
    p = pp.compile(small_graph())
    it = iter(p)
    assert [int(next(it)["i"]) for _ in range(3)] == [0, 1, 2]
