// torchvision's antialiased bilinear resize (resize(..., antialias=True), its default since 0.17):
// PIL's triangle filter, widened by the shrink factor, so that a shrink averages every source
// pixel it covers instead of sampling two.
//
// Per axis (input size n, output size m, scale s = n / m): output i is centered at
// c = s (i + 1/2) in the source; the filter's support is max(s, 1) pixels each way, so it reads
// source pixels j from max(trunc(c - support + 1/2), 0) to min(trunc(c + support + 1/2), n) - 1
// with weights max(0, 1 - |j - c + 1/2| / max(s, 1)), normalized to sum to 1. A horizontal pass
// over the rows, then a vertical one, as torch does.
//
// u8 images follow torch's fixed-point path: the weights of an axis become int16 with the most
// fractional bits p that keep twice the largest weight below 2^15, and each pass writes u8:
// (sum of weight x value + 2^(p-1)) >> p, clamped to [0, 255]. The horizontal pass runs 16
// output values per step with AVX-512 VBMI (a byte permute per pair of taps, vpmaddwd) where the
// CPU has it and a block's taps fit a 128-byte window, the vertical pass 32 per step with AVX-512
// (two taps' rows interleaved, vpmaddwd, the sums kept in registers); otherwise the same sums in
// plain C++ (`vectors` false forces that: a test compares the two).
// f32 images use the float weights (no rounding between the passes).
#pragma once

#include <cstdint>

namespace pxp::kernels {

// The part of the source an output covers, per axis: output pixel i is centered at source
// coordinate offset + scale (i + 1/2). The whole source is offset 0, scale in / out (torch's).
struct AntialiasWindow {
  double x_offset, x_scale, y_offset, y_scale;
};

// src: src_width x src_height x channels (1 to 4) interleaved u8, rows src_stride bytes apart;
// dst: dst_width x dst_height, rows packed. Sizes >= 1. `window` (null: the whole source) lets
// a fractional box of src be the source, its filter reaching into src's pixels around it
// (clamped at src's edges): the fused JPEG crop decode resizes a DCT-scaled box this way.
void resize_antialias_u8(const uint8_t* src, int64_t src_stride, int64_t src_width, int64_t src_height,
                         int64_t channels, uint8_t* dst, int64_t dst_width, int64_t dst_height,
                         const AntialiasWindow* window = nullptr, bool vectors = true);

// The same filter on f32 values (src_stride in floats).
void resize_antialias_f32(const float* src, int64_t src_stride, int64_t src_width, int64_t src_height,
                          int64_t channels, float* dst, int64_t dst_width, int64_t dst_height);

}  // namespace pxp::kernels
