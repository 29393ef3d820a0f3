"""Pipeline.batches: streams of batches computed on C++ threads, zero-copy, resumable, shardable."""
import _thread
import gc
import os
import pickle
import signal
import threading
import time

import numpy as np
import pytest

import pixelpipes as pp
from conftest import this_file_line
from pixelpipes._lib import ffi, lib
from pixelpipes.ops import filter as pfilter
from pixelpipes.ops import random, tensor
from pixelpipes.ops import list as plist
from process_probes import UNDER_ASAN, rss_bytes

DATASET = 37


def stream_graph():
    """Fixed-shape outputs (stacked), a varying one (listed or padded), a dataset item."""
    with pp.Graph() as g:
        i = pp.SampleIndex()
        g.output("image", random.Uniform(0.0, 1.0, shape=[5, 4, 3]))
        g.output("label", random.Integer(0, 10))
        g.output("index", i)
        g.output("varying", tensor.FromList(plist.Repeat(i, i % 3 + 1)))
        g.output("item", pp.dataset_item(DATASET, label="items"))
        g.output("epoch", pp.dataset_epoch(DATASET))
    return g


@pytest.fixture(scope="module")
def pipeline():
    return pp.compile(stream_graph(), seed=7)


def take(it, n):
    out = []
    for _ in range(n):
        out.append(next(it))
    return out


def same(a, b):
    """Bit-identical batches (arrays by bytes, lists item by item)."""
    assert set(a) == set(b)
    for name in a:
        x, y = a[name], b[name]
        if isinstance(x, list):
            assert len(x) == len(y)
            for u, v in zip(x, y):
                assert u.dtype == v.dtype and u.shape == v.shape and u.tobytes() == v.tobytes(), name
        else:
            assert x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes(), name


# -- contents ---------------------------------------------------------------------------------------
def test_batches_stack_fixed_outputs_and_list_varying_ones(pipeline):
    b = next(pipeline.batches(4))
    assert isinstance(b, pp.Batch) and isinstance(b, dict)
    assert (b.number, b.first_position, b.size) == (0, 0, 4)
    assert b["image"].shape == (4, 5, 4, 3) and b["image"].dtype == np.float32
    assert b["label"].shape == (4,) and b["index"].tolist() == [0, 1, 2, 3]
    assert isinstance(b["varying"], list) and [v.tolist() for v in b["varying"]] == [[0], [1, 1], [2, 2, 2], [3]]
    assert b["image"].flags.c_contiguous and b["image"].flags.writeable
    assert not b["varying"][0].flags.writeable  # a sample's own value: read-only, as with run()


def test_batch_rows_equal_samples_run_alone(pipeline):
    it = pipeline.batches(6, start=3)
    batches = take(it, 3)
    samples = pipeline.run_many(3, 18, threads=2)
    for k, b in enumerate(batches):
        for s in range(6):
            one = samples[k * 6 + s]
            for name in ("image", "label", "index", "item", "epoch"):
                assert b[name][s].tobytes() == one[name].tobytes(), (k, s, name)
            assert b["varying"][s].tobytes() == one["varying"].tobytes()


def test_padded_varying_outputs_with_lengths(pipeline):
    b = next(pipeline.batches(4, pad_varying=True))
    assert b["varying"].tolist() == [[0, 0, 0], [1, 1, 0], [2, 2, 2], [3, 0, 0]]
    assert b["varying_lengths"].tolist() == [[1], [2], [3], [1]]
    assert b["varying_lengths"].dtype == np.int64
    assert b["image"].shape == (4, 5, 4, 3)


# -- determinism --------------------------------------------------------------------------------------
@pytest.mark.parametrize("threads,prefetch", [(2, 1), (2, 4), (4, 1), (4, 4), (1, 4)])
def test_batches_are_identical_for_threads_and_prefetch(pipeline, threads, prefetch):
    reference = take(pipeline.batches(8, threads=1, prefetch=1), 6)
    got = take(pipeline.batches(8, threads=threads, prefetch=prefetch), 6)
    for a, b in zip(reference, got):
        same(a, b)


