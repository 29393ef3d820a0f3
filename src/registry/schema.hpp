// OpSchema: everything the library knows about one op: its inputs and
// attributes (checked by the verifier), its type rule (run by the verifier
// over the whole program) and its exec function (run by the interpreter).
// Ops are built with OpBuilder and registered in register_<family>_ops.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/type.hpp"
#include "core/value.hpp"
#include "registry/attributes.hpp"

namespace pxp {

struct InputSpec {
  std::string name;
  std::string doc;
  bool variadic = false;  // only the last input may be variadic: zero or more values
};

struct AttrSpec {
  std::string name;
  AttrType type = AttrType::Int;
  std::optional<AttrValue> default_value;  // unset: the attribute is required
  std::optional<double> min, max;          // inclusive bounds for numbers (and list elements)
  std::vector<std::string> choices;        // for Enum
  std::string doc;
};

// Arguments of one instruction at run time: borrowed pointers to its input values.
class Args {
 public:
  Args(const Value* const* values, size_t size) : values_(values), size_(size) {}
  size_t size() const { return size_; }
  const Value& operator[](size_t i) const { return *values_[i]; }

 private:
  const Value* const* values_;
  size_t size_;
};

struct InferContext {
  const std::vector<Type>& inputs;
  // The value of each input when it is a constant known at load time, else nullptr.
  const std::vector<const Value*>& constants;
  const Attributes& attrs;
};

// What a pipeline lets one op take from the outside world (pxp_pipeline_options).
struct RunLimits {
  uint64_t max_file_bytes = uint64_t(1) << 30;  // io.read_file: the largest file read
};

class ExecContext {
 public:
  ExecContext(const Attributes& attrs, uint64_t seed, uint64_t sample, uint64_t key,
              const RunLimits& limits = default_limits())
      : attrs(attrs), limits(limits), seed_(seed), sample_(sample), key_(key) {}
  const Attributes& attrs;
  const RunLimits& limits;
  static const RunLimits& default_limits() {
    static const RunLimits defaults;
    return defaults;
  }
  // Where the result may go: when this instruction's value is a fixed-shape output of a stream,
  // the sample's slot in the batch buffer (a contiguous tensor of exactly the inferred type). Ops
  // declared writes_destination() may compute into it and return it, saving the copy into the
  // batch; any op may ignore it. Null otherwise.
  const Tensor* destination = nullptr;
  uint64_t sample() const { return sample_; }
  // The random stream of this instruction for this sample (fresh each call: draw numbers restart at 0).
  RandomStream random() const { return RandomStream(seed_, sample_, key_); }
  // A stream of this instruction keyed by another counter than the sample index (e.g. the
  // epoch), for draws that many samples must share.
  RandomStream random_for(uint64_t counter) const { return RandomStream(seed_, counter, key_); }

 private:
  uint64_t seed_, sample_, key_;
};

using InferFn = std::function<Type(const InferContext&)>;
using ExecFn = std::function<Value(ExecContext&, const Args&)>;

// What the interpreter must do besides calling exec.
enum class Control : uint8_t {
  None,
  Jump,    // skip to attribute `target` unconditionally
  Branch,  // skip to attribute `target` when input 0 is false
  Merge,     // branches join: the result is value input number int(input 0)
  Constant,  // the result is program constant number attribute `index`
};

struct OpSchema {
  std::string name;
  std::string doc;
  std::vector<InputSpec> inputs;
  std::vector<AttrSpec> attrs;
  std::string output_doc;  // the type rule in words, for docs and the JSON schema
  bool random = false;     // draws from the instruction's random stream
  bool pure = true;        // false: depends on the sample index or the outside world (never folded)
  Control control = Control::None;
  bool writes_destination = false;  // exec may write its result into ExecContext::destination
  // exec's kernel allocates its result once with Tensor::empty and keeps no reference to it: the
  // interpreter lets that allocation be the batch slot (core/output_target.hpp)
  bool allocates_destination = false;
  bool reads_file = false;          // input 0 is a path it reads: errors downstream name that file
  InferFn infer;
  ExecFn exec;

  const AttrSpec* find_attr(const std::string& name) const;
  size_t min_inputs() const;
  bool variadic() const { return !inputs.empty() && inputs.back().variadic; }
  std::string to_json() const;
};

// Fluent construction, so each op reads as one declaration.
class OpBuilder {
 public:
  explicit OpBuilder(std::string name) { s_.name = std::move(name); }
  OpBuilder& doc(std::string d) { s_.doc = std::move(d); return *this; }
  OpBuilder& input(std::string name, std::string doc) {
    s_.inputs.push_back({std::move(name), std::move(doc), false});
    return *this;
  }
  OpBuilder& variadic(std::string name, std::string doc) {
    s_.inputs.push_back({std::move(name), std::move(doc), true});
    return *this;
  }
  OpBuilder& attr(AttrSpec spec) { s_.attrs.push_back(std::move(spec)); return *this; }
  OpBuilder& attr_bool(std::string name, std::optional<bool> def, std::string doc);
  OpBuilder& attr_int(std::string name, std::optional<int64_t> def, std::string doc,
                      std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt);
  OpBuilder& attr_float(std::string name, std::optional<double> def, std::string doc,
                        std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt);
  OpBuilder& attr_ints(std::string name, std::optional<std::vector<int64_t>> def, std::string doc);
  OpBuilder& attr_floats(std::string name, std::optional<std::vector<double>> def, std::string doc);
  OpBuilder& attr_dtype(std::string name, std::optional<std::string> def, std::string doc);
  OpBuilder& attr_enum(std::string name, std::vector<std::string> choices, std::optional<std::string> def,
                       std::string doc);
  OpBuilder& output(std::string doc, InferFn infer) {
    s_.output_doc = std::move(doc);
    s_.infer = std::move(infer);
    return *this;
  }
  OpBuilder& random() { s_.random = true; return *this; }
  OpBuilder& impure() { s_.pure = false; return *this; }
  OpBuilder& control(Control c) { s_.control = c; return *this; }
  OpBuilder& writes_destination() { s_.writes_destination = true; return *this; }
  OpBuilder& allocates_destination() { s_.allocates_destination = true; return *this; }
  // Input 0 is the path of a file the op reads (errors of ops downstream of it name the file).
  OpBuilder& reads_file() { s_.reads_file = true; return *this; }
  OpBuilder& exec(ExecFn fn) { s_.exec = std::move(fn); return *this; }

  OpSchema build() { return std::move(s_); }

 private:
  OpSchema s_;
};

}  // namespace pxp
