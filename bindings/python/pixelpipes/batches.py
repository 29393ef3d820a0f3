"""Streams of batches: ``Pipeline.batches(...)`` and the iterator behind it.

The native pipeline computes batches on its own C++ worker threads, ``prefetch`` batches
ahead, and writes every fixed-shape output of a batch straight into one contiguous buffer with a
leading batch dimension. The arrays made here are zero-copy views of those buffers; each keeps
its native batch alive (through ``array.base``), and the buffers go back to the stream's pool
only when the last view is gone.

Batch ``k`` of rank ``r`` holds the stream positions ``start + (k * world_size + r) *
batch_size + [0, batch_size)``: together, the ranks' batch ``k`` is global batch ``k`` of one
process with ``batch_size * world_size`` samples. Sample ``i`` is the same bits whatever the
threads, prefetch, start or rank split.
"""
from __future__ import annotations

import threading
from typing import Callable, Dict, List, Optional

import numpy as np

from ._lib import ffi, lib
from .arguments import unsigned
from .errors import PixelpipesError, check
from .values import TensorMemory, tensor_to_numpy, to_python

_MAX_POSITION = 2 ** 64


class Batch(dict):
    """``{output name: value}`` of one batch, plus where it lies in the stream.

    Fixed-shape outputs are arrays with a leading batch dimension (writable views of the batch's
    own buffer: the batch belongs to you); varying-shape outputs are lists with one value per
    sample (read-only arrays), or, with ``pad_varying``, a zero-padded array plus
    ``"<name>_lengths"`` (int64 ``[size, ndim]``: each sample's shape).
    """

    __slots__ = ("number", "first_position", "size")

    def __repr__(self) -> str:
        items = ", ".join(f"{k}: {_describe(v)}" for k, v in self.items())
        return f"<pixelpipes.Batch {self.number} positions [{self.first_position}, " \
               f"{self.first_position + self.size}) {{{items}}}>"


def _describe(v) -> str:
    if isinstance(v, np.ndarray):
        return f"{v.dtype}{list(v.shape)}"
    if isinstance(v, list):
        return f"list[{len(v)}]"
    return type(v).__name__


