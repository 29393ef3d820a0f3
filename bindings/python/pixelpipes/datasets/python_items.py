"""PythonItems: a source whose items a Python function makes (the escape hatch for data that no
built-in source reads, as DALI's external_source)."""
from __future__ import annotations

import itertools
from typing import Callable, Optional, Sequence, Tuple, Union

from .. import dtypes
from ..node import NodeLike
from ..resource import Resource
from .base import Dataset, check_labels

_numbers = itertools.count()


class PythonItems(Dataset):
    """``length`` items, item ``i`` being ``function(i)``: the encoded bytes of an image (``bytes``,
    the default ``output``; decoded with ``mode`` as image.decode unless ``decode=False``) or an
    array of a fixed dtype (``output=("u8", (-1, -1, 3))``: -1 for a dimension that varies).

    The function runs on the pipeline's worker threads, through the op ``io.callback``, **with the
    GIL held**: at most one call runs at a time whatever the thread count, and Python code in your
    training loop competes with it. The per-op profile (``pipeline.profile``) shows its share. Keep
    it short (read bytes, return them) and let the compiled ops do the rest.

    Streams stay deterministic when the function is: it gets the item index, not a position, and
    is called once for each sample that needs the item (on any thread, in any order). An exception
    in the function fails that sample with a PixelpipesIOError naming the function and the item
    (``on_error`` policies apply), whose ``__cause__`` is the exception itself. A result of another
    dtype or shape than ``output`` says fails with a TypeCheckError.

    The program refers to the function by a name registered in this process: a saved program that
    uses PythonItems runs only where the same dataset object was made (pixelpipes-run and other
    processes fail its samples with a StateError).

    Fields of :meth:`load`: ``image`` (the decoded image, or the raw result with ``decode=False``),
    ``label`` (i64 scalar, with ``labels``), ``item``.
    """

    fields = {"image": "image", "label": "other", "item": "other"}

    def __init__(self, function: Callable[[int], object], length: int,
                 output: Union[str, Tuple[str, Sequence[int]]] = "bytes", decode: bool = True, mode: str = "rgb",
                 labels: Optional[Sequence[int]] = None, name: Optional[str] = None):
        super().__init__()
        from .. import callbacks
        if not callable(function):
            raise TypeError(f"function must be callable, not {type(function).__name__}")
        self.length = int(length)
        if self.length <= 0:
            raise ValueError(f"length must be > 0, not {length}")
        if output == "bytes":
            self.dtype, self.shape = "u8", [-1]
        else:
            dtype, shape = output
            self.dtype = dtypes.from_numpy(dtypes.to_numpy(dtype) if isinstance(dtype, str) else dtype)
            self.shape = [int(d) for d in shape]
            if any(d < -1 for d in self.shape):
                raise ValueError(f"output shape {tuple(shape)}: dimensions are >= 0, or -1 when they vary")
        self.bytes = output == "bytes"
        self.decode = bool(decode) and self.bytes
        self.mode = mode
        self.labels = None if labels is None else [int(v) for v in check_labels(labels, self.length)]
        qualname = getattr(function, "__qualname__", type(function).__name__)
        self.name = name or f"python:{getattr(function, '__module__', '?')}.{qualname}#{next(_numbers)}"
        self.function = function
        callbacks.register(self.name, function)

    def __len__(self) -> int:
        return self.length

    def load(self, item: NodeLike) -> Resource:
        from ..ops import image, io
        name = self.constant("name", lambda: self.name)
        value = io.Callback(name, item, dtype=self.dtype, shape=list(self.shape))
        fields = {"image": image.Decode(value, mode=self.mode) if self.decode else value}
        if self.labels is not None:
            fields["label"] = self.constant("labels", lambda: list(self.labels))[item]
        fields["item"] = item
        return Resource(fields)
