// io.read_file: bytes exactly, clear PXP_EIO errors, never folded at load.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "program_builder.hpp"

namespace pxp::test {
namespace {

std::string temp_path(const std::string& name) {
  return std::string(PXP_TEST_BINARY_DIR) + "/io_test_" + std::to_string(::getpid()) + "_" + name;
}

void expect_io_error(const std::string& path, const std::string& reason) {
  try {
    run_op("io.read_file", {Value(path)}, {}, 0, 0, false);
    FAIL() << "expected PXP_EIO for " << path;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_EIO);
    EXPECT_NE(e.message().find(path), std::string::npos) << e.message();
    EXPECT_NE(e.message().find(reason), std::string::npos) << e.message();
    EXPECT_EQ(e.op, "io.read_file");
  }
}

TEST(IoOps, ReadsEveryByte) {
  std::string path = temp_path("bytes.bin");
  std::string content;
  for (int i = 0; i < 70000; ++i) content.push_back(static_cast<char>((i * 7) & 255));
  std::ofstream(path, std::ios::binary) << content;
  Value v = run_op("io.read_file", {Value(path)}, {}, 0, 0, false);
  const Tensor& t = v.tensor();
  EXPECT_EQ(t.dtype(), DType::U8);
  ASSERT_EQ(t.shape(), (Shape{70000}));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(t.contiguous().bytes()), 70000), content);
  std::remove(path.c_str());
}

TEST(IoOps, EmptyFileIsAnEmptyTensor) {
  std::string path = temp_path("empty.bin");
  std::ofstream(path, std::ios::binary).flush();
  Value v = run_op("io.read_file", {Value(path)}, {}, 0, 0, false);
  EXPECT_EQ(v.tensor().shape(), (Shape{0}));
  std::remove(path.c_str());
}

TEST(IoOps, ReadsFilesThatReportNoSize) {
  // procfs files report size 0 but have content: read to the end anyway.
  Value v = run_op("io.read_file", {Value(std::string("/proc/self/status"))}, {}, 0, 0, false);
  EXPECT_GT(v.tensor().numel(), 10);
}

TEST(IoOps, MissingFileNamesPathAndReason) {
  expect_io_error(temp_path("does_not_exist.jpg"), "No such file");
}

TEST(IoOps, DirectoryIsAnIoError) { expect_io_error(PXP_TEST_BINARY_DIR, "directory"); }

TEST(IoOps, EmptyPathIsAnIoError) {
  try {
    run_op("io.read_file", {Value(std::string())}, {}, 0, 0, false);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_EIO);
  }
}

TEST(IoOps, TypeRuleNeedsAString) {
  ProgramBuilder b;
  b.output("out", b.op("io.read_file", {b.scalar<int64_t>(3)}));
  try {
    b.load();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_ETYPE);
  }
  ProgramBuilder ok;
  uint32_t r = ok.op("io.read_file", {ok.constant(Value(std::string("x")))});
  ok.output("out", r);
  auto p = ok.load();  // impure: not read at load even though the path is constant
  EXPECT_EQ(p->instructions[r].type.to_string(), Type::tensor(DType::U8, Shape{-1}).to_string());
}

}  // namespace
}  // namespace pxp::test