class BatchIterator:
    """Iterator of :class:`Batch` es over a native stream that it owns.

    ``close()`` (also on ``del``, at the end of a ``with`` block, or when iteration ends) stops
    the stream at once: work not started is dropped, samples in flight finish. Batches already
    returned stay valid. An error in a sample is raised by ``next()`` with the sample index, op,
    node and source line; the stream then moves past that batch, so iteration may go on.
    """

    def __init__(self, pipeline, batch_size: int, start: int = 0, stop: Optional[int] = None,
                 threads: Optional[int] = None, prefetch: Optional[int] = None, drop_last: bool = False,
                 pad_varying: bool = False, rank: int = 0, world_size: int = 1,
                 convert: Optional[Callable[[Batch], object]] = None, on_error: str = "raise",
                 max_attempts: Optional[int] = None, fallback_index: Optional[int] = None,
                 epoch_length: Optional[int] = None, max_batch_bytes: Optional[int] = None,
                 profile: bool = False):
        # Only what Python spells differently from C is checked here (an int that must fit its
        # field, None for "not given"); the library checks every range and fills every default.
        options = pipeline._native_options(pipeline.threads if threads is None else unsigned(threads, "threads", 32))
        for key, value in _error_policy(on_error, max_attempts, fallback_index, epoch_length, max_batch_bytes).items():
            setattr(options, key, value)
        stream = ffi.new("pxp_stream_options *")
        check(lib.pxp_stream_options_init(stream, lib.PXP_STREAM_OPTIONS_VERSION))
        stream.batch_size = unsigned(batch_size, "batch_size", 32)
        stream.start = unsigned(start, "start", 64)
        if prefetch is not None:
            stream.prefetch = unsigned(prefetch, "prefetch", 32)
        stream.rank, stream.world_size = unsigned(rank, "rank", 32), unsigned(world_size, "world_size", 32)
        stream.pad_varying = 1 if pad_varying else 0
        stream.drop_last = 1 if drop_last else 0
        if stop is not None:
            stop = unsigned(stop, "stop", 65)
            if stop > _MAX_POSITION:
                raise ValueError(f"stop must be in [0, 2**64], not {stop}")
            if stop < _MAX_POSITION:  # a stream without a stop ends at 2**64
                stream.has_stop, stream.stop = 1, stop

        self.batch_size = stream.batch_size
        self.start = stream.start
        self.stop = stop
        self.rank = stream.rank
        self.world_size = stream.world_size
        self.prefetch = stream.prefetch
        self.pad_varying = bool(pad_varying)
        self.threads = options.threads
        self._convert = convert
        self._names = pipeline.output_names
        self._stacked = [_fixed(o) for o in pipeline.outputs]
        self._templates: List[Optional[dict]] = [None] * len(self._names)
        self._yielded = 0
        self._lock = threading.Lock()
        self._closed = False
        self._handle = None
        self.on_error = on_error
        self._final_stats: Optional[Dict] = None
        self._program = pipeline.program  # its description names the profile's rows
        self._profiling = bool(profile)
        self._final_profile: Optional[List[Dict]] = None
        # out-parameters, allocated once
        self._value = ffi.new("const pxp_value **")
        self._kind = ffi.new("int32_t *")
        self._view = ffi.new("pxp_tensor_view *")
        self._info = ffi.new("pxp_batch_info *")

        out = ffi.new("pxp_pipeline **")
        check(lib.pxp_pipeline_create(out, pipeline.program.handle, options))
        self._handle = ffi.gc(out[0], lib.pxp_pipeline_free)
        if profile:
            from .profiling import enable
            enable(self._handle, True)  # before the stream starts computing ahead
        check(lib.pxp_pipeline_start(self._handle, stream))
        total = ffi.new("uint64_t *")
        check(lib.pxp_pipeline_stream_batch_count(total, self._handle))
        self._total = int(total[0])  # batches of this rank's stream (2**64 - 1: it ends only at 2**64)
        if self._total == 0:
            self._close()

    @property
    def position(self) -> int:
        """Stream position of the first sample of the next global batch: where a new stream
        (``start=``) continues exactly after the batches returned so far."""
        return self.start + self._yielded * self.world_size * self.batch_size

    @property
    def batches_yielded(self) -> int:
        return self._yielded

    def __len__(self) -> int:
        """Batches left (TypeError for an endless stream)."""
        if self.stop is None:
            raise TypeError("an endless stream has no length (give stop=)")
        return max(self._total - self._yielded, 0)

    def stats(self) -> Dict[str, object]:
        """``buffers_allocated`` and ``buffers_reused`` of the current native stream (in steady
        state only the second grows), and the failing samples of the batches returned so far
        (kept after the iterator closes): ``failed``, ``skipped``, ``fallbacks``,
        ``failed_attempts`` (replacements that failed too) and ``skipped_by_epoch`` (``{epoch:
        samples replaced}``; all in epoch 0 without ``epoch_length``)."""
        if self._handle is None:
            if self._final_stats is not None:
                return dict(self._final_stats, buffers_allocated=0, buffers_reused=0)
            return {"buffers_allocated": 0, "buffers_reused": 0, "failed": 0, "skipped": 0, "fallbacks": 0,
                    "failed_attempts": 0, "skipped_by_epoch": {}}
        s = ffi.new("pxp_pipeline_stats *")
        check(lib.pxp_pipeline_stats_get(s, self._handle))
        out = {"buffers_allocated": int(s.buffers_allocated), "buffers_reused": int(s.buffers_reused)}
        out.update(_error_stats(self._handle))
        return out

    def profile(self, reset: bool = False) -> List[Dict]:
        """The per-op profile of this stream (``batches(..., profile=True)``; else every count is
        0): rows ``{index, op, label, source, count, seconds, seconds_per_call}`` in program order
        (see :meth:`pixelpipes.Pipeline.profile`), the last one (``op == "(batch copy)"``) the
        copies of samples into batch buffers. It counts every sample computed so far, including
        those of batches computed ahead and not yet returned; after ``close()`` it is the final
        profile. ``reset=True`` starts counting again from zero after reading."""
        with self._lock:
            if self._handle is None:
                return [dict(r) for r in self._final_profile or []]
            from .profiling import read_profile, reset as reset_profile
            rows = read_profile(self._handle, self._program.description)
            if reset:
                reset_profile(self._handle)
            return rows

    def __iter__(self):
        return self

    def __next__(self):
        with self._lock:
            if self._closed:
                raise StopIteration
            try:
                batch = self._next_batch()
                if batch is None:  # the end of the stream
                    self._close()
                    raise StopIteration
            except PixelpipesError:
                self._yielded += 1  # the stream moved past the failing batch
                self._after_batch()
                raise
            except BaseException:  # KeyboardInterrupt, SystemExit: do not leave workers running
                self._close()
                raise
            self._yielded += 1
            self._after_batch()
        return batch if self._convert is None else self._convert(batch)

    def _after_batch(self):
        if self._yielded >= self._total:  # the last batch: the workers can go now
            self._close()

    def _next_batch(self) -> Optional[Batch]:
        # The out-parameter owns the batch before the call writes it: a KeyboardInterrupt raised
        # the moment the call returns (before any other line here runs) drops the holder, and with
        # it the batch, instead of leaking the batch's buffers.
        holder = ffi.gc(ffi.new("pxp_batch **"), _free_held_batch)
        status = lib.pxp_pipeline_next_batch(holder, self._handle)  # blocks, without the GIL
        if status < 0:
            check(status)
        if status == lib.PXP_END_OF_STREAM:
            return None
        # the batch pointer that views keep (as ``array.base._owner``); it keeps the holder, whose
        # finalizer frees the batch once the last of them is gone
        owner = keep = ffi.gc(holder[0], lambda _batch, _holder=holder: None)
        info = self._info
        check(lib.pxp_batch_info_get(info, owner))
        batch = Batch()
        batch.number = self._yielded
        batch.first_position = info.first_position
        batch.size = info.size
        value, view, templates = self._value, self._view, self._templates
        for i, name in enumerate(self._names):
            if lib.pxp_batch_output(value, owner, i) < 0:
                check(lib.pxp_batch_output(value, owner, i))
            v = value[0]
            if self._stacked[i]:
                # one contiguous buffer whose shape is the same for every full batch: only the data
                # pointer changes, so the interface is a copy of a template
                if lib.pxp_value_tensor(view, v) < 0:
                    check(lib.pxp_value_tensor(view, v))
                t = templates[i]
                if t is None or t["shape"][0] != view.shape[0]:
                    batch[name] = tensor_to_numpy(view, keep, writable=True)
                    templates[i] = dict(batch[name].base.__array_interface__) if batch[name].base is not None \
                        else None
                    continue
                interface = t.copy()
                interface["data"] = (int(ffi.cast("uintptr_t", view.data)), False)
                batch[name] = np.asarray(TensorMemory(interface, keep))
                continue
            check(lib.pxp_value_kind_get(self._kind, v))
            if self._kind[0] == lib.PXP_VALUE_TENSOR:  # a padded output
                check(lib.pxp_value_tensor(view, v))
                batch[name] = tensor_to_numpy(view, keep, writable=True)
                check(lib.pxp_batch_lengths(value, owner, i))
                check(lib.pxp_value_tensor(view, value[0]))
                batch[name + "_lengths"] = tensor_to_numpy(view, keep, writable=True)
            else:
                batch[name] = to_python(v, keep)  # a list of per-sample values
        return batch

    # -- shutdown ------------------------------------------------------------------------------
    def _close(self):
        self._closed = True
        h, self._handle = self._handle, None
        if h is not None:
            lib.pxp_pipeline_stop(h)
            try:
                self._final_stats = _error_stats(h)
            except PixelpipesError:  # pragma: no cover - the stats of a live handle never fail
                pass
            if self._profiling:
                from .profiling import read_profile
                try:
                    self._final_profile = read_profile(h, self._program.description)
                except PixelpipesError:  # pragma: no cover - reading a live handle's profile never fails
                    pass
            ffi.release(h)  # frees the native pipeline (joins its threads) now

    def close(self) -> None:
        """Stops the stream now; batches already returned stay valid. Idempotent."""
        with self._lock:
            self._close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            if self._handle is not None:
                self._close()
        except Exception:  # at interpreter shutdown the module may already be gone
            pass

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"next position {self.position}"
        return f"<pixelpipes.BatchIterator batch_size={self.batch_size} rank={self.rank}/{self.world_size} {state}>"


