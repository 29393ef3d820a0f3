"""Helpers of the array dataset tests: a graph of image, label and item, and a check of streamed
batches against the arrays."""
import numpy as np

import pixelpipes as pp


def check_batches(pipeline, images, labels, count, batch_size=256, start=0):
    """Streams `count` samples from `start` and checks every row against the arrays."""
    seen = 0
    for batch in pipeline.batches(batch_size, start=start, stop=start + count, threads=2):
        items = batch["item"]
        assert batch["image"].shape == (len(items),) + images.shape[1:]
        assert batch["image"].dtype == images.dtype
        np.testing.assert_array_equal(batch["image"], images[items])
        np.testing.assert_array_equal(batch["label"], labels[items])
        seen += len(items)
    assert seen == count


def graph_of(ds):
    with pp.Graph() as g:
        ds.sample().output(names=["image", "label", "item"])
    return g
