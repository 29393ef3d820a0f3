// Shared by the geometry and mask op tests: running an op on folded (constant) and run-time
// inputs, and small tensor builders.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "program_builder.hpp"

namespace pxp::test::geom {

// Constant inputs: folded at load.
inline Value run_const(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {}) {
  return run_op(op, inputs, attrs, 0, 0, false);
}

// Run-time inputs: each hidden behind flow.select on the sample index (select(c, x, x) is x).
inline Value run_dynamic(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {}) {
  return run_unfolded(op, inputs, attrs);
}

// Both paths must give the same bits.
inline Value run(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {}) {
  Value folded = run_const(op, inputs, attrs);
  Value dynamic = run_dynamic(op, inputs, attrs);
  EXPECT_TRUE(folded.bit_equal(dynamic)) << op;
  return folded;
}

using test::error_code;

// The inferred type of the last op of a program, as a string.
inline std::string inferred(const std::function<uint32_t(ProgramBuilder&)>& build) {
  ProgramBuilder b;
  uint32_t slot = build(b);
  b.output("out", slot);
  return b.load()->instructions[slot].type.to_string();
}

inline Value f64(double x) { return Value::scalar<double>(x); }
inline Value i64(int64_t x) { return Value::scalar<int64_t>(x); }
inline Value f32s(const std::vector<float>& v, const Shape& shape) { return Value(tensor<float>(v, shape)); }

inline std::vector<double> vals(const Value& v) { return values(v.tensor()); }

}  // namespace pxp::test::geom
