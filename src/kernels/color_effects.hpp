// Kernels of albumentations' whole-image color effects (FancyPCA, Illumination, the plasma
// fractal of PlasmaBrightnessContrast / PlasmaShadow, the per-image Normalize modes): each is
// albumentations 2.0.8's arithmetic (float32 where it computes in float32, truncation where it
// casts, rint where it rounds) in one or two passes over the pixels.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/tensor.hpp"

namespace pxp::kernels {

// albumentations' fancy_pca of a u8 image with C channels: x in [0, 1], m its per-channel mean,
// (V, lambda) the eigenvectors and eigenvalues of the channels' covariance (N - 1 divisor),
// sorted by decreasing eigenvalue, each eigenvector signed so that its largest-magnitude entry
// is positive; out = rint(clip(x + V diag(alpha * lambda) (x - m), 0, 1) * 255). One channel:
// out = rint(clip(x + alpha[0] * std(x) * (x - m), 0, 1) * 255).
Tensor fancy_pca(const Tensor& image, const std::vector<double>& alpha);

// albumentations' Illumination of a u8 image. mode linear: a = angle in degrees; the factor is
// (2|i|) g + 1 - |i| with g the directional gradient (1 - g when i < 0), out =
// rint(clip(x / 255 * factor, 0, 1) * 255). corner: a = corner index 0..3 (top-left, top-right,
// bottom-right, bottom-left); factor 1 - i * distance / diagonal; gaussian: a, b the center as
// fractions of width and height, c = sigma (a fraction of max(H, W)); factor
// 1 + i * exp(-d^2 / (2 (max(H, W) sigma)^2)); both out = trunc(clip(x * factor, 0, 255)).
enum class IlluminationMode : uint8_t { Linear, Corner, Gaussian };
const std::vector<std::string>& illumination_mode_names();
IlluminationMode illumination_mode_from_name(const std::string& name);
Tensor illumination(const Tensor& image, IlluminationMode mode, double intensity, double a, double b, double c);

// The plasma fractal of albumentations' generate_plasma_pattern (diamond-square on a float32
// grid from 3 x 3 up to 2^k + 1 >= max(height, width), normalized to [0, 1] after each step,
// cropped and normalized again): `uniforms` are the draws in [0, 1) in albumentations' order
// (9 for the initial grid, then (2^s + 1)^2 per step s = 2..k, row-major), each mapped to
// -scale + 2 scale u. Returns height x width f32.
int64_t plasma_uniform_count(int64_t height, int64_t width);
Tensor plasma_pattern(int64_t height, int64_t width, double roughness, const Tensor& uniforms);
// The same with its own draws: one 32-bit word w per value, u = (w >> 8) / 2^24.
Tensor plasma_pattern(int64_t height, int64_t width, double roughness, RandomStream& rng);

// albumentations' apply_plasma_shadow: trunc(clip(x * (1 - pattern * intensity), 0, 255)), u8.
Tensor plasma_shadow(const Tensor& image, const Tensor& pattern, double intensity);
// albumentations' apply_plasma_brightness_contrast on u8 through float32 [0, 1]: brightness adds
// clip(pattern * b, 0, 1) (clipped to [0, 1]); contrast: w = clip(pattern * c, 0, 1) + 1, x * w
// clipped, plus mean * (1 - w) (mean of the brightened image) clipped; rint(x * 255).
Tensor plasma_brightness_contrast(const Tensor& image, const Tensor& pattern, double brightness, double contrast);

// albumentations' per-image normalizations as f32 (H x W x C, or C x H x W with chw):
// image: (x - mean) / (std + 1e-4) over all values; image_per_channel: per channel;
// min_max: (x - min) / (max - min + 1e-4) over all values; min_max_per_channel: per channel;
// results clipped to [-20, 20]. One channel: the per-channel modes are the global ones.
enum class ImageNormalization : uint8_t { Image, ImagePerChannel, MinMax, MinMaxPerChannel };
const std::vector<std::string>& image_normalization_names();
ImageNormalization image_normalization_from_name(const std::string& name);
Tensor normalize_per_image(const Tensor& image, ImageNormalization mode, bool chw);

}  // namespace pxp::kernels
