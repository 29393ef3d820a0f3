// Test helper: JPEG and PNG encoders (libjpeg-turbo and libpng directly; OpenCV's imgcodecs is
// not linked) and a reference JPEG decode through TurboJPEG, for the decoder tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace pxp::test {

using Bytes = std::vector<uint8_t>;

// u8 H x W x C with C 1 (gray) or 3 (RGB).
Bytes encode_jpeg(const Tensor& image, int quality = 95, bool progressive = false);

struct PngSpec {
  int color_type = -1;  // PNG_COLOR_TYPE_*; -1: from channels (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA)
  int bit_depth = -1;   // -1: 8 for u8, 16 for u16; 1, 2, 4 for gray or palette images
  bool interlaced = false;
  std::vector<uint8_t> palette;  // RGB triples, for PNG_COLOR_TYPE_PALETTE (image holds indices)
  std::vector<uint8_t> trns;     // palette alpha values
};
// u8 or u16 H x W x C.
Bytes encode_png(const Tensor& image, const PngSpec& spec = {});
// Only a signature and an IHDR chunk claiming the size: for pixel-limit tests.
Bytes png_header_only(uint32_t width, uint32_t height);

// TurboJPEG's decode of the same bytes (the reference: same library, same DCT).
Tensor turbojpeg_decode(const Bytes& data, bool gray, int scale_denom = 1);

// Deterministic test pattern: smooth gradients plus a little structure, u8 H x W x C.
Tensor pattern_u8(int64_t h, int64_t w, int64_t c, uint32_t seed = 1);
Tensor pattern_f32(int64_t h, int64_t w, int64_t c, uint32_t seed = 1);

Tensor bytes_tensor(const Bytes& b);

}  // namespace pxp::test
