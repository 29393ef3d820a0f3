"""Epochs over a dataset, inside the program.

A stream is an endless sequence of positions (the sample index). With a dataset of ``size``
items, epoch ``e`` is positions ``[e * size, (e + 1) * size)``, and ``dataset_item(size)`` maps
a position to the item it shows: every epoch visits each item once, in an order that is a
permutation chosen by (pipeline seed, node, epoch) and evaluated in O(1) for any position. So a
stream starts or resumes at any position at no cost: ``(seed, position)`` is the whole state.

    with pp.Graph() as g:
        item = pp.dataset_item(len(files))          # i64 scalar in [0, len(files))
        g.output("image", image.Decode(io.ReadFile(pp.Constant(files)[item])))
        g.output("epoch", pp.dataset_epoch(len(files)))
    p = pp.compile(g, seed=1)
    start, stop = pp.epoch_range(3, len(files))    # the positions of epoch 3
    for batch in p.batches(64, start=start, stop=stop, drop_last=True): ...
"""
from __future__ import annotations

from typing import Optional, Tuple

from .node import Node, NodeLike


def dataset_item(size: NodeLike, shuffle: bool = True, position: Optional[NodeLike] = None,
                 label: Optional[str] = None) -> Node:
    """The dataset item (an i64 scalar in ``[0, size)``) at a stream position (default: the
    sample index). With ``shuffle`` each epoch has its own order, chosen by (seed, node, epoch);
    without, items come in order, epoch after epoch. Give ``label`` to keep the order when the
    code around it changes (the order is otherwise tied to the line that calls this)."""
    from .ops import core, dataset
    return dataset.Item(core.SampleIndex() if position is None else position, size, shuffle=bool(shuffle),
                        label=label)


def dataset_epoch(size: NodeLike, position: Optional[NodeLike] = None, label: Optional[str] = None) -> Node:
    """The epoch (an i64 scalar, ``position // size``) of a stream position (default: the sample
    index)."""
    from .ops import core, dataset
    return dataset.Epoch(core.SampleIndex() if position is None else position, size, label=label)


def epoch_range(epoch: int, size: int) -> Tuple[int, int]:
    """The stream positions ``(start, stop)`` of epoch ``epoch`` of a dataset of ``size`` items."""
    epoch, size = int(epoch), int(size)
    if epoch < 0 or size <= 0:
        raise ValueError(f"epoch must be >= 0 and size > 0, got epoch {epoch} and size {size}")
    return epoch * size, (epoch + 1) * size
