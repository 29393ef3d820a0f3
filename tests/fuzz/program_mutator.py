"""Structural mutations of a decoded pixelpipes program (docs/program-format.md).

A program is one msgpack map; `decode` turns its bytes into plain Python (dicts, lists, ints,
floats, str, bytes), `ProgramMutator.mutate` changes a few of its fields in place, and `encode`
writes it back. The mutations keep the msgpack well formed and most of the structure intact, so
that many mutants get past the reader and the verifier and reach the ops at run time: that is
where a byte-level fuzzer (tests/fuzz/fuzz_program_load.cpp) rarely gets.

Everything here is pure Python (msgpack only): the fuzz driver (structural_fuzz.py) mutates in its
own process and never loads the library there. The op schemas come from the registry
(`pixelpipes.registry.schemas()`, as the raw JSON dicts of `pxp_registry_schema`), read once by
a subprocess. Every random choice comes from the `random.Random` passed in, so a mutant is a
pure function of (seed program, schemas, rng seed).
"""
from __future__ import annotations

import math
import random
from typing import Any, Callable, Dict, List, Optional, Tuple

import msgpack

# --------------------------------------------------------------------------- encoding

U64_MAX = 2 ** 64 - 1
I64_MIN = -2 ** 63
I64_MAX = 2 ** 63 - 1


def decode(data: bytes) -> Dict[str, Any]:
    """The program map of `data` (strings as str, tensor data as bytes)."""
    return msgpack.unpackb(data, raw=False, strict_map_key=False)


def encode(doc: Dict[str, Any]) -> bytes:
    """msgpack bytes of a (mutated) program, str as msgpack str and bytes as bin."""
    return msgpack.packb(doc, use_bin_type=True)


# --------------------------------------------------------------------------- interesting values

# Integers around the edges the library must handle: signs, 32/64-bit limits, the format's limits
# (2^16 inputs, 2^20 instructions, 2^24 container elements, 2^34 per dimension).
INTERESTING_INTS = [0, 1, -1, 2, 3, 7, 255, 256, 65535, 65536, 2 ** 16 + 1, 2 ** 20, 2 ** 24, 2 ** 24 + 1,
                    2 ** 31 - 1, 2 ** 31, -2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 34, 2 ** 34 + 1, 2 ** 53 + 1,
                    I64_MAX, I64_MIN, 2 ** 63, U64_MAX]
INTERESTING_FLOATS = [0.0, -0.0, 0.5, -1.0, 1e-300, 5e-324, 1e308, -1e308, 3.4028235e38, 2.0 ** 31, 2.0 ** 63,
                      2.0 ** 64, float("nan"), float("inf"), float("-inf"), 1e-7, 1e7]
# Shapes for `shape`-like attributes and constants: no elements but huge dimensions, more than
# PXP_MAX_DIMS (8) dimensions, 8 exactly, the 2^34 per-dimension limit and sizes past 16 GiB.
INTERESTING_SHAPES = [[], [0], [1], [2 ** 34, 0], [0, 2 ** 34], [2 ** 34 + 1, 0], [2 ** 31, 0, 2 ** 31],
                      [1] * 8, [1] * 9, [2] * 8, [0] * 9, [2 ** 31], [2 ** 31, 2 ** 31], [65536, 65536],
                      [2 ** 16, 2 ** 15], [-1], [-1, 2], [I64_MAX], [U64_MAX], [3, 0, 5], [1, 1, 1, 0],
                      [2 ** 34, 0, 3], [0, 2 ** 34, 3], [2 ** 34, 2 ** 34, 0], [1, 2 ** 34], [2 ** 34, 1],
                      [46341, 46341], [1, 1, 2 ** 31]]
# Strings for string constants and string attributes; the file names are what io.read_file may
# be pointed at (a directory, devices, an endless file, a missing one).
INTERESTING_STRINGS = ["", "a", "\x00", "x" * 70000, "\u00ff\u0100\U0001f600", "/", ".", "..", "/dev/null",
                       "/dev/zero", "/proc/self/maps", "/nonexistent/file", "%s%n", "-1", "1e400", "nan"]
DTYPES = ["u8", "i8", "u16", "i16", "i32", "i64", "f32", "f64", "bool"]
DTYPE_SIZE = {"u8": 1, "i8": 1, "u16": 2, "i16": 2, "i32": 4, "i64": 8, "f32": 4, "f64": 8, "bool": 1}
# Values of the wrong msgpack type for any field (nil and maps are never valid attribute values).
WRONG_TYPES: List[Any] = [None, True, False, 0, -1, 1.5, "x", "", b"\x00\x01", [], [1, 2], [[1]], {}, {"a": 1},
                          ["a", 1], [None], [1.5, "a"]]


