// The one rule that turns coordinates and sizes into whole pixels: round half to even, like
// Python's round() and torchvision (math.round does the same for tensors). Every op that picks
// pixels from continuous numbers (crop boxes, hole and patch sizes) rounds with this.
#pragma once

#include <cmath>
#include <cstdint>

namespace pxp::kernels {

// v must be finite and well inside the int64 range (callers bound their coordinates first).
// nearbyint rounds ties to even in the default floating-point environment, which the library
// never changes.
inline int64_t round_half_even(double v) { return static_cast<int64_t>(std::nearbyint(v)); }

// The same rule for pixel values in a per-pixel loop, where std::nearbyint is a library call
// (x86-64 without SSE4.1 has no rounding instruction): adding and subtracting 1.5 * 2^23 leaves a
// float rounded half to even in the default rounding mode. Exact for |v| < 2^22; vectorizes.
inline float round_half_even_pixel(float v) {
  constexpr float shift = 12582912.0f;   // 1.5 * 2^23
  return (v + shift) - shift;
}

}  // namespace pxp::kernels
