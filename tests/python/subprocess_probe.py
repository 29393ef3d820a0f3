"""Runs a piece of test code in a child Python process with a memory cap and a timeout, so that a
crash (segfault, abort), a hang or runaway memory fails the calling test instead of taking pytest
down with it.

The child imports the same ``pixelpipes`` as the parent (its package directory goes first on
PYTHONPATH, then this folder, for ``process_probes``), enables ``faulthandler`` (a crash or a hang
leaves its Python stack on stderr) and, when asked, caps its address space with RLIMIT_AS after
the imports (so the cap bounds the test's own work, not the interpreter's start-up).

Under ``make sanitize`` (libasan preloaded) an RLIMIT_AS cap cannot work: ASan reserves terabytes of
virtual address space for its shadow memory. There the cap is left out (``capped`` is False in the
result): a test whose outcome *depends* on the cap must skip there (see ``CAPS_WORK``); a test that
uses the cap only as a safety net runs without it.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from typing import Dict, NamedTuple, Optional

import pixelpipes

from process_probes import UNDER_ASAN

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(pixelpipes.__file__)))

#: whether an RLIMIT_AS cap can be applied in the child (not under ASan)
CAPS_WORK = not UNDER_ASAN
NO_CAP_REASON = "ASan reserves terabytes of virtual memory: an RLIMIT_AS cap cannot work under make sanitize"

MiB = 2 ** 20
GiB = 2 ** 30

_PREAMBLE = """\
import faulthandler, os, resource, sys
faulthandler.enable()
{hang_dump}
import gc, threading, time
import numpy as np
import pixelpipes as pp
assert os.path.dirname(pp.__file__) == {package!r}, pp.__file__

def vm_size_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize")

def cap_memory(limit_bytes):
    resource.setrlimit(resource.RLIMIT_AS, (int(limit_bytes), int(limit_bytes)))

{cap}
"""


class ChildResult(NamedTuple):
    returncode: Optional[int]  # None when the child was killed at the timeout
    stdout: str
    stderr: str
    timed_out: bool
    capped: bool

    def describe(self) -> str:
        how = "timed out (killed)" if self.timed_out else f"exit status {self.returncode}"
        if self.returncode is not None and self.returncode < 0:
            try:
                how += f" ({signal.Signals(-self.returncode).name})"
            except ValueError:
                pass
        return f"child {how}\n--- stdout ---\n{self.stdout[-4000:]}\n--- stderr ---\n{self.stderr[-6000:]}"

    def lines(self, marker: str):
        """The rest of every stdout line whose first word is ``marker`` ("CHILD" does not match a
        "CHILD-EXIT ..." line)."""
        return [line[len(marker):].strip() for line in self.stdout.splitlines()
                if line == marker or line.startswith(marker + " ")]


def run_child(code: str, *, mem_mib: Optional[int] = None, timeout: float = 30.0,
              env: Optional[Dict[str, str]] = None, cwd: Optional[str] = None) -> ChildResult:
    """Runs ``code`` (dedented) in ``sys.executable`` after a preamble that imports ``os``, ``sys``,
    ``gc``, ``threading``, ``time``, ``numpy as np`` and ``pixelpipes as pp`` and defines
    ``cap_memory(bytes)`` and ``vm_size_bytes()``. ``mem_mib`` caps the child's address space
    (RLIMIT_AS, set after those imports; not under ASan). After ``timeout`` seconds the child and
    everything it started (its process group) are killed."""
    hang_dump = f"faulthandler.dump_traceback_later({max(timeout - 1.0, 0.5)!r}, exit=False)"
    cap = ""
    capped = mem_mib is not None and CAPS_WORK
    if capped:
        cap = f"cap_memory({int(mem_mib)} * {MiB})"
    source = _PREAMBLE.format(package=os.path.dirname(os.path.abspath(pixelpipes.__file__)), cap=cap,
                              hang_dump=hang_dump) + textwrap.dedent(code)
    child_env = dict(os.environ)
    child_env["PYTHONPATH"] = os.pathsep.join(
        [PACKAGE_ROOT, HERE] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    child_env.setdefault("OPENBLAS_NUM_THREADS", "1")  # numpy's BLAS threads: not what is measured
    child_env["PYTHONFAULTHANDLER"] = "1"
    if env:
        child_env.update(env)
    proc = subprocess.Popen([sys.executable, "-c", source], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=child_env, cwd=cwd or HERE, start_new_session=True, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        return ChildResult(proc.returncode, out, err, False, capped)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        return ChildResult(None, out, err, True, capped)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the child and any process it forked
    except ProcessLookupError:
        pass
    proc.kill()


def assert_child_ok(result: ChildResult, *markers: str) -> ChildResult:
    """The child exited 0 in time and printed every marker (as the first words of a line)."""
    assert not result.timed_out and result.returncode == 0, result.describe()
    lines = result.stdout.splitlines()
    for m in markers:
        assert any(line == m or line.startswith(m + " ") for line in lines), f"missing {m!r}: " + result.describe()
    return result
