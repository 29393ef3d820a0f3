#include "kernels/image_geometry.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "kernels/cpu_features.hpp"
#include "kernels/cv_bridge.hpp"
#include "kernels/rounding.hpp"

namespace pxp::kernels {

namespace {

// Shape of an image of the same rank and channels as `like`, with another height and width.
Shape image_shape_like(const Tensor& like, int64_t height, int64_t width) {
  Shape s{height, width};
  if (like.ndim() == 3) s.push_back(like.dim(2));
  return s;
}

size_t pixel_bytes(const Tensor& image) {
  return dtype_size(image.dtype()) * static_cast<size_t>(image_shape(image).channels);
}

// One pixel of `value` converted to the dtype, repeated over the channels.
std::vector<uint8_t> constant_pixel(DType dtype, int64_t channels, double value) {
  std::vector<uint8_t> pixel(dtype_size(dtype) * static_cast<size_t>(channels));
  dispatch_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    T v = saturate_cast<T>(value);
    for (int64_t c = 0; c < channels; ++c) std::memcpy(pixel.data() + c * sizeof(T), &v, sizeof(T));
  });
  return pixel;
}

// OpenCV's transpose has kernels only for pixels of 1, 2, 3, 4, 6, 8, 12, 16, 24 and 32 bytes (it
// asserts on others, e.g. 7 u8 channels of an instance-mask stack); the rest take this loop.
bool opencv_transposes(size_t pixel_bytes) {
  switch (pixel_bytes) {
    case 1: case 2: case 3: case 4: case 6: case 8: case 12: case 16: case 24: case 32: return true;
    default: return false;
  }
}

void transpose_bytes(const uint8_t* src, size_t src_stride, uint8_t* dst, size_t dst_stride, int64_t h, int64_t w,
                     size_t px) {
  constexpr int64_t kTile = 32;  // stays in cache on both sides
  for (int64_t y0 = 0; y0 < h; y0 += kTile)
    for (int64_t x0 = 0; x0 < w; x0 += kTile)
      for (int64_t y = y0; y < std::min(h, y0 + kTile); ++y)
        for (int64_t x = x0; x < std::min(w, x0 + kTile); ++x)
          std::memcpy(dst + x * dst_stride + y * px, src + y * src_stride + x * px, px);
}

// One row's pixels in reverse order. A fixed pixel size lets the compiler turn each memcpy into
// one move; OpenCV 4.6's flip falls back to a byte loop for 3-byte pixels (RGB u8), 5x slower.
template <size_t Px> void mirror_row_of(const uint8_t* from, uint8_t* to, int64_t width) {
  const uint8_t* p = from + static_cast<size_t>(width - 1) * Px;
  for (int64_t x = 0; x < width; ++x, p -= Px, to += Px) std::memcpy(to, p, Px);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// 3-byte pixels (RGB u8), five per step: a 16-byte load whose bytes 1..15 are the source pixels
// s..s+4, reversed pixel-wise by one byte shuffle. The 16th byte stored is the next step's first
// (rewritten there), and the loop stops before a load or store could leave the row.
__attribute__((target("ssse3"))) int64_t mirror_row3_ssse3(const uint8_t* from, uint8_t* to, int64_t width) {
  const __m128i reverse = _mm_setr_epi8(13, 14, 15, 10, 11, 12, 7, 8, 9, 4, 5, 6, 1, 2, 3, 0);
  int64_t x = 0;
  for (; x + 6 <= width; x += 5) {
    const int64_t s = width - 5 - x;   // first source pixel of these five (>= 1)
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + s * 3 - 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(to + x * 3), _mm_shuffle_epi8(v, reverse));
  }
  return x;
}


