// BMP decoding by our own reader (Windows BITMAPINFOHEADER and its V4/V5 extensions, OS/2
// BITMAPCOREHEADER): 1, 4 and 8-bit palettes, 16 and 32-bit bit fields, 24 and 32-bit BGR(A),
// bottom-up and top-down rows. Every read is checked against the buffer, the size against
// max_pixels before anything is allocated; run-length (RLE4/RLE8) and embedded JPEG/PNG bitmaps
// fail as unsupported. Errors are PXP_EDECODE.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/tensor.hpp"
#include "kernels/image_decoding.hpp"

namespace pxp::kernels {

// "BM".
bool is_bmp(const uint8_t* data, size_t size);

// u8 H x W x C. Unchanged: 1 channel for palettes that are all gray, 4 when the file has an
// alpha bit field, else 3 (the fourth byte of a plain 32-bit BMP is padding, not alpha).
// Palette indices past the palette's end read as black.
Tensor decode_bmp(const uint8_t* data, size_t size, const DecodeOptions& options);

// The size from the header (no pixel read).
ImageSize read_bmp_header(const uint8_t* data, size_t size);

}  // namespace pxp::kernels
