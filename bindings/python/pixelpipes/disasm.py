"""A readable listing of a program: one line per instruction."""
from __future__ import annotations

import json
from typing import Any, Dict, List


def _type_text(t: Dict[str, Any]) -> str:
    from .types import Type
    return str(Type.from_json(t)) if t else "?"


def _attr_text(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ",".join(_attr_text(v) for v in value) + "]"
    return json.dumps(value)


def disassemble(description: Dict[str, Any], constants_preview: List[str] = None) -> str:
    """Formats ``pxp_program_describe`` JSON: index, op, inputs, attributes, type, label, source.

    Jumps show their target, constant (load-time) instructions are marked with ``=``.
    """
    instructions = description.get("instructions", [])
    outputs = description.get("outputs", {})
    by_slot: Dict[int, List[str]] = {}
    for name, slot in outputs.items():
        by_slot.setdefault(slot, []).append(name)
    rows = []
    for ins in instructions:
        i = ins["index"]
        inputs = ", ".join(f"%{s}" for s in ins.get("inputs", []))
        attrs = " ".join(f"{k}={_attr_text(v)}" for k, v in sorted(ins.get("attributes", {}).items()))
        if constants_preview is not None and ins["op"] == "core.constant":
            idx = ins.get("attributes", {}).get("index")
            if isinstance(idx, int) and 0 <= idx < len(constants_preview):
                attrs += f" ({constants_preview[idx]})"
        typ = _type_text(ins.get("type")) if ins["op"] not in ("flow.branch", "flow.jump") else ""
        mark = "=" if ins.get("constant") else " "
        call = f"{ins['op']}({inputs})"
        if attrs:
            call += f" {attrs}"
        extra = []
        if ins.get("label"):
            extra.append(ins["label"])
        if ins.get("source"):
            extra.append(f"@ {ins['source']}")
        if i in by_slot:
            extra.append("-> " + ", ".join(repr(n) for n in by_slot[i]))
        rows.append((f"%{i}", mark, call, typ, "  ".join(extra)))
    w_idx = max([len(r[0]) for r in rows], default=2)
    w_call = min(max([len(r[2]) for r in rows], default=0), 60)
    w_typ = max([len(r[3]) for r in rows], default=0)
    lines = [f"; pixelpipes program, format {'.'.join(map(str, description.get('version', [])))}, "
             f"{len(instructions)} instructions, outputs: {', '.join(outputs) or 'none'}"]
    for idx, mark, call, typ, extra in rows:
        lines.append(f"{idx:>{w_idx}} {mark} {call:<{w_call}}  {typ:<{w_typ}}  {extra}".rstrip())
    return "\n".join(lines)
