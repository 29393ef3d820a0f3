// JPEG decoding with libjpeg-turbo, directly: DCT-domain down-scaling, a pixel limit checked
// against the header before anything is allocated, and corrupt or truncated data reported as
// PXP_EDECODE (libjpeg's default handler would call exit()).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/tensor.hpp"

namespace pxp::kernels {

enum class JpegMode : uint8_t {
  Rgb,        // 3 channels, whatever the file holds
  Gray,       // 1 channel (the luma of color files)
  Unchanged,  // gray files stay 1 channel, color files (YCbCr, RGB, CMYK) become 3 channels RGB
};

struct JpegOptions {
  JpegMode mode = JpegMode::Rgb;
  int scale_denom = 1;  // 1, 2, 4 or 8: libjpeg scales by 1/denom while decoding (ceil of the size)
  int64_t max_pixels = int64_t(1) << 28;  // limit on width * height of the full-size image
};

// Does the buffer start with a JPEG SOI marker?
bool is_jpeg(const uint8_t* data, size_t size);

// u8 H x W x C. Fails with PXP_EDECODE on anything libjpeg cannot decode completely.
Tensor decode_jpeg(const uint8_t* data, size_t size, const JpegOptions& options);

}  // namespace pxp::kernels
