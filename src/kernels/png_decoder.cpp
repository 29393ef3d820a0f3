#include "kernels/png_decoder.hpp"

#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace pxp::kernels {

namespace {

// libpng reports errors by calling our handler, which must not return; we longjmp back to the
// phase function that called setjmp. Phase functions hold no C++ objects with destructors and
// reach all state through an unmodified pointer, so the jump is well defined; the C++ caller
// turns the recorded message into an exception.
struct Decoder {
  png_structp png = nullptr;
  png_infop info = nullptr;
  std::jmp_buf jump;
  char message[256] = {0};
  const uint8_t* data = nullptr;
  size_t size = 0, pos = 0;
};

void on_error(png_structp png, png_const_charp msg) {
  auto* d = static_cast<Decoder*>(png_get_error_ptr(png));
  std::snprintf(d->message, sizeof(d->message), "%s", msg ? msg : "unknown error");
  std::longjmp(d->jump, 1);
}

void on_warning(png_structp, png_const_charp) {}  // ancillary problems leave correct pixels

void on_read(png_structp png, png_bytep out, png_size_t length) {
  auto* d = static_cast<Decoder*>(png_get_io_ptr(png));
  if (length > d->size - d->pos) png_error(png, "premature end of PNG data (the file is truncated)");
  std::memcpy(out, d->data + d->pos, length);
  d->pos += length;
}

bool read_header(Decoder* d) {
  if (setjmp(d->jump)) return false;
  png_set_read_fn(d->png, d, on_read);
  png_read_info(d->png, d->info);
  return true;
}

struct Transform {
  PngMode mode;
  bool strip_16;
  bool swap_16;
};

bool configure(Decoder* d, const Transform* t) {
  if (setjmp(d->jump)) return false;
  png_structp png = d->png;
  png_infop info = d->info;
  int color = png_get_color_type(png, info);
  int depth = png_get_bit_depth(png, info);
  bool has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
  if (t->mode == PngMode::Indices) {
    if (depth < 8) png_set_packing(png);
  } else {
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (has_trns && t->mode == PngMode::Unchanged) png_set_tRNS_to_alpha(png);
    bool is_color = (color & PNG_COLOR_MASK_COLOR) != 0;
    if (t->mode == PngMode::Rgb || t->mode == PngMode::Gray) png_set_strip_alpha(png);
    if (t->mode == PngMode::Rgb && !is_color) png_set_gray_to_rgb(png);
    // BT.601 weights in units of 1/100000, the same luma as JPEG and color conversions use.
    if (t->mode == PngMode::Gray && is_color) png_set_rgb_to_gray_fixed(png, 1, 29900, 58700);
    if (depth == 16 && t->strip_16) png_set_strip_16(png);
    if (depth == 16 && !t->strip_16 && t->swap_16) png_set_swap(png);  // PNG is big-endian; tensors are native
  }
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  return true;
}

bool read_rows(Decoder* d, png_bytep* rows) {
  if (setjmp(d->jump)) return false;
  png_read_image(d->png, rows);
  png_read_end(d->png, nullptr);
  return true;
}

[[noreturn]] void decode_error(const Decoder& d) {
  fail(PXP_EDECODE, std::string("invalid PNG data: ") + d.message);
}

struct DecoderGuard {
  Decoder& d;
  ~DecoderGuard() {
    if (d.png) png_destroy_read_struct(&d.png, d.info ? &d.info : nullptr, nullptr);
  }
};

uint32_t read_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

void check_pixels(uint64_t width, uint64_t height, int64_t max_pixels) {
  if (width * height > static_cast<uint64_t>(max_pixels))
    fail(PXP_EDECODE, "PNG image of " + std::to_string(width) + " x " + std::to_string(height) + " pixels (" +
                          std::to_string(width * height) + ") exceeds the limit of max_pixels = " +
                          std::to_string(max_pixels));
}

bool host_is_little_endian() {
  uint16_t one = 1;
  uint8_t first;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

}  // namespace

bool is_png(const uint8_t* data, size_t size) {
  return size >= 8 && png_sig_cmp(data, 0, 8) == 0;
}

namespace {

void check_signature(const uint8_t* data, size_t size) {
  if (size == 0) fail(PXP_EDECODE, "invalid PNG data: the buffer is empty");
  if (!is_png(data, size)) fail(PXP_EDECODE, "invalid PNG data: no PNG signature");
}

void create_decoder(Decoder& d, const uint8_t* data, size_t size) {
  d.data = data;
  d.size = size;
  d.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &d, on_error, on_warning);
  if (!d.png) fail(PXP_ENOMEM, "cannot create a PNG decoder");
  d.info = png_create_info_struct(d.png);
  if (!d.info) fail(PXP_ENOMEM, "cannot create a PNG decoder");
}

}  // namespace

