"""The native op registry: every op's schema, read once from the library as JSON."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from ._lib import ffi, lib
from .errors import check


@dataclass(frozen=True)
class AttrSpec:
    name: str
    type: str                 # bool int float string int_list float_list dtype enum
    required: bool
    default: Any = None
    min: Optional[float] = None
    max: Optional[float] = None
    choices: Tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class InputSpec:
    name: str
    doc: str = ""
    variadic: bool = False


@dataclass(frozen=True)
class OpSchema:
    name: str
    doc: str
    inputs: Tuple[InputSpec, ...]
    attributes: Tuple[AttrSpec, ...]
    output: str
    random: bool
    pure: bool
    control: str
    raw: Dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def family(self) -> str:
        return self.name.rsplit(".", 1)[0] if "." in self.name else ""

    @property
    def short_name(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def variadic(self) -> bool:
        return bool(self.inputs) and self.inputs[-1].variadic

    def attribute(self, name: str) -> Optional[AttrSpec]:
        for a in self.attributes:
            if a.name == name:
                return a
        return None

    @staticmethod
    def from_json(obj: Dict[str, Any]) -> "OpSchema":
        inputs = tuple(InputSpec(i["name"], i.get("doc", ""), bool(i.get("variadic", False)))
                       for i in obj.get("inputs", []))
        attrs = tuple(AttrSpec(a["name"], a["type"], bool(a.get("required", "default" not in a)),
                               a.get("default"), a.get("min"), a.get("max"), tuple(a.get("choices", ())),
                               a.get("doc", ""))
                      for a in obj.get("attributes", []))
        return OpSchema(obj["name"], obj.get("doc", ""), inputs, attrs, obj.get("output", ""),
                        bool(obj.get("random", False)), bool(obj.get("pure", True)),
                        obj.get("control", "none"), obj)


_cache: Optional[Dict[str, OpSchema]] = None


def schemas() -> Dict[str, OpSchema]:
    """All registered ops by name (sorted), read from the library on first use."""
    global _cache
    if _cache is None:
        count = ffi.new("size_t *")
        check(lib.pxp_registry_count(count))
        name_ptr = ffi.new("const char **")
        out: Dict[str, OpSchema] = {}
        for i in range(count[0]):
            check(lib.pxp_registry_name(name_ptr, i))
            name = ffi.string(name_ptr[0]).decode()
            schema_ptr = ffi.new("const char **")
            check(lib.pxp_registry_schema(schema_ptr, name.encode()))
            out[name] = OpSchema.from_json(json.loads(ffi.string(schema_ptr[0]).decode()))
        _cache = out
    return _cache


def schema(name: str) -> OpSchema:
    """The schema of one op; UnknownOpError if no op has that name."""
    try:
        return schemas()[name]
    except KeyError:
        from .errors import UnknownOpError
        raise UnknownOpError(f"unknown op '{name}': no registered op has this name") from None


def has(name: str) -> bool:
    return name in schemas()


def names() -> List[str]:
    return list(schemas())
