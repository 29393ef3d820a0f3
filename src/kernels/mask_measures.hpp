// Measures of masks (H x W x C or H x W, any numeric dtype; a pixel is "set" when any of its
// channels is nonzero), in continuous pixel coordinates: pixel (i, j) covers [j, j+1) x [i, i+1).
#pragma once

#include <array>

#include "core/tensor.hpp"

namespace pxp::kernels {

// x1, y1, x2, y2 of the set pixels (x2 = last set column + 1); all zeros when nothing is set.
std::array<double, 4> mask_bounding_box(const Tensor& mask);
bool mask_is_empty(const Tensor& mask);

// m00 m10 m01 m20 m11 m02 m30 m21 m12 m03 of a one-channel mask, each pixel a point mass at its
// center (j + 0.5, i + 0.5), so m10 / m00 is the centroid in continuous coordinates. binary:
// set pixels weigh 1; else the pixel values are the weights.
std::array<double, 10> mask_moments(const Tensor& mask, bool binary);

// i32 labels with the mask's shape (one channel): 0 for unset pixels, components numbered
// 1..K in raster order of their first pixel. connectivity: 4 or 8.
Tensor connected_components(const Tensor& mask, int connectivity);

enum class DistanceMetric : uint8_t { L1, L2, Linf };
// f32, the mask's shape: for each set pixel the distance to the nearest unset pixel (L2 exact),
// 0 on unset pixels. Beyond the border counts as set (it never brings a zero closer); a mask
// without unset pixels is +inf everywhere.
Tensor distance_transform(const Tensor& mask, DistanceMetric metric);

}  // namespace pxp::kernels
