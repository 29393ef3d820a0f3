// Scalar helpers written so that GCC vectorizes the loops that call them (see vector_clones.hpp):
// selects through bit masks instead of branches, rounding through an addition instead of libm.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "kernels/rounding.hpp"

namespace pxp::kernels {

// Round half to even for |v| < 2^22, saturated to u8: the same value as
// cv::saturate_cast<uint8_t>(v) there, in a loop that vectorizes.
inline uint8_t round_u8(float v) {
  v = round_half_even_pixel(v);
  return static_cast<uint8_t>(std::min(255.0f, std::max(0.0f, v)));
}

// c ? a : b through bit masks: GCC (trapping math) keeps float ?: as branches, these vectorize.
inline float pick(bool c, float a, float b) {
  uint32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  uint32_t m = 0u - static_cast<uint32_t>(c);
  uint32_t r = (ia & m) | (ib & ~m);
  float f;
  std::memcpy(&f, &r, 4);
  return f;
}

}  // namespace pxp::kernels
