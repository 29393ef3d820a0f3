// Program verifier: everything a program must satisfy before it may run,
// checked once at load (never at run time). Every failure names the
// instruction, op and node. It also folds instructions whose inputs are all
// constant and computes when each slot may be freed.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "core/json.hpp"
#include "program/format.hpp"
#include "program/program.hpp"

namespace pxp {

[[noreturn]] void fail_at(const Program& program, size_t index, pxp_status code, const std::string& message) {
  Error e(code, message);
  e.instruction = static_cast<int64_t>(index);
  if (index < program.instructions.size()) {
    const Instruction& ins = program.instructions[index];
    if (ins.op) e.op = ins.op->name;
    e.node = ins.label;
    e.source = ins.source;
  }
  throw e;
}

namespace {

bool is_number(const AttrValue& v) { return std::holds_alternative<int64_t>(v) || std::holds_alternative<double>(v); }

double number(const AttrValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}

// A number as a user wrote it: "-1", "0.25", "1e+30" (std::to_string would give "-1.000000").
std::string format_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  std::string shortest = buf;
  for (int precision = 1; precision < 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, x);
    if (std::strtod(buf, nullptr) == x) return buf;
  }
  return shortest;
}

void check_bounds(const Program& p, size_t i, const AttrSpec& spec, double x) {
  // NaN compares false with everything, so a bounded attribute must reject it explicitly.
  if (((spec.min || spec.max) && std::isnan(x)) || (spec.min && x < *spec.min) || (spec.max && x > *spec.max)) {
    std::string range = std::string("[") + (spec.min ? format_number(*spec.min) : "-inf") + ", " +
                        (spec.max ? format_number(*spec.max) : "inf") + "]";
    fail_at(p, i, PXP_EINVALID_PROGRAM,
            "attribute '" + spec.name + "' = " + format_number(x) + " is out of its range " + range);
  }
}

// Checks one attribute value against its spec; converts ints to floats where a float is declared.
AttrValue checked_attribute(const Program& p, size_t i, const AttrSpec& spec, const AttrValue& v) {
  auto mistyped = [&](const char* got) {
    fail_at(p, i, PXP_EINVALID_PROGRAM,
            "attribute '" + spec.name + "' must be " + attr_type_name(spec.type) + ", not " + got);
  };
  auto got_name = [&]() -> const char* {
    switch (v.index()) {
      case 0: return "bool";
      case 1: return "int";
      case 2: return "float";
      case 3: return "string";
      case 4: return "int_list";
      default: return "float_list";
    }
  };
  switch (spec.type) {
    case AttrType::Bool:
      if (!std::holds_alternative<bool>(v)) mistyped(got_name());
      return v;
    case AttrType::Int:
      if (!std::holds_alternative<int64_t>(v)) mistyped(got_name());
      check_bounds(p, i, spec, number(v));
      return v;
    case AttrType::Float:
      if (!is_number(v)) mistyped(got_name());
      check_bounds(p, i, spec, number(v));
      return AttrValue(number(v));
    case AttrType::String:
      if (!std::holds_alternative<std::string>(v)) mistyped(got_name());
      return v;
    case AttrType::DType:
    case AttrType::Enum: {
      if (!std::holds_alternative<std::string>(v)) mistyped(got_name());
      const auto& s = std::get<std::string>(v);
      if (std::find(spec.choices.begin(), spec.choices.end(), s) == spec.choices.end()) {
        std::string choices;
        for (const auto& c : spec.choices) choices += (choices.empty() ? "" : ", ") + c;
        fail_at(p, i, PXP_EINVALID_PROGRAM,
                "attribute '" + spec.name + "' = '" + s + "' is not one of: " + choices);
      }
      return v;
    }
    case AttrType::IntList:
      if (auto* f = std::get_if<std::vector<double>>(&v)) {
        if (!f->empty()) mistyped("float_list");
        return AttrValue(std::vector<int64_t>{});
      }
      if (!std::holds_alternative<std::vector<int64_t>>(v)) mistyped(got_name());
      for (int64_t x : std::get<std::vector<int64_t>>(v)) check_bounds(p, i, spec, static_cast<double>(x));
      return v;
    case AttrType::FloatList: {
      std::vector<double> out;
      if (auto* il = std::get_if<std::vector<int64_t>>(&v)) out.assign(il->begin(), il->end());
      else if (auto* fl = std::get_if<std::vector<double>>(&v)) out = *fl;
      else mistyped(got_name());
      for (double x : out) check_bounds(p, i, spec, x);
      return AttrValue(out);
    }
  }
  return v;
}

