// Lossy compression round trips (albumentations' ImageCompression): the image encoded at a quality
// and decoded again, in memory. JPEG with libjpeg-turbo (TurboJPEG API: 4:2:0 chroma, accurate
// integer DCT, fancy upsampling: the settings OpenCV's imencode / imdecode use), WebP with libwebp
// (lossy, WebPEncodeRGB / WebPDecodeRGBInto). u8 images only; any shape is safe: sizes the format
// cannot hold and encoder failures are errors (PXP_EOUT_OF_RANGE / PXP_EDECODE), never crashes.
#pragma once

#include "core/tensor.hpp"

namespace pxp::kernels {

enum class CompressionFormat { Jpeg, Webp };

// H x W (gray), H x W x 1, x 2 (a zero third channel added for the round trip, dropped after),
// x 3 (RGB), x 4 or more (the first three as RGB, each further channel alone as gray), as
// albumentations. quality in [1, 100].
Tensor compress_round_trip(const Tensor& image, int quality, CompressionFormat format);

}  // namespace pxp::kernels
