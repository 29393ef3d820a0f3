// What the decoders of WebP, BMP, TIFF and PNM share: the channel modes of image.decode, the
// pixel limit checked against the header before anything is allocated (with the same message as
// the JPEG and PNG decoders), and the conversions from a decoder's native pixels (u8 or u16,
// the file's channels) to a mode and to a dtype.
#pragma once

#include <cstdint>
#include <string>

#include "core/tensor.hpp"

namespace pxp::kernels {

enum class DecodeMode : uint8_t {
  Rgb,        // 3 channels: alpha and extra channels dropped, gray replicated
  Gray,       // 1 channel: 0.299 R + 0.587 G + 0.114 B (OpenCV's RGB2GRAY), alpha dropped
  Unchanged,  // the file's channels
};

struct DecodeOptions {
  DecodeMode mode = DecodeMode::Rgb;
  int64_t max_pixels = int64_t(1) << 28;  // limit on width * height, checked against the header
};

// The size of an image from its header.
struct ImageSize {
  int64_t height, width;
};

// PXP_EDECODE "<format> image of W x H pixels (N) exceeds the limit of max_pixels = M", and
// PXP_EDECODE for an image with no pixels.
void check_decode_pixels(const char* format, uint64_t width, uint64_t height, int64_t max_pixels);

// H x W x C (u8 or u16; C = 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA, more: RGB then extra
// channels) in the requested mode. Unchanged returns the image itself.
Tensor to_decode_mode(const Tensor& image, DecodeMode mode);

// u8 or u16 pixels as `dtype`: u16 -> u8 keeps the high byte (v >> 8, as PNG's 8-bit reduction),
// u8 -> u16 scales by 257 (0 -> 0, 255 -> 65535). The same dtype returns the image itself.
Tensor to_pixel_dtype(const Tensor& image, DType dtype);

}  // namespace pxp::kernels
