// The interpreter: branches are real jumps, slots die after their last use,
// errors carry their place, and the worker pool shuts down cleanly.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <opencv2/core/utility.hpp>

#include "exec/interpreter.hpp"
#include "program_builder.hpp"

namespace pxp::test {
namespace {

// if (sample_index is even) { list[sample_index + 100] (out of range: would fail) } else { 7 }
std::shared_ptr<const Program> branch_program() {
  ProgramBuilder b;
  uint32_t index = b.op("core.sample_index");
  uint32_t two = b.scalar<int64_t>(2);
  uint32_t odd = b.op("math.modulo", {index, two});                          // 2
  uint32_t even = b.op("math.equal", {odd, b.scalar<int64_t>(0)});           // 4
  uint32_t branch = b.op("flow.branch", {even}, {{"target", int64_t(11)}});  // 5: else starts at 11
  uint32_t list = b.op("list.make", {index, index});                         // 6
  uint32_t hundred = b.scalar<int64_t>(100);                                 // 7
  uint32_t bad = b.op("list.element", {list, b.op("math.add", {index, hundred})}, {}, 0, "bad_lookup", "user.py:3");
  (void)branch;
  uint32_t jump = b.op("flow.jump", {}, {{"target", int64_t(12)}});  // 10
  (void)jump;
  uint32_t seven = b.scalar<int64_t>(7);                // 11
  uint32_t merged = b.op("flow.merge", {even, seven, bad});  // 12
  b.output("out", merged);
  return b.load();
}

TEST(Interpreter, UntakenBranchDoesNotExecute) {
  auto program = branch_program();
  ASSERT_EQ(program->instructions[5].op->name, "flow.branch");
  ASSERT_EQ(program->instructions[10].op->name, "flow.jump");
  Interpreter interp(program);
  // odd samples skip the failing lookup entirely
  auto out = interp.run(0, 1);
  EXPECT_EQ(out[0].as_int(), 7);
  size_t executed_odd = interp.executed();
  // even samples take the branch and hit the out-of-range error
  try {
    interp.run(0, 2);
    FAIL() << "expected an out-of-range error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_EOUT_OF_RANGE);
    EXPECT_EQ(e.sample, 2);
    EXPECT_EQ(e.node, "bad_lookup");
    EXPECT_EQ(e.source, "user.py:3");
    EXPECT_EQ(e.op, "list.element");
  }
  // and the odd path ran fewer instructions than the branch holds
  EXPECT_LT(executed_odd, program->size() - 3);
}

TEST(Interpreter, ErrorOnWorkerThreadNamesLowestFailingSample) {
  auto program = branch_program();
  Pipeline pipeline(program, 0, 4);
  try {
    pipeline.run_many(1, 20);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.sample, 2);  // samples 2, 4, 6 ... fail; 2 is reported
    EXPECT_NE(e.full_message().find("sample 2"), std::string::npos);
    EXPECT_NE(e.full_message().find("user.py:3"), std::string::npos);
  }
  // the pipeline still works after a failing batch
  auto ok = pipeline.run_many(1, 1);
  EXPECT_EQ(ok[0].outputs[0].as_int(), 7);
}

TEST(Interpreter, SlotsAreReleasedAfterLastUse) {
  ProgramBuilder b;
  uint32_t index = b.op("core.sample_index");
  uint32_t big = b.op("list.make", {index});   // used once, by the length
  uint32_t len = b.op("list.length", {big});
  b.output("len", len);
  auto program = b.load();
  // the list's slot is released right after its only use
  const auto& after = program->release_after[len];
  EXPECT_NE(std::find(after.begin(), after.end(), big), after.end());
  // outputs are never released
  for (const auto& r : program->release_after) EXPECT_EQ(std::find(r.begin(), r.end(), len), r.end());
}

TEST(Interpreter, ConstantOnlyInstructionsAreFoldedAtLoad) {
  ProgramBuilder b;
  uint32_t a = b.scalar<int64_t>(2), c = b.scalar<int64_t>(3);
  uint32_t sum = b.op("math.add", {a, c});
  uint32_t product = b.op("math.multiply", {sum, b.op("core.sample_index")});
  b.output("product", product);
  auto program = b.load();
  EXPECT_FALSE(program->folded[sum].empty());
  EXPECT_EQ(program->folded[sum].as_int(), 5);
  EXPECT_TRUE(program->folded[product].empty());
  Interpreter interp(program);
  EXPECT_EQ(interp.run(0, 4)[0].as_int(), 20);
  EXPECT_EQ(interp.executed(), 2u);  // sample_index and multiply; the folded sum is not recomputed
}

TEST(ThreadPool, ShutdownFinishesQueuedWork) {
  std::atomic<int> done{0};
  {
    ThreadPool pool(3);
    for (int i = 0; i < 200; ++i) pool.submit([&done](size_t) { done.fetch_add(1); });
  }  // destructor drains and joins
  EXPECT_EQ(done.load(), 200);
}

// ctest runs each test in a process of its own, so no pipeline existed before this one.
TEST(Pipeline, MakingOneKeepsOpenCVsLoopsOnTheCallingThread) {
  Pipeline pipeline(branch_program(), 0, 2);  // no worker started: run() works on the caller
  // OpenCV's own threads are off from the first pipeline on, not only from its first pool: a
  // parallel loop of OpenCV (cvtColor of a large image, inside run()) runs on the calling thread
  // alone, as on the workers (getNumThreads still says the core count with Debian's TBB backend).
  std::mutex mutex;
  std::set<std::thread::id> threads;
  cv::parallel_for_(cv::Range(0, 16), [&](const cv::Range&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // long enough for a helper to join in
    std::lock_guard<std::mutex> lock(mutex);
    threads.insert(std::this_thread::get_id());
  }, 16);
  EXPECT_EQ(threads, std::set<std::thread::id>{std::this_thread::get_id()});
}

TEST(ThreadPool, PipelineCanBeDestroyedRightAfterUse) {
  for (int round = 0; round < 20; ++round) {
    Pipeline pipeline(branch_program(), 0, 8);
    auto s = pipeline.run_many(1, 1);
    EXPECT_EQ(s.size(), 1u);
  }
}

}  // namespace
}  // namespace pxp::test
