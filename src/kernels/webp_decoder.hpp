// WebP decoding with libwebp (lossy and lossless, with or without alpha; still images only):
// the size from the bitstream's header checked against max_pixels before the image is
// allocated, and every libwebp failure reported as PXP_EDECODE.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/tensor.hpp"
#include "kernels/image_decoding.hpp"

namespace pxp::kernels {

// "RIFF" <size> "WEBP".
bool is_webp(const uint8_t* data, size_t size);

// u8 H x W x C: unchanged gives 4 channels (RGBA) for files with alpha, 3 (RGB) for the others.
Tensor decode_webp(const uint8_t* data, size_t size, const DecodeOptions& options);

// The size from the header (no pixel decoded).
ImageSize read_webp_header(const uint8_t* data, size_t size);

}  // namespace pxp::kernels
