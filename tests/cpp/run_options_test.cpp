// Run policy has one owner (exec/run_options.hpp): the C API's option structs are filled from its
// defaults and checked by it; finite streams end where it says, with a short last batch, and
// positions never wrap around 2^64.
#include <gtest/gtest.h>

#include <cstring>

#include "abi_options.hpp"
#include "exec/stream.hpp"
#include "program_builder.hpp"

namespace pxp::test {
namespace {

// "index": i64 scalar (stacked); "varying": i64 [1 + index % 2] (listed, or padded).
std::shared_ptr<const Program> index_program() {
  ProgramBuilder b;
  uint32_t index = b.op("core.sample_index");
  uint32_t count = b.op("math.add", {b.op("math.modulo", {index, b.scalar<int64_t>(2)}), b.scalar<int64_t>(1)});
  b.output("index", index);
  b.output("varying", b.op("tensor.from_list", {b.op("list.repeat", {index, count})}));
  return b.load();
}

// The positions of every batch of a stream, until its end (at most `limit` batches).
std::vector<std::vector<uint64_t>> positions(Pipeline& p, const StreamOptions& o, size_t limit = 100) {
  Stream s(p, o);
  std::vector<std::vector<uint64_t>> out;
  while (out.size() < limit) {
    auto batch = s.next();
    if (!batch) break;
    std::vector<uint64_t> rows;
    const Tensor& t = batch->outputs[0].tensor();
    EXPECT_EQ(t.shape()[0], static_cast<int64_t>(batch->size));
    for (size_t k = 0; k < batch->size; ++k) rows.push_back(static_cast<uint64_t>(t.data<int64_t>()[k]));
    EXPECT_EQ(rows.front(), batch->first_position);
    out.push_back(rows);
  }
  return out;
}

using Rows = std::vector<std::vector<uint64_t>>;

TEST(RunOptions, InitFillsTheStructsFromExecsDefaults) {
  pxp_pipeline_options p = pipeline_options();
  const PipelineOptions pd;
  EXPECT_EQ(p.version, uint32_t(PXP_PIPELINE_OPTIONS_VERSION));
  EXPECT_EQ(p.seed, pd.seed);
  EXPECT_EQ(p.threads, pd.threads);
  EXPECT_EQ(p.on_error, uint32_t(PXP_ON_ERROR_RAISE));
  EXPECT_EQ(p.max_attempts, pd.errors.max_attempts);
  EXPECT_EQ(p.epoch_length, pd.errors.epoch_length);
  EXPECT_EQ(p.max_batch_bytes, pd.errors.max_batch_bytes);
  EXPECT_EQ(p.max_file_bytes, pd.limits.max_file_bytes);

  pxp_stream_options s = stream_options();
  const StreamOptions sd;
  EXPECT_EQ(s.version, uint32_t(PXP_STREAM_OPTIONS_VERSION));
  EXPECT_EQ(s.start, sd.start);
  EXPECT_EQ(s.batch_size, sd.batch_size);
  EXPECT_EQ(s.prefetch, sd.prefetch);
  EXPECT_EQ(s.rank, sd.rank);
  EXPECT_EQ(s.world_size, sd.world_size);
  EXPECT_EQ(s.has_stop, 0u);
  EXPECT_EQ(s.drop_last, 0u);
}

TEST(RunOptions, InitWritesOnlyTheFieldsOfTheCallersVersion) {
  // A version-1 caller's struct ends after threads: bytes past it are not the library's to write.
  union {
    pxp_pipeline_options options;
    unsigned char bytes[sizeof(pxp_pipeline_options)];
  } u;
  std::memset(u.bytes, 0xAB, sizeof u.bytes);
  ASSERT_EQ(pxp_pipeline_options_init(&u.options, 1), PXP_OK);
  EXPECT_EQ(u.options.version, 1u);
  EXPECT_EQ(u.options.threads, 0u);
  for (size_t k = offsetof(pxp_pipeline_options, on_error); k < sizeof u.bytes; ++k) ASSERT_EQ(u.bytes[k], 0xAB) << k;

  pxp_pipeline_options o;
  EXPECT_EQ(pxp_pipeline_options_init(&o, 0), PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(pxp_pipeline_options_init(&o, PXP_PIPELINE_OPTIONS_VERSION + 1), PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(pxp_pipeline_options_init(nullptr, PXP_PIPELINE_OPTIONS_VERSION), PXP_EINVALID_ARGUMENT);
  pxp_stream_options s;
  EXPECT_EQ(pxp_stream_options_init(&s, PXP_STREAM_OPTIONS_VERSION + 1), PXP_EINVALID_ARGUMENT);
  ASSERT_EQ(pxp_stream_options_init(&s, 1), PXP_OK);  // a version-1 stream: endless
  EXPECT_EQ(s.version, 1u);
}

TEST(RunOptions, ExecChecksEveryLimit) {
  auto program = index_program();
  PipelineOptions o;
  o.threads = kMaxThreads + 1;
  EXPECT_THROW(Pipeline(program, o), Error);
  o = PipelineOptions();
  o.errors.max_attempts = 0;
  EXPECT_THROW(Pipeline(program, o), Error);
  o.errors.max_attempts = kMaxAttempts + 1;
  EXPECT_THROW(Pipeline(program, o), Error);
  o = PipelineOptions();
  o.limits.max_file_bytes = 0;
  EXPECT_THROW(Pipeline(program, o), Error);

  Pipeline p(program, PipelineOptions());
  EXPECT_THROW(p.set_threads(kMaxThreads + 1), Error);
  StreamOptions s;
  s.start = 10;
  s.stop = 9;
  EXPECT_THROW(Stream(p, s), Error);
  s = StreamOptions();
  s.prefetch = 0;
  EXPECT_THROW(Stream(p, s), Error);

  // and the C API says which option, through the same checks
  pxp_program* handle = nullptr;
  std::string bytes;
  {
    ProgramBuilder b;
    b.output("i", b.op("core.sample_index"));
    bytes = b.bytes();
  }
  ASSERT_EQ(pxp_program_load(&handle, bytes.data(), bytes.size()), PXP_OK);
  pxp_pipeline_options c = pipeline_options();
  c.max_attempts = kMaxAttempts + 1;
  pxp_pipeline* pipeline = nullptr;
  EXPECT_EQ(pxp_pipeline_create(&pipeline, handle, &c), PXP_EINVALID_ARGUMENT);
  EXPECT_NE(std::string(pxp_error_last()->message).find("max_attempts"), std::string::npos);
  // 0 is C's "the default": a zero-filled struct of the current version works
  pxp_pipeline_options zero;
  std::memset(&zero, 0, sizeof zero);
  zero.version = PXP_PIPELINE_OPTIONS_VERSION;
  ASSERT_EQ(pxp_pipeline_create(&pipeline, handle, &zero), PXP_OK);
  pxp_pipeline_free(pipeline);
  c = pipeline_options();
  c.threads = 1025;
  EXPECT_EQ(pxp_pipeline_create(&pipeline, handle, &c), PXP_EINVALID_ARGUMENT);
  EXPECT_NE(std::string(pxp_error_last()->message).find("threads"), std::string::npos);
  pxp_program_free(handle);
}

TEST(RunOptions, AStreamEndsAtStopWithAShortLastBatch) {
  Pipeline p(index_program(), 0, 2);
  StreamOptions o;
  o.start = 2;
  o.batch_size = 4;
  o.stop = 13;
  EXPECT_EQ(positions(p, o), (Rows{{2, 3, 4, 5}, {6, 7, 8, 9}, {10, 11, 12}}));
  o.drop_last = true;
  EXPECT_EQ(positions(p, o), (Rows{{2, 3, 4, 5}, {6, 7, 8, 9}}));
  o.stop = 2;  // empty
  EXPECT_EQ(positions(p, o), Rows{});
  EXPECT_EQ(Stream(p, o).batch_count(), 0u);
}

TEST(RunOptions, RanksOfAFiniteStreamSplitItsEnd) {
  Pipeline p(index_program(), 0, 2);
  StreamOptions o;
  o.batch_size = 3;
  o.world_size = 2;
  o.stop = 20;  // global batches of 6: [0,6) [6,12) [12,18) then [18,20) is rank 0's short batch
  o.rank = 0;
  EXPECT_EQ(positions(p, o), (Rows{{0, 1, 2}, {6, 7, 8}, {12, 13, 14}, {18, 19}}));
  o.rank = 1;
  EXPECT_EQ(positions(p, o), (Rows{{3, 4, 5}, {9, 10, 11}, {15, 16, 17}}));
  o.drop_last = true;
  o.rank = 0;
  EXPECT_EQ(Stream(p, o).batch_count(), 3u);
  o.rank = 1;
  EXPECT_EQ(Stream(p, o).batch_count(), 3u);
  // drop_last drops the whole global batch [18, 24) that stop = 22 cuts, also rank 0's full part of it
  o.stop = 22;
  o.rank = 0;
  EXPECT_EQ(positions(p, o), (Rows{{0, 1, 2}, {6, 7, 8}, {12, 13, 14}}));
  o.rank = 1;
  EXPECT_EQ(positions(p, o), (Rows{{3, 4, 5}, {9, 10, 11}, {15, 16, 17}}));
  o.drop_last = false;  // without it, rank 0 has [18, 21) and rank 1 [21, 22)
  o.rank = 0;
  EXPECT_EQ(positions(p, o).back(), (std::vector<uint64_t>{18, 19, 20}));
  o.rank = 1;
  EXPECT_EQ(positions(p, o).back(), (std::vector<uint64_t>{21}));
}

TEST(RunOptions, PositionsNeverWrapAroundTwoToTheSixtyFour) {
  Pipeline p(index_program(), 0, 2);
  StreamOptions o;
  o.start = UINT64_MAX - 4;  // positions 2^64-5 .. 2^64-1, then the end
  o.batch_size = 4;
  Stream s(p, o);
  EXPECT_EQ(s.batch_count(), 2u);
  auto first = s.next(), second = s.next();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->size, 4u);
  EXPECT_EQ(second->size, 1u);
  EXPECT_EQ(second->first_position, UINT64_MAX);
  EXPECT_EQ(second->outputs[0].tensor().shape(), (Shape{1}));
  EXPECT_EQ(s.next(), nullptr);
  EXPECT_EQ(s.next(), nullptr);  // and stays at the end
}

TEST(RunOptions, TheCApiSignalsTheEndAndCountsBatches) {
  ProgramBuilder b;
  b.output("i", b.op("core.sample_index"));
  std::string bytes = b.bytes();
  pxp_program* program = nullptr;
  ASSERT_EQ(pxp_program_load(&program, bytes.data(), bytes.size()), PXP_OK);
  pxp_pipeline* pipeline = nullptr;
  ASSERT_EQ(pxp_pipeline_create(&pipeline, program, nullptr), PXP_OK);
  pxp_program_free(program);
  uint64_t count = 0;
  EXPECT_EQ(pxp_pipeline_stream_batch_count(&count, pipeline), PXP_ESTATE);
  pxp_stream_options o = stream_options();
  o.batch_size = 4;
  o.has_stop = 1;
  o.stop = 10;
  o.pad_varying = 1;
  ASSERT_EQ(pxp_pipeline_start(pipeline, &o), PXP_OK);
  ASSERT_EQ(pxp_pipeline_stream_batch_count(&count, pipeline), PXP_OK);
  EXPECT_EQ(count, 3u);
  std::vector<uint32_t> sizes;
  pxp_batch* batch = nullptr;
  pxp_status status;
  while ((status = pxp_pipeline_next_batch(&batch, pipeline)) == PXP_OK) {
    pxp_batch_info info;
    ASSERT_EQ(pxp_batch_info_get(&info, batch), PXP_OK);
    sizes.push_back(info.size);
    pxp_batch_free(batch);
  }
  EXPECT_EQ(status, PXP_END_OF_STREAM);
  EXPECT_EQ(batch, nullptr);
  EXPECT_EQ(sizes, (std::vector<uint32_t>{4, 4, 2}));
  EXPECT_EQ(pxp_pipeline_next_batch(&batch, pipeline), PXP_END_OF_STREAM);

  o.stop = 3;  // before start: the stream's own check, named
  o.start = 5;
  EXPECT_EQ(pxp_pipeline_start(pipeline, &o), PXP_EINVALID_ARGUMENT);
  EXPECT_NE(std::string(pxp_error_last()->message).find("stop"), std::string::npos);
  pxp_pipeline_free(pipeline);
}

TEST(RunOptions, TheLastErrorIsOneLibraryOwnedStruct) {
  pxp_error_clear();
  const pxp_error* e = pxp_error_last();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->code, PXP_OK);
  EXPECT_STREQ(e->message, "");
  EXPECT_EQ(e->instruction, -1);
  pxp_program* program = nullptr;
  EXPECT_EQ(pxp_program_load(&program, "xx", 2), PXP_EINVALID_PROGRAM);
  EXPECT_EQ(pxp_error_last(), e);  // the same struct, updated
  EXPECT_EQ(e->code, PXP_EINVALID_PROGRAM);
  EXPECT_GT(std::strlen(e->message), 0u);
  EXPECT_FALSE(e->has_sample);
  EXPECT_STREQ(e->file, "");
}

}  // namespace
}  // namespace pxp::test
