"""pixelpipes.torch: an IterableDataset of zero-copy batches; DataLoader, workers, epochs, resume,
StatefulDataLoader and torch.distributed (gloo, 2 processes)."""
import json
import os
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import pixelpipes as pp  # noqa: E402
from pixelpipes.ops import random, tensor  # noqa: E402
from pixelpipes.ops import list as plist  # noqa: E402
from pixelpipes.torch import PixelpipesDataset, to_torch  # noqa: E402

DataLoader = torch.utils.data.DataLoader
DATASET = 50


def graph():
    with pp.Graph() as g:
        i = pp.SampleIndex()
        g.output("image", random.Uniform(0.0, 1.0, shape=[3, 4, 4]))
        g.output("label", random.Integer(0, 10))
        g.output("index", i)
        g.output("item", pp.dataset_item(DATASET, label="item"))
        g.output("varying", tensor.FromList(plist.Repeat(i, i % 3 + 1)))
    return g


@pytest.fixture(scope="module")
def pipeline():
    return pp.compile(graph(), seed=11)


def indices(batches):
    return [b["index"].tolist() for b in batches]


def same(a, b):
    for name in a:
        x, y = a[name], b[name]
        if isinstance(x, list):
            assert [u.tolist() for u in x] == [v.tolist() for v in y]
        else:
            assert x.dtype == y.dtype and x.shape == y.shape
            assert x.numpy().tobytes() == y.numpy().tobytes(), name


# -- tensors ----------------------------------------------------------------------------------------
def test_tensors_share_the_c_buffers_without_warnings(pipeline):
    from pixelpipes._lib import ffi, lib
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        b = next(pipeline.batches(8))
        t = to_torch(b)
    value = ffi.new("const pxp_value **")
    view = ffi.new("pxp_tensor_view *")
    assert lib.pxp_batch_output(value, b["image"].base._owner, 0) == lib.PXP_OK
    assert lib.pxp_value_tensor(view, value[0]) == lib.PXP_OK
    pointer = int(ffi.cast("uintptr_t", view.data))
    assert b["image"].ctypes.data == pointer
    assert t["image"].data_ptr() == pointer
    assert t["label"].data_ptr() == b["label"].ctypes.data
    assert t["image"].shape == (8, 3, 4, 4) and t["image"].dtype == torch.float32
    assert isinstance(t["varying"], list) and t["varying"][2].tolist() == [2, 2, 2]
    del b
    assert t["index"].tolist() == list(range(8))  # the tensor keeps the batch alive


