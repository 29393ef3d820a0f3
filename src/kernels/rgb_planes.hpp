// Interleaved u8 RGB pixels to three planes and back. Per-pixel float math vectorizes well on
// planes; GCC's code for the stride-3 byte loads and stores around it was the slow part of the
// color kernels (saturation spent 4/5 of its time there).
#pragma once

#include <cstdint>

namespace pxp::kernels {

// r[i], g[i], b[i] = rgb[3i], rgb[3i + 1], rgb[3i + 2] for i < n.
void split_rgb(const uint8_t* rgb, uint8_t* r, uint8_t* g, uint8_t* b, int64_t n);
// The inverse: rgb[3i + k] = plane k [i].
void merge_rgb(const uint8_t* r, const uint8_t* g, const uint8_t* b, uint8_t* rgb, int64_t n);

}  // namespace pxp::kernels
