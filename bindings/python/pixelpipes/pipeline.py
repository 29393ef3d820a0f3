"""Running a compiled program: ``Pipeline.run(i)``, ``Pipeline.run_many(start, count)`` and
``Pipeline.batches(batch_size)``."""
from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Dict, List, Optional, Union

from ._lib import fast_run, ffi, lib
from .arguments import integer, optional_integer, unsigned
from .atomic_file import write_atomically
from .disasm import disassemble
from .errors import check, last_error
from .program import OutputInfo, Program
from .values import complete_outputs, sample_outputs

if TYPE_CHECKING:
    from .batches import BatchIterator

PathLike = Union[str, "os.PathLike[str]"]


class Pipeline:
    """A compiled program bound to a seed. Sample ``i`` is a pure function of (program, seed, i).

    ``run(i)`` gives ``{output name: value}`` with tensors as read-only zero-copy NumPy arrays
    (0-d arrays for scalars), strings as ``str`` and lists as Python lists.
    """

    def __init__(self, program: Union[Program, bytes], seed: int = 0, threads: int = 0,
                 max_file_bytes: Optional[int] = None):
        self.program = program if isinstance(program, Program) else Program(program)
        self.seed = unsigned(seed, "seed", 64)
        self.threads = unsigned(threads, "threads", 32)
        #: largest file ``io.read_file`` reads (None: the library's default, 2**30 bytes)
        self.max_file_bytes = None if max_file_bytes is None else unsigned(max_file_bytes, "max_file_bytes", 64)
        if self.max_file_bytes == 0:  # C reads 0 as "the default": Python's spelling of that is None
            raise ValueError("max_file_bytes must be positive (None: the library's default)")
        # the C API drives a pipeline from one thread at a time; the GIL is released during calls
        self._lock = threading.Lock()
        self._names = tuple(self.program.output_names)
        # One native pipeline (and one pool of threads, started on first use). Made now, so that the
        # library checks the options here, where the user gave them.
        out = ffi.new("pxp_pipeline **")
        check(lib.pxp_pipeline_create(out, self.program.handle, self._native_options(self.threads)))
        self._native = ffi.gc(out[0], lib.pxp_pipeline_free)
        self._address = int(ffi.cast("uintptr_t", self._native))   # for fast_run (kept alive above)
        self._native_threads = self.threads

    def _native_options(self, threads: int):
        """pxp_pipeline_options for a native pipeline over this program (also used by streams):
        the library's defaults, and what this Pipeline was given."""
        options = ffi.new("pxp_pipeline_options *")
        check(lib.pxp_pipeline_options_init(options, lib.PXP_PIPELINE_OPTIONS_VERSION))
        options.seed = self.seed
        options.threads = threads
        if self.max_file_bytes is not None:
            options.max_file_bytes = self.max_file_bytes
        return options

    def _handle(self, threads: Optional[int] = None, workers: bool = True):
        """The native pipeline, with ``threads`` workers (default: the pipeline's). One per
        Pipeline: asking for another count resizes its pool instead of adding one. ``workers=False``
        (a sample computed on the calling thread) leaves the pool as it is."""
        t = self.threads if threads is None else threads
        if workers and t != self._native_threads:
            check(lib.pxp_pipeline_set_threads(self._native, t))
            self._native_threads = t
        return self._native

    # -- running -------------------------------------------------------------------------------
    def run(self, index: int) -> dict:
        """Computes sample ``index`` on the calling thread."""
        if type(index) is not int or not 0 <= index < 2 ** 64:
            index = _index(index, "index")
        with self._lock:
            # one native call runs the sample and makes its arrays (sample_arrays.c)
            outputs = fast_run(self._address, index, self._names)
            if type(outputs) is int:
                raise last_error(outputs)
        if type(outputs) is tuple:   # strings, lists or empty tensors among the outputs
            partial, owner, address = outputs
            return complete_outputs(partial, owner, ffi.cast("const pxp_sample *", address), self._names)
        return outputs

    def run_many(self, start: int, count: int, threads: Optional[int] = None) -> List[dict]:
        """Computes samples ``start .. start+count-1`` on ``threads`` worker threads (default: the
        pipeline's; 0: one per core). The results do not depend on the number of threads.

        The pipeline keeps one pool of worker threads: another ``threads`` resizes it. Ctrl-C
        (KeyboardInterrupt) stops the computation after the samples in flight."""
        start = _index(start, "start")
        count = integer(count, "count")
        threads = None if threads is None else unsigned(threads, "threads", 32)
        if count < 0:
            raise ValueError(f"count must be >= 0, not {count}")
        if start + count > 2 ** 64:
            raise ValueError("the samples run past index 2**64 - 1")
        if count == 0:
            return []
        out = ffi.new("pxp_sample *[]", count)
        with self._lock:
            handle = self._handle(threads)
            run_interruptibly(handle, lambda: lib.pxp_pipeline_run_many(out, handle, start, count))
        return [sample_outputs(ffi.gc(out[k], lib.pxp_sample_free), self._names) for k in range(count)]

    def batches(self, batch_size: int, start: int = 0, threads: Optional[int] = None,
                prefetch: Optional[int] = None, drop_last: bool = False, pad_varying: bool = False,
                rank: int = 0, world_size: int = 1, stop: Optional[int] = None, on_error: str = "raise",
                max_attempts: Optional[int] = None,
                fallback_index: Optional[int] = None, epoch_length: Optional[int] = None,
                max_batch_bytes: Optional[int] = None, profile: bool = False) -> "BatchIterator":
        """Batches of ``batch_size`` samples computed ahead on C++ worker threads.

        Returns an iterator of :class:`pixelpipes.batches.Batch` (a dict ``{name: value}`` with
        ``.number``, ``.first_position`` and ``.size``). Fixed-shape outputs are arrays with a
        leading batch dimension that view the batch's buffer without a copy (the array keeps the
        batch alive; writable, since the batch is yours); varying-shape outputs are lists of
        per-sample values, or with ``pad_varying=True`` one zero-padded array plus
        ``"<name>_lengths"`` (int64 ``[batch, ndim]``).

        Batch ``k`` holds stream positions ``start + (k * world_size + rank) * batch_size + [0,
        batch_size)``, so ranks ``0 .. world_size-1`` together make the global batches of one
        process with ``batch_size * world_size`` samples. The stream is endless unless ``stop``
        (a stream position, exclusive) is given; then a last batch shorter than ``batch_size`` is
        returned, or dropped with ``drop_last=True``. ``threads``: worker threads (default: the
        pipeline's; 0: one per core); ``prefetch``: batches computed ahead (>= 1; default: the
        library's, 2). The bits of every sample are the same for any of these settings.

        The iterator owns its native stream: ``close()``, ``del``, a ``with`` block or the end
        of iteration stop the workers at once, even while arrays of earlier batches are alive.

        Corrupt data (``on_error``): ``"raise"`` (default) raises the failing sample's error (its
        index, file, op and node); ``"skip"`` replaces the sample by another position of its
        epoch (``epoch_length`` positions; blocks of 2**32 when not given) drawn from (seed,
        position, attempt), up to ``max_attempts`` tries (1 to 1024; default: the library's,
        16); ``"fallback"`` replaces it by the sample at ``fallback_index``. Both are
        deterministic and counted: see
        :meth:`BatchIterator.stats` (``failed``, ``skipped``, ``fallbacks``, ``skipped_by_epoch``).
        ``max_batch_bytes`` limits the output memory of one batch (an ``OutOfMemoryError``).

        ``profile=True`` turns the native per-op profile on for this stream (two clock reads per
        instruction): :meth:`BatchIterator.profile` gives count and time per instruction, and the
        copies into batch buffers.
        """
        from .batches import BatchIterator
        return BatchIterator(self, batch_size, start=start, stop=stop, threads=threads, prefetch=prefetch,
                             drop_last=drop_last, pad_varying=pad_varying, rank=rank, world_size=world_size,
                             on_error=on_error, max_attempts=max_attempts, fallback_index=fallback_index,
                             epoch_length=epoch_length, max_batch_bytes=max_batch_bytes, profile=profile)

    def profile(self, samples: int, start: int = 0, threads: int = 1) -> List[dict]:
        """Where the time goes: computes samples ``start .. start+samples-1`` on ``threads``
        worker threads with the native per-op profile on, and returns one row per instruction
        computed per sample, in program order: ``{index, op, label, source, count, seconds,
        seconds_per_call}`` (``seconds``: total steady-clock time of that instruction over all
        threads; ``count``: executions, so an instruction of a branch that some samples skip
        counts fewer than ``samples``, and one no sample reached counts 0). Instructions folded
        at load are left out. The last row (``op == "(batch copy)"``) is for streams and is 0
        here: to profile a real stream, copies into batch buffers included, use
        ``batches(..., profile=True)`` and :meth:`BatchIterator.profile`.

        The samples' outputs are dropped without making Python objects, so only native time is
        measured. Profiling is off again afterwards (it costs two clock reads per instruction)."""
        from .profiling import enable, read_profile, reset
        start, samples, threads = _index(start, "start"), integer(samples, "samples"), unsigned(threads, "threads", 32)
        if samples < 1:
            raise ValueError(f"samples must be at least 1, not {samples}")
        if start + samples > 2 ** 64:
            raise ValueError("the samples run past index 2**64 - 1")
        chunk = min(samples, 256)  # samples alive at once: bounds the memory of a long profile
        out = ffi.new("pxp_sample *[]", chunk)
        with self._lock:
            handle = self._handle(threads)
            reset(handle)
            enable(handle, True)
            try:
                for first in range(start, start + samples, chunk):
                    count = min(chunk, start + samples - first)
                    run_interruptibly(handle, lambda: lib.pxp_pipeline_run_many(out, handle, first, count))
                    for k in range(count):
                        lib.pxp_sample_free(out[k])
                return read_profile(handle, self.program.description)
            finally:
                enable(handle, False)

    def __iter__(self):
        """Samples 0, 1, 2, ... forever."""
        i = 0
        while True:
            yield self.run(i)
            i += 1

    # -- description ---------------------------------------------------------------------------
    @property
    def outputs(self) -> List[OutputInfo]:
        """Names and inferred types of the outputs (dtype, shape with None for unknown sizes)."""
        return self.program.outputs

    @property
    def output_names(self) -> List[str]:
        return list(self._names)

    @property
    def metadata(self) -> dict:
        return self.program.metadata

    def instruction_count(self) -> int:
        return self.program.instruction_count()

    def disassemble(self) -> str:
        """One line per instruction: index, op, inputs, attributes, type, label, source."""
        return disassemble(self.program.description, _constant_previews(self.program.data))

    def __str__(self) -> str:
        return self.disassemble()

    def __repr__(self) -> str:
        outs = ", ".join(f"{o.name}: {o.type}" for o in self.outputs)
        return f"<pixelpipes.Pipeline seed={self.seed} instructions={self.instruction_count()} outputs=({outs})>"

    # -- files ---------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The program bytes (msgpack, see docs/program-format.md)."""
        return self.program.data

    def save(self, path: PathLike) -> None:
        """Writes the program bytes to ``path`` (runnable by ``pixelpipes.load`` or pixelpipes-run)."""
        write_atomically(path, self.program.data)

    def __getstate__(self):
        # pickled as its program bytes (for DataLoader workers and processes that spawn)
        return {"data": self.program.data, "seed": self.seed, "threads": self.threads,
                "max_file_bytes": self.max_file_bytes}

    def __setstate__(self, state):
        self.__init__(Program(state["data"]), seed=state["seed"], threads=state["threads"],
                      max_file_bytes=state.get("max_file_bytes"))

    def with_seed(self, seed: int) -> "Pipeline":
        return Pipeline(self.program, seed=seed, threads=self.threads, max_file_bytes=self.max_file_bytes)


