"""Inferred types, as the native type inference reports them (JSON) and macros see them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple


@dataclass(frozen=True)
class Type:
    """A value's type: ``kind`` is "tensor", "string", "list", "any" or "none".

    Tensors have ``dtype`` (a name such as "f32", or None if unknown) and ``shape``
    (a tuple with None for unknown sizes, or None if even the rank is unknown).
    Lists have ``element`` (a Type) and ``length`` (None if unknown).
    """

    kind: str
    dtype: Optional[str] = None
    shape: Optional[Tuple[Optional[int], ...]] = None
    element: Optional["Type"] = None
    length: Optional[int] = None

    @staticmethod
    def from_json(obj: dict) -> "Type":
        kind = obj.get("kind", "any")
        if kind == "tensor":
            shape = obj.get("shape")
            if shape is not None:
                shape = tuple(None if d < 0 else int(d) for d in shape)
            return Type("tensor", dtype=obj.get("dtype"), shape=shape)
        if kind == "list":
            length = obj.get("length", -1)
            element = Type.from_json(obj["element"]) if obj.get("element") else Type("any")
            return Type("list", element=element, length=None if length is None or length < 0 else length)
        return Type(kind)

    # convenience predicates
    @property
    def is_tensor(self) -> bool:
        return self.kind == "tensor"

    @property
    def is_scalar(self) -> bool:
        return self.kind == "tensor" and self.shape == ()

    @property
    def is_string(self) -> bool:
        return self.kind == "string"

    @property
    def is_list(self) -> bool:
        return self.kind == "list"

    @property
    def is_any(self) -> bool:
        return self.kind == "any"

    @property
    def rank(self) -> Optional[int]:
        return len(self.shape) if self.kind == "tensor" and self.shape is not None else None

    def __repr__(self) -> str:
        return f"Type({self})"

    def __str__(self) -> str:
        if self.kind == "tensor":
            dt = self.dtype or "tensor"
            if self.shape is None:
                return f"{dt}[...]"
            return f"{dt}[{','.join('?' if d is None else str(d) for d in self.shape)}]"
        if self.kind == "list":
            n = "" if self.length is None else f"[{self.length}]"
            return f"list<{self.element}>{n}"
        return self.kind
