// The per-op profile: counts are exactly samples x executions (an untaken branch counts nothing,
// folded constants count nothing), a slow op shows more time than a cheap one, off counts nothing,
// reset starts again from zero, and workers' counts add up (also while they run: the suite's name
// starts with "Interpreter" so the ThreadSanitizer preset runs it).
#include <algorithm>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "abi_options.hpp"
#include "exec/stream.hpp"
#include "pixelpipes/pixelpipes.h"
#include "program_builder.hpp"

namespace pxp::test {
namespace {

// Even samples blur a 192 x 192 x 3 noise image (slow) and output its size; odd ones add the
// sample index to itself (cheap). The then-part is skipped by odd samples, the else-part by even ones.
enum Row : size_t {
  kIndex = 0,
  kFirstConstant = 1,
  kLastConstant = 5,
  kModulo = 6,
  kEqual = 7,
  kBranch = 8,
  kNoise = 9,
  kBlur = 10,
  kSize = 11,
  kJump = 12,
  kCheap = 13,
  kMerge = 14,
  kInstructions = 15,
  kBatchCopy = 15,  // the row after the instructions
};

std::string profile_program_bytes() {
  ProgramBuilder b;
  uint32_t index = b.op("core.sample_index");
  uint32_t two = b.scalar<int64_t>(2), zero = b.scalar<int64_t>(0);
  uint32_t low = b.scalar<float>(0.0f), high = b.scalar<float>(255.0f), sigma = b.scalar<float>(6.0f);
  uint32_t even = b.op("math.equal", {b.op("math.modulo", {index, two}), zero});
  uint32_t branch = b.op("flow.branch", {even}, {{"target", int64_t(kCheap)}});
  uint32_t noise = b.op("random.uniform", {low, high}, {{"shape", std::vector<int64_t>{192, 192, 3}}}, 7, "noise");
  uint32_t blur = b.op("filter.gaussian_blur", {noise, sigma}, {}, 0, "blur", "profile_test.py:10");
  uint32_t size = b.op("tensor.size", {blur});
  uint32_t jump = b.op("flow.jump", {}, {{"target", int64_t(kMerge)}});
  uint32_t cheap = b.op("math.add", {index, index}, {}, 0, "cheap", "profile_test.py:12");
  uint32_t merged = b.op("flow.merge", {even, cheap, size});
  // the rows the tests name are the instructions built here
  EXPECT_EQ(sigma, kLastConstant);
  EXPECT_EQ(even, kEqual);
  EXPECT_EQ(branch, kBranch);
  EXPECT_EQ(noise, kNoise);
  EXPECT_EQ(blur, kBlur);
  EXPECT_EQ(jump, kJump);
  EXPECT_EQ(cheap, kCheap);
  EXPECT_EQ(merged, kMerge);
  b.output("value", merged);
  b.output("index", index);
  return b.bytes();
}

std::shared_ptr<const Program> profile_program() {
  std::string bytes = profile_program_bytes();
  return load_program(bytes.data(), bytes.size());
}

// Expected count of every row after samples first .. first + count - 1 (batch copies: none).
std::vector<uint64_t> expected_counts(uint64_t first, uint64_t count) {
  uint64_t evens = 0;
  for (uint64_t s = first; s < first + count; ++s) evens += s % 2 == 0;
  std::vector<uint64_t> rows(kInstructions + 1, 0);
  for (size_t r : {kIndex, kModulo, kEqual, kBranch, kMerge}) rows[r] = count;
  for (size_t r : {kNoise, kBlur, kSize, kJump}) rows[r] = evens;
  rows[kCheap] = count - evens;
  return rows;
}

std::vector<uint64_t> counts(const std::vector<ProfileRow>& rows) {
  std::vector<uint64_t> out;
  for (const auto& r : rows) out.push_back(r.count);
  return out;
}

TEST(InterpreterProfile, CountsEachExecutedInstructionOncePerSample) {
  auto program = profile_program();
  for (size_t r = kFirstConstant; r <= kLastConstant; ++r) ASSERT_FALSE(program->folded[r].empty()) << r;
  Pipeline pipeline(program, 0, 1);
  pipeline.set_profiling(true);
  pipeline.run_many(3, 6);  // samples 3..8: 4, 6, 8 even
  EXPECT_EQ(counts(pipeline.profile()), expected_counts(3, 6));
  pipeline.run(10);  // on the calling thread's interpreter
  std::vector<uint64_t> expected = expected_counts(3, 6);
  std::vector<uint64_t> one = expected_counts(10, 1);
  for (size_t r = 0; r < expected.size(); ++r) expected[r] += one[r];
  EXPECT_EQ(counts(pipeline.profile()), expected);
  // the untaken then-part of odd samples and the folded constants were never counted
  EXPECT_EQ(pipeline.profile()[kBlur].count, 4u);
  EXPECT_EQ(pipeline.profile()[kCheap].count, 3u);
  EXPECT_EQ(pipeline.profile()[kLastConstant].count, 0u);
}

TEST(InterpreterProfile, SlowOpTakesMoreTimeThanCheapOp) {
  Pipeline pipeline(profile_program(), 0, 1);
  pipeline.set_profiling(true);
  // One sample at a time, keeping each row's fastest single execution: a preemption that lands
  // inside one timed op (CI lost a 4-instruction total this way: 3.9 ms for an addition) spoils
  // one of the sixteen measurements, not the comparison.
  uint64_t fastest_blur = UINT64_MAX, fastest_cheap = UINT64_MAX;
  for (uint64_t sample = 0; sample < 32; ++sample) {
    pipeline.reset_profile();
    pipeline.run(sample);
    std::vector<ProfileRow> rows = pipeline.profile();
    size_t row = sample % 2 == 0 ? kBlur : kCheap;
    ASSERT_EQ(rows[row].count, 1u) << sample;
    uint64_t& fastest = sample % 2 == 0 ? fastest_blur : fastest_cheap;
    fastest = std::min<uint64_t>(fastest, rows[row].nanoseconds);
    EXPECT_EQ(rows[kLastConstant].nanoseconds, 0u);
  }
  EXPECT_GT(fastest_blur, 0u);
  // a 192 x 192 x 3 float blur with sigma 6 against one integer addition: orders of magnitude
  EXPECT_GT(fastest_blur, 20 * fastest_cheap);
}

TEST(InterpreterProfile, OffCountsNothingAndResetStartsFromZero) {
  Pipeline pipeline(profile_program(), 0, 2);
  pipeline.run_many(0, 4);
  pipeline.run(4);
  for (const auto& r : pipeline.profile()) EXPECT_EQ(r.count + r.nanoseconds, 0u);

  pipeline.set_profiling(true);
  pipeline.run_many(0, 4);
  EXPECT_EQ(counts(pipeline.profile()), expected_counts(0, 4));
  pipeline.set_profiling(false);  // off keeps what was counted, and counts no more
  pipeline.run_many(0, 4);
  EXPECT_EQ(counts(pipeline.profile()), expected_counts(0, 4));

  pipeline.reset_profile();
  for (const auto& r : pipeline.profile()) EXPECT_EQ(r.count + r.nanoseconds, 0u);
  pipeline.set_profiling(true);
  pipeline.run_many(5, 3);
  EXPECT_EQ(counts(pipeline.profile()), expected_counts(5, 3));
}

TEST(InterpreterProfile, WorkerCountsAddUp) {
  Pipeline pipeline(profile_program(), 0, 4);
  pipeline.set_profiling(true);  // before the workers exist: they start with it on
  pipeline.run_many(0, 40);
  EXPECT_EQ(counts(pipeline.profile()), expected_counts(0, 40));
  pipeline.run_many(40, 24);
  EXPECT_EQ(counts(pipeline.profile()), expected_counts(0, 64));
}

TEST(InterpreterProfile, StreamsCountTheirSamplesAndBatchCopies) {
  Pipeline pipeline(profile_program(), 0, 3);
  pipeline.set_profiling(true);
  StreamOptions options;
  options.batch_size = 4;
  options.prefetch = 2;
  {
    Stream stream(pipeline, options);
    for (int k = 0; k < 5; ++k) stream.next();
    EXPECT_GE(pipeline.profile()[kBatchCopy].count, 20u);  // later batches may be in flight
  }  // the stream is gone: every sample it started has finished
  std::vector<ProfileRow> rows = pipeline.profile();
  uint64_t samples = rows[kIndex].count;
  EXPECT_GE(samples, 20u);
  EXPECT_EQ(rows[kBatchCopy].count, samples);
  EXPECT_EQ(rows[kMerge].count, samples);
  EXPECT_EQ(rows[kBlur].count + rows[kCheap].count, samples);
  EXPECT_EQ(rows[kBlur].count, rows[kJump].count);
}

TEST(InterpreterProfile, ReadingSwitchingAndResettingWhileWorkersRun) {
  Pipeline pipeline(profile_program(), 0, 4);
  pipeline.set_profiling(true);
  StreamOptions options;
  options.batch_size = 8;
  options.prefetch = 3;
  Stream stream(pipeline, options);
  uint64_t previous = 0;
  for (int k = 0; k < 12; ++k) {
    // counters only grow between resets, even read while the workers write them
    uint64_t now = pipeline.profile()[kIndex].count;
    EXPECT_GE(now, previous);
    previous = now;
    stream.next();
    if (k == 4) pipeline.set_profiling(false);
    if (k == 6) pipeline.set_profiling(true);
    if (k == 8) {
      pipeline.reset_profile();
      previous = 0;
    }
  }
  EXPECT_GT(pipeline.profile()[kIndex].count, 0u);
}

// The C ABI: rows, names, capacity/total, errors.
TEST(InterpreterProfile, CApi) {
  std::string bytes = profile_program_bytes();
  pxp_program* program = nullptr;
  ASSERT_EQ(pxp_program_load(&program, bytes.data(), bytes.size()), PXP_OK);
  pxp_pipeline_options options = pipeline_options();
  options.threads = 2;
  pxp_pipeline* pipeline = nullptr;
  ASSERT_EQ(pxp_pipeline_create(&pipeline, program, &options), PXP_OK);
  pxp_program_free(program);

  size_t total = 0;
  ASSERT_EQ(pxp_pipeline_profile_get(nullptr, 0, &total, pipeline), PXP_OK);
  ASSERT_EQ(total, kInstructions + 1);
  std::vector<pxp_profile_row> rows(total);
  ASSERT_EQ(pxp_pipeline_profile_get(rows.data(), rows.size(), &total, pipeline), PXP_OK);
  for (const auto& r : rows) EXPECT_EQ(r.count, 0u);  // off by default
  EXPECT_STREQ(rows[kBlur].op, "filter.gaussian_blur");
  EXPECT_STREQ(rows[kBlur].node, "blur");
  EXPECT_STREQ(rows[kBlur].source, "profile_test.py:10");
  EXPECT_STREQ(rows[kModulo].node, "");
  EXPECT_STREQ(rows[kBatchCopy].op, "(batch copy)");

  ASSERT_EQ(pxp_pipeline_profile_enable(pipeline, 1), PXP_OK);
  std::vector<pxp_sample*> samples(6);
  ASSERT_EQ(pxp_pipeline_run_many(samples.data(), pipeline, 0, samples.size()), PXP_OK);
  for (auto* s : samples) pxp_sample_free(s);
  pxp_sample* one = nullptr;
  ASSERT_EQ(pxp_pipeline_run(&one, pipeline, 6), PXP_OK);
  pxp_sample_free(one);
  ASSERT_EQ(pxp_pipeline_profile_get(rows.data(), rows.size(), &total, pipeline), PXP_OK);
  std::vector<uint64_t> expected = expected_counts(0, 7);
  for (size_t r = 0; r < rows.size(); ++r) EXPECT_EQ(rows[r].count, expected[r]) << "row " << r;

  pxp_stream_options stream = stream_options();
  stream.batch_size = 2;
  stream.prefetch = 1;
  ASSERT_EQ(pxp_pipeline_start(pipeline, &stream), PXP_OK);
  for (int k = 0; k < 2; ++k) {
    pxp_batch* batch = nullptr;
    ASSERT_EQ(pxp_pipeline_next_batch(&batch, pipeline), PXP_OK);
    pxp_batch_free(batch);
  }
  ASSERT_EQ(pxp_pipeline_stop(pipeline), PXP_OK);
  ASSERT_EQ(pxp_pipeline_profile_get(rows.data(), rows.size(), &total, pipeline), PXP_OK);
  EXPECT_GE(rows[kBatchCopy].count, 4u);
  EXPECT_EQ(rows[kIndex].count, 7u + rows[kBatchCopy].count);  // run, run_many and the stream's samples
  EXPECT_GT(rows[kBlur].nanoseconds, 0u);

  // fewer rows than the total: only capacity are written, total is still the whole profile
  pxp_profile_row few[3];
  std::memset(few, 0, sizeof few);
  pxp_profile_row sentinel = few[2];
  ASSERT_EQ(pxp_pipeline_profile_get(few, 2, &total, pipeline), PXP_OK);
  EXPECT_EQ(total, kInstructions + 1);
  EXPECT_EQ(few[0].count, rows[kIndex].count);
  EXPECT_EQ(std::memcmp(&few[2], &sentinel, sizeof sentinel), 0);

  ASSERT_EQ(pxp_pipeline_profile_reset(pipeline), PXP_OK);
  ASSERT_EQ(pxp_pipeline_profile_get(rows.data(), rows.size(), &total, pipeline), PXP_OK);
  for (const auto& r : rows) EXPECT_EQ(r.count, 0u);
  ASSERT_EQ(pxp_pipeline_profile_enable(pipeline, 0), PXP_OK);
  ASSERT_EQ(pxp_pipeline_run(&one, pipeline, 1), PXP_OK);
  pxp_sample_free(one);
  ASSERT_EQ(pxp_pipeline_profile_get(rows.data(), rows.size(), &total, pipeline), PXP_OK);
  for (const auto& r : rows) EXPECT_EQ(r.count, 0u);

  EXPECT_EQ(pxp_pipeline_profile_get(nullptr, 1, &total, pipeline), PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(pxp_pipeline_profile_get(rows.data(), rows.size(), nullptr, pipeline), PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(pxp_pipeline_profile_get(rows.data(), rows.size(), &total, nullptr), PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(pxp_pipeline_profile_enable(nullptr, 1), PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(pxp_pipeline_profile_reset(nullptr), PXP_EINVALID_ARGUMENT);
  pxp_pipeline_free(pipeline);
}

}  // namespace
}  // namespace pxp::test
