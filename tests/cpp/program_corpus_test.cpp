// The golden program corpus (tests/programs, written by tests/programs/make_programs.py), run
// through the C ABI only:
//   invalid/*.pxp  each gives its expected status, and the last error's message holds the
//                  expected substring;
//   valid/*.pxp    each loads and gives the expected outputs for samples 0, 1, 2 (seed 0), or for
//                  random programs the expected types and the same bits from two loads;
// and untrusted bytes: every truncation of every valid program is an error, and 10000 random or
// mutated byte strings never crash the loader.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "abi_options.hpp"
#include "pixelpipes/pixelpipes.h"

namespace {

namespace fs = std::filesystem;

// ----------------------------------------------------------------------------- a small JSON reader
// Enough for .expect files and pxp_program_describe: objects, arrays, strings, numbers, literals.

struct Json {
  enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::vector<std::pair<std::string, Json>> object;

  const Json* find(const std::string& key) const {
    for (const auto& [k, v] : object)
      if (k == key) return &v;
    return nullptr;
  }
  const Json& at(const std::string& key) const {
    const Json* v = find(key);
    if (!v) throw std::runtime_error("JSON object lacks '" + key + "'");
    return *v;
  }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& text) : s_(text) {}

  Json parse() {
    Json v = value();
    space();
    if (pos_ != s_.size()) error("trailing characters");
    return v;
  }

 private:
  [[noreturn]] void error(const std::string& what) {
    throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(pos_));
  }
  void space() {
    while (pos_ < s_.size() && std::strchr(" \t\r\n", s_[pos_])) ++pos_;
  }
  bool eat(char c) {
    space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) error(std::string("expected '") + c + "'");
  }
  bool literal(const char* word) {
    size_t n = std::strlen(word);
    if (s_.compare(pos_, n, word) == 0) {
      pos_ += n;
      return true;
    }
    return false;
  }
  static void utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  uint32_t hex4() {
    if (pos_ + 4 > s_.size()) error("short \\u escape");
    uint32_t cp = static_cast<uint32_t>(std::stoul(s_.substr(pos_, 4), nullptr, 16));
    pos_ += 4;
    return cp;
  }
  std::string str() {
    expect('"');
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) error("unterminated string");
      char c = s_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) error("unterminated escape");
      char e = s_[pos_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && literal("\\u")) cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4() - 0xDC00);
          utf8(out, cp);
          break;
        }
        default: out += e;
      }
    }
  }
  Json value() {
    space();
    if (pos_ >= s_.size()) error("unexpected end");
    Json v;
    char c = s_[pos_];
    if (c == '{') {
      ++pos_;
      v.kind = Json::Kind::Object;
      if (eat('}')) return v;
      do {
        space();
        std::string k = str();
        expect(':');
        v.object.emplace_back(std::move(k), value());
      } while (eat(','));
      expect('}');
    } else if (c == '[') {
      ++pos_;
      v.kind = Json::Kind::Array;
      if (eat(']')) return v;
      do v.array.push_back(value());
      while (eat(','));
      expect(']');
    } else if (c == '"') {
      v.kind = Json::Kind::String;
      v.string = str();
    } else if (literal("true")) {
      v.kind = Json::Kind::Bool;
      v.boolean = true;
    } else if (literal("false")) {
      v.kind = Json::Kind::Bool;
    } else if (literal("null")) {
    } else {
      const char* begin = s_.c_str() + pos_;
      char* end = nullptr;
      v.kind = Json::Kind::Number;
      v.number = std::strtod(begin, &end);
      if (end == begin) error("unexpected character");
      pos_ += static_cast<size_t>(end - begin);
    }
    return v;
  }

  const std::string& s_;
  size_t pos_ = 0;
};

Json parse_json(const std::string& text) { return JsonParser(text).parse(); }

// ----------------------------------------------------------------------------- files

std::string read_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path.string());
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// Program files of one corpus folder, sorted by name.
std::vector<fs::path> corpus(const char* folder) {
  std::vector<fs::path> out;
  fs::path dir = fs::path(PXP_TEST_PROGRAMS_DIR) / folder;
  if (fs::is_directory(dir))
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.path().extension() == ".pxp") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

Json expectation(const fs::path& program) {
  fs::path p = program;
  return parse_json(read_file(p.replace_extension(".expect")));
}

// ----------------------------------------------------------------------------- C ABI helpers

