"""NpyArrays: the rows of .npy files that the library memory-maps (io.npy_row), streamed, saved
with relative paths, and refused with clear errors when the files do not fit the program."""
import os

import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import datasets, errors

from array_batches import check_batches, graph_of


def write_npy(path, array, version=None):
    with open(path, "wb") as f:
        np.lib.format.write_array(f, array, version=version)
    return str(path)


@pytest.mark.parametrize("shape", [(60000, 28, 28), (50000, 32, 32, 3)], ids=["mnist", "cifar"])
def test_npy_arrays_map_the_files_and_stream_correct_rows(tmp_path, shape):
    rng = np.random.default_rng(7)
    images = rng.integers(0, 256, size=shape, dtype=np.uint8)
    labels = rng.integers(0, 10, size=shape[0]).astype(np.uint8)
    ds = datasets.NpyArrays(write_npy(tmp_path / "images.npy", images),
                            labels=write_npy(tmp_path / "labels.npy", labels))
    assert len(ds) == shape[0]
    pipeline = pp.compile(graph_of(ds), seed=5)
    # the program holds paths, not the arrays
    assert len(pipeline.to_bytes()) < 100_000
    out = pipeline.outputs
    assert [o.name for o in out] == ["image", "label", "item"]
    check_batches(pipeline, images, labels.astype(np.int64), 2048)
    assert pipeline.run(0)["label"].dtype == np.int64


def test_rows_of_64_kib_and_more_stream_as_views_of_the_mapping(tmp_path):
    # 75 KiB rows: io.npy_row returns views of the mapping; batches copy them into their buffers
    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, size=(40, 160, 160, 3), dtype=np.uint8)
    labels = np.arange(40)
    ds = datasets.NpyArrays(write_npy(tmp_path / "big.npy", images), labels=labels)
    pipeline = pp.compile(graph_of(ds), seed=2)
    check_batches(pipeline, images, labels, 200, batch_size=8)
    sample = pipeline.run(5)
    np.testing.assert_array_equal(sample["image"], images[sample["item"]])
    assert not sample["image"].flags.writeable  # a view of the read-only mapping stays read-only


def test_npy_arrays_save_relative_paths_and_move_with_their_folder(tmp_path):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(50, 6, 5, 3), dtype=np.uint8)
    labels = rng.integers(0, 4, size=50)
    data = tmp_path / "data"
    data.mkdir()
    ds = datasets.NpyArrays(write_npy(data / "images.npy", images), labels=labels)
    pipeline = pp.compile(graph_of(ds), seed=0)
    pp.save(pipeline, str(data / "train.pxp"))
    raw = open(data / "train.pxp", "rb").read()
    assert str(data).encode() not in raw  # stored relative to the program's folder
    os.rename(data, tmp_path / "moved")
    loaded = pp.load(str(tmp_path / "moved" / "train.pxp"))
    check_batches(loaded, images, labels, 100, batch_size=16)


def test_npy_arrays_take_extra_files_and_arrays(tmp_path):
    images = np.arange(4 * 3 * 2, dtype=np.float32).reshape(4, 3, 2)
    boxes = np.arange(16, dtype=np.int16).reshape(4, 4)
    ds = datasets.NpyArrays(write_npy(tmp_path / "x.npy", images, version=(3, 0)),
                            boxes=write_npy(tmp_path / "boxes.npy", boxes, version=(2, 0)), weight=np.arange(4.0))
    with pp.Graph() as g:
        ds.load(pp.SampleIndex() % 4).output(names=["image", "boxes", "weight"])
    p = pp.compile(g, seed=0)
    for i in range(4):
        s = p.run(i)
        np.testing.assert_array_equal(s["image"], images[i])
        np.testing.assert_array_equal(s["boxes"], boxes[i])
        assert s["boxes"].dtype == np.int16
        assert s["weight"] == float(i)


def test_npy_arrays_refuse_files_they_cannot_map(tmp_path):
    with pytest.raises(ValueError, match="Fortran order"):
        datasets.NpyArrays(write_npy(tmp_path / "f.npy", np.asfortranarray(np.zeros((2, 3, 4), np.uint8))))
    with pytest.raises(ValueError, match="big-endian"):
        datasets.NpyArrays(write_npy(tmp_path / "b.npy", np.zeros((2, 3, 4), ">u2")))
    with pytest.raises(TypeError, match="no dtype"):
        datasets.NpyArrays(write_npy(tmp_path / "c.npy", np.zeros((2, 3, 4), np.complex64)))
    with pytest.raises(ValueError, match="N x H x W"):
        datasets.NpyArrays(write_npy(tmp_path / "v.npy", np.zeros((5,), np.uint8)))
    good = write_npy(tmp_path / "g.npy", np.zeros((2, 3, 4), np.uint8))
    with pytest.raises(ValueError, match="2 integers"):
        datasets.NpyArrays(good, labels=write_npy(tmp_path / "l.npy", np.zeros(2, np.float32)))
    with pytest.raises(ValueError, match="needs 2 rows"):
        datasets.NpyArrays(good, labels=write_npy(tmp_path / "l3.npy", np.zeros(3, np.int64)))


def test_a_file_changed_after_compiling_is_a_clear_error(tmp_path):
    path = write_npy(tmp_path / "images.npy", np.zeros((10, 4, 4), np.uint8))
    p = pp.compile(graph_of_images(datasets.NpyArrays(path)), seed=0)
    p.run(0)
    # replaced (another file renamed over it), now with other rows
    write_npy(tmp_path / "next.npy", np.zeros((10, 5, 4), np.uint8))
    os.replace(tmp_path / "next.npy", path)
    with pytest.raises(errors.DecodeError, match=r"holds rows of u8 \[5, 4\], but the program was built for "
                                                 r"rows of u8 \[4, 4\]"):
        p.run(1)
    # fewer rows: an index out of range, naming the file
    write_npy(tmp_path / "next.npy", np.zeros((2, 4, 4), np.uint8))
    os.replace(tmp_path / "next.npy", path)
    with pytest.raises(errors.OutOfRangeError, match="out of range: '.*images.npy' has 2 rows"):
        for i in range(10):
            p.run(i)
    os.remove(path)
    with pytest.raises(errors.PixelpipesIOError, match="images.npy': No such file"):
        p.run(0)


def graph_of_images(ds):
    with pp.Graph() as g:
        ds.sample().output(names=["image"])
    return g
