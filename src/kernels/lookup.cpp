#include "kernels/lookup.hpp"

#include <vector>

#include "kernels/cpu_features.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PXP_LOOKUP_VBMI 1
#endif

namespace pxp::kernels {
namespace {

// Scalar, four values per step. Vectorization is off here on purpose: GCC's vector version of
// this gather is slower than the scalar one.
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-vectorize")))
#endif
void lookup_scalar(const uint8_t* src, uint8_t* dst, int64_t n, const uint8_t* table) {
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const uint8_t a = table[src[i]], b = table[src[i + 1]], c = table[src[i + 2]], d = table[src[i + 3]];
    dst[i] = a;
    dst[i + 1] = b;
    dst[i + 2] = c;
    dst[i + 3] = d;
  }
  for (; i < n; ++i) dst[i] = table[src[i]];
}

#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-vectorize")))
#endif
void lookup_channels_scalar(const uint8_t* src, uint8_t* dst, int64_t pixels, int64_t channels,
                            const uint8_t* const* tables) {
  if (channels == 3) {
    const uint8_t *t0 = tables[0], *t1 = tables[1], *t2 = tables[2];
    for (int64_t p = 0; p < pixels; ++p, src += 3, dst += 3) {
      const uint8_t a = t0[src[0]], b = t1[src[1]], c = t2[src[2]];
      dst[0] = a;
      dst[1] = b;
      dst[2] = c;
    }
    return;
  }
  for (int64_t p = 0; p < pixels; ++p)
    for (int64_t k = 0; k < channels; ++k) dst[p * channels + k] = tables[k][src[p * channels + k]];
}

#ifdef PXP_LOOKUP_VBMI

// The 256-byte table lives in four registers; two permutes look up the low and the high half,
// the top bit of each value picks one.
struct VbmiTable {
  __m512i t0, t1, t2, t3;
};

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) inline VbmiTable load_table(const uint8_t* t) {
  return {_mm512_loadu_si512(t), _mm512_loadu_si512(t + 64), _mm512_loadu_si512(t + 128), _mm512_loadu_si512(t + 192)};
}

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) inline __m512i look(const VbmiTable& t, __m512i x) {
  const __m512i lo = _mm512_permutex2var_epi8(t.t0, x, t.t1);
  const __m512i hi = _mm512_permutex2var_epi8(t.t2, x, t.t3);
  return _mm512_mask_blend_epi8(_mm512_movepi8_mask(x), lo, hi);
}

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) void lookup_vbmi(const uint8_t* src, uint8_t* dst, int64_t n,
                                                                         const uint8_t* table) {
  const VbmiTable t = load_table(table);
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) _mm512_storeu_si512(dst + i, look(t, _mm512_loadu_si512(src + i)));
  if (i < n) {
    const __mmask64 rest = _cvtu64_mask64(~0ULL >> (64 - (n - i)));
    _mm512_mask_storeu_epi8(dst + i, rest, look(t, _mm512_maskz_loadu_epi8(rest, src + i)));
  }
}

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) inline __m512i look3(const VbmiTable& t0, const VbmiTable& t1,
                                                                              const VbmiTable& t2, __mmask64 is1,
                                                                              __mmask64 is2, __m512i x) {
  const __m512i y = _mm512_mask_mov_epi8(look(t0, x), is1, look(t1, x));
  return _mm512_mask_mov_epi8(y, is2, look(t2, x));
}

// Three interleaved channels: 64 bytes hold channels in a pattern that repeats every 3 vectors
// (64 = 1 mod 3); each vector looks up all three tables and keeps each byte's own channel.
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) void lookup3_vbmi(const uint8_t* src, uint8_t* dst, int64_t n,
                                                                          const uint8_t* const* tables) {
  const VbmiTable t0 = load_table(tables[0]), t1 = load_table(tables[1]), t2 = load_table(tables[2]);
  __mmask64 is1[3], is2[3];   // bytes of channel 1 / channel 2 when the vector starts at channel s
  for (int s = 0; s < 3; ++s) {
    uint64_t m1 = 0, m2 = 0;
    for (int b = 0; b < 64; ++b) {
      const int k = (s + b) % 3;
      if (k == 1) m1 |= 1ULL << b;
      if (k == 2) m2 |= 1ULL << b;
    }
    is1[s] = _cvtu64_mask64(m1);
    is2[s] = _cvtu64_mask64(m2);
  }
  int64_t i = 0;
  int s = 0;   // channel of byte i
  for (; i + 64 <= n; i += 64) {
    _mm512_storeu_si512(dst + i, look3(t0, t1, t2, is1[s], is2[s], _mm512_loadu_si512(src + i)));
    s = (s + 1) % 3;
  }
  if (i < n) {
    const __mmask64 rest = _cvtu64_mask64(~0ULL >> (64 - (n - i)));
    _mm512_mask_storeu_epi8(dst + i, rest, look3(t0, t1, t2, is1[s], is2[s], _mm512_maskz_loadu_epi8(rest, src + i)));
  }
}
#endif

}  // namespace

void lookup_u8(const uint8_t* src, uint8_t* dst, int64_t n, const uint8_t* table) {
#ifdef PXP_LOOKUP_VBMI
  if (n >= 64 && cpu_has_avx512_vbmi()) return lookup_vbmi(src, dst, n, table);
#endif
  lookup_scalar(src, dst, n, table);
}

void lookup_u8_channels(const uint8_t* src, uint8_t* dst, int64_t pixels, int64_t channels,
                        const uint8_t* const* tables) {
  if (channels == 1) return lookup_u8(src, dst, pixels, tables[0]);
#ifdef PXP_LOOKUP_VBMI
  if (channels == 3 && pixels >= 64 && cpu_has_avx512_vbmi()) return lookup3_vbmi(src, dst, pixels * 3, tables);
#endif
  lookup_channels_scalar(src, dst, pixels, channels, tables);
}

}  // namespace pxp::kernels
