"""The per-op profile: Pipeline.profile and batches(profile=True) report the library's own counts
(exactly samples x executions, an untaken branch counting nothing) and times."""
import pixelpipes as pp
from pixelpipes.ops import filter, random


def branch_graph():
    # even samples blur a 256 x 256 x 3 noise image (slow), odd ones double it
    with pp.Graph() as g:
        noise = random.Uniform(0.0, 255.0, shape=[256, 256, 3], label="noise")
        even = (pp.SampleIndex() % 2) == 0
        g.output("image", pp.Conditional(even, filter.GaussianBlur(noise, 8.0, label="blur"), noise * 2.0))
        g.output("label", random.Integer(0, 10, label="label"))
    return g


def rows_by_label(rows):
    return {r["label"]: r for r in rows if r["label"]}


def the_row(rows, op):
    matching = [r for r in rows if r["op"] == op]
    assert len(matching) == 1, (op, [r["op"] for r in rows])
    return matching[0]


def test_profile_counts_samples_times_executions():
    p = pp.compile(branch_graph(), seed=1)
    rows = p.profile(10, start=3)  # samples 3..12: 4, 6, 8, 10, 12 even
    described = p.program.description["instructions"]
    assert [r["index"] for r in rows[:-1]] == [k for k, d in enumerate(described) if not d.get("constant")]
    by_label = rows_by_label(rows)
    assert by_label["noise"]["count"] == 10
    assert by_label["label"]["count"] == 10
    assert by_label["blur"]["count"] == 5                      # only the samples that took the branch
    assert the_row(rows, "math.multiply")["count"] == 5        # the other branch
    assert the_row(rows, "core.sample_index")["count"] == 10
    assert by_label["blur"]["source"].startswith("test_profile.py:")
    assert by_label["blur"]["op"] == "filter.gaussian_blur"
    last = rows[-1]
    assert last["op"] == "(batch copy)" and last["index"] == len(described) and last["count"] == 0
    for r in rows:
        assert set(r) == {"index", "op", "label", "source", "count", "seconds", "seconds_per_call"}
        assert r["seconds"] >= 0 and (r["count"] > 0 or r["seconds"] == 0)


def test_slow_op_takes_more_time_than_a_cheap_one():
    p = pp.compile(branch_graph(), seed=1)
    # the fastest of 8 single-sample measurements of each, so that a preemption inside one timed
    # op (a shared CI machine does that) spoils one measurement, not the comparison
    fastest_blur = fastest_draw = float("inf")
    for start in range(0, 16, 2):
        by_label = rows_by_label(p.profile(1, start=start))   # even: takes the blur
        blur, draw = by_label["blur"], by_label["label"]
        assert blur["count"] == 1 and draw["count"] == 1
        assert abs(blur["seconds_per_call"] * blur["count"] - blur["seconds"]) < 1e-9
        fastest_blur, fastest_draw = min(fastest_blur, blur["seconds"]), min(fastest_draw, draw["seconds"])
    assert fastest_blur > 0
    # a large float blur against a scalar draw: orders of magnitude apart
    assert fastest_blur > 20 * fastest_draw


def test_counts_add_up_over_threads_and_each_call_starts_from_zero():
    p = pp.compile(branch_graph(), seed=1)
    one = {r["index"]: r["count"] for r in p.profile(12, threads=1)}
    three = {r["index"]: r["count"] for r in p.profile(12, threads=3)}
    assert one == three
    again = {r["index"]: r["count"] for r in p.profile(12, threads=3)}
    assert again == three                                      # not 24: reset at each call
    # the profile is off again afterwards: plain runs on that native pipeline count nothing
    p.run_many(0, 4, threads=3)
    assert {r["index"]: r["count"] for r in p.profile(12, threads=3)} == three


def test_profile_of_a_stream():
    p = pp.compile(branch_graph(), seed=1)
    with p.batches(4, stop=12, threads=2, profile=True) as it:
        batches = list(it)
    assert len(batches) == 3
    rows = it.profile()                                        # the final profile, kept after close
    by_label = rows_by_label(rows)
    copies = rows[-1]
    assert copies["op"] == "(batch copy)"
    samples = by_label["noise"]["count"]
    assert samples >= 12                                       # batches computed ahead may add some
    assert copies["count"] == samples and copies["seconds"] > 0
    assert by_label["blur"]["count"] + the_row(rows, "math.multiply")["count"] == samples

    with p.batches(4, stop=8, threads=2) as off:               # no profile asked: nothing counted
        list(off)
    assert all(r["count"] == 0 for r in off.profile())


def test_profile_reset_on_a_live_stream():
    p = pp.compile(branch_graph(), seed=1)
    it = p.batches(2, threads=1, prefetch=1, profile=True)
    for _ in range(3):
        next(it)
    before = rows_by_label(it.profile(reset=True))["noise"]["count"]
    assert before >= 6
    it.close()
    # with prefetch 1 only the one batch computed ahead (2 samples) can run after the reset
    assert rows_by_label(it.profile())["noise"]["count"] <= 2
