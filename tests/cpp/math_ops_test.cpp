// math.*: exact values for every op, broadcasting, weak-scalar dtypes,
// saturation, Python modulo, and the type rules checked at load.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kernels/elementwise.hpp"
#include "program_builder.hpp"
#include "registry/registry.hpp"

namespace pxp::test {
namespace {

using V = std::vector<double>;
const double kInf = std::numeric_limits<double>::infinity();

Tensor run_t(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {}) {
  return run_op(op, inputs, attrs).tensor();
}

void expect_near_all(const V& got, const V& want, double tol = 1e-6) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
}

// The type the verifier infers for `op` applied to two constants.
Type inferred(const std::string& op, const Value& a, const Value& b, const AttrList& attrs = {}) {
  ProgramBuilder pb;
  uint32_t out = pb.op(op, {pb.constant(a), pb.constant(b)}, attrs);
  pb.output("out", out);
  return pb.load()->instructions[out].type;
}

// Infers with explicit input types (unknown dims and ranks cannot come from constants).
Type infer_with(const std::string& op, std::vector<Type> inputs) {
  std::vector<const Value*> constants(inputs.size(), nullptr);
  Attributes attrs;
  const OpSchema* schema = Registry::global().find(op);
  for (const auto& a : schema->attrs) attrs.set(a.name, *a.default_value);
  return schema->infer(InferContext{inputs, constants, attrs});
}

void expect_load_type_error(ProgramBuilder& pb, const std::vector<std::string>& fragments) {
  try {
    pb.load();
    FAIL() << "expected a type error at load";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_ETYPE) << e.message();
    for (const auto& f : fragments) EXPECT_NE(e.message().find(f), std::string::npos) << e.message();
  }
}

TEST(MathOps, ArithmeticExactValues) {
  Value a(tensor<int32_t>({7, -7, 9, 0}, {4}));
  Value b(tensor<int32_t>({2, 2, -4, 5}, {4}));
  EXPECT_EQ(values(run_t("math.add", {a, b})), V({9, -5, 5, 5}));
  EXPECT_EQ(values(run_t("math.subtract", {a, b})), V({5, -9, 13, -5}));
  EXPECT_EQ(values(run_t("math.multiply", {a, b})), V({14, -14, -36, 0}));
  EXPECT_EQ(values(run_t("math.minimum", {a, b})), V({2, -7, -4, 0}));
  EXPECT_EQ(values(run_t("math.maximum", {a, b})), V({7, 2, 9, 5}));
  Tensor q = run_t("math.divide", {a, b});
  EXPECT_EQ(q.dtype(), DType::F32);
  EXPECT_EQ(values(q), V({3.5, -3.5, -2.25, 0}));
  Tensor p = run_t("math.power", {Value(tensor<int32_t>({2, 3, 4}, {3})), Value(tensor<int32_t>({3, 2, -1}, {3}))});
  EXPECT_EQ(p.dtype(), DType::F32);
  EXPECT_EQ(values(p), V({8, 9, 0.25}));
  Tensor at = run_t("math.atan2", {Value(tensor<double>({1, 1, -1, 0}, {4})), Value(tensor<double>({1, -1, 0, 1}, {4}))});
  EXPECT_EQ(at.dtype(), DType::F64);
  expect_near_all(values(at), {M_PI / 4, 3 * M_PI / 4, -M_PI / 2, 0}, 1e-12);
}

TEST(MathOps, FloatArithmeticKeepsDtype) {
  Value a(tensor<float>({1.5f, -2.0f}, {2}));
  Value b(tensor<float>({0.5f, 4.0f}, {2}));
  Tensor s = run_t("math.add", {a, b});
  EXPECT_EQ(s.dtype(), DType::F32);
  EXPECT_EQ(values(s), V({2.0, 2.0}));
  EXPECT_EQ(values(run_t("math.divide", {a, b})), V({3.0, -0.5}));
  EXPECT_EQ(values(run_t("math.power", {a, Value(tensor<float>({2, 3}, {2}))})), V({2.25, -8}));
  // floats never saturate
  Tensor big = run_t("math.multiply", {Value(tensor<float>({3e38f}, {1})), Value::scalar<float>(10.f)},
                     {{"saturate", true}});
  EXPECT_EQ(values(big)[0], kInf);
  // nan propagates through minimum / maximum from either side
  Value n(tensor<double>({NAN, 1.0}, {2}));
  Value m(tensor<double>({1.0, NAN}, {2}));
  for (const char* op : {"math.minimum", "math.maximum"}) {
    auto v = values(run_t(op, {n, m}));
    EXPECT_TRUE(std::isnan(v[0]) && std::isnan(v[1])) << op;
  }
}

