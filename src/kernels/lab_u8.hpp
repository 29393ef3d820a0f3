// OpenCV's 8-bit sRGB <-> CIE L*a*b* (D65 white) bit for bit, on planes: the same fixed-point
// tables and integer steps as cv::cvtColor(COLOR_RGB2Lab) and (COLOR_Lab2RGB) for u8, so every
// one of the 2^24 inputs gives what both OpenCVs we meet (Debian's, which the library links, and
// pip's cv2, which albumentations runs) give. Planar so that an op that changes only L (CLAHE)
// or reads only L (ToGray from_lab) does not interleave and split channels around OpenCV.
//
// u8 Lab holds L * 255 / 100, a + 128 and b + 128. Both directions are table lookups and integer
// multiply-adds: 16 pixels at a time with AVX-512 gathers where the CPU has AVX-512 VBMI and
// `vectors` is set, the portable per-pixel code otherwise (the same bits: a test compares them).
#pragma once

#include <cstdint>

namespace pxp::kernels {

// n interleaved RGB pixels -> the L plane, and the a and b planes unless both are null (L only).
void rgb_to_lab_planes_u8(const uint8_t* rgb, int64_t n, uint8_t* l, uint8_t* a, uint8_t* b, bool vectors = true);

// n pixels of L, a and b planes -> n interleaved RGB pixels.
void lab_planes_to_rgb_u8(const uint8_t* l, const uint8_t* a, const uint8_t* b, int64_t n, uint8_t* rgb,
                          bool vectors = true);

// The same on interleaved Lab (cv::cvtColor's layout), through planes a block at a time.
void rgb_to_lab_u8(const uint8_t* rgb, int64_t n, uint8_t* lab);
void lab_to_rgb_u8(const uint8_t* lab, int64_t n, uint8_t* rgb);

}  // namespace pxp::kernels
