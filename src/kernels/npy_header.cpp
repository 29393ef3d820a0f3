#include "kernels/npy_header.hpp"

#include <cstring>
#include <limits>
#include <optional>

namespace pxp::kernels {

namespace {

// "\x93NUMPY", major, minor, then the header length (2 bytes little-endian in version 1, 4 in
// versions 2 and 3) and the header: an ASCII Python dict literal padded with spaces to a newline,
// e.g. {'descr': '<u2', 'fortran_order': False, 'shape': (60000, 28, 28), }
constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

[[noreturn]] void invalid_npy(const std::string& file, const std::string& what) {
  fail(PXP_EDECODE, "'" + file + "' is not a valid .npy file: " + what);
}

// Parses the dict literal that numpy.lib.format writes (a small subset of Python: quoted strings
// without escapes, True/False, tuples of non-negative integers), and nothing else.
class HeaderParser {
 public:
  HeaderParser(const char* begin, const char* end, const std::string& file) : p_(begin), end_(end), file_(file) {}

  [[noreturn]] void error(const std::string& what) const { invalid_npy(file_, what); }

  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  bool consume(char c) {
    skip_space();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  void expect(char c, const char* where) {
    if (!consume(c)) error(std::string("expected '") + c + "' " + where + " in its header");
  }

  bool at_end() {
    skip_space();
    return p_ == end_;
  }

  std::string quoted() {
    skip_space();
    if (p_ == end_ || (*p_ != '\'' && *p_ != '"')) error("expected a quoted string in its header");
    char quote = *p_++;
    const char* start = p_;
    while (p_ < end_ && *p_ != quote) {
      if (*p_ == '\\') error("its header has an escaped string (not written by numpy for simple dtypes)");
      ++p_;
    }
    if (p_ == end_) error("its header has an unterminated string");
    return std::string(start, p_++);
  }

  bool boolean() {
    skip_space();
    for (auto [word, value] : {std::pair<const char*, bool>{"True", true}, {"False", false}}) {
      size_t n = std::strlen(word);
      if (static_cast<size_t>(end_ - p_) >= n && std::memcmp(p_, word, n) == 0) {
        p_ += n;
        return value;
      }
    }
    error("'fortran_order' must be True or False");
  }

  // (a, b, c) / (a,) / (): at most kMaxDims entries, each below 2^62 (the byte count is checked
  // for overflow separately).
  Shape tuple() {
    expect('(', "to open 'shape'");
    Shape shape;
    while (!consume(')')) {
      skip_space();
      if (p_ == end_ || *p_ < '0' || *p_ > '9') error("'shape' must be a tuple of non-negative integers");
      uint64_t d = 0;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
        d = d * 10 + static_cast<uint64_t>(*p_++ - '0');
        if (d >= (uint64_t(1) << 62)) error("'shape' has an absurd dimension");
      }
      if (shape.size() == static_cast<size_t>(kMaxDims))
        error("the array has more than " + std::to_string(kMaxDims) +
              " dimensions (rows of at most " + std::to_string(kMaxDims - 1) + ", so that a batch of rows fits)");
      shape.push_back(static_cast<int64_t>(d));
      if (!consume(',')) {
        expect(')', "to close 'shape'");
        break;
      }
    }
    return shape;
  }

