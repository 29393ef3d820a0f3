// Blur kernels and blur effects of albumentations' blur family (MotionBlur, Defocus, AdvancedBlur,
// GlassBlur, ZoomBlur, UnsharpMask), with the same arithmetic so fixed parameters give the same
// pixels. Kernels are f32 and sum to 1; images are H x W x C or H x W tensors.
#pragma once

#include <cstdint>

#include "core/rng.hpp"
#include "core/tensor.hpp"

namespace pxp::kernels {

// A size x size line kernel (odd size >= 3), normalized: `size` points at t = linspace(t0, t1,
// size) along (cos angle, sin angle) from the center (angle in degrees), t0 = -size/2 and
// t1 = size/2 with direction in [-1, 1] shortening one side by |direction|; shift_x, shift_y in
// [-1, 1] move the line by that fraction of (size / 2) / 2. Points round half to even and are
// clamped into the kernel; each marked cell weighs 1 / (number of marked cells).
Tensor motion_kernel(int64_t size, double angle_deg, double direction, double shift_x, double shift_y);

// The disk of `radius` (x^2 + y^2 <= radius^2) on a (2 max(8, radius) + 1)^2 grid, normalized, then
// smoothed by a 3 x 3 (radius <= 8) or 5 x 5 Gaussian of sigma alias_blur (cv::GaussianBlur,
// reflect_101 borders; 0 uses OpenCV's sigma for the size).
Tensor defocus_kernel(int64_t radius, double alias_blur);
// The image convolved with defocus_kernel(radius, alias_blur), reflect_101 borders (as
// cv::filter2D): the kernel's zero frame is skipped and its two mirror symmetries folded, sums in
// f32, integers rounded half to even and saturated. u8, u16 or f32.
Tensor defocus_blur(const Tensor& image, int64_t radius, double alias_blur);
// The image convolved (reflect_101) with an odd square kernel symmetric about its center on both
// axes (only its lower-right quadrant is read), as defocus_blur folds it. u8, u16 or f32.
Tensor convolve_mirror_symmetric(const Tensor& image, const Tensor& kernel);

// A size x size generalized Gaussian exp(-0.5 (v^T S^-1 v)^beta), S = R diag(sx^2, sy^2) R^T with R
// the rotation by angle_deg, v the offset from the center; multiplied element-wise by the top-left
// size x size block of `noise` (2-D, any numeric dtype), then normalized.
Tensor generalized_gaussian_kernel(int64_t size, double sigma_x, double sigma_y, double angle_deg, double beta,
                                   const Tensor& noise);

// albumentations' unsharp mask on [0, 1] floats (u8 is read as v / 255 and written back rounded):
// blur = Gaussian(ksize, sigma); r = x - blur; sharp = clip(x + alpha r, 0, 1);
// m = Gaussian(ksize, sigma) of (|r| * 255 > threshold); out = sharp m + x (1 - m). u8 or f32.
Tensor unsharp_mask(const Tensor& image, int kernel_size, double sigma, double alpha, double threshold);

// The offsets GlassBlur swaps pixels by: i32, N x iterations x 2 (dy, dx), N = (H - 2 d) (W - 2 d)
// (0 when negative), each uniform in [-d, d) (d = max_delta); drawn in row-major order.
Tensor glass_offsets(int64_t height, int64_t width, int64_t max_delta, int64_t iterations, RandomStream& rng);

// GlassBlur's pixel swaps (before its second blur): for each iteration i, pixel (h, w) with h from
// H - d down to d + 1 and w from W - d down to d + 1 swaps with (h + dy, w + dx), the offsets of
// its index k in `offsets`. fast (albumentations' "fast"): k = w_index * (H - 2 d) + h_index and
// every swap of an iteration reads the image as it was before that iteration (later writes win);
// exact: k = h_index * (W - 2 d) + w_index, swaps one after the other, except that with several
// channels (h, w) only takes (h + dy, w + dx)'s value, as albumentations' NumPy views do.
Tensor glass_swaps(const Tensor& image, const Tensor& offsets, int64_t max_delta, bool exact);

// albumentations' zoom blur: the mean of the image and its central zooms by the factors
// arange(1, max_factor, step_factor) (each: the centered ceil(H / z) x ceil(W / z) crop resized
// bilinearly to int(size * z), its centered H x W part), on [0, 1] floats (u8 read as v / 255 and
// written back rounded). u8 or f32.
Tensor zoom_blur(const Tensor& image, double max_factor, double step_factor);

}  // namespace pxp::kernels
