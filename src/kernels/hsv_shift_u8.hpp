// albumentations' HueSaturationValue on u8 RGB in one pass: OpenCV's cvtColor(RGB2HSV), a table
// per channel, cvtColor(HSV2RGB), with the bits of the OpenCV that albumentations runs (pip's
// cv2, 4.10), so no u8 HSV image is ever stored.
//
// The conversion to HSV is integer arithmetic (hue in [0, 180), 12-bit reciprocal tables): one
// answer whatever the SIMD width. The conversion back is float, and OpenCV computes it two ways:
// in blocks of 32 pixels of a row (its AVX2 path) the sector comes from truncations and the
// result is truncated to u8; the row's last width % 32 pixels (its scalar path) take fmod and
// floor and round to the nearest. Both fuse v * (1 - s * f) into a multiply-add. We do the same,
// so every pixel equals what cv2 gives on an image of the same width.
#pragma once

#include <cstdint>

namespace pxp::kernels {

struct HsvTables {
  const uint8_t* hue;         // 256 entries each: the new H, S, V of an old one
  const uint8_t* saturation;
  const uint8_t* value;
};

// One image of height rows x width pixels of interleaved RGB (rows src_stride / dst_stride bytes
// apart; src and dst do not overlap). 16 pixels at a time with AVX-512 VBMI where the CPU has it
// and `vectors` is set; the portable per-pixel code otherwise (the same bits: tests compare them).
void shift_hsv_rgb_u8(const uint8_t* src, uint8_t* dst, int64_t width, int64_t height, int64_t src_stride,
                      int64_t dst_stride, const HsvTables& tables, bool vectors = true);

}  // namespace pxp::kernels
