// Image formats told apart by the first bytes of the data (their signatures), the one rule
// image.decode, image.decode_crop and image.decoded_size use to pick a decoder.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pxp::kernels {

enum class ImageFormat : uint8_t { Unknown, Jpeg, Png, Webp, Bmp, Tiff, Pnm };

// JPEG: FF D8 FF; PNG: its 8-byte signature; WebP: "RIFF" <size> "WEBP"; BMP: "BM"; TIFF:
// "II*\0", "MM\0*" (and BigTIFF's "II+\0", "MM\0+"); PNM: "P1" to "P6" then white space.
ImageFormat detect_image_format(const uint8_t* data, size_t size);

// "JPEG", "PNG", "WebP", "BMP", "TIFF", "PNM" (and "unknown").
const char* image_format_name(ImageFormat format);

}  // namespace pxp::kernels
