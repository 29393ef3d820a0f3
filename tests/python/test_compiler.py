"""Compiler passes: folding, CSE, dead nodes, stable keys, macros, large graphs."""

import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes.ops import random


def count_ops(p, op):
    return sum(1 for ins in p.program.instructions if ins["op"] == op)


def test_constant_folding_shrinks_the_program():
    def build():
        with pp.Graph() as g:
            a = pp.Constant(2.0)
            b = (a * 3 + 1) / 7 - a  # all constant
            g.output("x", random.Uniform(0.0, 1.0) + b)
        return g
    folded = pp.compile(build())
    plain = pp.compile(build(), optimize=False)
    assert folded.instruction_count() < plain.instruction_count()
    assert count_ops(folded, "math.multiply") == 0 and count_ops(plain, "math.multiply") == 1
    assert folded.compile_stats["folded"] >= 1
    assert float(folded.run(3)["x"]) == pytest.approx(float(plain.run(3)["x"]))


def test_folding_keeps_dtypes():
    with pp.Graph() as g:
        g.output("i", pp.Constant(3) * 2)
        g.output("f", pp.Constant(np.float64(1.5)) * 2)
        g.output("u", pp.Constant(np.array([1, 2], dtype=np.uint8)) + np.uint8(1))
    p = pp.compile(g)
    out = p.run(0)
    assert out["i"].dtype == np.int64 and int(out["i"]) == 6
    assert out["f"].dtype == np.float64
    assert out["u"].dtype == np.uint8 and out["u"].tolist() == [2, 3]
    assert all(ins["op"] == "core.constant" for ins in p.program.instructions)


def test_common_subexpressions_are_merged_but_random_nodes_are_not():
    with pp.Graph() as g:
        i = pp.SampleIndex()
        a = i * 2 + 1
        b = i * 2 + 1
        r1 = random.Uniform(0.0, 1.0)
        r2 = random.Uniform(0.0, 1.0)
        g.output("a", a)
        g.output("b", b)
        g.output("r1", r1)
        g.output("r2", r2)
    p = pp.compile(g)
    assert count_ops(p, "math.multiply") == 1 and count_ops(p, "math.add") == 1
    assert count_ops(p, "random.uniform") == 2
    out = p.run(4)
    assert int(out["a"]) == int(out["b"]) == 9
    assert float(out["r1"]) != float(out["r2"])
    assert p.compile_stats["merged"] >= 2


def test_dead_nodes_are_removed():
    with pp.Graph() as g:
        for _ in range(10):
            random.Normal(0.0, 1.0, shape=[100])
        g.output("x", pp.SampleIndex())
    p = pp.compile(g)
    assert count_ops(p, "random.normal") == 0
    assert p.instruction_count() == 1


def test_adding_an_unrelated_random_node_keeps_other_streams():
    def build(extra):
        with pp.Graph() as g:
            if extra:
                g.output("extra", random.Uniform(0.0, 1.0, shape=[5]))
            a = random.Uniform(0.0, 1.0, shape=[3])
            b = random.Normal(0.0, 1.0, shape=[3])
            g.output("a", a)
            g.output("b", a + b)
            if extra:
                g.output("more", random.Normal(0.0, 1.0) * a)
        return g
    p, q = pp.compile(build(False), seed=7), pp.compile(build(True), seed=7)
    for i in range(20):
        x, y = p.run(i), q.run(i)
        np.testing.assert_array_equal(x["a"], y["a"])
        np.testing.assert_array_equal(x["b"], y["b"])


def test_identical_nodes_in_a_loop_get_different_streams():
    with pp.Graph() as g:
        for k in range(3):
            g.output(f"u{k}", random.Uniform(0.0, 1.0))
    out = pp.compile(g).run(0)
    assert len({float(out[f"u{k}"]) for k in range(3)}) == 3


def test_labels_fix_keys_independently_of_lines():
    def build(pad):
        with pp.Graph() as g:
            if pad:
                pass
            g.output("x", random.Uniform(0.0, 1.0, label="my-draw"))
        return g
    a = pp.compile(build(False)).program.instructions
    b = pp.compile(build(True)).program.instructions
    ka = [i["key"] for i in a if i["op"] == "random.uniform"]
    kb = [i["key"] for i in b if i["op"] == "random.uniform"]
    assert ka == kb


def test_instructions_carry_label_and_source():
    with pp.Graph() as g:
        g.output("x", random.Uniform(0.0, 1.0, label="draw"))
    ins = [i for i in pp.compile(g).program.instructions if i["op"] == "random.uniform"][0]
    assert ins["label"] == "draw"
    assert ins["source"].rsplit(":", 1)[0].endswith("test_compiler.py")


class Scale(pp.Macro):
    """x * factor, or for integer inputs x * factor as float."""

    def expand(self, x):
        if x.type.dtype in ("i64", "i32"):
            return x * float(self.params["factor"])
        return x * self.params["factor"]


def test_macro_sees_input_types_and_expands():
    with pp.Graph() as g:
        i = pp.SampleIndex()
        g.output("a", Scale(i, factor=2))
        g.output("b", Scale(random.Uniform(0.0, 1.0), factor=3))
    p = pp.compile(g)
    out = p.run(5)
    assert out["a"].dtype == np.float32 and float(out["a"]) == 10.0
    assert p.compile_stats["macros"] == 2


