#include "kernels/pnm_decoder.hpp"

#include <algorithm>
#include <string>

namespace pxp::kernels {

namespace {

[[noreturn]] void pnm_error(const std::string& what) { fail(PXP_EDECODE, "invalid PNM data: " + what); }

bool is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Reads the header's and the text formats' numbers: white space and # comments (to the end of
// the line) between them.
struct Reader {
  const uint8_t* data;
  size_t size;
  size_t pos;

  void skip_space() {
    while (pos < size) {
      if (is_space(data[pos])) {
        ++pos;
      } else if (data[pos] == '#') {
        while (pos < size && data[pos] != '\n' && data[pos] != '\r') ++pos;
      } else {
        break;
      }
    }
  }
  // A decimal number up to `limit`; what = "width", "a sample" ...
  uint64_t number(const char* what, uint64_t limit) {
    skip_space();
    if (pos >= size) pnm_error(std::string("the data ends before ") + what + " (the file is truncated)");
    if (data[pos] < '0' || data[pos] > '9') pnm_error(std::string("expected ") + what + ", found a non-digit");
    uint64_t v = 0;
    while (pos < size && data[pos] >= '0' && data[pos] <= '9') {
      v = v * 10 + (data[pos++] - '0');
      if (v > limit) pnm_error(std::string(what) + " is over " + std::to_string(limit));
    }
    return v;
  }
};

struct Header {
  char kind;  // '1' to '6'
  uint64_t width, height, maxval;
  int64_t channels;
  size_t data_at;  // after the single white-space byte that ends a binary header
};

Header read_header(const uint8_t* data, size_t size) {
  if (size == 0) pnm_error("the buffer is empty");
  if (!is_pnm(data, size)) pnm_error("no P1 to P6 signature");
  Header h;
  h.kind = static_cast<char>(data[1]);
  Reader r{data, size, 2};
  h.width = r.number("the width", UINT32_MAX);
  h.height = r.number("the height", UINT32_MAX);
  bool bitmap = h.kind == '1' || h.kind == '4';
  h.maxval = bitmap ? 1 : r.number("maxval", 65535);
  if (h.maxval == 0) pnm_error("maxval is 0");
  if (r.pos >= size || !is_space(data[r.pos])) pnm_error("the header does not end with white space");
  h.data_at = r.pos + 1;
  h.channels = (h.kind == '3' || h.kind == '6') ? 3 : 1;
  return h;
}

template <typename T>
void read_text(const Header& h, const uint8_t* data, size_t size, T* out, uint64_t count) {
  Reader r{data, size, h.data_at - 1};
  for (uint64_t i = 0; i < count; ++i) {
    if (h.kind == '1') {  // single digits, white space optional
      r.skip_space();
      if (r.pos >= size) pnm_error("the data ends before the last pixel (the file is truncated)");
      uint8_t c = data[r.pos++];
      if (c != '0' && c != '1') pnm_error("a PBM pixel that is neither 0 nor 1");
      out[i] = c == '1' ? 0 : 255;
    } else {
      out[i] = static_cast<T>(r.number("a sample", h.maxval));
    }
  }
}

template <typename T>
void read_binary(const Header& h, const uint8_t* data, size_t size, T* out, uint64_t count) {
  size_t bytes_per_sample = h.maxval > 255 ? 2 : 1;
  const uint8_t* p = data + h.data_at;
  size_t available = size - h.data_at;
  if (h.kind == '4') {  // rows of bits, each row padded to a byte
    uint64_t row = (h.width + 7) / 8;
    if (available / row < h.height) pnm_error("the data ends before the last row (the file is truncated)");
    for (uint64_t y = 0; y < h.height; ++y)
      for (uint64_t x = 0; x < h.width; ++x)
        out[y * h.width + x] = ((p[y * row + x / 8] >> (7 - x % 8)) & 1) ? 0 : 255;
    return;
  }
  if (available / bytes_per_sample < count) pnm_error("the data ends before the last sample (the file is truncated)");
  for (uint64_t i = 0; i < count; ++i) {
    uint32_t v = bytes_per_sample == 2 ? (uint32_t(p[2 * i]) << 8 | p[2 * i + 1]) : p[i];
    if (v > h.maxval)
      pnm_error("a sample of " + std::to_string(v) + " is over maxval " + std::to_string(h.maxval));
    out[i] = static_cast<T>(v);
  }
}

}  // namespace

bool is_pnm(const uint8_t* data, size_t size) {
  return size >= 3 && data[0] == 'P' && data[1] >= '1' && data[1] <= '6' && is_space(data[2]);
}

ImageSize read_pnm_header(const uint8_t* data, size_t size) {
  Header h = read_header(data, size);
  if (h.width == 0 || h.height == 0) pnm_error("the image has no pixels");
  return {static_cast<int64_t>(h.height), static_cast<int64_t>(h.width)};
}

Tensor decode_pnm(const uint8_t* data, size_t size, const DecodeOptions& options) {
  Header h = read_header(data, size);
  check_decode_pixels("PNM", h.width, h.height, options.max_pixels);
  DType dtype = h.maxval > 255 ? DType::U16 : DType::U8;
  if (h.width * h.height > UINT64_MAX / 8) pnm_error("the declared size is too large");
  uint64_t count = h.width * h.height * static_cast<uint64_t>(h.channels);
  bool text = h.kind <= '3';
  // Before allocating: the data must be long enough (a text sample takes at least one byte), so a
  // short file cannot make us allocate for a huge declared image.
  uint64_t needed = h.kind == '4' ? (h.width + 7) / 8 * h.height : text ? count : count * (h.maxval > 255 ? 2 : 1);
  if (size - std::min<size_t>(size, h.data_at) < needed)
    pnm_error("the data ends before the last sample (the file is truncated): " + std::to_string(needed) +
              " bytes of samples needed");
  Tensor image = Tensor::empty(dtype, {static_cast<int64_t>(h.height), static_cast<int64_t>(h.width), h.channels});
  if (dtype == DType::U8) {
    if (text) read_text(h, data, size, image.mutable_data<uint8_t>(), count);
    else read_binary(h, data, size, image.mutable_data<uint8_t>(), count);
  } else {
    if (text) read_text(h, data, size, image.mutable_data<uint16_t>(), count);
    else read_binary(h, data, size, image.mutable_data<uint16_t>(), count);
  }
  return to_decode_mode(image, options.mode);
}

}  // namespace pxp::kernels
