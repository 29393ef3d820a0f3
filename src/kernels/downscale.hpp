// albumentations' Downscale: cv::resize by a factor, then back to the original size.
#pragma once

#include "core/tensor.hpp"

namespace pxp::kernels {

// OpenCV interpolation flags, as cv::InterpolationFlags (INTER_NEAREST = 0, ...).
// Shrinks with cv::resize(fx = fy = scale) (the size rounded as OpenCV does; a side that would be 0
// is 1), then resizes to H x W. u8, u16 or f32 (H x W or H x W x C), not empty; scale in (0, 1].
Tensor downscale_round_trip(const Tensor& image, double scale, int down_interpolation, int up_interpolation);

}  // namespace pxp::kernels
