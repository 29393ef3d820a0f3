"""A compiled program as a Graphviz DOT graph."""
from __future__ import annotations

import json


def _quote(text: str) -> str:
    return json.dumps(text)


def program_dot(pipeline) -> str:
    """DOT text: one node per instruction (op, label, type; constants folded at load are grey),
    data edges from inputs, dashed edges from jumps and branches to their targets, and one node
    per output."""
    from ..disasm import _type_text
    desc = pipeline.program.description
    instructions = desc.get("instructions", [])
    lines = ["digraph pixelpipes {", "  rankdir=TB;", '  node [shape=box, fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=8];']
    for ins in instructions:
        i = ins["index"]
        op = ins["op"]
        text = f"%{i} {op}"
        if ins.get("label"):
            text += f"\n{ins['label']}"
        if op not in ("flow.branch", "flow.jump"):
            text += f"\n{_type_text(ins.get('type'))}"
        style = []
        if ins.get("constant"):
            style.append('style=filled, fillcolor="#e8e8e8"')
        if op in ("flow.branch", "flow.jump", "flow.merge"):
            style.append("shape=diamond" if op != "flow.merge" else "shape=invtrapezium")
        tooltip = ins.get("source") or ""
        attrs = ", ".join([f"label={_quote(text)}", f"tooltip={_quote(tooltip)}"] + style)
        lines.append(f"  n{i} [{attrs}];")
    for ins in instructions:
        i = ins["index"]
        for s in ins.get("inputs", []):
            lines.append(f"  n{s} -> n{i};")
        target = ins.get("attributes", {}).get("target")
        if ins["op"] in ("flow.branch", "flow.jump") and isinstance(target, int):
            dest = f"n{target}" if target < len(instructions) else "end"
            if dest == "end" and "  end [shape=point];" not in lines:
                lines.append("  end [shape=point];")
            label = "false" if ins["op"] == "flow.branch" else "jump"
            lines.append(f"  n{i} -> {dest} [style=dashed, label={_quote(label)}];")
    for k, (name, slot) in enumerate(desc.get("outputs", {}).items()):
        node = f"out{k}"
        lines.append(f"  {node} [label={_quote(name)}, shape=ellipse, style=bold];")
        lines.append(f"  n{slot} -> {node};")
    lines.append("}")
    return "\n".join(lines) + "\n"
