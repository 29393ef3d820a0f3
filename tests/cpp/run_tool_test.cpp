// pixelpipes-run end to end: batch mode output, digests, .npy files (header and bytes checked
// here, independently of the tool's writer), and one-line errors with a non-zero exit status.
#include <gtest/gtest.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "shell_command.hpp"

namespace pxp::test {
namespace {

namespace fs = std::filesystem;

struct ToolRun {
  int status = -1;  // exit status
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// Runs pixelpipes-run with args (already shell-quoted where needed), capturing stdout and stderr.
ToolRun run_tool(const std::string& args) {
  static int counter = 0;
  const fs::path dir = fs::path(PXP_TEST_BINARY_DIR) / "run_tool";
  fs::create_directories(dir);
  // ctest runs tests as parallel processes: the pid keeps their files apart.
  const std::string err_path =
      (dir / ("stderr_" + std::to_string(getpid()) + "_" + std::to_string(++counter) + ".txt")).string();
  CommandResult done = run_command(std::string(PXP_RUN_TOOL) + " " + args + " 2>" + err_path);
  ToolRun r;
  r.status = done.status;
  r.out = std::move(done.out);
  r.err = slurp(err_path);
  return r;
}

std::string valid(const std::string& name) { return std::string(PXP_TEST_PROGRAMS_DIR) + "/valid/" + name + ".pxp"; }
std::string invalid(const std::string& name) {
  return std::string(PXP_TEST_PROGRAMS_DIR) + "/invalid/" + name + ".pxp";
}

std::string digest_line(const ToolRun& r) {
  auto at = r.out.find("\ndigest ");
  return at == std::string::npos ? "" : r.out.substr(at + 1, 23);
}

// A parsed .npy file, read by the format's definition (numpy.lib.format, version 1.0).
struct Npy {
  std::string descr, shape;  // "'<i4'", "(3, 2)"
  bool fortran = true;
  size_t data_offset = 0;
  std::string data;
};

// The value of key in the header dict literal, as written (up to the next ", '" or the close).
std::string dict_value(const std::string& dict, const std::string& key) {
  auto at = dict.find("'" + key + "': ");
  if (at == std::string::npos) return "";
  at += key.size() + 4;
  size_t end = dict[at] == '(' ? dict.find(')', at) + 1 : dict.find(',', at);
  return dict.substr(at, end - at);
}

Npy read_npy(const std::string& path) {
  Npy npy;
  std::string bytes = slurp(path);
  EXPECT_GE(bytes.size(), 10u) << path;
  if (bytes.size() < 10) return npy;
  EXPECT_EQ(bytes.substr(0, 6), std::string("\x93NUMPY", 6)) << path;
  EXPECT_EQ(bytes[6], 1) << "major version";
  EXPECT_EQ(bytes[7], 0) << "minor version";
  size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  npy.data_offset = 10 + header_len;
  EXPECT_EQ(npy.data_offset % 64, 0u) << "data must start 64-byte aligned";
  EXPECT_LE(npy.data_offset, bytes.size());
  std::string dict = bytes.substr(10, header_len);
  EXPECT_EQ(dict.back(), '\n');
  EXPECT_EQ(dict.front(), '{');
  npy.descr = dict_value(dict, "descr");
  npy.shape = dict_value(dict, "shape");
  npy.fortran = dict_value(dict, "fortran_order") != "False";
  npy.data = bytes.substr(std::min(npy.data_offset, bytes.size()));
  return npy;
}

template <typename T> std::string bytes_of(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(PXP_TEST_BINARY_DIR) / "run_tool" / name;
  fs::remove_all(dir);
  return dir;
}

size_t lines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

TEST(RunTool, BatchModePrintsBatchShapesAndImagesPerSecond) {
  ToolRun r = run_tool(valid("sample_index_arithmetic") + " -n 10 --batch 4 --threads 2 --prefetch 3 --seed 5");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("batch of 4 (seed 5, start 0, threads 2, prefetch 3):"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  index: i64[4]\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  linear: i64[4]\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  product: i64[4]\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("10 samples (3 batches of 4) in "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" images/s\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(RunTool, VaryingOutputsAreListsInABatch) {
  ToolRun r = run_tool(valid("constants_only") + " -n 3 --batch 3");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("  matrix: i32[3,2,3]\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  text: list[3] of string\n"), std::string::npos) << r.out;
}

TEST(RunTool, PrintShowsEachSampleAtItsIndex) {
  ToolRun r = run_tool(valid("sample_index_arithmetic") + " -n 3 --batch 2 --start 5 --print");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("sample 5:  index: i64[] = 5  linear: i64[] = 16  product: i64[] = 0\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("sample 7:  index: i64[] = 7  linear: i64[] = 22  product: i64[] = 18\n"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("sample 8:"), std::string::npos) << "only -n samples are printed\n" << r.out;
}

TEST(RunTool, DigestDoesNotDependOnBatchThreadsOrPrefetch) {
  const std::string program = std::string(PXP_SOURCE_DIR) + "/examples/programs/random_numbers.pxp";
  std::string first;
  for (const char* options : {"--batch 1 --threads 1", "--batch 7 --threads 3 --prefetch 1", "--batch 64 --threads 2"}) {
    ToolRun r = run_tool(program + " -n 100 --seed 9 --digest " + options);
    ASSERT_EQ(r.status, 0) << r.err;
    std::string d = digest_line(r);
    ASSERT_EQ(d.rfind("digest ", 0), 0u) << r.out;
    if (first.empty()) first = d;
    EXPECT_EQ(d, first) << options;
  }
  ToolRun other_seed = run_tool(program + " -n 100 --seed 10 --digest");
  EXPECT_NE(digest_line(other_seed), first);
  ToolRun shifted = run_tool(program + " -n 100 --seed 9 --start 1 --digest");
  EXPECT_NE(digest_line(shifted), first);
}

TEST(RunTool, SaveNpyWritesTensorsInCOrder) {
  fs::path dir = fresh_dir("npy_tensor_pipeline");
  ToolRun r = run_tool(valid("tensor_pipeline") + " -n 0 --save-npy " + dir.string() + " --samples 0,2");
  ASSERT_EQ(r.status, 0) << r.err;
  for (int i : {0, 2}) {
    std::vector<int32_t> base(6);
    for (int k = 0; k < 6; ++k) base[k] = k * (i + 1);
    // reshaped [3,2] is base; transposed [2,3] is its transpose (strided: written in C order)
    std::vector<int32_t> transposed;
    for (int c = 0; c < 2; ++c)
      for (int row = 0; row < 3; ++row) transposed.push_back(base[row * 2 + c]);
    std::vector<float> as_float(transposed.begin(), transposed.end());
    std::vector<uint8_t> as_u8(transposed.begin(), transposed.end());
    const std::string prefix = (dir / ("sample_" + std::to_string(i) + "_")).string();

    Npy reshaped = read_npy(prefix + "reshaped.npy");
    EXPECT_EQ(reshaped.descr, "'<i4'");
    EXPECT_EQ(reshaped.shape, "(3, 2)");
    EXPECT_FALSE(reshaped.fortran);
    EXPECT_EQ(reshaped.data, bytes_of(base));

    Npy t = read_npy(prefix + "transposed.npy");
    EXPECT_EQ(t.shape, "(2, 3)");
    EXPECT_EQ(t.data, bytes_of(transposed));

    Npy f = read_npy(prefix + "as_float.npy");
    EXPECT_EQ(f.descr, "'<f4'");
    EXPECT_EQ(f.data, bytes_of(as_float));

    Npy u = read_npy(prefix + "as_u8.npy");
    EXPECT_EQ(u.descr, "'|u1'");
    EXPECT_EQ(u.shape, "(6,)");
    EXPECT_EQ(u.data, bytes_of(as_u8));
  }
  EXPECT_FALSE(fs::exists(dir / "sample_1_reshaped.npy"));
  EXPECT_EQ(r.out.find("images/s"), std::string::npos) << "-n 0 streams nothing";
}

TEST(RunTool, SaveNpyScalarsBoolsEmptiesAndSkipsStringsAndLists) {
  fs::path dir = fresh_dir("npy_constants");
  ToolRun r = run_tool(valid("constants_only") + " -n 2 --save-npy " + dir.string() + " --samples 1");
  ASSERT_EQ(r.status, 0) << r.err;
  Npy scalar = read_npy((dir / "sample_1_scalar.npy").string());
  EXPECT_EQ(scalar.descr, "'<f4'");
  EXPECT_EQ(scalar.shape, "()");
  EXPECT_EQ(scalar.data, bytes_of(std::vector<float>{1.5f}));
  Npy flags = read_npy((dir / "sample_1_flags.npy").string());
  EXPECT_EQ(flags.descr, "'|b1'");
  EXPECT_EQ(flags.data, std::string("\x01\x00\x01", 3));
  Npy empty = read_npy((dir / "sample_1_empty.npy").string());
  EXPECT_EQ(empty.shape, "(0, 4)");
  EXPECT_EQ(empty.data, "");
  EXPECT_FALSE(fs::exists(dir / "sample_1_text.npy"));
  EXPECT_FALSE(fs::exists(dir / "sample_1_numbers.npy"));
  EXPECT_NE(r.out.find("note: sample 1 output text is a string: not saved"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("note: sample 1 output numbers is a list[3] of i64[]: not saved"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("images/s"), std::string::npos) << "saving does not stop the stream";
}

TEST(RunTool, MissingFileIsOneLineError) {
  ToolRun r = run_tool(std::string(PXP_TEST_BINARY_DIR) + "/no_such_program.pxp -n 1");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("pixelpipes-run: cannot load "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("PXP_EIO"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no_such_program.pxp"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("No such file"), std::string::npos) << r.err;
}

TEST(RunTool, CorruptProgramIsOneLineError) {
  ToolRun r = run_tool(invalid("jump_backwards"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("cannot load"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("PXP_EINVALID_PROGRAM"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("flow.jump"), std::string::npos) << r.err;

  const std::string garbage = (fs::path(PXP_TEST_BINARY_DIR) / "run_tool" / "garbage.pxp").string();
  fs::create_directories(fs::path(garbage).parent_path());
  std::ofstream(garbage, std::ios::binary) << std::string("\x93\xff\x00PXPP not msgpack\n\n\n", 22);
  ToolRun g = run_tool(garbage);
  EXPECT_EQ(g.status, 1);
  EXPECT_EQ(lines(g.err), 1u) << g.err;
  EXPECT_NE(g.err.find("cannot load"), std::string::npos) << g.err;
}

TEST(RunTool, FailingSampleIsOneLineNamingSampleOpAndNode) {
  // tensor_pipeline picks one of three tensors by the sample index: sample 3 is out of range.
  ToolRun r = run_tool(valid("tensor_pipeline") + " -n 8 --batch 4 --threads 2");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("sample 3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("list.element"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("base"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("make_programs.py:tensor_pipeline"), std::string::npos) << r.err;

  ToolRun saved = run_tool(valid("tensor_pipeline") + " -n 0 --save-npy " + fresh_dir("npy_fail").string() +
                       " --samples 1,5");
  EXPECT_EQ(saved.status, 1);
  EXPECT_EQ(lines(saved.err), 1u) << saved.err;
  EXPECT_NE(saved.err.find("sample 5"), std::string::npos) << saved.err;
}

TEST(RunTool, UsageErrorsExitTwoWithOneLine) {
  for (const char* args : {"", "--bogus x.pxp", "x.pxp --batch 0", "x.pxp -n many", "x.pxp --save-npy d",
                           "x.pxp --samples 1,2"}) {
    ToolRun r = run_tool(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(lines(r.err), 1u) << args << ": " << r.err;
  }
  ToolRun help = run_tool("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("--save-npy"), std::string::npos);
}

}  // namespace
}  // namespace pxp::test