def test_dataset_yields_tensor_batches_directly_and_through_a_dataloader(pipeline):
    ds = PixelpipesDataset(pipeline, 4, epoch_length=DATASET, pad_varying=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        direct = list(ds)
    ds.set_epoch(0)
    loaded = list(DataLoader(ds, batch_size=None, num_workers=0))
    reference = list(pipeline.batches(4, stop=DATASET, pad_varying=True))
    assert len(direct) == len(loaded) == len(reference) == len(ds) == 13
    for d, l, r in zip(direct, loaded, reference):
        assert isinstance(d["image"], torch.Tensor)
        assert d["image"].numpy().tobytes() == r["image"].tobytes()
        same(d, l)
    assert direct[-1]["index"].tolist() == [48, 49]
    assert direct[0]["varying_lengths"].tolist() == [[1], [2], [3], [1]]


def test_workers_take_disjoint_shards_in_order(pipeline):
    ds = PixelpipesDataset(pipeline, 4, epoch_length=DATASET)
    single = list(DataLoader(ds, batch_size=None, num_workers=0))
    ds.set_epoch(0)
    workers = list(DataLoader(ds, batch_size=None, num_workers=2))
    assert indices(workers) == indices(single)
    for a, b in zip(single, workers):
        same(a, b)


def test_epochs_advance_and_shuffle_differently(pipeline):
    ds = PixelpipesDataset(pipeline, 10, epoch_length=DATASET)
    orders = []
    for _ in range(3):
        orders.append(sorted(np.concatenate([b["item"].numpy() for b in ds]).tolist()))
    assert all(o == list(range(DATASET)) for o in orders)
    assert ds.epoch == 3 and ds.position == 3 * DATASET
    ds.set_epoch(1)
    first = next(iter(ds))
    assert first["index"].tolist() == list(range(DATASET, DATASET + 10))
    assert len(ds) == 5
    assert len(PixelpipesDataset(pipeline, 8, epoch_length=DATASET, drop_last=True)) == 6
    assert len(PixelpipesDataset(pipeline, 8, epoch_length=DATASET)) == 7
    with pytest.raises(TypeError):
        len(PixelpipesDataset(pipeline, 8))


# -- resume -------------------------------------------------------------------------------------------
def test_state_dict_resumes_mid_epoch_exactly(pipeline):
    ds = PixelpipesDataset(pipeline, 6, epoch_length=DATASET, epoch=2)
    uninterrupted = list(ds)
    ds = PixelpipesDataset(pipeline, 6, epoch_length=DATASET, epoch=2)
    it = iter(ds)
    first = [next(it) for _ in range(3)]
    state = ds.state_dict()
    assert json.loads(json.dumps(state)) == state
    assert state["seed"] == 11 and state["epoch"] == 2 and state["position"] == 2 * DATASET + 18
    del it
    fresh = PixelpipesDataset(pp.compile(graph(), seed=0), 6, epoch_length=DATASET)
    fresh.load_state_dict(state)  # also adopts the seed
    rest = list(fresh)
    assert indices(first + rest) == indices(uninterrupted)
    for a, b in zip(first + rest, uninterrupted):
        same(a, b)
    assert fresh.epoch == 3


def test_endless_stream_resumes_too(pipeline):
    ds = PixelpipesDataset(pipeline, 5)
    it = iter(ds)
    [next(it) for _ in range(4)]
    state = ds.state_dict()
    after = next(it)
    again = PixelpipesDataset(pipeline, 5)
    again.load_state_dict(state)
    same(next(iter(again)), after)
    assert state["position"] == 20


@pytest.mark.filterwarnings("ignore:.*set_vital.*")
@pytest.mark.parametrize("num_workers", [0, 2])
def test_stateful_dataloader_resumes_exactly(pipeline, num_workers):
    sdl = pytest.importorskip("torchdata.stateful_dataloader")

    def loader():
        ds = PixelpipesDataset(pipeline, 4, epoch_length=DATASET)
        return sdl.StatefulDataLoader(ds, batch_size=None, num_workers=num_workers)

    uninterrupted = list(loader())
    first = loader()
    it = iter(first)
    head = [next(it) for _ in range(5)]
    state = first.state_dict()
    if num_workers == 0:  # the dataset's own state is used, not a fast-forward
        assert state["dataset_state"]["position"] == 20
    else:
        workers = state["_snapshot"]["_worker_snapshots"]
        # each worker's state is where its next round of 2 global batches starts: worker 0 made
        # batches 0, 2, 4 (next round at batch 6, position 24), worker 1 made 1, 3 (next round
        # at batch 4, position 16, of which it makes batch 5)
        assert {w["dataset_state"]["position"] for w in workers.values()} == {24, 16}
    del it
    second = loader()
    second.load_state_dict(state)
    tail = list(second)
    assert indices(head + tail) == indices(uninterrupted)
    for a, b in zip(head + tail, uninterrupted):
        same(a, b)


# -- pin_memory ---------------------------------------------------------------------------------------
@pytest.mark.skipif(torch.cuda.is_available(), reason="tests the CPU-only behaviour")
def test_pin_memory_is_a_clear_no_op_without_cuda(pipeline):
    with pytest.warns(RuntimeWarning, match="CUDA is not available"):
        ds = PixelpipesDataset(pipeline, 4, pin_memory=True)
    assert ds.pin_memory is False
    assert next(iter(ds))["image"].shape == (4, 3, 4, 4)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_pin_memory_with_cuda(pipeline):
    ds = PixelpipesDataset(pipeline, 4, pin_memory=True)
    assert next(iter(ds))["image"].is_pinned()


# -- torch.distributed ------------------------------------------------------------------------------------
def _rank_main(rank, world, init_file, out_dir, program, seed, batch_size):
    import torch.distributed as dist
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    try:
        p = pp.from_bytes(program, seed=seed)
        ds = PixelpipesDataset(p, batch_size, epoch_length=DATASET, drop_last=True)
        batches = list(DataLoader(ds, batch_size=None))
        counts = torch.tensor([len(batches)])
        dist.all_reduce(counts)
        np.savez(os.path.join(out_dir, f"rank{rank}.npz"),
                 index=np.stack([b["index"].numpy() for b in batches]),
                 image=np.stack([b["image"].numpy() for b in batches]),
                 total=counts.numpy(), length=np.array([len(ds)]))
    finally:
        dist.destroy_process_group()


@pytest.mark.parametrize("world", [1, 2])
def test_distributed_ranks_together_make_the_global_batches(pipeline, tmp_path, world):
    mp = pytest.importorskip("torch.multiprocessing")
    if not torch.distributed.is_available():
        pytest.skip("torch.distributed is not available")
    batch_size = 4
    mp.spawn(_rank_main, args=(world, str(tmp_path / "store"), str(tmp_path), pipeline.to_bytes(), pipeline.seed,
                               batch_size), nprocs=world, join=True)
    parts = [np.load(tmp_path / f"rank{r}.npz") for r in range(world)]
    reference = list(pipeline.batches(batch_size * world, stop=DATASET, drop_last=True))
    steps = DATASET // (batch_size * world)
    for r, part in enumerate(parts):
        assert part["index"].shape[0] == steps == int(part["length"][0])
        assert int(part["total"][0]) == steps * world
    for k in range(steps):
        union = np.concatenate([part["index"][k] for part in parts])
        assert union.tolist() == reference[k]["index"].tolist()
        images = np.concatenate([part["image"][k] for part in parts])
        assert images.tobytes() == reference[k]["image"].tobytes()


def test_explicit_rank_and_world_size(pipeline):
    parts = [list(PixelpipesDataset(pipeline, 3, epoch_length=DATASET, rank=r, world_size=2, drop_last=True))
             for r in range(2)]
    assert len(parts[0]) == len(parts[1]) == DATASET // 6
    assert parts[0][1]["index"].tolist() == [6, 7, 8] and parts[1][1]["index"].tolist() == [9, 10, 11]
    with pytest.raises(ValueError):
        PixelpipesDataset(pipeline, 3, rank=1)
