"""``pixelpipes inspect --profile K``: the library's own per-op profile (``Pipeline.profile``).

Each instruction a sample executes is timed inside the interpreter (steady clock) and counted;
instructions folded at load cost nothing per sample, and the instructions of a branch count only
the samples that took it. The table is sorted by total time, with each row's share.
"""
from __future__ import annotations

from typing import Dict, List


def profile(pipeline, samples: int, start: int = 0, threads: int = 1) -> List[Dict]:
    """The rows of ``pipeline.profile(samples, start, threads)`` (see Pipeline.profile)."""
    return pipeline.profile(samples, start=start, threads=threads)


def format_profile(rows: List[Dict], samples: int, start: int = 0, threads: int = 1) -> str:
    ran = [r for r in rows if r["count"]]
    idle = len(rows) - len(ran) - sum(1 for r in rows if r["op"] == "(batch copy)" and not r["count"])
    total = sum(r["seconds"] for r in ran)
    lines = [f"; per-op profile: {samples} samples from position {start} on {threads} thread"
             f"{'s' if threads != 1 else ''}, {total * 1e3:.3f} ms in ops ({total / samples * 1e6:.1f} us per sample)",
             f"{'index':>6}  {'op':<28} {'calls':>7} {'total ms':>10} {'us/call':>10} {'share':>6}  node  @ source"]
    for r in sorted(ran, key=lambda r: (-r["seconds"], r["index"])):
        where = "  ".join(x for x in (r["label"], f"@ {r['source']}" if r["source"] else "") if x)
        share = r["seconds"] / total if total > 0 else 0.0
        lines.append(f"{'%' + str(r['index']):>6}  {r['op']:<28} {r['count']:>7} {r['seconds'] * 1e3:>10.3f} "
                     f"{r['seconds_per_call'] * 1e6:>10.2f} {share:>6.1%}  {where}".rstrip())
    lines.append(f"{'':>6}  {'total':<28} {'':>7} {total * 1e3:>10.3f} {'':>10} {1 if total > 0 else 0:>6.1%}")
    if idle:
        lines.append(f"; {idle} instruction{'s' if idle != 1 else ''} that no sample reached (untaken branches) "
                     f"not listed")
    return "\n".join(lines)
