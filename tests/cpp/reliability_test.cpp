// Hostile input and long runs (issue 9): the corrupt-data policy of streams (raise, skip,
// fallback; counted per epoch), errors that name the sample, file, op and node, the limits
// (image pixels, program size, instruction count, list length, batch memory), and shutdown with
// batches in flight (prompt, no thread or buffer left behind).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <dirent.h>
#include <fstream>
#include <set>

#include "abi_options.hpp"
#include "exec/buffer_pool.hpp"
#include "exec/stream.hpp"
#include "image_test_codecs.hpp"
#include "kernels/png_decoder.hpp"
#include "kernels/sequence.hpp"
#include "pixelpipes/pixelpipes.h"
#include "process_probes.hpp"
#include "program_builder.hpp"

namespace pxp::test {
namespace {

// A folder of `count` small PNG files; the ones in `corrupt` hold garbage instead.
std::vector<std::string> write_files(const std::string& tag, size_t count, const std::set<size_t>& corrupt) {
  std::vector<std::string> paths;
  for (size_t i = 0; i < count; ++i) {
    std::string path = std::string(PXP_TEST_BINARY_DIR) + "/reliability_" + tag + "_" + std::to_string(::getpid()) +
                       "_" + std::to_string(i) + (corrupt.count(i) ? ".bad.png" : ".png");
    std::ofstream f(path, std::ios::binary);
    if (corrupt.count(i)) {
      f << "\x89PNG\r\n\x1a\n this is not an image " << i;
    } else {
      Tensor img = Tensor::zeros(DType::U8, {2 + int64_t(i % 3), 3, 3});
      img.mutable_data<uint8_t>()[0] = static_cast<uint8_t>(i);
      Bytes png = encode_png(img);
      f.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    }
    paths.push_back(path);
  }
  return paths;
}

void remove_files(const std::vector<std::string>& paths) {
  for (const auto& p : paths) ::unlink(p.c_str());
}

// "image": the decoded file (varying shape: listed); "index": the sample index (stacked).
// Sample i reads file i % files.size().
std::shared_ptr<const Program> files_program(const std::vector<std::string>& files) {
  ProgramBuilder b;
  List names;
  for (const auto& f : files) names.push_back(Value(f));
  uint32_t list = b.constant(Value(names));
  uint32_t index = b.op("core.sample_index");
  uint32_t item = b.op("math.modulo", {index, b.scalar<int64_t>(static_cast<int64_t>(files.size()))});
  uint32_t path = b.op("list.element", {list, item});
  uint32_t bytes = b.op("io.read_file", {path}, {}, 0, "read", "reliability.py:1");
  uint32_t image = b.op("image.decode", {bytes}, {}, 0, "decode", "reliability.py:2");
  b.output("image", image);
  b.output("index", index);
  return b.load();
}

std::vector<int64_t> indices(const Batch& b) {
  std::vector<int64_t> out;
  for (double v : values(b.outputs[1].tensor())) out.push_back(static_cast<int64_t>(v));
  return out;
}

TEST(ErrorPolicy, ReplacementIsDeterministicInTheEpochAndNeverTheSamePosition) {
  for (uint64_t position : {0ull, 5ull, 99ull, 1000003ull}) {
    std::set<uint64_t> seen;
    for (uint32_t attempt = 1; attempt <= 16; ++attempt) {
      uint64_t r = replacement_position(7, position, attempt, 100);
      EXPECT_EQ(r, replacement_position(7, position, attempt, 100));
      EXPECT_NE(r, position);
      EXPECT_EQ(r / 100, position / 100);  // same epoch
      seen.insert(r);
    }
    EXPECT_GT(seen.size(), 8u);  // attempts draw different positions
    EXPECT_NE(replacement_position(7, position, 1, 100), replacement_position(8, position, 1, 100) + 1000);
  }
  // no epoch length: blocks of 2^32; a one-position epoch has nothing else to offer
  EXPECT_EQ(replacement_position(1, 5, 1, 0) >> 32, 0u);
  EXPECT_EQ(replacement_position(1, 5, 1, 1), 5u);
  // the last epoch, cut short by the end of the position space, stays inside it
  uint64_t top = ~uint64_t(0);
  EXPECT_GE(replacement_position(3, top, 1, uint64_t(1) << 63), uint64_t(1) << 63);
}

TEST(ErrorPolicy, RaiseNamesSampleFileOpAndNode) {
  auto files = write_files("raise", 8, {2});
  Pipeline p(files_program(files), 1, 2);
  StreamOptions o;
  o.batch_size = 4;
  Stream s(p, o);
  try {
    s.next();
    FAIL() << "sample 2 reads a corrupt file";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_EDECODE);
    EXPECT_EQ(e.sample, 2);
    EXPECT_EQ(e.file, files[2]);
    EXPECT_EQ(e.op, "image.decode");
    EXPECT_EQ(e.node, "decode");
    std::string m = e.full_message();
    EXPECT_NE(m.find("sample 2"), std::string::npos) << m;
    EXPECT_NE(m.find("file '" + files[2] + "'"), std::string::npos) << m;
    EXPECT_NE(m.find("op image.decode"), std::string::npos) << m;
  }
  EXPECT_EQ(s.next()->first_position, 4u);  // the stream goes on
  EXPECT_GE(p.error_stats().failed, 1u);
  remove_files(files);
}

TEST(ErrorPolicy, MissingFileErrorNamesTheFileThroughTheAbi) {
  ProgramBuilder b;
  std::string missing = std::string(PXP_TEST_BINARY_DIR) + "/no_such_file_for_reliability.png";
  uint32_t path = b.op("flow.select", {b.op("math.greater_equal", {b.op("core.sample_index"), b.scalar<int64_t>(0)}),
                                       b.constant(Value(missing)), b.constant(Value(missing))});
  b.output("image", b.op("image.decode", {b.op("io.read_file", {path})}));
  std::string bytes = b.bytes();
  pxp_program* program = nullptr;
  ASSERT_EQ(pxp_program_load(&program, bytes.data(), bytes.size()), PXP_OK);
  pxp_pipeline* pipeline = nullptr;
  ASSERT_EQ(pxp_pipeline_create(&pipeline, program, nullptr), PXP_OK);
  pxp_sample* sample = nullptr;
  EXPECT_EQ(pxp_pipeline_run(&sample, pipeline, 3), PXP_EIO);
  EXPECT_EQ(std::string(pxp_error_last()->file), missing);
  const pxp_error& info = *pxp_error_last();
  EXPECT_TRUE(info.has_sample);
  EXPECT_EQ(info.sample, 3u);
  EXPECT_EQ(std::string(info.op), "io.read_file");
  pxp_error_clear();
  EXPECT_EQ(std::string(pxp_error_last()->file), "");
  pxp_pipeline_free(pipeline);
  pxp_program_free(program);
}

TEST(ErrorPolicy, SkipReplacesDeterministicallyAndCountsPerEpoch) {
  std::set<size_t> corrupt{3, 7};
  auto files = write_files("skip", 10, corrupt);
  auto program = files_program(files);
  std::vector<std::vector<int64_t>> reference;
  for (size_t threads : {1, 4}) {
    Pipeline p(program, 5, threads);
    ErrorPolicy policy;
    policy.mode = ErrorPolicy::Mode::Skip;
    policy.epoch_length = 10;
    p.set_error_policy(policy);
    StreamOptions o;
    o.batch_size = 5;
    o.prefetch = 3;
    Stream s(p, o);
    std::vector<std::vector<int64_t>> got;
    for (int k = 0; k < 4; ++k) {  // positions 0..19: two epochs, two corrupt files each
      auto batch = s.next();
      got.push_back(indices(*batch));
      for (int64_t i : got.back()) EXPECT_EQ(corrupt.count(static_cast<size_t>(i % 10)), 0u) << i;
      for (const auto& img : batch->outputs[0].list()) EXPECT_TRUE(img.is_tensor());
    }
    // a replaced sample shows the first good replacement position of its epoch
    for (uint64_t position : {3, 7, 13, 17}) {
      int64_t shown = got[position / 5][position % 5];
      EXPECT_EQ(static_cast<uint64_t>(shown) / 10, position / 10);
      uint64_t expect = 0;
      for (uint32_t a = 1; a <= 16; ++a) {
        expect = replacement_position(5, position, a, 10);
        if (!corrupt.count(expect % 10)) break;
      }
      EXPECT_EQ(static_cast<uint64_t>(shown), expect);
    }
    ErrorStats stats = p.error_stats();
    EXPECT_EQ(stats.failed, 4u);
    EXPECT_EQ(stats.skipped, 4u);
    EXPECT_EQ(stats.fallbacks, 0u);
    EXPECT_EQ(stats.per_epoch, (std::map<uint64_t, uint64_t>{{0, 2}, {1, 2}}));
    if (reference.empty()) reference = got;
    EXPECT_EQ(got, reference) << "the same batches for any number of threads";
  }
  remove_files(files);
}

TEST(ErrorPolicy, SkipGivesUpAfterMaxAttempts) {
  auto files = write_files("giveup", 3, {0, 1, 2});
  Pipeline p(files_program(files), 1, 2);
  ErrorPolicy policy;
  policy.mode = ErrorPolicy::Mode::Skip;
  policy.max_attempts = 5;
  policy.epoch_length = 30;
  p.set_error_policy(policy);
  StreamOptions o;
  Stream s(p, o);
  try {
    s.next();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_EDECODE);
    EXPECT_EQ(e.sample, 0);
    EXPECT_EQ(e.file, files[0]);
    EXPECT_NE(e.message().find("5 replacement samples failed as well"), std::string::npos) << e.message();
  }
  ErrorStats stats = p.error_stats();
  EXPECT_EQ(stats.failed_attempts, 5u);
  EXPECT_EQ(stats.skipped, 0u);
  remove_files(files);
}