// The same with AVX-512 VBMI's byte permutes. Blocks of 64 pixels (three registers): each output
// register takes its 64 bytes from a 128-byte window of the source with one two-table permute, so
// every store is a whole register (a 63-byte step splits nearly every store over two cache lines:
// the whole flip of a 256 x 256 photo took 1.1x the time). The rest of the row goes 21 pixels (63 bytes) per
// step with masked loads and stores that stay inside the row, and its last r < 21 pixels in one
// more masked step (a 3-byte copy per pixel there made a 224-wide flip 1.6x slower).
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) int64_t mirror_row3_vbmi(const uint8_t* from, uint8_t* to,
                                                                                 int64_t width) {
  // Output byte j of a 64-pixel block takes source byte (63 - j / 3) * 3 + j % 3 of the block.
  // Output register r reads the 128 source bytes from first[r] on: bytes 126-191, 63-128 and 0-65
  // are what its 64 bytes need.
  static constexpr int first[3] = {64, 63, 0};
  static const auto orders = [] {
    struct alignas(64) Bytes {
      uint8_t v[3][64] = {};
      uint8_t last[22][64] = {};  // a block of n <= 21 pixels: output byte j takes (n - 1 - j / 3) * 3 + j % 3
    } b;
    for (int r = 0; r < 3; ++r)
      for (int k = 0; k < 64; ++k) {
        int j = r * 64 + k;
        b.v[r][k] = static_cast<uint8_t>((63 - j / 3) * 3 + j % 3 - first[r]);
      }
    for (int n = 1; n <= 21; ++n)
      for (int j = 0; j < 3 * n; ++j) b.last[n][j] = static_cast<uint8_t>((n - 1 - j / 3) * 3 + j % 3);
    return b;
  }();
  const __m512i order0 = _mm512_load_si512(orders.v[0]), order1 = _mm512_load_si512(orders.v[1]),
                order2 = _mm512_load_si512(orders.v[2]), order21 = _mm512_load_si512(orders.last[21]);
  // The source is read from its first pixel on (ascending addresses: an image too large for the
  // caches streams in through the prefetchers; read from the row's end down, the flip of a
  // 1024 x 1024 photo took twice cv2.flip's time on an AMD EPYC). Output [0, full) comes from
  // 64-pixel blocks of the source's last `full` pixels, output [full, width) from its first ones.
  const int64_t full = width / 64 * 64, rest = width - full, partial = rest % 21;
  if (partial > 0) {  // the row's first `partial` source pixels, reversed, at the row's end
    const __mmask64 bytes = (__mmask64(1) << (3 * partial)) - 1;
    const __m512i v = _mm512_maskz_loadu_epi8(bytes, from);
    _mm512_mask_storeu_epi8(to + (width - partial) * 3, bytes,
                            _mm512_maskz_permutexvar_epi8(bytes, _mm512_load_si512(orders.last[partial]), v));
  }
  const __mmask64 bytes63 = (__mmask64(1) << 63) - 1;
  for (int64_t x = width - partial - 21; x >= full; x -= 21) {  // source pixels partial, partial + 21, ...
    const __m512i v = _mm512_maskz_loadu_epi8(bytes63, from + (width - 21 - x) * 3);
    _mm512_mask_storeu_epi8(to + x * 3, bytes63, _mm512_maskz_permutexvar_epi8(bytes63, order21, v));
  }
  for (int64_t x = full - 64; x >= 0; x -= 64) {  // source pixels rest, rest + 64, ...
    const uint8_t* block = from + (width - 64 - x) * 3;
    const __m512i s0 = _mm512_loadu_si512(block), s1 = _mm512_loadu_si512(block + 64),
                  s2 = _mm512_loadu_si512(block + 128);
    const __m512i m0 = _mm512_loadu_si512(block + 63), m1 = _mm512_loadu_si512(block + 127);
    _mm512_storeu_si512(to + x * 3, _mm512_permutex2var_epi8(s1, order0, s2));
    _mm512_storeu_si512(to + x * 3 + 64, _mm512_permutex2var_epi8(m0, order1, m1));
    _mm512_storeu_si512(to + x * 3 + 128, _mm512_permutex2var_epi8(s0, order2, s1));
  }
  return width;
}

// A vertical flip's rows with the copies inline, 64 bytes per step and the row's last partial
// vector masked: a memcpy call per row cost about 3 us on a 512-row photo, a tenth of the flip.
__attribute__((target("avx512f,avx512bw"))) void copy_rows_upside_down(const uint8_t* src, int64_t src_stride,
                                                                       uint8_t* dst, size_t row_bytes,
                                                                       int64_t height) {
  for (int64_t y = 0; y < height; ++y) {
    const uint8_t* from = src + y * src_stride;
    uint8_t* to = dst + static_cast<size_t>(height - 1 - y) * row_bytes;
    size_t x = 0;
    for (; x + 64 <= row_bytes; x += 64) _mm512_storeu_si512(to + x, _mm512_loadu_si512(from + x));
    if (x < row_bytes) {
      const __mmask64 rest = (__mmask64(1) << (row_bytes - x)) - 1;
      _mm512_mask_storeu_epi8(to + x, rest, _mm512_maskz_loadu_epi8(rest, from + x));
    }
  }
}

#endif