def test_nested_macros_and_function_macros():
    @pp.macro
    def double(x):
        return x + x

    @pp.macro
    def quadruple(x):
        return double(double(x))

    with pp.Graph() as g:
        g.output("x", quadruple(pp.SampleIndex()))
    p = pp.compile(g)
    assert int(p.run(3)["x"]) == 12
    assert p.compile_stats["macros"] == 3


def test_macro_errors_point_into_the_macro():
    @pp.macro
    def broken(x):
        return x + pp.Constant(["s"])

    with pp.Graph() as g:
        g.output("x", broken(pp.SampleIndex()))
    with pytest.raises(pp.TypeCheckError) as e:
        pp.compile(g)
    assert "test_compiler.py" in e.value.source


def test_compile_is_repeatable():
    with pp.Graph() as g:
        g.output("x", Scale(random.Uniform(0.0, 1.0), factor=3))
    assert pp.compile(g).to_bytes() == pp.compile(g).to_bytes()


def test_a_5000_node_graph_compiles_and_runs():
    # how fast is measured by benchmarks/compile_bench.py, not here (no timed tests)
    with pp.Graph() as g:
        x = random.Uniform(0.0, 1.0, shape=[4])
        acc = x
        for k in range(1250):
            y = acc * 1.0001 + k
            acc = pp.Conditional(random.Uniform(0.0, 1.0) > 0.5, y, acc) if k % 50 == 0 else y - x
        g.output("x", acc)
    assert len(g.nodes) >= 5000
    p = pp.compile(g)
    assert p.run(0)["x"].shape == (4,)
    assert p.run(0)["x"].tolist() != p.run(1)["x"].tolist()


def test_macro_can_ask_the_type_of_nodes_it_made():
    @pp.macro
    def flat_length(x):
        flat = pp.ops.tensor.Reshape(x, shape=[-1])
        return flat.type.shape[0]  # a Python int, made a constant

    with pp.Graph() as g:
        g.output("n", flat_length(random.Uniform(0.0, 1.0, shape=[3, 5])))
    assert int(pp.compile(g).run(0)["n"]) == 15


def test_types_are_only_known_at_compile_time():
    with pp.Graph():
        x = random.Uniform(0.0, 1.0)
        with pytest.raises(RuntimeError, match="compile time"):
            x.type


# -- sizes known from types fold; // and the other number operators ---------------------------------
def test_a_size_computed_from_a_known_image_size_is_known_and_its_batches_stack():
    """image.width/height of an image whose size the types know fold to constants, and folding
    carries them through arithmetic: a resize by 0.4 of a 50 x 50 crop has a known shape."""
    from pixelpipes import augment
    from pixelpipes.ops import image
    with pp.Graph() as g:
        img = pp.Select(pp.SampleIndex() >= 0, np.zeros((64, 80, 3), np.uint8), np.ones((64, 80, 3), np.uint8))
        crop = augment.RandomResizedCrop(img, 50)
        small = image.Resize(crop, image.Width(crop) * 4 // 10, round(image.Height(crop) * 0.4))
        g.output("small", small)
    p = pp.compile(g, seed=1)
    out = p.outputs[0]
    assert out.shape == (20, 20, 3) and out.dtype == "u8"
    batch = next(p.batches(4))
    assert isinstance(batch["small"], np.ndarray) and batch["small"].shape == (4, 20, 20, 3)


@pytest.mark.parametrize("a,b", [(7, 2), (-7, 2), (7, -2), (-7, -2), (6, 3), (0, 5)])
def test_floor_division_and_divmod_follow_python(a, b):
    with pp.Graph() as g:
        x = pp.Select(pp.SampleIndex() >= 0, a, a)  # not folded: the op runs in the pipeline
        q, r = divmod(x, b)
        g.output("q", q)
        g.output("r", r)
        g.output("fq", (x * 1.5) // b)
        g.output("rev", 100 // (x + 1000))
    s = pp.compile(g).run(0)
    assert (int(s["q"]), int(s["r"])) == divmod(a, b)
    assert float(s["fq"]) == (a * 1.5) // b
    assert int(s["rev"]) == 100 // (a + 1000)
    assert s["q"].dtype == np.int64


def test_round_floor_and_ceil_work_on_nodes_and_int_says_why_it_cannot():
    import math
    with pp.Graph() as g:
        x = pp.Select(pp.SampleIndex() >= 0, 2.5, 2.5)
        g.output("round", round(x))
        g.output("floor", math.floor(x + 0.7))
        g.output("ceil", math.ceil(x))
        with pytest.raises(TypeError, match="test_compiler.py:[0-9]+: int\\(\\) of a node is not possible"):
            int(x)
        with pytest.raises(TypeError, match="float\\(\\) of a node"):
            float(x)
        with pytest.raises(TypeError, match="round\\(node, ndigits\\)"):
            round(x, 2)
    s = pp.compile(g).run(0)
    assert (float(s["round"]), float(s["floor"]), float(s["ceil"])) == (2.0, 3.0, 3.0)  # half to even
