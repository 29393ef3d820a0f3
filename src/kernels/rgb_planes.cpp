#include "kernels/rgb_planes.hpp"

#include "kernels/cpu_features.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PXP_RGB_PLANES_SSSE3 1
#endif

namespace pxp::kernels {

namespace {

#ifdef PXP_RGB_PLANES_SSSE3

// (x shuffled by sx) | (y by sy) | (z by sz): a shuffle index with its top bit set gives 0
__attribute__((target("ssse3"))) inline __m128i gather3(__m128i x, __m128i sx, __m128i y, __m128i sy, __m128i z,
                                                       __m128i sz) {
  return _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(x, sx), _mm_shuffle_epi8(y, sy)), _mm_shuffle_epi8(z, sz));
}

// 16 pixels (48 bytes, three loads) at a time: each plane's 16 bytes gather from the three loads
// by one byte shuffle each (indices out of a load's range give 0), ORed together.
__attribute__((target("ssse3"))) int64_t split_rgb_ssse3(const uint8_t* rgb, uint8_t* r, uint8_t* g, uint8_t* b,
                                                         int64_t n) {
  const __m128i r0 = _mm_setr_epi8(0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m128i r1 = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, 2, 5, 8, 11, 14, -1, -1, -1, -1, -1);
  const __m128i r2 = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 4, 7, 10, 13);
  const __m128i g0 = _mm_setr_epi8(1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m128i g1 = _mm_setr_epi8(-1, -1, -1, -1, -1, 0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1);
  const __m128i g2 = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 2, 5, 8, 11, 14);
  const __m128i b0 = _mm_setr_epi8(2, 5, 8, 11, 14, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m128i b1 = _mm_setr_epi8(-1, -1, -1, -1, -1, 1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1);
  const __m128i b2 = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 3, 6, 9, 12, 15);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const uint8_t* p = rgb + 3 * i;
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i m = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(r + i), gather3(a, r0, m, r1, c, r2));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(g + i), gather3(a, g0, m, g1, c, g2));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(b + i), gather3(a, b0, m, b1, c, b2));
  }
  return i;
}

// The inverse: each of the three output loads of 16 bytes gathers from the three planes.
__attribute__((target("ssse3"))) int64_t merge_rgb_ssse3(const uint8_t* r, const uint8_t* g, const uint8_t* b,
                                                         uint8_t* rgb, int64_t n) {
  // output bytes 0..15: r0 g0 b0 r1 g1 b1 ... r5 ; 16..31: g5 b5 r6 ... g10 ; 32..47: b10 r11 ... b15
  const __m128i o0r = _mm_setr_epi8(0, -1, -1, 1, -1, -1, 2, -1, -1, 3, -1, -1, 4, -1, -1, 5);
  const __m128i o0g = _mm_setr_epi8(-1, 0, -1, -1, 1, -1, -1, 2, -1, -1, 3, -1, -1, 4, -1, -1);
  const __m128i o0b = _mm_setr_epi8(-1, -1, 0, -1, -1, 1, -1, -1, 2, -1, -1, 3, -1, -1, 4, -1);
  const __m128i o1r = _mm_setr_epi8(-1, -1, 6, -1, -1, 7, -1, -1, 8, -1, -1, 9, -1, -1, 10, -1);
  const __m128i o1g = _mm_setr_epi8(5, -1, -1, 6, -1, -1, 7, -1, -1, 8, -1, -1, 9, -1, -1, 10);
  const __m128i o1b = _mm_setr_epi8(-1, 5, -1, -1, 6, -1, -1, 7, -1, -1, 8, -1, -1, 9, -1, -1);
  const __m128i o2r = _mm_setr_epi8(-1, 11, -1, -1, 12, -1, -1, 13, -1, -1, 14, -1, -1, 15, -1, -1);
  const __m128i o2g = _mm_setr_epi8(-1, -1, 11, -1, -1, 12, -1, -1, 13, -1, -1, 14, -1, -1, 15, -1);
  const __m128i o2b = _mm_setr_epi8(10, -1, -1, 11, -1, -1, 12, -1, -1, 13, -1, -1, 14, -1, -1, 15);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i vr = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r + i));
    const __m128i vg = _mm_loadu_si128(reinterpret_cast<const __m128i*>(g + i));
    const __m128i vb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
    uint8_t* p = rgb + 3 * i;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), gather3(vr, o0r, vg, o0g, vb, o0b));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p + 16), gather3(vr, o1r, vg, o1g, vb, o1b));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p + 32), gather3(vr, o2r, vg, o2g, vb, o2b));
  }
  return i;
}
#endif

}  // namespace

void split_rgb(const uint8_t* rgb, uint8_t* r, uint8_t* g, uint8_t* b, int64_t n) {
  int64_t i = 0;
#ifdef PXP_RGB_PLANES_SSSE3
  if (cpu_has_ssse3()) i = split_rgb_ssse3(rgb, r, g, b, n);
#endif
  for (; i < n; ++i) {
    r[i] = rgb[3 * i];
    g[i] = rgb[3 * i + 1];
    b[i] = rgb[3 * i + 2];
  }
}

void merge_rgb(const uint8_t* r, const uint8_t* g, const uint8_t* b, uint8_t* rgb, int64_t n) {
  int64_t i = 0;
#ifdef PXP_RGB_PLANES_SSSE3
  if (cpu_has_ssse3()) i = merge_rgb_ssse3(r, g, b, rgb, n);
#endif
  for (; i < n; ++i) {
    rgb[3 * i] = r[i];
    rgb[3 * i + 1] = g[i];
    rgb[3 * i + 2] = b[i];
  }
}

}  // namespace pxp::kernels
