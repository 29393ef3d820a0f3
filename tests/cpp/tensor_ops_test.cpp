// tensor.*: exact values (including non-contiguous inputs made by a transpose
// inside the program), views that share memory, negative axes, error statuses
// and the types inferred at load.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kernels/tensor_layout.hpp"
#include "program_builder.hpp"

namespace pxp::test {
namespace {

using V = std::vector<double>;
using Ints = std::vector<int64_t>;

// A slot whose value is only known at run time: select(sample_index, s, s)
// keeps the type of s but is never folded (and needs no math op).
uint32_t at_runtime(ProgramBuilder& b, uint32_t s) {
  uint32_t index = b.op("core.sample_index");
  return b.op("flow.select", {index, s, s});
}

// Loads and runs, checking the value against the type inferred at load.
Value run_program(ProgramBuilder& b, uint32_t out) {
  b.output("out", out);
  auto program = b.load();
  Pipeline pipeline(program, 0, 1);
  Value v = pipeline.run(0).outputs.at(0);
  EXPECT_TRUE(value_matches(v, program->instructions[out].type))
      << type_of(v).to_string() << " vs inferred " << program->instructions[out].type.to_string();
  return v;
}

// Runs op on inputs, either all constant (folded at load) or all at run time.
Value run(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {}, bool runtime = true) {
  ProgramBuilder b;
  std::vector<uint32_t> slots;
  for (const auto& v : inputs) {
    uint32_t s = b.constant(v);
    slots.push_back(runtime ? at_runtime(b, s) : s);
  }
  return run_program(b, b.op(op, slots, attrs));
}

// Runs op on transpose(x) (a non-contiguous view), at run time, plus further constant inputs.
Value run_transposed(const std::string& op, const Tensor& x, const AttrList& attrs,
                     const std::vector<Value>& more = {}) {
  ProgramBuilder b;
  uint32_t t = b.op("tensor.transpose", {at_runtime(b, b.constant(Value(x)))});
  std::vector<uint32_t> slots{t};
  for (const auto& v : more) slots.push_back(b.constant(v));
  return run_program(b, b.op(op, slots, attrs));
}

// The type inferred at load for op on constant (or run-time) inputs.
Type inferred(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {},
              bool runtime = true) {
  ProgramBuilder b;
  std::vector<uint32_t> slots;
  for (const auto& v : inputs) {
    uint32_t s = b.constant(v);
    slots.push_back(runtime ? at_runtime(b, s) : s);
  }
  uint32_t out = b.op(op, slots, attrs);
  b.output("out", out);
  return b.load()->instructions[out].type;
}

// A slot of type dtype[?, ...]: the merge of two constants that differ in every dim.
uint32_t unknown_dims(ProgramBuilder& b, const Tensor& a, const Tensor& c) {
  uint32_t index = b.op("core.sample_index");
  return b.op("flow.select", {index, b.constant(Value(a)), b.constant(Value(c))});
}

template <typename F> pxp_status status_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return PXP_OK;
}

// The status of loading op on the inputs (load-time checks), or of running it.
pxp_status load_status(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {}) {
  return status_of([&] { inferred(op, inputs, attrs); });
}

std::string error_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.message();
  }
  return "";
}

void expect_tensor(const Value& v, DType dtype, const Shape& shape, const V& expected) {
  ASSERT_TRUE(v.is_tensor()) << v.describe();
  EXPECT_EQ(v.tensor().dtype(), dtype);
  EXPECT_EQ(v.tensor().shape(), shape);
  EXPECT_EQ(values(v.tensor()), expected);
}

Tensor iota23() { return tensor<float>({1, 2, 3, 4, 5, 6}, {2, 3}); }
Tensor iota234() {
  std::vector<int32_t> v(24);
  for (int i = 0; i < 24; ++i) v[static_cast<size_t>(i)] = i;
  return tensor<int32_t>(v, {2, 3, 4});
}

// ---------------------------------------------------------------- stack

TEST(TensorStack, VariadicAndNegativeAxis) {
  Tensor a = tensor<float>({1, 2, 3}, {3}), b = tensor<float>({4, 5, 6}, {3});
  for (bool rt : {false, true}) {
    expect_tensor(run("tensor.stack", {Value(a), Value(b)}, {}, rt), DType::F32, {2, 3}, V{1, 2, 3, 4, 5, 6});
    expect_tensor(run("tensor.stack", {Value(a), Value(b)}, {{"axis", int64_t(1)}}, rt), DType::F32, {3, 2},
                  V{1, 4, 2, 5, 3, 6});
    expect_tensor(run("tensor.stack", {Value(a), Value(b)}, {{"axis", int64_t(-1)}}, rt), DType::F32, {3, 2},
                  V{1, 4, 2, 5, 3, 6});
  }
}

