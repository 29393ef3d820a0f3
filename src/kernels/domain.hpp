// Domain adaptation and optics effects on u8 images (albumentations 2.0's HistogramMatching, FDA,
// PixelDistributionAdaptation, HEStain, Superpixels, RingingOvershoot, ChromaticAberration): the
// per-sample math once its random parameters are drawn (by random.* ops, outside).
#pragma once

#include <array>
#include <cstdint>

#include "core/tensor.hpp"

namespace pxp::kernels {

// Per channel: the source levels mapped so that their cumulative histogram follows the
// reference's (skimage's match_histograms: np.interp of the source quantiles on the reference's
// occupied levels, truncated to u8), then blended: round_half_even(blend * matched + (1 - blend) * x)
// in f32. One 256-entry table per channel. image and reference: u8 with the same channel count
// (any sizes).
Tensor histogram_match(const Tensor& image, const Tensor& reference, double blend);

// Fourier domain adaptation: per channel, the centered spectrum's amplitude inside the window
// rows [h1, h2) x cols [w1, w2) (b = floor(min(H, W) beta), center (W/2 - 0.5, H/2 - 0.5),
// h1 = max(0, int(cy - b)), h2 = min(int(cy + b), H), the same for columns) replaced by the
// target's, the source's phase kept; the real part of the inverse DFT, clipped to [0, 255] and
// truncated (albumentations' arithmetic, in doubles). target: u8, the image's size and channels.
Tensor fourier_domain_adaptation(const Tensor& image, const Tensor& target, double beta);

// Pixel distribution adaptation: per-pixel vectors x / 255 mapped by the transform fitted on the
// image and then the inverse of the one fitted on the reference: 0 PCA (cv::eigen of the
// covariance, the reference's components negated when the signs of the two component matrices'
// traces differ), 1 standard (per-channel mean and population std, 0 std read as 1), 2 min-max
// (0 range read as 1). adapted = clip(that, 0, 1) * 255; out = trunc(clip(x (1 - blend) + adapted
// blend, 0, 255)). image and reference: u8, the same channel count (any sizes).
Tensor pixel_distribution_adaptation(const Tensor& image, const Tensor& reference, double blend, int type);

// H&E stain augmentation (albumentations' apply_he_stain_augmentation): optical densities
// od = -log(max(x / 255, 1e-6)), concentrations c = (S S^T + 1e-6 I)^-1 S od (S the 2 x 3 stain
// matrix, rows hematoxylin, eosin), c * scale + shift (only where the luma 0.299 R + 0.587 G +
// 0.114 B < 0.85 * 255 unless augment_background), out = rint(255 exp(-S^T c)) saturated. RGB u8.
Tensor he_stain(const Tensor& image, const std::array<double, 6>& stain, const std::array<double, 2>& scale,
                const std::array<double, 2>& shift, bool augment_background);

// albumentations' Macenko estimate of the image's 2 x 3 stain matrix (f32), see the op's doc.
Tensor macenko_stain_matrix(const Tensor& image, double angular_percentile);

// albumentations' Vahadane estimate (its SimpleNMF, 100 multiplicative updates from Ruifrok's
// colors, stains ordered by angle * blue ratio - red ratio), f32 2 x 3.
Tensor vahadane_stain_matrix(const Tensor& image);

// albumentations 2.0's Superpixels with its own SLIC (see the op's doc). draws: f32/f64 uniforms,
// at least n_segments of them; segment k (in label order) is replaced when draws[k % n] < p.
Tensor superpixels(const Tensor& image, int64_t n_segments, const Tensor& draws, double p, int64_t max_size,
                   int cv_interpolation);

// albumentations' RingingOvershoot kernel: size x size, cutoff J1(cutoff r) / (2 pi r) (center
// cutoff^2 / (4 pi)), cast to f32 and divided by its f32 sum.
Tensor sinc_kernel(int64_t size, double cutoff);

// Channels 0 and 2 of an RGB image remapped through OpenCV's undistortion map of the camera
// [[W, 0, W/2], [0, H, H/2]] with (k1, k2) = (primary, secondary) per channel, replicated border.
Tensor chromatic_aberration(const Tensor& image, double primary_red, double secondary_red, double primary_blue,
                            double secondary_blue, int cv_interpolation);

}  // namespace pxp::kernels
