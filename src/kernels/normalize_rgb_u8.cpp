#include "kernels/normalize_rgb_u8.hpp"

#include "kernels/cpu_features.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PXP_NORMALIZE_VBMI 1
#endif

namespace pxp::kernels {

#ifdef PXP_NORMALIZE_VBMI
namespace {

// Byte orders of a block of 16 pixels (48 bytes): [planar][mirror]. Planar puts the block's
// R, G and B in the first three 16-byte lanes; interleaved keeps the bytes in pixel order. Mirror
// takes pixel 15 - i of the block for pixel i.
struct alignas(64) Orders {
  uint8_t v[2][2][64];
};

const Orders& orders() {
  static const Orders o = [] {
    Orders t{};
    for (int planar = 0; planar < 2; ++planar)
      for (int mirror = 0; mirror < 2; ++mirror)
        for (int j = 0; j < 48; ++j) {
          const int pixel = planar ? j % 16 : j / 3, channel = planar ? j / 16 : j % 3;
          const int source = mirror ? 15 - pixel : pixel;
          t.v[planar][mirror][j] = static_cast<uint8_t>(3 * source + channel);
        }
    return t;
  }();
  return o;
}

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) void normalize_rows(const uint8_t* src, int64_t height,
                                                                           int64_t width, const float a[3],
                                                                           const float b[3], bool planar,
                                                                           bool mirror, float* dst) {
  const __m512i order = _mm512_load_si512(orders().v[planar][mirror]);
  const __mmask64 block = (__mmask64(1) << 48) - 1;
  // the multiplier and offset of each of the 48 values of a block, as 3 vectors of 16
  __m512 scale[3], offset[3];
  for (int j = 0; j < 3; ++j) {
    alignas(64) float sa[16], sb[16];
    for (int i = 0; i < 16; ++i) {
      const int channel = planar ? j : (16 * j + i) % 3;
      sa[i] = a[channel];
      sb[i] = b[channel];
    }
    scale[j] = _mm512_load_ps(sa);
    offset[j] = _mm512_load_ps(sb);
  }
  const int64_t plane = height * width;
  for (int64_t y = 0; y < height; ++y) {
    const uint8_t* row = src + y * width * 3;
    int64_t x = 0;
    for (; x + 16 <= width; x += 16) {
      const int64_t first = mirror ? width - 16 - x : x;  // the block's source pixels
      const __m512i bytes = _mm512_maskz_permutexvar_epi8(block, order, _mm512_maskz_loadu_epi8(block, row + 3 * first));
      // (the masked forms throughout: GCC 12 warns on the plain ones)
      const __m128i lanes[3] = {_mm512_maskz_extracti32x4_epi32(0xF, bytes, 0),
                                _mm512_maskz_extracti32x4_epi32(0xF, bytes, 1),
                                _mm512_maskz_extracti32x4_epi32(0xF, bytes, 2)};
      for (int j = 0; j < 3; ++j) {
        const __m512 v = _mm512_maskz_cvtepi32_ps(0xFFFF, _mm512_maskz_cvtepu8_epi32(0xFFFF, lanes[j]));
        const __m512 out = _mm512_add_ps(_mm512_mul_ps(v, scale[j]), offset[j]);
        _mm512_storeu_ps(planar ? dst + j * plane + y * width + x : dst + (y * width + x) * 3 + 16 * j, out);
      }
    }
    for (; x < width; ++x) {
      const uint8_t* p = row + 3 * (mirror ? width - 1 - x : x);
      for (int k = 0; k < 3; ++k) {
        const float v = static_cast<float>(p[k]) * a[k] + b[k];
        if (planar)
          dst[k * plane + y * width + x] = v;
        else
          dst[(y * width + x) * 3 + k] = v;
      }
    }
  }
}

}  // namespace

bool normalize_rgb_u8(const uint8_t* src, int64_t height, int64_t width, const float a[3], const float b[3],
                      bool planar, bool mirror, float* dst) {
  if (!cpu_has_avx512_vbmi()) return false;
  normalize_rows(src, height, width, a, b, planar, mirror, dst);
  return true;
}

#else

bool normalize_rgb_u8(const uint8_t*, int64_t, int64_t, const float*, const float*, bool, bool, float*) {
  return false;
}

#endif

}  // namespace pxp::kernels
