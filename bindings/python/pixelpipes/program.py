"""A loaded, verified program (the native ``pxp_program``) and its description."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from . import dtypes
from ._lib import ffi, lib
from .errors import check
from .types import Type


@dataclass(frozen=True)
class OutputInfo:
    """One named output: ``kind`` ("tensor", "string", "list" or None if unknown), ``dtype`` (name
    or None), ``shape`` (tuple with None for unknown sizes, or None), and the full ``type``."""

    name: str
    kind: Optional[str]
    dtype: Optional[str]
    shape: Optional[Tuple[Optional[int], ...]]
    type: Type

    def __repr__(self) -> str:
        return f"OutputInfo({self.name!r}, {self.type})"


_KINDS = {lib.PXP_VALUE_TENSOR: "tensor", lib.PXP_VALUE_STRING: "string", lib.PXP_VALUE_LIST: "list"}


class Program:
    """Program bytes, parsed and verified by the library (immutable, shareable)."""

    def __init__(self, data: bytes):
        self.data = bytes(data)
        out = ffi.new("pxp_program **")
        check(lib.pxp_program_load(out, self.data, len(self.data)))
        self._adopt(out[0])

    @classmethod
    def from_file(cls, path: "os.PathLike[str] | str") -> "Program":
        """The program file at ``path``, read by the library (``pxp_program_load_file``): file paths
        that ``pixelpipes.save`` stored relative to the file are joined with its folder. ``data``
        is then the resolved bytes (absolute paths), which load the same program anywhere."""
        out = ffi.new("pxp_program **")
        check(lib.pxp_program_load_file(out, os.fsencode(path)))
        program = cls.__new__(cls)
        program._adopt(out[0])
        data = ffi.new("const void **")
        size = ffi.new("size_t *")
        check(lib.pxp_program_bytes(data, size, program.handle))
        program.data = bytes(ffi.buffer(ffi.cast("const char *", data[0]), size[0]))
        return program

    def _adopt(self, handle) -> None:
        self.handle = ffi.gc(handle, lib.pxp_program_free)
        self._description: Optional[Dict[str, Any]] = None
        self._outputs: Optional[List[OutputInfo]] = None

    @property
    def saved_seed(self) -> Optional[int]:
        """The seed ``pixelpipes.save`` recorded with the program, or None."""
        seed = ffi.new("uint64_t *")
        return int(seed[0]) if check(lib.pxp_program_saved_seed(seed, self.handle)) == lib.PXP_OK else None

    @property
    def description(self) -> Dict[str, Any]:
        """The library's JSON description: instructions with inferred types, outputs, metadata."""
        if self._description is None:
            ptr = ffi.new("const char **")
            check(lib.pxp_program_describe(ptr, self.handle))
            self._description = json.loads(ffi.string(ptr[0]).decode("utf-8", "replace"))
        return self._description

    @property
    def instructions(self) -> List[Dict[str, Any]]:
        return self.description["instructions"]

    def instruction_count(self) -> int:
        n = ffi.new("size_t *")
        check(lib.pxp_program_instruction_count(n, self.handle))
        return n[0]

    @property
    def outputs(self) -> List[OutputInfo]:
        if self._outputs is None:
            n = ffi.new("size_t *")
            check(lib.pxp_program_output_count(n, self.handle))
            info = ffi.new("pxp_output_info *")
            outs = []
            for i in range(n[0]):
                check(lib.pxp_program_output(info, self.handle, i))
                kind = _KINDS.get(info.kind)
                dtype = dtypes.from_code(info.dtype) if info.dtype >= 0 else None
                shape = (tuple(None if info.shape[d] < 0 else int(info.shape[d]) for d in range(info.ndim))
                         if info.ndim >= 0 else None)
                typ = Type.from_json(json.loads(ffi.string(info.type_json).decode()))
                outs.append(OutputInfo(ffi.string(info.name).decode(), kind, dtype, shape, typ))
            self._outputs = outs
        return self._outputs

    @property
    def output_names(self) -> List[str]:
        return [o.name for o in self.outputs]

    @property
    def metadata(self) -> Dict[str, Any]:
        return self.description.get("metadata", {})