TEST(ErrorPolicy, FallbackComputesTheFixedIndex) {
  auto files = write_files("fallback", 4, {1});
  Pipeline p(files_program(files), 1, 2);
  ErrorPolicy policy;
  policy.mode = ErrorPolicy::Mode::Fallback;
  policy.fallback_index = 2;
  p.set_error_policy(policy);
  StreamOptions o;
  o.batch_size = 8;
  Stream s(p, o);
  EXPECT_EQ(indices(*s.next()), (std::vector<int64_t>{0, 2, 2, 3, 4, 2, 6, 7}));
  ErrorStats stats = p.error_stats();
  EXPECT_EQ(stats.fallbacks, 2u);
  EXPECT_EQ(stats.per_epoch, (std::map<uint64_t, uint64_t>{{0, 2}}));
  remove_files(files);
}

TEST(ErrorPolicy, OptionsAndStatsThroughTheAbi) {
  auto files = write_files("abi", 5, {4});
  std::string bytes;
  {
    ProgramBuilder b;
    List names;
    for (const auto& f : files) names.push_back(Value(f));
    uint32_t index = b.op("core.sample_index");
    uint32_t path = b.op("list.element", {b.constant(Value(names)), b.op("math.modulo", {index, b.scalar<int64_t>(5)})});
    b.output("image", b.op("image.decode", {b.op("io.read_file", {path})}));
    bytes = b.bytes();
  }
  pxp_program* program = nullptr;
  ASSERT_EQ(pxp_program_load(&program, bytes.data(), bytes.size()), PXP_OK);
  // a version-1 caller's struct is shorter: only its fields are read
  struct V1 {
    uint32_t version;
    uint64_t seed;
    uint32_t threads;
  } v1{1, 3, 2};
  pxp_pipeline* pipeline = nullptr;
  ASSERT_EQ(pxp_pipeline_create(&pipeline, program, reinterpret_cast<const pxp_pipeline_options*>(&v1)), PXP_OK);
  pxp_pipeline_free(pipeline);

  pxp_pipeline_options bad = pipeline_options();
  bad.on_error = 7;
  EXPECT_EQ(pxp_pipeline_create(&pipeline, program, &bad), PXP_EINVALID_ARGUMENT);

  pxp_pipeline_options options = pipeline_options();
  options.threads = 2;
  options.on_error = PXP_ON_ERROR_SKIP;
  options.epoch_length = 5;
  ASSERT_EQ(pxp_pipeline_create(&pipeline, program, &options), PXP_OK);
  pxp_stream_options so = stream_options();
  so.batch_size = 5;
  ASSERT_EQ(pxp_pipeline_start(pipeline, &so), PXP_OK);
  for (int k = 0; k < 3; ++k) {
    pxp_batch* batch = nullptr;
    ASSERT_EQ(pxp_pipeline_next_batch(&batch, pipeline), PXP_OK);
    pxp_batch_free(batch);
  }
  pxp_error_stats stats{};
  EXPECT_EQ(pxp_pipeline_error_stats_get(&stats, pipeline), PXP_EINVALID_ARGUMENT);  // version not set
  stats.version = PXP_ERROR_STATS_VERSION;
  ASSERT_EQ(pxp_pipeline_error_stats_get(&stats, pipeline), PXP_OK);
  EXPECT_EQ(stats.failed, 3u);
  EXPECT_EQ(stats.skipped, 3u);
  EXPECT_EQ(stats.epochs, 3u);
  size_t total = 0;
  ASSERT_EQ(pxp_pipeline_epoch_skips(nullptr, nullptr, 0, &total, pipeline), PXP_OK);
  EXPECT_EQ(total, 3u);
  uint64_t epochs[3], counts[3];
  ASSERT_EQ(pxp_pipeline_epoch_skips(epochs, counts, 3, &total, pipeline), PXP_OK);
  for (uint64_t e = 0; e < 3; ++e) {
    EXPECT_EQ(epochs[e], e);
    EXPECT_EQ(counts[e], 1u);
  }
  pxp_pipeline_free(pipeline);
  pxp_program_free(program);
  remove_files(files);
}