void mirror_row(const uint8_t* from, uint8_t* to, int64_t width, size_t px) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (px == 3 && (cpu_has_avx512_vbmi() || cpu_has_ssse3())) {
    const int64_t done = cpu_has_avx512_vbmi() ? mirror_row3_vbmi(from, to, width) : mirror_row3_ssse3(from, to, width);
    for (int64_t x = done; x < width; ++x) std::memcpy(to + x * 3, from + (width - 1 - x) * 3, 3);
    return;
  }
#endif
  switch (px) {
    case 1: return mirror_row_of<1>(from, to, width);
    case 2: return mirror_row_of<2>(from, to, width);
    case 3: return mirror_row_of<3>(from, to, width);
    case 4: return mirror_row_of<4>(from, to, width);
    case 6: return mirror_row_of<6>(from, to, width);
    case 8: return mirror_row_of<8>(from, to, width);
    case 12: return mirror_row_of<12>(from, to, width);
    case 16: return mirror_row_of<16>(from, to, width);
    default:
      for (int64_t x = 0; x < width; ++x) std::memcpy(to + x * px, from + (width - 1 - x) * px, px);
  }
}

}  // namespace

Tensor with_contiguous_rows(const Tensor& image) {
  ImageShape s = image_shape(image);
  int64_t elem = static_cast<int64_t>(dtype_size(image.dtype()));
  // The same test as as_mat: interleaved channels, contiguous pixels; rows may be strided.
  bool row_ok = image.strides()[1] == elem * s.channels && (image.ndim() == 2 || image.strides()[2] == elem);
  return row_ok ? image : image.contiguous();
}

PixelBox pixel_box(double x1, double y1, double x2, double y2) {
  if (!std::isfinite(x1) || !std::isfinite(y1) || !std::isfinite(x2) || !std::isfinite(y2))
    range_error("box coordinates must be finite");
  if (x2 < x1 || y2 < y1)
    range_error("box must have x1 <= x2 and y1 <= y2, not (" + std::to_string(x1) + ", " + std::to_string(y1) +
                ", " + std::to_string(x2) + ", " + std::to_string(y2) + ")");
  constexpr double kLimit = 1e15;  // keeps the rounding and the sums below in int64 range
  if (std::fabs(x1) > kLimit || std::fabs(y1) > kLimit || std::fabs(x2) > kLimit || std::fabs(y2) > kLimit)
    range_error("box coordinates are too large");
  return {round_half_even(x1), round_half_even(y1), round_half_even(x2 - x1), round_half_even(y2 - y1)};
}

PixelBox clip_box(const PixelBox& box, int64_t height, int64_t width) {
  int64_t x1 = std::clamp<int64_t>(box.x, 0, width), x2 = std::clamp<int64_t>(box.x + box.width, 0, width);
  int64_t y1 = std::clamp<int64_t>(box.y, 0, height), y2 = std::clamp<int64_t>(box.y + box.height, 0, height);
  if (x2 <= x1 || y2 <= y1) return {x1, y1, 0, 0};
  return {x1, y1, x2 - x1, y2 - y1};
}

Tensor crop(const Tensor& image, const PixelBox& box) {
  ImageShape s = image_shape(image);
  PixelBox c = clip_box(box, s.height, s.width);
  Shape shape = image_shape_like(image, c.height, c.width);
  if (c.width == 0 || c.height == 0) return Tensor::empty(image.dtype(), shape);
  int64_t offset = c.y * image.strides()[0] + c.x * image.strides()[1];
  return image.restrided(shape, image.strides(), offset);
}

