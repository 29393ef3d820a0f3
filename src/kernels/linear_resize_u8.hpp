// Bilinear resize of u8 images, bit for bit what cv::resize(INTER_LINEAR) gives, in fewer steps.
//
// OpenCV's 8-bit linear resize is fixed point: per output column a source column sx and weights
// (a0, a1) = round((1 - fx, fx) * 2048) from float coordinates; a horizontal pass makes int32
// sums S = a0 p[sx] + a1 p[sx + 1]; a vertical pass with row weights (b0, b1) gives
// ((((S0 >> 4) * b0) >> 16) + (((S1 >> 4) * b1) >> 16) + 2) >> 2, saturated to u8. (That is its
// SIMD formula; its scalar one, (S0 b0 + S1 b1 + 2^21) >> 22, is 1 higher at times, but the
// library's OpenCV uses the SIMD one on every value of every width: the test compares all of them.)
// This file computes the same numbers with AVX-512 VBMI: each block of 16 output values gathers
// its source bytes with one byte permute of a 64-byte window (a two-register permute of a 128-byte
// window where a shrink needs it) and does its two multiply-adds at once (vpmaddwd), and the
// vertical pass works on 32 values per step in 16 bits.
#pragma once

#include <cstdint>

namespace pxp::kernels {

// Resizes a src_width x src_height image of `channels` (1 to 4) interleaved u8 channels (rows
// `src_stride` bytes apart) into dst (dst_width x dst_height, rows packed). Returns false, having
// written nothing, where it does not apply: no AVX-512 VBMI, a source more than about 7x wider
// than the output (a block's source bytes would not fit the 128-byte window), an exact 2x
// shrink or the same size (OpenCV averages 2 x 2 or copies there), a side above 2^15 or an empty
// image.
bool resize_linear_u8(const uint8_t* src, int64_t src_stride, int64_t src_width, int64_t src_height,
                      int64_t channels, uint8_t* dst, int64_t dst_width, int64_t dst_height);

}  // namespace pxp::kernels
