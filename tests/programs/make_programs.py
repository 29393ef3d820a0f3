#!/usr/bin/env python3
"""Writes the golden program files (docs/program-format.md describes the format).

    .venv/bin/python tests/programs/make_programs.py

Outputs, all committed:
  tests/programs/valid/<name>.pxp + <name>.expect    programs that load and run; .expect holds the
      outputs of samples 0, 1 and 2 for seed 0 (random programs: dtype and shape only, plus
      "deterministic": true, and the test checks that two loads give the same bits)
  tests/programs/invalid/<name>.pxp + <name>.expect  malformed programs; .expect holds the status
      pxp_program_load must return and a substring its error message must contain
  examples/programs/random_numbers.pxp               the program pixelpipes-run runs in ctest
  test_package/sample_index.pxp                      sample_index_arithmetic again: the program the
      Conan test_package (and `make install-check`) runs from C

The files are written in a fixed order with fixed contents, so running the script again gives
the same bytes. It needs only the msgpack and numpy packages.
"""
from __future__ import annotations

import json
import os
import sys

import msgpack
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VALID = os.path.join(HERE, "valid")
INVALID = os.path.join(HERE, "invalid")
EXAMPLES = os.path.join(ROOT, "examples", "programs")

DTYPES = {"u8": np.uint8, "i8": np.int8, "u16": np.uint16, "i16": np.int16, "i32": np.int32,
          "i64": np.int64, "f32": np.float32, "f64": np.float64, "bool": np.bool_}
NP_NAMES = {np.dtype(v): k for k, v in DTYPES.items()}


def fnv1a64(text: str) -> int:
    h = 0xcbf29ce484222325
    for b in text.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


# --------------------------------------------------------------------------- building programs

def tensor_constant(array) -> dict:
    a = np.array(array, order="C")  # (np.ascontiguousarray would make a 0-d array 1-d)
    return {"kind": "tensor", "dtype": NP_NAMES[a.dtype], "shape": list(a.shape),
            "data": a.astype(a.dtype.newbyteorder("<")).tobytes()}


