// EXIF orientation of JPEG files: the tag 0x0112 of the APP1 "Exif" segment, read by our own
// bounds-checked parser (the segments before the first scan, then IFD0 of the TIFF structure),
// and the flips and quarter turns that make the stored pixels upright, as PIL's
// ImageOps.exif_transpose applies them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/tensor.hpp"
#include "kernels/image_geometry.hpp"
#include "kernels/transforms.hpp"

namespace pxp::kernels {

// 1 to 8. 1 (as stored) when there is no EXIF segment, no orientation tag, or the EXIF data is
// malformed or out of bounds: corrupt EXIF never fails a decode.
int jpeg_exif_orientation(const uint8_t* data, size_t size);

// Orientations 5 to 8 store the image transposed: upright width is the stored height.
inline bool orientation_swaps_axes(int orientation) { return orientation >= 5 && orientation <= 8; }

// The upright image from the stored one (1: the image itself; any dtype and channel count).
Tensor apply_orientation(const Tensor& stored, int orientation);

// The stored pixels under a box of whole upright pixels (a box inside the upright image of
// upright_height x upright_width).
PixelBox box_in_stored_image(const PixelBox& upright, int orientation, int64_t upright_height, int64_t upright_width);

// The view matrix of apply_orientation: stored continuous coordinates to upright ones, for a
// stored image of stored_width x stored_height.
Mat3 stored_to_upright(int orientation, double stored_width, double stored_height);

}  // namespace pxp::kernels
