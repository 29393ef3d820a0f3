"""ArrayDataset of real size: MNIST- and CIFAR-sized arrays are tensor constants over the 16 MiB
that the program reader once refused (msgpack's container limit was applied to binary data)."""
import os

import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import datasets

from array_batches import check_batches, graph_of


@pytest.mark.parametrize("shape", [(60000, 28, 28), (50000, 32, 32, 3)], ids=["mnist", "cifar"])
def test_array_dataset_of_real_size_saves_loads_and_streams(tmp_path, shape):
    rng = np.random.default_rng(len(shape))
    images = rng.integers(0, 256, size=shape, dtype=np.uint8)
    labels = rng.integers(0, 10, size=shape[0])
    pipeline = pp.compile(graph_of(datasets.ArrayDataset(images, labels)), seed=3)
    path = str(tmp_path / "arrays.pxp")
    pp.save(pipeline, path)
    assert os.path.getsize(path) > images.nbytes  # the program carries the array
    loaded = pp.load(path)
    check_batches(loaded, images, labels, 2048)
    check_batches(loaded, images, labels, 512, start=shape[0] - 256)  # across the epoch's end
    # the same stream as the compiled pipeline
    a = next(iter(pipeline.batches(64, start=1000, threads=1)))
    b = next(iter(loaded.batches(64, start=1000, threads=1)))
    np.testing.assert_array_equal(a["item"], b["item"])
    np.testing.assert_array_equal(a["image"], b["image"])