def constant_of(value) -> dict:
    """A constant entry: numpy arrays and scalars are tensors, str is a string, list is a list."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        return {"kind": "string", "value": value}
    if isinstance(value, list):
        return {"kind": "list", "items": [constant_of(v) for v in value]}
    return tensor_constant(np.asarray(value))


class Program:
    """A program as a plain dict, built instruction by instruction (slot i = instruction i)."""

    def __init__(self, name: str):
        self.name = name
        self.constants: list = []
        self.instructions: list = []
        self.outputs: dict = {}
        self.metadata: dict = {"generator": "tests/programs/make_programs.py", "program": name}
        self.version = [1, 0]

    def op(self, op: str, *inputs: int, label: str | None = None, **attributes) -> int:
        index = len(self.instructions)
        label = label or f"{op.split('.')[-1]}_{index}"
        ins = {"op": op, "inputs": list(inputs), "attributes": dict(attributes),
               "key": fnv1a64(f"{self.name}/{label}"), "label": label,
               "source": f"make_programs.py:{self.name}"}
        self.instructions.append(ins)
        return index

    def const(self, value, label: str | None = None) -> int:
        self.constants.append(constant_of(value))
        return self.op("core.constant", index=len(self.constants) - 1, label=label)

    def output(self, name: str, slot: int) -> None:
        self.outputs[name] = slot

    def doc(self) -> dict:
        return {"magic": "PXPP", "version": list(self.version), "constants": self.constants,
                "instructions": self.instructions, "outputs": self.outputs, "metadata": self.metadata}

    def bytes(self) -> bytes:
        return pack(self.doc())


def pack(obj) -> bytes:
    """msgpack bytes of obj; Raw parts (hand-made msgpack) are inserted as they are."""
    if isinstance(obj, Raw):
        return obj.data
    packer = msgpack.Packer(use_bin_type=True)
    if isinstance(obj, dict):
        return packer.pack_map_header(len(obj)) + b"".join(pack(k) + pack(v) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return packer.pack_array_header(len(obj)) + b"".join(pack(v) for v in obj)
    return packer.pack(obj)


class Raw:
    """Hand-made msgpack: a map given as a list of (key, value) pairs, so keys may repeat or be
    non-strings; values are packed normally (or are Raw themselves)."""

    def __init__(self, data: bytes):
        self.data = data


def raw_map(pairs) -> Raw:
    p = msgpack.Packer(use_bin_type=True)
    out = bytearray(p.pack_map_header(len(pairs)))
    for k, v in pairs:
        out += k.data if isinstance(k, Raw) else p.pack(k)
        out += v.data if isinstance(v, Raw) else p.pack(v)
    return Raw(bytes(out))


# --------------------------------------------------------------------------- expected outputs

def expect_value(v) -> dict:
    if isinstance(v, str):
        return {"kind": "string", "value": v}
    if isinstance(v, list):
        return {"kind": "list", "items": [expect_value(x) for x in v]}
    a = np.asarray(v)
    values = [bool(x) if a.dtype == np.bool_ else (float(x) if a.dtype.kind == "f" else int(x))
              for x in a.reshape(-1)]
    return {"kind": "tensor", "dtype": NP_NAMES[a.dtype], "shape": list(a.shape), "values": values}


def expect_type(dtype: str, shape: list) -> dict:
    return {"kind": "tensor", "dtype": dtype, "shape": shape}


# --------------------------------------------------------------------------- valid programs

def i64(x):
    return np.int64(x)


def f32(x):
    return np.float32(x)


def valid_programs():
    """(program, expect) pairs; expect["samples"][k] maps output names to values of sample k."""
    out = []

    # Constants only: every constant kind straight to an output.
    p = Program("constants_only")
    p.output("scalar", p.const(f32(1.5)))
    p.output("matrix", p.const(np.arange(6, dtype=np.int32).reshape(2, 3)))
    p.output("flags", p.const(np.array([True, False, True])))
    p.output("text", p.const("hello, pixelpipes"))
    p.output("numbers", p.const([i64(1), i64(2), i64(3)]))
    p.output("empty", p.const(np.zeros((0, 4), dtype=np.uint8)))
    same = {"scalar": f32(1.5), "matrix": np.arange(6, dtype=np.int32).reshape(2, 3),
            "flags": np.array([True, False, True]), "text": "hello, pixelpipes",
            "numbers": [i64(1), i64(2), i64(3)], "empty": np.zeros((0, 4), dtype=np.uint8)}
    out.append((p, {"samples": [same] * 3}))

    # Arithmetic on the sample index: 3 * i + 1 and (i - 5) * (i + 2).
    p = Program("sample_index_arithmetic")
    idx = p.op("core.sample_index", label="index")
    three, one = p.const(i64(3)), p.const(i64(1))
    p.output("index", idx)
    p.output("linear", p.op("math.add", p.op("math.multiply", idx, three), one))
    five, two = p.const(i64(5)), p.const(i64(2))
    p.output("product", p.op("math.multiply", p.op("math.subtract", idx, five), p.op("math.add", idx, two)))
    out.append((p, {"samples": [{"index": i64(i), "linear": i64(3 * i + 1), "product": i64((i - 5) * (i + 2))}
                                for i in range(3)]}))

    # A list pipeline: make, element (by sample index), length, sublist, concat, range.
    p = Program("list_pipeline")
    idx = p.op("core.sample_index", label="index")
    items = [p.const(i64(v)) for v in (10, 20, 30, 40)]
    lst = p.op("list.make", *items, label="items")
    p.output("element", p.op("list.element", lst, idx))
    p.output("last", p.op("list.element", lst, p.const(i64(-1))))
    p.output("length", p.op("list.length", lst))
    p.output("tail", p.op("list.sublist", lst, idx, p.const(i64(100))))
    rng = p.op("list.range", p.const(i64(0)), idx, p.const(i64(1)))
    p.output("range_length", p.op("list.length", p.op("list.concat", rng, lst)))
    vals = [10, 20, 30, 40]
    out.append((p, {"samples": [{"element": i64(vals[i]), "last": i64(40), "length": i64(4),
                                 "tail": [i64(v) for v in vals[i:]], "range_length": i64(i + 4)}
                                for i in range(3)]}))

    # A tensor pipeline: reshape, transpose, cast (and the input picked by the sample index, so
    # the pipeline runs per sample instead of being folded at load).
    p = Program("tensor_pipeline")
    idx = p.op("core.sample_index", label="index")
    bases = [np.arange(6, dtype=np.int32) * (k + 1) for k in range(3)]
    base = p.op("list.element", p.op("list.make", *[p.const(b) for b in bases]), idx, label="base")
    r = p.op("tensor.reshape", base, shape=[3, 2])
    t = p.op("tensor.transpose", r, axes=[1, 0])
    p.output("reshaped", r)
    p.output("transposed", t)
    p.output("as_float", p.op("tensor.cast", t, dtype="f32"))
    p.output("as_u8", p.op("tensor.cast", p.op("tensor.reshape", t, shape=[-1]), dtype="u8"))
    samples = []
    for i in range(3):
        rr = bases[i].reshape(3, 2)
        tt = rr.T
        samples.append({"reshaped": rr, "transposed": tt, "as_float": tt.astype(np.float32),
                        "as_u8": tt.reshape(-1).astype(np.uint8)})
    out.append((p, {"samples": samples}))

    # A conditional branch: sample 0 takes the else side, samples 1 and 2 the then side.
    p = Program("branch_merge")
    idx = p.op("core.sample_index", label="index")                                    # 0
    cond = p.op("list.element", p.const([i64(0), i64(1), i64(1)]), idx, label="cond")  # 1, 2
    br = p.op("flow.branch", cond, target=0, label="if_cond")                           # 3
    ten = p.const(i64(10), label="ten")                                                 # 4
    then_v = p.op("math.multiply", idx, ten, label="then_value")                        # 5
    jmp = p.op("flow.jump", target=0, label="end_then")                                 # 6
    p.instructions[br]["attributes"]["target"] = len(p.instructions)
    hundred = p.const(i64(100), label="hundred")                                        # 7
    else_v = p.op("math.add", idx, hundred, label="else_value")                         # 8
    p.instructions[jmp]["attributes"]["target"] = len(p.instructions)
    merged = p.op("flow.merge", cond, else_v, then_v, label="merged")                   # 9
    p.output("value", merged)
    p.output("taken", cond)
    out.append((p, {"samples": [{"value": i64(100), "taken": i64(0)}, {"value": i64(10), "taken": i64(1)},
                                {"value": i64(20), "taken": i64(1)}]}))

    # Three-way branch with an integer selector (if / elif / else), strings on each side.
    p = Program("branch_three_way")
    idx = p.op("core.sample_index", label="index")
    j0 = p.op("flow.branch", p.op("list.element", p.const([i64(1), i64(0), i64(0)]), idx), target=0)
    a = p.op("list.make", p.const("zero"), p.const("cero"), label="side_a")
    ja = p.op("flow.jump", target=0)
    p.instructions[j0]["attributes"]["target"] = len(p.instructions)
    j1 = p.op("flow.branch", p.op("list.element", p.const([i64(0), i64(1), i64(0)]), idx), target=0)
    b = p.op("list.make", p.const("one"), label="side_b")
    jb = p.op("flow.jump", target=0)
    p.instructions[j1]["attributes"]["target"] = len(p.instructions)
    c = p.op("list.make", p.const("two"), p.const("dos"), p.const("deux"), label="side_c")
    p.instructions[ja]["attributes"]["target"] = len(p.instructions)
    p.instructions[jb]["attributes"]["target"] = len(p.instructions)
    m = p.op("flow.merge", idx, a, b, c, label="merged")
    p.output("words", m)
    p.output("count", p.op("list.length", m))
    words = [["zero", "cero"], ["one"], ["two", "dos", "deux"]]
    out.append((p, {"samples": [{"words": words[i], "count": i64(len(words[i]))} for i in range(3)]}))

    # flow.select: both sides computed, the condition picks.
    p = Program("select")
    idx = p.op("core.sample_index", label="index")
    cond = p.op("list.element", p.const([i64(1), i64(0), i64(1)]), idx, label="cond")
    p.output("picked", p.op("flow.select", cond, p.const(f32(7.5)), p.const(f32(-2.5))))
    p.output("picked_list", p.op("flow.select", cond, p.const(["yes"]), p.const(["no"])))
    out.append((p, {"samples": [{"picked": f32(7.5 if c else -2.5), "picked_list": ["yes" if c else "no"]}
                                for c in (1, 0, 1)]}))

    # Strings: constants, lists of strings, indexing.
    p = Program("strings")
    idx = p.op("core.sample_index", label="index")
    names = p.const(["alpha", "beta", "gamma"], label="names")
    p.output("name", p.op("list.element", names, idx))
    p.output("greeting", p.const("héllo wörld"))
    p.output("empty_string", p.const(""))
    p.output("reversed", p.op("list.element", names, p.op("math.subtract", p.const(i64(-1)), idx)))
    g = ["alpha", "beta", "gamma"]
    out.append((p, {"samples": [{"name": g[i], "greeting": "héllo wörld", "empty_string": "",
                                 "reversed": g[-1 - i]} for i in range(3)]}))

    # Folding: the constant-only part (slots marked below) is computed once at load.
    p = Program("constant_folding")
    a, b = p.const(i64(6)), p.const(i64(7))
    prod = p.op("math.multiply", a, b, label="product")
    lst = p.op("list.make", a, b, prod, label="folded_list")
    n = p.op("list.length", lst, label="folded_length")
    mat = p.op("tensor.transpose", p.op("tensor.reshape", p.const(np.arange(4, dtype=np.float32)), shape=[2, 2]))
    folded = [prod, lst, n, mat - 1, mat]
    idx = p.op("core.sample_index", label="index")
    dyn = p.op("math.add", idx, prod, label="dynamic")
    p.output("product", prod)
    p.output("length", n)
    p.output("matrix", mat)
    p.output("dynamic", dyn)
    out.append((p, {"constant_slots": folded, "runtime_slots": [idx, dyn],
                    "samples": [{"product": i64(42), "length": i64(3),
                                 "matrix": np.arange(4, dtype=np.float32).reshape(2, 2).T,
                                 "dynamic": i64(42 + i)} for i in range(3)]}))

    # Nested list constants (well within the depth limit) and a newer minor version with an unknown
    # top-level field, which readers of 1.0 skip.
    p = Program("nested_lists_newer_minor")
    p.version = [1, 7]
    nested = [[[i64(1), i64(2)], [i64(3)]], [[i64(4)]]]
    p.output("nested", p.const(nested))
    p.output("inner", p.op("list.element", p.op("list.element", p.const(nested), p.const(i64(0))), p.const(i64(1))))
    doc = p.doc()
    doc["future_field"] = {"anything": [1, 2, 3]}
    p.doc = lambda doc=doc: doc  # noqa: E731
    out.append((p, {"samples": [{"nested": nested, "inner": [i64(3)]}] * 3}))

    # Random ops: values are not hand-computed; the test checks types and that two loads agree.
    p = random_program("random_ops")
    out.append((p, {"deterministic": True, "samples": [random_types()] * 3}))
    return out


def random_program(name: str) -> Program:
    p = Program(name)
    zero, one = p.const(f32(0.0)), p.const(f32(1.0))
    u = p.op("random.uniform", zero, one, shape=[4], label="uniform")
    n = p.op("random.normal", zero, one, shape=[2, 3], dtype="f64", label="normal")
    k = p.op("random.integer", p.const(i64(0)), p.const(i64(10)), shape=[5], label="integer")
    b = p.op("random.bernoulli", p.const(f32(0.25)), shape=[3], label="bernoulli")
    scale, shift = p.const(f32(2.0)), p.const(f32(-1.0))
    p.output("uniform", u)
    p.output("normal", n)
    p.output("integer", k)
    p.output("bernoulli", b)
    p.output("centered", p.op("math.add", p.op("math.multiply", u, scale), shift, label="centered"))
    return p


def random_types() -> dict:
    return {"uniform": expect_type("f32", [4]), "normal": expect_type("f64", [2, 3]),
            "integer": expect_type("i64", [5]), "bernoulli": expect_type("bool", [3]),
            "centered": expect_type("f32", [4])}


# --------------------------------------------------------------------------- invalid programs

def base() -> Program:
    """A small valid program the invalid ones start from: 0 const, 1 const, 2 list.make, 3 list.length."""
    p = Program("base")
    a = p.const(i64(1), label="a")
    b = p.const(i64(2), label="b")
    lst = p.op("list.make", a, b, label="pair")
    p.output("length", p.op("list.length", lst, label="length"))
    return p


def with_doc(change) -> bytes:
    d = base().doc()
    change(d)
    return pack(d)


def invalid_programs():
    """(name, bytes, status, message substring) tuples."""
    E = "PXP_EINVALID_PROGRAM"
    good = base().bytes()
    out = []

    def add(name, data, message, status=E):
        out.append((name, data, status, message))

    # --- bytes and msgpack structure
    add("empty", b"", "program is empty (0 bytes)")
    add("truncated", good[: len(good) // 2], "program is truncated")
    add("truncated_one_byte", good[:1], "program is truncated or corrupt")
    add("trailing_garbage", good + b"\x00\xff", "program has 2 trailing bytes after its end")
    add("not_msgpack", b"\xc1\x00\x00", "program is not valid msgpack")
    add("not_a_map", pack(["PXPP", [1, 0]]), "program must be a msgpack map, not an array")
    add("a_string", pack("PXPP"), "program must be a msgpack map, not a string")
    nested = {"kind": "list", "items": []}
    for _ in range(40):
        nested = {"kind": "list", "items": [nested]}
    add("deeply_nested_lists", with_doc(lambda d: d["constants"].append(nested)),
        "program nests containers deeper than 64 levels")
    p = msgpack.Packer(use_bin_type=True)
    huge_array = (p.pack_map_header(3) + p.pack("magic") + p.pack("PXPP") + p.pack("version") + p.pack([1, 0])
                  + p.pack("instructions") + b"\xdd\xff\xff\xff\xff")
    add("huge_array_length", huge_array,
        "program is truncated or corrupt: an array or map declares more elements than the input has bytes")
    huge_string = p.pack_map_header(1) + p.pack("magic") + b"\xdb\x7f\xff\xff\xff" + b"PXPP"
    add("huge_string_length", huge_string, "program is truncated: the msgpack data ends early")
    huge_bin = p.pack_map_header(1) + p.pack("magic") + b"\xc6\xff\xff\xff\xf0"
    add("huge_binary_length", huge_bin, "program is truncated: the msgpack data ends early")
    add("non_string_map_key",
        raw_map([("magic", "PXPP"), ("version", [1, 0]), (7, "seven"), ("instructions", []), ("outputs", {})]).data,
        "program has a key that is not a string")
    add("duplicate_top_level_key",
        raw_map([("magic", "PXPP"), ("magic", "PXPP"), ("version", [1, 0]), ("instructions", []),
                 ("outputs", {})]).data, "program has the key 'magic' twice")

    # --- magic and version
    add("wrong_magic", with_doc(lambda d: d.update(magic="PXPQ")), 'the magic field must be "PXPP"')
    add("missing_magic", with_doc(lambda d: d.pop("magic")), 'the magic field must be "PXPP"')
    add("magic_not_a_string", with_doc(lambda d: d.update(magic=0x50585050)), 'the magic field must be "PXPP"')
    add("unknown_major_version", with_doc(lambda d: d.update(version=[2, 0])),
        "program format 2.0 is not supported", "PXP_EUNSUPPORTED_VERSION")
    add("major_version_zero", with_doc(lambda d: d.update(version=[0, 9])),
        "program format 0.9 is not supported", "PXP_EUNSUPPORTED_VERSION")
    add("version_not_a_pair", with_doc(lambda d: d.update(version=[1])), "program.version must be [major, minor]")
    add("missing_version", with_doc(lambda d: d.pop("version")), "program lacks 'version'")
    add("negative_version", with_doc(lambda d: d.update(version=[1, -1])),
        "version minor must be a non-negative integer")

    # --- top-level fields
    add("missing_instructions", with_doc(lambda d: d.pop("instructions")), "program lacks 'instructions'")
    add("missing_outputs", with_doc(lambda d: d.pop("outputs")), "program lacks 'outputs'")
    add("unknown_top_level_field", with_doc(lambda d: d.update(extras=1)), "program has unknown field 'extras'")
    add("instructions_not_an_array", with_doc(lambda d: d.update(instructions={})),
        "program.instructions must be an array, not a map")
    add("metadata_not_a_map", with_doc(lambda d: d.update(metadata=[1])), "program.metadata must be a map")

    # --- constants
    def set_constant(c):
        return lambda d: d["constants"].__setitem__(0, c)

    add("absurd_tensor_shape",
        with_doc(set_constant({"kind": "tensor", "dtype": "f32", "shape": [1 << 33, 1 << 33], "data": b"\0" * 4})),
        "constant 0: tensor shape is too large")
    add("huge_shape_little_data",
        with_doc(set_constant({"kind": "tensor", "dtype": "f32", "shape": [1 << 20, 1 << 10], "data": b"\0" * 4})),
        "constant 0 holds 4 bytes but its dtype and shape need 4294967296")
    add("data_size_mismatch",
        with_doc(set_constant({"kind": "tensor", "dtype": "i32", "shape": [3], "data": b"\0" * 8})),
        "constant 0 holds 8 bytes but its dtype and shape need 12")
    add("unknown_dtype",
        with_doc(set_constant({"kind": "tensor", "dtype": "f16", "shape": [], "data": b"\0" * 2})),
        "constant 0 has unknown dtype 'f16'")
    add("too_many_dimensions",
        with_doc(set_constant({"kind": "tensor", "dtype": "u8", "shape": [1] * 9, "data": b"\0"})),
        "constant 0 has 9 dimensions (at most 8)")
    add("negative_dimension",
        with_doc(set_constant({"kind": "tensor", "dtype": "u8", "shape": [-1], "data": b""})),
        "constant 0.shape[0] must be a non-negative integer")
    add("tensor_data_not_binary",
        with_doc(set_constant({"kind": "tensor", "dtype": "u8", "shape": [2], "data": "ab"})),
        "constant 0.data must be binary data, not a string")
    add("unknown_constant_kind", with_doc(set_constant({"kind": "blob", "value": b"x"})),
        "constant 0 has unknown kind 'blob'")
    add("string_constant_not_a_string", with_doc(set_constant({"kind": "string", "value": 12})),
        "constant 0.value must be a string, not an integer")
    add("list_item_malformed",
        with_doc(set_constant({"kind": "list", "items": [{"kind": "string", "value": "ok"}, {"kind": "tensor"}]})),
        "constant 0.items[1] lacks 'dtype'")
    add("constant_index_out_of_range",
        with_doc(lambda d: d["instructions"][1]["attributes"].update(index=5)),
        "constant index 5 is out of range: the program has 2 constants (instruction 1, op core.constant, node 'b'")

    # --- instruction structure and slots
    def ins(i, **fields):
        return lambda d: d["instructions"][i].update(fields)

    add("slot_out_of_range", with_doc(ins(3, inputs=[99])),
        "instruction 3 (list.length) reads slot 99, which is not an earlier instruction")
    add("forward_slot_reference", with_doc(ins(2, inputs=[0, 3])),
        "instruction 2 (list.make) reads slot 3, which is not an earlier instruction")
    add("self_reference", with_doc(ins(2, inputs=[0, 2])),
        "instruction 2 (list.make) reads slot 2, which is not an earlier instruction")
    add("negative_slot", with_doc(ins(3, inputs=[-1])), "instruction 3.inputs[0] must be a non-negative integer")
    add("inputs_not_an_array", with_doc(ins(3, inputs=2)), "instruction 3.inputs must be an array, not an integer")
    add("unknown_instruction_field", with_doc(ins(2, comment="hi")), "instruction 2 has unknown field 'comment'")
    add("missing_op", with_doc(lambda d: d["instructions"][2].pop("op")), "instruction 2 lacks 'op'")
    add("op_not_a_string", with_doc(ins(2, op=17)), "instruction 2.op must be a string, not an integer")
    add("instruction_not_a_map", with_doc(lambda d: d["instructions"].__setitem__(3, ["list.length", [2]])),
        "instruction 3 must be a map, not an array")
    add("key_not_an_integer", with_doc(ins(3, key="k")), "instruction 3.key must be a non-negative integer")
    add("label_not_a_string", with_doc(ins(3, label=5)), "instruction 3.label must be a string, not an integer")
    add("instruction_non_string_key",
        with_doc(lambda d: d["instructions"].__setitem__(3, raw_map([("op", "list.length"), (1, [2])]))),
        "instruction 3 has a key that is not a string")
    add("output_slot_out_of_range", with_doc(lambda d: d.update(outputs={"length": 10})),
        "output 'length' reads slot 10, but the program has 4 instructions")
    add("duplicate_output", with_doc(lambda d: d.update(outputs=raw_map([("x", 3), ("x", 2)]))),
        "output 'x' is defined twice")
    add("empty_output_name", with_doc(lambda d: d.update(outputs={"": 3})), "an output has an empty name")
    add("output_name_not_a_string", with_doc(lambda d: d.update(outputs=raw_map([(3, 3)]))),
        "output name must be a string, not an integer")

    # --- ops, arity, attributes
    add("unknown_op", with_doc(ins(3, op="math.frobnicate")),
        "unknown op 'math.frobnicate' (instruction 3, op math.frobnicate, node 'length'", "PXP_EUNKNOWN_OP")
    add("too_few_inputs", with_doc(lambda d: d["instructions"].__setitem__(
        3, {"op": "list.element", "inputs": [2], "label": "elem"})),
        "takes 2 input(s) but the instruction has 1 (instruction 3, op list.element, node 'elem'")
    add("too_many_inputs", with_doc(ins(3, inputs=[2, 2])),
        "takes 1 input(s) but the instruction has 2 (instruction 3, op list.length, node 'length'")
    add("missing_required_attribute", with_doc(ins(0, attributes={})),
        "lacks the required attribute 'index' (instruction 0, op core.constant, node 'a'")
    add("unknown_attribute", with_doc(ins(3, attributes={"axis": 0})),
        "has no attribute 'axis' (instruction 3, op list.length, node 'length'")
    add("mistyped_attribute", with_doc(ins(1, attributes={"index": "one"})),
        "attribute 'index' must be int, not string (instruction 1, op core.constant, node 'b'")
    add("float_for_int_attribute", with_doc(ins(1, attributes={"index": 1.0})),
        "attribute 'index' must be int, not float (instruction 1, op core.constant")
    add("attribute_out_of_range", with_doc(ins(1, attributes={"index": -1})),
        "attribute 'index' = -1 is out of its range [0, inf] (instruction 1, op core.constant, node 'b'")
    add("attribute_not_a_value", with_doc(ins(1, attributes={"index": {"a": 1}})),
        "instruction 1 attribute 'index' must be a boolean, number, string or list of numbers, not a map")
    add("duplicate_attribute", with_doc(ins(1, attributes=raw_map([("index", 1), ("index", 0)]))),
        "instruction 1 has attribute 'index' twice")

    r = Program("enum")
    lo, hi = r.const(f32(0)), r.const(f32(1))
    r.output("u", r.op("random.uniform", lo, hi, dtype="f16", label="u"))
    add("enum_not_in_choices", r.bytes(),
        "attribute 'dtype' = 'f16' is not one of: f32, f64 (instruction 2, op random.uniform, node 'u'")
    r = Program("nan")
    pts, w, h = r.const(np.zeros((1, 2), dtype=np.float32)), r.const(i64(8)), r.const(i64(8))
    r.output("m", r.op("mask.render_points", pts, w, h, radius=float("nan"), label="dots"))
    add("nan_for_a_bounded_attribute", r.bytes(),
        "attribute 'radius' = nan is out of its range [0, inf] (instruction 3, op mask.render_points, node 'dots'")
    r = Program("shape")
    lo, hi = r.const(f32(0)), r.const(f32(1))
    r.output("u", r.op("random.uniform", lo, hi, shape=[2, "x"], label="u"))
    add("int_list_with_a_string", r.bytes(), "instruction 2 attribute 'shape' must be a list of numbers")

    # --- types
    t = Program("types")
    s = t.const("a string", label="text")
    x = t.const(np.ones((2, 2), dtype=np.float32), label="x")
    t.output("sum", t.op("math.add", s, x, label="sum"))
    add("add_string_and_tensor", t.bytes(),
        "input 'a' must be a tensor or number, not string (instruction 2, op math.add, node 'sum'", "PXP_ETYPE")
    t = Program("types2")
    x = t.const(np.ones((3,), dtype=np.int64), label="x")
    t.output("e", t.op("list.element", x, t.const(i64(0)), label="elem"))
    add("list_element_on_tensor", t.bytes(),
        "input 'list' must be a list, not i64[3] (instruction 2, op list.element, node 'elem'", "PXP_ETYPE")
    t = Program("types3")
    t.output("n", t.op("list.length", t.const("abc"), label="n"))
    add("list_length_of_string", t.bytes(), "input 'list' must be a list, not string (instruction 1, op list.length",
        "PXP_ETYPE")
    t = Program("types4")
    t.output("m", t.op("list.make", t.const("a"), t.const(i64(1)), label="mixed"))
    add("list_of_mixed_kinds", t.bytes(), "list items must all be the same kind", "PXP_ETYPE")

    t = Program("deep")
    v = t.const("x", label="x")
    for k in range(70):
        v = t.op("list.make", v, label=f"level_{k + 1}")
    t.output("deep", v)
    add("lists_nested_too_deep_by_ops", t.bytes(),
        "the result nests lists more than 64 deep (the limit) (instruction 65, op list.make, node 'level_65'")

    # --- jumps and branches
    def jumpy(target, label="skip"):
        j = Program("jumps")
        a = j.const(i64(1), label="a")                  # 0
        j.op("flow.jump", target=target, label=label)   # 1
        b = j.const(i64(2), label="b")                  # 2
        j.output("a", j.op("list.make", a, label="l"))  # 3
        return j, b

    j, _ = jumpy(0)
    add("jump_backwards", j.bytes(), "jump target 0 must be after the jump and at most 4 (jumps only go forward) "
        "(instruction 1, op flow.jump, node 'skip'")
    j, _ = jumpy(1)
    add("jump_to_itself", j.bytes(), "jump target 1 must be after the jump and at most 4")
    j, _ = jumpy(100)
    add("jump_out_of_range", j.bytes(), "jump target 100 must be after the jump and at most 4")
    j, _ = jumpy(3)
    del j.instructions[1]["attributes"]["target"]
    add("jump_without_target", j.bytes(), "lacks the required attribute 'target' (instruction 1, op flow.jump")
    j, b = jumpy(3)
    j.instructions[3]["inputs"] = [b]
    add("value_read_across_jump", j.bytes(),
        "reads slot 2, which the jump at instruction 1 may skip; values of a branch leave it only through "
        "flow.merge (instruction 3, op list.make, node 'l'")
    j, b = jumpy(3)
    j.output("b", b)
    add("output_inside_skippable_branch", j.bytes(),
        "output 'b' may be skipped by the jump at instruction 1 (instruction 2, op core.constant, node 'b'")
    j, _ = jumpy(3)
    j.instructions[3]["inputs"] = [1]
    add("reading_a_jump_slot", j.bytes(),
        "reads slot 1 (flow.jump), which produces no value (instruction 3, op list.make, node 'l'")
    j, _ = jumpy(3)
    j.output("j", 1)
    add("output_is_a_jump", j.bytes(), "output 'j' is a jump, which produces no value (instruction 1, op flow.jump")

    # a value computed inside a branch, read after it without flow.merge
    br = Program("branch")
    idx = br.op("core.sample_index", label="index")                 # 0
    br.op("flow.branch", idx, target=4, label="if_index")           # 1
    inside = br.const(i64(5), label="inside")                       # 2
    v = br.op("list.make", inside, idx, label="inside_list")        # 3
    br.output("n", br.op("list.length", v, label="n"))              # 4
    add("value_read_across_branch", br.bytes(),
        "reads slot 3, which the jump at instruction 1 may skip; values of a branch leave it only through "
        "flow.merge (instruction 4, op list.length, node 'n'")
    # the merge selector itself inside the skipped range
    br = Program("branch2")
    idx = br.op("core.sample_index", label="index")                 # 0
    br.op("flow.branch", idx, target=4, label="if_index")           # 1
    sel = br.const(i64(0), label="selector")                        # 2
    v = br.op("list.make", idx, label="v")                          # 3
    br.output("m", br.op("flow.merge", sel, v, label="merged"))     # 4
    add("merge_selector_skipped", br.bytes(), "reads slot 2 as its selector, which the jump at instruction 1 may "
        "skip: a selector must be computed on every path (instruction 4, op flow.merge, node 'merged'")
    br = Program("branch3")
    lst = br.const([i64(1)], label="lst")
    br.op("flow.branch", lst, target=2, label="if_list")
    br.output("x", lst)
    add("branch_condition_not_a_number", br.bytes(),
        "input 'condition' must be a single number, not list<i64[]>[1] (instruction 1, op flow.branch", "PXP_ETYPE")
    br = Program("branch4")
    f = br.const(f32(0.5), label="f")
    br.output("m", br.op("flow.merge", f, f, f, label="merged"))
    add("merge_float_selector", br.bytes(),
        "input 'selector' must be an integer or boolean, not f32[] (instruction 1, op flow.merge", "PXP_ETYPE")
    return out


# --------------------------------------------------------------------------- writing

def write(path: str, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)


def compact(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def write_json(path: str, obj) -> None:
    """Top-level keys one per line; each sample's outputs one per line (easy to read and diff)."""
    lines = []
    for k, v in obj.items():
        if k == "samples":
            parts = []
            for sample in v:
                outs = ",\n".join(f"   {compact(name)}: {compact(val)}" for name, val in sample.items())
                parts.append("  {\n" + outs + "\n  }")
            lines.append(f' "samples": [\n' + ",\n".join(parts) + "\n ]")
        else:
            lines.append(f" {compact(k)}: {compact(v)}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")


