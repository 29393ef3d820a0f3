"""Errors name the user's file and line, at compile time and at run time."""
import pytest

import pixelpipes as pp
from pixelpipes.ops import list as plist
from pixelpipes.ops import random

from conftest import this_file_line


def test_type_error_at_compile_time_names_the_users_line():
    with pp.Graph() as g:
        names = pp.Constant(["a", "b"])
        x = random.Uniform(0.0, 1.0)
        bad = x + names; where = this_file_line()  # noqa: E702
        g.output("bad", bad)
    with pytest.raises(pp.TypeCheckError) as e:
        pp.compile(g)
    assert isinstance(e.value, TypeError)
    assert e.value.source.endswith(where)
    assert where in str(e.value)
    assert e.value.op == "math.add"


def test_run_time_error_names_sample_and_line():
    with pp.Graph() as g:
        items = pp.Constant([10, 20, 30])
        i = pp.SampleIndex()
        picked = items[i]; where = this_file_line()  # noqa: E702
        g.output("picked", picked)
    p = pp.compile(g)
    assert int(p.run(2)["picked"]) == 30
    with pytest.raises(pp.OutOfRangeError) as e:
        p.run(3)
    assert isinstance(e.value, IndexError)
    assert e.value.sample == 3
    assert e.value.source.endswith(where)
    assert "sample 3" in str(e.value) and where in str(e.value)


def test_run_many_reports_the_lowest_failing_sample():
    with pp.Graph() as g:
        g.output("x", plist.Element([1, 2, 3, 4, 5], pp.SampleIndex()))
    p = pp.compile(g)
    with pytest.raises(pp.OutOfRangeError) as e:
        p.run_many(0, 20, threads=4)
    assert e.value.sample == 5
    # the pipeline still works afterwards
    assert int(p.run(1)["x"]) == 2


def test_attribute_errors_name_the_users_line():
    with pp.Graph():
        with pytest.raises(TypeError) as e:
            where = this_file_line(1)
            random.Uniform(0, 1, shape=2.5)
        assert where in str(e.value) and "shape" in str(e.value)
        with pytest.raises(ValueError) as e:
            where = this_file_line(1)
            random.Uniform(0, 1, dtype="i8")
        assert where in str(e.value) and "f32" in str(e.value)
        with pytest.raises(TypeError) as e:
            random.Uniform(0, 1, nonsense=1)
        assert "nonsense" in str(e.value)
        with pytest.raises(TypeError):
            random.Uniform(0)  # missing input
        with pytest.raises(TypeError):
            random.Uniform(0, 1, 2)  # too many inputs


def test_attribute_range_is_checked():
    from pixelpipes.attributes import check_attribute
    from pixelpipes.registry import AttrSpec
    spec = AttrSpec("n", "int", False, 1, 0, 10)
    assert check_attribute("here", spec, 3) == 3
    with pytest.raises(ValueError, match=r"here: attribute 'n' = 11 is out of its range \[0, 10\]"):
        check_attribute("here", spec, 11)
    with pytest.raises(TypeError):
        check_attribute("here", spec, True)


def test_nodes_need_a_graph_and_have_no_truth_value():
    with pytest.raises(RuntimeError, match="inside a graph"):
        pp.SampleIndex()
    with pp.Graph():
        i = pp.SampleIndex()
        with pytest.raises(TypeError, match="truth value"):
            bool(i)
        with pytest.raises(TypeError, match="length"):
            len(i)


def test_nodes_of_another_graph_are_refused():
    with pp.Graph():
        a = pp.SampleIndex()
    with pp.Graph():
        with pytest.raises(ValueError, match="another graph"):
            a + 1


def test_graph_without_outputs():
    with pp.Graph() as g:
        pp.SampleIndex()
    with pytest.raises(ValueError, match="no outputs"):
        pp.compile(g)


def test_duplicate_output_names():
    with pp.Graph() as g:
        g.output("x", 1)
        with pytest.raises(ValueError, match="twice"):
            g.output("x", 2)


def test_control_ops_cannot_be_used_directly():
    with pp.Graph():
        with pytest.raises(TypeError, match="Conditional"):
            pp.OpNode("flow.merge", 0, 1, 2)
