// Annotations moved by view matrices: points (N x 2, x y), boxes (N x 4, x1 y1 x2 y2) and
// polygons (point tensors), in continuous pixel coordinates. Inputs of any numeric dtype;
// outputs are f32 with the input's shape (a single point [2] or box [4] keeps rank 1).
#pragma once

#include <vector>

#include "core/tensor.hpp"
#include "kernels/transforms.hpp"

namespace pxp::kernels {

// The values of an N x k (or, single row, k) tensor as doubles, row-major; an argument error
// for other shapes.
std::vector<double> read_rows(const Tensor& t, int64_t k, const char* what);

// Perspective divide included; a point mapped to infinity (w = 0) becomes (inf, inf) or NaN.
Tensor transform_points(const Tensor& points, const Mat3& m);
// The 4 corners of each box, transformed, re-boxed as min/max.
Tensor transform_boxes(const Tensor& boxes, const Mat3& m);
// Every coordinate clamped to [0, width] / [0, height].
Tensor clip_boxes(const Tensor& boxes, double width, double height);

// Which boxes keep at least `min_visible` of their area inside the canvas, and whose clipped
// width and height are at least `min_size`. A box of zero area counts as fully visible when it
// lies inside the canvas (clipping does not change it), else as invisible.
std::vector<bool> visible_boxes(const Tensor& boxes, double width, double height, double min_visible,
                                double min_size);
// The clipped boxes that are visible, K x 4.
Tensor filter_boxes(const Tensor& boxes, double width, double height, double min_visible, double min_size);

// Min/max of N x 2 points as a box [4]; no points: all zeros.
Tensor points_bounds(const Tensor& points);
// The corners of each box, clockwise as displayed from the top left: N x 4 boxes -> 4N x 2 points.
Tensor box_to_points(const Tensor& boxes);

}  // namespace pxp::kernels
