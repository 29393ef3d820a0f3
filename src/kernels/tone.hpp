// Tone and channel kernels of albumentations' color transforms (InvertImg ... CLAHE): u8 images
// through per-channel 256-entry lookup tables where the math is per value, OpenCV where it is a
// color-space conversion or a neighbourhood (CLAHE). Every formula is albumentations 2.0.8's own
// arithmetic (float32 where albucore computes in float32, truncation where it casts), so results
// are equal bit for bit.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace pxp::kernels {

using ToneTable = std::array<uint8_t, 256>;

// Per-value curves of a u8 channel, with parameters a and b:
//  multiply_add: trunc(clip(f32(x) * f32(a) + f32(b), 0, 255))    (albucore.multiply_add)
//  add:          clip(x + trunc(b), 0, 255)                        (albucore.add of a u8 image)
//  gamma:        trunc((x * (1 / 255))^a * 255)                    (albumentations gamma_transform)
//  posterize:    x with its 8 - a low bits cleared                 (a in [0, 8])
//  solarize:     x >= a * 255 ? 255 - x : x                        (a: a fraction of 255)
//  multiply_add_mean: multiply_add with b * mean(image) (the mean of every value, f64) as b
enum class ToneCurve : uint8_t { MultiplyAdd, Add, Gamma, Posterize, Solarize, MultiplyAddMean };
const std::vector<std::string>& tone_curve_names();
ToneCurve tone_curve_from_name(const std::string& name);
ToneTable tone_table(ToneCurve curve, double a, double b);

// table[c][x] for every value of channel c (tables: one, or one per channel). u8 only.
// `into`: where the result may be written (ExecContext::destination; used when it fits).
Tensor apply_tables(const Tensor& image, const std::vector<ToneTable>& tables, const Tensor* into = nullptr);
// The curve with per-channel parameters (a, b: one value, or one per channel).
Tensor tone_curve(const Tensor& image, ToneCurve curve, const std::vector<double>& a, const std::vector<double>& b,
                  const Tensor* into = nullptr);
// A user's table: u8 tensor of 256 values or C x 256.
Tensor lookup_table(const Tensor& image, const Tensor& table, const Tensor* into = nullptr);

// albumentations' shift_hsv of a u8 RGB (or gray) image: OpenCV HSV; hue (x + hue) mod 180
// truncated; saturation and value + trunc(shift), saturated, with saturation 0 kept 0.
Tensor shift_hsv(const Tensor& image, double hue, double saturation, double value);

// albumentations' equalize: per channel (by_channels) or on Y of YCrCb; "cv" is
// cv::equalizeHist's mapping, "pil" albumentations' pil mapping; mask: pixels counted (nullptr:
// all), H x W or H x W x C (one per channel).
Tensor equalize_histogram(const Tensor& image, const Tensor* mask, bool pil, bool by_channels);

// cv::CLAHE on the L channel of Lab (u8 RGB) or on the gray image.
Tensor clahe_image(const Tensor& image, double clip_limit, int tile_cols, int tile_rows);

// cv::transform: out[c] = sum_k matrix[c][k] * x[k] (rows x C, row-major), saturated.
Tensor transform_channels(const Tensor& image, const std::vector<double>& matrix, int64_t rows);

// albumentations' to_gray methods; the gray channel repeated `channels` times.
enum class GrayMethod : uint8_t { WeightedAverage, FromLab, Desaturation, Average, Max, Pca };
const std::vector<std::string>& gray_method_names();
GrayMethod gray_method_from_name(const std::string& name);
Tensor to_gray(const Tensor& image, GrayMethod method, int64_t channels);

// Channels picked per sample: out[..., k] = image[..., order[k]].
Tensor pick_channels(const Tensor& image, const std::vector<int64_t>& order);
// The listed channels set to fill (saturated to the dtype).
Tensor fill_channels(const Tensor& image, const std::vector<int64_t>& channels, double fill);

// albumentations' auto_contrast (cutoff in percent, ignore < 0: none, pil or cdf mapping).
Tensor auto_contrast(const Tensor& image, double cutoff, int ignore, bool pil);

}  // namespace pxp::kernels
