#include "kernels/affine_warp_u8.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu_features.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PXP_AFFINE_WARP_VBMI 1
#endif

namespace pxp::kernels {

#ifdef PXP_AFFINE_WARP_VBMI
namespace {

constexpr int kScale = 1024;    // OpenCV's AB_SCALE: coordinates in 10 fractional bits
constexpr int kRoundDelta = 16;  // AB_SCALE / INTER_TAB_SIZE / 2
constexpr int64_t kBlock = 16;  // output pixels per vector step

// The fixed-point coordinate terms, computed in plain double arithmetic (this function is not
// compiled for FMA: a fused multiply-add could round differently from OpenCV's two steps).
struct Terms {
  std::vector<int32_t> adelta, bdelta;  // per output column
  std::vector<int32_t> x0, y0;          // per output row, with the rounding delta
};

bool fits(double v) { return std::fabs(v) < 1073741824.0; }  // 2^30: sums of two stay in 32 bits

bool coordinate_terms(const double m[6], int64_t width, int64_t height, Terms& t) {
  t.adelta.resize(static_cast<size_t>(width));  // (the vector loop reads only whole blocks inside the row)
  t.bdelta.resize(static_cast<size_t>(width));
  for (int64_t x = 0; x < width; ++x) {
    const double a = m[0] * static_cast<double>(x) * kScale, b = m[3] * static_cast<double>(x) * kScale;
    if (!fits(a) || !fits(b)) return false;
    t.adelta[static_cast<size_t>(x)] = static_cast<int32_t>(std::lrint(a));
    t.bdelta[static_cast<size_t>(x)] = static_cast<int32_t>(std::lrint(b));
  }
  t.x0.resize(static_cast<size_t>(height));
  t.y0.resize(static_cast<size_t>(height));
  for (int64_t y = 0; y < height; ++y) {
    const double a = (m[1] * static_cast<double>(y) + m[2]) * kScale;
    const double b = (m[4] * static_cast<double>(y) + m[5]) * kScale;
    if (!fits(a) || !fits(b)) return false;
    t.x0[static_cast<size_t>(y)] = static_cast<int32_t>(std::lrint(a)) + kRoundDelta;
    t.y0[static_cast<size_t>(y)] = static_cast<int32_t>(std::lrint(b)) + kRoundDelta;
  }
  return true;
}

int32_t saturate_short(int32_t v) { return std::min<int32_t>(std::max<int32_t>(v, -32768), 32767); }

// OpenCV's formula for one pixel, border taps included.
void warp_pixel(const uint8_t* src, int64_t stride, int64_t width, int64_t height, int32_t X, int32_t Y,
                const uint8_t border[3], uint8_t* out) {
  const int32_t sx = saturate_short(X >> 5), sy = saturate_short(Y >> 5);
  if (sx >= width || sx + 1 < 0 || sy >= height || sy + 1 < 0) {
    out[0] = border[0], out[1] = border[1], out[2] = border[2];
    return;
  }
  const int32_t fx = X & 31, fy = Y & 31;
  const int32_t w[4] = {std::min((32 - fy) * (32 - fx) * 32, 32767), (32 - fy) * fx * 32, fy * (32 - fx) * 32,
                        fy * fx * 32};
  const bool x0 = sx >= 0, x1 = sx + 1 < width, y0 = sy >= 0, y1 = sy + 1 < height;
  // byte offsets of the taps (only read where inside)
  const int64_t top = static_cast<int64_t>(sy) * stride, bottom = top + stride;
  const int64_t left = static_cast<int64_t>(sx) * 3, right = left + 3;
  for (int k = 0; k < 3; ++k) {
    const int32_t v0 = x0 && y0 ? src[top + left + k] : border[k];
    const int32_t v1 = x1 && y0 ? src[top + right + k] : border[k];
    const int32_t v2 = x0 && y1 ? src[bottom + left + k] : border[k];
    const int32_t v3 = x1 && y1 ? src[bottom + right + k] : border[k];
    out[k] = static_cast<uint8_t>((v0 * w[0] + v1 * w[1] + v2 * w[2] + v3 * w[3] + (1 << 14)) >> 15);
  }
}

// For channel k: dword p of the result holds bytes (tap pair of pixel p) = (byte k of pixel p's
// 8 gathered bytes, 0, byte 3 + k, 0); pixels 0-7 come from the first register, 8-15 from the second.
struct PairOrder {
  alignas(64) uint8_t index[3][64];
  PairOrder() {
    for (int k = 0; k < 3; ++k)
      for (int p = 0; p < 16; ++p) {
        const int base = p < 8 ? 8 * p : 64 + 8 * (p - 8);
        index[k][4 * p] = static_cast<uint8_t>(base + k);
        index[k][4 * p + 1] = 0;
        index[k][4 * p + 2] = static_cast<uint8_t>(base + 3 + k);
        index[k][4 * p + 3] = 0;
      }
  }
};

// 16 dwords (r, g, b, 0) -> 48 packed bytes
struct PackOrder {
  alignas(64) uint8_t index[64];
  PackOrder() {
    for (int i = 0; i < 64; ++i) index[i] = static_cast<uint8_t>(i < 48 ? (i / 3) * 4 + i % 3 : 0);
  }
};

// The masked forms of shifts and min with every lane kept: GCC 12 warns (maybe-uninitialized)
// about the unmasked intrinsics' internals.
#define PXP_AVX512_VBMI __attribute__((target("avx512f,avx512bw,avx512vbmi")))
PXP_AVX512_VBMI inline __m512i sra(__m512i v, unsigned n) { return _mm512_maskz_srai_epi32(0xFFFF, v, n); }
PXP_AVX512_VBMI inline __m512i srl(__m512i v, unsigned n) { return _mm512_maskz_srli_epi32(0xFFFF, v, n); }
PXP_AVX512_VBMI inline __m512i sll(__m512i v, unsigned n) { return _mm512_maskz_slli_epi32(0xFFFF, v, n); }
PXP_AVX512_VBMI inline __m512i min32(__m512i a, __m512i b) { return _mm512_maskz_min_epi32(0xFFFF, a, b); }
// The 8 bytes at src + each of 8 offsets (lanes `half` * 8 to `half` * 8 + 7 of `offsets`; zeros
// for the lanes whose bit in `read` is clear).
template <int half> PXP_AVX512_VBMI inline __m512i gather8(const uint8_t* src, __m512i offsets, __mmask16 read) {
  const __m256i lanes = _mm512_maskz_extracti64x4_epi64(0xF, offsets, half);
  return _mm512_mask_i32gather_epi64(_mm512_setzero_si512(), static_cast<__mmask8>(read >> (8 * half)), lanes, src, 1);
}

// OpenCV's formula for the block's pixels whose bit in `done` is clear (X, Y: the 16 fixed-point
// coordinates).
PXP_AVX512_VBMI void scalar_pixels(const uint8_t* src, int64_t stride, int64_t width, int64_t height, __m512i X,
                                   __m512i Y, __mmask16 done, const uint8_t border[3], uint8_t* out) {
  alignas(64) int32_t xs[kBlock], ys[kBlock];
  _mm512_store_si512(xs, X);
  _mm512_store_si512(ys, Y);
  for (int p = 0; p < kBlock; ++p)
    if (!((done >> p) & 1)) warp_pixel(src, stride, width, height, xs[p], ys[p], border, out + 3 * p);
}

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) void warp_rows(const uint8_t* src, int64_t stride,
                                                                      int64_t width, int64_t height,
                                                                      const Terms& t, const uint8_t border[3],
                                                                      uint8_t* dst, int64_t dst_stride,
                                                                      int64_t dst_width, int64_t dst_height) {
  static const PairOrder pairs;
  static const PackOrder pack;
  const __m512i order[3] = {_mm512_load_si512(pairs.index[0]), _mm512_load_si512(pairs.index[1]),
                            _mm512_load_si512(pairs.index[2])};
  const __m512i packing = _mm512_load_si512(pack.index);
  const __mmask64 low_bytes = 0x5555555555555555ull;  // bytes 0 and 2 of each dword: the taps
  const __m512i thirty_one = _mm512_set1_epi32(31), thirty_two = _mm512_set1_epi32(32);
  const __m512i max_w0 = _mm512_set1_epi32(32767), half = _mm512_set1_epi32(1 << 14);
  const __m512i row_bytes = _mm512_set1_epi32(static_cast<int32_t>(stride));
  const __m512i zero = _mm512_setzero_si512();
  const __m512i last_x = _mm512_set1_epi32(static_cast<int32_t>(width - 2));
  const __m512i last_y = _mm512_set1_epi32(static_cast<int32_t>(height - 2));
  // the last byte a tap's 8-byte read may touch, past its second row
  const __m512i read_limit = _mm512_set1_epi32(static_cast<int32_t>((height - 1) * stride + 3 * width - 8));
  for (int64_t y = 0; y < dst_height; ++y) {
    uint8_t* out = dst + y * dst_stride;
    const int32_t X0 = t.x0[static_cast<size_t>(y)], Y0 = t.y0[static_cast<size_t>(y)];
    const __m512i vx0 = _mm512_set1_epi32(X0), vy0 = _mm512_set1_epi32(Y0);
    int64_t x = 0;
    for (; x + kBlock <= dst_width; x += kBlock) {
      const __m512i X = sra(_mm512_add_epi32(vx0, _mm512_loadu_si512(t.adelta.data() + x)), 5);
      const __m512i Y = sra(_mm512_add_epi32(vy0, _mm512_loadu_si512(t.bdelta.data() + x)), 5);
      const __m512i sx = sra(X, 5), sy = sra(Y, 5);
      const __m512i offset = _mm512_add_epi32(_mm512_mullo_epi32(sy, row_bytes),
                                              _mm512_add_epi32(sx, _mm512_add_epi32(sx, sx)));
      // the lanes whose taps are all inside the image (0 <= sx <= width - 2, 0 <= sy <= height - 2)
      // and whose 8-byte reads stay in the buffer; the others take the scalar formula
      const __mmask16 inside = _mm512_cmpge_epi32_mask(sx, zero) & _mm512_cmple_epi32_mask(sx, last_x) &
                               _mm512_cmpge_epi32_mask(sy, zero) & _mm512_cmple_epi32_mask(sy, last_y) &
                               _mm512_cmple_epi32_mask(_mm512_add_epi32(offset, row_bytes), read_limit);
      if (inside == 0) {
        scalar_pixels(src, stride, width, height, X, Y, 0, border, out + 3 * x);
        continue;
      }
      const __m512i fx = _mm512_and_si512(X, thirty_one), fy = _mm512_and_si512(Y, thirty_one);
      const __m512i gx = _mm512_sub_epi32(thirty_two, fx), gy = _mm512_sub_epi32(thirty_two, fy);
      const __m512i w0 = min32(sll(_mm512_mullo_epi32(gy, gx), 5), max_w0);
      const __m512i w1 = sll(_mm512_mullo_epi32(gy, fx), 5);
      const __m512i w2 = sll(_mm512_mullo_epi32(fy, gx), 5);
      const __m512i w3 = sll(_mm512_mullo_epi32(fy, fx), 5);
      const __m512i top_weights = _mm512_or_si512(w0, sll(w1, 16));
      const __m512i bottom_weights = _mm512_or_si512(w2, sll(w3, 16));
      const __m512i below = _mm512_add_epi32(offset, row_bytes);
      // lanes not inside read nothing (their results are replaced below)
      const __m512i top_lo = gather8<0>(src, offset, inside), top_hi = gather8<1>(src, offset, inside);
      const __m512i bottom_lo = gather8<0>(src, below, inside), bottom_hi = gather8<1>(src, below, inside);
      __m512i rgb = zero;
      for (int k = 0; k < 3; ++k) {
        const __m512i top = _mm512_maskz_permutex2var_epi8(low_bytes, top_lo, order[k], top_hi);
        const __m512i bottom = _mm512_maskz_permutex2var_epi8(low_bytes, bottom_lo, order[k], bottom_hi);
        const __m512i sum = _mm512_add_epi32(_mm512_add_epi32(_mm512_madd_epi16(top, top_weights),
                                                              _mm512_madd_epi16(bottom, bottom_weights)),
                                             half);
        rgb = _mm512_or_si512(rgb, sll(srl(sum, 15), 8 * k));
      }
      const __m512i packed = _mm512_maskz_permutexvar_epi8(~__mmask64(0), packing, rgb);
      _mm512_mask_storeu_epi8(out + 3 * x, (__mmask64(1) << 48) - 1, packed);
      if (inside != 0xFFFF) scalar_pixels(src, stride, width, height, X, Y, inside, border, out + 3 * x);
    }
    for (; x < dst_width; ++x)
      warp_pixel(src, stride, width, height, (X0 + t.adelta[static_cast<size_t>(x)]) >> 5,
                 (Y0 + t.bdelta[static_cast<size_t>(x)]) >> 5, border, out + 3 * x);
  }
}

}  // namespace

