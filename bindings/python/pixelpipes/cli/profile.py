"""Time per op of a program, measured from the outside: the program cut after each top-level
instruction is timed over the same samples, and the differences are the instructions' costs.

The C API has no per-op timer, so this is how ``pixelpipes inspect --profile K`` works:

- a *top-level* instruction is one that no jump skips; cutting the program after it gives a valid
  program (every branch before it has ended), whose outputs are all top-level values so far (so
  nothing is dropped as unused);
- the cost of a branch (its jumps and the instructions inside) is counted at the top-level
  instruction after it, usually its ``flow.merge``;
- instructions folded at load cost nothing per sample and are left out;
- each cut is run on one thread over the same K samples, best of two rounds; differences below
  the timer's noise may show as 0.
"""
from __future__ import annotations

import time
from typing import Dict, List

import msgpack


def _top_level(instructions: List[Dict]) -> List[bool]:
    skippable = [False] * len(instructions)
    for j, ins in enumerate(instructions):
        if ins["op"] in ("flow.branch", "flow.jump"):
            for k in range(j + 1, min(int(ins["attributes"]["target"]), len(instructions))):
                skippable[k] = True
    return [not skippable[k] and instructions[k]["op"] not in ("flow.branch", "flow.jump")
            for k in range(len(instructions))]


def profile(pipeline, samples: int, start: int = 0) -> List[Dict]:
    """Rows ``{index, op, label, source, seconds (per sample), branch (instructions counted with
    it)}`` for the top-level instructions computed per sample."""
    from ..pipeline import Pipeline
    from ..program import Program
    program = msgpack.unpackb(pipeline.to_bytes(), raw=False, strict_map_key=False)
    instructions = program["instructions"]
    described = pipeline.program.description["instructions"]
    top = _top_level(instructions)
    cuts = [k for k in range(len(instructions)) if top[k] and not described[k].get("constant")]
    rows, previous, last_cut = [], 0.0, -1
    for k in cuts:
        cut = dict(program)
        cut["instructions"] = instructions[:k + 1]
        cut["outputs"] = {f"slot{s}": s for s in cuts if s <= k}
        p = Pipeline(Program(msgpack.packb(cut, use_bin_type=True)), seed=pipeline.seed, threads=1)
        p.run_many(start, 1, threads=1)                      # warm up
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            p.run_many(start, samples, threads=1)
            best = min(best, time.perf_counter() - t0)
        per_sample = best / samples
        d = described[k]
        rows.append({"index": k, "op": d["op"], "label": d.get("label", ""), "source": d.get("source", ""),
                     "seconds": max(per_sample - previous, 0.0), "branch": k - last_cut - 1})
        previous = max(previous, per_sample)
        last_cut = k
    return rows


def format_profile(rows: List[Dict]) -> str:
    total = sum(r["seconds"] for r in rows) or 1e-12
    lines = [f"; time per sample, by instruction (one thread; a branch's cost is counted at the next "
             f"top-level instruction, marked +N)",
             f"{'index':>6}  {'op':<28} {'us':>9} {'share':>6}  node / source"]
    for r in sorted(rows, key=lambda r: -r["seconds"]):
        extra = f" +{r['branch']}" if r["branch"] else ""
        where = "  ".join(x for x in (r["label"], f"@ {r['source']}" if r["source"] else "") if x)
        lines.append(f"{'%' + str(r['index']):>6}  {r['op'] + extra:<28} {r['seconds'] * 1e6:>9.1f} "
                     f"{r['seconds'] / total:>6.1%}  {where}".rstrip())
    lines.append(f"{'':>6}  {'total':<28} {total * 1e6:>9.1f}")
    return "\n".join(lines)
