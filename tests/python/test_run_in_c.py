"""Pipeline.run converts a sample's outputs in C (bindings/python/sample_arrays.c) and leaves
strings, lists and empty tensors to the Python path. Both paths must give the same values:
run_many still converts in Python, so every test compares the two."""
import gc
import os
import threading

import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import _native
from pixelpipes._lib import lib
from pixelpipes.ops import image, random

DTYPES = [np.uint8, np.int8, np.uint16, np.int16, np.int32, np.int64, np.float32, np.float64, np.bool_]


def assert_same_outputs(a: dict, b: dict):
    assert list(a) == list(b)
    for name in a:
        if isinstance(a[name], np.ndarray):
            assert isinstance(b[name], np.ndarray) and a[name].dtype == b[name].dtype, name
            assert a[name].shape == b[name].shape and a[name].strides == b[name].strides, name
            np.testing.assert_array_equal(a[name], b[name])
        else:
            assert a[name] == b[name], name


def test_every_dtype_shape_and_stride_equals_the_python_path():
    photo = np.arange(5 * 7 * 3, dtype=np.uint8).reshape(5, 7, 3)
    with pp.Graph() as g:
        for k, dtype in enumerate(DTYPES):
            g.output(f"t{k}", pp.Constant((np.arange(12).reshape(3, 4) % 3).astype(dtype)))
            g.output(f"s{k}", pp.Constant(np.array(1, dtype=dtype)))   # 0-d
        g.output("cropped", image.Crop(pp.Constant(photo), pp.Constant(np.array([1, 1, 4, 3], np.float32))))
        g.output("noise", random.Uniform(0.0, 1.0, shape=[6, 2]))
    p = pp.compile(g, seed=4)
    for index in (0, 1, 2 ** 64 - 1):
        fast, python = p.run(index), p.run_many(index, 1)[0]
        assert_same_outputs(fast, python)
        assert type(fast) is dict


def test_strings_lists_and_empty_tensors_fall_back_to_python_beside_tensors():
    with pp.Graph() as g:
        g.output("before", random.Uniform(0.0, 1.0, shape=[2]))
        g.output("name", "hello")
        g.output("items", [1.5, 2.5])
        g.output("empty", pp.Constant(np.zeros((0, 3), np.uint8)))
        g.output("after", pp.SampleIndex())
    p = pp.compile(g, seed=2)
    fast = p.run(9)
    assert fast["name"] == "hello" and [float(x) for x in fast["items"]] == [1.5, 2.5]
    assert fast["empty"].shape == (0, 3) and fast["empty"].dtype == np.uint8
    assert int(fast["after"]) == 9
    python = p.run_many(9, 1)[0]
    assert fast["name"] == python["name"] and fast["empty"].shape == python["empty"].shape
    np.testing.assert_array_equal(fast["before"], python["before"])


def test_arrays_are_read_only_views_whose_base_keeps_the_sample_alive():
    with pp.Graph() as g:
        g.output("a", random.Uniform(0.0, 1.0, shape=[64, 64]))
        g.output("b", random.Uniform(0.0, 1.0, shape=[3]))
    p = pp.compile(g, seed=1)
    out = p.run(5)
    a, b = out["a"], out["b"]
    expected = a.copy()
    assert not a.flags.writeable and not a.flags.owndata
    with pytest.raises(ValueError):
        a[0, 0] = 1
    assert a.base._owner is b.base._owner   # one owner per sample, shared by its outputs
    del out, p, b
    gc.collect()
    _ = [np.ones((64, 64)) for _ in range(100)]
    np.testing.assert_array_equal(a, expected)


def test_a_failing_sample_raises_the_librarys_error_and_the_pipeline_goes_on():
    with pp.Graph() as g:
        g.output("picked", pp.Constant([10, 20, 30])[pp.SampleIndex()])
    p = pp.compile(g)
    with pytest.raises(pp.OutOfRangeError) as e:
        p.run(3)
    assert e.value.sample == 3 and "sample 3" in str(e.value)
    assert int(p.run(2)["picked"]) == 30


def test_bad_indices_are_rejected_before_the_native_call():
    with pp.Graph() as g:
        g.output("i", pp.SampleIndex())
    p = pp.compile(g)
    for bad in (-1, 2 ** 64, 1.5, "3", None):
        with pytest.raises((ValueError, TypeError)):
            p.run(bad)
    assert int(p.run(np.int64(7))["i"]) == 7


def test_the_native_helpers_check_their_arguments():
    with pytest.raises(TypeError):
        _native.run(0, 0, ["not", "a", "tuple"])
    assert _native.run(0, 0, ()) == lib.PXP_EINVALID_ARGUMENT   # a null pipeline
    with pytest.raises(TypeError):
        _native.setup(object, np.asarray, [])


def _resident_bytes() -> int:
    with open(f"/proc/{os.getpid()}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_ten_thousand_runs_free_every_sample():
    with pp.Graph() as g:
        g.output("big", random.Uniform(0.0, 1.0, shape=[256, 256]))   # 256 KiB per sample
        g.output("name", "x")                                        # and the fallback's path
    p = pp.compile(g)
    for k in range(500):
        p.run(k)
    before = _resident_bytes()
    for k in range(10000):
        p.run(k)
    # 10000 leaked samples would be 2.5 GiB; the bound leaves room for the sanitizer build's
    # quarantine of freed memory (256 MiB by default), under which this test runs too
    assert _resident_bytes() - before < 1024 * 2 ** 20


def test_threads_running_one_pipeline_get_their_own_samples():
    with pp.Graph() as g:
        g.output("u", random.Uniform(0.0, 1.0, shape=[32]))
        g.output("i", pp.SampleIndex())
    p = pp.compile(g, seed=7)
    expected = {k: p.run_many(k, 1)[0]["u"].copy() for k in range(64)}
    failures = []

    def work(offset):
        for k in range(offset, 64, 4):
            out = p.run(k)
            if int(out["i"]) != k or not np.array_equal(out["u"], expected[k]):
                failures.append(k)

    threads = [threading.Thread(target=work, args=(o,)) for o in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
