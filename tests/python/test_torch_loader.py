"""pixelpipes.torch as PyTorch users use it: the Loader, elastic exact resume (world size, batch
size, worker count), DDP-safe batch counts, and the DataLoader traps made loud or correct."""
import os

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import pixelpipes as pp  # noqa: E402
from pixelpipes.errors import StateError  # noqa: E402
from pixelpipes.ops import random  # noqa: E402
from pixelpipes.torch import Loader, PixelpipesDataset, SampleDataset, state_after  # noqa: E402

DataLoader = torch.utils.data.DataLoader
N = 100  # epoch length


def graph():
    with pp.Graph() as g:
        g.output("index", pp.SampleIndex())
        g.output("item", pp.dataset_item(N, label="item"))
        g.output("noise", random.Uniform(0.0, 1.0, shape=[3]))
    return g


@pytest.fixture(scope="module")
def pipeline():
    return pp.compile(graph(), seed=7)


@pytest.fixture(scope="module")
def reference(pipeline):
    """{position: noise bytes} of epoch 1, from one uninterrupted single-process stream."""
    out = {}
    for b in pipeline.batches(10, start=N, stop=2 * N):
        for i, noise in zip(b["index"].tolist(), b["noise"]):
            out[i] = noise.tobytes()
    return out


def seen(batches):
    """[(position, noise bytes)] of the real (not padded) samples of the batches."""
    out = []
    for b in batches:
        real = b["index"].shape[0] - (b.padded or 0)
        out += [(int(i), n.numpy().tobytes()) for i, n in zip(b["index"][:real], b["noise"][:real])]
    return out


def lockstep(loaders, steps=None):
    """Iterates the ranks' loaders together (as DDP ranks step), ``steps`` batches or until every
    rank is done (with last_batch="partial" some ranks end one batch earlier)."""
    its = [iter(x) for x in loaders]
    out = [[] for _ in loaders]
    live = set(range(len(its)))
    k = 0
    while live and (steps is None or k < steps):
        for r in sorted(live):
            try:
                out[r].append(next(its[r]))
            except StopIteration:
                live.discard(r)
        k += 1
    return out


def assert_epoch_exactly_once(samples, reference):
    positions = [p for p, _ in samples]
    assert sorted(positions) == sorted(reference), "every position of the epoch exactly once"
    assert all(reference[p] == noise for p, noise in samples), "the same bits as the uninterrupted stream"


# -- elastic resume ------------------------------------------------------------------------------------
@pytest.mark.parametrize("before,after", [((2, 8), (1, 8)), ((2, 8), (4, 8)), ((2, 8), (3, 8)),
                                          ((1, 16), (1, 32)), ((1, 32), (1, 16)), ((2, 6), (3, 7))])
@pytest.mark.parametrize("last_batch", ["pad", "partial"])
def test_resume_with_another_world_or_batch_size_sees_the_epoch_exactly_once(pipeline, reference, before, after,
                                                                            last_batch):
    (w0, b0), (w1, b1) = before, after
    first = [Loader(pipeline, b0, N, epoch=1, rank=r, world_size=w0, last_batch=last_batch) for r in range(w0)]
    head = lockstep(first, steps=3)
    states = [x.state_dict() for x in first]
    assert all(s == states[0] for s in states)  # every rank agrees on the state
    assert len(Loader(pipeline, b0, N).state_bytes()) < 120
    second = [Loader(pipeline, b1, N, rank=r, world_size=w1, last_batch=last_batch) for r in range(w1)]
    for x in second:
        x.load_state_dict(states[0])
    tail = lockstep(second)
    assert_epoch_exactly_once(seen(sum(head, []) + sum(tail, [])), reference)
    assert all(x.epoch == 2 for x in second)


