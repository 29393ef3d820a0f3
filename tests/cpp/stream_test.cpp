// Streams of batches: same bits for any threads, prefetch, start or rank split;
// buffers are reused; errors come back in order; shutdown never hangs.
#include <gtest/gtest.h>

#include <chrono>

#include "exec/stream.hpp"
#include "program_builder.hpp"

namespace pxp::test {
namespace {

// "image": f32 [2,3] random per sample (fixed shape: stacked);
// "index": i64 scalar (stacked); "varying": i64 [1 + index % 3] (listed or padded).
std::shared_ptr<const Program> stream_program(bool fail_on_13 = false) {
  ProgramBuilder b;
  uint32_t index = b.op("core.sample_index");
  uint32_t zero = b.scalar<float>(0.0f), one = b.scalar<float>(1.0f);
  uint32_t image = b.op("random.uniform", {zero, one}, {{"shape", std::vector<int64_t>{2, 3}}}, 11, "image");
  uint32_t three = b.scalar<int64_t>(3);
  uint32_t count = b.op("math.add", {b.op("math.modulo", {index, three}), b.scalar<int64_t>(1)});
  uint32_t varying = b.op("tensor.from_list", {b.op("list.repeat", {index, count})});
  if (fail_on_13) {
    // element 5 of a one-element list fails, element 0 does not: only sample 13 asks for 5
    uint32_t is13 = b.op("math.equal", {index, b.scalar<int64_t>(13)});
    uint32_t lst = b.op("list.make", {index});
    uint32_t pick = b.op("math.multiply", {is13, b.scalar<int64_t>(5)});  // 5 is out of range for 1 element
    b.output("checked", b.op("list.element", {lst, pick}, {}, 0, "lookup", "stream_test.py:7"));
  }
  b.output("image", image);
  b.output("index", index);
  b.output("varying", varying);
  return b.load();
}

std::vector<std::shared_ptr<const Batch>> take(Pipeline& p, StreamOptions o, size_t n) {
  Stream s(p, o);
  std::vector<std::shared_ptr<const Batch>> out;
  for (size_t k = 0; k < n; ++k) out.push_back(s.next());
  return out;
}

bool same_batch(const Batch& a, const Batch& b) {
  if (a.first_position != b.first_position || a.outputs.size() != b.outputs.size()) return false;
  for (size_t o = 0; o < a.outputs.size(); ++o)
    if (!a.outputs[o].bit_equal(b.outputs[o])) return false;
  return true;
}

TEST(Stream, BatchesAreStackedInOrder) {
  Pipeline p(stream_program(), 3, 2);
  StreamOptions o;
  o.batch_size = 4;
  auto batches = take(p, o, 3);
  for (size_t k = 0; k < 3; ++k) {
    const Batch& b = *batches[k];
    EXPECT_EQ(b.number, k);
    EXPECT_EQ(b.first_position, k * 4);
    EXPECT_EQ(b.outputs[0].tensor().shape(), (Shape{4, 2, 3}));
    auto idx = values(b.outputs[1].tensor());
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(idx[i], double(k * 4 + i));
    ASSERT_TRUE(b.outputs[2].is_list());
    EXPECT_EQ(b.outputs[2].list().size(), 4u);
    // sample i of the batch equals the sample computed alone
    Sample alone = p.run(k * 4 + 1);
    EXPECT_TRUE(alone.outputs[0].tensor().bit_equal(
        b.outputs[0].tensor().restrided({2, 3}, {12, 4}, 1 * 24)));
  }
}

TEST(Stream, IdenticalForThreadsPrefetchAndStart) {
  auto program = stream_program();
  StreamOptions o;
  o.batch_size = 8;
  Pipeline p1(program, 5, 1);
  auto reference = take(p1, o, 6);
  for (size_t threads : {2, 4}) {
    for (size_t prefetch : {1, 4}) {
      Pipeline p(program, 5, threads);
      StreamOptions q = o;
      q.prefetch = prefetch;
      auto got = take(p, q, 6);
      for (size_t k = 0; k < 6; ++k) EXPECT_TRUE(same_batch(*got[k], *reference[k])) << threads << " " << prefetch;
    }
  }
  // a stream started at batch 3's position gives batch 3 first
  Pipeline p(program, 5, 2);
  StreamOptions late = o;
  late.start = 3 * 8;
  auto got = take(p, late, 3);
  for (size_t k = 0; k < 3; ++k) EXPECT_TRUE(same_batch(*got[k], *reference[k + 3]));
}

TEST(Stream, RanksSplitEveryGlobalBatch) {
  auto program = stream_program();
  Pipeline whole(program, 9, 2);
  StreamOptions global;
  global.batch_size = 6;
  auto reference = take(whole, global, 4);
  for (size_t rank = 0; rank < 2; ++rank) {
    Pipeline p(program, 9, 2);
    StreamOptions o;
    o.batch_size = 3;
    o.world_size = 2;
    o.rank = rank;
    auto got = take(p, o, 4);
    for (size_t k = 0; k < 4; ++k) {
      auto idx = values(got[k]->outputs[1].tensor());
      auto ref = values(reference[k]->outputs[1].tensor());
      for (size_t i = 0; i < 3; ++i) EXPECT_EQ(idx[i], ref[rank * 3 + i]);
    }
  }
}

TEST(Stream, BuffersAreReusedInSteadyState) {
  Pipeline p(stream_program(), 1, 2);
  StreamOptions o;
  o.batch_size = 16;
  o.prefetch = 2;
  Stream s(p, o);
  for (int k = 0; k < 50; ++k) s.next();  // each batch dropped right away
  uint64_t allocated = s.buffers_allocated();
  for (int k = 0; k < 200; ++k) s.next();
  EXPECT_EQ(s.buffers_allocated(), allocated);  // no new buffers after warm-up
  EXPECT_GT(s.buffers_reused(), 200u);
}

TEST(Stream, VaryingOutputsCanBePadded) {
  Pipeline p(stream_program(), 1, 2);
  StreamOptions o;
  o.batch_size = 3;
  o.pad_varying = true;
  auto b = take(p, o, 1)[0];
  const Tensor& padded = b->outputs[2].tensor();
  EXPECT_EQ(padded.shape(), (Shape{3, 3}));  // lengths 1, 2, 3 padded to 3
  EXPECT_EQ(values(padded), (std::vector<double>{0, 0, 0, 1, 1, 0, 2, 2, 2}));
  EXPECT_EQ(values(b->lengths[2].tensor()), (std::vector<double>{1, 2, 3}));
}

TEST(Stream, ErrorComesBackInOrderAndStreamGoesOn) {
  Pipeline p(stream_program(true), 1, 4);
  StreamOptions o;
  o.batch_size = 4;
  Stream s(p, o);
  s.next();
  s.next();
  s.next();  // samples 0..11 are fine
  try {
    s.next();
    FAIL() << "batch 3 holds sample 13";
  } catch (const Error& e) {
    EXPECT_EQ(e.sample, 13);
    EXPECT_EQ(e.node, "lookup");
    EXPECT_EQ(e.source, "stream_test.py:7");
  }
  EXPECT_EQ(s.next()->first_position, 16u);
}

TEST(Stream, DestroyingWithBatchesInFlightIsPrompt) {
  for (int round = 0; round < 10; ++round) {
    Pipeline p(stream_program(), 1, 4);
    StreamOptions o;
    o.batch_size = 64;
    o.prefetch = 8;
    auto t0 = std::chrono::steady_clock::now();
    {
      Stream s(p, o);
      s.next();
    }
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 1.0);
  }
}

TEST(Stream, BatchOutlivesStreamAndPipeline) {
  std::shared_ptr<const Batch> kept;
  {
    Pipeline p(stream_program(), 1, 2);
    StreamOptions o;
    o.batch_size = 2;
    Stream s(p, o);
    kept = s.next();
  }
  EXPECT_EQ(kept->outputs[0].tensor().shape()[0], 2);
  EXPECT_EQ(values(kept->outputs[1].tensor()), (std::vector<double>{0, 1}));
}

}  // namespace
}  // namespace pxp::test

