// Annotations moved through a coordinate map (image.remap's: output pixel (i, j) samples the
// source at (map_x[i, j], map_y[i, j]), continuous coordinates), so that points and boxes follow
// an image distorted by a non-linear map.
#pragma once

#include "core/tensor.hpp"

namespace pxp::kernels {

// Points (N x k, k >= 2: x, y, then columns kept as they are) moved to where the map samples
// them: the inverse of the map, found as the output pixel whose source point is nearest, refined
// by one Newton step on the map's local Jacobian (so sub-pixel, and extrapolated beyond the output
// when the point's source is not sampled at all). f32 N x k.
Tensor remap_points(const Tensor& points, const Tensor& map_x, const Tensor& map_y);

// Boxes (N x 4, x1 y1 x2 y2) moved as their masks would be by a nearest-neighbour remap: a box
// covers the source pixels (inside a width x height source) whose centers lie in it; the moved box
// is the bounding box of the output pixels whose nearest source pixel it covers. A box no output
// pixel samples becomes (-1, -1, -1, -1) (outside the canvas, so box filtering drops it). f32 N x 4.
Tensor remap_boxes(const Tensor& boxes, const Tensor& map_x, const Tensor& map_y, int64_t width, int64_t height);

}  // namespace pxp::kernels