struct ProgramFree {
  void operator()(pxp_program* p) const { pxp_program_free(p); }
};
struct PipelineFree {
  void operator()(pxp_pipeline* p) const { pxp_pipeline_free(p); }
};
struct SampleFree {
  void operator()(pxp_sample* s) const { pxp_sample_free(s); }
};
using ProgramPtr = std::unique_ptr<pxp_program, ProgramFree>;
using PipelinePtr = std::unique_ptr<pxp_pipeline, PipelineFree>;
using SamplePtr = std::unique_ptr<pxp_sample, SampleFree>;

std::string last_message() {
  const pxp_error& e = *pxp_error_last();
  return std::string(pxp_status_name(e.code)) + ": " + e.message;
}

pxp_status load(ProgramPtr& out, const std::string& bytes) {
  pxp_program* p = nullptr;
  // Copy into an exactly sized heap buffer, so a sanitizer sees any read past the end.
  std::unique_ptr<char[]> copy(new char[std::max<size_t>(bytes.size(), 1)]);
  if (!bytes.empty()) std::memcpy(copy.get(), bytes.data(), bytes.size());
  pxp_status status = pxp_program_load(&p, copy.get(), bytes.size());
  out.reset(p);
  return status;
}

// Runs sample `index` of a new pipeline with `seed`; on success the sample holds the outputs.
pxp_status run(SamplePtr& out, const pxp_program* program, uint64_t seed, uint64_t index) {
  pxp_pipeline_options options = pipeline_options();
  options.seed = seed;
  options.threads = 1;
  pxp_pipeline* pipe = nullptr;
  pxp_status status = pxp_pipeline_create(&pipe, program, &options);
  if (status != PXP_OK) return status;
  PipelinePtr pipeline(pipe);
  pxp_sample* sample = nullptr;
  status = pxp_pipeline_run(&sample, pipeline.get(), index);
  out.reset(sample);
  return status;
}

// Element k (row-major) of a tensor view, as a double and, exactly, as an integer.
struct Element {
  double real;
  int64_t integer;
};