TEST(Limits, BatchBytesOfFixedOutputsFailAtStart) {
  ProgramBuilder b;
  b.output("big", b.op("random.uniform", {b.scalar<float>(0.0f), b.scalar<float>(1.0f)},
                       {{"shape", std::vector<int64_t>{256, 256}}}, 3));  // f32: 256 KiB per sample
  Pipeline p(b.load(), 1, 2);
  ErrorPolicy policy;
  policy.max_batch_bytes = 1 << 20;
  p.set_error_policy(policy);
  StreamOptions o;
  o.batch_size = 2;  // 512 KiB: fits
  { Stream ok(p, o); ok.next(); }
  o.batch_size = 8;  // 2 MiB: does not
  try {
    Stream s(p, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_ENOMEM);
    EXPECT_NE(e.message().find("2097152 bytes"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("max_batch_bytes = 1048576"), std::string::npos) << e.message();
  }
}

TEST(Limits, BatchBytesOfVaryingOutputsFailTheBatch) {
  ProgramBuilder b;
  uint32_t index = b.op("core.sample_index");
  // i64 [1000 * (index + 1)]: 8000 bytes per sample index step
  uint32_t n = b.op("math.multiply", {b.op("math.add", {index, b.scalar<int64_t>(1)}), b.scalar<int64_t>(1000)});
  b.output("varying", b.op("tensor.from_list", {b.op("list.repeat", {index, n})}));
  Pipeline p(b.load(), 1, 2);
  ErrorPolicy policy;
  policy.max_batch_bytes = 100000;
  p.set_error_policy(policy);
  StreamOptions o;
  o.batch_size = 2;
  Stream s(p, o);
  s.next();  // 8000 + 16000 bytes
  s.next();  // 24000 + 32000
  try {
    for (int k = 0; k < 3; ++k) s.next();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_ENOMEM);
    EXPECT_NE(e.message().find("more than max_batch_bytes = 100000 bytes"), std::string::npos) << e.message();
    EXPECT_GE(e.sample, 4);
  }
}