@pytest.mark.parametrize("k", [1, 3, 10])
def test_a_stream_started_at_batch_k_equals_batch_k(pipeline, k):
    reference = take(pipeline.batches(8, threads=2), k + 2)
    late = take(pipeline.batches(8, start=k * 8, threads=3), 2)
    same(late[0], reference[k])
    same(late[1], reference[k + 1])
    assert late[0].first_position == k * 8


def test_resume_from_position_continues_exactly(pipeline):
    reference = take(pipeline.batches(5), 9)
    it = pipeline.batches(5)
    take(it, 4)
    assert it.position == 20 and it.batches_yielded == 4
    it.close()
    resumed = take(pipeline.batches(5, start=it.position), 5)
    for a, b in zip(resumed, reference[4:]):
        same(a, b)


def test_ranks_together_make_the_global_batches(pipeline):
    world, size = 3, 4
    reference = take(pipeline.batches(size * world), 5)
    parts = [take(pipeline.batches(size, rank=r, world_size=world), 5) for r in range(world)]
    for k in range(5):
        union = np.concatenate([parts[r][k]["index"] for r in range(world)])
        assert union.tolist() == reference[k]["index"].tolist()
        stacked = np.concatenate([parts[r][k]["image"] for r in range(world)])
        assert stacked.tobytes() == reference[k]["image"].tobytes()


def test_stop_ends_the_stream_with_or_without_a_short_batch(pipeline):
    sizes = [b.size for b in pipeline.batches(4, start=2, stop=13)]
    assert sizes == [4, 4, 3]
    assert [b.size for b in pipeline.batches(4, start=2, stop=13, drop_last=True)] == [4, 4]
    it = pipeline.batches(4, start=2, stop=13)
    assert len(it) == 3
    last = list(it)[-1]
    assert last["index"].tolist() == [10, 11, 12] and last.number == 2 and last["image"].shape[0] == 3
    assert list(pipeline.batches(4, start=5, stop=5)) == []
    # ranks: drop_last drops the whole short global batch, so every rank has the same count
    counts = [len(list(pipeline.batches(3, stop=20, rank=r, world_size=2, drop_last=True))) for r in range(2)]
    assert counts == [3, 3]
    # ... also when the cut global batch holds a full batch of rank 0 ([18, 21) of [18, 24) at stop 22)
    counts = [len(list(pipeline.batches(3, stop=22, rank=r, world_size=2, drop_last=True))) for r in range(2)]
    assert counts == [3, 3]
    tail = [list(pipeline.batches(3, stop=20, rank=r, world_size=2)) for r in range(2)]
    assert [b["index"].tolist() for b in tail[0]][-1] == [18, 19]
    assert len(tail[1]) == 3


def test_streams_end_at_two_to_the_sixty_four_instead_of_wrapping():
    with pp.Graph() as g:
        g.output("index", pp.SampleIndex())
    pipeline = pp.compile(g)
    top = 2 ** 64
    with_stop = [b["index"].astype(np.uint64).tolist() for b in pipeline.batches(4, start=top - 6, stop=top)]
    assert with_stop == [[top - 6, top - 5, top - 4, top - 3], [top - 2, top - 1]]
    endless = pipeline.batches(4, start=top - 6)
    assert [b.size for b in endless] == [4, 2]  # then StopIteration: position 0 never comes back
    assert len(pipeline.batches(4, start=top - 6, stop=top)) == 2
    with pytest.raises(ValueError, match="stop"):
        pipeline.batches(4, stop=top + 1)


def test_the_library_fills_the_defaults_and_checks_the_ranges(pipeline):
    """Python sets only what the caller gave; the library's defaults and checks do the rest."""
    it = pipeline.batches(2, stop=4)
    assert it.prefetch >= 1  # the library's default, read back from pxp_stream_options_init
    with pytest.raises(pp.InvalidArgumentError, match="threads"):
        pipeline.batches(2, threads=5000)
    with pytest.raises(pp.InvalidArgumentError, match="max_attempts"):
        pipeline.batches(2, on_error="skip", max_attempts=5000)
    with pytest.raises(pp.InvalidArgumentError, match="threads"):
        pp.Pipeline(pipeline.program, threads=5000)