Element element(const pxp_tensor_view& t, int64_t k) {
  int64_t offset = 0;
  for (int d = t.ndim - 1; d >= 0; --d) {
    int64_t n = t.shape[d];
    offset += (k % n) * t.strides[d];
    k /= n;
  }
  const uint8_t* p = static_cast<const uint8_t*>(t.data) + offset;
  auto get = [p](auto zero) {
    decltype(zero) v;
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  switch (t.dtype) {
    case PXP_DTYPE_U8: return {double(get(uint8_t())), get(uint8_t())};
    case PXP_DTYPE_I8: return {double(get(int8_t())), get(int8_t())};
    case PXP_DTYPE_U16: return {double(get(uint16_t())), get(uint16_t())};
    case PXP_DTYPE_I16: return {double(get(int16_t())), get(int16_t())};
    case PXP_DTYPE_I32: return {double(get(int32_t())), get(int32_t())};
    case PXP_DTYPE_I64: return {double(get(int64_t())), get(int64_t())};
    case PXP_DTYPE_F32: return {double(get(float())), 0};
    case PXP_DTYPE_F64: return {get(double()), 0};
    case PXP_DTYPE_BOOL: return {double(get(uint8_t()) != 0), get(uint8_t()) != 0};
  }
  return {0, 0};
}

int64_t numel(const pxp_tensor_view& t) {
  int64_t n = 1;
  for (int d = 0; d < t.ndim; ++d) n *= t.shape[d];
  return n;
}

// Compares a value with its expectation; returns "" when they agree, else what differs.
// With types_only, tensor values are not compared (random programs).
std::string compare(const pxp_value* v, const Json& want, bool types_only, const std::string& where) {
  const std::string& kind = want.at("kind").string;
  int32_t got_kind = -1;
  if (pxp_value_kind_get(&got_kind, v) != PXP_OK) return where + ": no kind: " + last_message();
  if (kind == "string") {
    if (got_kind != PXP_VALUE_STRING) return where + ": expected a string, got kind " + std::to_string(got_kind);
    const char* s = nullptr;
    size_t n = 0;
    pxp_value_string(&s, &n, v);
    std::string got(s, n);
    if (got != want.at("value").string)
      return where + ": expected \"" + want.at("value").string + "\", got \"" + got + "\"";
    return "";
  }
  if (kind == "list") {
    if (got_kind != PXP_VALUE_LIST) return where + ": expected a list, got kind " + std::to_string(got_kind);
    size_t n = 0;
    pxp_value_list_length(&n, v);
    const auto& items = want.at("items").array;
    if (n != items.size())
      return where + ": expected " + std::to_string(items.size()) + " items, got " + std::to_string(n);
    for (size_t i = 0; i < n; ++i) {
      const pxp_value* item = nullptr;
      if (pxp_value_list_get(&item, v, i) != PXP_OK) return where + ": " + last_message();
      std::string diff = compare(item, items[i], types_only, where + "[" + std::to_string(i) + "]");
      if (!diff.empty()) return diff;
    }
    return "";
  }
  if (got_kind != PXP_VALUE_TENSOR) return where + ": expected a tensor, got kind " + std::to_string(got_kind);
  pxp_tensor_view t;
  if (pxp_value_tensor(&t, v) != PXP_OK) return where + ": " + last_message();
  std::string dtype = pxp_dtype_name(t.dtype);
  if (dtype != want.at("dtype").string) return where + ": expected dtype " + want.at("dtype").string + ", got " + dtype;
  const auto& shape = want.at("shape").array;
  std::string got_shape, want_shape;
  for (int d = 0; d < t.ndim; ++d) got_shape += std::to_string(t.shape[d]) + ",";
  for (const auto& d : shape) want_shape += std::to_string(static_cast<int64_t>(d.number)) + ",";
  if (got_shape != want_shape) return where + ": expected shape [" + want_shape + "], got [" + got_shape + "]";
  if (types_only) return "";
  const auto& values = want.at("values").array;
  int64_t n = numel(t);
  if (static_cast<size_t>(n) != values.size()) return where + ": expected " + std::to_string(values.size()) + " values";
  bool is_float = t.dtype == PXP_DTYPE_F32 || t.dtype == PXP_DTYPE_F64;
  for (int64_t k = 0; k < n; ++k) {
    Element e = element(t, k);
    const Json& w = values[static_cast<size_t>(k)];
    double expected = w.kind == Json::Kind::Bool ? (w.boolean ? 1.0 : 0.0) : w.number;
    bool same = is_float ? std::fabs(e.real - expected) <= 1e-6 * std::max(1.0, std::fabs(expected))
                         : e.integer == static_cast<int64_t>(expected);
    if (!same)
      return where + ": element " + std::to_string(k) + " is " + std::to_string(e.real) + ", expected " +
             std::to_string(expected);
  }
  return "";
}

// Every bit of a value (kind, dtype, shape, elements in row-major order, strings, list items).
void bits(const pxp_value* v, std::string& out) {
  int32_t kind = -1;
  pxp_value_kind_get(&kind, v);
  out += "k" + std::to_string(kind) + ":";
  if (kind == PXP_VALUE_STRING) {
    const char* s = nullptr;
    size_t n = 0;
    pxp_value_string(&s, &n, v);
    out += std::to_string(n) + ":" + std::string(s, n);
  } else if (kind == PXP_VALUE_LIST) {
    size_t n = 0;
    pxp_value_list_length(&n, v);
    out += std::to_string(n) + "[";
    for (size_t i = 0; i < n; ++i) {
      const pxp_value* item = nullptr;
      pxp_value_list_get(&item, v, i);
      bits(item, out);
    }
    out += "]";
  } else {
    pxp_tensor_view t;
    pxp_value_tensor(&t, v);
    out += std::to_string(t.dtype) + "/";
    for (int d = 0; d < t.ndim; ++d) out += std::to_string(t.shape[d]) + ",";
    size_t size = pxp_dtype_size(t.dtype);
    int64_t n = numel(t);
    for (int64_t k = 0; k < n; ++k) {
      int64_t offset = 0, rest = k;
      for (int d = t.ndim - 1; d >= 0; --d) {
        offset += (rest % t.shape[d]) * t.strides[d];
        rest /= t.shape[d];
      }
      out.append(static_cast<const char*>(t.data) + offset, size);
    }
  }
}

std::string sample_bits(const pxp_sample* sample, size_t outputs) {
  std::string out;
  for (size_t i = 0; i < outputs; ++i) {
    const pxp_value* v = nullptr;
    pxp_sample_output(&v, sample, i);
    bits(v, out);
  }
  return out;
}

bool is_load_error(pxp_status s) {
  return s == PXP_EINVALID_PROGRAM || s == PXP_EUNSUPPORTED_VERSION || s == PXP_EUNKNOWN_OP || s == PXP_ETYPE;
}

// ----------------------------------------------------------------------------- (a) invalid programs

TEST(ProgramCorpus, InvalidProgramsGiveTheirStatusAndMessage) {
  auto files = corpus("invalid");
  ASSERT_GE(files.size(), 30u) << "the invalid corpus is missing; run tests/programs/make_programs.py";
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    Json want = expectation(file);
    ProgramPtr program;
    pxp_error_clear();
    pxp_status status = load(program, read_file(file));
    const pxp_error& e = *pxp_error_last();
    EXPECT_EQ(std::string(pxp_status_name(status)), want.at("status").string) << e.message;
    EXPECT_EQ(program, nullptr);
    EXPECT_EQ(e.code, status);
    EXPECT_NE(std::string(e.message).find(want.at("message").string), std::string::npos)
        << "message: " << e.message << "\nexpected to contain: " << want.at("message").string;
  }
}