void check_signature(Program& p, size_t i) {
  Instruction& ins = p.instructions[i];
  const OpSchema& op = *ins.op;
  size_t n = ins.inputs.size();
  if (n < op.min_inputs() || (!op.variadic() && n != op.inputs.size())) {
    std::string expected = op.variadic() ? "at least " + std::to_string(op.min_inputs())
                                         : std::to_string(op.inputs.size());
    fail_at(p, i, PXP_EINVALID_PROGRAM,
            "takes " + expected + " input(s) but the instruction has " + std::to_string(n));
  }
  Attributes checked;
  for (const auto& [name, value] : ins.attrs.all()) {
    const AttrSpec* spec = op.find_attr(name);
    if (!spec) fail_at(p, i, PXP_EINVALID_PROGRAM, "has no attribute '" + name + "'");
    checked.set(name, checked_attribute(p, i, *spec, value));
  }
  for (const auto& spec : op.attrs) {
    if (checked.has(spec.name)) continue;
    if (!spec.default_value) fail_at(p, i, PXP_EINVALID_PROGRAM, "lacks the required attribute '" + spec.name + "'");
    checked.set(spec.name, *spec.default_value);
  }
  ins.attrs = std::move(checked);
  if (op.control == Control::Jump || op.control == Control::Branch) {
    int64_t target = ins.attrs.get_int("target");
    if (target <= static_cast<int64_t>(i) || target > static_cast<int64_t>(p.size()))
      fail_at(p, i, PXP_EINVALID_PROGRAM,
              "jump target " + std::to_string(target) + " must be after the jump and at most " +
                  std::to_string(p.size()) + " (jumps only go forward)");
    ins.target = target;
  }
  if (op.control == Control::Constant) {
    int64_t index = ins.attrs.get_int("index");
    if (index < 0 || index >= static_cast<int64_t>(p.constants.size()))
      fail_at(p, i, PXP_EINVALID_PROGRAM,
              "constant index " + std::to_string(index) + " is out of range: the program has " +
                  std::to_string(p.constants.size()) + " constants");
  }
}

// For each slot, the end of the nearest jump range that may skip it (n+1 when none) and that jump.
struct Cover {
  std::vector<int64_t> end;
  std::vector<int64_t> jump;
};

Cover compute_cover(const Program& p) {
  size_t n = p.size();
  Cover c{std::vector<int64_t>(n, static_cast<int64_t>(n) + 1), std::vector<int64_t>(n, -1)};
  std::vector<size_t> jumps;
  for (size_t j = 0; j < n; ++j)
    if (p.instructions[j].target >= 0) jumps.push_back(j);
  // Ranges by ascending end; each slot takes the first (smallest) end that covers it.
  // "next" skips slots already assigned (union-find), so the whole pass is near-linear.
  std::stable_sort(jumps.begin(), jumps.end(),
                   [&](size_t a, size_t b) { return p.instructions[a].target < p.instructions[b].target; });
  std::vector<size_t> next(n + 1);
  std::iota(next.begin(), next.end(), 0);
  auto find = [&](size_t x) {
    while (next[x] != x) {
      next[x] = next[next[x]];
      x = next[x];
    }
    return x;
  };
  for (size_t j : jumps) {
    size_t end = static_cast<size_t>(p.instructions[j].target);
    for (size_t s = find(j + 1); s < end; s = find(s + 1)) {
      c.end[s] = static_cast<int64_t>(end);
      c.jump[s] = static_cast<int64_t>(j);
      next[s] = s + 1;
    }
  }
  return c;
}

void check_dataflow(Program& p, const Cover& cover) {
  for (size_t i = 0; i < p.size(); ++i) {
    Instruction& ins = p.instructions[i];
    ins.skippable = cover.jump[i] >= 0;
    for (size_t k = 0; k < ins.inputs.size(); ++k) {
      uint32_t s = ins.inputs[k];
      const OpSchema& producer = *p.instructions[s].op;
      if (producer.control == Control::Jump || producer.control == Control::Branch)
        fail_at(p, i, PXP_EINVALID_PROGRAM,
                "reads slot " + std::to_string(s) + " (" + producer.name + "), which produces no value");
      bool merge = ins.op->control == Control::Merge;
      if (merge && k == 0 && cover.end[s] <= static_cast<int64_t>(i))
        fail_at(p, i, PXP_EINVALID_PROGRAM,
                "reads slot " + std::to_string(s) + " as its selector, which the jump at instruction " +
                    std::to_string(cover.jump[s]) + " may skip: a selector must be computed on every path");
      if (!(merge && k > 0) && cover.end[s] <= static_cast<int64_t>(i))
        fail_at(p, i, PXP_EINVALID_PROGRAM,
                "reads slot " + std::to_string(s) + ", which the jump at instruction " +
                    std::to_string(cover.jump[s]) + " may skip; values of a branch leave it only through " +
                    format::kMergeOp);
    }
  }
  for (const auto& [name, s] : p.outputs) {
    const OpSchema& producer = *p.instructions[s].op;
    if (producer.control == Control::Jump || producer.control == Control::Branch)
      fail_at(p, s, PXP_EINVALID_PROGRAM, "output '" + name + "' is a jump, which produces no value");
    if (cover.jump[s] >= 0)
      fail_at(p, s, PXP_EINVALID_PROGRAM,
              "output '" + name + "' may be skipped by the jump at instruction " + std::to_string(cover.jump[s]));
  }
}

