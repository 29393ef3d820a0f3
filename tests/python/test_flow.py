"""Conditional, Switch and Toggle: correct values, and an untaken branch never runs."""
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes.ops import list as plist
from pixelpipes.ops import random


def failing_unless_small(limit=3):
    """A node that raises (index out of range) for every sample index >= limit."""
    return plist.Element(list(range(limit)), pp.SampleIndex())


def test_conditional_picks_by_condition():
    with pp.Graph() as g:
        i = pp.SampleIndex()
        g.output("x", pp.Conditional(i % 2 == 0, i * 10, -i))
    p = pp.compile(g)
    assert [int(p.run(k)["x"]) for k in range(6)] == [0, -1, 20, -3, 40, -5]


def test_untaken_branch_does_not_run():
    with pp.Graph() as g:
        i = pp.SampleIndex()
        g.output("x", pp.Conditional(i < 3, failing_unless_small(3), i))
    p = pp.compile(g)
    assert [int(p.run(k)["x"]) for k in range(8)] == [0, 1, 2, 3, 4, 5, 6, 7]
    assert "flow.branch" in p.disassemble() and "flow.jump" in p.disassemble()


def test_taken_failing_branch_raises():
    with pp.Graph() as g:
        i = pp.SampleIndex()
        g.output("x", pp.Conditional(i < 100, failing_unless_small(3), i))
    p = pp.compile(g)
    assert int(p.run(2)["x"]) == 2
    with pytest.raises(pp.OutOfRangeError):
        p.run(5)


def test_toggle_probability_and_untaken_branch():
    with pp.Graph() as g:
        g.output("never", pp.Toggle(0.0, failing_unless_small(0), 1))
        g.output("always", pp.Toggle(1.0, 2, failing_unless_small(0)))
        g.output("half", pp.Toggle(0.5, 1, 0))
    p = pp.compile(g, seed=9)
    samples = p.run_many(0, 400, threads=2)
    assert all(int(s["never"]) == 1 and int(s["always"]) == 2 for s in samples)
    mean = np.mean([int(s["half"]) for s in samples])
    assert 0.4 < mean < 0.6


def test_switch_weights_and_values():
    with pp.Graph() as g:
        g.output("s", pp.Switch(["a", "b", "c", "d"], [1, 0, 2, 1]))
    p = pp.compile(g, seed=4)
    counts = {}
    for s in p.run_many(0, 800):
        counts[s["s"]] = counts.get(s["s"], 0) + 1
    assert "b" not in counts
    assert set(counts) == {"a", "c", "d"}
    assert counts["c"] > counts["a"] and counts["c"] > counts["d"]
    assert abs(counts["c"] / 800 - 0.5) < 0.08


def test_switch_runs_only_the_chosen_option():
    with pp.Graph() as g:
        i = pp.SampleIndex()
        options = [i * 1, i * 2, failing_unless_small(0), i * 4]
        g.output("s", pp.Switch(options, [1, 1, 0, 1]))
    p = pp.compile(g, seed=1)
    for k, s in enumerate(p.run_many(0, 100)):
        assert int(s["s"]) in (k, 2 * k, 4 * k)


def test_switch_with_weights_node():
    with pp.Graph() as g:
        w = plist.Make(0.0, 1.0)
        g.output("s", pp.Switch([10, 20], w))
    p = pp.compile(g)
    assert all(int(s["s"]) == 20 for s in p.run_many(0, 50))


def test_nested_branches_and_shared_nodes():
    with pp.Graph() as g:
        i = pp.SampleIndex()
        shared = i * 100
        inner = pp.Conditional(i % 3 == 0, shared + 1, failing_unless_small(0))
        outer = pp.Conditional(i % 2 == 0, pp.Conditional(i % 3 == 0, inner, shared + 2), shared - 1)
        g.output("x", outer)
        g.output("shared", shared)
    p = pp.compile(g)
    for k in range(12):
        expected = (k * 100 + 1 if k % 3 == 0 else k * 100 + 2) if k % 2 == 0 else k * 100 - 1
        assert int(p.run(k)["x"]) == expected


def test_node_only_in_one_branch_is_placed_inside_it():
    with pp.Graph() as g:
        i = pp.SampleIndex()
        expensive = random.Normal(0.0, 1.0, shape=[8], label="inside")
        g.output("x", pp.Conditional(i < 2, expensive, random.Uniform(0.0, 1.0, shape=[8])))
    p = pp.compile(g)
    ins = p.program.instructions
    branch = next(k for k, x in enumerate(ins) if x["op"] == "flow.branch")
    normal = next(k for k, x in enumerate(ins) if x["label"] == "inside")
    assert normal > branch and ins[normal]["skippable"]


def test_constant_condition_is_resolved_at_compile_time():
    with pp.Graph() as g:
        g.output("x", pp.Conditional(True, 1, failing_unless_small(0)))
    p = pp.compile(g)
    assert "flow.branch" not in p.disassemble()
    assert int(p.run(5)["x"]) == 1


def test_select_computes_both():
    with pp.Graph() as g:
        i = pp.SampleIndex()
        g.output("x", pp.Select(i > 1, i, -i))
    p = pp.compile(g)
    assert [int(p.run(k)["x"]) for k in range(4)] == [0, -1, 2, 3]


def test_switch_of_one_option():
    with pp.Graph() as g:
        g.output("s", pp.Switch([pp.SampleIndex() * 3], [2.0]))
    p = pp.compile(g)
    assert int(p.run(4)["s"]) == 12


def test_switch_argument_checks():
    with pp.Graph():
        with pytest.raises(ValueError):
            pp.Switch([], [])
        with pytest.raises(ValueError):
            pp.Switch([1, 2], [1.0])
        with pytest.raises(ValueError):
            pp.Switch([1, 2], [0, 0])


def test_same_node_in_both_branches_runs_before_them():
    with pp.Graph() as g:
        i = pp.SampleIndex()
        shared = random.Uniform(0.0, 1.0, label="shared")
        g.output("x", pp.Conditional(i < 2, shared + 1, shared - 1))
    p = pp.compile(g)
    ins = p.program.instructions
    branch = next(k for k, x in enumerate(ins) if x["op"] == "flow.branch")
    shared_at = next(k for k, x in enumerate(ins) if x["label"] == "shared")
    assert shared_at < branch and not ins[shared_at]["skippable"]
