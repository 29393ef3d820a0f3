#include "image_test_codecs.hpp"

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <jpeglib.h>
#include <png.h>
#include <turbojpeg.h>

namespace pxp::test {

Bytes encode_jpeg(const Tensor& image, int quality, bool progressive) {
  jpeg_compress_struct info;
  jpeg_error_mgr err;
  info.err = jpeg_std_error(&err);  // test inputs are valid: libjpeg's default handler is fine
  jpeg_create_compress(&info);
  unsigned char* out = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&info, &out, &size);
  info.image_width = static_cast<JDIMENSION>(image.dim(1));
  info.image_height = static_cast<JDIMENSION>(image.dim(0));
  info.input_components = static_cast<int>(image.dim(2));
  info.in_color_space = image.dim(2) == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, quality, TRUE);
  if (progressive) jpeg_simple_progression(&info);
  jpeg_start_compress(&info, TRUE);
  Tensor c = image.contiguous();
  size_t stride = static_cast<size_t>(image.dim(1) * image.dim(2));
  while (info.next_scanline < info.image_height) {
    JSAMPROW row = const_cast<uint8_t*>(c.bytes()) + stride * info.next_scanline;
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  Bytes bytes(out, out + size);
  jpeg_destroy_compress(&info);
  std::free(out);
  return bytes;
}

namespace {
void png_write_to_vector(png_structp png, png_bytep data, png_size_t length) {
  auto* v = static_cast<Bytes*>(png_get_io_ptr(png));
  v->insert(v->end(), data, data + length);
}
void png_flush_nothing(png_structp) {}
}  // namespace

Bytes encode_png(const Tensor& image, const PngSpec& spec) {
  Bytes bytes;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) throw std::runtime_error("test PNG encoding failed");
  png_set_write_fn(png, &bytes, png_write_to_vector, png_flush_nothing);
  int64_t h = image.dim(0), w = image.dim(1), c = image.ndim() == 3 ? image.dim(2) : 1;
  int color = spec.color_type;
  if (color < 0)
    color = c == 1 ? PNG_COLOR_TYPE_GRAY : c == 2 ? PNG_COLOR_TYPE_GRAY_ALPHA : c == 3 ? PNG_COLOR_TYPE_RGB
                                                                                        : PNG_COLOR_TYPE_RGBA;
  int depth = spec.bit_depth > 0 ? spec.bit_depth : (image.dtype() == DType::U16 ? 16 : 8);
  png_set_IHDR(png, info, static_cast<png_uint_32>(w), static_cast<png_uint_32>(h), depth, color,
               spec.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  std::vector<png_color> palette;
  for (size_t i = 0; i + 2 < spec.palette.size(); i += 3)
    palette.push_back({spec.palette[i], spec.palette[i + 1], spec.palette[i + 2]});
  if (!palette.empty()) png_set_PLTE(png, info, palette.data(), static_cast<int>(palette.size()));
  if (!spec.trns.empty())
    png_set_tRNS(png, info, spec.trns.data(), static_cast<int>(spec.trns.size()), nullptr);
  png_write_info(png, info);
  if (depth < 8) png_set_packing(png);
  if (depth == 16) png_set_swap(png);
  Tensor src = image.contiguous();
  size_t stride = static_cast<size_t>(w * c) * dtype_size(image.dtype());
  std::vector<png_bytep> rows(static_cast<size_t>(h));
  for (int64_t y = 0; y < h; ++y) rows[y] = const_cast<uint8_t*>(src.bytes()) + y * stride;
  png_write_image(png, rows.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return bytes;
}

Bytes png_header_only(uint32_t width, uint32_t height) {
  Bytes bytes;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) throw std::runtime_error("test PNG header failed");
  png_set_write_fn(png, &bytes, png_write_to_vector, png_flush_nothing);
  png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_destroy_write_struct(&png, &info);
  return bytes;
}

Tensor turbojpeg_decode(const Bytes& data, bool gray, int scale_denom) {
  tjhandle tj = tjInitDecompress();
  int w = 0, h = 0, sub = 0, space = 0;
  if (tjDecompressHeader3(tj, data.data(), data.size(), &w, &h, &sub, &space) != 0)
    throw std::runtime_error(tjGetErrorStr2(tj));
  int sw = (w + scale_denom - 1) / scale_denom, sh = (h + scale_denom - 1) / scale_denom;
  int c = gray ? 1 : 3;
  Tensor out = Tensor::empty(DType::U8, {sh, sw, c});
  if (tjDecompress2(tj, data.data(), data.size(), out.mutable_bytes(), sw, 0, sh, gray ? TJPF_GRAY : TJPF_RGB, 0) !=
      0)
    throw std::runtime_error(tjGetErrorStr2(tj));
  tjDestroy(tj);
  return out;
}

Tensor pattern_u8(int64_t h, int64_t w, int64_t c, uint32_t seed) {
  Tensor t = Tensor::empty(DType::U8, {h, w, c});
  uint32_t state = seed * 2654435761u + 1;
  uint8_t* p = t.mutable_bytes();
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      for (int64_t k = 0; k < c; ++k) {
        state = state * 1664525u + 1013904223u;
        int v = static_cast<int>((x * 255) / std::max<int64_t>(1, w - 1) * (k % 2 == 0) +
                                 (y * 255) / std::max<int64_t>(1, h - 1) * (k % 2 == 1)) / 2 +
                static_cast<int>(k * 40) + static_cast<int>((state >> 24) & 15);
        p[(y * w + x) * c + k] = static_cast<uint8_t>(v & 255);
      }
  return t;
}

Tensor pattern_f32(int64_t h, int64_t w, int64_t c, uint32_t seed) {
  Tensor u = pattern_u8(h, w, c, seed);
  Tensor t = Tensor::empty(DType::F32, {h, w, c});
  for (int64_t i = 0; i < u.numel(); ++i) t.mutable_data<float>()[i] = u.data<uint8_t>()[i] / 255.0f - 0.25f;
  return t;
}

Tensor bytes_tensor(const Bytes& b) {
  Tensor t = Tensor::empty(DType::U8, {static_cast<int64_t>(b.size())});
  if (!b.empty()) std::memcpy(t.mutable_bytes(), b.data(), b.size());
  return t;
}

}  // namespace pxp::test