TEST(TensorStack, ListInputAndScalars) {
  List items{Value::scalar<int64_t>(3), Value::scalar<int64_t>(1), Value::scalar<int64_t>(2)};
  expect_tensor(run("tensor.stack", {Value(items)}), DType::I64, {3}, V{3, 1, 2});
  EXPECT_EQ(inferred("tensor.stack", {Value(items)}).to_string(), "i64[3]");
  // a single tensor input is a stack of one
  expect_tensor(run("tensor.stack", {Value(iota23())}), DType::F32, {1, 2, 3}, V{1, 2, 3, 4, 5, 6});
}

TEST(TensorStack, NonContiguousInput) {
  // transpose of [[1,2,3],[4,5,6]] is [[1,4],[2,5],[3,6]]
  ProgramBuilder b;
  uint32_t t = b.op("tensor.transpose", {at_runtime(b, b.constant(Value(iota23())))});
  uint32_t c = b.constant(Value(tensor<float>({0, 0, 0, 0, 0, 0}, {3, 2})));
  expect_tensor(run_program(b, b.op("tensor.stack", {t, c}, {{"axis", int64_t(2)}})), DType::F32, {3, 2, 2},
                V{1, 0, 4, 0, 2, 0, 5, 0, 3, 0, 6, 0});
}