TEST(MathOps, UnaryExactValues) {
  Value f(tensor<float>({-2.5f, -0.5f, 0.5f, 1.5f, 2.5f, 3.7f}, {6}));
  EXPECT_EQ(values(run_t("math.abs", {f})), V({2.5, 0.5, 0.5, 1.5, 2.5, 3.7f}));
  EXPECT_EQ(values(run_t("math.negate", {f})), V({2.5, 0.5, -0.5, -1.5, -2.5, -3.7f}));
  EXPECT_EQ(values(run_t("math.floor", {f})), V({-3, -1, 0, 1, 2, 3}));
  EXPECT_EQ(values(run_t("math.ceil", {f})), V({-2, -0.0, 1, 2, 3, 4}));
  // halves go to the even neighbour
  EXPECT_EQ(values(run_t("math.round", {f})), V({-2, -0.0, 0, 2, 2, 4}));
  EXPECT_EQ(run_t("math.round", {f}).dtype(), DType::F32);

  Value i(tensor<int32_t>({0, 1, 4, 9}, {4}));
  Tensor r = run_t("math.sqrt", {i});
  EXPECT_EQ(r.dtype(), DType::F32);
  EXPECT_EQ(values(r), V({0, 1, 2, 3}));
  expect_near_all(values(run_t("math.exp", {Value(tensor<double>({0, 1}, {2}))})), {1, M_E}, 1e-12);
  Tensor lg = run_t("math.log", {Value(tensor<uint8_t>({1, 0}, {2}))});
  EXPECT_EQ(lg.dtype(), DType::F32);
  EXPECT_EQ(values(lg), V({0, -kInf}));
  Value ang(tensor<double>({0, M_PI / 2, M_PI / 4}, {3}));
  expect_near_all(values(run_t("math.sin", {ang})), {0, 1, std::sqrt(0.5)}, 1e-12);
  expect_near_all(values(run_t("math.cos", {ang})), {1, 0, std::sqrt(0.5)}, 1e-12);
  expect_near_all(values(run_t("math.tan", {Value(tensor<double>({0, M_PI / 4}, {2}))})), {0, 1}, 1e-12);
  Tensor sq64 = run_t("math.sqrt", {Value::scalar<double>(2.0)});
  EXPECT_EQ(sq64.dtype(), DType::F64);
  EXPECT_EQ(sq64.ndim(), 0);
  EXPECT_DOUBLE_EQ(values(sq64)[0], std::sqrt(2.0));
}

TEST(MathOps, UnaryOnIntegersAndBools) {
  Value i8(tensor<int8_t>({-128, -5, 0, 7}, {4}));
  Tensor ab = run_t("math.abs", {i8});
  EXPECT_EQ(ab.dtype(), DType::I8);
  EXPECT_EQ(values(ab), V({-128, 5, 0, 7}));  // the minimum wraps onto itself
  EXPECT_EQ(values(run_t("math.negate", {i8})), V({-128, 5, 0, -7}));
  Tensor nu = run_t("math.negate", {Value(tensor<uint8_t>({0, 1, 255}, {3}))});
  EXPECT_EQ(nu.dtype(), DType::U8);
  EXPECT_EQ(values(nu), V({0, 255, 1}));
  EXPECT_EQ(values(run_t("math.negate", {Value::scalar<int64_t>(std::numeric_limits<int64_t>::min())})),
            V({static_cast<double>(std::numeric_limits<int64_t>::min())}));
  for (const char* op : {"math.floor", "math.ceil", "math.round"}) {
    Tensor t = run_t(op, {i8});
    EXPECT_EQ(t.dtype(), DType::I8) << op;
    EXPECT_EQ(values(t), V({-128, -5, 0, 7})) << op;
  }
  Value flags(tensor<bool>({true, false}, {2}));
  Tensor abs_bool = run_t("math.abs", {flags});
  EXPECT_EQ(abs_bool.dtype(), DType::Bool);
  EXPECT_EQ(values(abs_bool), V({1, 0}));
  Tensor nb = run_t("math.logical_not", {Value(tensor<float>({0.f, 2.f, NAN}, {3}))});
  EXPECT_EQ(nb.dtype(), DType::Bool);
  EXPECT_EQ(values(nb), V({1, 0, 0}));

  ProgramBuilder pb;
  pb.output("out", pb.op("math.negate", {pb.constant(flags)}));
  expect_load_type_error(pb, {"negate", "bool"});
}