@pytest.mark.parametrize("workers_before,workers_after", [(0, 2), (2, 0), (2, 3)])
def test_dataset_resumes_exactly_across_worker_counts(pipeline, reference, workers_before, workers_after):
    ds = PixelpipesDataset(pipeline, 8, epoch_length=N, epoch=1)
    head = []
    for b in DataLoader(ds, batch_size=None, num_workers=workers_before):
        head.append(b)
        if len(head) == 5:
            break
    state = state_after(head[-1])  # the state travels with the batch, also from worker processes
    if workers_before == 0:
        assert ds.state_dict() == state
    again = PixelpipesDataset(pipeline, 8, epoch_length=N)
    again.load_state_dict(state)
    tail = list(DataLoader(again, batch_size=None, num_workers=workers_after))
    assert_epoch_exactly_once(seen(head + tail), reference)
    firsts = [int(b["index"][0]) for b in head + tail]
    assert firsts == sorted(firsts), "batches in order"


# -- the main process's state under workers ---------------------------------------------------------
def test_the_main_process_state_refuses_to_be_stale_under_workers(pipeline):
    ds = PixelpipesDataset(pipeline, 8, epoch_length=N)
    it = iter(DataLoader(ds, batch_size=None, num_workers=2))
    got = [next(it) for _ in range(6)]
    with pytest.raises(StateError, match="state_after"):
        ds.state_dict()
    assert state_after(got[-1])["offset"] == 48
    del it


def test_set_epoch_reaches_persistent_workers(pipeline):
    ds = PixelpipesDataset(pipeline, 25, epoch_length=N)
    loader = DataLoader(ds, batch_size=None, num_workers=2, persistent_workers=True)
    epochs = []
    for e in [0, 1, 1, 5]:
        ds.set_epoch(e)
        batches = list(loader)
        epochs.append({b.epoch for b in batches})
        assert sorted(np.concatenate([b["index"].numpy() for b in batches]).tolist()) == list(range(e * N, (e + 1) * N))
    assert epochs == [{0}, {1}, {1}, {5}]


# -- DDP: the same number of batches on every rank ---------------------------------------------------
@pytest.mark.parametrize("world", [2, 3, 4])
def test_every_rank_gets_the_same_number_of_batches(pipeline, world):
    for policy in ("pad", "drop"):
        counts = [len(list(Loader(pipeline, 8, N, rank=r, world_size=world, last_batch=policy))) for r in range(world)]
        assert len(set(counts)) == 1, (policy, counts)
        assert counts[0] == len(Loader(pipeline, 8, N, rank=0, world_size=world, last_batch=policy))
    # the dataset's default under several ranks pads, so DDP's last step does not hang
    counts = [len(list(PixelpipesDataset(pipeline, 8, epoch_length=N, rank=r, world_size=world))) for r in range(world)]
    assert len(set(counts)) == 1
    batches = lockstep([Loader(pipeline, 8, N, rank=r, world_size=world) for r in range(world)])
    padded = sum(b.padded for rank in batches for b in rank)
    assert padded == (-N) % (8 * world)
    assert all(b["index"].shape[0] == 8 for rank in batches for b in rank)


def test_partial_and_drop_last_batches(pipeline):
    sizes = [b["index"].shape[0] for b in Loader(pipeline, 32, N, last_batch="partial")]
    assert sizes == [32, 32, 32, 4]
    assert [b["index"].shape[0] for b in Loader(pipeline, 32, N, last_batch="drop")] == [32, 32, 32]
    padded = list(Loader(pipeline, 32, N))  # "pad": the last batch repeats the epoch's first positions
    assert padded[-1].padded == 28 and padded[-1]["index"][4:].tolist() == list(range(28))


# -- DataLoader habits -----------------------------------------------------------------------------------
def test_dataloader_with_a_batch_size_fails_at_the_first_batch_saying_what_to_do(pipeline):
    ds = PixelpipesDataset(pipeline, 8, epoch_length=N)
    with pytest.raises(TypeError, match="batch_size=None"):
        next(iter(DataLoader(ds, batch_size=16)))


