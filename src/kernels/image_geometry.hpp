// Image geometry that moves whole pixels: crops, flips, transposes, quarter turns. Any dtype
// and channel count; rank 2 (H x W) and rank 3 (H x W x C) inputs keep their rank.
#pragma once

#include <cstdint>

#include "core/tensor.hpp"
#include "kernels/image_modes.hpp"

namespace pxp::kernels {

// The image itself if each row's pixels are contiguous (rows may be strided), else a copy.
Tensor with_contiguous_rows(const Tensor& image);

// A box (x1, y1, x2, y2) in continuous pixel coordinates, rounded to whole pixels: the origin
// is the nearest pixel corner to (x1, y1) and the size the nearest whole size (ties to even:
// kernels/rounding.hpp), so a box moved by a fraction keeps its size. A range error for non-finite values or x2 < x1, y2 < y1.
struct PixelBox {
  int64_t x, y, width, height;
};
PixelBox pixel_box(double x1, double y1, double x2, double y2);

// The part of the box inside the image (possibly empty: 0 x 0), as a view of the image's memory.
Tensor crop(const Tensor& image, const PixelBox& box);
// The clipped box that crop returns: the output size for type rules.
PixelBox clip_box(const PixelBox& box, int64_t height, int64_t width);

// Exactly box.height x box.width; pixels outside the image follow the border mode
// (constant: `value`, saturated to the dtype). A view when the box lies inside the image.
Tensor crop_pad(const Tensor& image, const PixelBox& box, Border border, double value);

enum class FlipAxis : uint8_t { Horizontal, Vertical, Both };
Tensor flip(const Tensor& image, FlipAxis axis);

// Rows become columns: W x H x C.
Tensor transpose(const Tensor& image);

// k counterclockwise quarter turns (any integer; taken modulo 4).
Tensor rotate90(const Tensor& image, int64_t k);

}  // namespace pxp::kernels
