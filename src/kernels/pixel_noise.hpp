// Per-pixel noise with albumentations' arithmetic (GaussNoise, AdditiveNoise, MultiplicativeNoise,
// ShotNoise, ISONoise), for the noise.additive / multiplicative / shot / iso ops. Every random
// number comes from the given RandomStream in the documented order, so (seed, sample) fixes the
// result. Uniforms here are 24-bit floats (one 32-bit word each, drawn in bulk): noise needs no
// more, and a megapixel image then costs a few milliseconds of draws.
#pragma once

#include "core/rng.hpp"
#include "core/tensor.hpp"

namespace pxp::kernels {

enum class NoiseDistribution { Uniform, Gaussian, Laplace, Beta };

// The noise value n = scale * X, per value (or per pixel with shared, the same n for every
// channel), X by distribution: uniform: uniform(a, b); gaussian: a + b * normal(); laplace:
// a + b * laplace(); beta: 2 * Beta(a, b) - 1. resolution < 1: the noise is drawn on a
// max(1, int(H * r)) x max(1, int(W * r)) grid and resized bilinearly to H x W.
struct NoiseField {
  NoiseDistribution distribution = NoiseDistribution::Gaussian;
  double a = 0.0, b = 1.0, scale = 1.0;
  bool shared = false;
  double resolution = 1.0;
};

// Draw order: one 32-bit word per value of the grid in memory order, turned into a 24-bit uniform
// (uniform, laplace) or a normal by Marsaglia and Tsang's ziggurat (gaussian; the ~1.2% of words
// outside a layer's core draw further words from the stream, in order, after all the first ones);
// beta draws kernels::beta_variate value by value instead.
// Result: integer images x + trunc(n), saturated (albucore's add of a float array to u8); f32
// images clip(x + n, 0, 1).
Tensor add_noise_field(const Tensor& image, const NoiseField& field, RandomStream& rng);

// x * m, m = uniform(low, high) per value (per pixel with shared); one word per draw in memory
// order. Integer images: trunc(clip(x * m, 0, max)) (albucore's multiply by an array); f32:
// clip(x * m, 0, 1).
Tensor multiply_noise_field(const Tensor& image, double low, double high, bool shared, RandomStream& rng);

// Poisson(lambda): lambda < 10 by inversion (one 53-bit uniform, a sequential search of the
// cumulative distribution), else Hoermann's PTRS (two 53-bit uniforms per attempt); 0 for lambda <= 0.
int64_t poisson_variate(RandomStream& rng, double lambda);

// albumentations' shot_noise on u8 or f32: v = x / max; linear = v^2.2; k = Poisson((linear +
// scale * 1e-6) / scale) per value in memory order; result min(k * scale, 1)^(1 / 2.2), u8 by
// rint(r * 255). float32 arithmetic as albumentations'.
Tensor shot_noise(const Tensor& image, double scale, RandomStream& rng);

// albumentations' iso_noise on an RGB u8 or f32 image: HLS (OpenCV, float), s = population std
// of L over the image; per pixel k = Poisson(s * intensity) and h = normal(0, color_shift *
// intensity): H += h, L = clip(L + k * intensity * (1 - L), 0, 1); back to RGB, clip to [0, 1], u8
// by rint(r * 255). Draws: every pixel's k in row-major order first, then every pixel's h (one word
// each, ziggurat, as add_noise_field's gaussian).
Tensor iso_noise(const Tensor& image, double color_shift, double intensity, RandomStream& rng);

// albumentations' SaltAndPepper: exactly k = int(H W amount) pixels (all channels) corrupted, the
// first s = int(k salt_ratio) of them in a uniformly random order salt (full intensity), the others
// pepper (0). Draws: the k pixels as a uniform subset, then the s salt ones among them, each subset
// by rejection of below(n) draws (RandomStream::below: 64-bit words) of distinct indices when it is
// at most half of its range, else as the complement of such a subset. amount, salt_ratio in [0, 1].
Tensor salt_and_pepper_exact(const Tensor& image, double amount, double salt_ratio, RandomStream& rng);

}  // namespace pxp::kernels