def _fits_msgpack(v: int) -> bool:
    return I64_MIN <= v <= U64_MAX


def _pack_scalar(dtype: str, value: Any) -> bytes:
    """Little-endian bytes of one element of `dtype` (wrapping integers as a C cast would)."""
    import struct
    if dtype in ("f32", "f64"):
        try:
            return struct.pack("<f" if dtype == "f32" else "<d", float(value))
        except OverflowError:  # a float beyond f32's range
            return struct.pack("<f", math.copysign(math.inf, float(value)))
    size = DTYPE_SIZE[dtype]
    v = int(value) if not (isinstance(value, float) and not math.isfinite(value)) else 0
    return (v % (1 << (8 * size))).to_bytes(size, "little")


def _element_values(dtype: str) -> List[Any]:
    """Interesting values for one element of a tensor constant of `dtype`."""
    if dtype in ("f32", "f64"):
        return INTERESTING_FLOATS + [1.0, 2.0, 100.0, -100.0]
    if dtype == "bool":
        return [0, 1, 2, 255]
    bits = 8 * DTYPE_SIZE[dtype]
    signed = dtype.startswith("i")
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    return [lo, hi, lo + 1, hi - 1, 0, 1, -1, 2, 3, 255, 65536, 2 ** 31, 2 ** 34]


# --------------------------------------------------------------------------- types

def type_tag(t: Optional[Dict[str, Any]]) -> Optional[str]:
    """A coarse tag of a type from pxp_program_describe ("tensor:u8:3", "string", "list:tensor"):
    kind, dtype and rank, enough to pick an input slot an op is likely to accept. None for a jump
    or an unknown type."""
    if not isinstance(t, dict):
        return None
    kind = t.get("kind")
    if kind == "tensor":
        shape = t.get("shape")
        return f"tensor:{t.get('dtype')}:{len(shape) if isinstance(shape, list) else '?'}"
    if kind == "list":
        return f"list:{(t.get('element') or {}).get('kind')}"
    return kind


# --------------------------------------------------------------------------- schemas

class Schemas:
    """What the mutator needs from the registry: inputs, attributes and control of every op."""

    def __init__(self, raw: Dict[str, Dict[str, Any]]):
        self.raw = raw
        self.names = sorted(raw)
        # ops that run as ordinary instructions (not constants, jumps, branches or merges)
        self.plain = [n for n in self.names if raw[n].get("control", "none") == "none"]
        self.enum_choices = sorted({c for s in raw.values() for a in s.get("attributes", [])
                                    for c in a.get("choices", [])})
        # op -> the input type tags it was seen with in the (valid) seeds
        self.usage: Dict[str, List[Tuple[Optional[str], ...]]] = {}

    def learn(self, doc: Dict[str, Any], types: Optional[List[Optional[str]]]) -> None:
        """Records the input types of every instruction of a valid seed program."""
        if not types:
            return
        for ins in doc.get("instructions", []):
            inputs = ins.get("inputs") or []
            if inputs and all(isinstance(x, int) and 0 <= x < len(types) for x in inputs):
                tags = tuple(types[x] for x in inputs)
                seen = self.usage.setdefault(ins["op"], [])
                if tags not in seen:
                    seen.append(tags)

    def attributes(self, op: str) -> List[Dict[str, Any]]:
        s = self.raw.get(op)
        return list(s.get("attributes", [])) if s else []

    def attribute(self, op: str, name: str) -> Optional[Dict[str, Any]]:
        for a in self.attributes(op):
            if a["name"] == name:
                return a
        return None

    def accepts(self, op: str, count: int) -> bool:
        """Whether `op` takes `count` inputs (exactly its inputs, or at least the fixed ones when
        the last is variadic)."""
        inputs = self.raw[op].get("inputs", [])
        if inputs and inputs[-1].get("variadic"):
            return count >= len(inputs) - 1
        return count == len(inputs)

    def arity(self, op: str) -> Tuple[int, bool]:
        inputs = self.raw[op].get("inputs", [])
        return len(inputs), bool(inputs and inputs[-1].get("variadic"))

    def control(self, op: str) -> str:
        s = self.raw.get(op)
        return s.get("control", "none") if s else "none"