namespace pxp::test {
namespace {

// color.normalize writes each sample's result straight into its slot of the batch buffer: the
// batch equals the samples computed one by one, both for the output written in place and for the
// ones still copied (a second output naming the same value, and a plain op).
TEST(Stream, NormalizeWritesIntoTheBatchBuffer) {
  ProgramBuilder b;
  uint32_t index = b.op("core.sample_index");
  uint32_t zero = b.scalar<float>(0.0f), one = b.scalar<float>(255.0f);
  uint32_t noise = b.op("random.uniform", {zero, one}, {{"shape", std::vector<int64_t>{6, 5, 3}}}, 21, "noise");
  uint32_t image = b.op("tensor.cast", {noise}, {{"dtype", std::string("u8")}});
  uint32_t mean = b.scalar<float>(0.5f), stdv = b.scalar<float>(0.25f);
  uint32_t normalized =
      b.op("color.normalize", {image, mean, stdv}, {{"chw", true}, {"scale", 1.0 / 255.0}}, 0, "normalize");
  b.output("normalized", normalized);
  b.output("again", normalized);
  b.output("index", index);
  auto program = b.load();
  Pipeline p(program, 5, 2);
  StreamOptions o;
  o.batch_size = 8;
  Stream s(p, o);
  for (size_t k = 0; k < 3; ++k) {
    auto batch = s.next();
    for (size_t i = 0; i < 8; ++i) {
      Sample one = p.run(k * 8 + i);
      const Tensor& stacked = batch->outputs[0].tensor();
      size_t bytes = one.outputs[0].tensor().nbytes();
      EXPECT_EQ(std::memcmp(stacked.bytes() + i * bytes, one.outputs[0].tensor().bytes(), bytes), 0);
      EXPECT_EQ(std::memcmp(batch->outputs[1].tensor().bytes() + i * bytes, one.outputs[0].tensor().bytes(), bytes), 0);
    }
  }
  // Batches 0-2 were taken and up to `prefetch` = 2 more computed ahead: one in-place output per
  // sample (copies for "again" and "index"), so 24 to 40, never the 48 or more of two per sample.
  EXPECT_GE(s.outputs_written_in_place(), 3u * 8u);
  EXPECT_LE(s.outputs_written_in_place(), 5u * 8u);
}

// An op that allocates_destination() gets the sample's slot as its result's memory, also
// through the tensor.reshape the augmentations add after it; a value something else reads too is
// computed in its own memory and copied. Either way the batch equals the samples run one by one.
TEST(Stream, AllocatingOpsComputeIntoTheBatchThroughAReshape) {
  ProgramBuilder b;
  uint32_t zero = b.scalar<float>(0.0f), top = b.scalar<float>(255.0f);
  uint32_t noise = b.op("random.uniform", {zero, top}, {{"shape", std::vector<int64_t>{6, 5, 3}}}, 22, "noise");
  uint32_t image = b.op("tensor.cast", {noise}, {{"dtype", std::string("u8")}});
  uint32_t inverted = b.op("color.invert", {image});
  uint32_t reshaped = b.op("tensor.reshape", {inverted}, {{"shape", std::vector<int64_t>{6, 15}}});
  uint32_t shared = b.op("color.invert", {image});   // read by two instructions: copied
  uint32_t shared_view = b.op("tensor.reshape", {shared}, {{"shape", std::vector<int64_t>{90}}});
  uint32_t sum = b.op("math.add", {shared, shared});
  b.output("reshaped", reshaped);
  b.output("shared", shared_view);
  b.output("sum", sum);
  auto program = b.load();
  Pipeline p(program, 5, 1);
  StreamOptions o;
  o.batch_size = 8;
  o.prefetch = 1;
  Stream s(p, o);
  for (size_t k = 0; k < 3; ++k) {
    auto batch = s.next();
    for (size_t i = 0; i < 8; ++i) {
      Sample one = p.run(k * 8 + i);
      for (size_t out = 0; out < 3; ++out) {
        const Tensor& expected = one.outputs[out].tensor();
        size_t bytes = expected.nbytes();
        EXPECT_EQ(std::memcmp(batch->outputs[out].tensor().bytes() + i * bytes, expected.bytes(), bytes), 0)
            << "batch " << k << " sample " << i << " output " << out;
      }
    }
  }
  // "reshaped": one in-place output per sample (3 batches taken, and those computed ahead);
  // "shared" and "sum" are copied
  EXPECT_GE(s.outputs_written_in_place(), 3u * 8u);
  EXPECT_LE(s.outputs_written_in_place(), 5u * 8u);
}

}  // namespace
}  // namespace pxp::test