// ----------------------------------------------------------------------------- (b) valid programs

TEST(ProgramCorpus, ValidProgramsGiveTheirExpectedOutputs) {
  auto files = corpus("valid");
  ASSERT_GE(files.size(), 8u) << "the valid corpus is missing; run tests/programs/make_programs.py";
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    Json want = expectation(file);
    std::string bytes = read_file(file);
    ProgramPtr program;
    ASSERT_EQ(load(program, bytes), PXP_OK) << last_message();
    size_t outputs = 0;
    ASSERT_EQ(pxp_program_output_count(&outputs, program.get()), PXP_OK);
    std::vector<std::string> names;
    for (size_t i = 0; i < outputs; ++i) {
      pxp_output_info info;
      ASSERT_EQ(pxp_program_output(&info, program.get(), i), PXP_OK);
      names.push_back(info.name);
    }
    bool deterministic = want.find("deterministic") && want.at("deterministic").boolean;
    uint64_t seed = want.find("seed") ? static_cast<uint64_t>(want.at("seed").number) : 0;
    const auto& samples = want.at("samples").array;
    ASSERT_FALSE(samples.empty());

    // Instructions computed once at load (or not), as the program says.
    if (want.find("constant_slots") || want.find("runtime_slots")) {
      const char* description = nullptr;
      ASSERT_EQ(pxp_program_describe(&description, program.get()), PXP_OK);
      Json d = parse_json(description);
      const auto& instructions = d.at("instructions").array;
      for (const char* field : {"constant_slots", "runtime_slots"}) {
        if (!want.find(field)) continue;
        bool constant = std::string(field) == "constant_slots";
        for (const auto& slot : want.at(field).array) {
          size_t s = static_cast<size_t>(slot.number);
          ASSERT_LT(s, instructions.size());
          EXPECT_EQ(instructions[s].at("constant").boolean, constant) << "slot " << s << " " << field;
        }
      }
    }

    for (size_t k = 0; k < samples.size(); ++k) {
      SamplePtr sample;
      ASSERT_EQ(run(sample, program.get(), seed, k), PXP_OK) << "sample " << k << ": " << last_message();
      const Json& expected = samples[k];
      EXPECT_EQ(expected.object.size(), outputs) << "sample " << k << ": number of outputs";
      for (size_t i = 0; i < outputs; ++i) {
        const Json* w = expected.find(names[i]);
        if (!w) {
          ADD_FAILURE() << "sample " << k << ": output '" << names[i] << "' is not expected";
          continue;
        }
        const pxp_value* v = nullptr;
        ASSERT_EQ(pxp_sample_output(&v, sample.get(), i), PXP_OK);
        std::string diff = compare(v, *w, deterministic, "sample " + std::to_string(k) + " output " + names[i]);
        EXPECT_TRUE(diff.empty()) << diff;
      }
      if (deterministic) {
        // A second load of the same bytes and a fresh pipeline give the same bits.
        ProgramPtr again;
        ASSERT_EQ(load(again, bytes), PXP_OK) << last_message();
        SamplePtr other;
        ASSERT_EQ(run(other, again.get(), seed, k), PXP_OK) << last_message();
        EXPECT_EQ(sample_bits(sample.get(), outputs), sample_bits(other.get(), outputs)) << "sample " << k;
      }
    }
  }
}

// ----------------------------------------------------------------------------- (c) truncations