PngHeader read_png_header(const uint8_t* data, size_t size) {
  check_signature(data, size);
  Decoder d;
  DecoderGuard guard{d};
  create_decoder(d, data, size);
  if (!read_header(&d)) decode_error(d);
  return {static_cast<int64_t>(png_get_image_height(d.png, d.info)),
          static_cast<int64_t>(png_get_image_width(d.png, d.info))};
}

Tensor decode_png(const uint8_t* data, size_t size, const PngOptions& options) {
  check_signature(data, size);

  Decoder d;
  DecoderGuard guard{d};
  create_decoder(d, data, size);

  // The size is checked from the IHDR chunk itself (always first) before libpng reads on, so a
  // file that is nothing but a huge header is reported as too large, not as truncated.
  if (size >= 24 && std::memcmp(data + 12, "IHDR", 4) == 0)
    check_pixels(read_be32(data + 16), read_be32(data + 20), options.max_pixels);
  if (!read_header(&d)) decode_error(d);
  uint64_t width = png_get_image_width(d.png, d.info), height = png_get_image_height(d.png, d.info);
  check_pixels(width, height, options.max_pixels);
  int color = png_get_color_type(d.png, d.info);
  int depth = png_get_bit_depth(d.png, d.info);
  // Label maps come as palette PNGs (the index is the class) or as plain gray PNGs whose values
  // are the classes; anything else has no class index to read.
  if (options.mode == PngMode::Indices && color != PNG_COLOR_TYPE_PALETTE &&
      !(color == PNG_COLOR_TYPE_GRAY && depth <= 8))
    fail(PXP_EDECODE, "mode 'indices' reads palette PNGs and gray PNGs of 8 bits or fewer (label maps), but this "
                      "PNG is " + std::string(color == PNG_COLOR_TYPE_GRAY ? "16-bit gray" :
                                              color == PNG_COLOR_TYPE_GRAY_ALPHA ? "gray with alpha" :
                                              color == PNG_COLOR_TYPE_RGB ? "RGB" : "RGBA") +
                      ": decode it with mode 'unchanged' or 'rgb'");

  Transform t{options.mode, options.force_8bit, host_is_little_endian()};
  if (!configure(&d, &t)) decode_error(d);

  int64_t channels = png_get_channels(d.png, d.info);
  int out_depth = png_get_bit_depth(d.png, d.info);
  DType dtype = out_depth == 16 ? DType::U16 : DType::U8;
  int64_t expected = options.mode == PngMode::Rgb ? 3 : (options.mode == PngMode::Unchanged ? channels : 1);
  size_t row_bytes = static_cast<size_t>(width) * static_cast<size_t>(channels) * dtype_size(dtype);
  if (channels != expected || (out_depth != 8 && out_depth != 16) ||
      png_get_rowbytes(d.png, d.info) != row_bytes)
    fail(PXP_EDECODE, "invalid PNG data: unsupported layout (color type " + std::to_string(color) + ", " +
                          std::to_string(depth) + " bits)");

  Tensor image = Tensor::empty(dtype, {static_cast<int64_t>(height), static_cast<int64_t>(width), channels});
  std::vector<png_bytep> rows(height);
  for (uint64_t y = 0; y < height; ++y) rows[y] = image.mutable_bytes() + y * row_bytes;
  if (!read_rows(&d, rows.data())) decode_error(d);
  return image;
}

}  // namespace pxp::kernels
