// Random pixel corruption for the noise.* ops. Every random number comes from the given
// RandomStream, in the order documented per function, so (seed, sample) fixes the result.
// Images are contiguous H x W x C or H x W tensors of u8, u16 or f32; integer results are
// rounded and saturated, f32 results are not clamped.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "core/tensor.hpp"

namespace pxp::kernels {

// One normal(mean, std) per value, in memory order (row, column, channel).
Tensor add_gaussian_noise(const Tensor& image, double mean, double std, RandomStream& rng);
// One uniform(low, high) per value, in memory order.
Tensor add_uniform_noise(const Tensor& image, double low, double high, RandomStream& rng);
// One uniform01 u per pixel, in row-major order: u < amount * salt_ratio -> salt (full intensity in
// every channel), else u < amount -> pepper (0), else unchanged.
Tensor salt_and_pepper(const Tensor& image, double amount, double salt_ratio, RandomStream& rng);
// One uniform01 per pixel (per value with per_channel), in memory order; below p -> value.
Tensor pixel_dropout(const Tensor& image, double p, double value, bool per_channel, RandomStream& rng);

// Hole sizes below 1 are fractions of the image side, 1 and above are pixels.
struct HoleSpec {
  int64_t min_holes = 1, max_holes = 8;
  double min_height = 0.1, max_height = 0.2, min_width = 0.1, max_width = 0.2;
  double fill = 0.0;
};
// Draws: holes = integer(min_holes, max_holes); then per hole: height = integer(min_h, max_h),
// width = integer(min_w, max_w), top = integer(0, H - height), left = integer(0, W - width).
Tensor coarse_dropout(const Tensor& image, const HoleSpec& spec, RandomStream& rng);

// torchvision RandomErasing.
struct ErasingSpec {
  double p = 0.5;
  double scale_min = 0.02, scale_max = 0.33;
  double ratio_min = 0.3, ratio_max = 3.3;
  std::vector<double> value{0.0};  // 1 or C values
  bool random_value = false;
};
// Draws: u = uniform01 (no erasing unless u < p); then up to 10 attempts, each s = uniform(scale),
// r = exp(uniform(log ratio_min, log ratio_max)), h = round(sqrt(H W s r)), w = round(sqrt(H W s / r)),
// retried unless h < H and w < W; then top = integer(0, H - h), left = integer(0, W - w); then with
// random_value one value per erased element in memory order: normal() for f32, integer(0, max) for
// integer images.
Tensor random_erasing(const Tensor& image, const ErasingSpec& spec, RandomStream& rng);

}  // namespace pxp::kernels