// Lists nested in lists: how deep a type goes (stops counting past limit). Values may nest lists as
// deep as constants may (kMaxDepth): deeper types cost quadratic time and space to describe, and
// deeper values recursion, so a long chain of list.make is refused at load.
size_t list_depth(const Type& t, size_t limit) {
  size_t depth = 0;
  for (const Type* e = &t; e->is_list() && depth <= limit; e = &e->element_type()) ++depth;
  return depth;
}

// The least a value of this type costs (core/value.hpp's footprint): what its known lengths and
// shapes say, saturating far above kMaxListBytes.
uint64_t least_footprint(const Type& t) {
  constexpr uint64_t kCap = uint64_t(1) << 62;
  uint64_t bytes = kValueOverheadBytes;
  if (t.is_tensor() && t.dtype && t.shape) {
    uint64_t n = dtype_size(*t.dtype);
    for (int64_t d : *t.shape) n = d < 0 ? 0 : (d > 0 && n > kCap / static_cast<uint64_t>(d) ? kCap : n * static_cast<uint64_t>(d));
    return std::min(kCap, bytes + n);
  }
  if (t.is_list() && t.length > 0) {
    uint64_t each = least_footprint(t.element_type());
    uint64_t length = static_cast<uint64_t>(t.length);
    return each > kCap / length ? kCap : std::min(kCap, bytes + each * length);
  }
  return bytes;
}

// The limits every value keeps, checked on the inferred type of each instruction so that a program
// that would build one is refused at load, before anything is folded (the ops check again at run
// time for what types leave unknown): tensors of at most kMaxDims dimensions, lists of at most
// kMaxListLength elements and kMaxListBytes bytes.
void check_type_limits(const Program& p, size_t i, const Type& type) {
  for (const Type* t = &type;; t = &t->element_type()) {
    if (t->is_tensor() && t->shape && t->shape->size() > static_cast<size_t>(kMaxDims))
      fail_at(p, i, PXP_EINVALID_PROGRAM,
              "the result would be a tensor of " + std::to_string(t->shape->size()) +
                  " dimensions: the limit is " + std::to_string(kMaxDims));
    if (!t->is_list()) break;
    if (t->length > kMaxListLength)
      fail_at(p, i, PXP_EINVALID_PROGRAM,
              "the result would be a list of " + std::to_string(t->length) + " elements, more than the limit of " +
                  std::to_string(kMaxListLength));
  }
  uint64_t bytes = type.is_list() ? least_footprint(type) : 0;
  if (bytes > kMaxListBytes)
    fail_at(p, i, PXP_EINVALID_PROGRAM,
            "the result would be a list of at least " + std::to_string(bytes) +
                " bytes (128 per element plus its tensors' and strings' bytes), more than the limit of " +
                std::to_string(kMaxListBytes));
}

