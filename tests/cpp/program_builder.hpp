// Test helper: builds program bytes in C++ (the same msgpack the Python
// compiler writes) and runs single ops, so op tests read as one line each.
#pragma once

#include <msgpack.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "exec/pipeline.hpp"
#include "program/program.hpp"

namespace pxp::test {

using AttrList = std::vector<std::pair<std::string, AttrValue>>;

class ProgramBuilder {
 public:
  // A constant value; returns its slot (a core.constant instruction).
  uint32_t constant(const Value& v);
  template <typename T> uint32_t scalar(T x) { return constant(Value::scalar<T>(x)); }
  // An instruction; returns its slot.
  uint32_t op(const std::string& name, std::vector<uint32_t> inputs = {}, AttrList attrs = {}, uint64_t key = 0,
              std::string label = "", std::string source = "");
  void output(const std::string& name, uint32_t slot) { outputs_.emplace_back(name, slot); }
  size_t size() const { return instructions_.size(); }

  std::string bytes() const;
  std::shared_ptr<const Program> load() const;

 private:
  struct Ins {
    std::string op;
    std::vector<uint32_t> inputs;
    AttrList attrs;
    uint64_t key;
    std::string label, source;
  };
  std::vector<Value> constants_;
  std::vector<Ins> instructions_;
  std::vector<std::pair<std::string, uint32_t>> outputs_;
};

// Starts a hand-written program (for invalid ones): a map of `entries` keys, the first two being
// the magic and the format version 1.0; the caller packs the other entries.
void pack_program_head(msgpack::packer<msgpack::sbuffer>& pk, uint32_t entries);

// Packs one constant value in the program format (also used to write invalid programs).
void pack_value(msgpack::packer<msgpack::sbuffer>& pk, const Value& v);

// Runs `op` once on the given inputs (constants, unless as_runtime: then each input is
// routed through flow.select on the sample index so nothing is folded at load).
Value run_op(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {}, uint64_t seed = 0,
             uint64_t sample = 0, bool as_runtime = true);

// Tensor from a brace list: tensor<float>({1, 2, 3}, {3}).
template <typename T> Tensor tensor(const std::vector<T>& values, const Shape& shape) {
  Tensor t = Tensor::empty(dtype_of<T>(), shape);
  for (size_t i = 0; i < values.size(); ++i) t.mutable_data<T>()[i] = values[i];
  return t;
}
// Contents of a tensor as doubles (any dtype, any strides).
std::vector<double> values(const Tensor& t);

// Runs `op` once with each input behind flow.select on the sample index itself (select(i, x, x)
// is x for any i): nothing is folded at load and no op of another family is involved.
Value run_unfolded(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {},
                   uint64_t seed = 0, uint64_t sample = 0);

// The status run_op ends with (PXP_OK when it succeeds).
pxp_status error_code(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {});
// The status of the pxp::Error that f throws (PXP_OK when it throws none); *message gets its message.
pxp_status error_code(const std::function<void()>& f, std::string* message = nullptr);
inline Value f32(double v) { return Value::scalar<float>(static_cast<float>(v)); }
inline Value i64(int64_t v) { return Value::scalar<int64_t>(v); }
// A deterministic u8/u16/f32 image with values spread over the dtype's range; salt picks the sequence.
Tensor pattern(DType dtype, const Shape& shape, uint32_t seed, uint32_t salt);

}  // namespace pxp::test