 private:
  const char* p_;
  const char* end_;
  const std::string& file_;
};

// '<u1', '|u1' ... -> DType. '|' (no byte order) only for one-byte types; '>' is refused.
DType dtype_of_descr(const std::string& descr, const HeaderParser& parser) {
  static const std::pair<const char*, DType> kCodes[] = {
      {"u1", DType::U8},  {"i1", DType::I8},  {"u2", DType::U16}, {"i2", DType::I16}, {"i4", DType::I32},
      {"i8", DType::I64}, {"f4", DType::F32}, {"f8", DType::F64}, {"b1", DType::Bool}};
  if (descr.size() == 3 && (descr[0] == '<' || descr[0] == '|')) {
    for (const auto& [code, dtype] : kCodes)
      if (descr.compare(1, 2, code) == 0 && (descr[0] == '<' || dtype_size(dtype) == 1)) return dtype;
  }
  if (!descr.empty() && descr[0] == '>')
    parser.error("its dtype '" + descr + "' is big-endian (the library reads little-endian data)");
  parser.error("its dtype '" + descr +
               "' is not one of the library's (u8 i8 u16 i16 i32 i64 f32 f64 bool, little-endian: '|u1', '<u2', "
               "'<f4' ...)");
}

}  // namespace

NpyHeader parse_npy_header(const uint8_t* data, uint64_t prefix_size, uint64_t size, const std::string& file) {
  if (prefix_size > size) argument_error("parse_npy_header: a prefix longer than the file");
  if (prefix_size < kMagicSize + 2 || std::memcmp(data, kMagic, kMagicSize) != 0)
    invalid_npy(file, "it does not start with the .npy magic \"\\x93NUMPY\"");
  const unsigned major = data[6], minor = data[7];
  if (minor != 0 || major < 1 || major > 3)
    invalid_npy(file, "its format version " + std::to_string(major) + "." + std::to_string(minor) +
                          " is not 1.0, 2.0 or 3.0");
  const uint64_t length_bytes = major == 1 ? 2 : 4;
  const uint64_t preamble = kMagicSize + 2 + length_bytes;
  if (prefix_size < preamble) invalid_npy(file, "it ends inside its preamble (" + std::to_string(size) + " bytes)");
  uint64_t header_length = 0;
  for (uint64_t k = 0; k < length_bytes; ++k) header_length |= uint64_t(data[8 + k]) << (8 * k);
  if (header_length > size - preamble)
    invalid_npy(file, "its header declares " + std::to_string(header_length) + " bytes, but the file has only " +
                          std::to_string(size - preamble) + " after the preamble");
  if (header_length > kMaxNpyHeaderBytes)
    invalid_npy(file, "its header declares " + std::to_string(header_length) + " bytes, more than the limit of " +
                          std::to_string(kMaxNpyHeaderBytes));
  if (header_length > prefix_size - preamble)
    argument_error("parse_npy_header: the prefix of '" + file + "' does not hold its header");

  NpyHeader h;
  h.data_offset = preamble + header_length;
  const char* text = reinterpret_cast<const char*>(data + preamble);
  HeaderParser parser(text, text + header_length, file);
  std::optional<std::string> descr;
  std::optional<bool> fortran_order;
  std::optional<Shape> shape;
  parser.expect('{', "at the start");
  while (!parser.consume('}')) {
    std::string key = parser.quoted();
    parser.expect(':', "after a key");
    if (key == "descr" && !descr) descr = parser.quoted();
    else if (key == "fortran_order" && !fortran_order) fortran_order = parser.boolean();
    else if (key == "shape" && !shape) shape = parser.tuple();
    else if (key == "descr" || key == "fortran_order" || key == "shape") parser.error("its header has '" + key + "' twice");
    else parser.error("its header has the unknown key '" + key + "' (structured dtypes are not supported)");
    if (!parser.consume(',')) {
      parser.expect('}', "to close the dict");
      break;
    }
  }
  if (!parser.at_end()) parser.error("its header has text after the dict");
  if (!descr || !fortran_order || !shape) parser.error("its header lacks 'descr', 'fortran_order' or 'shape'");
  h.dtype = dtype_of_descr(*descr, parser);
  if (*fortran_order) parser.error("the array is in Fortran order (store it C-contiguous: np.ascontiguousarray)");
  if (shape->empty()) parser.error("the array has no dimensions (0-d): it has no rows");
  h.shape = std::move(*shape);

  // A row obeys the limits of any tensor (checked_numel: also the product of the non-zero
  // dimensions of an empty one); the whole file is only bounded by the size it really has.
  int64_t row_elements = 0;
  try {
    row_elements = checked_numel(h.row_shape(), dtype_size(h.dtype));
  } catch (const Error&) {
    parser.error("its rows are larger than 16 GiB, the limit of one tensor");
  }
  const uint64_t row = static_cast<uint64_t>(row_elements) * dtype_size(h.dtype);
  h.row_bytes = row;
  const uint64_t limit = std::numeric_limits<uint64_t>::max();
  auto rows = static_cast<uint64_t>(h.shape[0]);
  if (row != 0 && rows > (limit - h.data_offset) / row)
    invalid_npy(file, "its shape declares more data than any file can hold");
  const uint64_t expected = h.data_offset + rows * row;
  if (expected != size)
    invalid_npy(file, "its header declares " + std::to_string(rows * row) + " bytes of data after " +
              std::to_string(h.data_offset) + " bytes of header, " + std::to_string(expected) +
              " in all, but the file has " + std::to_string(size) + " bytes");
  return h;
}

}  // namespace pxp::kernels