TEST(MathOps, ComparisonsAndLogic) {
  Value a(tensor<int32_t>({1, 2, 3}, {3}));
  Value b(tensor<float>({2.f, 2.f, 2.5f}, {3}));
  struct Case {
    const char* op;
    V want;
  } cases[] = {
      {"math.equal", {0, 1, 0}},   {"math.not_equal", {1, 0, 1}}, {"math.less", {1, 0, 0}},
      {"math.less_equal", {1, 1, 0}}, {"math.greater", {0, 0, 1}},   {"math.greater_equal", {0, 1, 1}},
  };
  for (const auto& c : cases) {
    Tensor t = run_t(c.op, {a, b});
    EXPECT_EQ(t.dtype(), DType::Bool) << c.op;
    EXPECT_EQ(values(t), c.want) << c.op;
  }
  Value x(tensor<uint8_t>({0, 3, 0, 7}, {4}));
  Value y(tensor<double>({0, 0, 0.5, NAN}, {4}));
  EXPECT_EQ(values(run_t("math.logical_and", {x, y})), V({0, 0, 0, 1}));
  EXPECT_EQ(values(run_t("math.logical_or", {x, y})), V({0, 1, 1, 1}));
  Tensor sc = run_t("math.logical_and", {x, Value::scalar<bool>(true)});
  EXPECT_EQ(sc.dtype(), DType::Bool);
  EXPECT_EQ(values(sc), V({0, 1, 0, 1}));
}

TEST(MathOps, ComparisonWithOutOfRangeWeakScalarIsExact) {
  Value img(tensor<uint8_t>({0, 100, 255}, {3}));
  EXPECT_EQ(values(run_t("math.greater", {img, Value::scalar<int64_t>(300)})), V({0, 0, 0}));
  EXPECT_EQ(values(run_t("math.less", {img, Value::scalar<int64_t>(300)})), V({1, 1, 1}));
  EXPECT_EQ(values(run_t("math.greater", {img, Value::scalar<int64_t>(-1)})), V({1, 1, 1}));
  EXPECT_EQ(values(run_t("math.less", {Value::scalar<int64_t>(-1), img})), V({1, 1, 1}));
  EXPECT_EQ(values(run_t("math.equal", {img, Value::scalar<int64_t>(256)})), V({0, 0, 0}));
  EXPECT_EQ(values(run_t("math.not_equal", {Value::scalar<int64_t>(256), img})), V({1, 1, 1}));
  EXPECT_EQ(values(run_t("math.greater_equal", {img, Value::scalar<int64_t>(100)})), V({0, 1, 1}));
  EXPECT_EQ(values(run_t("math.greater", {img, Value::scalar<double>(99.5)})), V({0, 1, 1}));
}

TEST(MathOps, BroadcastsColumnWithRow) {
  Value col(tensor<int32_t>({10, 20}, {2, 1}));
  Value row(tensor<int32_t>({1, 2, 3}, {3}));
  Tensor s = run_t("math.add", {col, row});
  EXPECT_EQ(s.shape(), Shape({2, 3}));
  EXPECT_EQ(values(s), V({11, 12, 13, 21, 22, 23}));
  Tensor d = run_t("math.subtract", {row, col});
  EXPECT_EQ(d.shape(), Shape({2, 3}));
  EXPECT_EQ(values(d), V({-9, -8, -7, -19, -18, -17}));
  Tensor g = run_t("math.greater", {col, Value(tensor<int32_t>({5, 15, 25}, {3}))});
  EXPECT_EQ(values(g), V({1, 0, 0, 1, 1, 0}));
  // mixed dtypes broadcast too: i8 [2,1] with u8 [3] promotes to i16
  Tensor m = run_t("math.multiply", {Value(tensor<int8_t>({-1, 2}, {2, 1})), Value(tensor<uint8_t>({200, 1, 0}, {3}))});
  EXPECT_EQ(m.dtype(), DType::I16);
  EXPECT_EQ(values(m), V({-200, -1, 0, 400, 2, 0}));
}