def clean(folder: str) -> None:
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".pxp") or name.endswith(".expect"):
            os.remove(os.path.join(folder, name))


def main() -> int:
    clean(VALID)
    clean(INVALID)
    os.makedirs(EXAMPLES, exist_ok=True)
    valid = valid_programs()
    for p, expect in valid:
        expect = dict(expect)
        expect["samples"] = [{k: (v if isinstance(v, dict) and "kind" in v else expect_value(v)) for k, v in s.items()}
                             for s in expect["samples"]]
        expect.setdefault("deterministic", False)
        expect["seed"] = 0
        write(os.path.join(VALID, p.name + ".pxp"), pack(p.doc()))
        write_json(os.path.join(VALID, p.name + ".expect"), expect)
    invalid = invalid_programs()
    names = [n for n, *_ in invalid]
    assert len(names) == len(set(names)), "duplicate invalid program names"
    for name, data, status, message in invalid:
        write(os.path.join(INVALID, name + ".pxp"), data)
        write_json(os.path.join(INVALID, name + ".expect"), {"status": status, "message": message})
    write(os.path.join(EXAMPLES, "random_numbers.pxp"), random_program("random_numbers").bytes())
    for p, _ in valid:
        if p.name == "sample_index_arithmetic":
            write(os.path.join(ROOT, "test_package", "sample_index.pxp"), pack(p.doc()))
    print(f"wrote {len(valid)} valid and {len(invalid)} invalid programs and examples/programs/random_numbers.pxp")
    return 0


if __name__ == "__main__":
    sys.exit(main())
