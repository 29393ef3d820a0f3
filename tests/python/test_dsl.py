"""The graph DSL: constants, operators, generated classes, signatures, docs and stubs."""
import inspect
import os

import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import registry, stubs
from pixelpipes.ops import list as plist
from pixelpipes.ops import math, random



def evaluate(build, index=0):
    with pp.Graph() as g:
        g.output("x", build())
    return pp.compile(g).run(index)["x"]


@pytest.mark.parametrize("value,dtype,shape", [
    (3, np.int64, ()), (2.5, np.float32, ()), (True, np.bool_, ()),
    (np.uint8(7), np.uint8, ()), (np.float64(1.25), np.float64, ()),
    (np.arange(6, dtype=np.int16).reshape(2, 3), np.int16, (2, 3)),
    (np.zeros((0, 3), dtype=np.float32), np.float32, (0, 3)),
])
def test_constants_keep_their_types(value, dtype, shape):
    out = evaluate(lambda: pp.Constant(value))
    assert out.dtype == dtype and out.shape == shape
    np.testing.assert_array_equal(out, np.asarray(value))


def test_string_and_list_constants():
    assert evaluate(lambda: pp.Constant("héllo")) == "héllo"
    out = evaluate(lambda: pp.Constant([["a", "b"], ["c"]]))
    assert out == [["a", "b"], ["c"]]
    out = evaluate(lambda: pp.Constant([np.ones(2, np.uint8), np.zeros(3, np.uint8)]))
    assert [a.tolist() for a in out] == [[1, 1], [0, 0, 0]]


def test_unsupported_constants():
    with pp.Graph():
        with pytest.raises(TypeError):
            pp.Constant(object())
        with pytest.raises(TypeError):
            pp.Constant(np.array([1 + 2j]))
        with pytest.raises(OverflowError):
            pp.Constant(2 ** 70)


@pytest.mark.parametrize("build,expected", [
    (lambda i: i + 2, 7), (lambda i: 2 + i, 7), (lambda i: i - 2, 3), (lambda i: 10 - i, 5),
    (lambda i: i * 3, 15), (lambda i: 3 * i, 15), (lambda i: i / 2, 2.5), (lambda i: 10 / i, 2.0),
    (lambda i: i % 3, 2), (lambda i: 7 % i, 2), (lambda i: i ** 2, 25.0), (lambda i: 2 ** i, 32.0),
    (lambda i: -i, -5), (lambda i: abs(-i), 5), (lambda i: +i, 5),
    (lambda i: i == 5, True), (lambda i: i != 5, False), (lambda i: i < 5, False), (lambda i: i <= 5, True),
    (lambda i: i > 4, True), (lambda i: i >= 6, False),
    (lambda i: (i > 4) & (i < 6), True), (lambda i: (i > 5) | (i < 5), False), (lambda i: ~(i > 4), False),
    (lambda i: True & (i > 4), True), (lambda i: False | (i > 4), True),
])
def test_operators(build, expected):
    out = evaluate(lambda: build(pp.SampleIndex()), index=5)
    assert out.item() == pytest.approx(expected)


def test_indexing_and_length():
    def build():
        items = pp.Constant(["a", "b", "c"])
        return plist.Make(items[pp.SampleIndex()], items[-1], items[1])
    assert evaluate(build, index=0) == ["a", "c", "b"]
    assert int(evaluate(lambda: pp.Constant([1, 2, 3]).length())) == 3


def test_generated_classes_have_signatures_and_docs():
    sig = inspect.signature(random.Uniform)
    params = list(sig.parameters.values())
    assert [p.name for p in params] == ["low", "high", "dtype", "shape", "label"]
    assert params[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert params[2].kind is inspect.Parameter.KEYWORD_ONLY and params[2].default == "f32"
    assert "random.uniform" in random.Uniform.__doc__ and "Inputs:" in random.Uniform.__doc__
    assert random.Uniform.__module__ == "pixelpipes.ops.random"
    variadic = inspect.signature(plist.Make).parameters["items"]
    assert variadic.kind is inspect.Parameter.VAR_POSITIONAL
    assert issubclass(math.Add, pp.OpNode)


def test_inputs_by_name_and_attributes_by_keyword():
    out = evaluate(lambda: random.Uniform(high=2.0, low=1.0, shape=[2], dtype="f64"))
    assert out.dtype == np.float64 and ((out >= 1) & (out < 2)).all()
    out = evaluate(lambda: random.Uniform(1.0, 2.0, dtype=np.float64))
    assert out.dtype == np.float64


def test_every_op_has_a_class_in_its_family_module():
    from pixelpipes._opgen import INTERNAL_OPS, class_name
    for name, s in registry.schemas().items():
        if name in INTERNAL_OPS:
            continue
        module = getattr(pp.ops, s.family)
        cls = getattr(module, class_name(name))
        assert cls.schema is s


def test_generic_opnode():
    out = evaluate(lambda: pp.OpNode("math.add", 1, 2))
    assert int(out) == 3
    with pp.Graph():
        with pytest.raises(pp.UnknownOpError):
            pp.OpNode("math.nonexistent", 1)


def test_output_helper_and_labels():
    with pp.Graph() as g:
        pp.Output(pp.SampleIndex(label="index"), "i")
    p = pp.compile(g)
    assert p.output_names == ["i"]
    assert p.program.instructions[0]["label"] == "index"
    with pp.Graph():
        with pytest.raises(ValueError):
            pp.SampleIndex(label="")


def test_committed_stubs_are_current():
    ops_dir = os.path.join(os.path.dirname(pp.ops.__file__))
    for name, text in stubs.render().items():
        path = os.path.join(ops_dir, name)
        assert os.path.exists(path), f"missing stub {name}: run python -m pixelpipes.stubs"
        with open(path, encoding="utf-8") as f:
            assert f.read() == text, f"stale stub {name}: run python -m pixelpipes.stubs"


def test_stubs_are_valid_python(tmp_path):
    written = stubs.write(str(tmp_path))
    assert written
    for path in written:
        with open(path, encoding="utf-8") as f:
            compile(f.read(), path, "exec")


def test_bounded_float_attributes_refuse_nan_when_the_node_is_made():
    """The verifier's rule, at the user's line: NaN is outside every bounded range."""
    from pixelpipes.ops import filter as pfilter
    from pixelpipes.ops import random as prandom
    with pp.Graph():
        x = prandom.Uniform(0.0, 1.0, shape=[4, 4])
        with pytest.raises(ValueError, match="'low' = nan is out of its range"):
            pfilter.Canny(x, low=float("nan"))
        pfilter.Canny(x, low=10.0)
