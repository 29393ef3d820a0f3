// PNG decoding with libpng, directly: 8 and 16 bits, every color type, palette indices for
// label maps, a pixel limit checked against the header before the image is allocated, and
// corrupt or truncated data reported as PXP_EDECODE.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/tensor.hpp"

namespace pxp::kernels {

enum class PngMode : uint8_t {
  Unchanged,  // the file's channels (palette -> RGB, or RGBA with transparency; tRNS -> alpha)
  Rgb,        // 3 channels; alpha is dropped, gray is replicated
  Gray,       // 1 channel; color becomes 0.299 R + 0.587 G + 0.114 B, alpha is dropped
  Indices,    // palette files only: the raw palette index of each pixel, u8 H x W x 1
};

struct PngOptions {
  PngMode mode = PngMode::Unchanged;
  bool force_8bit = false;  // reduce 16-bit samples to their high byte (u8 output always)
  int64_t max_pixels = int64_t(1) << 28;
};

// Does the buffer start with the PNG signature?
bool is_png(const uint8_t* data, size_t size);

// u8 H x W x C (u16 for 16-bit files unless force_8bit). PXP_EDECODE on bad data.
Tensor decode_png(const uint8_t* data, size_t size, const PngOptions& options);

// The image size from the chunks before the pixel data (libpng checks them, CRCs included); no
// pixel is decoded. PXP_EDECODE on data whose header libpng cannot read.
struct PngHeader {
  int64_t height, width;
};
PngHeader read_png_header(const uint8_t* data, size_t size);

}  // namespace pxp::kernels
