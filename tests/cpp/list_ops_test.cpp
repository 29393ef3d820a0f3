// list.*: exact values with Python index semantics, clear errors, and type
// rules that carry element types and known lengths.
#include <gtest/gtest.h>

#include <functional>
#include <limits>

#include "program_builder.hpp"

namespace pxp::test {
namespace {

constexpr uint64_t kKey = 12345;

// Constant inputs: the op is folded at load (random ops still run per sample).
Value run(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {}, uint64_t seed = 0,
          uint64_t sample = 0) {
  return run_op(op, inputs, attrs, seed, sample, false);
}

// Run-time inputs: each hidden behind flow.select on the sample index (select(c, x, x) is x).
Value run_dynamic(const std::string& op, const std::vector<Value>& inputs, uint64_t seed = 0, uint64_t sample = 0) {
  return run_unfolded(op, inputs, {}, seed, sample);
}

// Both paths must agree; returns the value.
Value run_both(const std::string& op, const std::vector<Value>& inputs) {
  Value folded = run(op, inputs);
  Value dynamic = run_dynamic(op, inputs);
  EXPECT_TRUE(folded.bit_equal(dynamic)) << op;
  return folded;
}


Value i64(int64_t x) { return Value::scalar<int64_t>(x); }
Value str(const char* s) { return Value(std::string(s)); }

List ints(std::vector<int64_t> xs) {
  List out;
  for (int64_t x : xs) out.push_back(i64(x));
  return out;
}

std::vector<int64_t> as_ints(const Value& v) {
  std::vector<int64_t> out;
  for (const Value& e : v.list()) out.push_back(e.as_int());
  return out;
}

// A loaded program's inferred type of one op over the given input slots.
std::string inferred(const std::function<uint32_t(ProgramBuilder&)>& build) {
  ProgramBuilder b;
  uint32_t slot = build(b);
  b.output("out", slot);
  return b.load()->instructions[slot].type.to_string();
}

pxp_status load_code(const std::function<uint32_t(ProgramBuilder&)>& build) {
  ProgramBuilder b;
  b.output("out", build(b));
  return error_code([&] { b.load(); });
}

TEST(ListOps, MakeAndLength) {
  Value l = run_both("list.make", {i64(1), i64(2), i64(3)});
  EXPECT_EQ(as_ints(l), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE(run("list.make", {}).list().empty());
  EXPECT_EQ(run_both("list.length", {Value(ints({4, 5, 6, 7}))}).as_int(), 4);
  EXPECT_EQ(run("list.length", {Value(List{})}).as_int(), 0);
  EXPECT_EQ(run("list.length", {Value(List{})}).tensor().dtype(), DType::I64);
}

TEST(ListOps, ElementWithNegativeIndices) {
  Value l(List{str("a"), str("b"), str("c"), str("d"), str("e")});
  EXPECT_EQ(run_both("list.element", {l, i64(0)}).string(), "a");
  EXPECT_EQ(run_both("list.element", {l, i64(4)}).string(), "e");
  EXPECT_EQ(run_both("list.element", {l, i64(-1)}).string(), "e");
  EXPECT_EQ(run_both("list.element", {l, i64(-5)}).string(), "a");
  EXPECT_EQ(run("list.element", {l, Value::scalar<int32_t>(2)}).string(), "c");
}

TEST(ListOps, ElementOutOfRange) {
  Value l(ints({10, 20, 30, 40, 50}));
  std::string message;
  EXPECT_EQ(error_code([&] { run_dynamic("list.element", {l, i64(7)}); }, &message), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(message, "list index 7 is out of range for a list of 5 elements");
  EXPECT_EQ(error_code([&] { run_dynamic("list.element", {l, i64(-6)}); }, &message), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(message, "list index -6 is out of range for a list of 5 elements");
  // constant inputs fail at load with the same code
  EXPECT_EQ(error_code([&] { run("list.element", {l, i64(5)}); }, &message), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(error_code([&] { run("list.element", {Value(List{}), i64(0)}); }, &message), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(message, "list index 0 is out of range for a list of 0 elements");
}

TEST(ListOps, ElementWrongKindsAreTypeErrorsAtLoad) {
  Value l(ints({1, 2}));
  EXPECT_EQ(error_code([&] { run("list.element", {Value(tensor<float>({1, 2}, {2})), i64(0)}); }), PXP_ETYPE);
  EXPECT_EQ(error_code([&] { run("list.element", {l, str("0")}); }), PXP_ETYPE);
  EXPECT_EQ(error_code([&] { run("list.element", {l, Value::scalar<float>(1.0f)}); }), PXP_ETYPE);
  EXPECT_EQ(error_code([&] { run("list.element", {l, Value(tensor<int64_t>({0, 1}, {2}))}); }), PXP_ETYPE);
  EXPECT_EQ(error_code([&] { run("list.length", {str("abc")}); }), PXP_ETYPE);
}

TEST(ListOps, SublistIsAPythonSlice) {
  Value l(ints({0, 1, 2, 3, 4, 5}));
  auto slice = [&](int64_t b, int64_t e) { return as_ints(run_both("list.sublist", {l, i64(b), i64(e)})); };
  EXPECT_EQ(slice(1, 4), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(slice(-2, 6), (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(slice(0, -1), (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(slice(-100, 2), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(slice(4, 100), (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(slice(4, 2), (std::vector<int64_t>{}));
  EXPECT_EQ(slice(10, 20), (std::vector<int64_t>{}));
  EXPECT_EQ(slice(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()),
            (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
}

TEST(ListOps, Concat) {
  Value joined = run_both("list.concat", {Value(ints({1, 2})), Value(List{}), Value(ints({3}))});
  EXPECT_EQ(as_ints(joined), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE(run("list.concat", {}).list().empty());
  EXPECT_EQ(error_code([] { run("list.concat", {Value(ints({1})), i64(2)}); }), PXP_ETYPE);
}

TEST(ListOps, Repeat) {
  Value r = run_both("list.repeat", {str("x"), i64(3)});
  ASSERT_EQ(r.list().size(), 3u);
  for (const Value& v : r.list()) EXPECT_EQ(v.string(), "x");
  EXPECT_TRUE(run("list.repeat", {i64(1), i64(0)}).list().empty());
  EXPECT_EQ(error_code([] { run_dynamic("list.repeat", {i64(1), i64(-1)}); }), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(error_code([] { run_dynamic("list.repeat", {i64(1), i64(int64_t(1) << 40)}); }), PXP_EOUT_OF_RANGE);
}

TEST(ListOps, RangeLikePython) {
  auto range = [](int64_t a, int64_t b, int64_t s) { return as_ints(run_both("list.range", {i64(a), i64(b), i64(s)})); };
  EXPECT_EQ(range(0, 5, 1), (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(range(1, 10, 3), (std::vector<int64_t>{1, 4, 7}));
  EXPECT_EQ(range(1, 11, 3), (std::vector<int64_t>{1, 4, 7, 10}));
  EXPECT_EQ(range(5, 0, -2), (std::vector<int64_t>{5, 3, 1}));
  EXPECT_EQ(range(5, 5, 1), (std::vector<int64_t>{}));
  EXPECT_EQ(range(5, 0, 1), (std::vector<int64_t>{}));
  EXPECT_EQ(range(0, 5, -1), (std::vector<int64_t>{}));
  int64_t big = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(range(big - 2, big, 1), (std::vector<int64_t>{big - 2, big - 1}));
  EXPECT_EQ(run("list.range", {i64(0), i64(3), i64(1)}).list()[0].tensor().dtype(), DType::I64);

  std::string message;
  EXPECT_EQ(error_code([] { run_dynamic("list.range", {i64(0), i64(5), i64(0)}); }, &message),
            PXP_EINVALID_ARGUMENT);
  EXPECT_NE(message.find("step must not be zero"), std::string::npos) << message;
  EXPECT_EQ(error_code([] { run_dynamic("list.range", {i64(0), i64(int64_t(1) << 30), i64(1)}); }, &message),
            PXP_EOUT_OF_RANGE);
  EXPECT_NE(message.find("16777216"), std::string::npos) << message;
  EXPECT_EQ(error_code([] {
              run_dynamic("list.range",
                          {i64(std::numeric_limits<int64_t>::min()), i64(std::numeric_limits<int64_t>::max()), i64(1)});
            }),
            PXP_EOUT_OF_RANGE);
}

TEST(ListOps, Filter) {
  Value l(List{str("a"), str("b"), str("c"), str("d")});
  Value by_list = run_both("list.filter", {l, Value(List{Value::scalar<bool>(true), Value::scalar<bool>(false),
                                                         Value::scalar<bool>(false), Value::scalar<bool>(true)})});
  ASSERT_EQ(by_list.list().size(), 2u);
  EXPECT_EQ(by_list.list()[0].string(), "a");
  EXPECT_EQ(by_list.list()[1].string(), "d");
  Value by_tensor = run_both("list.filter", {l, Value(tensor<uint8_t>({0, 1, 1, 0}, {4}))});
  ASSERT_EQ(by_tensor.list().size(), 2u);
  EXPECT_EQ(by_tensor.list()[0].string(), "b");
  EXPECT_EQ(by_tensor.list()[1].string(), "c");

  std::string message;
  // a mask of unknown length at load (a slice up to the sample index) is checked at run time
  ProgramBuilder b;
  uint32_t index = b.op("core.sample_index");
  uint32_t mask = b.op("list.sublist", {b.constant(Value(List{Value::scalar<bool>(true), Value::scalar<bool>(false)})),
                                        b.scalar<int64_t>(0), index});
  b.output("out", b.op("list.filter", {b.constant(l), mask}));
  Pipeline pipeline(b.load(), 0, 1);
  EXPECT_EQ(error_code([&] { pipeline.run(100); }, &message), PXP_EINVALID_ARGUMENT);
  EXPECT_NE(message.find("2 entries but the list has 4 elements"), std::string::npos) << message;
  // known mismatched lengths are caught at load
  EXPECT_EQ(error_code([&] { run("list.filter", {l, Value(tensor<bool>({true}, {1}))}); }), PXP_ETYPE);
  EXPECT_EQ(error_code([&] { run("list.filter", {l, str("mask")}); }), PXP_ETYPE);
  EXPECT_EQ(error_code([&] { run("list.filter", {l, Value(tensor<bool>({true, true, true, true}, {2, 2}))}); }),
            PXP_ETYPE);
}

TEST(ListOps, Gather) {
  Value l(ints({10, 20, 30, 40, 50}));
  EXPECT_EQ(as_ints(run_both("list.gather", {l, Value(ints({4, 0, -1, 2, 2}))})),
            (std::vector<int64_t>{50, 10, 50, 30, 30}));
  EXPECT_EQ(as_ints(run_both("list.gather", {l, Value(tensor<int32_t>({1, -2}, {2}))})),
            (std::vector<int64_t>{20, 40}));
  EXPECT_TRUE(run("list.gather", {l, Value(List{})}).list().empty());

  std::string message;
  EXPECT_EQ(error_code([&] { run_dynamic("list.gather", {l, Value(ints({0, 5}))}); }, &message), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(message, "list index 5 is out of range for a list of 5 elements");
  EXPECT_EQ(error_code([&] { run("list.gather", {l, Value(tensor<float>({0, 1}, {2}))}); }), PXP_ETYPE);
  EXPECT_EQ(error_code([&] { run("list.gather", {l, Value(List{str("0")})}); }), PXP_ETYPE);
}

TEST(ListOps, RandomElementIsUnbiased) {
  // 7 elements: a float-rounding pick would starve the first and last
  ProgramBuilder b;
  uint32_t list = b.op("list.range", {b.scalar<int64_t>(0), b.scalar<int64_t>(7), b.scalar<int64_t>(1)});
  b.output("x", b.op("list.random_element", {list}, {}, kKey));
  Pipeline pipeline(b.load(), 11, 1);
  const size_t n = 210000;
  std::vector<int> counts(7, 0);
  for (size_t i = 0; i < n; ++i) {
    int64_t x = pipeline.run(i).outputs[0].as_int();
    ASSERT_GE(x, 0);
    ASSERT_LT(x, 7);
    ++counts[static_cast<size_t>(x)];
  }
  for (size_t k = 0; k < 7; ++k) EXPECT_NEAR(counts[k] / (n / 7.0), 1.0, 0.03) << k;
}

TEST(ListOps, RandomElementDeterminismAndErrors) {
  Value l(ints({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  Value a = run("list.random_element", {l}, {}, 4, 9);
  EXPECT_TRUE(a.bit_equal(run_dynamic("list.random_element", {l}, 4, 9)));
  // documented: one below(length)
  EXPECT_EQ(a.as_int(), 1 + static_cast<int64_t>(RandomStream(4, 9, kKey).below(10)));
  int differing = 0;
  for (uint64_t s = 0; s < 20; ++s) differing += run("list.random_element", {l}, {}, 4, s).as_int() != a.as_int();
  EXPECT_GT(differing, 10);
  std::string message;
  EXPECT_EQ(error_code([] { run("list.random_element", {Value(List{})}); }, &message), PXP_EOUT_OF_RANGE);
  EXPECT_NE(message.find("empty"), std::string::npos) << message;
  EXPECT_EQ(error_code([] { run("list.random_element", {i64(3)}); }), PXP_ETYPE);
}

TEST(ListOps, InferredTypes) {
  // run-time values of known type: the sample index and lists built from it
  auto index = [](ProgramBuilder& b) { return b.op("core.sample_index"); };
  auto dynamic3 = [&](ProgramBuilder& b) {
    uint32_t i = index(b);
    return b.op("list.make", {i, i, i});
  };
  auto unknown_length = [&](ProgramBuilder& b) {
    return b.op("list.range", {b.scalar<int64_t>(0), index(b), b.scalar<int64_t>(1)});
  };
  EXPECT_EQ(inferred(dynamic3), "list<i64[]>[3]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("list.make", {}); }), "list<any>[0]");
  // mixed dtypes unify to a tensor of unknown dtype
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("list.make", {index(b), b.scalar<float>(1)}); }),
            "list<tensor[]>[2]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("list.length", {dynamic3(b)}); }), "i64[]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("list.element", {dynamic3(b), index(b)}); }), "i64[]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) {
              return b.op("list.element",
                          {b.constant(Value(List{str("a")})), index(b)});
            }),
            "string");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) {
              return b.op("list.sublist", {dynamic3(b), b.scalar<int64_t>(-2), b.scalar<int64_t>(10)});
            }),
            "list<i64[]>[2]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) {
              return b.op("list.sublist", {dynamic3(b), b.scalar<int64_t>(0), index(b)});
            }),
            "list<i64[]>");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("list.concat", {dynamic3(b), dynamic3(b)}); }),
            "list<i64[]>[6]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("list.concat", {dynamic3(b), unknown_length(b)}); }),
            "list<i64[]>");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("list.repeat", {index(b), b.scalar<int64_t>(4)}); }),
            "list<i64[]>[4]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("list.repeat", {index(b), index(b)}); }), "list<i64[]>");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) {
              return b.op("list.range", {b.scalar<int64_t>(0), b.scalar<int64_t>(10), b.scalar<int64_t>(3)});
            }),
            "list<i64[]>[4]");
  EXPECT_EQ(inferred(unknown_length), "list<i64[]>");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) {
              return b.op("list.filter", {dynamic3(b), b.constant(Value(tensor<bool>({true, false, true}, {3})))});
            }),
            "list<i64[]>");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) {
              return b.op("list.gather", {dynamic3(b), b.constant(Value(ints({0, 0, 1, 2, -1})))});
            }),
            "list<i64[]>[5]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("list.random_element", {dynamic3(b)}); }), "i64[]");
  // nested lists keep their element types
  EXPECT_EQ(inferred([&](ProgramBuilder& b) {
              uint32_t inner = dynamic3(b);
              return b.op("list.element", {b.op("list.make", {inner, inner}), b.scalar<int64_t>(0)});
            }),
            "list<i64[]>[3]");
}

TEST(ListOps, LoadTimeTypeErrors) {
  EXPECT_EQ(load_code([](ProgramBuilder& b) {
              return b.op("list.make", {b.scalar<int64_t>(1), b.constant(Value(std::string("a")))});
            }),
            PXP_ETYPE);
  EXPECT_EQ(load_code([](ProgramBuilder& b) {
              return b.op("list.sublist", {b.constant(Value(ints({1}))), b.scalar<float>(0), b.scalar<int64_t>(1)});
            }),
            PXP_ETYPE);
  EXPECT_EQ(load_code([](ProgramBuilder& b) {
              return b.op("list.repeat", {b.scalar<int64_t>(1), b.constant(Value(std::string("3")))});
            }),
            PXP_ETYPE);
  EXPECT_EQ(load_code([](ProgramBuilder& b) {
              return b.op("list.range", {b.scalar<int64_t>(0), b.scalar<double>(2.5), b.scalar<int64_t>(1)});
            }),
            PXP_ETYPE);
  EXPECT_EQ(load_code([](ProgramBuilder& b) {
              return b.op("list.element", {b.op("core.sample_index"), b.scalar<int64_t>(0)});
            }),
            PXP_ETYPE);
}

}  // namespace
}  // namespace pxp::test
