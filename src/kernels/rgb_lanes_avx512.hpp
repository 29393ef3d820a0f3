// 16 interleaved RGB u8 pixels <-> three registers of 16 int32 lanes (one channel each), with
// AVX-512 VBMI byte permutes: the load and store that the per-pixel color kernels written with
// AVX-512 (hsv_shift_u8, lab_u8) wrap around their arithmetic, and their table lookups. Callers
// check cpu_has_avx512_vbmi() first.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include <cstdint>

#define PXP_RGB_LANES_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi")))

namespace pxp::kernels::rgb_lanes {

// Byte orders for 16 pixels: R, G or B of pixel k into byte 4k (the low byte of lane k), and the
// low bytes of the three 16-byte channel blocks back to bytes 3k, 3k + 1, 3k + 2.
struct alignas(64) Orders {
  uint8_t channel[3][64];
  uint8_t interleave[64];
};

inline const Orders& orders() {
  static const Orders o = [] {
    Orders t{};
    for (int k = 0; k < 16; ++k) {
      for (int c = 0; c < 3; ++c) {
        t.channel[c][4 * k] = static_cast<uint8_t>(3 * k + c);
        t.interleave[3 * k + c] = static_cast<uint8_t>(16 * c + k);
      }
    }
    return t;
  }();
  return o;
}

constexpr __mmask64 kRgbBytes = (__mmask64(1) << 48) - 1;  // 16 pixels' 48 bytes
constexpr __mmask64 kLowBytes = 0x1111111111111111ULL;     // the low byte of each int32 lane

// The four byte orders in registers: made once before a kernel's loop, so the loop body does
// not reload them (its stores could alias the tables, so the compiler would not hoist them).
struct Permutes {
  __m512i channel[3], interleave;
};

PXP_RGB_LANES_TARGET inline Permutes permutes() {
  const Orders& o = orders();
  return {{_mm512_load_si512(o.channel[0]), _mm512_load_si512(o.channel[1]), _mm512_load_si512(o.channel[2])},
          _mm512_load_si512(o.interleave)};
}

// Pixels [0, 16) at src into r, g, b (zero-extended).
PXP_RGB_LANES_TARGET inline void load(const uint8_t* src, const Permutes& p, __m512i& r, __m512i& g, __m512i& b) {
  const __m512i px = _mm512_maskz_loadu_epi8(kRgbBytes, src);
  r = _mm512_maskz_permutexvar_epi8(kLowBytes, p.channel[0], px);
  g = _mm512_maskz_permutexvar_epi8(kLowBytes, p.channel[1], px);
  b = _mm512_maskz_permutexvar_epi8(kLowBytes, p.channel[2], px);
}

// 16 bytes per channel (pixel k's at byte k) interleaved into dst's 48 bytes.
PXP_RGB_LANES_TARGET inline void store(uint8_t* dst, const Permutes& p, __m128i r, __m128i g, __m128i b) {
  __m512i packed = _mm512_maskz_broadcast_i32x4(0x000F, r);
  packed = _mm512_mask_broadcast_i32x4(packed, 0x00F0, g);
  packed = _mm512_mask_broadcast_i32x4(packed, 0x0F00, b);
  _mm512_mask_storeu_epi8(dst, kRgbBytes, _mm512_maskz_permutexvar_epi8(kRgbBytes, p.interleave, packed));
}

// table[index] for 16 int32 lanes (the per-pixel lookups of those kernels). The masked form:
// GCC 12 warns that the unmasked one reads an uninitialized register.
PXP_RGB_LANES_TARGET inline __m512i gather(__m512i index, const int32_t* table) {
  return _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), __mmask16(0xFFFF), index, table, 4);
}

}  // namespace pxp::kernels::rgb_lanes

#endif