Tensor crop_pad(const Tensor& image, const PixelBox& box, Border border, double value) {
  ImageShape s = image_shape(image);
  if (box.width < 0 || box.height < 0) range_error("crop size must not be negative");
  if (box.x >= 0 && box.y >= 0 && box.x + box.width <= s.width && box.y + box.height <= s.height)
    return image.restrided(image_shape_like(image, box.height, box.width), image.strides(),
                           box.y * image.strides()[0] + box.x * image.strides()[1]);
  if (border != Border::Constant && (s.width == 0 || s.height == 0))
    range_error("an empty image can only be padded with a constant border");

  Tensor src = with_contiguous_rows(image);
  Tensor out = Tensor::empty(image.dtype(), image_shape_like(image, box.height, box.width));
  if (out.numel() == 0) return out;
  size_t px = pixel_bytes(image);
  std::vector<uint8_t> fill = constant_pixel(image.dtype(), s.channels, value);
  // Source column of every output column (-1: the constant); the columns inside the image form
  // one run [inside_begin, inside_end) that is copied with one memcpy per row.
  std::vector<int64_t> columns(static_cast<size_t>(box.width));
  for (int64_t x = 0; x < box.width; ++x) columns[x] = border_index(box.x + x, s.width, border);
  int64_t inside_begin = std::clamp<int64_t>(-box.x, 0, box.width);
  int64_t inside_end = std::clamp<int64_t>(s.width - box.x, inside_begin, box.width);
  size_t out_stride = px * static_cast<size_t>(box.width);
  // a constant border: one output row of the fill, copied in runs (not pixel by pixel)
  std::vector<uint8_t> fill_row;
  if (border == Border::Constant) {
    fill_row.resize(out_stride);
    for (int64_t x = 0; x < box.width; ++x) std::memcpy(fill_row.data() + x * px, fill.data(), px);
  }
  for (int64_t y = 0; y < box.height; ++y) {
    uint8_t* dst = out.mutable_bytes() + y * out_stride;
    int64_t sy = border_index(box.y + y, s.height, border);
    if (sy < 0) {   // only a constant border gives a row outside the image
      std::memcpy(dst, fill_row.data(), out_stride);
      continue;
    }
    const uint8_t* row = src.bytes() + sy * src.strides()[0];
    if (border == Border::Constant) {   // the columns outside [inside_begin, inside_end) are the fill
      std::memcpy(dst, fill_row.data(), inside_begin * px);
      if (inside_end > inside_begin)
        std::memcpy(dst + inside_begin * px, row + (box.x + inside_begin) * px, (inside_end - inside_begin) * px);
      std::memcpy(dst + inside_end * px, fill_row.data(), (box.width - inside_end) * px);
      continue;
    }
    for (int64_t x = 0; x < inside_begin; ++x)
      std::memcpy(dst + x * px, columns[x] < 0 ? fill.data() : row + columns[x] * px, px);
    if (inside_end > inside_begin)
      std::memcpy(dst + inside_begin * px, row + (box.x + inside_begin) * px, (inside_end - inside_begin) * px);
    for (int64_t x = inside_end; x < box.width; ++x)
      std::memcpy(dst + x * px, columns[x] < 0 ? fill.data() : row + columns[x] * px, px);
  }
  return out;
}

Tensor flip(const Tensor& image, FlipAxis axis) {
  ImageShape s = image_shape(image);
  if (s.width == 0 || s.height == 0 || s.channels == 0) return image;
  Tensor src = with_contiguous_rows(image);
  Tensor out = Tensor::empty(image.dtype(), image.shape());
  size_t px = pixel_bytes(image);
  size_t row_bytes = px * static_cast<size_t>(s.width);
  bool mirror = axis != FlipAxis::Vertical, upside_down = axis != FlipAxis::Horizontal;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (!mirror && cpu_has_avx512()) {
    copy_rows_upside_down(src.bytes(), src.strides()[0], out.mutable_bytes(), row_bytes, s.height);
    return out;
  }
#endif
  // The source is read top to bottom whatever the axis: the hardware prefetcher follows an
  // ascending stream better (a vertical flip of a 512 x 512 photo read bottom-up took 1.1x the time).
  for (int64_t y = 0; y < s.height; ++y) {
    const uint8_t* from = src.bytes() + y * src.strides()[0];
    uint8_t* to = out.mutable_bytes() + static_cast<size_t>(upside_down ? s.height - 1 - y : y) * row_bytes;
    if (mirror) mirror_row(from, to, s.width, px);
    else std::memcpy(to, from, row_bytes);
  }
  return out;
}

Tensor transpose(const Tensor& image) {
  ImageShape s = image_shape(image);
  Shape shape = image_shape_like(image, s.width, s.height);
  if (s.width == 0 || s.height == 0) return Tensor::empty(image.dtype(), shape);
  Tensor src = with_contiguous_rows(image);
  size_t px = pixel_bytes(image);
  if (opencv_transposes(px)) {
    cv::Mat dst = output_mat();
    cv::transpose(as_mat(src), dst);
    return from_mat(dst, image.ndim() == 3);
  }
  Tensor out = Tensor::empty(image.dtype(), shape);
  transpose_bytes(src.bytes(), static_cast<size_t>(src.strides()[0]), out.mutable_bytes(),
                  px * static_cast<size_t>(s.height), s.height, s.width, px);
  return out;
}

Tensor rotate90(const Tensor& image, int64_t k) {
  int64_t turns = ((k % 4) + 4) % 4;
  switch (turns) {
    case 0: return image;
    case 1: return flip(transpose(image), FlipAxis::Vertical);    // top-right corner goes to top-left
    case 2: return flip(image, FlipAxis::Both);
    default: return flip(transpose(image), FlipAxis::Horizontal);  // clockwise
  }
}

}  // namespace pxp::kernels
