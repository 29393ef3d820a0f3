// Bilinear affine warp of u8 RGB images with a constant border, bit for bit what
// cv::warpAffine(INTER_LINEAR | WARP_INVERSE_MAP, BORDER_CONSTANT) gives, in fewer steps.
//
// OpenCV's warp is fixed point: for output pixel (x, y) it takes X = (round((m1 y + m2) 1024) + 16
// + round(m0 x 1024)) >> 5 (and Y likewise from m3, m4, m5): the source pixel is (X >> 5, Y >> 5)
// and the fractions fx = X & 31, fy = Y & 31 pick 15-bit weights (32 - fy)(32 - fx) 32,
// (32 - fy) fx 32, fy (32 - fx) 32, fy fx 32 (the first saturated to 32767 when both fractions
// are 0). Each channel is (v00 w0 + v01 w1 + v10 w2 + v11 w3 + 2^14) >> 15, a tap outside the
// image taking the border value, and a pixel whose taps are all outside the border value itself.
// This file computes the same numbers, 16 output pixels per step with AVX-512 VBMI: two 8-byte
// gathers per pixel (its two source rows), a byte permute per channel into tap pairs, and
// vpmaddwd for the weights. Pixels near the source's edges take the scalar formula.
#pragma once

#include <cstdint>

namespace pxp::kernels {

// Warps src (src_width x src_height x 3, rows `src_stride` bytes apart) into dst (dst_width x
// dst_height x 3, rows `dst_stride` bytes apart) with the inverse map `m` (source x = m[0] x +
// m[1] y + m[2], source y = m[3] x + m[4] y + m[5], OpenCV's pixel-center coordinates) and border
// value `border` (one per channel). Returns false, having written nothing, where it does not
// apply: no AVX-512 VBMI, a side of 2^15 or more, or a map whose fixed-point coordinates could
// leave 32 bits.
bool warp_affine_linear_rgb_u8(const uint8_t* src, int64_t src_stride, int64_t src_width, int64_t src_height,
                               const double m[6], const uint8_t border[3], uint8_t* dst, int64_t dst_stride,
                               int64_t dst_width, int64_t dst_height);

}  // namespace pxp::kernels
