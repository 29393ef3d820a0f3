// pxp_program_load_file: program files whose paths pixelpipes.save stored relative to the file's
// folder ("pixelpipes.relative_paths" in the metadata) read them from that folder, wherever the
// folder moves; a malformed record is a clear PXP_EINVALID_PROGRAM; the saved seed is exposed and
// is pixelpipes-run's default seed.
#include <gtest/gtest.h>
#include <msgpack.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "pixelpipes/pixelpipes.h"
#include "program_builder.hpp"
#include "shell_command.hpp"

namespace pxp::test {
namespace {

namespace fs = std::filesystem;
using Packer = msgpack::packer<msgpack::sbuffer>;
using PackFn = std::function<void(Packer&)>;

// A fresh folder for one test (ctest runs tests as parallel processes: the pid keeps them apart).
fs::path fresh_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::path(PXP_TEST_BINARY_DIR) / "program_file" /
                 (std::string(info->name()) + "_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string read_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// Constants of the test program, by index:
//   0 ["images/a.txt", "images/b.txt"]   recorded "all"
//   1 ["plain", "images/c.txt"]          recorded [[1]] (only the path)
//   2 "notes.txt"                        recorded "all"
//   3 [["x/y.txt"]]   4 a tensor   5 "/abs/path.txt"   6 ""   (for malformed records)
//   7, 8 the bounds of random.uniform
// Outputs: path = constant 0 [sample index], bytes = io.read_file(path), mixed = constant 1,
// notes = constant 2, noise = random.uniform(0, 1).
std::string program_without_metadata() {
  ProgramBuilder b;
  uint32_t files = b.constant(Value(List{Value(std::string("images/a.txt")), Value(std::string("images/b.txt"))}));
  uint32_t mixed = b.constant(Value(List{Value(std::string("plain")), Value(std::string("images/c.txt"))}));
  uint32_t notes = b.constant(Value(std::string("notes.txt")));
  b.constant(Value(List{Value(List{Value(std::string("x/y.txt"))})}));
  b.scalar<int32_t>(3);
  b.constant(Value(std::string("/abs/path.txt")));
  b.constant(Value(std::string("")));
  uint32_t path = b.op("list.element", {files, b.op("core.sample_index")});
  b.output("path", path);
  b.output("bytes", b.op("io.read_file", {path}));
  b.output("mixed", mixed);
  b.output("notes", notes);
  b.output("noise", b.op("random.uniform", {b.scalar<double>(0.0), b.scalar<double>(1.0)}, {}, 99));
  return b.bytes();
}

// The program with a metadata map whose entries pack_entries writes (entry_count of them).
// ProgramBuilder writes a map of 5 fields (fixmap header 0x85): a sixth, "metadata", is appended.
std::string program_with_metadata(uint32_t entry_count, const PackFn& pack_entries) {
  std::string bytes = program_without_metadata();
  EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x85);
  bytes[0] = static_cast<char>(0x86);
  msgpack::sbuffer buf;
  Packer pk(buf);
  pk.pack("metadata");
  pk.pack_map(entry_count);
  pack_entries(pk);
  return bytes + std::string(buf.data(), buf.size());
}

// The record pixelpipes.save writes for constants 0, 1 and 2.
void pack_good_record(Packer& pk) {
  pk.pack_map(2);
  pk.pack("base"); pk.pack("program_dir");
  pk.pack("constants");
  pk.pack_map(3);
  pk.pack("0"); pk.pack("all");
  pk.pack("1"); pk.pack(std::vector<std::vector<int>>{{1}});
  pk.pack("2"); pk.pack("all");
}

// Metadata as pixelpipes.save writes it, plus keys that must survive (one of them not a string).
std::string saved_program(uint64_t seed = 42) {
  return program_with_metadata(4, [seed](Packer& pk) {
    pk.pack("name"); pk.pack("demo");
    pk.pack(7); pk.pack("seven");
    pk.pack("pixelpipes.relative_paths"); pack_good_record(pk);
    pk.pack("pixelpipes.seed"); pk.pack(seed);
  });
}

// A folder with the program file and the files it names.
void make_dataset(const fs::path& dir) {
  write_file(dir / "images" / "a.txt", "alpha");
  write_file(dir / "images" / "b.txt", "beta");
  write_file(dir / "program.pxp", saved_program());
}

std::string last_message() {
  const pxp_error& e = *pxp_error_last();
  return e.message;
}

struct Loaded {
  pxp_status status = PXP_EINTERNAL;
  pxp_program* program = nullptr;
  std::string message;
  ~Loaded() { pxp_program_free(program); }
};

void load_file(Loaded& r, const std::string& path) {
  r.status = pxp_program_load_file(&r.program, path.c_str());
  if (r.status != PXP_OK) {
    r.message = last_message();
    EXPECT_EQ(r.program, nullptr) << "*out must be NULL on failure";
  }
}

void load_bytes(Loaded& r, const std::string& bytes) {
  r.status = pxp_program_load(&r.program, bytes.data(), bytes.size());
  if (r.status != PXP_OK) r.message = last_message();
}

std::string as_string(const pxp_value* v) {
  const char* data = nullptr;
  size_t size = 0;
  EXPECT_EQ(pxp_value_string(&data, &size, v), PXP_OK);
  return data ? std::string(data, size) : "";
}

// The outputs of one sample that these tests look at.
struct Outputs {
  std::string path, bytes, notes;
  std::vector<std::string> mixed;
};

Outputs run_sample(const pxp_program* program, uint64_t index) {
  Outputs o;
  pxp_pipeline* pipeline = nullptr;
  EXPECT_EQ(pxp_pipeline_create(&pipeline, program, nullptr), PXP_OK);
  pxp_sample* sample = nullptr;
  pxp_status status = pxp_pipeline_run(&sample, pipeline, index);
  EXPECT_EQ(status, PXP_OK) << last_message();
  if (status == PXP_OK) {
    const pxp_value* v = nullptr;
    pxp_sample_output(&v, sample, 0);
    o.path = as_string(v);
    pxp_sample_output(&v, sample, 1);
    pxp_tensor_view view;
    EXPECT_EQ(pxp_value_tensor(&view, v), PXP_OK);
    o.bytes = std::string(static_cast<const char*>(view.data), static_cast<size_t>(view.shape[0]));
    pxp_sample_output(&v, sample, 2);
    size_t n = 0;
    pxp_value_list_length(&n, v);
    for (size_t i = 0; i < n; ++i) {
      const pxp_value* item = nullptr;
      pxp_value_list_get(&item, v, i);
      o.mixed.push_back(as_string(item));
    }
    pxp_sample_output(&v, sample, 3);
    o.notes = as_string(v);
  }
  pxp_sample_free(sample);
  pxp_pipeline_free(pipeline);
  return o;
}

std::string description(const pxp_program* program) {
  const char* json = nullptr;
  EXPECT_EQ(pxp_program_describe(&json, program), PXP_OK);
  return json ? json : "";
}

TEST(ProgramFile, RecordedRelativePathsAreJoinedWithTheFilesFolder) {
  const fs::path dir = fresh_dir() / "data";
  make_dataset(dir);
  Loaded r;
  load_file(r, (dir / "program.pxp").string());
  ASSERT_EQ(r.status, PXP_OK) << r.message;
  Outputs first = run_sample(r.program, 0);
  EXPECT_EQ(first.path, (dir / "images" / "a.txt").string());
  EXPECT_EQ(first.bytes, "alpha");
  EXPECT_EQ(first.mixed, (std::vector<std::string>{"plain", (dir / "images" / "c.txt").string()}))
      << "only the recorded item of a list changes";
  EXPECT_EQ(first.notes, (dir / "notes.txt").string());
  EXPECT_EQ(run_sample(r.program, 1).bytes, "beta");
  // The record is gone (the paths are absolute now); the rest of the metadata is kept.
  std::string json = description(r.program);
  EXPECT_EQ(json.find("relative_paths"), std::string::npos) << json;
  EXPECT_NE(json.find("\"name\":\"demo\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"7\":\"seven\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"pixelpipes.seed\":42"), std::string::npos) << json;
}

TEST(ProgramFile, MovingTheFolderKeepsItWorkingFromAnyWorkingDirectory) {
  const fs::path root = fresh_dir();
  make_dataset(root / "before");
  fs::rename(root / "before", root / "after");
  Loaded moved;
  load_file(moved, (root / "after" / "program.pxp").string());
  ASSERT_EQ(moved.status, PXP_OK) << moved.message;
  Outputs o = run_sample(moved.program, 1);
  EXPECT_EQ(o.path, (root / "after" / "images" / "b.txt").string());
  EXPECT_EQ(o.bytes, "beta");

  // A relative file name is taken from the working directory of the call, then made absolute.
  const fs::path previous = fs::current_path();
  fs::current_path(root);
  Loaded relative;
  load_file(relative, "after/program.pxp");
  fs::current_path(previous);
  ASSERT_EQ(relative.status, PXP_OK) << relative.message;
  Outputs p = run_sample(relative.program, 0);
  EXPECT_EQ(p.path, (root / "after" / "images" / "a.txt").string());
  EXPECT_EQ(p.bytes, "alpha");
}

TEST(ProgramFile, BytesHaveNoFolderSoPathsStayAsStored) {
  const fs::path dir = fresh_dir();
  make_dataset(dir);
  Loaded r;
  load_bytes(r, read_file(dir / "program.pxp"));
  ASSERT_EQ(r.status, PXP_OK) << r.message;
  pxp_pipeline* pipeline = nullptr;
  ASSERT_EQ(pxp_pipeline_create(&pipeline, r.program, nullptr), PXP_OK);
  pxp_sample* sample = nullptr;
  // io.read_file of "images/a.txt" runs against the test's working directory, not dir.
  EXPECT_EQ(pxp_pipeline_run(&sample, pipeline, 0), PXP_EIO);
  EXPECT_STREQ(pxp_error_last()->file, "images/a.txt");
  pxp_sample_free(sample);
  pxp_pipeline_free(pipeline);
  EXPECT_NE(description(r.program).find("pixelpipes.relative_paths"), std::string::npos);
  uint64_t seed = 0;
  EXPECT_EQ(pxp_program_saved_seed(&seed, r.program), PXP_OK);
  EXPECT_EQ(seed, 42u);
}

TEST(ProgramFile, ProgramBytesOfAFileNeedNoFolder) {
  const fs::path dir = fresh_dir() / "data";
  make_dataset(dir);
  Loaded from_file;
  load_file(from_file, (dir / "program.pxp").string());
  ASSERT_EQ(from_file.status, PXP_OK) << from_file.message;
  const void* data = nullptr;
  size_t size = 0;
  ASSERT_EQ(pxp_program_bytes(&data, &size, from_file.program), PXP_OK);
  const std::string resolved(static_cast<const char*>(data), size);
  Loaded again;
  load_bytes(again, resolved);
  ASSERT_EQ(again.status, PXP_OK) << again.message;
  Outputs o = run_sample(again.program, 0);
  EXPECT_EQ(o.path, (dir / "images" / "a.txt").string());
  EXPECT_EQ(o.bytes, "alpha");
  // Bytes given to pxp_program_load come back as they were.
  ASSERT_EQ(pxp_program_bytes(&data, &size, again.program), PXP_OK);
  EXPECT_EQ(std::string(static_cast<const char*>(data), size), resolved);
  EXPECT_EQ(pxp_program_bytes(nullptr, &size, again.program), PXP_EINVALID_ARGUMENT);
}

TEST(ProgramFile, UnreadableFilesAreIoErrorsNamingThePath) {
  const fs::path dir = fresh_dir();
  Loaded missing;
  load_file(missing, (dir / "no_such.pxp").string());
  EXPECT_EQ(missing.status, PXP_EIO);
  EXPECT_NE(missing.message.find((dir / "no_such.pxp").string()), std::string::npos) << missing.message;
  EXPECT_NE(missing.message.find("No such file"), std::string::npos) << missing.message;

  Loaded folder;
  load_file(folder, dir.string());
  EXPECT_EQ(folder.status, PXP_EIO);
  EXPECT_NE(folder.message.find("directory"), std::string::npos) << folder.message;

  write_file(dir / "empty.pxp", "");
  Loaded empty;
  load_file(empty, (dir / "empty.pxp").string());
  EXPECT_EQ(empty.status, PXP_EINVALID_PROGRAM);
  EXPECT_NE(empty.message.find("empty"), std::string::npos) << empty.message;

  pxp_program* program = nullptr;
  EXPECT_EQ(pxp_program_load_file(&program, nullptr), PXP_EINVALID_ARGUMENT);
  EXPECT_NE(last_message().find("path"), std::string::npos);
  EXPECT_EQ(pxp_program_load_file(nullptr, (dir / "x.pxp").c_str()), PXP_EINVALID_ARGUMENT);
}

TEST(ProgramFile, FilesOverTheProgramLimitAreRefusedBeforeReading) {
  const fs::path file = fresh_dir() / "huge.pxp";
  write_file(file, "");
  fs::resize_file(file, (uint64_t(1) << 31) + 1);  // sparse: no disk is written
  Loaded r;
  load_file(r, file.string());
  fs::remove(file);
  EXPECT_EQ(r.status, PXP_EINVALID_PROGRAM);
  EXPECT_NE(r.message.find("2 GiB"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find(file.string()), std::string::npos) << r.message;
}

struct MalformedCase {
  const char* name;
  PackFn record;         // packs the value of "pixelpipes.relative_paths"
  const char* expected;  // part of the message
};

// A record with base "program_dir" and the given constants map (count entries).
PackFn with_constants(uint32_t count, PackFn entries) {
  return [count, entries](Packer& pk) {
    pk.pack_map(2);
    pk.pack("base"); pk.pack("program_dir");
    pk.pack("constants");
    pk.pack_map(count);
    entries(pk);
  };
}

TEST(ProgramFile, MalformedRecordsAreInvalidProgramsNamingWhatIsWrong) {
  using Paths = std::vector<std::vector<int64_t>>;
  const std::vector<MalformedCase> cases = {
      {"not a map", [](Packer& pk) { pk.pack("images"); }, "must be a map, not a string"},
      {"no base", [](Packer& pk) { pk.pack_map(1); pk.pack("constants"); pk.pack_map(0); }, "lacks 'base'"},
      {"other base",
       [](Packer& pk) { pk.pack_map(2); pk.pack("base"); pk.pack("cwd"); pk.pack("constants"); pk.pack_map(0); },
       "base must be \"program_dir\""},
      {"no constants", [](Packer& pk) { pk.pack_map(1); pk.pack("base"); pk.pack("program_dir"); },
       "lacks 'constants'"},
      {"constants not a map",
       [](Packer& pk) { pk.pack_map(2); pk.pack("base"); pk.pack("program_dir"); pk.pack("constants"); pk.pack_array(0); },
       "constants must be a map, not an array"},
      {"unknown field",
       [](Packer& pk) {
         pk.pack_map(3); pk.pack("base"); pk.pack("program_dir"); pk.pack("constants"); pk.pack_map(0);
         pk.pack("extra"); pk.pack(1);
       },
       "unknown field 'extra'"},
      {"key not a number", with_constants(1, [](Packer& pk) { pk.pack("first"); pk.pack("all"); }),
       "'first', which is not a constant index"},
      {"key not a string", with_constants(1, [](Packer& pk) { pk.pack(0); pk.pack("all"); }),
       "not a constant index string"},
      {"negative key", with_constants(1, [](Packer& pk) { pk.pack("-1"); pk.pack("all"); }),
       "'-1', which is not a constant index"},
      {"constant out of range", with_constants(1, [](Packer& pk) { pk.pack("9"); pk.pack("all"); }),
       "constant 9 is out of range: the program has 9 constants"},
      {"huge constant index", with_constants(1, [](Packer& pk) { pk.pack("99999999999999999999"); pk.pack("all"); }),
       "not a constant index"},
      {"neither all nor paths", with_constants(1, [](Packer& pk) { pk.pack("0"); pk.pack(3); }),
       "constant 0 has an integer: expected \"all\""},
      {"another word", with_constants(1, [](Packer& pk) { pk.pack("0"); pk.pack("some"); }),
       "constant 0 has 'some'"},
      {"path not a list", with_constants(1, [](Packer& pk) { pk.pack("0"); pk.pack(std::vector<int>{1}); }),
       "constant 0 path 0 is an integer, not a list of item indices"},
      {"negative item", with_constants(1, [](Packer& pk) { pk.pack("0"); pk.pack(Paths{{-1}}); }),
       "constant 0 path 0 has an integer where an item index"},
      {"item out of range", with_constants(1, [](Packer& pk) { pk.pack("0"); pk.pack(Paths{{5}}); }),
       "constant 0 item [5] is out of range: constant 0 has 2 items"},
      {"item inside a string", with_constants(1, [](Packer& pk) { pk.pack("2"); pk.pack(Paths{{0}}); }),
       "constant 2 item [0] goes inside constant 2, which is not a list"},
      {"item is a list", with_constants(1, [](Packer& pk) { pk.pack("3"); pk.pack(Paths{{0}}); }),
       "constant 3 item [0] is a list, not a string"},
      {"item of a tensor", with_constants(1, [](Packer& pk) { pk.pack("4"); pk.pack(Paths{{}}); }),
       "constant 4 is a tensor, not a string"},
      {"all of a tensor", with_constants(1, [](Packer& pk) { pk.pack("4"); pk.pack("all"); }),
       "constant 4 is a tensor: only string and list constants hold paths"},
      {"absolute path", with_constants(1, [](Packer& pk) { pk.pack("5"); pk.pack("all"); }),
       "constant 5 is recorded as relative but is an absolute path: '/abs/path.txt'"},
      {"empty path", with_constants(1, [](Packer& pk) { pk.pack("6"); pk.pack("all"); }),
       "constant 6 is an empty path"},
      {"item listed twice", with_constants(1, [](Packer& pk) { pk.pack("1"); pk.pack(Paths{{1}, {1}}); }),
       "constant 1 item [1] is listed twice"},
      {"constant listed twice",
       with_constants(2, [](Packer& pk) { pk.pack("2"); pk.pack("all"); pk.pack("2"); pk.pack("all"); }),
       "constant 2 is listed twice"},
  };
  const fs::path dir = fresh_dir();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    write_file(dir / "program.pxp", program_with_metadata(1, [&c](Packer& pk) {
                 pk.pack("pixelpipes.relative_paths");
                 c.record(pk);
               }));
    Loaded r;
    load_file(r, (dir / "program.pxp").string());
    EXPECT_EQ(r.status, PXP_EINVALID_PROGRAM) << r.message;
    EXPECT_NE(r.message.find("metadata 'pixelpipes.relative_paths': "), std::string::npos) << r.message;
    EXPECT_NE(r.message.find(c.expected), std::string::npos) << r.message;
    // Bytes have no folder to join with: the record is not applied, so not judged either.
    Loaded bytes;
    load_bytes(bytes, read_file(dir / "program.pxp"));
    EXPECT_EQ(bytes.status, PXP_OK) << bytes.message;
  }

  write_file(dir / "twice.pxp", program_with_metadata(2, [](Packer& pk) {
               pk.pack("pixelpipes.relative_paths"); pack_good_record(pk);
               pk.pack("pixelpipes.relative_paths"); pack_good_record(pk);
             }));
  Loaded twice;
  load_file(twice, (dir / "twice.pxp").string());
  EXPECT_EQ(twice.status, PXP_EINVALID_PROGRAM);
  EXPECT_NE(twice.message.find("'pixelpipes.relative_paths': is given twice"), std::string::npos) << twice.message;
}

TEST(ProgramFile, SavedSeedIsExposedOrNotFound) {
  Loaded saved;
  load_bytes(saved, saved_program(UINT64_MAX));
  ASSERT_EQ(saved.status, PXP_OK) << saved.message;
  uint64_t seed = 0;
  EXPECT_EQ(pxp_program_saved_seed(&seed, saved.program), PXP_OK);
  EXPECT_EQ(seed, UINT64_MAX);

  Loaded plain;
  load_bytes(plain, program_with_metadata(1, [](Packer& pk) { pk.pack("name"); pk.pack("x"); }));
  ASSERT_EQ(plain.status, PXP_OK) << plain.message;
  seed = 5;
  pxp_error_clear();
  EXPECT_EQ(pxp_program_saved_seed(&seed, plain.program), PXP_NOT_FOUND);
  EXPECT_EQ(seed, 0u);
  const pxp_error& e = *pxp_error_last();
  EXPECT_EQ(e.code, PXP_OK) << "PXP_NOT_FOUND is not an error: no last error is set";
  EXPECT_STREQ(pxp_status_name(PXP_NOT_FOUND), "PXP_NOT_FOUND");
  EXPECT_GT(PXP_NOT_FOUND, 0);

  Loaded none;
  load_bytes(none, program_without_metadata());
  ASSERT_EQ(none.status, PXP_OK) << none.message;
  EXPECT_EQ(pxp_program_saved_seed(&seed, none.program), PXP_NOT_FOUND);
  EXPECT_EQ(pxp_program_saved_seed(nullptr, none.program), PXP_EINVALID_ARGUMENT);

  // The seed's key is the format's: a malformed one is refused by every loader.
  Loaded bad;
  load_bytes(bad, program_with_metadata(1, [](Packer& pk) { pk.pack("pixelpipes.seed"); pk.pack(-3); }));
  EXPECT_EQ(bad.status, PXP_EINVALID_PROGRAM);
  EXPECT_NE(bad.message.find("metadata 'pixelpipes.seed'"), std::string::npos) << bad.message;
  EXPECT_NE(bad.message.find("non-negative integer"), std::string::npos) << bad.message;
}

// pixelpipes-run from another working directory: stdout and exit status.
using ToolRun = CommandResult;

ToolRun run_tool_in(const fs::path& cwd, const std::string& args) {
  return run_command("cd '" + cwd.string() + "' && " + PXP_RUN_TOOL + " " + args + " 2>&1");
}

std::string digest_of(const ToolRun& r) {
  auto at = r.out.find("\ndigest ");
  return at == std::string::npos ? "" : r.out.substr(at + 1, 23);
}

TEST(ProgramFile, RunToolReadsTheFilesFolderAndDefaultsToTheSavedSeed) {
  const fs::path root = fresh_dir();
  make_dataset(root / "data");
  write_file(root / "data" / "program.pxp", saved_program(7));
  fs::create_directories(root / "elsewhere");
  const std::string program = (root / "data" / "program.pxp").string();
  ToolRun saved = run_tool_in(root / "elsewhere", program + " -n 2 --digest");
  ASSERT_EQ(saved.status, 0) << saved.out;  // io.read_file found data/images/*.txt
  ASSERT_NE(digest_of(saved), "") << saved.out;
  EXPECT_NE(saved.out.find("seed 7"), std::string::npos) << saved.out;
  EXPECT_EQ(digest_of(run_tool_in(root / "elsewhere", program + " -n 2 --digest --seed 7")), digest_of(saved));
  EXPECT_NE(digest_of(run_tool_in(root / "elsewhere", program + " -n 2 --digest --seed 0")), digest_of(saved));
}

}  // namespace
}  // namespace pxp::test