bool warp_affine_linear_rgb_u8(const uint8_t* src, int64_t src_stride, int64_t src_width, int64_t src_height,
                               const double m[6], const uint8_t border[3], uint8_t* dst, int64_t dst_stride,
                               int64_t dst_width, int64_t dst_height) {
  if (!cpu_has_avx512_vbmi()) return false;
  constexpr int64_t kMaxSide = 32767;  // OpenCV keeps source coordinates in 16 bits
  if (src_width < 1 || src_height < 1 || src_width >= kMaxSide || src_height >= kMaxSide || dst_width < 1 ||
      dst_height < 1 || dst_width >= kMaxSide || dst_height >= kMaxSide)
    return false;
  // gather offsets are 32-bit
  if (src_stride < 3 * src_width || static_cast<double>(src_stride) * static_cast<double>(src_height) >= 2.0e9)
    return false;
  for (int k = 0; k < 6; ++k)
    if (!std::isfinite(m[k])) return false;
  Terms t;
  if (!coordinate_terms(m, dst_width, dst_height, t)) return false;
  warp_rows(src, src_stride, src_width, src_height, t, border, dst, dst_stride, dst_width, dst_height);
  return true;
}

#else

bool warp_affine_linear_rgb_u8(const uint8_t*, int64_t, int64_t, int64_t, const double[6], const uint8_t[3],
                               uint8_t*, int64_t, int64_t, int64_t) {
  return false;
}

#endif

}  // namespace pxp::kernels
