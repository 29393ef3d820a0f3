// Interleaved u8 RGB pixels to three planes and back. Per-pixel float math vectorizes well on
// planes; GCC's code for the stride-3 byte loads and stores around it was the slow part of the
// color kernels (saturation spent 4/5 of its time there).
#pragma once

#include <algorithm>
#include <cstdint>

namespace pxp::kernels {

// r[i], g[i], b[i] = rgb[3i], rgb[3i + 1], rgb[3i + 2] for i < n.
void split_rgb(const uint8_t* rgb, uint8_t* r, uint8_t* g, uint8_t* b, int64_t n);
// The inverse: rgb[3i + k] = plane k [i].
void merge_rgb(const uint8_t* r, const uint8_t* g, const uint8_t* b, uint8_t* rgb, int64_t n);

// dst = edit(src) for n interleaved RGB pixels, a block of planes at a time (they stay in L1):
// edit(r, g, b, m) changes the m pixels of the three planes in place.
template <typename Edit> void edit_rgb_as_planes(const uint8_t* src, uint8_t* dst, int64_t n, Edit&& edit) {
  constexpr int kBlock = 1024;
  alignas(64) uint8_t planes[3][kBlock];
  for (int64_t i = 0; i < n; i += kBlock) {
    const int m = static_cast<int>(std::min<int64_t>(kBlock, n - i));
    split_rgb(src + 3 * i, planes[0], planes[1], planes[2], m);
    edit(planes[0], planes[1], planes[2], m);
    merge_rgb(planes[0], planes[1], planes[2], dst + 3 * i, m);
  }
}

}  // namespace pxp::kernels