# -- epochs and datasets ------------------------------------------------------------------------------
def test_every_epoch_visits_each_item_once_in_its_own_order(pipeline):
    batches = list(pipeline.batches(DATASET, stop=3 * DATASET))
    orders = [b["item"].tolist() for b in batches]
    for order in orders:
        assert sorted(order) == list(range(DATASET))
    assert orders[0] != orders[1] and orders[1] != orders[2]
    assert [b["epoch"].tolist() for b in batches] == [[e] * DATASET for e in range(3)]
    assert pp.epoch_range(2, DATASET) == (2 * DATASET, 3 * DATASET)


def test_unshuffled_items_and_any_start_is_o1():
    with pp.Graph() as g:
        g.output("item", pp.dataset_item(10, shuffle=False))
        g.output("shuffled", pp.dataset_item(1000))
    p = pp.compile(g, seed=1)
    assert next(p.batches(12))["item"].tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]
    t = time.perf_counter()
    far = next(p.batches(4, start=10 ** 15))
    assert time.perf_counter() - t < 1.0
    assert far.first_position == 10 ** 15
    assert far["shuffled"].tolist() == [int(p.run(10 ** 15 + s)["shuffled"]) for s in range(4)]


def test_same_seed_same_order_other_seed_other_order(pipeline):
    again = pp.compile(stream_graph(), seed=7)
    other = pp.compile(stream_graph(), seed=8)
    first = next(pipeline.batches(DATASET))["item"].tolist()
    assert next(again.batches(DATASET))["item"].tolist() == first
    assert next(other.batches(DATASET))["item"].tolist() != first


# -- zero copy and memory -------------------------------------------------------------------------------
def _native_views(batch):
    """{output index: C data pointer} of the native batch behind a Batch's arrays."""
    owner = batch["image"].base._owner
    value = ffi.new("const pxp_value **")
    view = ffi.new("pxp_tensor_view *")
    out = {}
    for i in range(2):
        assert lib.pxp_batch_output(value, owner, i) == lib.PXP_OK
        assert lib.pxp_value_tensor(view, value[0]) == lib.PXP_OK
        out[i] = int(ffi.cast("uintptr_t", view.data))
    return out


def test_arrays_are_the_c_buffers(pipeline):
    b = next(pipeline.batches(16))
    pointers = _native_views(b)
    assert b["image"].ctypes.data == pointers[0]
    assert b["label"].ctypes.data == pointers[1]
    assert not b["image"].flags.owndata


def test_arrays_keep_their_batch_alive_after_the_stream_and_pipeline_are_gone():
    p = pp.compile(stream_graph(), seed=3)
    it = p.batches(8, prefetch=3)
    b = next(it)
    image, index = b["image"], b["index"]
    expected = image.copy()
    del b, it, p
    gc.collect()
    _ = [np.ones(10000) for _ in range(50)]
    np.testing.assert_array_equal(image, expected)
    assert index.tolist() == list(range(8))


def test_steady_state_reuses_batch_buffers(pipeline):
    it = pipeline.batches(16, prefetch=3, threads=2)
    for _ in range(30):
        next(it)
    allocated = it.stats()["buffers_allocated"]
    reused = it.stats()["buffers_reused"]
    assert allocated > 0
    for _ in range(200):
        next(it)
    stats = it.stats()
    assert stats["buffers_allocated"] == allocated
    assert stats["buffers_reused"] >= reused + 200


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc")
@pytest.mark.skipif(UNDER_ASAN, reason="ASan's quarantine holds freed memory: RSS is checked in make test")
def test_rss_is_flat_over_2000_batches():
    with pp.Graph() as g:
        g.output("image", random.Uniform(0.0, 1.0, shape=[16, 16, 3]))
        g.output("label", random.Integer(0, 10))
    p = pp.compile(g, seed=1)
    it = p.batches(64, prefetch=4)
    for _ in range(200):
        b = next(it)
        b["image"].sum()
    gc.collect()
    before = rss_bytes()
    for _ in range(2000):
        b = next(it)
        b["image"].sum()
    gc.collect()
    after = rss_bytes()
    assert after <= before * 1.10, (before, after)


