#include "kernels/gray_vbmi.hpp"

#include "kernels/cpu_features.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

namespace pxp::kernels {

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
namespace {

struct alignas(64) GrayTables {
  uint8_t red_green[64];   // 16 pixels' R, G as the low bytes of word pairs (0x80: a zero byte)
  uint8_t blue[64];        // their B in the low byte of the first word of each pair
  uint8_t copies[3][64];   // output byte j of a 64-pixel block of three copies: gray j / 3
};

const GrayTables& tables() {
  static const GrayTables t = [] {
    GrayTables g{};
    for (int p = 0; p < 16; ++p) {
      const uint8_t zero = 0x80;  // a set top bit of a byte index means nothing: the mask zeroes it
      g.red_green[4 * p] = static_cast<uint8_t>(3 * p);
      g.red_green[4 * p + 1] = zero;
      g.red_green[4 * p + 2] = static_cast<uint8_t>(3 * p + 1);
      g.red_green[4 * p + 3] = zero;
      g.blue[4 * p] = static_cast<uint8_t>(3 * p + 2);
      g.blue[4 * p + 1] = g.blue[4 * p + 2] = g.blue[4 * p + 3] = zero;
    }
    for (int r = 0; r < 3; ++r)
      for (int j = 0; j < 64; ++j) g.copies[r][j] = static_cast<uint8_t>((64 * r + j) / 3);
    return g;
  }();
  return t;
}

// The mask of the bytes whose index has no top bit: vpermb ignores the top bits, so the zeroed
// bytes are masked off instead.
__attribute__((target("avx512f,avx512bw"))) __mmask64 kept_bytes(const uint8_t* order) {
  return ~_mm512_movepi8_mask(_mm512_load_si512(order));
}

// 16 pixels' gray in the low byte of each 32-bit lane: two multiply-adds of word pairs, (R, G) by
// (9798, 19235) and (B, 2^14) by (3735, 1), then >> 15. Exact: the sum stays below 2^23.
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) inline __m512i gray16(const uint8_t* p, __m512i rg_order,
                                                                              __mmask64 rg_kept, __m512i b_order,
                                                                              __mmask64 b_kept) {
  const __m512i pixels = _mm512_maskz_loadu_epi8((__mmask64(1) << 48) - 1, p);   // 48 bytes
  const __m512i rg = _mm512_maskz_permutexvar_epi8(rg_kept, rg_order, pixels);
  const __m512i b1 = _mm512_or_si512(_mm512_maskz_permutexvar_epi8(b_kept, b_order, pixels),
                                     _mm512_set1_epi32(16384 << 16));
  const __m512i sum = _mm512_add_epi32(_mm512_madd_epi16(rg, _mm512_set1_epi32((19235 << 16) | 9798)),
                                       _mm512_madd_epi16(b1, _mm512_set1_epi32((1 << 16) | 3735)));
  return _mm512_maskz_srli_epi32(0xFFFF, sum, 15);
}

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) int64_t gray_blocks(const uint8_t* rgb, uint8_t* out,
                                                                           int64_t pixels, int64_t channels) {
  const GrayTables& t = tables();
  const __m512i rg_order = _mm512_load_si512(t.red_green), b_order = _mm512_load_si512(t.blue);
  const __mmask64 rg_kept = kept_bytes(t.red_green), b_kept = kept_bytes(t.blue);
  const __m512i copy0 = _mm512_load_si512(t.copies[0]), copy1 = _mm512_load_si512(t.copies[1]),
                copy2 = _mm512_load_si512(t.copies[2]);
  const __mmask64 all = ~__mmask64(0);  // (the masked forms: GCC 12 warns on the plain ones)
  int64_t i = 0;
  for (; i + 64 <= pixels; i += 64) {
    const uint8_t* p = rgb + 3 * i;
    // 4 x 16 grays, each in the low byte of a 32-bit lane, packed to 64 bytes
    const __m128i g0 = _mm512_maskz_cvtepi32_epi8(0xFFFF, gray16(p, rg_order, rg_kept, b_order, b_kept));
    const __m128i g1 = _mm512_maskz_cvtepi32_epi8(0xFFFF, gray16(p + 48, rg_order, rg_kept, b_order, b_kept));
    const __m128i g2 = _mm512_maskz_cvtepi32_epi8(0xFFFF, gray16(p + 96, rg_order, rg_kept, b_order, b_kept));
    const __m128i g3 = _mm512_maskz_cvtepi32_epi8(0xFFFF, gray16(p + 144, rg_order, rg_kept, b_order, b_kept));
    __m512i gray = _mm512_zextsi128_si512(g0);
    gray = _mm512_inserti32x4(gray, g1, 1);
    gray = _mm512_inserti32x4(gray, g2, 2);
    gray = _mm512_inserti32x4(gray, g3, 3);
    if (channels == 1) {
      _mm512_storeu_si512(out + i, gray);
    } else {
      uint8_t* o = out + 3 * i;
      _mm512_storeu_si512(o, _mm512_maskz_permutexvar_epi8(all, copy0, gray));
      _mm512_storeu_si512(o + 64, _mm512_maskz_permutexvar_epi8(all, copy1, gray));
      _mm512_storeu_si512(o + 128, _mm512_maskz_permutexvar_epi8(all, copy2, gray));
    }
  }
  return i;
}

}  // namespace

int64_t gray_weighted_average_vbmi(const uint8_t* rgb, uint8_t* out, int64_t pixels, int64_t channels) {
  if ((channels != 1 && channels != 3) || !cpu_has_avx512_vbmi()) return 0;
  return gray_blocks(rgb, out, pixels, channels);
}

#else

int64_t gray_weighted_average_vbmi(const uint8_t*, uint8_t*, int64_t, int64_t) { return 0; }

#endif

}  // namespace pxp::kernels
