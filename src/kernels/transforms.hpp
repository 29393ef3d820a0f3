// View matrices: 3 x 3 homogeneous transforms acting on column vectors [x, y, 1] in continuous
// pixel coordinates (pixel (i, j) covers [j, j+1) x [i, i+1)). Computed in double, stored as f32
// tensors. A matrix maps source coordinates to destination coordinates.
#pragma once

#include <array>

#include "core/tensor.hpp"

namespace pxp::kernels {

using Mat3 = std::array<double, 9>;  // row-major

Mat3 mat3_identity();
Mat3 mat3_multiply(const Mat3& a, const Mat3& b);  // a * b: b is applied first
// The inverse; an argument error when the matrix is singular (or not finite).
Mat3 mat3_invert(const Mat3& m);

Mat3 translation(double tx, double ty);
// Positive angles turn counterclockwise as the image is displayed (y down), like
// cv::getRotationMatrix2D: x' = cx + c (x - cx) + s (y - cy), y' = cy - s (x - cx) + c (y - cy).
Mat3 rotation(double angle_degrees, double cx, double cy);
Mat3 scaling(double sx, double sy, double cx, double cy);
// x' = x + shx * y, y' = y + shy * x (about the origin).
Mat3 shearing(double shx, double shy);
// Moves the box center to the canvas center.
Mat3 center_on_box(double x1, double y1, double x2, double y2, double width, double height);
// Scales about the box center by the largest factor that fits the box, grown by `margin` of its
// size on every side, in the canvas (aspect kept), and centers it. Zero-size boxes: an argument error.
Mat3 focus_on_box(double x1, double y1, double x2, double y2, double width, double height, double margin);
// The matrix of resizing a src_w x src_h image to dst_w x dst_h.
Mat3 resize_matrix(double src_w, double src_h, double dst_w, double dst_h);
// The matrix of cropping the box (x, y, w, h) and resizing it to dst_w x dst_h (the box's pixels
// go to [0, dst_w) x [0, dst_h)).
Mat3 crop_resize_matrix(double x, double y, double w, double h, double dst_w, double dst_h);
// The matrix of flipping a width x height image (horizontal: x' = width - x).
Mat3 flip_matrix(double width, double height, bool horizontal, bool vertical);

// What OpenCV needs for the same warp: it puts pixel centers at integers, so T(-0.5) M T(+0.5).
Mat3 to_opencv(const Mat3& m);

// A 3 x 3 tensor of any numeric dtype (an argument error otherwise) / an f32 3 x 3 tensor.
Mat3 read_mat3(const Tensor& t, const char* what = "matrix");
Tensor mat3_tensor(const Mat3& m);

}  // namespace pxp::kernels
