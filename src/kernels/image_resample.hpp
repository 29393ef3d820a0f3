// Image geometry that interpolates: resize, warps by a 3 x 3 matrix and remaps by coordinate
// maps, all in the continuous convention (pixel (i, j) covers [j, j+1) x [i, i+1); a matrix maps
// source to destination coordinates). OpenCV counts from pixel centers, so matrices and maps are
// shifted by half a pixel on the way in. Dtypes: u8, u16, i16, f32, f64.
#pragma once

#include <array>
#include <cstdint>

#include "core/tensor.hpp"
#include "kernels/image_geometry.hpp"
#include "kernels/image_modes.hpp"

namespace pxp::kernels {

// Is the dtype one the interpolating ops accept?
bool resample_dtype_supported(DType dtype);

// width x height (both >= 1); scaling by width / W and height / H in continuous coordinates.
// `antialias` (linear only, u8 or f32): torchvision's antialiased bilinear filter
// (antialias_resize.hpp) instead of cv::resize's.
Tensor resize(const Tensor& image, int64_t width, int64_t height, Interpolation interpolation,
              bool antialias = false);

using Matrix3 = std::array<double, 9>;  // row-major

// Destination pixel (x, y) takes the source at M^-1 (x, y). Affine matrices (last row 0 0 1)
// use cv::warpAffine (u8 RGB, linear, constant border: kernels/affine_warp_u8, the same bits),
// others cv::warpPerspective. An argument error for a singular matrix.
Tensor warp(const Tensor& image, const Matrix3& matrix, int64_t width, int64_t height, Interpolation interpolation,
            Border border, double border_value);

// Where a fused warp goes: destination pixel p takes the source at matrix^-1 p, into width x
// height, with a constant border of border_value.
struct WarpTarget {
  Matrix3 matrix;
  int64_t width, height;
  Interpolation interpolation;
  double border_value;
};

// warp(resize(crop(image, box), box_width, box_height), target) in one resample: the box
// (clipped to the image; a box that misses it is a range error) is the image's edge, what the
// warp brings in from outside it is border_value.
Tensor warp_resized_crop(const Tensor& image, const PixelBox& box, int64_t box_width, int64_t box_height,
                         const WarpTarget& target);

// Destination pixel (i, j) takes the source at (map_x[i, j], map_y[i, j]) (continuous
// coordinates); the maps are f32 H' x W' and give the output size.
Tensor remap(const Tensor& image, const Tensor& map_x, const Tensor& map_y, Interpolation interpolation,
             Border border, double border_value);

}  // namespace pxp::kernels
