"""The per-op profile of a native pipeline (``pxp_pipeline_profile_*``), as rows of dicts.

Used by :meth:`pixelpipes.Pipeline.profile`, :meth:`pixelpipes.batches.BatchIterator.profile`
and ``pixelpipes inspect --profile``.
"""
from __future__ import annotations

from typing import Dict, List

from ._lib import ffi, lib
from .errors import check

def read_profile(handle, description: Dict) -> List[Dict]:
    """Rows ``{index, op, label, source, count, seconds, seconds_per_call}`` in program order:
    every instruction computed per sample (those folded at load are left out; an instruction
    no sample reached has count 0), then the batch-copy row (index = instruction count)."""
    total = ffi.new("size_t *")
    check(lib.pxp_pipeline_profile_get(ffi.NULL, 0, total, handle))
    n = int(total[0])
    rows = ffi.new("pxp_profile_row[]", n)
    check(lib.pxp_pipeline_profile_get(rows, n, total, handle))
    described = description.get("instructions", [])
    out = []
    for k in range(min(n, int(total[0]))):
        if k < len(described) and described[k].get("constant"):
            continue
        r = rows[k]
        count, seconds = int(r.count), int(r.nanoseconds) * 1e-9
        out.append({"index": k, "op": ffi.string(r.op).decode(), "label": ffi.string(r.node).decode(),
                    "source": ffi.string(r.source).decode(), "count": count, "seconds": seconds,
                    "seconds_per_call": seconds / count if count else 0.0})
    return out


def enable(handle, on: bool) -> None:
    check(lib.pxp_pipeline_profile_enable(handle, 1 if on else 0))


def reset(handle) -> None:
    check(lib.pxp_pipeline_profile_reset(handle))