def _free_held_batch(holder) -> None:
    lib.pxp_batch_free(holder[0])  # NULL (the call failed or never wrote it) is a no-op


_ON_ERROR = {"raise": 0, "skip": 1, "fallback": 2}


def _error_policy(on_error, max_attempts, fallback_index, epoch_length, max_batch_bytes) -> Dict[str, int]:
    """The version-2 fields of pxp_pipeline_options for the corrupt-data policy and batch limit
    that the caller gave (the others keep the library's defaults). ``None`` is Python's "not
    given", so 0 is refused where C reads 0 as "none"."""
    if on_error not in _ON_ERROR:
        raise ValueError(f"on_error must be 'raise', 'skip' or 'fallback', not {on_error!r}")
    if (on_error == "fallback") != (fallback_index is not None):
        raise ValueError("fallback_index is needed with on_error='fallback', and only then")
    fields = {"on_error": _ON_ERROR[on_error]}
    if fallback_index is not None:
        fields["fallback_index"] = unsigned(fallback_index, "fallback_index", 64)
    for name, value, bits in (("max_attempts", max_attempts, 32), ("epoch_length", epoch_length, 64),
                              ("max_batch_bytes", max_batch_bytes, 64)):
        if value is not None:
            fields[name] = unsigned(value, name, bits)
            if fields[name] == 0:
                raise ValueError(f"{name} must be positive (None: not given)")
    return fields


def _error_stats(handle) -> Dict[str, object]:
    """The failing samples of a native pipeline's returned batches (pxp_pipeline_error_stats_get)."""
    e = ffi.new("pxp_error_stats *")
    e.version = lib.PXP_ERROR_STATS_VERSION
    check(lib.pxp_pipeline_error_stats_get(e, handle))
    total = ffi.new("size_t *")
    check(lib.pxp_pipeline_epoch_skips(ffi.NULL, ffi.NULL, 0, total, handle))
    n = int(total[0])
    epochs, counts = ffi.new("uint64_t[]", max(n, 1)), ffi.new("uint64_t[]", max(n, 1))
    check(lib.pxp_pipeline_epoch_skips(epochs, counts, n, total, handle))
    n = min(n, int(total[0]))
    return {"failed": int(e.failed), "skipped": int(e.skipped), "fallbacks": int(e.fallbacks),
            "failed_attempts": int(e.failed_attempts),
            "skipped_by_epoch": {int(epochs[k]): int(counts[k]) for k in range(n)}}


def _fixed(o) -> bool:
    """Whether the library stacks an output into one buffer: a tensor of a shape known at load."""
    return o.kind == "tensor" and o.dtype is not None and o.shape is not None and None not in o.shape