TEST(Limits, ImagePixels) {
  Bytes header = png_header_only(1 << 15, 1 << 15);
  kernels::PngOptions o;
  try {
    kernels::decode_png(header.data(), header.size(), o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_EDECODE);
    EXPECT_NE(e.message().find("exceeds the limit of max_pixels"), std::string::npos) << e.message();
  }
}

TEST(Limits, ProgramSize) {
  char byte = 0;
  pxp_program* program = nullptr;
  // the size is checked before a byte is read
  EXPECT_EQ(pxp_program_load(&program, &byte, (size_t(1) << 31) + 1), PXP_EINVALID_PROGRAM);
  const pxp_error& info = *pxp_error_last();
  EXPECT_NE(std::string(info.message).find("larger than 2 GiB"), std::string::npos) << info.message;
}

TEST(Limits, InstructionCount) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> pk(buffer);
  pack_program_head(pk, 4);
  pk.pack(std::string("instructions"));
  uint32_t n = (1u << 20) + 1;
  pk.pack_array(n);
  for (uint32_t i = 0; i < n; ++i) pk.pack_nil();
  pk.pack(std::string("outputs"));
  pk.pack_map(0);
  pxp_program* program = nullptr;
  EXPECT_EQ(pxp_program_load(&program, buffer.data(), buffer.size()), PXP_EINVALID_PROGRAM);
  const pxp_error& info = *pxp_error_last();
  EXPECT_NE(std::string(info.message).find("more than 2^20 instructions"), std::string::npos) << info.message;
}

