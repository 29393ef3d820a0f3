"""PythonItems: a user's Python function as a source (io.callback over pixelpipes/callback.h), called
from the worker threads with the GIL, deterministic, and failing samples cleanly."""
import subprocess
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import datasets
from pixelpipes.errors import PixelpipesIOError, StateError, TypeCheckError

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = sorted((ROOT / "examples" / "data" / "photos").glob("*.jpg"))


def photo_bytes(i):
    return PHOTOS[i % len(PHOTOS)].read_bytes()


def pipeline_of(ds, seed=0):
    from pixelpipes import augment
    with pp.Graph() as g:
        r = ds.sample(label="items")
        r = augment.RandomResizedCrop(r, 48, label="crop")
        r.output(names=["image", "label", "item"])
    return pp.compile(g, seed=seed)


def test_items_of_a_function_decode_and_stream_the_same_on_any_thread_count():
    threads_seen = set()

    def read(i):
        threads_seen.add(threading.get_ident())
        return photo_bytes(i)
    ds = datasets.PythonItems(read, 24, labels=[k % 3 for k in range(24)])
    pipeline = pipeline_of(ds, seed=7)
    one = np.concatenate([b["image"] for b in pipeline.batches(8, stop=48, threads=1)])
    two = np.concatenate([b["image"] for b in pipeline.batches(5, stop=48, threads=2)])
    assert np.array_equal(one, two)
    assert len(threads_seen) >= 2   # called from the library's worker threads
    with pp.Graph() as g:
        g.output("image", ds.load(3)["image"])
    expected = cv2.cvtColor(cv2.imread(str(PHOTOS[3])), cv2.COLOR_BGR2RGB)
    assert np.array_equal(pp.compile(g).run(0)["image"], expected)


def test_array_items_with_varying_dimensions():
    ds = datasets.PythonItems(lambda i: np.full((2, i + 1), i, np.int16), 5, output=("i16", (2, -1)), decode=False)
    with pp.Graph() as g:
        g.output("x", ds.load(pp.SampleIndex())["image"])
    pipeline = pp.compile(g)
    for i in range(5):
        assert np.array_equal(pipeline.run(i)["x"], np.full((2, i + 1), i, np.int16))


def test_an_exception_fails_the_sample_with_the_exception_as_cause():
    def flaky(i):
        if i == 4:
            raise KeyError("item 4 is missing")
        return photo_bytes(i)
    ds = datasets.PythonItems(flaky, 6)
    with pp.Graph() as g:
        g.output("image", ds.load(pp.SampleIndex())["image"])
    pipeline = pp.compile(g)
    with pytest.raises(PixelpipesIOError, match="for item 4 failed: KeyError") as e:
        pipeline.run(4)
    assert isinstance(e.value.__cause__, KeyError) and e.value.op == "io.callback" and e.value.sample == 4
    with pytest.raises(PixelpipesIOError) as e:
        list(pipeline.batches(3, stop=6, threads=2))
    assert isinstance(e.value.__cause__, KeyError)
    skipped = list(pp.compile(g).batches(3, stop=6, on_error="skip", epoch_length=6))
    assert sum(len(b["image"]) for b in skipped) == 6


def test_a_result_of_the_wrong_type_is_a_type_error():
    ds = datasets.PythonItems(lambda i: np.zeros(3, np.float64), 2, output=("f32", (3,)), decode=False)
    with pp.Graph() as g:
        g.output("x", ds.load(0)["image"])
    with pytest.raises(TypeCheckError, match="returned f64"):
        pp.compile(g).run(0)
    with pytest.raises(TypeError):
        datasets.PythonItems("not callable", 3)
    with pytest.raises(ValueError):
        datasets.PythonItems(photo_bytes, 0)


def test_a_saved_program_runs_only_where_its_function_is_registered(tmp_path):
    ds = datasets.PythonItems(photo_bytes, 6, name="test:photo-bytes")
    with pp.Graph() as g:
        g.output("image", ds.load(pp.SampleIndex())["image"])
    pipeline = pp.compile(g)
    path = tmp_path / "program.pxp"
    pp.save(pipeline, path)
    assert pp.load(path).run(2)["image"].shape == pipeline.run(2)["image"].shape   # same process: registered
    tool = ROOT / "build" / "release" / "pixelpipes-run"
    result = subprocess.run([str(tool), str(path), "-n", "0", "--samples", "0", "--save-npy", str(tmp_path / "npy")], capture_output=True, text=True)
    assert result.returncode != 0 and "no callback named 'test:photo-bytes' is registered" in result.stderr
    from pixelpipes import callbacks
    callbacks.unregister("test:photo-bytes")
    with pytest.raises(StateError, match="no callback named"):
        pipeline.run(0)


def test_the_profile_shows_the_share_of_the_python_function():
    import time

    def slow(i):
        time.sleep(0.002)   # 2 ms per item
        return photo_bytes(i)
    ds = datasets.PythonItems(slow, 6)
    with pp.Graph() as g:
        g.output("image", pp.ops.image.Resize(ds.load(pp.SampleIndex() % 6)["image"], 16, 16))
    rows = pp.compile(g).profile(12, threads=2)
    callback = [r for r in rows if r["op"] == "io.callback"]
    assert len(callback) == 1 and callback[0]["count"] == 12
    assert callback[0]["seconds"] >= 12 * 0.002