def plausible_value(spec: Dict[str, Any], rng: random.Random) -> Any:
    """A value the verifier accepts for attribute `spec` (its default, or one inside its range)."""
    if "default" in spec and rng.random() < 0.7:
        return spec["default"]
    kind = spec["type"]
    lo, hi = spec.get("min"), spec.get("max")
    if kind in ("enum", "dtype"):
        return rng.choice(spec.get("choices") or ["x"])
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "string":
        return "x"
    if kind == "int":
        lo = -4 if lo is None else int(lo)
        hi = 8 if hi is None else int(min(hi, lo + 8))
        return rng.randint(lo, max(lo, hi))
    if kind == "float":
        lo = -1.0 if lo is None else float(lo)
        hi = 2.0 if hi is None else float(min(hi, lo + 2.0))
        return rng.uniform(lo, max(lo, hi))
    if kind == "int_list":
        return rng.choice([[], [2], [2, 3], [1, 0]])
    if kind == "float_list":
        return rng.choice([[], [0.5], [0.5, 0.25, 0.25]])
    return 0


def _edges_inside(kind: str, lo: Optional[float], hi: Optional[float]) -> List[Any]:
    """Values within [lo, hi] (either may be open) at or next to its ends."""
    if kind == "int":
        lo_i = I64_MIN if lo is None else int(max(lo, I64_MIN))
        hi_i = I64_MAX if hi is None else int(min(hi, U64_MAX))
        pool = [lo_i, lo_i + 1, hi_i, hi_i - 1, 0, 1, 2 ** 31, 2 ** 16, 2 ** 24]
        return [v for v in pool if lo_i <= v <= hi_i]
    lo_f = -1e308 if lo is None else float(lo)
    hi_f = 1e308 if hi is None else float(hi)
    pool = [lo_f, hi_f, lo_f + 1e-6, hi_f - 1e-6, 0.0, 1e-30, 2.0 ** 31, 1e9, (lo_f + hi_f) / 2]
    return [v for v in pool if lo_f <= v <= hi_f]


def interesting_value(spec: Optional[Dict[str, Any]], rng: random.Random, schemas: Schemas) -> Any:
    """A value for attribute `spec` (None: an attribute the op does not declare) that sits on or
    past its edges: range bounds and their neighbours, 2^31, 2^63-1, 2^64-1, NaN, infinities,
    empty or giant lists, other ops' enum choices, or a value of the wrong type."""
    if spec is None or rng.random() < 0.12:
        return rng.choice(WRONG_TYPES + INTERESTING_INTS[:6] + ["x"])
    kind = spec["type"]
    lo, hi = spec.get("min"), spec.get("max")
    if kind in ("int", "float") and rng.random() < 0.45:
        # a value the verifier accepts, at the ends of the range (or huge where it is open)
        return rng.choice(_edges_inside(kind, lo, hi))
    if kind == "int":
        edges = [int(b) + d for b in (lo, hi) if b is not None and math.isfinite(b) for d in (-1, 0, 1)]
        pool = INTERESTING_INTS + [v for v in edges if _fits_msgpack(v)]
        return rng.choice(pool) if rng.random() < 0.85 else rng.choice(INTERESTING_FLOATS)
    if kind == "float":
        edges = [float(b) + d for b in (lo, hi) if b is not None for d in (-1e-9, 0.0, 1e-9)]
        pool = INTERESTING_FLOATS + edges
        return rng.choice(pool) if rng.random() < 0.8 else rng.choice(INTERESTING_INTS)
    if kind == "bool":
        return rng.choice([0, 1, 2, "true", None, 0.0])
    if kind in ("enum", "dtype"):
        return rng.choice(DTYPES + schemas.enum_choices + ["", "F32", "f16", "x" * 300, "linear\x00"])
    if kind == "string":
        return rng.choice(INTERESTING_STRINGS)
    if kind == "int_list":
        choice = rng.random()
        if choice < 0.45:
            return list(rng.choice(INTERESTING_SHAPES))
        if choice < 0.55:
            return [rng.choice(INTERESTING_INTS) for _ in range(rng.randint(1, 4))]
        if choice < 0.65:
            return [1] * rng.choice([100000, 2 ** 16 + 1])  # a giant list
        if choice < 0.8:
            return [rng.randint(-3, 9) for _ in range(rng.randint(0, 10))]
        return rng.choice([[1.5], [1, "a"], [[1]], [None], [True]])
    if kind == "float_list":
        choice = rng.random()
        if choice < 0.5:
            return [rng.choice(INTERESTING_FLOATS) for _ in range(rng.randint(0, 6))]
        if choice < 0.6:
            return [0.5] * rng.choice([100000, 2 ** 16 + 1])
        if choice < 0.8:
            return [rng.uniform(-2, 2) for _ in range(rng.randint(0, 12))]
        return rng.choice([["a"], [[0.5]], [None], [U64_MAX, I64_MIN]])
    return rng.choice(WRONG_TYPES)


# --------------------------------------------------------------------------- the mutator

