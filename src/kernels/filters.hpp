// Neighborhood filters for the filter.* ops, mostly through OpenCV. Images are contiguous
// H x W x C or H x W tensors (u8, u16, f32); results keep the rank. Border modes follow
// kernels/image_modes.hpp; a constant border uses `border_value`.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"
#include "kernels/image_modes.hpp"

namespace pxp::kernels {

struct BorderSpec {
  Border mode = Border::Reflect;
  double value = 0.0;
};

// The odd kernel size OpenCV derives from sigma when none is given (3 sigma for u8, 4 for others).
int gaussian_size_for_sigma(double sigma, DType dtype);
Tensor gaussian_blur(const Tensor& image, double sigma, int kernel_size, BorderSpec border);
// albumentations' GaussianBlur: PIL's 1-D kernel exp(-0.5 (x / sigma)^2) / sum for x = -(size // 2)
// .. size // 2, in numpy's f64 arithmetic (its pairwise sum), applied along both axes by
// cv::sepFilter2D (which rounds the kernel to f32 and filters u8 images in f32). Faster than
// cv::GaussianBlur's bit-exact u8 path, and the same arithmetic as albumentations.
std::vector<double> pil_gaussian_kernel(int size, double sigma);
Tensor separable_gaussian_blur(const Tensor& image, int size, double sigma, BorderSpec border);
Tensor box_blur(const Tensor& image, int kernel_size, BorderSpec border);
Tensor median_blur(const Tensor& image, int kernel_size);
Tensor bilateral_filter(const Tensor& image, int diameter, double sigma_color, double sigma_space, BorderSpec border);
// Correlation with `kernel` (2-D, any numeric dtype) like cv::filter2D: anchor at the kernel's center
// (rows / 2, cols / 2); same dtype out, rounded and saturated.
Tensor convolve(const Tensor& image, const Tensor& kernel, BorderSpec border);
// size x size f32 kernels that sum to 1. sigma <= 0: OpenCV's sigma for the size.
Tensor gaussian_kernel(int64_t size, double sigma);
Tensor box_kernel(int64_t size);
// torchvision adjust_sharpness with factor 1 + amount: x + amount * (x - smooth(x)),
// smooth = [[1,1,1],[1,5,1],[1,1,1]] / 13 (rounded for integers), the 1-pixel frame unchanged.
Tensor sharpen(const Tensor& image, double amount);
Tensor sobel(const Tensor& image, int dx, int dy, int ksize, BorderSpec border);       // f32 out
Tensor laplacian(const Tensor& image, int ksize, BorderSpec border);                   // f32 out
Tensor canny(const Tensor& image, double low, double high, int aperture, bool l2_gradient);  // u8, 1 channel

}  // namespace pxp::kernels