TEST(Limits, ListLength) {
  try {
    run_op("list.repeat", {Value::scalar<int64_t>(1), Value::scalar<int64_t>(kernels::kMaxListLength + 1)});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find(std::to_string(kernels::kMaxListLength)), std::string::npos) << e.message();
  }
}

TEST(Shutdown, DestroyingPipelinesMidStreamLeavesNoThreadOrBuffer) {
  auto files = write_files("shutdown", 6, {5});
  auto program = files_program(files);
  {
    // Warm-up: threads that the process starts once, on its first thread (ThreadSanitizer's
    // background thread), belong to the baseline, not to any pipeline.
    Pipeline p(program, 0, 4);
    try {
      p.run_many(0, 4);
    } catch (const Error&) {  // one of the files is corrupt on purpose
    }
  }
  size_t threads_before = thread_count();
  uint64_t bytes_before = BufferPool::live_bytes();
  double slowest = 0;
  for (int round = 0; round < 100; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    {
      Pipeline p(program, static_cast<uint64_t>(round), 4);
      ErrorPolicy policy;
      policy.mode = round % 2 ? ErrorPolicy::Mode::Skip : ErrorPolicy::Mode::Raise;
      p.set_error_policy(policy);
      StreamOptions o;
      o.batch_size = 16;
      o.prefetch = 4;
      Stream s(p, o);
      if (round % 3 == 0) {
        try {
          s.next();
        } catch (const Error&) {
        }
      }
      // destroyed here with batches in flight (stream first, then the pipeline's pool)
    }
    slowest = std::max(slowest, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  EXPECT_LT(slowest, 1.0);
  EXPECT_EQ(thread_count(), threads_before);
  EXPECT_EQ(BufferPool::live_bytes(), bytes_before);
  remove_files(files);
}

TEST(Shutdown, BatchesKeptAfterShutdownReleaseTheirBuffersLater) {
  ProgramBuilder b;
  b.output("x", b.op("random.uniform", {b.scalar<float>(0.0f), b.scalar<float>(1.0f)},
                     {{"shape", std::vector<int64_t>{64, 64}}}, 3));
  auto program = b.load();
  uint64_t before = BufferPool::live_bytes();
  std::shared_ptr<const Batch> kept;
  {
    Pipeline p(program, 1, 2);
    StreamOptions o;
    o.batch_size = 4;
    Stream s(p, o);
    kept = s.next();
  }
  EXPECT_GT(BufferPool::live_bytes(), before);
  kept.reset();
  EXPECT_EQ(BufferPool::live_bytes(), before);
}

}  // namespace
}  // namespace pxp::test
