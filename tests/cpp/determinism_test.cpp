// The determinism contract (DESIGN.md section 6): sample i of a program with
// seed s is the same bits for any thread count and in any process.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "program_builder.hpp"

namespace pxp::test {
namespace {

// A program that uses every random op, some of them on values that depend on the sample index.
std::string every_random_op_program() {
  ProgramBuilder b;
  uint32_t index = b.op("core.sample_index");
  uint32_t zero = b.scalar<float>(0.0f), one = b.scalar<float>(1.0f);
  uint32_t u = b.op("random.uniform", {zero, one}, {{"shape", std::vector<int64_t>{4}}}, 1, "uniform");
  uint32_t nrm = b.op("random.normal", {zero, one}, {{"shape", std::vector<int64_t>{2, 3}}}, 2, "normal");
  uint32_t p = b.scalar<double>(0.3);
  uint32_t bern = b.op("random.bernoulli", {p}, {{"shape", std::vector<int64_t>{5}}}, 3, "bernoulli");
  uint32_t lo = b.scalar<int64_t>(-5), hi = b.scalar<int64_t>(1000);
  uint32_t integer = b.op("random.integer", {lo, hi}, {}, 4, "integer");
  uint32_t weights = b.constant(Value(tensor<float>({1.0f, 2.0f, 3.0f}, {3})));
  uint32_t choice = b.op("random.weighted_choice", {weights}, {}, 5, "choice");
  uint32_t n = b.scalar<int64_t>(10);
  uint32_t perm = b.op("random.permutation", {n}, {}, 6, "permutation");
  uint32_t items = b.op("list.range", {b.scalar<int64_t>(0), b.scalar<int64_t>(7), b.scalar<int64_t>(1)});
  uint32_t shuffled = b.op("random.shuffle", {items}, {}, 7, "shuffle");
  uint32_t element = b.op("list.random_element", {items}, {}, 8, "random_element");
  // a random draw whose parameters vary with the sample
  uint32_t shifted = b.op("random.uniform", {index, b.op("math.add", {index, one})}, {}, 9, "shifted");
  b.output("uniform", u);
  b.output("normal", nrm);
  b.output("bernoulli", bern);
  b.output("integer", integer);
  b.output("choice", choice);
  b.output("permutation", perm);
  b.output("shuffled", shuffled);
  b.output("element", element);
  b.output("shifted", shifted);
  return b.bytes();
}

std::vector<Sample> run_all(const std::string& bytes, uint64_t seed, size_t threads, size_t count) {
  Pipeline pipeline(load_program(bytes.data(), bytes.size()), seed, threads);
  return pipeline.run_many(0, count);
}

bool same(const std::vector<Sample>& a, const std::vector<Sample>& b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k].index != b[k].index || a[k].outputs.size() != b[k].outputs.size()) return false;
    for (size_t o = 0; o < a[k].outputs.size(); ++o)
      if (!a[k].outputs[o].bit_equal(b[k].outputs[o])) return false;
  }
  return true;
}

TEST(Determinism, ThousandSamplesIdenticalAcrossThreadCounts) {
  std::string bytes = every_random_op_program();
  auto one = run_all(bytes, 42, 1, 1000);
  auto two = run_all(bytes, 42, 2, 1000);
  auto eight = run_all(bytes, 42, 8, 1000);
  EXPECT_TRUE(same(one, two));
  EXPECT_TRUE(same(one, eight));
  // and equal to running each sample alone on the calling thread, in reverse order
  Pipeline single(load_program(bytes.data(), bytes.size()), 42, 1);
  for (size_t k = 1000; k-- > 0;) {
    Sample s = single.run(k);
    for (size_t o = 0; o < s.outputs.size(); ++o) ASSERT_TRUE(s.outputs[o].bit_equal(one[k].outputs[o])) << k;
  }
}

TEST(Determinism, AnotherSeedChangesSamples) {
  std::string bytes = every_random_op_program();
  auto a = run_all(bytes, 42, 2, 100);
  auto b = run_all(bytes, 43, 2, 100);
  size_t differing = 0;
  for (size_t k = 0; k < a.size(); ++k)
    if (!a[k].outputs[0].bit_equal(b[k].outputs[0])) ++differing;
  EXPECT_EQ(differing, a.size());
}

TEST(Determinism, SamplesDifferFromEachOther) {
  auto s = run_all(every_random_op_program(), 7, 2, 50);
  for (size_t k = 1; k < s.size(); ++k) EXPECT_FALSE(s[k].outputs[0].bit_equal(s[k - 1].outputs[0]));
}

std::string run_tool(const std::string& program_path, int threads) {
  std::string cmd = std::string(PXP_RUN_TOOL) + " " + program_path + " -n 1000 --seed 42 --digest --threads " +
                    std::to_string(threads);
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return "";
  std::string out;
  char buf[256];
  while (fgets(buf, sizeof buf, pipe)) out += buf;
  EXPECT_EQ(pclose(pipe), 0) << out;
  auto at = out.find("digest ");
  return at == std::string::npos ? out : out.substr(at, 23);
}

TEST(Determinism, IdenticalAcrossProcesses) {
  std::string path = std::string(PXP_TEST_BINARY_DIR) + "/every_random_op.pxp";
  std::ofstream(path, std::ios::binary) << every_random_op_program();
  std::string first = run_tool(path, 1), second = run_tool(path, 8);
  ASSERT_EQ(first.rfind("digest ", 0), 0u) << first;
  EXPECT_EQ(first, second);
}

}  // namespace
}  // namespace pxp::test