TEST(TensorStack, MismatchesAreTypeErrors) {
  Value a(tensor<float>({1, 2, 3}, {3})), b(tensor<float>({1, 2}, {2})), c(tensor<int32_t>({1, 2, 3}, {3}));
  EXPECT_EQ(load_status("tensor.stack", {a, b}), PXP_ETYPE);
  std::string msg = error_message([&] { inferred("tensor.stack", {a, b}); });
  EXPECT_NE(msg.find("[3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2]"), std::string::npos) << msg;
  EXPECT_EQ(load_status("tensor.stack", {a, c}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.stack", {a, a}, {{"axis", int64_t(2)}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.stack", {a, a}, {{"axis", int64_t(-3)}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.stack", {}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.stack", {a, Value(std::string("s"))}), PXP_ETYPE);
  // a list with mismatching shapes is only found when the values are: still ETYPE, at load (folded) or run time
  List mixed{a, b};
  EXPECT_EQ(status_of([&] { run("tensor.stack", {Value(mixed)}, {}, false); }), PXP_ETYPE);
  EXPECT_EQ(status_of([&] { run("tensor.stack", {Value(mixed)}, {}, true); }), PXP_ETYPE);
}

TEST(TensorStack, InferredTypes) {
  Value a(tensor<float>({1, 2, 3, 4, 5, 6}, {2, 3}));
  EXPECT_EQ(inferred("tensor.stack", {a, a, a}).to_string(), "f32[3,2,3]");
  EXPECT_EQ(inferred("tensor.stack", {a, a}, {{"axis", int64_t(-1)}}).to_string(), "f32[2,3,2]");
  // unknown dims are filled from another input that knows them
  ProgramBuilder b;
  uint32_t u = unknown_dims(b, tensor<float>({1, 2, 3, 4}, {2, 2}), tensor<float>({1, 2, 3}, {1, 3}));  // f32[?,?]
  uint32_t k = b.constant(a);
  uint32_t s = b.op("tensor.stack", {u, k});
  b.output("out", s);
  EXPECT_EQ(b.load()->instructions[s].type.to_string(), "f32[2,2,3]");
}

// ---------------------------------------------------------------- concat

TEST(TensorConcat, AxesAndValues) {
  Value a(iota23()), b(tensor<float>({7, 8, 9}, {1, 3}));
  expect_tensor(run("tensor.concat", {a, b}), DType::F32, {3, 3}, V{1, 2, 3, 4, 5, 6, 7, 8, 9});
  Value c(tensor<float>({10, 20}, {2, 1}));
  expect_tensor(run("tensor.concat", {a, c}, {{"axis", int64_t(-1)}}), DType::F32, {2, 4},
                V{1, 2, 3, 10, 4, 5, 6, 20});
  expect_tensor(run("tensor.concat", {Value(List{c, c})}, {{"axis", int64_t(1)}}), DType::F32, {2, 2},
                V{10, 10, 20, 20});
  EXPECT_EQ(inferred("tensor.concat", {a, c}, {{"axis", int64_t(1)}}).to_string(), "f32[2,4]");
  EXPECT_EQ(inferred("tensor.concat", {Value(List{c, c, c})}, {{"axis", int64_t(1)}}).to_string(), "f32[2,3]");
}

TEST(TensorConcat, EmptyPieces) {
  Value a(iota23()), none(Tensor::zeros(DType::F32, {0, 3}));
  expect_tensor(run("tensor.concat", {none, a, none}), DType::F32, {2, 3}, V{1, 2, 3, 4, 5, 6});
  expect_tensor(run("tensor.stack", {none, none}), DType::F32, {2, 0, 3}, V{});
}

TEST(TensorConcat, NonContiguousInput) {
  // transpose(iota23) = [[1,4],[2,5],[3,6]] joined with a contiguous [[7,8]]
  Value v = run_transposed("tensor.concat", iota23(), {}, {Value(tensor<float>({7, 8}, {1, 2}))});
  expect_tensor(v, DType::F32, {4, 2}, V{1, 4, 2, 5, 3, 6, 7, 8});
  Value w = run_transposed("tensor.concat", iota23(), {{"axis", int64_t(1)}},
                           {Value(tensor<float>({7, 8, 9}, {3, 1}))});
  expect_tensor(w, DType::F32, {3, 3}, V{1, 4, 7, 2, 5, 8, 3, 6, 9});
}

TEST(TensorConcat, Errors) {
  Value a(iota23()), b(tensor<float>({1, 2}, {1, 2}));
  EXPECT_EQ(load_status("tensor.concat", {a, b}), PXP_ETYPE);  // dim 1: 3 vs 2
  EXPECT_EQ(load_status("tensor.concat", {a, b}, {{"axis", int64_t(1)}}), PXP_ETYPE);  // dim 0: 2 vs 1
  EXPECT_EQ(load_status("tensor.concat", {a, Value(tensor<double>({1, 2, 3}, {1, 3}))}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.concat", {Value::scalar<float>(1), Value::scalar<float>(2)}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.concat", {a, a}, {{"axis", int64_t(2)}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.concat", {a, Value(tensor<float>({1, 2}, {2}))}), PXP_ETYPE);  // rank
}

TEST(TensorConcat, UnknownExtentStaysUnknown) {
  ProgramBuilder b;
  uint32_t u = unknown_dims(b, tensor<float>({1, 2}, {1, 2}), tensor<float>({1, 2, 3, 4}, {2, 2}));
  uint32_t c = b.op("tensor.concat", {u, b.constant(Value(tensor<float>({1, 2}, {1, 2})))});
  b.output("out", c);
  EXPECT_EQ(b.load()->instructions[c].type.to_string(), "f32[?,2]");
}

// ---------------------------------------------------------------- cast

TEST(TensorCast, SaturatingByDefault) {
  Value x(tensor<float>({-1.5f, 2.7f, 300.f, -300.f, std::nanf(""), 1e20f}, {6}));
  expect_tensor(run("tensor.cast", {x}, {{"dtype", std::string("u8")}}), DType::U8, {6}, V{0, 2, 255, 0, 0, 255});
  expect_tensor(run("tensor.cast", {x}, {{"dtype", std::string("i8")}}), DType::I8, {6},
                V{-1, 2, 127, -128, 0, 127});
  expect_tensor(run("tensor.cast", {x}, {{"dtype", std::string("i64")}}), DType::I64, {6},
                V{-1, 2, 300, -300, 0, double(std::numeric_limits<int64_t>::max())});
  expect_tensor(run("tensor.cast", {x}, {{"dtype", std::string("bool")}}), DType::Bool, {6}, V{1, 1, 1, 1, 1, 1});
  Value i(tensor<int32_t>({-1, 0, 70000}, {3}));
  expect_tensor(run("tensor.cast", {i}, {{"dtype", std::string("u16")}}), DType::U16, {3}, V{0, 0, 65535});
  expect_tensor(run("tensor.cast", {i}, {{"dtype", std::string("bool")}}), DType::Bool, {3}, V{1, 0, 1});
  expect_tensor(run("tensor.cast", {i}, {{"dtype", std::string("f64")}}), DType::F64, {3}, V{-1, 0, 70000});
}

TEST(TensorCast, WrapsWhenNotSaturating) {
  AttrList wrap_u8{{"dtype", std::string("u8")}, {"saturate", false}};
  expect_tensor(run("tensor.cast", {Value(tensor<int32_t>({-1, 256, 257, 300}, {4}))}, wrap_u8), DType::U8, {4},
                V{255, 0, 1, 44});
  AttrList wrap_i8{{"dtype", std::string("i8")}, {"saturate", false}};
  expect_tensor(run("tensor.cast", {Value(tensor<uint16_t>({200, 65535, 128}, {3}))}, wrap_i8), DType::I8, {3},
                V{-56, -1, -128});
  // floats truncate toward zero, then wrap; NaN and infinities become 0
  Value f(tensor<double>({-1.9, 257.9, std::nan(""), INFINITY, -INFINITY, 4294967296.0 + 5}, {6}));
  expect_tensor(run("tensor.cast", {f}, wrap_u8), DType::U8, {6}, V{255, 1, 0, 0, 0, 5});
  AttrList wrap_i32{{"dtype", std::string("i32")}, {"saturate", false}};
  expect_tensor(run("tensor.cast", {f}, wrap_i32), DType::I32, {6}, V{-1, 257, 0, 0, 0, 5});
  // bool and float targets are the same either way
  AttrList wrap_bool{{"dtype", std::string("bool")}, {"saturate", false}};
  expect_tensor(run("tensor.cast", {Value(tensor<int32_t>({0, 256}, {2}))}, wrap_bool), DType::Bool, {2}, V{0, 1});
}

TEST(TensorCast, TypesAndErrors) {
  EXPECT_EQ(inferred("tensor.cast", {Value(iota23())}, {{"dtype", std::string("i16")}}).to_string(), "i16[2,3]");
  EXPECT_EQ(load_status("tensor.cast", {Value(iota23())}), PXP_EINVALID_PROGRAM);  // dtype is required
  EXPECT_EQ(load_status("tensor.cast", {Value(iota23())}, {{"dtype", std::string("f16")}}), PXP_EINVALID_PROGRAM);
  EXPECT_EQ(load_status("tensor.cast", {Value(List{Value::scalar<int64_t>(1)})}, {{"dtype", std::string("u8")}}),
            PXP_ETYPE);
  // non-contiguous input
  expect_tensor(run_transposed("tensor.cast", iota23(), {{"dtype", std::string("i32")}}), DType::I32, {3, 2},
                V{1, 4, 2, 5, 3, 6});
}

// ---------------------------------------------------------------- reshape

TEST(TensorReshape, ValuesAndInference) {
  Value x(iota23());
  for (bool rt : {false, true}) {
    expect_tensor(run("tensor.reshape", {x}, {{"shape", Ints{3, -1}}}, rt), DType::F32, {3, 2}, V{1, 2, 3, 4, 5, 6});
    expect_tensor(run("tensor.reshape", {x}, {{"shape", Ints{6}}}, rt), DType::F32, {6}, V{1, 2, 3, 4, 5, 6});
  }
  expect_tensor(run("tensor.reshape", {Value::scalar<int32_t>(7)}, {{"shape", Ints{1, 1}}}), DType::I32, {1, 1}, V{7});
  expect_tensor(run("tensor.reshape", {Value(tensor<int32_t>({7}, {1}))}, {{"shape", Ints{}}}), DType::I32, {}, V{7});
  EXPECT_EQ(inferred("tensor.reshape", {x}, {{"shape", Ints{-1, 2}}}).to_string(), "f32[3,2]");
}

TEST(TensorReshape, ViewWhenContiguousCopyOtherwise) {
  ProgramBuilder b;
  uint32_t x = at_runtime(b, b.constant(Value(iota23())));
  uint32_t r = b.op("tensor.reshape", {x}, {{"shape", Ints{6}}});
  uint32_t l = b.op("list.make", {x, r});
  b.output("out", l);
  Pipeline p(b.load(), 0, 1);
  Value v = p.run(0).outputs.at(0);
  EXPECT_EQ(v.list()[0].tensor().bytes(), v.list()[1].tensor().bytes());  // same memory

  Value t = run_transposed("tensor.reshape", iota23(), {{"shape", Ints{-1}}});
  expect_tensor(t, DType::F32, {6}, V{1, 4, 2, 5, 3, 6});
  EXPECT_TRUE(t.tensor().is_contiguous());
}

TEST(TensorReshape, Errors) {
  Value x(iota23());
  EXPECT_EQ(load_status("tensor.reshape", {x}, {{"shape", Ints{4, -1}}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.reshape", {x}, {{"shape", Ints{7}}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.reshape", {x}, {{"shape", Ints{-1, -1}}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.reshape", {x}, {{"shape", Ints{-2, -3}}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.reshape", {x}, {{"shape", Ints{0, -1}}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.reshape", {x}), PXP_EINVALID_PROGRAM);  // shape is required
  std::string msg = error_message([&] { inferred("tensor.reshape", {x}, {{"shape", Ints{7}}}); });
  EXPECT_NE(msg.find("6 elements"), std::string::npos) << msg;
}

TEST(TensorReshape, UnknownInputShapeChecksAtRunTime) {
  // sample 0 selects the 6-element tensor, sample 1 the 4-element one
  ProgramBuilder b;
  uint32_t u = unknown_dims(b, iota23(), tensor<float>({1, 2, 3, 4}, {1, 4}));
  uint32_t r = b.op("tensor.reshape", {u}, {{"shape", Ints{-1, 3}}});
  uint32_t s = b.op("tensor.reshape", {u}, {{"shape", Ints{2, 3}}});
  b.output("r", r);
  b.output("s", s);
  auto program = b.load();
  EXPECT_EQ(program->instructions[r].type.to_string(), "f32[?,3]");
  EXPECT_EQ(program->instructions[s].type.to_string(), "f32[2,3]");
  Pipeline p(program, 0, 1);
  expect_tensor(p.run(1).outputs[0], DType::F32, {2, 3}, V{1, 2, 3, 4, 5, 6});  // select(1, a, b) = a
  EXPECT_EQ(status_of([&] { p.run(0); }), PXP_ETYPE);
}

// ---------------------------------------------------------------- transpose

TEST(TensorTranspose, DefaultReversesAndIsAView) {
  Value v = run("tensor.transpose", {Value(iota23())});
  expect_tensor(v, DType::F32, {3, 2}, V{1, 4, 2, 5, 3, 6});
  EXPECT_FALSE(v.tensor().is_contiguous());
  Value w = run("tensor.transpose", {Value(iota234())}, {{"axes", Ints{1, -1, 0}}});
  EXPECT_EQ(w.tensor().shape(), (Shape{3, 4, 2}));
  // element [i,j,k] of the result is x[k,i,j] = 12k + 4i + j
  std::vector<double> got = values(w.tensor()), expected;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 2; ++k) expected.push_back(12 * k + 4 * i + j);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(inferred("tensor.transpose", {Value(iota234())}, {{"axes", Ints{2, 0, 1}}}).to_string(), "i32[4,2,3]");
  EXPECT_EQ(inferred("tensor.transpose", {Value(iota234())}).to_string(), "i32[4,3,2]");
}

TEST(TensorTranspose, Errors) {
  Value x(iota234());
  EXPECT_EQ(load_status("tensor.transpose", {x}, {{"axes", Ints{0, 1}}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.transpose", {x}, {{"axes", Ints{0, 1, 1}}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.transpose", {x}, {{"axes", Ints{0, 1, 3}}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.transpose", {Value(std::string("no"))}), PXP_ETYPE);
}

// ---------------------------------------------------------------- squeeze / unsqueeze

TEST(TensorSqueeze, AllOrChosenAxes) {
  Value x(tensor<int32_t>({1, 2, 3}, {1, 3, 1}));
  expect_tensor(run("tensor.squeeze", {x}), DType::I32, {3}, V{1, 2, 3});
  expect_tensor(run("tensor.squeeze", {x}, {{"axes", Ints{-1}}}), DType::I32, {1, 3}, V{1, 2, 3});
  expect_tensor(run("tensor.squeeze", {x}, {{"axes", Ints{0, 2}}}), DType::I32, {3}, V{1, 2, 3});
  EXPECT_EQ(inferred("tensor.squeeze", {x}, {{"axes", Ints{0}}}).to_string(), "i32[3,1]");
  EXPECT_EQ(load_status("tensor.squeeze", {x}, {{"axes", Ints{1}}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.squeeze", {x}, {{"axes", Ints{3}}}), PXP_ETYPE);
  std::string msg = error_message([&] { inferred("tensor.squeeze", {x}, {{"axes", Ints{1}}}); });
  EXPECT_NE(msg.find("size 3"), std::string::npos) << msg;
  // a transposed input keeps its strides
  Value t = run_transposed("tensor.squeeze", tensor<float>({1, 2, 3}, {3, 1}), {});
  expect_tensor(t, DType::F32, {3}, V{1, 2, 3});
}

TEST(TensorSqueeze, UnknownDims) {
  ProgramBuilder b;
  uint32_t u = unknown_dims(b, tensor<float>({1, 2}, {1, 2}), tensor<float>({1, 2, 3}, {1, 3}));  // f32[1,?]
  uint32_t all = b.op("tensor.squeeze", {u});
  uint32_t one = b.op("tensor.squeeze", {u}, {{"axes", Ints{1}}});  // trusted until run time
  b.output("all", all);
  b.output("one", one);
  auto program = b.load();
  EXPECT_EQ(program->instructions[all].type.to_string(), "f32[...]");
  EXPECT_EQ(program->instructions[one].type.to_string(), "f32[1]");
  Pipeline p(program, 0, 1);
  EXPECT_EQ(status_of([&] { p.run(0); }), PXP_ETYPE);  // dim 1 is 3 at run time
}

TEST(TensorUnsqueeze, PositiveAndNegativeAxes) {
  Value x(iota23());
  expect_tensor(run("tensor.unsqueeze", {x}, {{"axis", int64_t(0)}}), DType::F32, {1, 2, 3}, V{1, 2, 3, 4, 5, 6});
  expect_tensor(run("tensor.unsqueeze", {x}, {{"axis", int64_t(2)}}), DType::F32, {2, 3, 1}, V{1, 2, 3, 4, 5, 6});
  expect_tensor(run("tensor.unsqueeze", {x}, {{"axis", int64_t(-1)}}), DType::F32, {2, 3, 1}, V{1, 2, 3, 4, 5, 6});
  expect_tensor(run("tensor.unsqueeze", {x}, {{"axis", int64_t(-2)}}), DType::F32, {2, 1, 3}, V{1, 2, 3, 4, 5, 6});
  expect_tensor(run("tensor.unsqueeze", {Value::scalar<int64_t>(4)}, {{"axis", int64_t(0)}}), DType::I64, {1}, V{4});
  EXPECT_TRUE(run("tensor.unsqueeze", {x}, {{"axis", int64_t(1)}}).tensor().is_contiguous());
  EXPECT_EQ(inferred("tensor.unsqueeze", {x}, {{"axis", int64_t(-3)}}).to_string(), "f32[1,2,3]");
  EXPECT_EQ(load_status("tensor.unsqueeze", {x}, {{"axis", int64_t(3)}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.unsqueeze", {x}, {{"axis", int64_t(-4)}}), PXP_ETYPE);
  expect_tensor(run_transposed("tensor.unsqueeze", iota23(), {{"axis", int64_t(1)}}), DType::F32, {3, 1, 2},
                V{1, 4, 2, 5, 3, 6});
}

// ---------------------------------------------------------------- flip

TEST(TensorFlip, AxesAndValues) {
  Value x(iota23());
  expect_tensor(run("tensor.flip", {x}), DType::F32, {2, 3}, V{6, 5, 4, 3, 2, 1});
  expect_tensor(run("tensor.flip", {x}, {{"axes", Ints{0}}}), DType::F32, {2, 3}, V{4, 5, 6, 1, 2, 3});
  expect_tensor(run("tensor.flip", {x}, {{"axes", Ints{-1}}}), DType::F32, {2, 3}, V{3, 2, 1, 6, 5, 4});
  expect_tensor(run("tensor.flip", {Value::scalar<int32_t>(5)}), DType::I32, {}, V{5});
  expect_tensor(run("tensor.flip", {Value(Tensor::zeros(DType::U8, {0, 3}))}), DType::U8, {0, 3}, V{});
  EXPECT_EQ(inferred("tensor.flip", {x}, {{"axes", Ints{1}}}).to_string(), "f32[2,3]");
  EXPECT_EQ(load_status("tensor.flip", {x}, {{"axes", Ints{2}}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.flip", {x}, {{"axes", Ints{0, -2}}}), PXP_ETYPE);  // repeated
}

TEST(TensorFlip, NonContiguousInput) {
  // transpose(iota23) = [[1,4],[2,5],[3,6]]
  expect_tensor(run_transposed("tensor.flip", iota23(), {{"axes", Ints{0}}}), DType::F32, {3, 2},
                V{3, 6, 2, 5, 1, 4});
  expect_tensor(run_transposed("tensor.flip", iota23(), {{"axes", Ints{1}}}), DType::F32, {3, 2},
                V{4, 1, 5, 2, 6, 3});
  Value both = run_transposed("tensor.flip", iota23(), {});
  expect_tensor(both, DType::F32, {3, 2}, V{6, 3, 5, 2, 4, 1});
  EXPECT_TRUE(both.tensor().is_contiguous());
}

// ---------------------------------------------------------------- slice

Value slice(const Value& x, int64_t begin, int64_t end, const AttrList& attrs = {}, bool runtime = true) {
  return run("tensor.slice", {x, Value::scalar<int64_t>(begin), Value::scalar<int64_t>(end)}, attrs, runtime);
}

TEST(TensorSlice, PythonSemantics) {
  Value x(tensor<int32_t>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {10}));
  expect_tensor(slice(x, 2, 5), DType::I32, {3}, V{2, 3, 4});
  expect_tensor(slice(x, -3, 100), DType::I32, {3}, V{7, 8, 9});
  expect_tensor(slice(x, -100, 2), DType::I32, {2}, V{0, 1});
  expect_tensor(slice(x, 5, 2), DType::I32, {0}, V{});
  expect_tensor(slice(x, 1, -1, {{"step", int64_t(3)}}), DType::I32, {3}, V{1, 4, 7});
  expect_tensor(slice(x, 0, 10, {{"step", int64_t(4)}}, false), DType::I32, {3}, V{0, 4, 8});
  expect_tensor(slice(x, 3, 10, {{"step", std::numeric_limits<int64_t>::max()}}), DType::I32, {1}, V{3});
  expect_tensor(slice(x, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()), DType::I32,
                {10}, V{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEST(TensorSlice, AxisViewsAndNonContiguous) {
  Value x(iota234());
  Value v = slice(x, 1, 3, {{"axis", int64_t(-1)}});
  EXPECT_EQ(v.tensor().shape(), (Shape{2, 3, 2}));
  EXPECT_EQ(values(v.tensor()), (V{1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22}));
  expect_tensor(slice(x, -1, 3, {{"axis", int64_t(1)}, {"step", int64_t(2)}}), DType::I32, {2, 1, 4},
                V{8, 9, 10, 11, 20, 21, 22, 23});
  // transpose(iota23) = [[1,4],[2,5],[3,6]]; rows 1.. and column 1
  expect_tensor(run_transposed("tensor.slice", iota23(), {},
                               {Value::scalar<int64_t>(1), Value::scalar<int64_t>(3)}),
                DType::F32, {2, 2}, V{2, 5, 3, 6});
  expect_tensor(run_transposed("tensor.slice", iota23(), {{"axis", int64_t(1)}},
                               {Value::scalar<int64_t>(1), Value::scalar<int64_t>(2)}),
                DType::F32, {3, 1}, V{4, 5, 6});
}

TEST(TensorSlice, SharesTheInputBuffer) {
  ProgramBuilder b;
  uint32_t x = at_runtime(b, b.constant(Value(iota23())));
  uint32_t s = b.op("tensor.slice", {x, b.scalar<int64_t>(1), b.scalar<int64_t>(2)});
  b.output("x", x);
  b.output("s", s);
  Pipeline p(b.load(), 0, 1);
  auto out = p.run(0).outputs;
  EXPECT_EQ(out[1].tensor().owner(), out[0].tensor().owner());
  EXPECT_EQ(out[1].tensor().bytes(), out[0].tensor().bytes() + 3 * sizeof(float));
}

TEST(TensorSlice, InferredLengthAndErrors) {
  Value x(iota234());
  auto ty = [&](const std::vector<Value>& in, const AttrList& attrs, bool runtime) {
    return inferred("tensor.slice", in, attrs, runtime).to_string();
  };
  Value b1 = Value::scalar<int64_t>(1), e9 = Value::scalar<int64_t>(9);
  EXPECT_EQ(ty({x, b1, e9}, {{"axis", int64_t(2)}}, false), "i32[2,3,3]");  // constant bounds: known length
  EXPECT_EQ(ty({x, b1, e9}, {{"axis", int64_t(2)}, {"step", int64_t(2)}}, false), "i32[2,3,2]");
  // bounds known only at run time: unknown length
  ProgramBuilder b;
  uint32_t xs = b.constant(x);
  uint32_t s = b.op("tensor.slice", {xs, at_runtime(b, b.constant(b1)), b.constant(e9)}, {{"axis", int64_t(1)}});
  b.output("out", s);
  EXPECT_EQ(b.load()->instructions[s].type.to_string(), "i32[2,?,4]");

  EXPECT_EQ(load_status("tensor.slice", {x, b1, e9}, {{"axis", int64_t(3)}}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.slice", {x, Value::scalar<float>(1), e9}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.slice", {x, Value(tensor<int64_t>({1, 2}, {2})), e9}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.slice", {Value::scalar<int32_t>(1), b1, e9}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.slice", {x, b1, e9}, {{"step", int64_t(0)}}), PXP_EINVALID_PROGRAM);
}

// ---------------------------------------------------------------- from_list

TEST(TensorFromList, NumbersPromote) {
  List ints{Value::scalar<int32_t>(1), Value::scalar<int32_t>(2)};
  expect_tensor(run("tensor.from_list", {Value(ints)}), DType::I32, {2}, V{1, 2});
  List mixed{Value::scalar<uint8_t>(200), Value::scalar<float>(0.5f), Value::scalar<int32_t>(-3)};
  for (bool rt : {false, true})
    expect_tensor(run("tensor.from_list", {Value(mixed)}, {}, rt), DType::F32, {3}, V{200, 0.5, -3});
  EXPECT_EQ(inferred("tensor.from_list", {Value(mixed)}, {}, false).to_string(), "f32[3]");
  List u8i8{Value::scalar<uint8_t>(200), Value::scalar<int8_t>(-1)};
  expect_tensor(run("tensor.from_list", {Value(u8i8)}), DType::I16, {2}, V{200, -1});
  EXPECT_EQ(inferred("tensor.from_list", {Value(u8i8)}, {}, false).to_string(), "i16[2]");
}

TEST(TensorFromList, TensorsAndNestedLists) {
  List rows{Value(tensor<float>({1, 2}, {2})), Value(tensor<float>({3, 4}, {2}))};
  expect_tensor(run("tensor.from_list", {Value(rows)}), DType::F32, {2, 2}, V{1, 2, 3, 4});
  EXPECT_EQ(inferred("tensor.from_list", {Value(rows)}).to_string(), "f32[2,2]");
  List nested{Value(List{Value::scalar<int64_t>(1), Value::scalar<int64_t>(2)}),
              Value(List{Value::scalar<int64_t>(3), Value::scalar<int64_t>(4)}),
              Value(List{Value::scalar<int64_t>(5), Value::scalar<int64_t>(6)})};
  expect_tensor(run("tensor.from_list", {Value(nested)}), DType::I64, {3, 2}, V{1, 2, 3, 4, 5, 6});
  EXPECT_EQ(inferred("tensor.from_list", {Value(nested)}).to_string(), "i64[3,2]");
}

TEST(TensorFromList, Errors) {
  List uneven{Value(tensor<float>({1, 2}, {2})), Value(tensor<float>({3}, {1}))};
  // a constant list is checked by the type rule; one known only at run time when it arrives
  EXPECT_EQ(status_of([&] { inferred("tensor.from_list", {Value(uneven)}, {}, false); }), PXP_ETYPE);
  EXPECT_EQ(inferred("tensor.from_list", {Value(uneven)}).to_string(), "f32[2,?]");
  EXPECT_EQ(status_of([&] { run("tensor.from_list", {Value(uneven)}); }), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.from_list", {Value(List{})}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.from_list", {Value(List{Value(std::string("a"))})}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.from_list", {Value(iota23())}), PXP_ETYPE);
}

// ---------------------------------------------------------------- shape / size

TEST(TensorShape, ShapeAndSize) {
  expect_tensor(run("tensor.shape", {Value(iota234())}), DType::I64, {3}, V{2, 3, 4});
  expect_tensor(run("tensor.shape", {Value::scalar<float>(1)}), DType::I64, {0}, V{});
  expect_tensor(run("tensor.size", {Value(iota234())}), DType::I64, {}, V{24});
  expect_tensor(run("tensor.size", {Value::scalar<float>(1)}), DType::I64, {}, V{1});
  expect_tensor(run_transposed("tensor.shape", iota234(), {}), DType::I64, {3}, V{4, 3, 2});
  EXPECT_EQ(inferred("tensor.shape", {Value(iota234())}).to_string(), "i64[3]");
  EXPECT_EQ(inferred("tensor.size", {Value(iota234())}).to_string(), "i64[]");
  EXPECT_EQ(load_status("tensor.shape", {Value(List{Value::scalar<int64_t>(1)})}), PXP_ETYPE);
  EXPECT_EQ(load_status("tensor.size", {Value(std::string("x"))}), PXP_ETYPE);
}

// ---------------------------------------------------------------- kernels

TEST(TensorLayout, SliceRangeMatchesPython) {
  using layout = kernels::layout::SliceRange;
  auto r = kernels::layout::slice_range(-2, 10, 1, 5);
  EXPECT_EQ(r.start, 3);
  EXPECT_EQ(r.length, 2);
  layout e = kernels::layout::slice_range(4, 4, 3, 5);
  EXPECT_EQ(e.length, 0);
  EXPECT_EQ(kernels::layout::slice_range(0, 5, 2, 5).length, 3);  // 0, 2, 4
  EXPECT_EQ(kernels::layout::slice_range(0, 6, 2, 6).length, 3);  // 0, 2, 4
}

TEST(TensorLayout, ReshapeTargetWithUnknowns) {
  using kernels::layout::reshape_target;
  EXPECT_EQ(reshape_target({2, 3}, true, {-1}), (Shape{6}));
  EXPECT_EQ(reshape_target({-1, 3}, true, {-1, 3}), (Shape{-1, 3}));
  EXPECT_EQ(reshape_target({}, false, {2, -1}), (Shape{2, -1}));
  EXPECT_EQ(reshape_target({0, 3}, true, {0, 5}), (Shape{0, 5}));
  EXPECT_EQ(status_of([] { reshape_target({2, 3}, true, {5}); }), PXP_ETYPE);
}

}  // namespace
}  // namespace pxp::test
