// .npy files: the header parser (kernels/npy_header) refuses every malformed file with
// PXP_EDECODE, and io.npy_row reads rows bit-exactly from the process's mapping (views for
// large rows, whose pages leave the resident set when they die).
#include <gtest/gtest.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "kernels/npy_header.hpp"
#include "ops/npy_file.hpp"
#include "process_probes.hpp"
#include "program_builder.hpp"

namespace pxp::test {
namespace {

std::string temp_path(const std::string& name) {
  return std::string(PXP_TEST_BINARY_DIR) + "/npy_test_" + std::to_string(::getpid()) + "_" + name;
}

// A .npy file as numpy.lib.format writes it: magic, version, header length, the dict padded
// with spaces and a newline so that the data starts at a multiple of `align`.
std::string npy_bytes(const std::string& descr, const std::string& shape, const std::string& data,
                      int major = 1, const std::string& fortran = "False", size_t align = 64) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
  const size_t preamble = major == 1 ? 10 : 12;
  size_t total = preamble + dict.size() + 1;
  dict += std::string((align - total % align) % align, ' ') + "\n";
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  const size_t n = dict.size();
  out += static_cast<char>(n & 0xff);
  out += static_cast<char>((n >> 8) & 0xff);
  if (major != 1) out += std::string{static_cast<char>((n >> 16) & 0xff), static_cast<char>(n >> 24)};
  return out + dict + data;
}

std::string write_file(const std::string& name, const std::string& bytes) {
  std::string path = temp_path(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

kernels::NpyHeader parse(const std::string& bytes) {
  return kernels::parse_npy_header(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), bytes.size(), "t.npy");
}

// The message of the PXP_EDECODE that parsing `bytes` fails with ("" and a test failure if none).
std::string refusal(const std::string& bytes) {
  std::string message;
  EXPECT_EQ(error_code([&] { parse(bytes); }, &message), PXP_EDECODE) << message;
  EXPECT_NE(message.find("'t.npy' is not a valid .npy file"), std::string::npos) << message;
  return message;
}

// `bytes` bytes of a pattern that differs from row to row.
std::string counting(size_t bytes) {
  std::string s(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) s[i] = static_cast<char>((i * 31 + i / 251) & 0xff);
  return s;
}

TEST(NpyHeader, ReadsTheHeadersNumpyWrites) {
  std::string bytes = npy_bytes("|u1", "(3, 4, 5)", counting(60));
  auto h = parse(bytes);
  EXPECT_EQ(h.dtype, DType::U8);
  EXPECT_EQ(h.shape, (Shape{3, 4, 5}));
  EXPECT_EQ(h.data_offset, bytes.size() - 60);
  EXPECT_EQ(h.data_offset % 64, 0u);
  EXPECT_EQ(h.row_bytes, 20u);
  EXPECT_EQ(h.row_shape(), (Shape{4, 5}));

  h = parse(npy_bytes("<f4", "(2, 3)", counting(24), 2));
  EXPECT_EQ(h.dtype, DType::F32);
  EXPECT_EQ(h.row_bytes, 12u);
  bytes = npy_bytes("<i8", "(7,)", counting(56), 3, "False", 16);
  h = parse(bytes);
  EXPECT_EQ(h.dtype, DType::I64);
  EXPECT_EQ(h.shape, (Shape{7}));
  EXPECT_EQ(h.row_shape(), Shape{});
  EXPECT_EQ(h.data_offset, bytes.size() - 56);
  EXPECT_EQ(h.data_offset % 16, 0u);
  h = parse(npy_bytes("|b1", "(0, 9)", ""));
  EXPECT_EQ(h.dtype, DType::Bool);
  EXPECT_EQ(h.rows(), 0);
  // every dtype of the library, '<' and (for one byte) '|'
  for (auto [descr, dtype] : {std::pair<const char*, DType>{"<u1", DType::U8}, {"|i1", DType::I8},
                              {"<u2", DType::U16}, {"<i2", DType::I16}, {"<i4", DType::I32}, {"<f8", DType::F64}})
    EXPECT_EQ(parse(npy_bytes(descr, "(1,)", counting(dtype_size(dtype)))).dtype, dtype) << descr;
}

TEST(NpyHeader, RefusesWhatItCannotRead) {
  const std::string data = counting(12);
  EXPECT_NE(refusal("not a numpy file at all").find("magic"), std::string::npos);
  std::string v4 = npy_bytes("|u1", "(12,)", data);
  v4[6] = 4;
  EXPECT_NE(refusal(v4).find("version 4.0"), std::string::npos);
  EXPECT_NE(refusal(npy_bytes(">u2", "(6,)", data)).find("big-endian"), std::string::npos);
  EXPECT_NE(refusal(npy_bytes("|u2", "(6,)", data)).find("not one of the library's"), std::string::npos);
  EXPECT_NE(refusal(npy_bytes("<c8", "(1,)", counting(8))).find("not one of the library's"), std::string::npos);
  EXPECT_NE(refusal(npy_bytes("<u1", "(3, 4)", data, 1, "True")).find("Fortran order"), std::string::npos);
  EXPECT_NE(refusal(npy_bytes("<u1", "()", counting(1))).find("no dimensions"), std::string::npos);
  EXPECT_NE(refusal(npy_bytes("|u1", "(1, 1, 1, 1, 1, 1, 1, 1, 1)", counting(1))).find("more than 8 dimensions"),
            std::string::npos);
  // sizes: data missing, data trailing, a header longer than the file
  EXPECT_NE(refusal(npy_bytes("|u1", "(13,)", data)).find("but the file has"), std::string::npos);
  EXPECT_NE(refusal(npy_bytes("|u1", "(11,)", data)).find("but the file has"), std::string::npos);
  std::string long_header = npy_bytes("|u1", "(12,)", data);
  long_header[8] = '\xff';
  long_header[9] = '\xff';
  EXPECT_NE(refusal(long_header).find("header declares 65535 bytes"), std::string::npos);
  std::string huge_header = npy_bytes("|u1", "(0,)", "", 2, "False", (size_t(1) << 20) + 64);
  EXPECT_NE(refusal(huge_header).find("more than the limit of 1048576"), std::string::npos);
  // a row over the 16 GiB of one tensor; a shape whose data no file can hold
  EXPECT_NE(refusal(npy_bytes("|u1", "(1, 17179869185)", "")).find("larger than 16 GiB"), std::string::npos);
  EXPECT_NE(refusal(npy_bytes("<u2", "(4611686018427387903, 4611686018427387903)", "")).find("larger than 16 GiB"),
            std::string::npos);
  EXPECT_NE(refusal(npy_bytes("<f8", "(4611686018427387903, 1024)", "")).find("more data than any file"),
            std::string::npos);
  // the dict itself
  auto with_dict = [&](const std::string& dict) {
    std::string out = "\x93NUMPY\x01";
    out += '\0';
    out += static_cast<char>(dict.size());
    out += '\0';
    return out + dict;
  };
  EXPECT_NE(refusal(with_dict("{'descr': '|u1', 'descr': '|u1', 'fortran_order': False, 'shape': (0,)}")).find("twice"),
            std::string::npos);
  EXPECT_NE(refusal(with_dict("{'descr': '|u1', 'fortran_order': False, 'shape': (0,), 'x': 1}")).find("unknown key"),
            std::string::npos);
  EXPECT_NE(refusal(with_dict("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (0,)}")).find("quoted"),
            std::string::npos);
  EXPECT_NE(refusal(with_dict("{'descr': '|u1', 'shape': (0,)}")).find("lacks"), std::string::npos);
  EXPECT_NE(refusal(with_dict("{'descr': '|u1', 'fortran_order': False, 'shape': (-1,)}")).find("non-negative"),
            std::string::npos);
  EXPECT_NE(refusal(with_dict("{'descr': '|u1', 'fortran_order': 0, 'shape': (0,)}")).find("True or False"),
            std::string::npos);
  EXPECT_NE(refusal(with_dict("{'descr': '|u1', 'fortran_order': False, 'shape': (0,)} x")).find("after the dict"),
            std::string::npos);
}

TEST(NpyHeader, APrefixHoldingTheHeaderIsEnough) {
  const std::string whole = npy_bytes("<u2", "(3, 5)", counting(30));
  const size_t header = whole.size() - 30;
  std::vector<uint8_t> prefix(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(header));
  auto h = kernels::parse_npy_header(prefix.data(), prefix.size(), whole.size(), "t.npy");
  EXPECT_EQ(h.data_offset, header);
  EXPECT_EQ(h.shape, (Shape{3, 5}));
}

TEST(NpyHeader, EveryTruncationIsRefusedWithoutReadingPastIt) {
  const std::string whole = npy_bytes("<u2", "(3, 5)", counting(30), 2);
  for (size_t n = 0; n < whole.size(); ++n) {
    // a copy of exactly n bytes: reading past it is a heap overflow under ASan
    std::string prefix = whole.substr(0, n);
    std::vector<uint8_t> exact(prefix.begin(), prefix.end());
    std::string message;
    EXPECT_EQ(error_code([&] { kernels::parse_npy_header(exact.data(), exact.size(), exact.size(), "t.npy"); },
                         &message),
              PXP_EDECODE)
        << n << ": " << message;
  }
}

Value row(const std::string& path, int64_t index, const std::string& dtype, std::vector<int64_t> shape) {
  return run_op("io.npy_row", {Value(path), i64(index)}, {{"dtype", dtype}, {"shape", shape}}, 0, 0, false);
}

TEST(NpyRow, ReadsEveryRowBitExact) {
  // small rows (read) and rows of 64 KiB and more (views of the mapping)
  const std::string small = counting(10 * 3 * 4 * 2), large = counting(4 * 256 * 256 * 3);
  const std::string small_path = write_file("small.npy", npy_bytes("<u2", "(10, 3, 4)", small));
  const std::string large_path = write_file("large.npy", npy_bytes("|u1", "(4, 256, 256, 3)", large));
  for (int64_t i = 0; i < 10; ++i) {
    Tensor t = row(small_path, i, "u16", {3, 4}).tensor();
    ASSERT_EQ(t.dtype(), DType::U16);
    ASSERT_EQ(t.shape(), (Shape{3, 4}));
    EXPECT_EQ(std::memcmp(t.bytes(), small.data() + i * 24, 24), 0) << i;
  }
  const size_t row_bytes = 256 * 256 * 3;
  for (int64_t i = 0; i < 4; ++i) {
    Tensor t = row(large_path, i, "u8", {256, 256, 3}).tensor();
    ASSERT_EQ(t.shape(), (Shape{256, 256, 3}));
    ASSERT_TRUE(t.is_contiguous());
    EXPECT_EQ(std::memcmp(t.bytes(), large.data() + i * row_bytes, row_bytes), 0) << i;
  }
  std::remove(small_path.c_str());
  std::remove(large_path.c_str());
}

TEST(NpyRow, LargeRowsAreViewsOfOneSharedMapping) {
  const std::string path = write_file("shared.npy", npy_bytes("<f4", "(3, 128, 128)", counting(3 * 128 * 128 * 4)));
  auto file = NpyFile::open(path);
  EXPECT_EQ(NpyFile::open(path).get(), file.get());  // the process's one mapping
  Tensor a = file->row(1, DType::F32, {128, 128});
  Tensor b = row(path, 1, "f32", {128, 128}).tensor();
  EXPECT_EQ(a.bytes(), b.bytes());  // the same memory: no copy
  EXPECT_EQ(file->row(2, DType::F32, {128, 128}).bytes() - a.bytes(), 128 * 128 * 4);  // rows in file order
  // small rows are copies
  const std::string small_path = write_file("copied.npy", npy_bytes("<f4", "(3, 4)", counting(48)));
  EXPECT_NE(row(small_path, 1, "f32", {4}).tensor().bytes(), row(small_path, 1, "f32", {4}).tensor().bytes());
  std::remove(path.c_str());
  std::remove(small_path.c_str());
}

TEST(NpyRow, BoolRowsAreZeroOrOne) {
  std::string data(2 * 70000, '\0');
  data[3] = 2;
  data[70000 + 5] = '\xff';
  const std::string path = write_file("bool.npy", npy_bytes("|b1", "(2, 70000)", data));
  Tensor r0 = row(path, 0, "bool", {70000}).tensor(), r1 = row(path, 1, "bool", {70000}).tensor();
  EXPECT_EQ(r0.bytes()[3], 1);
  EXPECT_EQ(r1.bytes()[5], 1);
  EXPECT_EQ(r1.bytes()[6], 0);
  std::remove(path.c_str());
}

// The code and message of io.npy_row on this file and index.
pxp_status row_error(const std::string& path, int64_t index, std::string* message, const std::string& dtype = "u8",
                     std::vector<int64_t> shape = {4}) {
  return error_code([&] { row(path, index, dtype, shape); }, message);
}

TEST(NpyRow, ErrorsNameTheFile) {
  const std::string path = write_file("errors.npy", npy_bytes("|u1", "(3, 4)", counting(12)));
  std::string message;
  EXPECT_EQ(row_error(path, 3, &message), PXP_EOUT_OF_RANGE);
  EXPECT_NE(message.find("row 3 is out of range: '" + path + "' has 3 rows"), std::string::npos) << message;
  EXPECT_EQ(row_error(path, -1, &message), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(row_error(path, 0, &message, "i8"), PXP_EDECODE);
  EXPECT_NE(message.find("'" + path + "' holds rows of u8 [4], but the program was built for rows of i8 [4]"),
            std::string::npos)
      << message;
  EXPECT_EQ(row_error(path, 0, &message, "u8", {2, 2}), PXP_EDECODE);

  EXPECT_EQ(row_error(temp_path("missing.npy"), 0, &message), PXP_EIO);
  EXPECT_NE(message.find("missing.npy': No such file"), std::string::npos) << message;
  EXPECT_EQ(row_error(PXP_TEST_BINARY_DIR, 0, &message), PXP_EIO);
  EXPECT_NE(message.find("not a regular file"), std::string::npos) << message;
  const std::string fifo = temp_path("fifo.npy");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(row_error(fifo, 0, &message), PXP_EIO);  // refused at once, not waiting for a writer
  std::remove(fifo.c_str());
  const std::string empty = write_file("empty.npy", "");
  EXPECT_EQ(row_error(empty, 0, &message), PXP_EDECODE);
  EXPECT_NE(message.find("'" + empty + "' is not a valid .npy file"), std::string::npos) << message;
  const std::string corrupt = write_file("corrupt.npy", npy_bytes("|u1", "(3, 4)", counting(11)));
  EXPECT_EQ(row_error(corrupt, 0, &message), PXP_EDECODE);
  EXPECT_NE(message.find("'" + corrupt + "'"), std::string::npos) << message;
  for (const auto& p : {path, empty, corrupt}) std::remove(p.c_str());
}

TEST(NpyRow, AReplacedFileIsMappedAgainWhileOldRowsLive) {
  const std::string path = temp_path("replaced.npy");
  const std::string first = std::string(3 * 65536, 'a'), second = std::string(3 * 65536, 'b');
  std::ofstream(path, std::ios::binary) << npy_bytes("|u1", "(3, 65536)", first);
  Tensor old_row = row(path, 2, "u8", {65536}).tensor();
  // replaced through a temporary name and a rename: another inode at the same path
  const std::string next = write_file("replacement.npy", npy_bytes("|u1", "(3, 65536)", second));
  ASSERT_EQ(std::rename(next.c_str(), path.c_str()), 0);
  EXPECT_EQ(row(path, 2, "u8", {65536}).tensor().bytes()[100], 'b');
  EXPECT_EQ(old_row.bytes()[100], 'a');  // still mapped: the old view keeps its file alive
  // and a file rewritten in place with another shape (no row of it alive) is refused, not misread
  std::ofstream(path, std::ios::binary | std::ios::trunc) << npy_bytes("|u1", "(2, 10)", counting(20));
  std::string message;
  EXPECT_EQ(row_error(path, 0, &message, "u8", {65536}), PXP_EDECODE);
  std::remove(path.c_str());
}

TEST(NpyRow, ManyWorkersShareTheMapping) {
  // 300 rows of 96 KiB (views) read by 4 workers, every sample checked
  const int64_t rows = 300, row_bytes = 96 * 1024;
  const std::string data = counting(static_cast<size_t>(rows * row_bytes));
  const std::string path = write_file("workers.npy", npy_bytes("|u1", "(300, 96, 1024)", data));
  ProgramBuilder b;
  uint32_t index = b.op("math.modulo", {b.op("core.sample_index"), b.scalar<int64_t>(rows)});
  b.output("row", b.op("io.npy_row", {b.constant(Value(path)), index},
                       {{"dtype", std::string("u8")}, {"shape", std::vector<int64_t>{96, 1024}}}));
  Pipeline pipeline(b.load(), 0, 4);
  std::vector<Sample> samples = pipeline.run_many(0, 2 * rows);
  ASSERT_EQ(samples.size(), size_t(2 * rows));
  for (const Sample& s : samples) {
    const Tensor& t = s.outputs.at(0).tensor();
    const int64_t r = static_cast<int64_t>(s.index) % rows;
    ASSERT_EQ(std::memcmp(t.bytes(), data.data() + r * row_bytes, static_cast<size_t>(row_bytes)), 0) << s.index;
  }
  std::remove(path.c_str());
}

size_t open_descriptors() { return proc_entries("/proc/self/fd"); }

TEST(NpyRow, ThousandsOfFilesDoNotExhaustDescriptors) {
  // one small .npy per image, as a file list would have them: mappings nobody uses are dropped
  const size_t before = open_descriptors();
  std::vector<std::string> paths;
  for (int k = 0; k < 300; ++k) {
    paths.push_back(write_file("many_" + std::to_string(k) + ".npy", npy_bytes("|u1", "(1, 8)", counting(8))));
    EXPECT_EQ(row(paths.back(), 0, "u8", {8}).tensor().bytes()[0], static_cast<uint8_t>(counting(8)[0]));
  }
  EXPECT_LT(open_descriptors(), before + 100);
  for (const auto& p : paths) std::remove(p.c_str());
}

int64_t resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  return -1;
}

TEST(NpyRow, ReadPagesLeaveTheResidentSet) {
  // 96 MiB of rows read once each: without handing their pages back, the RSS would grow by the
  // file's size (mapped file pages count in it until they are unmapped).
  const int64_t rows = 96, row_bytes = int64_t(1) << 20;
  const std::string path = temp_path("resident.npy");
  {
    std::ofstream out(path, std::ios::binary);
    out << npy_bytes("|u1", "(" + std::to_string(rows) + ", 1048576)", "");
    std::string chunk = counting(static_cast<size_t>(row_bytes));
    for (int64_t i = 0; i < rows; ++i) out << chunk;
  }
  auto file = NpyFile::open(path);
  const int64_t before = resident_kib();
  uint64_t sum = 0;
  for (int64_t i = 0; i < rows; ++i) {
    Tensor t = file->row(i, DType::U8, {row_bytes});
    for (int64_t k = 0; k < row_bytes; k += 512) sum += t.bytes()[k];  // touch every page
  }
  const int64_t grown = resident_kib() - before;
  EXPECT_GT(sum, 0u);
  EXPECT_LT(grown, 16 * 1024) << "RSS grew by " << grown << " KiB reading a 96 MiB file";
  std::remove(path.c_str());
}

TEST(NpyRow, TypeRule) {
  ProgramBuilder b;
  uint32_t r = b.op("io.npy_row", {b.constant(Value(std::string("x.npy"))), b.scalar<int64_t>(0)},
                    {{"dtype", std::string("u16")}, {"shape", std::vector<int64_t>{28, 28}}});
  b.output("out", r);
  auto p = b.load();  // impure: the file is not opened at load
  EXPECT_EQ(p->instructions[r].type.to_string(), Type::tensor(DType::U16, Shape{28, 28}).to_string());

  auto refused = [](uint32_t (*make)(ProgramBuilder&)) {
    ProgramBuilder bad;
    bad.output("out", make(bad));
    std::string message;
    EXPECT_EQ(error_code([&] { bad.load(); }, &message), PXP_ETYPE) << message;
    return message;
  };
  EXPECT_NE(refused([](ProgramBuilder& p) {
              return p.op("io.npy_row", {p.scalar<int64_t>(1), p.scalar<int64_t>(0)},
                          {{"dtype", std::string("u8")}, {"shape", std::vector<int64_t>{}}});
            }).find("path"),
            std::string::npos);
  EXPECT_NE(refused([](ProgramBuilder& p) {
              return p.op("io.npy_row", {p.constant(Value(std::string("x.npy"))), p.scalar<float>(0.5f)},
                          {{"dtype", std::string("u8")}, {"shape", std::vector<int64_t>{}}});
            }).find("index"),
            std::string::npos);
  EXPECT_NE(refused([](ProgramBuilder& p) {
              return p.op("io.npy_row", {p.constant(Value(std::string("x.npy"))), p.scalar<int64_t>(0)},
                          {{"dtype", std::string("u8")}, {"shape", std::vector<int64_t>(8, 1)}});
            }).find("at most 7"),
            std::string::npos);
  EXPECT_NE(refused([](ProgramBuilder& p) {
              return p.op("io.npy_row", {p.constant(Value(std::string("x.npy"))), p.scalar<int64_t>(0)},
                          {{"dtype", std::string("u8")}, {"shape", std::vector<int64_t>{-2}}});
            }).find("shape"),
            std::string::npos);
}

}  // namespace
}  // namespace pxp::test
