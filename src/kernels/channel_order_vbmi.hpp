// The channels of interleaved u8 RGB pixels put in another order (ChannelShuffle) with AVX-512
// VBMI byte permutes: 21 pixels (63 bytes) per step instead of three byte copies per pixel.
#pragma once

#include <cstdint>

namespace pxp::kernels {

// dst pixel i = (src[i][order[0]], src[i][order[1]], src[i][order[2]]) for the first pixels of
// src, in whole steps; returns how many pixels it did (0 on a CPU without AVX-512 VBMI or off
// x86-64). The caller does the rest.
int64_t reorder_rgb_vbmi(const uint8_t* src, uint8_t* dst, int64_t pixels, const int64_t order[3]);

}  // namespace pxp::kernels