def test_on_error_skip_inside_a_dataloader_epoch(tmp_path):
    import cv2
    from pixelpipes import datasets
    for c in ("a", "b"):
        (tmp_path / c).mkdir()
        for k in range(6):
            cv2.imwrite(str(tmp_path / c / f"{k}.png"), np.full((8, 8, 3), k, np.uint8))
    (tmp_path / "a" / "3.png").write_bytes(b"corrupt")
    ds = datasets.ImageFolder(str(tmp_path))
    with pp.Graph() as g:
        r = ds.sample()
        g.output("image", r.image)
        g.output("label", r.label)
    p = pp.compile(g, seed=1)
    tds = PixelpipesDataset(p, 4, epoch_length=len(ds), on_error="skip")
    batches = list(DataLoader(tds, batch_size=None))
    assert sum(b["label"].shape[0] for b in batches) == len(ds)
    assert tds.stats()["skipped"] == 1
    loader = Loader(p, 4, len(ds), on_error="skip")
    assert sum(b["label"].shape[0] for b in loader) == 12 and loader.stats()["skipped"] == 1


def test_map_style_access_for_custom_samplers(pipeline):
    ds = SampleDataset(pipeline, length=N)
    assert ds[5]["index"].item() == 5 and ds[-1]["index"].item() == N - 1
    with pytest.raises(IndexError):
        ds[N]
    want = pipeline.run(17)["noise"].tobytes()
    assert ds[17]["noise"].numpy().tobytes() == want
    order = [17, 3, 4, 5, 90]
    loader = DataLoader(ds, batch_size=5, sampler=order)
    batch = next(iter(loader))
    assert batch["index"].tolist() == order
    assert batch["noise"][0].numpy().tobytes() == want


def test_devices_without_cuda_are_a_clear_error(pipeline):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        Loader(pipeline, 8, N, device="cuda")
    with pytest.raises(RuntimeError, match="pin_memory=True needs CUDA"):
        Loader(pipeline, 8, N, pin_memory=True)
    assert next(iter(Loader(pipeline, 8, N, device="cpu")))["index"].device.type == "cpu"


def test_state_is_exact_after_every_batch_and_survives_json(pipeline):
    import json
    loader = Loader(pipeline, 8, N, epoch=2)
    it = iter(loader)
    for k in range(1, 5):
        b = next(it)
        assert loader.state_dict() == state_after(b) == json.loads(json.dumps(loader.state_dict()))
        assert loader.state_dict()["offset"] == 8 * k
    assert len(loader.state_bytes()) < 120
    bad = dict(loader.state_dict(), epoch_length=N + 1)
    with pytest.raises(ValueError, match="cannot resume exactly"):
        Loader(pipeline, 8, N).load_state_dict(bad)


def test_the_ddp_example_resumes_a_killed_run_on_1_and_3_processes():
    import subprocess
    import sys
    example = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "ddp_resume.py")
    done = subprocess.run([sys.executable, example, "--epoch-length", "48", "--batch", "4", "--stop-at", "2",
                           "--resume-worlds", "1,3"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert done.stdout.count("samples seen EQUAL to the uninterrupted run's") == 2, done.stdout
    assert "killed at step 2" in done.stdout


def test_a_failing_batch_raises_and_the_next_pass_continues_after_it(pipeline):
    from pixelpipes.ops import list as plist
    with pp.Graph() as g:
        i = pp.SampleIndex()
        g.output("index", i)
        g.output("checked", plist.Element(plist.Make(i), (i == 21) * 5))  # sample 21 fails
    p = pp.compile(g)
    loader = Loader(p, 8, 40)
    got = []
    with pytest.raises(pp.OutOfRangeError) as e:
        for b in loader:
            got.append(b["index"].tolist())
    assert e.value.sample == 21 and got == [list(range(8)), list(range(8, 16))]
    assert loader.state_dict()["offset"] == 24
    assert [b["index"].tolist()[0] for b in loader] == [24, 32]


def test_an_epoch_with_nothing_left_moves_on_to_the_next(pipeline):
    loader = Loader(pipeline, 32, N, last_batch="drop")
    loader.load_state_dict(dict(loader.state_dict(), offset=96))  # 4 positions left: no whole batch
    assert len(loader) == 0 and list(loader) == [] and loader.epoch == 1
    assert [b["index"].shape[0] for b in loader] == [32, 32, 32] and loader.epoch == 2
