"""OpNode: a node applying one registered op; the base of every generated op class."""
from __future__ import annotations

import inspect
from typing import Any, Dict, Optional

from .attributes import check_attribute
from .node import Node
from .registry import OpSchema, schema as lookup_schema
from .source import user_location


class OpNode(Node):
    """Applies ``op`` to ``inputs`` with compile-time ``attributes``.

    Generated classes (``pixelpipes.ops.<family>.<Name>``) fix the op and give a real signature:
    inputs positional, attributes keyword-only. ``OpNode("math.add", a, b)`` works for any op.
    """

    schema: Optional[OpSchema] = None  # set on generated classes

    def __init__(self, *args: Any, label: Optional[str] = None, **attributes: Any):
        cls_schema = type(self).schema
        if cls_schema is None:
            if not args or not isinstance(args[0], str):
                raise TypeError("OpNode(op_name, *inputs, **attributes): the op name comes first")
            cls_schema, args = lookup_schema(args[0]), args[1:]
        self.op_schema: OpSchema = cls_schema
        where = user_location()
        sig = type(self).__dict__.get("__signature__")
        if sig is not None:
            args, attributes = _bind(where, cls_schema, sig, args, attributes)
        if cls_schema.control not in ("none",):
            raise TypeError(f"{where}: {cls_schema.name} is control flow that the compiler emits; use "
                            "pixelpipes.Conditional, Switch or Toggle (or a Constant) instead")
        _check_arity(where, cls_schema, len(args))
        self.attributes: Dict[str, Any] = _checked_attributes(where, cls_schema, attributes)
        super().__init__(*args, label=label)

    @property
    def op(self) -> str:
        return self.op_schema.name

    @property
    def kind_name(self) -> str:
        return type(self).__name__ if type(self).schema is not None else f"OpNode[{self.op}]"


def _bind(where: str, schema: OpSchema, sig: inspect.Signature, args, kwargs):
    """Inputs (positional or by name) and attributes of a call to a generated class."""
    try:
        bound = sig.bind_partial(*args, **kwargs)
    except TypeError as e:
        raise TypeError(f"{where}: {schema.name}: {e}") from None
    inputs = []
    for spec in schema.inputs:
        if spec.variadic:
            inputs.extend(bound.arguments.get(spec.name, ()))
        elif spec.name in bound.arguments:
            inputs.append(bound.arguments[spec.name])
        else:
            raise TypeError(f"{where}: {schema.name} needs the input '{spec.name}'")
    attrs = {a.name: bound.arguments[a.name] for a in schema.attributes if a.name in bound.arguments}
    return tuple(inputs), attrs


def _check_arity(where: str, schema: OpSchema, n: int) -> None:
    fixed = len(schema.inputs) - (1 if schema.variadic else 0)
    if n < fixed or (not schema.variadic and n != fixed):
        expected = f"at least {fixed}" if schema.variadic else str(fixed)
        names = ", ".join(i.name + ("..." if i.variadic else "") for i in schema.inputs)
        raise TypeError(f"{where}: {schema.name} takes {expected} input(s) ({names}), got {n}")


def _checked_attributes(where: str, schema: OpSchema, given: Dict[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for name, value in given.items():
        spec = schema.attribute(name)
        if spec is None:
            known = ", ".join(a.name for a in schema.attributes) or "none"
            raise TypeError(f"{where}: {schema.name} has no attribute '{name}' (attributes: {known})")
        out[name] = check_attribute(where, spec, value)
    for spec in schema.attributes:
        if spec.required and spec.name not in out:
            raise TypeError(f"{where}: {schema.name} needs the attribute '{spec.name}'")
    return out


def signature(schema: OpSchema, label_param: bool = True) -> inspect.Signature:
    """The Python signature of a generated op class: inputs positional, attributes keyword-only."""
    params = []
    for i in schema.inputs:
        kind = inspect.Parameter.VAR_POSITIONAL if i.variadic else inspect.Parameter.POSITIONAL_OR_KEYWORD
        params.append(inspect.Parameter(i.name, kind))
    for a in schema.attributes:
        default = inspect.Parameter.empty if a.required else a.default
        params.append(inspect.Parameter(a.name, inspect.Parameter.KEYWORD_ONLY, default=default))
    if label_param:
        params.append(inspect.Parameter("label", inspect.Parameter.KEYWORD_ONLY, default=None))
    return inspect.Signature(params)