def _constant_previews(data: bytes) -> List[str]:
    """Short texts of the program's constants, for the listing."""
    import msgpack
    import numpy as np

    from .constant_value import preview

    def value(c):
        kind = c.get("kind")
        if kind == "tensor":
            return np.frombuffer(c["data"], dtype=np.dtype(_NUMPY[c["dtype"]])).reshape(c["shape"])
        if kind == "string":
            return c["value"]
        return tuple(value(x) for x in c.get("items", []))
    try:
        program = msgpack.unpackb(data, raw=False)
        return [preview(value(c)) for c in program.get("constants", [])]
    except Exception:  # a listing must never fail because of a preview
        return []


_NUMPY = {"u8": "u1", "i8": "i1", "u16": "<u2", "i16": "<i2", "i32": "<i4", "i64": "<i8", "f32": "<f4", "f64": "<f8",
          "bool": "?"}


def _index(i, name: str) -> int:
    if type(i) is int and 0 <= i < 2 ** 64:   # the common case, without the general conversion
        return i
    i = integer(i, name)
    if not 0 <= i < 2 ** 64:
        raise ValueError(f"{name} must be a sample index in [0, 2**64), not {i}")
    return i


def run_interruptibly(handle, call) -> None:
    """Runs ``call`` (a native call on ``handle`` that may run long, such as run_many; it returns
    a status) so that Ctrl-C stops it: the call runs on a helper thread (it holds no GIL) while
    this thread waits in short, interruptible steps. On KeyboardInterrupt the native pipeline is
    interrupted (it stops after the samples in flight), the helper is waited for, and the
    interrupt raised. A failing status raises its error here (read on the helper thread: the
    library's last error is per thread).

    The wait is on an Event, not Thread.join: in CPython 3.11 a join interrupted by a signal can
    mark a thread that still runs as finished, and the pipeline would then be driven by two
    threads at once."""
    outcome = []
    done = threading.Event()

    def run():
        try:
            status = call()
            outcome.append(last_error(status) if status < 0 else None)
        except BaseException as e:  # (not expected from a native call; raised on the caller's thread)
            outcome.append(e)
        finally:
            done.set()

    threading.Thread(target=run, name="pixelpipes-run", daemon=True).start()
    try:
        while not done.wait(0.05):
            pass
    except BaseException:
        lib.pxp_pipeline_interrupt(handle, 1)
        while True:  # the samples in flight finish; a second Ctrl-C must not leave them running
            try:
                done.wait()
                break
            except KeyboardInterrupt:
                pass
        lib.pxp_pipeline_interrupt(handle, 0)
        raise
    if outcome[0] is not None:
        raise outcome[0]


def from_bytes(data: bytes, seed: int = 0, threads: int = 0, max_file_bytes: Optional[int] = None) -> Pipeline:
    return Pipeline(Program(data), seed=seed, threads=threads, max_file_bytes=max_file_bytes)
