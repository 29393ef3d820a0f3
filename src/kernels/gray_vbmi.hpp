// The weighted-average gray of interleaved u8 RGB in one pass with AVX-512 VBMI byte permutes:
// no split into planes and no merge back (those two took half the time of the planar path).
#pragma once

#include <cstdint>

namespace pxp::kernels {

// Writes gray = (9798 R + 19235 G + 3735 B + 2^14) >> 15 of the first pixels of `rgb`, `channels`
// (1 or 3) copies per pixel, in blocks of 64 pixels; returns how many pixels it did (a multiple of
// 64, 0 on a CPU without AVX-512 VBMI or off x86-64). The caller does the rest.
int64_t gray_weighted_average_vbmi(const uint8_t* rgb, uint8_t* out, int64_t pixels, int64_t channels);

}  // namespace pxp::kernels