# -- shutdown -----------------------------------------------------------------------------------------
def slow_graph():
    with pp.Graph() as g:
        img = random.Uniform(0.0, 1.0, shape=[128, 128, 3])
        g.output("image", pfilter.GaussianBlur(img, 2.0, kernel_size=7))
    return pp.compile(g, seed=1)


def test_dropping_an_iterator_mid_stream_is_prompt_while_a_batch_is_alive():
    p = slow_graph()
    for _ in range(3):
        it = p.batches(64, prefetch=8, threads=2)
        kept = next(it)["image"]
        t = time.perf_counter()
        del it
        assert time.perf_counter() - t < 1.0
        assert kept.shape == (64, 128, 128, 3) and np.isfinite(kept).all()


def test_close_and_with_block_stop_the_stream():
    p = slow_graph()
    with p.batches(32, prefetch=4) as it:
        first = next(it)
    with pytest.raises(StopIteration):
        next(it)
    assert first.size == 32
    it = p.batches(8)
    next(it)
    it.close()
    it.close()
    assert list(it) == []


def test_keyboard_interrupt_while_waiting_stops_the_stream():
    # A process started in the background by a non-interactive shell (`cmd &`, as CI runners and
    # nohup do) inherits SIGINT ignored, and then Python installs no KeyboardInterrupt handler and
    # _thread.interrupt_main() does nothing: the loop below would run for hours. Ctrl-C as a user
    # at a terminal has it, so the test installs Python's own handler for its duration.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        p = slow_graph()
        it = p.batches(64, prefetch=8, threads=1)
        timer = threading.Timer(0.05, _thread.interrupt_main)
        t = time.perf_counter()
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            for _ in range(10 ** 6):
                next(it)
        timer.join()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert time.perf_counter() - t < 5.0
    with pytest.raises(StopIteration):  # the interrupt closed the stream (no workers left behind)
        next(it)


def test_many_streams_open_and_close_without_leaking_threads(pipeline):
    before = threading.active_count()
    for _ in range(20):
        it = pipeline.batches(4, threads=3)
        next(it)
    del it
    gc.collect()
    assert threading.active_count() == before  # native threads are not Python threads, but no helper leaks
    # two independent streams of one pipeline at once
    a, b = pipeline.batches(4), pipeline.batches(4, start=4)
    same(next(a), take(pipeline.batches(4), 1)[0])
    assert next(b)["index"].tolist() == [4, 5, 6, 7]


# -- errors ------------------------------------------------------------------------------------------
def test_an_error_names_the_sample_and_line_and_the_stream_goes_on():
    with pp.Graph() as g:
        i = pp.SampleIndex()
        items = pp.Constant([10, 20])
        picked = items[pp.Select(i == 13, 5, 0)]; where = this_file_line()  # noqa: E702
        g.output("picked", picked)
        g.output("index", i)
    p = pp.compile(g)
    it = p.batches(4, threads=4)
    take(it, 3)
    with pytest.raises(pp.OutOfRangeError) as e:
        next(it)
    assert e.value.sample == 13
    assert e.value.source.endswith(where)
    assert "sample 13" in str(e.value) and where in str(e.value)
    assert next(it)["index"].tolist() == [16, 17, 18, 19]


def test_arguments_are_checked(pipeline):
    with pytest.raises(ValueError):
        pipeline.batches(0)
    with pytest.raises(ValueError):
        pipeline.batches(4, prefetch=0)
    with pytest.raises(ValueError):
        pipeline.batches(4, rank=2, world_size=2)
    with pytest.raises(ValueError):
        pipeline.batches(4, start=10, stop=5)
    with pytest.raises(ValueError):
        pipeline.batches(4, threads=-1)


def test_pipelines_pickle_as_their_program(pipeline):
    q = pickle.loads(pickle.dumps(pipeline))
    assert q.seed == pipeline.seed
    same(next(q.batches(4, start=8)), next(pipeline.batches(4, start=8)))


def test_importing_pixelpipes_does_not_import_torch():
    import subprocess
    import sys
    code = "import sys, pixelpipes; sys.exit(1 if 'torch' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
