#include "kernels/channel_order_vbmi.hpp"

#include "kernels/cpu_features.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

namespace pxp::kernels {

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
namespace {

constexpr int64_t kPixelsPerStep = 21;  // 63 of a register's 64 bytes

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) int64_t reorder_steps(const uint8_t* src, uint8_t* dst,
                                                                             int64_t steps, const int64_t order[3]) {
  alignas(64) uint8_t index[64] = {};
  for (int j = 0; j < 3 * kPixelsPerStep; ++j) index[j] = static_cast<uint8_t>(j / 3 * 3 + order[j % 3]);
  const __m512i permute = _mm512_load_si512(index);
  const __mmask64 bytes = (__mmask64(1) << (3 * kPixelsPerStep)) - 1;
  for (int64_t s = 0; s < steps; ++s, src += 3 * kPixelsPerStep, dst += 3 * kPixelsPerStep)
    _mm512_mask_storeu_epi8(dst, bytes, _mm512_maskz_permutexvar_epi8(bytes, permute, _mm512_maskz_loadu_epi8(bytes, src)));
  return steps * kPixelsPerStep;
}

}  // namespace

int64_t reorder_rgb_vbmi(const uint8_t* src, uint8_t* dst, int64_t pixels, const int64_t order[3]) {
  if (!cpu_has_avx512_vbmi()) return 0;
  return reorder_steps(src, dst, pixels / kPixelsPerStep, order);
}

#else

int64_t reorder_rgb_vbmi(const uint8_t*, uint8_t*, int64_t, const int64_t*) { return 0; }

#endif

}  // namespace pxp::kernels