TEST(ProgramCorpus, EveryTruncationOfAValidProgramIsAnError) {
  auto files = corpus("valid");
  ASSERT_FALSE(files.empty());
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    std::string bytes = read_file(file);
    for (size_t n = 0; n < bytes.size(); ++n) {
      ProgramPtr program;
      pxp_status status = load(program, bytes.substr(0, n));
      ASSERT_TRUE(is_load_error(status)) << "prefix of " << n << " bytes: " << pxp_status_name(status);
      ASSERT_EQ(program, nullptr);
    }
  }
}

// ----------------------------------------------------------------------------- (d) random bytes

TEST(ProgramCorpus, RandomAndMutatedBytesNeverCrashTheLoader) {
  std::vector<std::string> seeds;
  for (const auto& file : corpus("valid")) seeds.push_back(read_file(file));
  for (const auto& file : corpus("invalid")) {
    std::string b = read_file(file);
    if (!b.empty() && b.size() < 4096) seeds.push_back(b);
  }
  ASSERT_FALSE(seeds.empty());
  // mt19937_64's sequence is fixed by the standard; only raw draws are used (no std:: distributions).
  std::mt19937_64 rng(20240607);
  auto below = [&rng](size_t n) { return n ? static_cast<size_t>(rng() % n) : 0; };
  const uint8_t interesting[] = {0x00, 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xc0, 0xc1, 0xc2, 0xc3,
                                 0xc4, 0xc6, 0xca, 0xcb, 0xcc, 0xcf, 0xd3, 0xd9, 0xdb, 0xdc, 0xdd, 0xde,
                                 0xdf, 0xe0, 0xff};
  auto start = std::chrono::steady_clock::now();
  int loaded = 0, ran = 0;
  constexpr int kCases = 10000;
  for (int iteration = 0; iteration < kCases; ++iteration) {
    std::string bytes;
    size_t kind = below(10);
    if (kind < 3) {
      // Pure random bytes; sometimes behind a map header, so more of them reach the field checks.
      size_t n = below(200);
      if (kind == 0) bytes += static_cast<char>(0x80 | below(16));
      for (size_t i = 0; i < n; ++i) bytes += static_cast<char>(rng() & 0xff);
    } else {
      bytes = seeds[below(seeds.size())];
      size_t mutations = 1 + below(4);
      for (size_t m = 0; m < mutations; ++m) {
        size_t at = below(bytes.size());
        switch (below(7)) {
          case 0:  // flip one bit
            if (!bytes.empty()) bytes[at] = static_cast<char>(bytes[at] ^ (1 << below(8)));
            break;
          case 1:  // random byte
            if (!bytes.empty()) bytes[at] = static_cast<char>(rng() & 0xff);
            break;
          case 2:  // a msgpack type byte
            if (!bytes.empty()) bytes[at] = static_cast<char>(interesting[below(sizeof interesting)]);
            break;
          case 3:  // insert
            bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char>(rng() & 0xff));
            break;
          case 4:  // delete
            if (!bytes.empty()) bytes.erase(at, 1 + below(4));
            break;
          case 5: {  // duplicate a chunk
            std::string chunk = bytes.substr(at, 1 + below(16));
            bytes.insert(below(bytes.size() + 1), chunk);
            break;
          }
          default:  // truncate or append
            if (below(2)) bytes.resize(at);
            else bytes += static_cast<char>(rng() & 0xff);
        }
      }
    }
    ProgramPtr program;
    pxp_status status = load(program, bytes);
    if (status == PXP_OK) {
      ++loaded;
      ASSERT_NE(program, nullptr);
      SamplePtr sample;
      pxp_status run_status = run(sample, program.get(), 0, 0);
      ASSERT_LE(run_status, PXP_OK) << "case " << iteration;
      if (run_status == PXP_OK) ++ran;
    } else {
      ASSERT_LT(status, PXP_OK) << "case " << iteration;
      ASSERT_NE(status, PXP_EINTERNAL) << "case " << iteration << ": " << last_message();
      ASSERT_EQ(program, nullptr);
      const pxp_error& e = *pxp_error_last();
      ASSERT_EQ(e.code, status);
      ASSERT_GT(std::strlen(e.message), 0u);
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("loaded", loaded);
  RecordProperty("ran", ran);
  std::printf("[ fuzz     ] %d cases in %.2f s: %d loaded, %d ran sample 0\n", kCases, seconds, loaded, ran);
}

}  // namespace
