// Coordinate maps of the non-linear distortions (albumentations' ElasticTransform, GridDistortion,
// OpticalDistortion, PiecewiseAffine, ThinPlateSpline), for image.remap.
//
// Every function returns an f32 tensor [2, H, W]: plane 0 is map_x, plane 1 map_y, the source
// point of each output pixel in image.remap's continuous coordinates (pixel (i, j) covers
// [j, j + 1) x [i, i + 1)). The formulas are albumentations' (written for pixel-index
// coordinates, where pixel (i, j) is the point (j, i)); the maps are those values + 0.5, so a
// remap here samples the same source points as albumentations' cv2.remap.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"

namespace pxp::kernels {

// The values of any numeric tensor as doubles, row-major.
std::vector<double> tensor_values(const Tensor& t);

// Lens distortion about the image center with coefficient k.
// camera: OpenCV's undistortion map of the camera [[W, 0, W/2], [0, H, H/2]] with k1 = k2 = k
//   (the new camera centered at ((W-1)/2, (H-1)/2), as cv2.initUndistortRectifyMap without one).
// fisheye: r -> r (1 + k (r / R)^2) about (W/2, H/2), R the distance from the center to a corner.
Tensor optical_distortion_map(int64_t width, int64_t height, double k, bool fisheye);

// Grid distortion: num_steps = steps_x.size() - 1 cells per side (cell side W // num_steps); cell c
// of the output spans the source length step_c * cell side, linearly. normalized rescales the steps
// (after shortening the last one to the remainder) so the map spans exactly the image.
Tensor grid_distortion_map(int64_t width, int64_t height, std::vector<double> steps_x, std::vector<double> steps_y,
                           bool normalized);

// Elastic deformation from noise [n, H, W] (n = 1: the same field for x and y, else 2): the
// planes stacked as one (n H) x W image are blurred together (Gaussian, sigma, kernel side
// `kernel` or OpenCV's automatic 2 round(4 sigma) + 1 when 0, replicated border) and scaled by
// alpha; the map is the identity plus these displacements.
Tensor elastic_map(const Tensor& noise, double alpha, double sigma, int kernel);

// Piecewise affine (albumentations 2.0's form): a rows x cols grid of control points
// (linspace(0, W-1, cols) x linspace(0, H-1, rows)), each moved by jitter[i, j] * jitter_std
// ((dy, dx) order as albumentations, jitter a [>= rows, >= cols, 2] tensor read at its top-left
// block) and clamped to the image; every pixel's source is the inverse-squared-distance weighted
// mean of the moved points, clamped to [0, W-1] x [0, H-1].
Tensor piecewise_affine_map(int64_t width, int64_t height, int64_t rows, int64_t cols, const Tensor& jitter,
                            double jitter_std);

// Thin plate spline through control points (N x 2, in [0, 1] image-relative coordinates) that map
// `source` points to `target` points, evaluated at every pixel (x / W, y / H) and scaled back by
// (W, H). albumentations' kernel: the system uses s^2 log(s + 1e-6), the evaluation s log(s + 1e-6),
// s the squared distance.
Tensor thin_plate_spline_map(int64_t width, int64_t height, const std::vector<double>& source,
                             const std::vector<double>& target);

}  // namespace pxp::kernels