class ProgramMutator:
    """Applies random structural mutations to a decoded program.

    Each mutation is a method that changes `doc` in place and returns a one-line description
    (kept with a finding), or None when it does not apply to this program (then another one is
    drawn). `WEIGHTS` says how often each is drawn."""

    WEIGHTS = {
        "attribute_value": 5,      # an attribute gets an edge value or a wrong type
        "attribute_set": 1,        # an attribute removed, or one the op does not declare added
        "output_type": 3,          # dtype / shape attributes: where a program declares output types
        "op_swap": 4,              # another op with the same number of inputs
        "input_redirect": 4,       # an input reads another slot (earlier, itself, later, past the end)
        "input_count": 1,          # an input added or removed
        "jump_target": 2,          # a jump or branch moved; a branch turned into a jump
        "constant_value": 4,       # elements of a tensor constant set to edge values
        "constant_shape": 3,       # shape / dtype / data of a tensor constant
        "constant_other": 2,       # strings and lists in the constant table
        "expose_slot": 4,          # a new output naming any slot (intermediate values leave)
        "outputs": 1,              # outputs removed, renamed, emptied, pointed at jumps or nowhere
        "splice": 3,               # a new instruction of a random op on earlier slots
        "duplicate": 1,            # an instruction copied to the end
        "version": 0.5,            # the format version
        "instruction_fields": 0.5,  # key / label / source / unknown fields / wrong field types
        "metadata": 0.5,           # pixelpipes.seed and other metadata
    }

    def __init__(self, schemas: Schemas):
        self.schemas = schemas
        self._names = list(self.WEIGHTS)
        self._weights = [self.WEIGHTS[n] for n in self._names]

    def mutate(self, doc: Dict[str, Any], rng: random.Random, count: int,
               types: Optional[List[Optional[str]]] = None) -> List[str]:
        """Applies `count` mutations to `doc` (in place); returns their descriptions. `types`: the
        type tag of each slot of the seed (type_tag), used to pick inputs an op likely accepts."""
        self._types = types or []
        done: List[str] = []
        tries = 0
        while len(done) < count and tries < count * 20:
            tries += 1
            name = rng.choices(self._names, self._weights)[0]
            try:
                what = getattr(self, name)(doc, rng)
            except (KeyError, IndexError, TypeError, AttributeError, ValueError):
                # an earlier mutation broke the structure this one expected: fine, draw another
                what = None
            if what:
                done.append(f"{name}: {what}")
        return done

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _instructions(doc) -> list:
        ins = doc.get("instructions")
        return ins if isinstance(ins, list) else []

    def _pick_instruction(self, doc, rng, where: Callable[[dict], bool] = lambda i: True):
        """(index, instruction) of a random instruction that satisfies `where`, or (None, None)."""
        cands = [(k, i) for k, i in enumerate(self._instructions(doc)) if isinstance(i, dict) and where(i)]
        return rng.choice(cands) if cands else (None, None)

    def _value_slots(self, doc, before: int) -> List[int]:
        """Slots before `before` that hold values (not jumps or branches)."""
        out = []
        for k, i in enumerate(self._instructions(doc)[:before]):
            if isinstance(i, dict) and self.schemas.control(i.get("op")) not in ("jump", "branch"):
                out.append(k)
        return out

    def _tag(self, slot: Any) -> Optional[str]:
        return self._types[slot] if isinstance(slot, int) and 0 <= slot < len(self._types) else None

    def _slot_like(self, doc, before: int, tag: Optional[str], rng) -> Optional[int]:
        """An earlier value slot whose seed type is `tag` (or the same kind and dtype), or None."""
        if tag is None:
            return None
        slots = self._value_slots(doc, before)
        same = [s for s in slots if self._tag(s) == tag]
        if not same:
            loose = tag.rsplit(":", 1)[0]
            same = [s for s in slots if (self._tag(s) or "").startswith(loose)]
        return rng.choice(same) if same else None

    def _fill_attributes(self, op: str, old: dict, rng) -> dict:
        """Attributes for `op`: the old ones it also declares, plausible values for the rest it
        requires (defaults fill in the others)."""
        attrs = {}
        for spec in self.schemas.attributes(op):
            if spec["name"] in old and rng.random() < 0.8:
                attrs[spec["name"]] = old[spec["name"]]
            elif spec.get("required", "default" not in spec) or rng.random() < 0.3:
                attrs[spec["name"]] = plausible_value(spec, rng)
        return attrs

    def _tensor_constants(self, doc) -> List[dict]:
        """Every tensor constant, also those inside list constants."""
        out = []

        def walk(c):
            if isinstance(c, dict):
                if c.get("kind") == "tensor":
                    out.append(c)
                elif c.get("kind") == "list" and isinstance(c.get("items"), list):
                    for x in c["items"]:
                        walk(x)
        for c in doc.get("constants") or []:
            walk(c)
        return out

    # -- attributes ----------------------------------------------------------------------------
    def attribute_value(self, doc, rng):
        k, ins = self._pick_instruction(doc, rng, lambda i: bool(i.get("attributes")) or
                                        bool(self.schemas.attributes(i.get("op"))))
        if ins is None:
            return None
        attrs = ins.setdefault("attributes", {})
        if not isinstance(attrs, dict):
            return None
        declared = [a["name"] for a in self.schemas.attributes(ins.get("op"))]
        name = rng.choice(sorted(set(declared) | set(attrs)))
        value = interesting_value(self.schemas.attribute(ins.get("op"), name), rng, self.schemas)
        attrs[name] = value
        return f"instruction {k} ({ins.get('op')}) attribute {name} = {_short(value)}"

    def attribute_set(self, doc, rng):
        k, ins = self._pick_instruction(doc, rng)
        if ins is None or not isinstance(ins.setdefault("attributes", {}), dict):
            return None
        attrs = ins["attributes"]
        if attrs and rng.random() < 0.5:
            name = rng.choice(sorted(attrs))
            del attrs[name]
            return f"instruction {k} ({ins.get('op')}) attribute {name} removed"
        name = rng.choice(["bogus", "", "index", "target", "shape", "dtype", "x" * 200])
        attrs[name] = rng.choice(WRONG_TYPES + [3])
        return f"instruction {k} ({ins.get('op')}) attribute {name!r} added"

    def output_type(self, doc, rng):
        """The 'declared output type' of an op: its dtype / enum type and shape-like lists."""
        def typed(i):
            return any(a["type"] in ("dtype", "int_list") or a["name"] in ("dtype", "output", "mode")
                       for a in self.schemas.attributes(i.get("op")))
        k, ins = self._pick_instruction(doc, rng, typed)
        if ins is None:
            return None
        specs = [a for a in self.schemas.attributes(ins["op"])
                 if a["type"] in ("dtype", "int_list") or a["name"] in ("dtype", "output", "mode")]
        spec = rng.choice(specs)
        if spec["type"] == "int_list":
            value = list(rng.choice(INTERESTING_SHAPES)) if rng.random() < 0.7 else \
                [rng.randint(0, 6) for _ in range(rng.randint(0, 9))]
        elif rng.random() < 0.75 and spec.get("choices"):
            value = rng.choice(spec["choices"])  # another valid choice: passes the verifier
        else:
            value = rng.choice(DTYPES + ["f16", "", "u64"])
        ins.setdefault("attributes", {})[spec["name"]] = value
        return f"instruction {k} ({ins['op']}) {spec['name']} = {_short(value)}"

    # -- ops and inputs ------------------------------------------------------------------------
    def op_swap(self, doc, rng):
        k, ins = self._pick_instruction(doc, rng, lambda i: isinstance(i.get("inputs", []), list))
        if ins is None:
            return None
        n = len(ins.get("inputs", []))
        old = ins.get("op")
        if rng.random() < 0.05:
            new = rng.choice(["", "math.nope", "math.add\x00", "MATH.ADD", "core.constant ", 7])
        else:
            cands = [o for o in self.schemas.names if o != old and self.schemas.accepts(o, n)]
            tags = tuple(self._tag(x) for x in ins.get("inputs", []))
            typed = [o for o in cands if tags in self.schemas.usage.get(o, [])]
            if typed and rng.random() < 0.6:
                cands = typed  # ops that take these input types: the swap likely loads
            if not cands:
                return None
            new = rng.choice(cands)
        ins["op"] = new
        if isinstance(new, str) and new in self.schemas.raw and rng.random() < 0.8:
            ins["attributes"] = self._fill_attributes(new, ins.get("attributes") or {}, rng)
        return f"instruction {k} op {old} -> {new!r}"

    def input_redirect(self, doc, rng):
        k, ins = self._pick_instruction(doc, rng, lambda i: isinstance(i.get("inputs"), list) and i["inputs"])
        if ins is None:
            return None
        pos = rng.randrange(len(ins["inputs"]))
        n = len(self._instructions(doc))
        r = rng.random()
        earlier = self._value_slots(doc, k)
        like = self._slot_like(doc, k, self._tag(ins["inputs"][pos]), rng) if r < 0.5 else None
        if like is not None:
            slot = like                                     # another value of the same type
        elif r < 0.8 and earlier:
            slot = rng.choice(earlier)                      # valid by the DAG rule: reaches the types
        else:
            slot = rng.choice([k, k + 1, n - 1, n, n + 1, -1, 2 ** 16, 2 ** 32, U64_MAX, 1.0, "0", None])
        ins["inputs"][pos] = slot
        return f"instruction {k} ({ins.get('op')}) input {pos} -> {slot!r}"

    def input_count(self, doc, rng):
        k, ins = self._pick_instruction(doc, rng, lambda i: isinstance(i.get("inputs", []), list))
        if ins is None:
            return None
        inputs = ins.setdefault("inputs", [])
        if inputs and rng.random() < 0.5:
            del inputs[rng.randrange(len(inputs))]
            return f"instruction {k} ({ins.get('op')}) lost an input"
        earlier = self._value_slots(doc, k)
        if not earlier:
            return None
        extra = rng.choice([1, 1, 2, 100])
        for _ in range(extra):
            inputs.insert(rng.randint(0, len(inputs)), rng.choice(earlier))
        return f"instruction {k} ({ins.get('op')}) got {extra} more input(s)"

    def jump_target(self, doc, rng):
        k, ins = self._pick_instruction(doc, rng, lambda i: self.schemas.control(i.get("op")) in ("jump", "branch"))
        if ins is None:
            return None
        n = len(self._instructions(doc))
        if ins["op"] == "flow.branch" and rng.random() < 0.15:
            ins["op"], ins["inputs"] = "flow.jump", []
            return f"instruction {k} branch -> unconditional jump"
        target = rng.choice([k + 1, k + 2, n, n - 1, rng.randint(k + 1, max(k + 1, n)), k, k - 1, 0, n + 1, -1,
                             U64_MAX, 2 ** 32 + k + 1, float(n)])
        ins.setdefault("attributes", {})["target"] = target
        return f"instruction {k} ({ins['op']}) target -> {target!r} (n = {n})"

    # -- constants -----------------------------------------------------------------------------
    def constant_value(self, doc, rng):
        tensors = [c for c in self._tensor_constants(doc) if c.get("dtype") in DTYPE_SIZE
                   and isinstance(c.get("data"), bytes) and c["data"]]
        if not tensors:
            return None
        c = rng.choice(tensors)
        size = DTYPE_SIZE[c["dtype"]]
        data = bytearray(c["data"])
        count = len(data) // size
        values = _element_values(c["dtype"])
        changed = 0
        for _ in range(rng.choice([1, 1, 2, count])):
            e = rng.randrange(count)
            data[e * size:(e + 1) * size] = _pack_scalar(c["dtype"], rng.choice(values))
            changed += 1
        if rng.random() < 0.1:  # or all of it random bytes
            data = bytearray(rng.getrandbits(8) for _ in range(len(data)))
        c["data"] = bytes(data)
        return f"{changed} element(s) of a {c['dtype']}{c.get('shape')} constant"

    def constant_shape(self, doc, rng):
        tensors = self._tensor_constants(doc)
        if not tensors:
            return None
        c = rng.choice(tensors)
        r = rng.random()
        old = (c.get("dtype"), c.get("shape"))
        if r < 0.3:
            # a huge, empty or over-ranked shape; data to match when it has no elements
            shape = list(rng.choice(INTERESTING_SHAPES))
            c["shape"] = shape
            if 0 in shape:
                c["data"] = b""
        elif r < 0.55:
            # same elements in another arrangement (a valid constant with a new rank)
            n = math.prod(c.get("shape") or [1]) if isinstance(c.get("shape"), list) else 1
            c["shape"] = rng.choice([[n], [1, n], [n, 1], [1] * 7 + [n], [1] * 8 + [n], [n, 1, 1], []
                                     if n == 1 else [n, 1, 1, 1]])
        elif r < 0.8:
            # another dtype, data resized to stay consistent (or left as it is)
            dtype = rng.choice(DTYPES)
            n = len(c.get("data", b"")) // DTYPE_SIZE.get(c.get("dtype"), 1)
            c["dtype"] = dtype
            if rng.random() < 0.85:
                c["data"] = (c.get("data", b"") * 8)[:n * DTYPE_SIZE[dtype]].ljust(n * DTYPE_SIZE[dtype], b"\0")
        else:
            # data that does not match the shape, or a field of the wrong type
            field = rng.choice(["data", "shape", "dtype", "kind"])
            c[field] = rng.choice([b"", b"\0" * 3, rng.choice(WRONG_TYPES), "tensor", "f16"])
        return f"tensor constant {old} -> ({_short(c.get('dtype'))}, {_short(c.get('shape'))})"

    def constant_other(self, doc, rng):
        consts = doc.get("constants")
        if not isinstance(consts, list):
            return None
        r = rng.random()
        strings = [c for c in consts if isinstance(c, dict) and c.get("kind") == "string"]
        lists = [c for c in consts if isinstance(c, dict) and c.get("kind") == "list"]
        if r < 0.35 and strings:
            c = rng.choice(strings)
            c["value"] = rng.choice(INTERESTING_STRINGS)
            return f"string constant = {_short(c['value'])}"
        if r < 0.8 and lists:
            c = rng.choice(lists)
            items = c.get("items")
            if not isinstance(items, list):
                return None
            op = rng.choice(["empty", "drop", "dup", "nest", "mix", "many"])
            if op == "empty":
                items.clear()
            elif op == "drop" and items:
                del items[rng.randrange(len(items))]
            elif op == "dup" and items:
                items.append(rng.choice(items))
            elif op == "nest":
                c["items"] = [{"kind": "list", "items": items}]
            elif op == "mix":
                items.append(rng.choice([{"kind": "string", "value": "s"},
                                         {"kind": "tensor", "dtype": "f64", "shape": [2], "data": b"\0" * 16},
                                         {"kind": "list", "items": []}]))
            elif op == "many" and items:
                # long, but not so long that converting a sample to Python alone takes seconds
                c["items"] = (items * rng.choice([64, 4096]))[:2 ** 16]
            return f"list constant: {op}"
        # a constant replaced by a different kind, or a new constant at the end of the table
        new = rng.choice([{"kind": "string", "value": rng.choice(INTERESTING_STRINGS)},
                          {"kind": "list", "items": []},
                          {"kind": "tensor", "dtype": "u8", "shape": [2 ** 34, 0], "data": b""},
                          {"kind": "tensor", "dtype": "i64", "shape": [], "data": _pack_scalar("i64", -1)},
                          {"kind": "bogus"}, {}])
        if consts and rng.random() < 0.6:
            i = rng.randrange(len(consts))
            consts[i] = new
            return f"constant {i} replaced by {_short(new)}"
        consts.append(new)
        return f"constant appended: {_short(new)}"

    # -- outputs -------------------------------------------------------------------------------
    def expose_slot(self, doc, rng):
        """A new output naming a slot (any value slot; sometimes a jump), so that intermediate
        values (0-d scalars, lists, strings) go through sample, batch and padding code."""
        outputs = doc.get("outputs")
        n = len(self._instructions(doc))
        if not isinstance(outputs, dict) or n == 0:
            return None
        slots = self._value_slots(doc, n)
        slot = rng.choice(slots) if slots and rng.random() < 0.9 else rng.randrange(n)
        name = f"fuzz_{len(outputs)}"
        outputs[name] = slot
        return f"output {name} = slot {slot} ({self._instructions(doc)[slot].get('op')})"

    def outputs(self, doc, rng):
        outputs = doc.get("outputs")
        if not isinstance(outputs, dict):
            return None
        n = len(self._instructions(doc))
        r = rng.random()
        if r < 0.2:
            doc["outputs"] = {}
            return "outputs emptied"
        if r < 0.4 and outputs:
            name = rng.choice(sorted(outputs, key=str))
            del outputs[name]
            return f"output {name} removed"
        if r < 0.6 and outputs:
            name = rng.choice(sorted(outputs, key=str))
            new = rng.choice(["", "x" * 5000, "out\x00", 5, "fuzz"])
            outputs[new] = outputs.pop(name)
            return f"output {name} renamed to {_short(new)}"
        if r < 0.9:
            name = rng.choice(sorted(outputs, key=str)) if outputs else "out"
            slot = rng.choice([n, n + 1, -1, U64_MAX, "0", None, 1.5, max(n - 1, 0)])
            outputs[name] = slot
            return f"output {name} -> {slot!r}"
        doc["outputs"] = rng.choice([[], "out", None, {"a": [0]}])
        return f"outputs -> {_short(doc['outputs'])}"

    # -- new instructions ----------------------------------------------------------------------
    def splice(self, doc, rng):
        """A random plain op appended, reading random earlier value slots, and made an output."""
        ins_list = self._instructions(doc)
        slots = self._value_slots(doc, len(ins_list))
        if not slots:
            return None
        op = rng.choice(self.schemas.plain)
        fixed, variadic = self.schemas.arity(op)
        usage = self.schemas.usage.get(op)
        if usage and rng.random() < 0.8:
            # inputs of the types the op was seen with, where this program has such values
            inputs = []
            for tag in rng.choice(usage):
                like = self._slot_like(doc, len(ins_list), tag, rng)
                inputs.append(like if like is not None else rng.choice(slots))
        else:
            count = fixed - (1 if variadic else 0) + (rng.randint(0, 3) if variadic else 0)
            inputs = [rng.choice(slots) for _ in range(count)]
        attrs = self._fill_attributes(op, {}, rng)
        if attrs and rng.random() < 0.3:
            name = rng.choice(sorted(attrs))
            attrs[name] = interesting_value(self.schemas.attribute(op, name), rng, self.schemas)
        ins_list.append({"op": op, "inputs": inputs, "attributes": attrs, "key": rng.getrandbits(64),
                         "label": f"splice_{len(ins_list)}", "source": "structural_fuzz"})
        if isinstance(doc.get("outputs"), dict):
            doc["outputs"][f"splice_{len(ins_list) - 1}"] = len(ins_list) - 1
        return f"appended {op}{inputs} {_short(attrs)}"

    def duplicate(self, doc, rng):
        ins_list = self._instructions(doc)
        k, ins = self._pick_instruction(doc, rng, lambda i: self.schemas.control(i.get("op")) == "none")
        if ins is None:
            return None
        copy = dict(ins)
        copy["inputs"] = list(ins.get("inputs") or [])
        copy["attributes"] = dict(ins.get("attributes") or {})
        ins_list.append(copy)
        if isinstance(doc.get("outputs"), dict):
            doc["outputs"][f"dup_{len(ins_list) - 1}"] = len(ins_list) - 1
        return f"instruction {k} ({ins.get('op')}) copied to the end"

    # -- the rest ------------------------------------------------------------------------------
    def version(self, doc, rng):
        v = rng.choice([[1, 1], [1, 255], [1, U64_MAX], [2, 0], [0, 0], [0, 9], [1], [], [1, 0, 0], "1.0",
                        [-1, 0], [1, -1], None, [1.0, 0]])
        doc["version"] = v
        if v == [1, 1] or v == [1, 255]:
            doc[rng.choice(["future", "extra"])] = rng.choice(WRONG_TYPES)  # skipped by a newer minor
        return f"version = {v!r}"

    def instruction_fields(self, doc, rng):
        k, ins = self._pick_instruction(doc, rng)
        if ins is None:
            return None
        field = rng.choice(["key", "label", "source", "inputs", "attributes", "op", "unknown", "top"])
        if field == "key":
            ins["key"] = rng.choice([0, U64_MAX, -1, 1.5, "k", None])
        elif field in ("label", "source"):
            ins[field] = rng.choice(INTERESTING_STRINGS + [5, None, b"\xff"])
        elif field in ("inputs", "attributes", "op"):
            ins[field] = rng.choice(WRONG_TYPES)
        elif field == "unknown":
            ins["bogus"] = 1
        else:
            doc[rng.choice(["bogus", "Magic", "magic"])] = rng.choice(WRONG_TYPES + ["PXPP", "PXPQ"])
        return f"instruction {k} field {field}"

    def metadata(self, doc, rng):
        meta = doc.get("metadata")
        if not isinstance(meta, dict):
            meta = doc["metadata"] = {}
        r = rng.random()
        if r < 0.6:
            meta["pixelpipes.seed"] = rng.choice([0, U64_MAX, -1, 2 ** 63, 1.5, "1", None, [1]])
            return f"metadata pixelpipes.seed = {meta['pixelpipes.seed']!r}"
        if r < 0.8:
            meta["pixelpipes.relative_paths"] = rng.choice([
                {"base": "program_dir", "constants": {"0": "all"}},
                {"base": "program_dir", "constants": {"99": [[0]]}},
                {"base": "elsewhere"}, "all", None])
            return "metadata pixelpipes.relative_paths"
        doc["metadata"] = rng.choice([None, [], "x", {1: 2}, {"deep": [[[[[[1]]]]]]}])
        return f"metadata = {_short(doc['metadata'])}"


def _short(v: Any, limit: int = 60) -> str:
    """repr of v, shortened for the finding's description."""
    if isinstance(v, list) and len(v) > 12:
        return f"[{', '.join(_short(x) for x in v[:4])}, ... {len(v)} items]"
    if isinstance(v, str) and len(v) > 40:
        return repr(v[:20]) + f"...({len(v)} chars)"
    text = repr(v)
    return text if len(text) <= limit else text[:limit] + "..."


def mutant(seed_bytes: bytes, mutator: ProgramMutator, rng: random.Random, max_mutations: int = 4,
           types: Optional[List[Optional[str]]] = None) -> Tuple[bytes, List[str]]:
    """One mutant of a seed program: 1..max_mutations mutations; (bytes, descriptions)."""
    doc = decode(seed_bytes)
    how = mutator.mutate(doc, rng, rng.randint(1, max_mutations), types)
    try:
        return encode(doc), how
    except (OverflowError, ValueError, TypeError) as e:  # a value msgpack cannot hold: drop it
        return seed_bytes, how + [f"(not encodable, the seed unchanged: {e})"]
