#!/usr/bin/env python3
"""Structural program fuzzer: valid programs, mutated field by field, loaded and run in isolation.

    .venv/bin/python tests/fuzz/structural_fuzz.py [--mutants 20000] [--seconds S] [--seed 0]
    .venv/bin/python tests/fuzz/structural_fuzz.py --replay build/fuzz/structural/findings/crash/<sha1>.pxpp

(`make fuzz-structural`, `make fuzz-structural-asan`; docs/reliability.md, "Fuzzing".)

Seeds: the valid golden programs (tests/programs/valid), one program per registered op (the cases
of tests/python/op_cases.py, compiled with and without optimization) and the examples' graphs
(examples/*.py `build()`), compiled at start by a subprocess that also reads the op registry.

Mutants: mutant i is seed i mod (number of seeds) with 1..4 mutations from
tests/fuzz/program_mutator.py (attribute values, ops swapped for others of the same arity, input slots, dtype and shape
attributes, jump targets, constants, outputs, new instructions, version, metadata), drawn from
random.Random(f"{--seed}:{i}"): the same seed and index give the same bytes on any machine.

Each mutant goes to one of --workers persistent worker processes (this file with --worker), which
loads it (pixelpipes.Program) and, if it loads, runs samples 0, 1, 2**63-1 and 2**64-1, run_many
at both ends of the index range, and two batches of each batches() mode: on_error "raise",
"skip" (epoch_length) and "fallback" (fallback_index), each with pad_varying off and on. The
worker answers with one JSON line per mutant. The driver never loads the library itself, so a
worker that dies (signal, sanitizer abort), overruns --timeout or grows past --memory-mb is
recorded and replaced, and fuzzing goes on.

Outcomes (one per mutant, the worst of its steps):
  ok               loaded, and every step ran
  load-rejected    the loader refused it with a PixelpipesError (the expected fate of most mutants)
  run-error        it loaded, and some step raised a PixelpipesError (or TypeError/ValueError from
                   the package's own argument checks)
  memory-cap       an allocation failed under the memory cap (MemoryError, or OutOfMemoryError for
                   "out of memory" / refused threads; a size over a limit is a plain run-error), or
                   the worker's RSS passed the cap: worth a look, not a failure
  python-exception any other Python exception out of the package (e.g. an IndexError from cffi)
  crash            the worker died of a signal or exited on its own
  sanitizer        the worker died with an AddressSanitizer / UBSan report on stderr (--asan)
  timeout          one step of the mutant (a load, a sample, a run_many, a batch) ran past --timeout
                   seconds: a hang
  slow             no step hung, but the mutant's steps together ran past 10 x --timeout (legal
                   but heavy work, such as a random op drawing 2^31 values per sample): noted, not
                   a failure
Every outcome but the first three leaves the mutant in <findings>/<outcome>/<sha1>.pxpp and a
.txt beside it (seed, mutations, the step it was in, the exception or the stderr tail). The exit
status is 1 when there is any crash, sanitizer, timeout or python-exception finding.
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import random
import re
import select
import signal
import struct
import subprocess
import sys
import time
import traceback
from typing import Any, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import program_mutator as pm  # noqa: E402

WORK = os.path.join(ROOT, "build", "fuzz", "structural")
FAILING = ("crash", "sanitizer", "timeout", "python-exception")
OUTCOMES = ("ok", "load-rejected", "run-error", "memory-cap", "python-exception", "crash", "sanitizer",
            "timeout", "slow")
# The order of badness when one mutant's steps end differently: the worst one is its outcome.
_RANK = {"ok": 0, "error": 1, "memory-cap": 2, "python-exception": 3}
PIPELINE_SEED = 1
HEADER = struct.Struct("<QI")  # mutant index, length of the program bytes that follow
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer", "SUMMARY: UndefinedBehavior")


# =============================================================================================
# Seeds (run in a subprocess: `--make-seeds DIR`)
# =============================================================================================

EXAMPLES = ["classification", "detection", "segmentation", "tracking", "mnist", "conditional", "mixup", "demo"]


def make_seeds(out_dir: str) -> None:
    """Writes DIR/registry.json (the raw schema of every op) and DIR/seeds/*.pxpp: the valid golden
    programs, one program per op case (optimized and not) and the examples; only programs that
    load and run sample 0 are kept."""
    import importlib.util

    import pixelpipes as pp
    from pixelpipes import registry

    seeds_dir = os.path.join(out_dir, "seeds")
    os.makedirs(seeds_dir, exist_ok=True)
    for old in os.listdir(seeds_dir):
        os.unlink(os.path.join(seeds_dir, old))
    with open(os.path.join(out_dir, "registry.json"), "w") as f:
        json.dump({name: s.raw for name, s in registry.schemas().items()}, f)

    seeds: Dict[str, bytes] = {}
    valid = os.path.join(ROOT, "tests", "programs", "valid")
    for name in sorted(os.listdir(valid)):
        if name.endswith(".pxp"):
            with open(os.path.join(valid, name), "rb") as f:
                seeds[f"valid.{name[:-4]}"] = f.read()

    # one program per registered op: the op's case of the coverage test
    sys.path.insert(0, os.path.join(ROOT, "tests", "python"))
    from op_cases import build_cases
    data_file = os.path.join(out_dir, "read_file.bin")  # what the io.read_file case reads
    with open(data_file, "wb") as f:
        f.write(b"pixelpipes\x00\x01\x02")
    cases = build_cases(data_file)
    for op in sorted(cases):
        for optimize in (True, False):
            try:
                with pp.Graph() as g:
                    g.output("out", cases[op]())
                seeds[f"op.{op}{'' if optimize else '.noopt'}"] = pp.compile(g, seed=1, optimize=optimize).to_bytes()
            except Exception as e:  # a stale case must not stop the fuzzer
                print(f"seed op.{op}: {type(e).__name__}: {e}", file=sys.stderr)

    # the examples' graphs, with their default (synthetic) data
    for name in EXAMPLES:
        try:
            path = os.path.join(ROOT, "examples", f"{name}.py")
            spec = importlib.util.spec_from_file_location(f"example_{name}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            seeds[f"example.{name}"] = pp.compile(module.build(), seed=0).to_bytes()
        except Exception as e:
            print(f"seed example.{name}: {type(e).__name__}: {e}", file=sys.stderr)

    kept = 0
    for name, data in seeds.items():
        try:
            pp.from_bytes(data, seed=PIPELINE_SEED, threads=1).run(0)
        except Exception as e:
            print(f"seed {name} does not run, left out: {type(e).__name__}: {e}", file=sys.stderr)
            continue
        with open(os.path.join(seeds_dir, f"{name}.pxpp"), "wb") as f:
            f.write(data)
        with open(os.path.join(seeds_dir, f"{name}.types.json"), "w") as f:
            json.dump([pm.type_tag(ins.get("type")) for ins in pp.Program(data).instructions], f)
        kept += 1
    print(f"{kept} seeds", file=sys.stderr)


# =============================================================================================
# Running one mutant (in a worker, or in the foreground with --replay)
# =============================================================================================

def _classify(exc: BaseException) -> str:
    """'error' (expected), 'memory-cap' or 'python-exception' for an exception out of the package."""
    import pixelpipes as pp
    if isinstance(exc, MemoryError):
        if not isinstance(exc, pp.PixelpipesError):
            return "memory-cap"
        # the library's OutOfMemoryError: an allocation that failed (bad_alloc, threads) hit the
        # cap; a size over one of the library's limits is an ordinary refusal
        message = str(exc)
        if message.startswith("out of memory") or "refused to start worker thread" in message:
            return "memory-cap"
        return "error"
    if isinstance(exc, pp.PixelpipesError):
        return "error"
    if isinstance(exc, (TypeError, ValueError)) and _is_argument_check(exc):
        return "error"
    return "python-exception"


def _is_argument_check(exc: BaseException) -> bool:
    """Whether a TypeError/ValueError was raised by one of the package's own argument checks (a
    `raise` line in pixelpipes/pipeline.py or batches.py), not by a failure deeper inside."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return False
    code = last.tb_frame.f_code
    if os.path.basename(code.co_filename) not in ("pipeline.py", "batches.py") or \
            os.path.basename(os.path.dirname(code.co_filename)) != "pixelpipes":
        return False
    import linecache
    return linecache.getline(code.co_filename, last.tb_lineno).strip().startswith("raise ")


def _touch(value: Any) -> int:
    """Reads every byte of an output (a CRC), so a view of freed or short memory is noticed."""
    import zlib

    import numpy as np
    if isinstance(value, dict):
        return sum(_touch(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_touch(v) for v in value)
    if isinstance(value, np.ndarray):
        if value.size == 0:
            return 0
        # no copy of a contiguous array: a big output must not double the worker's memory
        return zlib.crc32(memoryview(np.ascontiguousarray(value)).cast("B"))
    if isinstance(value, str):
        return zlib.crc32(value.encode("utf-8", "surrogateescape"))
    return 0


def _steps(pipeline) -> List[Tuple[str, Any]]:
    """(name, callable) of every run after a successful load, in order."""
    top = 2 ** 64 - 1
    steps: List[Tuple[str, Any]] = []
    for index in (0, 1, 2 ** 63 - 1, top):
        steps.append((f"run({index})", lambda i=index: _touch(pipeline.run(i))))
    steps.append(("run_many(0, 3)", lambda: _touch(pipeline.run_many(0, 3, threads=2))))
    steps.append(("run_many(2**64-2, 2)", lambda: _touch(pipeline.run_many(top - 1, 2, threads=2))))
    modes = [("raise", {}, 0), ("skip", {"epoch_length": 8}, 2 ** 63), ("fallback", {"fallback_index": 0}, 0),
             ("fallback", {"fallback_index": top}, top - 3)]
    for on_error, extra, start in modes:
        for pad in (False, True):
            name = f"batches(2, on_error={on_error!r}, {extra}, start={start}, pad_varying={pad})"
            steps.append((name, (on_error, extra, start, pad)))
    return steps


def _run_batches(pipeline, spec, step_done) -> None:
    """Two batches of one batches() mode; each next() is its own step (an error does not end the
    stream: it moves past the failing batch)."""
    on_error, extra, start, pad = spec
    it = pipeline.batches(2, start=start, threads=2, prefetch=1, pad_varying=pad, on_error=on_error, **extra)
    try:
        for k in range(2):
            try:
                _touch(dict(next(it)))
                step_done(f"  batch {k}", None)
            except StopIteration:
                break
            except Exception as e:  # noqa: BLE001 - every exception is classified
                step_done(f"  batch {k}", e)
    finally:
        it.close()


def exercise(data: bytes, mark, verbose: bool = False) -> Dict[str, Any]:
    """Loads and runs one mutant. `mark(text)` is called before each step (the worker writes it to
    stderr, so a crash or hang shows where it was). Returns {outcome, step, detail, signature}."""
    import pixelpipes as pp

    result = {"outcome": "ok", "step": "", "detail": "", "signature": ""}
    worst = ["ok"]

    def step_done(name: str, exc: Optional[BaseException]) -> None:
        kind = "ok" if exc is None else _classify(exc)
        if verbose:
            print(f"  {name}: " + ("ok" if exc is None else f"{kind}: {type(exc).__name__}: {exc}"))
            if kind == "python-exception":
                traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stdout)
        if _RANK[kind] > _RANK[worst[0]]:
            worst[0] = kind
            if kind != "error":
                result["step"] = name
                result["detail"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
                last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
                where = f"{os.path.basename(last[0].filename)}:{last[0].lineno}" if last else "?"
                result["signature"] = f"{type(exc).__name__} at {where}: {_generic(str(exc))}"

    mark("load")
    try:
        program = pp.Program(data)
        _ = program.outputs, program.description  # the output types and the description too
        pipeline = pp.Pipeline(program, seed=PIPELINE_SEED, threads=2)
    except Exception as e:  # noqa: BLE001
        step_done("load", e)
        result["outcome"] = "load-rejected" if worst[0] == "error" else worst[0]
        return result
    step_done("load", None)
    for name, action in _steps(pipeline):
        mark(name)
        if isinstance(action, tuple):
            if verbose:
                print(f"  {name}")
            try:
                _run_batches(pipeline, action, step_done)
            except Exception as e:  # noqa: BLE001 - batches() itself refused
                step_done(name, e)
            continue
        try:
            action()
            step_done(name, None)
        except Exception as e:  # noqa: BLE001
            step_done(name, e)
    result["outcome"] = {"ok": "ok", "error": "run-error"}.get(worst[0], worst[0])
    return result


def _generic(message: str) -> str:
    """An error message with its numbers and quoted parts blanked, for grouping findings."""
    message = message.splitlines()[0] if message else ""
    message = re.sub(r"'[^']*'", "'_'", message)
    return re.sub(r"\d+", "N", message)[:100]


# =============================================================================================
# The worker process (`--worker`)
# =============================================================================================

def worker_main(memory_mb: int, asan: bool) -> None:
    """Reads mutants from stdin, answers one JSON line each on the original stdout."""
    import faulthandler
    import gc
    import resource

    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything the library or Python prints goes to stderr, not into the protocol
    sys.stdout = sys.stderr
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    import pixelpipes  # noqa: F401  (before the cap: imports are not what is measured)
    import numpy  # noqa: F401
    if not asan:
        # ASan reserves terabytes of address space for its shadow memory: under --asan the driver
        # watches RSS instead
        cap = memory_mb * 2 ** 20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        faulthandler.enable(all_threads=True)  # Python stacks of every thread on a fatal signal

    def mark(text: str) -> None:
        os.write(2, f"[step] {text}\n".encode())

    library = os.path.join(os.path.dirname(pixelpipes.__file__), "libpixelpipes.so")
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.stat(library).st_mtime)) \
        if os.path.exists(library) else "?"
    # imports done: the driver may send work (and notes which library build found what)
    proto.write(json.dumps({"ready": True, "library": f"{library} (installed {stamp})"}) + "\n")

    stdin = sys.stdin.buffer
    while True:
        header = stdin.read(HEADER.size)
        if len(header) < HEADER.size:
            return
        index, size = HEADER.unpack(header)
        data = stdin.read(size)
        os.ftruncate(2, 0)  # stderr is an O_APPEND file: it now holds this mutant's output only
        try:
            result = exercise(data, mark)
        except MemoryError as e:  # outside any step (building the result, a traceback)
            result = {"outcome": "memory-cap", "step": "?", "detail": repr(e), "signature": "MemoryError"}
        mark("teardown")
        gc.collect()  # free this mutant's samples, batches and pipelines before answering
        result["index"] = index
        proto.write(json.dumps(result) + "\n")


# =============================================================================================
# The driver
# =============================================================================================

def _stderr_tail(path: str, limit: int = 12000) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - limit))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _last_step(stderr: str) -> str:
    steps = re.findall(r"^\[step\] (.*)$", stderr, re.M)
    return steps[-1] if steps else "?"


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class Worker:
    """One persistent worker process and the mutant it is running."""

    def __init__(self, number: int, args, env: Dict[str, str]):
        self.number = number
        self.args = args
        self.env = env
        self.stderr_path = os.path.join(WORK, f"worker-{number}.stderr")
        self.proc: Optional[subprocess.Popen] = None
        self.buffer = b""
        self.job: Optional[Tuple[int, bytes, Dict[str, Any]]] = None  # (index, bytes, info)
        self.library = "?"
        self.started_at = 0.0
        self.started_wall = 0.0
        self.start()

    def start(self) -> None:
        """Starts the worker and waits for its "ready" line. A worker that cannot start (the
        package is being reinstalled under it, say) is retried for a while, then the driver
        gives up: that is no finding of any mutant."""
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--memory-mb", str(self.args.memory_mb)]
        if self.args.asan:
            cmd.append("--asan")
        for attempt in range(8):
            stderr = open(self.stderr_path, "ab")  # O_APPEND: the worker truncates it per mutant
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                                         env=self.env, cwd=ROOT, start_new_session=True)
            stderr.close()
            self.buffer = b""
            deadline = time.monotonic() + 120
            lines: Optional[List[bytes]] = []
            while lines == [] and select.select([self], [], [], max(0.0, deadline - time.monotonic()))[0]:
                lines = self.read_lines()  # nothing else comes before the first mutant
            if lines and lines[0].startswith(b'{"ready"'):
                self.library = json.loads(lines[0]).get("library", "?")
                return
            status = self.kill()
            time.sleep(min(2 ** attempt, 30))
        sys.exit(f"worker {self.number} does not start (status {status}):\n{_stderr_tail(self.stderr_path, 3000)}")

    def send(self, index: int, data: bytes, info: Dict[str, Any]) -> bool:
        info["library"] = self.library
        self.job = (index, data, info)
        self.started_at = time.monotonic()
        self.started_wall = time.time()
        try:
            self.proc.stdin.write(HEADER.pack(index, len(data)) + data)
            self.proc.stdin.flush()
            return True
        except BrokenPipeError:
            return False

    def step_seconds(self) -> float:
        """Seconds since the current step began: the worker marks each step on its stderr file,
        so the file's modification time is the start of the step it is in."""
        try:
            began = max(self.started_wall, os.path.getmtime(self.stderr_path))
        except OSError:
            began = self.started_wall
        return time.time() - began

    def fileno(self) -> int:
        return self.proc.stdout.fileno()

    def read_lines(self) -> Optional[List[bytes]]:
        """Complete lines available now, or None at end of file (the worker is gone)."""
        chunk = os.read(self.fileno(), 1 << 16)
        if not chunk:
            return None
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        return lines

    def kill(self) -> int:
        """Kills the worker (its whole session) and returns its exit status."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return self.wait()

    def wait(self) -> int:
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        return self.proc.wait()

    def restart(self) -> None:
        if self.proc.poll() is None:
            self.kill()
        else:
            self.wait()
        self.start()


class Fuzzer:
    def __init__(self, args, env: Dict[str, str], seeds: List[Seed], schemas: pm.Schemas):
        self.args = args
        self.env = env
        self.seeds = seeds
        self.mutator = pm.ProgramMutator(schemas)
        self.counts = collections.Counter({o: 0 for o in OUTCOMES})
        self.signatures: Dict[Tuple[str, str], List[str]] = collections.defaultdict(list)
        self.saved = 0

    def make_mutant(self, index: int) -> Tuple[bytes, Dict[str, Any]]:
        rng = random.Random(f"{self.args.seed}:{index}")
        name, seed, types = self.seeds[index % len(self.seeds)]
        data, how = pm.mutant(seed, self.mutator, rng, self.args.max_mutations, types)
        return data, {"index": index, "seed": name, "mutations": how}

    def record(self, outcome: str, data: bytes, info: Dict[str, Any], result: Dict[str, Any]) -> None:
        """Counts an outcome; anything but ok / load-rejected / run-error is saved as a finding."""
        self.counts[outcome] += 1
        if outcome in ("ok", "load-rejected", "run-error"):
            return
        sha = hashlib.sha1(data).hexdigest()
        folder = os.path.join(self.args.findings, outcome)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{sha}.pxpp")
        signature = result.get("signature") or f"{outcome} in {result.get('step', '?')}"
        self.signatures[(outcome, signature)].append(path)
        if os.path.exists(path):
            return
        self.saved += 1
        with open(path, "wb") as f:
            f.write(data)
        with open(path[:-5] + ".txt", "w") as f:
            f.write(f"outcome: {outcome}\nsignature: {signature}\nstep: {result.get('step', '?')}\n"
                    f"mutant: {info['index']} of --seed {self.args.seed}\nseed program: {info['seed']}\n"
                    f"library: {info.get('library', '?')}\n"
                    f"mutations:\n" + "".join(f"  {m}\n" for m in info["mutations"]) +
                    f"replay: {sys.executable} tests/fuzz/structural_fuzz.py --replay {os.path.relpath(path, ROOT)}"
                    f"{' --asan' if self.args.asan else ''}\n\n")
            if result.get("detail"):
                f.write("--- detail\n" + result["detail"] + "\n")
            if result.get("stderr"):
                f.write("--- stderr (tail)\n" + result["stderr"] + "\n")

    def died(self, worker: Worker, status: int, why: Optional[str] = None) -> None:
        """The worker's mutant ended the worker: record it, start a new worker."""
        index, data, info = worker.job
        stderr = _stderr_tail(worker.stderr_path)
        step = _last_step(stderr)
        if why is None:
            if any(m in stderr for m in SANITIZER_MARKS):
                why = "sanitizer"
                first = next((line for line in stderr.splitlines() if any(m in line for m in SANITIZER_MARKS)), "")
                signature = _generic(first.split("ERROR: ")[-1]) + f" in {step}"
            else:
                why = "crash"
                name = signal.Signals(-status).name if status < 0 and -status in signal.Signals._value2member_map_ \
                    else f"exit status {status}"
                signature = f"{name} in {step}"
        else:
            signature = f"{why} in {step}"
        self.record(why, data, info, {"step": step, "signature": signature, "stderr": stderr})
        worker.job = None
        worker.restart()

    def run(self) -> int:
        args = self.args
        os.makedirs(args.findings, exist_ok=True)
        workers = [Worker(n, args, self.env) for n in range(args.workers)]
        deadline = time.monotonic() + args.seconds if args.seconds else None
        started = time.monotonic()
        cap = args.memory_mb * 2 ** 20
        next_index, done = 0, 0
        progress = _progress(args.mutants)
        try:
            while True:
                out_of_time = deadline is not None and time.monotonic() >= deadline
                for w in workers:  # hand out work
                    if w.job is None and next_index < args.mutants and not out_of_time:
                        data, info = self.make_mutant(next_index)
                        next_index += 1
                        while not w.send(info["index"], data, info):
                            w.restart()  # the idle worker had died: start a new one, send again
                busy = [w for w in workers if w.job is not None]
                if not busy:
                    break
                ready, _, _ = select.select(busy, [], [], 0.2)
                for w in ready:
                    lines = w.read_lines()
                    if lines is None:  # end of file: the worker died on this mutant
                        self.died(w, w.wait())
                        done += 1
                        progress.update(self)
                        continue
                    for line in lines:
                        result = json.loads(line)
                        _, data, info = w.job
                        self.record(result["outcome"], data, info, result)
                        w.job = None
                        done += 1
                        progress.update(self)
                now = time.monotonic()
                for w in busy:
                    if w.job is None:
                        continue
                    if w.step_seconds() > args.timeout:
                        w.kill()
                        self.died(w, 0, "timeout")
                        done += 1
                        progress.update(self)
                    elif now - w.started_at > 10 * args.timeout:
                        w.kill()
                        self.died(w, 0, "slow")
                        done += 1
                        progress.update(self)
                    elif _rss_bytes(w.proc.pid) > cap:
                        w.kill()
                        self.died(w, 0, "memory-cap")
                        done += 1
                        progress.update(self)
        except KeyboardInterrupt:
            print("\ninterrupted", file=sys.stderr)
        finally:
            progress.close()
            for w in workers:
                if w.proc.poll() is None:
                    try:
                        w.proc.stdin.close()  # end of input: the worker returns
                        w.proc.wait(timeout=10)
                    except (OSError, subprocess.TimeoutExpired):
                        w.kill()
        elapsed = time.monotonic() - started
        return self.summary(done, elapsed)

    def summary(self, done: int, elapsed: float) -> int:
        print(f"\nstructural fuzz: {done} mutants of {len(self.seeds)} seeds in {elapsed:.1f} s "
              f"({done / max(elapsed, 1e-9):.1f} mutants/s, {self.args.workers} workers, --seed {self.args.seed}"
              f"{', ASan' if self.args.asan else ''})")
        labels = {"ok": "loaded-and-ran-ok"}
        for o in OUTCOMES:
            print(f"  {labels.get(o, o):<18} {self.counts[o]}")
        if self.signatures:
            print(f"findings ({self.saved} new files in {os.path.relpath(self.args.findings, ROOT)}):")
            for (outcome, signature), paths in sorted(self.signatures.items(), key=lambda kv: (kv[0][0], -len(kv[1]))):
                print(f"  [{outcome}] x{len(paths)} {signature}\n      e.g. {os.path.relpath(paths[0], ROOT)}")
        failed = sum(self.counts[o] for o in FAILING)
        return 1 if failed else 0


class _progress:
    """tqdm when installed, else a line every few seconds."""

    def __init__(self, total: int):
        self.last = 0.0
        self.bar = None
        try:
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="mutant", dynamic_ncols=True,
                            mininterval=0.5 if sys.stderr.isatty() else 15.0)
        except ImportError:
            pass

    def update(self, fuzzer: Fuzzer) -> None:
        c = fuzzer.counts
        text = (f"ok {c['ok']} rej {c['load-rejected']} err {c['run-error']} mem {c['memory-cap']} "
                f"pyexc {c['python-exception']} crash {c['crash'] + c['sanitizer']} timeout {c['timeout']}")
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix_str(text, refresh=False)
        elif time.monotonic() - self.last > 5:
            self.last = time.monotonic()
            print(f"{sum(c.values())} mutants: {text}", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _worker_env(args) -> Dict[str, str]:
    """The environment of the seed maker and the workers: this one (under --asan it must carry
    the settings of `make sanitize`: PYTHONPATH, LD_PRELOAD, ASAN_OPTIONS, UBSAN_OPTIONS)."""
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    env["OMP_NUM_THREADS"] = env.get("OMP_NUM_THREADS", "1")  # OpenCV's own threads stay small
    if args.asan and "libasan" not in env.get("LD_PRELOAD", ""):
        sys.exit("--asan needs the environment of `make sanitize` (PYTHONPATH=build/python-asan/site, "
                 "LD_PRELOAD of libasan and libubsan, ASAN_OPTIONS, UBSAN_OPTIONS): run "
                 "`make fuzz-structural-asan`, or copy them from its command line")
    return env


Seed = Tuple[str, bytes, List[Optional[str]]]  # name, program bytes, type tag of each slot


def load_seeds(env: Dict[str, str], pattern: Optional[str]) -> Tuple[List[Seed], pm.Schemas]:
    """Compiles the seeds in a subprocess (which loads the library: it could crash on a broken
    build) and reads them back, with the registry and the input types each op was seen with."""
    os.makedirs(WORK, exist_ok=True)
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--make-seeds", WORK], env=env, cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"compiling the seeds failed (status {proc.returncode}):\n{proc.stderr[-4000:]}")
    for line in proc.stderr.splitlines():
        if not line.endswith(" seeds"):
            print(f"  note: {line}", file=sys.stderr)
    with open(os.path.join(WORK, "registry.json")) as f:
        schemas = pm.Schemas(json.load(f))
    folder = os.path.join(WORK, "seeds")
    seeds = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".pxpp"):
            continue
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        with open(os.path.join(folder, name[:-5] + ".types.json")) as f:
            types = json.load(f)
        schemas.learn(pm.decode(data), types)  # every seed teaches input types, also unused ones
        if not pattern or re.search(pattern, name):
            seeds.append((name[:-5], data, types))
    if not seeds:
        sys.exit("no seeds")
    return seeds, schemas


# =============================================================================================
# --replay
# =============================================================================================

def describe_program(data: bytes) -> str:
    """A listing of a (possibly broken) program, from its msgpack alone."""
    try:
        doc = pm.decode(data)
    except Exception as e:  # noqa: BLE001
        return f"(not msgpack: {e})"
    if not isinstance(doc, dict):
        return f"(not a map: {pm._short(doc)})"
    lines = [f"version {doc.get('version')!r}"]
    for k, c in enumerate(doc.get("constants") or []):
        if isinstance(c, dict) and c.get("kind") == "tensor":
            lines.append(f"  const {k}: tensor {c.get('dtype')!r} {pm._short(c.get('shape'))} "
                         f"{len(c.get('data') or b'')} bytes")
        else:
            lines.append(f"  const {k}: {pm._short(c, 100)}")
    for k, ins in enumerate(doc.get("instructions") or []):
        if isinstance(ins, dict):
            lines.append(f"  {k:>3} {ins.get('op')!s:<28} {pm._short(ins.get('inputs', []))} "
                         f"{pm._short(ins.get('attributes', {}), 120)}")
        else:
            lines.append(f"  {k:>3} {pm._short(ins)}")
    lines.append(f"outputs {pm._short(doc.get('outputs'), 300)}")
    return "\n".join(lines)


def _debug_dir() -> str:
    """A gdb debug-file-directory where the unstripped libraries of the build tree (build/python,
    build/python-asan, ...) are linked under their build ids: gdb then names the functions of the
    stripped copy that pip installed."""
    folder = os.path.join(WORK, "debug")
    for root, _, files in os.walk(os.path.join(ROOT, "build")):
        if root.startswith(folder) or "install" in root:
            continue
        for name in files:
            if not name.startswith("libpixelpipes.so"):
                continue
            lib = os.path.join(root, name)
            try:
                notes = subprocess.run(["readelf", "-n", lib], capture_output=True, text=True).stdout
            except OSError:
                return folder
            m = re.search(r"Build ID: ([0-9a-f]{2})([0-9a-f]+)", notes)
            if m and os.path.getsize(lib) > 0:
                link = os.path.join(folder, ".build-id", m.group(1), m.group(2) + ".debug")
                os.makedirs(os.path.dirname(link), exist_ok=True)
                if os.path.lexists(link):
                    os.unlink(link)
                os.symlink(os.path.realpath(lib), link)
    return folder


def replay(path: str, args) -> int:
    """Runs one saved mutant in this process, step by step, and says what happens (a crash ends
    this process: that is the point)."""
    import faulthandler
    import resource
    if args.gdb:
        # the same replay under gdb: the native stack of every thread where it crashes (or where
        # it is after --timeout seconds, for a hang)
        argv = [sys.executable, os.path.abspath(__file__), "--replay", path, "--memory-mb", str(args.memory_mb)]
        os.execvp("timeout", ["timeout", "-s", "INT", "--kill-after", "60", str(int(args.timeout)),
                              "gdb", "-q", "-batch", "-ex", "set pagination off",
                              "-ex", f"set debug-file-directory {_debug_dir()}:/usr/lib/debug",
                              "-ex", "run", "-ex", "bt 40", "-ex", "thread apply all bt 25", "--args"]
                  + argv + (["--asan"] if args.asan else []))
    sys.stdout.reconfigure(line_buffering=True)  # in order with faulthandler's report on stderr
    with open(path, "rb") as f:
        data = f.read()
    print(f"{path}: {len(data)} bytes\n{describe_program(data)}\n")
    note = path[:-5] + ".txt" if path.endswith(".pxpp") else None
    if note and os.path.exists(note):
        with open(note) as f:
            print("".join(f.readlines()[:12]))
    if not args.asan:
        faulthandler.enable(all_threads=True)
        cap = args.memory_mb * 2 ** 20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    started = time.monotonic()
    result = exercise(data, lambda text: print(f"[step] {text}", flush=True), verbose=True)
    print(f"\noutcome: {result['outcome']} ({time.monotonic() - started:.2f} s)")
    if result["signature"]:
        print(f"signature: {result['signature']}")
    return 1 if result["outcome"] in FAILING else 0


# =============================================================================================

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mutants", type=int, default=20000, help="mutants to run (default %(default)s)")
    p.add_argument("--seconds", type=float,
                   help="stop handing out mutants after this many seconds (those running still finish)")
    p.add_argument("--seed", type=int, default=0, help="mutant i is a function of (seed, i) (default 0)")
    p.add_argument("--workers", type=int, default=2, help="worker processes (default %(default)s)")
    p.add_argument("--timeout", type=float,
                   help="seconds one mutant may run, all its steps together (default 30; 90 with --asan)")
    p.add_argument("--memory-mb", type=int, default=4096,
                   help="memory cap of a worker: RLIMIT_AS, and RSS watched by the driver (default 4096)")
    p.add_argument("--max-mutations", type=int, default=4, help="mutations per mutant: 1 to this (default 4)")
    p.add_argument("--seeds", metavar="REGEX", help="only the seed programs whose name matches (e.g. '^op\\.mask')")
    p.add_argument("--asan", action="store_true",
                   help="workers run the ASan package (environment set by `make fuzz-structural-asan`)")
    p.add_argument("--findings", default=os.path.join(WORK, "findings"),
                   help="where findings go (default build/fuzz/structural/findings)")
    p.add_argument("--replay", metavar="FILE", help="run one saved mutant in the foreground and show each step")
    p.add_argument("--gdb", action="store_true", help="with --replay: run it under gdb, print native stacks")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--make-seeds", metavar="DIR", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.findings = os.path.abspath(args.findings)
    if args.timeout is None:
        args.timeout = 90.0 if args.asan else 30.0  # ASan runs the ops several times slower

    if args.worker:
        worker_main(args.memory_mb, args.asan)
        return 0
    if args.make_seeds:
        make_seeds(args.make_seeds)
        return 0
    if args.replay:
        _worker_env(args)  # the --asan check
        return replay(args.replay, args)
    if args.workers < 1 or args.mutants < 0 or args.timeout <= 0:
        p.error("--workers must be >= 1, --mutants >= 0 and --timeout > 0")
    env = _worker_env(args)
    seeds, schemas = load_seeds(env, args.seeds)
    print(f"structural fuzz: {len(seeds)} seeds, {len(schemas.names)} ops; up to {args.mutants} mutants"
          f"{f' or {args.seconds:g} s' if args.seconds else ''}; findings in {os.path.relpath(args.findings, ROOT)}",
          file=sys.stderr)
    return Fuzzer(args, env, seeds, schemas).run()


if __name__ == "__main__":
    sys.exit(main())
