// random.*: each op is a pure function of (seed, sample, node key) that
// consumes its stream in the documented order, and its distribution is right.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>

#include "program_builder.hpp"

namespace pxp::test {
namespace {

constexpr uint64_t kKey = 12345;  // the node key run_op gives the op under test

// Runs op on inputs that are hidden from folding behind flow.select on the
// sample index, so the op sees run-time values (select(c, x, x) is x for any c).
Value run_dynamic(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {},
                  uint64_t seed = 0, uint64_t sample = 0) {
  return run_unfolded(op, inputs, attrs, seed, sample);
}

Value run(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {}, uint64_t seed = 0,
          uint64_t sample = 0) {
  return run_op(op, inputs, attrs, seed, sample, false);
}


// Many samples of one scalar-producing op, on one pipeline.
std::vector<int64_t> sample_ints(const std::string& op, const Value& input, size_t count, uint64_t seed = 7) {
  ProgramBuilder b;
  b.output("out", b.op(op, {b.constant(input)}, {}, kKey));
  Pipeline pipeline(b.load(), seed, 1);
  std::vector<int64_t> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) out.push_back(pipeline.run(i).outputs[0].as_int());
  return out;
}

Value f32(float x) { return Value::scalar<float>(x); }
Value f64(double x) { return Value::scalar<double>(x); }
Value i64(int64_t x) { return Value::scalar<int64_t>(x); }

TEST(RandomOps, SameSeedAndSampleGiveIdenticalBits) {
  struct Case {
    std::string op;
    std::vector<Value> inputs;
    AttrList attrs;
  };
  std::vector<Case> cases = {
      {"random.uniform", {f32(-1), f32(1)}, {{"shape", std::vector<int64_t>{3, 4}}}},
      {"random.normal", {f32(0), f32(1)}, {{"shape", std::vector<int64_t>{8}}, {"dtype", std::string("f64")}}},
      {"random.bernoulli", {f64(0.5)}, {{"shape", std::vector<int64_t>{64}}}},
      {"random.integer", {i64(0), i64(1000000)}, {{"shape", std::vector<int64_t>{8}}}},
      {"random.permutation", {i64(20)}, {}},
      {"random.shuffle", {Value(List{i64(1), i64(2), i64(3), i64(4), i64(5), i64(6), i64(7), i64(8)})}, {}},
  };
  for (const auto& c : cases) {
    Value a = run(c.op, c.inputs, c.attrs, 3, 11);
    Value again = run(c.op, c.inputs, c.attrs, 3, 11);
    Value dynamic = run_dynamic(c.op, c.inputs, c.attrs, 3, 11);
    EXPECT_TRUE(a.bit_equal(again)) << c.op;
    EXPECT_TRUE(a.bit_equal(dynamic)) << c.op << ": folding status must not change the draws";
    EXPECT_FALSE(a.bit_equal(run(c.op, c.inputs, c.attrs, 3, 12))) << c.op << ": another sample";
    EXPECT_FALSE(a.bit_equal(run(c.op, c.inputs, c.attrs, 4, 11))) << c.op << ": another seed";
  }
}

TEST(RandomOps, RandomOpsAreNeverFolded) {
  ProgramBuilder b;
  uint32_t u = b.op("random.uniform", {b.scalar<float>(0), b.scalar<float>(1)}, {}, 1);
  b.output("u", u);
  auto program = b.load();
  EXPECT_TRUE(program->folded[u].empty());
  Pipeline pipeline(program, 0, 1);
  EXPECT_NE(pipeline.run(0).outputs[0].as_double(), pipeline.run(1).outputs[0].as_double());
}

TEST(RandomOps, UniformFollowsTheDocumentedDrawOrder) {
  // a [2, 3] draw is six scalar draws in row-major order, each one rng.uniform(low, high)
  Value v = run("random.uniform", {f64(2.0), f64(5.0)},
                {{"shape", std::vector<int64_t>{2, 3}}, {"dtype", std::string("f64")}}, 9, 4);
  ASSERT_EQ(v.tensor().dtype(), DType::F64);
  ASSERT_EQ(v.tensor().shape(), (Shape{2, 3}));
  RandomStream rng(9, 4, kKey);
  for (double x : values(v.tensor())) EXPECT_EQ(x, rng.uniform(2.0, 5.0));
  // f32 is the same draw, rounded
  Value s = run("random.uniform", {f32(2.0f), f32(5.0f)}, {}, 9, 4);
  ASSERT_EQ(s.tensor().dtype(), DType::F32);
  EXPECT_EQ(s.tensor().shape(), Shape{});
  EXPECT_EQ(s.tensor().data<float>()[0], static_cast<float>(RandomStream(9, 4, kKey).uniform(2.0, 5.0)));
}

TEST(RandomOps, UniformStatistics) {
  Value v = run("random.uniform", {f32(-1.0f), f32(3.0f)}, {{"shape", std::vector<int64_t>{20000}}}, 1, 0);
  std::vector<double> xs = values(v.tensor());
  ASSERT_EQ(xs.size(), 20000u);
  double mean = std::accumulate(xs.begin(), xs.end(), 0.0) / xs.size();
  EXPECT_NEAR(mean, 1.0, 0.02 * 4);  // 0.02 of the width [-1, 3)
  for (double x : xs) {
    ASSERT_GE(x, -1.0);
    ASSERT_LT(x, 3.0);
  }
  Value unit = run("random.uniform", {f32(0.0f), f32(1.0f)}, {{"shape", std::vector<int64_t>{20000}}}, 2, 0);
  std::vector<double> us = values(unit.tensor());
  EXPECT_NEAR(std::accumulate(us.begin(), us.end(), 0.0) / us.size(), 0.5, 0.02);
}

TEST(RandomOps, UniformF32NeverReachesHigh) {
  // a range one f32 ulp wide: almost every f64 draw rounds to high, and must step back below it
  float low = 1.0f, high = std::nextafter(1.0f, 2.0f);
  Value v = run("random.uniform", {f32(low), f32(high)}, {{"shape", std::vector<int64_t>{1000}}}, 5, 0);
  for (double x : values(v.tensor())) {
    ASSERT_GE(x, low);
    ASSERT_LT(x, high);
  }
  // low == high is allowed and gives low
  EXPECT_EQ(run("random.uniform", {f32(2.0f), f32(2.0f)}).as_double(), 2.0);
}

TEST(RandomOps, UniformRejectsReversedBounds) {
  std::string message;
  EXPECT_EQ(error_code([] { run("random.uniform", {f32(3.0f), f32(1.0f)}); }, &message), PXP_EOUT_OF_RANGE);
  EXPECT_NE(message.find("low 3"), std::string::npos) << message;
  EXPECT_NE(message.find("high 1"), std::string::npos) << message;
}

TEST(RandomOps, NormalStatistics) {
  Value v = run("random.normal", {f64(10.0), f64(2.0)},
                {{"shape", std::vector<int64_t>{20000}}, {"dtype", std::string("f64")}}, 1, 0);
  ASSERT_EQ(v.tensor().dtype(), DType::F64);
  std::vector<double> xs = values(v.tensor());
  double mean = std::accumulate(xs.begin(), xs.end(), 0.0) / xs.size();
  double var = 0.0;
  for (double x : xs) var += (x - mean) * (x - mean);
  var /= xs.size();
  EXPECT_NEAR(mean, 10.0, 0.06);
  EXPECT_NEAR(std::sqrt(var), 2.0, 0.06);
  // the documented order: one rng.normal(mean, std) per element
  RandomStream rng(1, 0, kKey);
  EXPECT_EQ(xs[0], rng.normal(10.0, 2.0));
  EXPECT_EQ(xs[1], rng.normal(10.0, 2.0));
  EXPECT_EQ(error_code([] { run("random.normal", {f32(0.0f), f32(-1.0f)}); }), PXP_EINVALID_ARGUMENT);
}

TEST(RandomOps, Bernoulli) {
  Value v = run("random.bernoulli", {f64(0.25)}, {{"shape", std::vector<int64_t>{20000}}}, 1, 0);
  ASSERT_EQ(v.tensor().dtype(), DType::Bool);
  std::vector<double> xs = values(v.tensor());
  EXPECT_NEAR(std::accumulate(xs.begin(), xs.end(), 0.0) / xs.size(), 0.25, 0.02);
  EXPECT_EQ(run("random.bernoulli", {f64(0.0)}).as_bool(), false);
  EXPECT_EQ(run("random.bernoulli", {f64(1.0)}).as_bool(), true);
  EXPECT_EQ(error_code([] { run("random.bernoulli", {f64(1.5)}); }), PXP_EINVALID_ARGUMENT);
}

TEST(RandomOps, IntegerCoversTheHalfOpenRange) {
  Value v = run("random.integer", {i64(-3), i64(4)}, {{"shape", std::vector<int64_t>{20000}}}, 1, 0);
  ASSERT_EQ(v.tensor().dtype(), DType::I64);
  std::vector<int> counts(7, 0);
  for (double x : values(v.tensor())) {
    ASSERT_GE(x, -3);
    ASSERT_LT(x, 4);  // high is excluded
    ++counts[static_cast<size_t>(x + 3)];
  }
  for (int c : counts) EXPECT_NEAR(c / 20000.0, 1.0 / 7, 0.02);
  // one below(high - low) per element, row-major
  RandomStream rng(1, 0, kKey);
  EXPECT_EQ(v.tensor().data<int64_t>()[0], -3 + static_cast<int64_t>(rng.below(7)));
  // a single-value range and the extreme range
  EXPECT_EQ(run("random.integer", {i64(5), i64(6)}).as_int(), 5);
  int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  int64_t x = run("random.integer", {i64(lo), i64(hi)}).as_int();
  EXPECT_LT(x, hi);
}

TEST(RandomOps, IntegerErrors) {
  std::string message;
  EXPECT_EQ(error_code([] { run("random.integer", {i64(5), i64(5)}); }, &message), PXP_EOUT_OF_RANGE);
  EXPECT_NE(message.find("low 5"), std::string::npos) << message;
  EXPECT_NE(message.find("high 5"), std::string::npos) << message;
  EXPECT_EQ(error_code([] { run_dynamic("random.integer", {i64(9), i64(2)}); }, &message), PXP_EOUT_OF_RANGE);
  EXPECT_NE(message.find("low 9 and high 2"), std::string::npos) << message;
  // float bounds are a type error at load
  EXPECT_EQ(error_code([] { run("random.integer", {f32(0.0f), f32(2.0f)}); }), PXP_ETYPE);
}

TEST(RandomOps, WeightedChoiceFrequencies) {
  std::vector<double> w = {1, 2, 3, 0, 4};
  for (const Value& weights : {Value(tensor<float>({1, 2, 3, 0, 4}, {5})),
                               Value(List{i64(1), i64(2), i64(3), i64(0), i64(4)})}) {
    std::vector<int64_t> picks = sample_ints("random.weighted_choice", weights, 40000);
    std::vector<int> counts(5, 0);
    for (int64_t p : picks) {
      ASSERT_GE(p, 0);
      ASSERT_LT(p, 5);
      ++counts[static_cast<size_t>(p)];
    }
    EXPECT_EQ(counts[3], 0);  // a zero weight is never chosen
    for (size_t i = 0; i < 5; ++i) EXPECT_NEAR(counts[i] / 40000.0, w[i] / 10.0, 0.03) << i;
  }
  // documented: the first index whose cumulative weight exceeds u * total
  Value one = run("random.weighted_choice", {Value(tensor<double>({1, 3}, {2}))}, {}, 2, 8);
  double u = RandomStream(2, 8, kKey).uniform01() * 4.0;
  EXPECT_EQ(one.as_int(), u < 1.0 ? 0 : 1);
}

TEST(RandomOps, WeightedChoiceErrors) {
  std::string message;
  EXPECT_EQ(error_code([] { run("random.weighted_choice", {Value(tensor<float>({0, 0}, {2}))}); }, &message),
            PXP_EINVALID_ARGUMENT);
  EXPECT_NE(message.find("positive"), std::string::npos) << message;
  EXPECT_EQ(error_code([] { run("random.weighted_choice", {Value(tensor<float>({1, -1}, {2}))}); }, &message),
            PXP_EINVALID_ARGUMENT);
  EXPECT_NE(message.find("weight 1 is -1"), std::string::npos) << message;
  EXPECT_EQ(error_code([] { run("random.weighted_choice", {Value(tensor<float>({1, NAN}, {2}))}); }),
            PXP_EINVALID_ARGUMENT);
  // not a sequence of numbers: type errors at load
  EXPECT_EQ(error_code([] { run("random.weighted_choice", {Value(tensor<float>({1, 2, 3, 4}, {2, 2}))}); }),
            PXP_ETYPE);
  EXPECT_EQ(error_code([] { run("random.weighted_choice", {Value(List{Value(std::string("a"))})}); }), PXP_ETYPE);
  EXPECT_EQ(error_code([] { run("random.weighted_choice", {Value(std::string("weights"))}); }), PXP_ETYPE);
}

TEST(RandomOps, PermutationIsAPermutation) {
  for (uint64_t sample = 0; sample < 20; ++sample) {
    Value v = run("random.permutation", {i64(50)}, {}, 1, sample);
    ASSERT_EQ(v.tensor().dtype(), DType::I64);
    ASSERT_EQ(v.tensor().shape(), Shape{50});
    std::vector<double> xs = values(v.tensor());
    std::sort(xs.begin(), xs.end());
    for (size_t i = 0; i < xs.size(); ++i) ASSERT_EQ(xs[i], static_cast<double>(i));
  }
  EXPECT_EQ(run("random.permutation", {i64(0)}).tensor().shape(), Shape{0});
  EXPECT_EQ(values(run("random.permutation", {i64(1)}).tensor()), std::vector<double>{0});
  EXPECT_EQ(error_code([] { run_dynamic("random.permutation", {i64(-1)}); }), PXP_EOUT_OF_RANGE);
}

TEST(RandomOps, PermutationIsUniformAndDocumented) {
  // all 6 orders of 3 elements, each about 1/6 of the time
  ProgramBuilder b;
  b.output("p", b.op("random.permutation", {b.scalar<int64_t>(3)}, {}, kKey));
  Pipeline pipeline(b.load(), 3, 1);
  std::map<std::vector<double>, int> counts;
  for (uint64_t i = 0; i < 30000; ++i) ++counts[values(pipeline.run(i).outputs[0].tensor())];
  ASSERT_EQ(counts.size(), 6u);
  for (const auto& [order, c] : counts) EXPECT_NEAR(c / 30000.0, 1.0 / 6, 0.02);
  // Fisher-Yates from the back with below(i + 1)
  Value v = run("random.permutation", {i64(5)}, {}, 3, 17);
  std::vector<double> expected = {0, 1, 2, 3, 4};
  RandomStream rng(3, 17, kKey);
  for (size_t i = 5; i > 1; --i) std::swap(expected[i - 1], expected[rng.below(i)]);
  EXPECT_EQ(values(v.tensor()), expected);
}

TEST(RandomOps, ShuffleMatchesPermutation) {
  List items;
  for (int i = 0; i < 12; ++i) items.push_back(Value(std::string(1, static_cast<char>('a' + i))));
  Value shuffled = run("random.shuffle", {Value(items)}, {}, 5, 2);
  Value order = run("random.permutation", {i64(12)}, {}, 5, 2);
  ASSERT_EQ(shuffled.list().size(), 12u);
  std::vector<double> idx = values(order.tensor());
  for (size_t i = 0; i < 12; ++i) EXPECT_EQ(shuffled.list()[i].string(), items[static_cast<size_t>(idx[i])].string());
  EXPECT_TRUE(run("random.shuffle", {Value(List{})}).list().empty());
  EXPECT_EQ(error_code([] { run("random.shuffle", {Value(tensor<float>({1, 2}, {2}))}); }), PXP_ETYPE);
}

TEST(RandomOps, InferredTypes) {
  ProgramBuilder b;
  uint32_t index = b.op("core.sample_index");
  uint32_t zero = b.scalar<float>(0), one = b.scalar<float>(1);
  uint32_t u = b.op("random.uniform", {zero, one}, {{"shape", std::vector<int64_t>{2, 3}}});
  uint32_t n = b.op("random.normal", {zero, one}, {{"dtype", std::string("f64")}});
  uint32_t bern = b.op("random.bernoulli", {b.scalar<double>(0.5)}, {{"shape", std::vector<int64_t>{4}}});
  uint32_t integer = b.op("random.integer", {b.scalar<int64_t>(0), b.scalar<int64_t>(9)});
  uint32_t choice = b.op("random.weighted_choice", {b.constant(Value(tensor<float>({1, 2}, {2})))});
  uint32_t perm = b.op("random.permutation", {b.scalar<int64_t>(7)});
  uint32_t perm_dynamic = b.op("random.permutation", {index});
  uint32_t list = b.op("list.make", {index, index, index});
  uint32_t shuffled = b.op("random.shuffle", {list});
  for (uint32_t s : {u, n, bern, integer, choice, perm, perm_dynamic, shuffled}) b.output(std::to_string(s), s);
  auto p = b.load();
  EXPECT_EQ(p->instructions[u].type.to_string(), "f32[2,3]");
  EXPECT_EQ(p->instructions[n].type.to_string(), "f64[]");
  EXPECT_EQ(p->instructions[bern].type.to_string(), "bool[4]");
  EXPECT_EQ(p->instructions[integer].type.to_string(), "i64[]");
  EXPECT_EQ(p->instructions[choice].type.to_string(), "i64[]");
  EXPECT_EQ(p->instructions[perm].type.to_string(), "i64[7]");
  EXPECT_EQ(p->instructions[perm_dynamic].type.to_string(), "i64[?]");
  EXPECT_EQ(p->instructions[shuffled].type.to_string(), "list<i64[]>[3]");
  // every output's run-time value matches its inferred type
  Pipeline pipeline(p, 1, 1);
  Sample sample = pipeline.run(5);
  for (size_t o = 0; o < p->outputs.size(); ++o)
    EXPECT_TRUE(value_matches(sample.outputs[o], p->instructions[p->outputs[o].second].type)) << o;
}

TEST(RandomOps, LoadTimeTypeErrors) {
  auto load_code = [](const std::function<void(ProgramBuilder&)>& build) {
    ProgramBuilder b;
    build(b);
    return error_code([&] { b.load(); });
  };
  EXPECT_EQ(load_code([](ProgramBuilder& b) {
              b.output("x", b.op("random.uniform", {b.constant(Value(std::string("a"))), b.scalar<float>(1)}));
            }),
            PXP_ETYPE);
  EXPECT_EQ(load_code([](ProgramBuilder& b) {
              b.output("x", b.op("random.uniform", {b.scalar<float>(0), b.scalar<float>(1)},
                                 {{"shape", std::vector<int64_t>{-2}}}));
            }),
            PXP_ETYPE);
  EXPECT_EQ(load_code([](ProgramBuilder& b) {
              b.output("x", b.op("random.uniform", {b.scalar<float>(0), b.scalar<float>(1)},
                                 {{"dtype", std::string("i32")}}));
            }),
            PXP_EINVALID_PROGRAM);
  EXPECT_EQ(load_code([](ProgramBuilder& b) {
              b.output("x", b.op("random.permutation", {b.constant(Value(List{}))}));
            }),
            PXP_ETYPE);
}

}  // namespace
}  // namespace pxp::test