void infer_and_fold(Program& p) {
  size_t n = p.size();
  p.folded.assign(n, Value());
  std::vector<Type> in_types;
  std::vector<const Value*> in_values;
  std::vector<const Value*> arg_ptrs;
  for (size_t i = 0; i < n; ++i) {
    Instruction& ins = p.instructions[i];
    const OpSchema& op = *ins.op;
    in_types.clear();
    in_values.clear();
    for (uint32_t s : ins.inputs) {
      in_types.push_back(p.instructions[s].type);
      in_values.push_back(p.folded[s].empty() ? nullptr : &p.folded[s]);
    }
    try {
      if (op.control == Control::Constant) {
        p.folded[i] = p.constants[static_cast<size_t>(ins.attrs.get_int("index"))];
        ins.type = type_of(p.folded[i]);
        continue;
      }
      ins.type = op.infer(InferContext{in_types, in_values, ins.attrs});
      if (list_depth(ins.type, format::kMaxDepth) > format::kMaxDepth)
        fail_at(p, i, PXP_EINVALID_PROGRAM,
                "the result nests lists more than " + std::to_string(format::kMaxDepth) + " deep (the limit)");
      check_type_limits(p, i, ins.type);
    } catch (const Error& e) {
      if (e.instruction >= 0) throw;
      fail_at(p, i, e.code() == PXP_EINTERNAL ? PXP_EINTERNAL : PXP_ETYPE, e.message());
    } catch (const std::exception& e) {
      fail_at(p, i, PXP_EINTERNAL, std::string("type rule failed: ") + e.what());
    }
    bool all_known = std::all_of(in_values.begin(), in_values.end(), [](const Value* v) { return v != nullptr; });
    if (!op.pure || op.random || op.control != Control::None || !all_known) continue;
    arg_ptrs.assign(in_values.begin(), in_values.end());
    try {
      ExecContext ctx(ins.attrs, 0, 0, ins.key);
      p.folded[i] = op.exec(ctx, Args(arg_ptrs.data(), arg_ptrs.size()));
    } catch (const Error& e) {
      // In a branch, the error is the run's to raise, and only if the branch is taken.
      if (!ins.skippable) fail_at(p, i, e.code(), e.message());
    } catch (const std::bad_alloc&) {
      if (!ins.skippable) fail_at(p, i, PXP_ENOMEM, "out of memory while evaluating a constant");
    } catch (const std::exception& e) {
      if (!ins.skippable) fail_at(p, i, PXP_EINTERNAL, e.what());
    }
  }
}

void compute_liveness(Program& p) {
  size_t n = p.size();
  std::vector<size_t> last_use(n);
  for (size_t s = 0; s < n; ++s) last_use[s] = s;
  for (size_t i = 0; i < n; ++i)
    for (uint32_t s : p.instructions[i].inputs) last_use[s] = std::max(last_use[s], i);
  std::vector<bool> is_output(n, false);
  for (const auto& o : p.outputs) is_output[o.second] = true;
  p.release_after.assign(n, {});
  for (size_t s = 0; s < n; ++s)
    if (!is_output[s] && p.folded[s].empty()) p.release_after[last_use[s]].push_back(static_cast<uint32_t>(s));
}

void build_description(Program& p) {
  JsonWriter w;
  w.begin_object();
  w.key("version").begin_array().integer(p.version_major).integer(p.version_minor).end_array();
  w.key("instructions").begin_array();
  for (size_t i = 0; i < p.size(); ++i) {
    const Instruction& ins = p.instructions[i];
    w.begin_object();
    w.key("index").integer(static_cast<int64_t>(i));
    w.key("op").string(ins.op->name);
    w.key("inputs").begin_array();
    for (uint32_t s : ins.inputs) w.integer(s);
    w.end_array();
    w.key("attributes").begin_object();
    for (const auto& [name, value] : ins.attrs.all()) w.key(name).raw(attr_value_json(value));
    w.end_object();
    w.key("key").unsigned_integer(ins.key);
    w.key("label").string(ins.label);
    w.key("source").string(ins.source);
    w.key("type").raw(ins.type.to_json());
    w.key("constant").boolean(!p.folded[i].empty());
    w.key("skippable").boolean(ins.skippable);
    if (ins.target >= 0) w.key("jump").integer(ins.target);
    w.end_object();
  }
  w.end_array();
  w.key("outputs").begin_object();
  for (const auto& [name, s] : p.outputs) w.key(name).integer(s);
  w.end_object();
  w.key("metadata").raw(p.metadata_json);
  w.end_object();
  p.description_json = w.str();
  p.output_types_json.clear();
  for (const auto& o : p.outputs) p.output_types_json.push_back(p.instructions[o.second].type.to_json());
}

}  // namespace

void verify_program(Program& p) {
  for (size_t i = 0; i < p.size(); ++i) check_signature(p, i);
  check_dataflow(p, compute_cover(p));
  infer_and_fold(p);
  compute_liveness(p);
  build_description(p);
}

std::shared_ptr<const Program> load_program(const void* data, size_t size) {
  auto p = std::make_shared<Program>(read_program(data, size));
  p->bytes.assign(static_cast<const char*>(data), size);  // (read_program refused NULL data)
  verify_program(*p);
  return p;
}

std::shared_ptr<const Program> load_program(std::string bytes) {
  auto p = std::make_shared<Program>(read_program(bytes.data(), bytes.size()));
  p->bytes = std::move(bytes);
  verify_program(*p);
  return p;
}

}  // namespace pxp
