"""Generates the op node classes from the registry: op "math.add" -> ``pixelpipes.ops.math.Add``."""
from __future__ import annotations

import keyword
import sys
import types
from typing import Dict

from .opnode import OpNode, signature
from .registry import AttrSpec, OpSchema, schemas

#: ops the DSL expresses otherwise (Constant, Conditional/Switch/Toggle emit the flow ops)
INTERNAL_OPS = frozenset({"core.constant", "flow.branch", "flow.jump", "flow.merge"})


def class_name(op_name: str) -> str:
    """``"random.weighted_choice"`` -> ``"WeightedChoice"``."""
    short = op_name.rsplit(".", 1)[-1]
    name = "".join(part[:1].upper() + part[1:] for part in short.split("_") if part)
    if not name.isidentifier() or keyword.iskeyword(name):
        name = name + "_"
    return name


def module_name(op_name: str) -> str:
    """``"math.add"`` -> ``"pixelpipes.ops.math"``."""
    family = op_name.rsplit(".", 1)[0] if "." in op_name else "misc"
    return "pixelpipes.ops." + family


def _attr_line(a: AttrSpec) -> str:
    parts = [a.type]
    if a.choices and a.type in ("enum", "dtype"):
        parts.append("one of " + ", ".join(repr(c) for c in a.choices))
    if a.min is not None or a.max is not None:
        lo = "-inf" if a.min is None else f"{a.min:g}"
        hi = "inf" if a.max is None else f"{a.max:g}"
        parts.append(f"in [{lo}, {hi}]")
    parts.append("required" if a.required else f"default {a.default!r}")
    return f"    {a.name} ({'; '.join(parts)}): {a.doc}"


def docstring(s: OpSchema) -> str:
    lines = [s.doc or s.name, "", f"Op ``{s.name}``."]
    flags = []
    if s.random:
        flags.append("random: its draws depend on (seed, sample index, node key) only")
    if not s.pure:
        flags.append("impure: depends on the sample index or the outside world")
    if flags:
        lines.append("; ".join(flags).capitalize() + ".")
    if s.inputs:
        lines += ["", "Inputs:"]
        lines += [f"    {i.name}{' (variadic)' if i.variadic else ''}: {i.doc}" for i in s.inputs]
    if s.attributes:
        lines += ["", "Attributes (keyword-only, fixed at compile time):"]
        lines += [_attr_line(a) for a in s.attributes]
    lines += ["", f"Output: {s.output}"]
    return "\n".join(lines)


def make_class(s: OpSchema) -> type:
    names = {i.name for i in s.inputs} | {a.name for a in s.attributes}
    cls = type(class_name(s.name), (OpNode,), {
        "__doc__": docstring(s),
        "__module__": module_name(s.name),
        "schema": s,
        "__signature__": signature(s, label_param="label" not in names),
    })
    cls.__qualname__ = cls.__name__
    return cls


def build_modules(package: types.ModuleType) -> Dict[str, types.ModuleType]:
    """Creates ``pixelpipes.ops.<family>`` modules (registered in sys.modules) with one class per op."""
    modules: Dict[str, types.ModuleType] = {}
    for name, s in schemas().items():
        if name in INTERNAL_OPS:
            continue
        modname = module_name(name)
        mod = modules.get(modname)
        if mod is None:
            mod = types.ModuleType(modname, f"Op nodes of the '{modname.rsplit('.', 1)[1]}' family "
                                            "(generated from the native registry).")
            mod.__all__ = []
            modules[modname] = mod
        cls = make_class(s)
        if hasattr(mod, cls.__name__):
            raise RuntimeError(f"pixelpipes: two ops map to the class {modname}.{cls.__name__}")
        setattr(mod, cls.__name__, cls)
        mod.__all__.append(cls.__name__)
    for modname, mod in modules.items():
        sys.modules[modname] = mod
        setattr(package, modname.rsplit(".", 1)[1], mod)
    return modules


def op_class(op_name: str) -> type:
    """The generated class of an op (after ``pixelpipes.ops`` is imported)."""
    from . import ops  # noqa: F401  (builds the modules)
    mod = sys.modules.get(module_name(op_name))
    cls = getattr(mod, class_name(op_name), None) if mod else None
    if cls is None or getattr(cls, "schema", None) is None or cls.schema.name != op_name:
        from .errors import UnknownOpError
        raise UnknownOpError(f"unknown op '{op_name}': no registered op has this name")
    return cls
