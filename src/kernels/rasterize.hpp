// Rasterizing annotations into u8 masks (H x W x 1) by pixel-center sampling in continuous
// coordinates: pixel (i, j) is set when its center (j + 0.5, i + 0.5) is inside the shape. So a box
// with integer corners renders exactly the pixels it covers, and a mask moves with its annotations.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/tensor.hpp"

namespace pxp::kernels {

// First pixel index whose center is >= c, clamped to [0, n]: the half-open sampling rule (a box
// [x1, x2) covers the pixels first_center_at_or_after(x1) .. first_center_at_or_after(x2) - 1).
inline int64_t first_center_at_or_after(double c, int64_t n) {
  double j = std::ceil(c - 0.5);
  if (j <= 0) return 0;
  if (j >= static_cast<double>(n)) return n;
  return static_cast<int64_t>(j);
}

// A new zeroed u8 height x width x 1 mask; a range error for negative or absurd sizes.
Tensor empty_mask(int64_t width, int64_t height);

// Fills each polygon (N x 2 points, closed implicitly) by the even-odd rule; polygons are
// united. A polygon's pixel is set when its center lies inside: left/top edges included,
// right/bottom edges excluded, so adjacent polygons sharing an edge never overlap.
void render_polygon(Tensor& mask, const std::vector<double>& xy, uint8_t value);
// Pixels whose centers are within `radius` of the point, plus the pixel containing the point.
void render_point(Tensor& mask, double x, double y, double radius, uint8_t value);
// Pixels whose centers lie in [x1, x2) x [y1, y2).
void render_box(Tensor& mask, double x1, double y1, double x2, double y2, uint8_t value);

}  // namespace pxp::kernels
