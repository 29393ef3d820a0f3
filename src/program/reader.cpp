// Program reader: msgpack bytes -> Program (structure only; the verifier
// checks meaning). Every malformed input is a PXP_EINVALID_PROGRAM naming
// what was wrong and where, never a crash: msgpack's own limits bound sizes
// and nesting before anything is allocated from untrusted lengths.
#include <msgpack.hpp>

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "core/json.hpp"

#include "program/format.hpp"
#include "program/program.hpp"
#include "program/unpack.hpp"
#include "registry/registry.hpp"

namespace pxp {

namespace {

[[noreturn]] void invalid(const std::string& message) { fail(PXP_EINVALID_PROGRAM, message); }

std::string as_string(const msgpack::object& o, const std::string& what) {
  if (o.type != msgpack::type::STR) invalid(what + " must be a string, not " + msgpack_type_name(o));
  return std::string(o.via.str.ptr, o.via.str.size);
}

uint64_t as_uint(const msgpack::object& o, const std::string& what) {
  if (o.type != msgpack::type::POSITIVE_INTEGER)
    invalid(what + " must be a non-negative integer, not " + msgpack_type_name(o));
  return o.via.u64;
}

const msgpack::object_array& as_array(const msgpack::object& o, const std::string& what) {
  if (o.type != msgpack::type::ARRAY) invalid(what + " must be an array, not " + msgpack_type_name(o));
  return o.via.array;
}

const msgpack::object_map& as_map(const msgpack::object& o, const std::string& what) {
  if (o.type != msgpack::type::MAP) invalid(what + " must be a map, not " + msgpack_type_name(o));
  return o.via.map;
}

// Looks a key up in a map with string keys; nullptr if absent. Non-string keys are an error.
const msgpack::object* field(const msgpack::object_map& m, const char* key, const std::string& what) {
  const msgpack::object* found = nullptr;
  for (uint32_t i = 0; i < m.size; ++i) {
    const auto& k = m.ptr[i].key;
    if (k.type != msgpack::type::STR) invalid(what + " has a key that is not a string");
    if (std::string(k.via.str.ptr, k.via.str.size) == key) {
      if (found) invalid(what + " has the key '" + key + "' twice");
      found = &m.ptr[i].val;
    }
  }
  return found;
}

const msgpack::object& required(const msgpack::object_map& m, const char* key, const std::string& what) {
  const msgpack::object* o = field(m, key, what);
  if (!o) invalid(what + " lacks '" + key + "'");
  return *o;
}

Value read_constant(const msgpack::object& o, const std::string& what) {
  const auto& m = as_map(o, what);
  std::string kind = as_string(required(m, "kind", what), what + ".kind");
  if (kind == "string") return Value(as_string(required(m, "value", what), what + ".value"));
  if (kind == "list") {
    const auto& items = as_array(required(m, "items", what), what + ".items");
    List list;
    list.reserve(items.size);
    for (uint32_t i = 0; i < items.size; ++i)
      list.push_back(read_constant(items.ptr[i], what + ".items[" + std::to_string(i) + "]"));
    return Value(std::move(list));
  }
  if (kind != "tensor") invalid(what + " has unknown kind '" + kind + "' (expected tensor, string or list)");
  std::string dtype_str = as_string(required(m, "dtype", what), what + ".dtype");
  auto dtype = dtype_from_name(dtype_str);
  if (!dtype) invalid(what + " has unknown dtype '" + dtype_str + "'");
  const auto& shape_arr = as_array(required(m, "shape", what), what + ".shape");
  if (shape_arr.size > PXP_MAX_DIMS)
    invalid(what + " has " + std::to_string(shape_arr.size) + " dimensions (at most " +
            std::to_string(PXP_MAX_DIMS) + ")");
  Shape shape;
  for (uint32_t i = 0; i < shape_arr.size; ++i) {
    uint64_t d = as_uint(shape_arr.ptr[i], what + ".shape[" + std::to_string(i) + "]");
    if (d > static_cast<uint64_t>(kMaxTensorBytes)) invalid(what + " has an absurd dimension " + std::to_string(d));
    shape.push_back(static_cast<int64_t>(d));
  }
  const msgpack::object& data = required(m, "data", what);
  if (data.type != msgpack::type::BIN) invalid(what + ".data must be binary data, not " + msgpack_type_name(data));
  int64_t numel;
  try {
    numel = checked_numel(shape, dtype_size(*dtype));
  } catch (const Error& e) {
    invalid(what + ": " + e.message());
  }
  uint64_t expected = static_cast<uint64_t>(numel) * dtype_size(*dtype);
  if (data.via.bin.size != expected)
    invalid(what + " holds " + std::to_string(data.via.bin.size) + " bytes but its dtype and shape need " +
            std::to_string(expected));
  Tensor t = Tensor::empty(*dtype, shape);
  if (expected) std::memcpy(t.mutable_bytes(), data.via.bin.ptr, expected);
  if (*dtype == DType::Bool) {
    // Normalize booleans so every bool byte is 0 or 1.
    for (uint64_t i = 0; i < expected; ++i) t.mutable_bytes()[i] = t.bytes()[i] ? 1 : 0;
  }
  return Value(std::move(t));
}

AttrValue read_attribute(const msgpack::object& o, const std::string& what) {
  switch (o.type) {
    case msgpack::type::BOOLEAN: return o.via.boolean;
    case msgpack::type::POSITIVE_INTEGER:
      if (o.via.u64 > static_cast<uint64_t>(INT64_MAX)) invalid(what + " is out of the 64-bit signed range");
      return static_cast<int64_t>(o.via.u64);
    case msgpack::type::NEGATIVE_INTEGER: return o.via.i64;
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: return o.via.f64;
    case msgpack::type::STR: return std::string(o.via.str.ptr, o.via.str.size);
    case msgpack::type::ARRAY: {
      const auto& a = o.via.array;
      bool all_int = true;
      for (uint32_t i = 0; i < a.size; ++i) {
        auto t = a.ptr[i].type;
        if (t == msgpack::type::FLOAT32 || t == msgpack::type::FLOAT64) all_int = false;
        else if (t != msgpack::type::POSITIVE_INTEGER && t != msgpack::type::NEGATIVE_INTEGER)
          invalid(what + " must be a list of numbers");
      }
      if (all_int) {
        std::vector<int64_t> v;
        for (uint32_t i = 0; i < a.size; ++i) {
          const auto& e = a.ptr[i];
          if (e.type == msgpack::type::POSITIVE_INTEGER && e.via.u64 > static_cast<uint64_t>(INT64_MAX))
            invalid(what + " has an element out of the 64-bit signed range");
          v.push_back(e.type == msgpack::type::POSITIVE_INTEGER ? static_cast<int64_t>(e.via.u64) : e.via.i64);
        }
        return v;
      }
      std::vector<double> v;
      for (uint32_t i = 0; i < a.size; ++i) {
        const auto& e = a.ptr[i];
        if (e.type == msgpack::type::POSITIVE_INTEGER) v.push_back(static_cast<double>(e.via.u64));
        else if (e.type == msgpack::type::NEGATIVE_INTEGER) v.push_back(static_cast<double>(e.via.i64));
        else v.push_back(e.via.f64);
      }
      return v;
    }
    default: invalid(what + " must be a boolean, number, string or list of numbers, not " + msgpack_type_name(o));
  }
}

// Writes any msgpack object as JSON (for the metadata).
void object_json(const msgpack::object& o, std::string& out) {
  switch (o.type) {
    case msgpack::type::NIL: out += "null"; break;
    case msgpack::type::BOOLEAN: out += o.via.boolean ? "true" : "false"; break;
    case msgpack::type::POSITIVE_INTEGER: out += std::to_string(o.via.u64); break;
    case msgpack::type::NEGATIVE_INTEGER: out += std::to_string(o.via.i64); break;
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: {
      JsonWriter w;
      w.number(o.via.f64);
      out += w.str();
      break;
    }
    case msgpack::type::STR: out += JsonWriter::quote(std::string(o.via.str.ptr, o.via.str.size)); break;
    case msgpack::type::ARRAY:
      out += '[';
      for (uint32_t i = 0; i < o.via.array.size; ++i) {
        if (i) out += ',';
        object_json(o.via.array.ptr[i], out);
      }
      out += ']';
      break;
    case msgpack::type::MAP:
      out += '{';
      for (uint32_t i = 0; i < o.via.map.size; ++i) {
        if (i) out += ',';
        const auto& k = o.via.map.ptr[i].key;
        if (k.type == msgpack::type::STR) out += JsonWriter::quote(std::string(k.via.str.ptr, k.via.str.size));
        else {
          std::string key;
          object_json(k, key);
          out += JsonWriter::quote(key);
        }
        out += ':';
        object_json(o.via.map.ptr[i].val, out);
      }
      out += '}';
      break;
    default: out += "null";
  }
}

void read_instruction_fields(const msgpack::object& o, size_t index, const Registry& registry, Instruction& ins);

// Reads one instruction; any error names the instruction and, once they are read, its op and node.
Instruction read_instruction(const msgpack::object& o, size_t index, const Registry& registry) {
  Instruction ins;
  try {
    read_instruction_fields(o, index, registry, ins);
  } catch (Error& e) {
    if (e.instruction < 0) {
      e.instruction = static_cast<int64_t>(index);
      if (ins.op) e.op = ins.op->name;
      e.node = ins.label;
      e.source = ins.source;
    }
    throw;
  }
  return ins;
}

void read_instruction_fields(const msgpack::object& o, size_t index, const Registry& registry, Instruction& ins) {
  std::string what = "instruction " + std::to_string(index);
  const auto& m = as_map(o, what);
  // Debug info first, so later errors can name the node.
  if (const auto* label = field(m, "label", what)) ins.label = as_string(*label, what + ".label");
  if (const auto* source = field(m, "source", what)) ins.source = as_string(*source, what + ".source");
  std::string op = as_string(required(m, "op", what), what + ".op");
  ins.op = registry.find(op);
  if (!ins.op) {
    Error e(PXP_EUNKNOWN_OP, "unknown op '" + op + "'");
    e.instruction = static_cast<int64_t>(index);
    e.op = op;
    e.node = ins.label;
    e.source = ins.source;
    throw e;
  }
  if (const auto* inputs = field(m, "inputs", what)) {
    const auto& arr = as_array(*inputs, what + ".inputs");
    if (arr.size > format::kMaxInputs) invalid(what + " has too many inputs");
    for (uint32_t i = 0; i < arr.size; ++i) {
      uint64_t slot = as_uint(arr.ptr[i], what + ".inputs[" + std::to_string(i) + "]");
      if (slot >= index)
        invalid(what + " (" + op + ") reads slot " + std::to_string(slot) +
                ", which is not an earlier instruction: inputs must come before their use");
      ins.inputs.push_back(static_cast<uint32_t>(slot));
    }
  }
  if (const auto* attrs = field(m, "attributes", what)) {
    const auto& am = as_map(*attrs, what + ".attributes");
    for (uint32_t i = 0; i < am.size; ++i) {
      std::string name = as_string(am.ptr[i].key, what + " attribute name");
      if (ins.attrs.has(name)) invalid(what + " has attribute '" + name + "' twice");
      ins.attrs.set(name, read_attribute(am.ptr[i].val, what + " attribute '" + name + "'"));
    }
  }
  if (const auto* key = field(m, "key", what)) ins.key = as_uint(*key, what + ".key");
  for (uint32_t i = 0; i < m.size; ++i) {
    std::string k(m.ptr[i].key.via.str.ptr, m.ptr[i].key.via.str.size);
    if (k != "op" && k != "inputs" && k != "attributes" && k != "key" && k != "label" && k != "source")
      invalid(what + " has unknown field '" + k + "'");
  }
}

// "pixelpipes.seed" in the metadata map, if present. Metadata keys need not be strings: others are skipped.
std::optional<uint64_t> read_saved_seed(const msgpack::object_map& metadata) {
  std::optional<uint64_t> seed;
  const std::string what = std::string("metadata '") + format::kSeedKey + "'";
  for (uint32_t i = 0; i < metadata.size; ++i) {
    const auto& k = metadata.ptr[i].key;
    if (k.type != msgpack::type::STR || std::string(k.via.str.ptr, k.via.str.size) != format::kSeedKey) continue;
    if (seed) invalid(what + " is given twice");
    seed = as_uint(metadata.ptr[i].val, what + " (the seed recorded by pixelpipes.save)");
  }
  return seed;
}

}  // namespace

const char* msgpack_type_name(const msgpack::object& o) {
  switch (o.type) {
    case msgpack::type::NIL: return "nil";
    case msgpack::type::BOOLEAN: return "a boolean";
    case msgpack::type::POSITIVE_INTEGER:
    case msgpack::type::NEGATIVE_INTEGER: return "an integer";
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: return "a float";
    case msgpack::type::STR: return "a string";
    case msgpack::type::BIN: return "binary data";
    case msgpack::type::ARRAY: return "an array";
    case msgpack::type::MAP: return "a map";
    case msgpack::type::EXT: return "an extension";
  }
  return "?";
}

namespace {
// Strings, binaries and extensions point into the caller's bytes instead of being copied into
// the handle's zone: a large tensor constant then costs its bytes once (its Tensor), not twice.
// Every user of unpack_program keeps the bytes alive as long as the handle.
bool reference_payloads(msgpack::type::object_type, std::size_t, void*) { return true; }
}  // namespace

msgpack::object_handle unpack_program(const void* data, size_t size) {
  if (!data && size) argument_error("program data is NULL");
  if (size == 0) invalid("program is empty (0 bytes)");
  if (size > format::kMaxProgramBytes) invalid("program is larger than 2 GiB");
  msgpack::object_handle handle;
  size_t offset = 0;
  try {
    // Every element of an array or map takes at least one byte, so no honest container is longer
    // than the input: msgpack reserves memory for a container's declared length as soon as it
    // reads the header, and this keeps a length forged by random bytes from reserving more.
    auto elements = static_cast<uint32_t>(std::min<uint64_t>(size, format::kMaxContainer));
    // A string, binary or extension payload is a run of bytes of the input itself: msgpack hands
    // it over only once all of it is there (fewer bytes are insufficient_bytes below), so it can
    // never be larger than the input. Its only limit is the input's size (at most
    // kMaxProgramBytes), not kMaxContainer: a 47 MB tensor constant is one 47 MB payload.
    auto payload = static_cast<size_t>(size);
    msgpack::unpack_limit limit(elements, elements, payload, payload, payload, format::kMaxDepth);
    handle = msgpack::unpack(static_cast<const char*>(data), size, offset, reference_payloads, nullptr, limit);
  } catch (const msgpack::insufficient_bytes&) {
    invalid("program is truncated: the msgpack data ends early");
  } catch (const msgpack::depth_size_overflow&) {
    invalid("program nests containers deeper than " + std::to_string(format::kMaxDepth) + " levels");
  } catch (const msgpack::size_overflow&) {
    // Containers are checked against the input's size as soon as their header is read.
    invalid("program is truncated or corrupt: an array or map declares more elements than the input has bytes");
  } catch (const std::bad_alloc&) {
    invalid("program declares containers too large to read");
  } catch (const std::exception& e) {
    invalid(std::string("program is not valid msgpack: ") + e.what());
  }
  if (offset != size) invalid("program has " + std::to_string(size - offset) + " trailing bytes after its end");
  return handle;
}

Program read_program(const void* data, size_t size) {
  msgpack::object_handle handle = unpack_program(data, size);
  const msgpack::object& root = handle.get();
  if (root.type != msgpack::type::MAP) invalid("program must be a msgpack map, not " + std::string(msgpack_type_name(root)));
  const auto& m = root.via.map;

  const msgpack::object* magic = field(m, "magic", "program");
  if (!magic || magic->type != msgpack::type::STR || std::string(magic->via.str.ptr, magic->via.str.size) != format::kMagic)
    invalid("not a pixelpipes program: the magic field must be \"PXPP\"");
  const auto& version = as_array(required(m, "version", "program"), "program.version");
  if (version.size != 2) invalid("program.version must be [major, minor]");
  Program p;
  p.version_major = static_cast<uint32_t>(std::min<uint64_t>(as_uint(version.ptr[0], "version major"), UINT32_MAX));
  p.version_minor = static_cast<uint32_t>(std::min<uint64_t>(as_uint(version.ptr[1], "version minor"), UINT32_MAX));
  if (p.version_major != format::kMajor)
    fail(PXP_EUNSUPPORTED_VERSION, "program format " + std::to_string(p.version_major) + "." +
                                       std::to_string(p.version_minor) + " is not supported: this library reads " +
                                       std::to_string(format::kMajor) + ".x");

  if (const auto* constants = field(m, "constants", "program")) {
    const auto& arr = as_array(*constants, "program.constants");
    for (uint32_t i = 0; i < arr.size; ++i) p.constants.push_back(read_constant(arr.ptr[i], "constant " + std::to_string(i)));
  }
  const auto& instructions = as_array(required(m, "instructions", "program"), "program.instructions");
  if (instructions.size > format::kMaxInstructions) invalid("program has more than 2^20 instructions");
  const Registry& registry = Registry::global();
  p.instructions.reserve(instructions.size);
  for (uint32_t i = 0; i < instructions.size; ++i)
    p.instructions.push_back(read_instruction(instructions.ptr[i], i, registry));

  const auto& outputs = as_map(required(m, "outputs", "program"), "program.outputs");
  std::unordered_set<std::string> output_names;  // (a linear search would make many outputs quadratic)
  for (uint32_t i = 0; i < outputs.size; ++i) {
    std::string name = as_string(outputs.ptr[i].key, "output name");
    if (name.empty()) invalid("an output has an empty name");
    if (!output_names.insert(name).second) invalid("output '" + name + "' is defined twice");
    uint64_t slot = as_uint(outputs.ptr[i].val, "output '" + name + "'");
    if (slot >= p.instructions.size())
      invalid("output '" + name + "' reads slot " + std::to_string(slot) + ", but the program has " +
              std::to_string(p.instructions.size()) + " instructions");
    p.outputs.emplace_back(name, static_cast<uint32_t>(slot));
  }
  if (const auto* metadata = field(m, "metadata", "program")) {
    p.saved_seed = read_saved_seed(as_map(*metadata, "program.metadata"));
    p.metadata_json.clear();
    object_json(*metadata, p.metadata_json);
  }
  for (uint32_t i = 0; i < m.size; ++i) {
    std::string k(m.ptr[i].key.via.str.ptr, m.ptr[i].key.via.str.size);
    if (k != "magic" && k != "version" && k != "constants" && k != "instructions" && k != "outputs" && k != "metadata" &&
        p.version_minor <= format::kMinor)
      invalid("program has unknown field '" + k + "'");
  }
  return p;
}

}  // namespace pxp
