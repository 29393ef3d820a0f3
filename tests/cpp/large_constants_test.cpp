// Constants larger than msgpack's container limit (2^24): a string or binary payload is bounded
// by the program's size (2 GiB), not by kMaxContainer, and a forged payload length still
// allocates nothing.
#include <gtest/gtest.h>

#include <msgpack.hpp>

#include <chrono>
#include <cstring>
#include <string>

#include "program_builder.hpp"

namespace pxp::test {
namespace {

constexpr int64_t kMiB = int64_t(1) << 20;

// 20 MiB of u8, over the 16 MiB (2^24) that msgpack's container limit used to cap payloads at.
TEST(LargeConstants, TensorOver16MiBLoadsAndRunsBitExact) {
  Tensor big = pattern(DType::U8, {20, kMiB}, 7, 1);
  ProgramBuilder b;
  uint32_t table = b.constant(Value(big));
  // Row 13 of the table, as ArrayDataset takes a row (slice + reshape).
  uint32_t row = b.op("tensor.slice", {table, b.scalar<int64_t>(13), b.scalar<int64_t>(14)});
  b.output("row", b.op("tensor.reshape", {row}, {{"shape", std::vector<int64_t>{kMiB}}}));
  b.output("table", table);
  Pipeline pipeline(b.load(), 0, 1);
  Sample s = pipeline.run(0);
  const Tensor& got_row = s.outputs.at(0).tensor();
  ASSERT_EQ(got_row.shape(), (Shape{kMiB}));
  EXPECT_EQ(std::memcmp(got_row.contiguous().bytes(), big.bytes() + 13 * kMiB, kMiB), 0);
  EXPECT_TRUE(s.outputs.at(1).tensor().bit_equal(big));
}

TEST(LargeConstants, StringOver16MiBLoads) {
  std::string text(17 * kMiB + 3, 'x');
  text[12345] = 'y';
  ProgramBuilder b;
  b.output("text", b.constant(Value(text)));
  Pipeline pipeline(b.load(), 0, 1);
  EXPECT_EQ(pipeline.run(0).outputs.at(0).string(), text);
}

// The header of a constant whose data declares `declared` bytes but holds `held`.
std::string program_with_forged_data(uint32_t declared, size_t held) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> pk(buffer);
  pack_program_head(pk, 4);
  pk.pack(std::string("outputs"));
  pk.pack_map(0);
  pk.pack(std::string("constants"));
  pk.pack_array(1);
  pk.pack_map(4);
  pk.pack(std::string("kind"));
  pk.pack(std::string("tensor"));
  pk.pack(std::string("dtype"));
  pk.pack(std::string("u8"));
  pk.pack(std::string("shape"));
  pk.pack_array(1);
  pk.pack(uint64_t(declared));
  pk.pack(std::string("data"));
  pk.pack_bin(declared);  // bin 32 header only
  std::string bytes(buffer.data(), buffer.size());
  return bytes + std::string(held, '\1');
}

TEST(LargeConstants, ForgedPayloadLengthIsTruncationNotAnAllocation) {
  // 2^31 - 1 declared, 100 held: refused as truncated at once, whatever the declared size.
  std::string bytes = program_with_forged_data(0x7fffffffu, 100);
  auto start = std::chrono::steady_clock::now();
  std::string message;
  EXPECT_EQ(error_code([&] { load_program(bytes); }, &message), PXP_EINVALID_PROGRAM);
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(LargeConstants, PayloadOfExactlyTheDeclaredSizeIsRead) {
  // The same forged header with all its bytes is a valid program: the limit is the input, so
  // a payload that the input really holds is never refused as "corrupt".
  const uint32_t n = 17 * kMiB;
  std::string bytes = program_with_forged_data(n, n);
  // The instructions field is required: check that the constant itself was read (the error
  // is about the missing field, which the reader checks after the constants).
  std::string message;
  EXPECT_EQ(error_code([&] { load_program(bytes); }, &message), PXP_EINVALID_PROGRAM);
  EXPECT_NE(message.find("lacks 'instructions'"), std::string::npos) << message;
}

}  // namespace
}  // namespace pxp::test
