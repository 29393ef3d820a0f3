// TIFF decoding with libtiff, from memory (TIFFClientOpenExt with per-call error handlers, so
// concurrent decodes never share state): the first page (directory) of the file. 8 and 16-bit
// unsigned gray, RGB and multi-channel files (strips or tiles, interleaved or planar, any
// compression libtiff reads) keep their samples and channels; every other kind libtiff can
// convert (palettes, 1/2/4-bit, YCbCr, CMYK, JPEG-in-TIFF...) goes through libtiff's RGBA
// reader to u8. The size is checked against max_pixels before anything is allocated; libtiff's
// errors become PXP_EDECODE with its message.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/tensor.hpp"
#include "kernels/image_decoding.hpp"

namespace pxp::kernels {

// "II*\0", "MM\0*" (classic TIFF) or "II+\0", "MM\0+" (BigTIFF).
bool is_tiff(const uint8_t* data, size_t size);

// The most samples per pixel decoded (multi-channel files); more is PXP_EDECODE.
constexpr int kMaxTiffSamples = 256;

// H x W x C, u8 or u16 (16-bit files), C the file's samples per pixel in unchanged mode (gray
// 1, RGB 3, RGBA 4, more for multi-channel files; files read through libtiff's RGBA reader: 1
// for gray kinds, 4 with extra samples, else 3).
Tensor decode_tiff(const uint8_t* data, size_t size, const DecodeOptions& options);

// The size of the first page from its directory (no pixel decoded).
ImageSize read_tiff_header(const uint8_t* data, size_t size);

}  // namespace pxp::kernels