TEST(MathOps, BroadcastsImageWithPerChannelVector) {
  // H x W x C image times a per-channel [C] gain, and a [H,1,1] per-row offset
  std::vector<uint8_t> px(2 * 2 * 3);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>(i);
  Value img(tensor<uint8_t>(px, {2, 2, 3}));
  Tensor scaled = run_t("math.multiply", {img, Value(tensor<float>({1.f, 2.f, 0.5f}, {3}))});
  EXPECT_EQ(scaled.dtype(), DType::F32);
  EXPECT_EQ(scaled.shape(), Shape({2, 2, 3}));
  EXPECT_EQ(values(scaled), V({0, 2, 1, 3, 8, 2.5, 6, 14, 4, 9, 20, 5.5}));
  Tensor shifted = run_t("math.add", {img, Value(tensor<uint8_t>({0, 100}, {2, 1, 1}))});
  EXPECT_EQ(values(shifted), V({0, 1, 2, 3, 4, 5, 106, 107, 108, 109, 110, 111}));
}

TEST(MathOps, NonContiguousInputs) {
  // a transposed view of a 2x3 tensor (3x2 with swapped strides)
  Tensor base = tensor<int32_t>({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor t = base.restrided({3, 2}, {4, 12});
  Tensor s = kernels::binary(kernels::BinaryOp::Add, t, tensor<int32_t>({10, 20}, {2}));
  EXPECT_EQ(values(s), V({11, 24, 12, 25, 13, 26}));
  Tensor u = kernels::binary(kernels::BinaryOp::Multiply, t, Tensor::scalar<int32_t>(2));
  EXPECT_EQ(values(u), V({2, 8, 4, 10, 6, 12}));
  Tensor v = kernels::unary(kernels::UnaryOp::Negate, t);
  EXPECT_EQ(values(v), V({-1, -4, -2, -5, -3, -6}));
  // empty tensors broadcast to empty results
  Tensor e = kernels::binary(kernels::BinaryOp::Add, Tensor::zeros(DType::F32, {0, 3}), tensor<float>({1, 2, 3}, {3}));
  EXPECT_EQ(e.shape(), Shape({0, 3}));
}

TEST(MathOps, WeakScalarDtypes) {
  Value img(tensor<uint8_t>({250, 3}, {2}));
  Tensor plus = run_t("math.add", {img, Value::scalar<int64_t>(10)});
  EXPECT_EQ(plus.dtype(), DType::U8);
  EXPECT_EQ(values(plus), V({4, 13}));  // wraps
  Tensor half = run_t("math.multiply", {img, Value::scalar<double>(0.5)});
  EXPECT_EQ(half.dtype(), DType::F32);
  EXPECT_EQ(values(half), V({125, 1.5}));
  Tensor left = run_t("math.subtract", {Value::scalar<double>(255.0), img});
  EXPECT_EQ(left.dtype(), DType::F32);
  EXPECT_EQ(values(left), V({5, 252}));
  // f32 tensor with an f64 scalar stays f32
  EXPECT_EQ(run_t("math.add", {Value(tensor<float>({1}, {1})), Value::scalar<double>(1.0)}).dtype(), DType::F32);
  // an integer scalar with a bool mask takes the scalar's dtype (bool is the lower kind)
  Tensor mask = run_t("math.multiply", {Value(tensor<bool>({true, false}, {2})), Value::scalar<int64_t>(255)});
  EXPECT_EQ(mask.dtype(), DType::I64);
  EXPECT_EQ(values(mask), V({255, 0}));
  // two scalars, or two tensors, promote normally
  EXPECT_EQ(run_t("math.add", {Value::scalar<uint8_t>(1), Value::scalar<int64_t>(2)}).dtype(), DType::I64);
  EXPECT_EQ(run_t("math.add", {img, Value(tensor<int64_t>({1}, {1}))}).dtype(), DType::I64);
  // and the load-time type says the same as the run
  EXPECT_EQ(inferred("math.add", img, Value::scalar<int64_t>(10)).to_string(), "u8[2]");
  EXPECT_EQ(inferred("math.multiply", img, Value::scalar<double>(0.5)).to_string(), "f32[2]");
  EXPECT_EQ(inferred("math.add", Value::scalar<uint8_t>(1), Value::scalar<int64_t>(2)).to_string(), "i64[]");
}

TEST(MathOps, SaturationVersusWrap) {
  Value img(tensor<uint8_t>({250, 3}, {2}));
  Tensor sat = run_t("math.add", {img, Value::scalar<int64_t>(10)}, {{"saturate", true}});
  EXPECT_EQ(sat.dtype(), DType::U8);
  EXPECT_EQ(values(sat), V({255, 13}));
  EXPECT_EQ(values(run_t("math.subtract", {img, Value::scalar<int64_t>(5)}, {{"saturate", true}})), V({245, 0}));
  EXPECT_EQ(values(run_t("math.subtract", {img, Value::scalar<int64_t>(5)})), V({245, 254}));
  // a scalar far outside u8 still saturates the right way
  EXPECT_EQ(values(run_t("math.subtract", {img, Value::scalar<int64_t>(-100000)}, {{"saturate", true}})),
            V({255, 255}));
  EXPECT_EQ(values(run_t("math.multiply", {img, Value::scalar<int64_t>(-(int64_t(1) << 40))}, {{"saturate", true}})),
            V({0, 0}));
  Value i8(tensor<int8_t>({100, -100, 5}, {3}));
  EXPECT_EQ(values(run_t("math.multiply", {i8, Value(tensor<int8_t>({2, 2, -3}, {3}))}, {{"saturate", true}})),
            V({127, -128, -15}));
  EXPECT_EQ(values(run_t("math.multiply", {i8, Value(tensor<int8_t>({2, 2, -3}, {3}))})), V({-56, 56, -15}));
  // u16 * u16 wraps without the signed-int overflow of integer promotion
  Value u16(tensor<uint16_t>({65535}, {1}));
  EXPECT_EQ(values(run_t("math.multiply", {u16, u16})), V({1}));
  EXPECT_EQ(values(run_t("math.multiply", {u16, u16}, {{"saturate", true}})), V({65535}));
  // i64 saturates through overflow checks
  const int64_t big = std::numeric_limits<int64_t>::max();
  Value i64(tensor<int64_t>({big, -big, 3}, {3}));
  EXPECT_EQ(run_t("math.add", {i64, Value(tensor<int64_t>({1, -2, 4}, {3}))}, {{"saturate", true}})
                .data<int64_t>()[0],
            big);
  Tensor s64 = run_t("math.add", {i64, Value(tensor<int64_t>({1, -2, 4}, {3}))}, {{"saturate", true}});
  EXPECT_EQ(s64.data<int64_t>()[1], std::numeric_limits<int64_t>::min());
  EXPECT_EQ(s64.data<int64_t>()[2], 7);
  Tensor w64 = run_t("math.add", {i64, Value(tensor<int64_t>({1, -2, 4}, {3}))});
  EXPECT_EQ(w64.data<int64_t>()[0], std::numeric_limits<int64_t>::min());
  Tensor m64 = run_t("math.multiply", {i64, Value::scalar<int64_t>(-2)}, {{"saturate", true}});
  EXPECT_EQ(m64.data<int64_t>()[0], std::numeric_limits<int64_t>::min());
  EXPECT_EQ(m64.data<int64_t>()[1], big);
  EXPECT_EQ(m64.data<int64_t>()[2], -6);
}

TEST(MathOps, ModuloFollowsPython) {
  Value a(tensor<int32_t>({7, -7, 7, -7, 6}, {5}));
  Value b(tensor<int32_t>({3, 3, -3, -3, 3}, {5}));
  Tensor r = run_t("math.modulo", {a, b});
  EXPECT_EQ(r.dtype(), DType::I32);
  EXPECT_EQ(values(r), V({1, 2, -2, -1, 0}));
  Tensor f = run_t("math.modulo", {Value(tensor<double>({7.5, -7.5, 7.5, -7.5}, {4})),
                                   Value(tensor<double>({2, 2, -2, -2}, {4}))});
  EXPECT_EQ(f.dtype(), DType::F64);
  EXPECT_EQ(values(f), V({1.5, 0.5, -0.5, -1.5}));
  EXPECT_TRUE(std::signbit(values(run_t("math.modulo", {Value::scalar<double>(4.0), Value::scalar<double>(-2.0)}))[0]));
  EXPECT_TRUE(std::isnan(values(run_t("math.modulo", {Value::scalar<float>(1.f), Value::scalar<float>(0.f)}))[0]));
  // the most negative value by -1 is 0, not a trap
  EXPECT_EQ(values(run_t("math.modulo", {Value::scalar<int64_t>(std::numeric_limits<int64_t>::min()),
                                         Value::scalar<int64_t>(-1)})),
            V({0}));
  EXPECT_EQ(values(run_t("math.modulo", {Value(tensor<uint8_t>({10, 255}, {2})), Value::scalar<int64_t>(7)})),
            V({3, 3}));
}

TEST(MathOps, IntegerModuloByZeroIsARangeError) {
  try {
    run_op("math.modulo", {Value(tensor<int32_t>({5, 6}, {2})), Value(tensor<int32_t>({2, 0}, {2}))});
    FAIL() << "expected a range error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_EOUT_OF_RANGE);
    EXPECT_NE(e.message().find("modulo by zero"), std::string::npos) << e.message();
  }
  // the same with constants is caught while folding at load
  ProgramBuilder pb;
  pb.output("out", pb.op("math.modulo", {pb.scalar<int64_t>(3), pb.scalar<int64_t>(0)}));
  try {
    pb.load();
    FAIL() << "expected a range error at load";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_EOUT_OF_RANGE);
  }
}

TEST(MathOps, DivideDtypes) {
  Tensor ii = run_t("math.divide", {Value::scalar<int32_t>(1), Value::scalar<int32_t>(4)});
  EXPECT_EQ(ii.dtype(), DType::F32);
  EXPECT_EQ(values(ii), V({0.25}));
  EXPECT_EQ(run_t("math.divide", {Value::scalar<int64_t>(1), Value::scalar<double>(4)}).dtype(), DType::F64);
  EXPECT_EQ(run_t("math.divide", {Value::scalar<bool>(true), Value::scalar<bool>(true)}).dtype(), DType::F32);
  EXPECT_EQ(run_t("math.divide", {Value(tensor<double>({1}, {1})), Value(tensor<float>({2}, {1}))}).dtype(),
            DType::F64);
  Tensor img = run_t("math.divide", {Value(tensor<uint8_t>({255, 0, 1}, {3})), Value::scalar<int64_t>(0)});
  EXPECT_EQ(img.dtype(), DType::F32);
  auto v = values(img);
  EXPECT_EQ(v[0], kInf);
  EXPECT_TRUE(std::isnan(v[1]));
  EXPECT_EQ(run_t("math.divide", {Value(tensor<uint8_t>({255}, {1})), Value::scalar<double>(255.0)}).dtype(),
            DType::F32);
  EXPECT_EQ(inferred("math.divide", Value::scalar<int64_t>(1), Value::scalar<double>(2)).to_string(), "f64[]");
  EXPECT_EQ(inferred("math.divide", Value(tensor<int16_t>({1, 2}, {2})), Value::scalar<int16_t>(2)).to_string(),
            "f32[2]");
}

TEST(MathOps, SubtractingBooleansIsATypeError) {
  ProgramBuilder pb;
  pb.output("out", pb.op("math.subtract", {pb.scalar<bool>(true), pb.scalar<bool>(false)}));
  expect_load_type_error(pb, {"subtract"});
  // but adding them is logical or, multiplying logical and
  EXPECT_EQ(values(run_t("math.add", {Value(tensor<bool>({true, true, false}, {3})),
                                      Value(tensor<bool>({true, false, false}, {3}))})),
            V({1, 1, 0}));
}

TEST(MathOps, IncompatibleShapesFailAtLoad) {
  ProgramBuilder pb;
  uint32_t a = pb.constant(Value(Tensor::zeros(DType::F32, {2, 3})));
  uint32_t b = pb.constant(Value(Tensor::zeros(DType::F32, {4})));
  pb.output("out", pb.op("math.add", {a, b}));
  expect_load_type_error(pb, {"[2,3]", "[4]", "broadcast"});
}

TEST(MathOps, IncompatibleShapesFailAtRunTime) {
  try {
    kernels::binary(kernels::BinaryOp::Less, Tensor::zeros(DType::U8, {5, 2}), Tensor::zeros(DType::U8, {3}));
    FAIL() << "expected a type error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_ETYPE);
    EXPECT_NE(e.message().find("[5,2]"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("[3]"), std::string::npos) << e.message();
  }
}

TEST(MathOps, StringAndListInputsAreTypeErrors) {
  {
    ProgramBuilder pb;
    pb.output("out", pb.op("math.add", {pb.scalar<int64_t>(1), pb.constant(Value(std::string("hello")))}));
    expect_load_type_error(pb, {"input 'b' must be a tensor or number, not string"});
  }
  {
    ProgramBuilder pb;
    List names{Value(std::string("a.png")), Value(std::string("b.png"))};
    pb.output("out", pb.op("math.sqrt", {pb.constant(Value(names))}));
    expect_load_type_error(pb, {"input 'x' must be a tensor or number, not list<string>"});
  }
  // at run time too, where the kind was unknown at load
  const OpSchema* add = Registry::global().find("math.add");
  Value s(std::string("x")), one = Value::scalar<int64_t>(1);
  const Value* argv[] = {&one, &s};
  Attributes attrs;
  attrs.set("saturate", false);
  ExecContext ctx(attrs, 0, 0, 0);
  try {
    add->exec(ctx, Args(argv, 2));
    FAIL() << "expected a type error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_ETYPE);
    EXPECT_NE(e.message().find("input 'b' must be a tensor or number, not string"), std::string::npos);
  }
}

TEST(MathOps, InferredTypes) {
  auto f32 = [](Shape s) { return Type::tensor(DType::F32, std::move(s)); };
  EXPECT_EQ(infer_with("math.add", {f32({2, 1}), f32({3})}).to_string(), "f32[2,3]");
  EXPECT_EQ(infer_with("math.add", {f32({-1, 1}), f32({3})}).to_string(), "f32[?,3]");
  EXPECT_EQ(infer_with("math.add", {f32({-1, 4}), f32({5, -1})}).to_string(), "f32[5,4]");
  EXPECT_EQ(infer_with("math.add", {f32({-1}), f32({-1})}).to_string(), "f32[?]");
  EXPECT_EQ(infer_with("math.add", {f32({-1, 1}), Type::tensor(DType::F32)}).to_string(), "f32[...]");
  EXPECT_EQ(infer_with("math.less", {Type::any(), Type::any()}).to_string(), "bool[...]");
  EXPECT_EQ(infer_with("math.add", {Type::any(), f32({2})}).to_string(), "tensor[...]");
  EXPECT_EQ(infer_with("math.logical_not", {Type::tensor(std::nullopt, Shape{4})}).to_string(), "bool[4]");
  EXPECT_EQ(infer_with("math.sqrt", {Type::tensor(DType::U8, Shape{4, -1})}).to_string(), "f32[4,?]");
  EXPECT_EQ(infer_with("math.round", {Type::tensor(DType::F64, Shape{})}).to_string(), "f64[]");
  // an unknown rank may or may not be a weak scalar: keep the dtype only when both agree
  EXPECT_EQ(infer_with("math.add", {Type::tensor(DType::U8), Type::scalar(DType::I64)}).to_string(), "tensor[...]");
  EXPECT_EQ(infer_with("math.add", {Type::tensor(DType::I64), Type::scalar(DType::U8)}).to_string(), "i64[...]");
  EXPECT_EQ(infer_with("math.equal", {Type::tensor(DType::U8), Type::scalar(DType::F64)}).to_string(), "bool[...]");
  EXPECT_THROW(infer_with("math.add", {f32({2, 3}), f32({4})}), Error);
  // constants in a program
  EXPECT_EQ(inferred("math.greater_equal", Value(Tensor::zeros(DType::U8, {4, 5, 3})),
                     Value(tensor<float>({1, 2, 3}, {3})))
                .to_string(),
            "bool[4,5,3]");
  EXPECT_EQ(inferred("math.atan2", Value(Tensor::zeros(DType::I32, {2, 1})), Value(Tensor::zeros(DType::I32, {1, 2})))
                .to_string(),
            "f32[2,2]");
}

TEST(MathOps, EveryOpIsDocumented) {
  const char* ops[] = {"add", "subtract", "multiply", "divide", "modulo", "power", "minimum", "maximum",
                       "atan2", "abs", "negate", "floor", "ceil", "round", "sqrt", "exp", "log", "sin", "cos", "tan",
                       "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
                       "logical_or", "logical_not"};
  for (const char* name : ops) {
    const OpSchema* op = Registry::global().find(std::string("math.") + name);
    ASSERT_NE(op, nullptr) << name;
    EXPECT_FALSE(op->doc.empty()) << name;
    EXPECT_FALSE(op->output_doc.empty()) << name;
    for (const auto& in : op->inputs) EXPECT_FALSE(in.doc.empty()) << name;
    EXPECT_TRUE(op->pure);
  }
}

}  // namespace
}  // namespace pxp::test
