// Weather and lighting effects for the effects.* ops (albumentations 2.0.8's RandomRain, RandomFog,
// RandomSnow, RandomSunFlare, RandomShadow, RandomGravel, Spatter). Each effect is split into a
// geometry draw (random, from the given RandomStream in the documented order) and a pure render
// that takes the geometry as a tensor, so a test can feed both libraries the same drops/circles.
// Images are contiguous u8 H x W x 3 (shadow: any channel count); results are new tensors.
#pragma once

#include <array>
#include <cstdint>

#include "core/rng.hpp"
#include "core/tensor.hpp"

namespace pxp::kernels {

using Rgb = std::array<double, 3>;

// --- Rain -----------------------------------------------------------------------------------------
// count x 2 i32 (x, y): x = integer(0, W - 1), y = integer(0, H - drop_length - 1), per drop in turn.
Tensor rain_drops(int64_t height, int64_t width, int64_t count, int64_t drop_length, RandomStream& rng);
// Lines from (x, y) to (trunc(x + slant), y + drop_length) (4-connected, drop_width thick, color) on a
// black layer, box-blurred blur x blur (if blur > 1), added with saturation, then scaled by brightness.
Tensor rain(const Tensor& image, const Tensor& drops, double slant, int64_t drop_length, int64_t drop_width,
            const Rgb& color, int64_t blur, double brightness);

// --- Fog ------------------------------------------------------------------------------------------
// N x 3 i32 (x, y, radius): albumentations' shrinking-region particle layout for `intensity`.
Tensor fog_particles(int64_t height, int64_t width, double intensity, RandomStream& rng);
// Each particle in turn: a white disk blended with weight alpha_coef * intensity; then a Gaussian
// blur of side max(3, min(H, W) / 30) (odd).
Tensor fog(const Tensor& image, const Tensor& particles, double intensity, double alpha_coef);

// --- Snow -----------------------------------------------------------------------------------------
// HLS lightness L < snow_point * 127.5 + 85 becomes min(255, trunc(L * brightness_coeff)).
Tensor snow_bleach(const Tensor& image, double snow_point, double brightness_coeff);
// The texture method: noise is H x W f32 normal(0.5, 0.3), sparkle H x W f32 uniform01 (> 0.99 is a
// white sparkle); see albumentations' add_snow_texture for the HSV arithmetic reproduced here.
Tensor snow_texture(const Tensor& image, double snow_point, double brightness_coeff, const Tensor& noise,
                    const Tensor& sparkle);

// --- Sun flare ------------------------------------------------------------------------------------
// (N + 1) x 7 f32: row 0 is the source (0, cx, cy, 0, 0, 0, 0), rows 1..N the circles
// (alpha, x, y, radius, r, g, b) with radius = rad^3 as albumentations' overlay method draws them.
// Draws: angle = 2 pi uniform(angle), cx = trunc(W uniform(roi x)), cy = trunc(H uniform(roi y)),
// n = integer(num_circles); per circle alpha = uniform(0.05, 0.2), a point index, rad, then r, g, b.
struct FlareSpec {
  std::array<double, 4> roi{0, 0, 1, 0.5};
  std::array<double, 2> angle{0, 1};
  std::array<int64_t, 2> num_circles{6, 10};
  Rgb src_color{255, 255, 255};
};
Tensor flare_geometry(int64_t height, int64_t width, const FlareSpec& spec, RandomStream& rng);
Tensor sun_flare_overlay(const Tensor& image, const Tensor& flare, int64_t src_radius, const Rgb& src_color);
Tensor sun_flare_physics(const Tensor& image, const Tensor& flare, int64_t src_radius, const Rgb& src_color);

// --- Shadow ---------------------------------------------------------------------------------------
// K x D x 2 i32 polygons: K = integer(num_shadows), then per polygon D x integers in [x0, x1) followed
// by D y integers in [y0, y1) (roi fractions times the image side, truncated).
Tensor shadow_polygons(int64_t height, int64_t width, const std::array<double, 4>& roi, int64_t min_shadows,
                       int64_t max_shadows, int64_t dimension, RandomStream& rng);
// Pixels inside polygon k (filled, OpenCV's fillPoly) scaled by 1 - intensities[k] (truncated).
Tensor shadow(const Tensor& image, const Tensor& polygons, const Tensor& intensities);

// --- Gravel ---------------------------------------------------------------------------------------
// N x 5 i32 rectangles (y0, y1, x0, x1, lightness), albumentations' patch / particle draws.
Tensor gravel_particles(int64_t height, int64_t width, const std::array<double, 4>& roi, int64_t patches,
                        RandomStream& rng);
// HLS round trip with lightness[y0:y1, x0:x1] = value per rectangle.
Tensor gravel(const Tensor& image, const Tensor& rectangles);

// --- Spatter --------------------------------------------------------------------------------------
// liquid: H x W f32 normal(mean, std) draws; blurred with sigma (REPLICATE border), cut below
// cutout, then rain drops (edges, distance, emboss) or mud (blurred mask) as albumentations.
Tensor spatter(const Tensor& image, const Tensor& liquid, double sigma, double cutout, double intensity,
               bool mud, const Rgb& color);

}  // namespace pxp::kernels
