// Per-pixel color kernels for the color.* ops. Images are contiguous H x W x C or H x W
// tensors of u8, u16 or f32 (the ops check and make them contiguous); results are new
// tensors of the same rank. Integer results are rounded to nearest and saturated.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace pxp::kernels {

// The value of "full intensity" of a dtype: 255 (u8), 65535 (u16), 1.0 (floats).
double intensity_max(DType dtype);
// Pixels (H*W) and channels of a contiguous image tensor.
int64_t pixel_count(const Tensor& image);
int64_t channel_count(const Tensor& image);

enum class ColorConversion : uint8_t {
  RgbToGray, GrayToRgb, RgbToHsv, HsvToRgb, RgbToYCrCb, YCrCbToRgb, RgbToLab, LabToRgb, RgbToBgr, BgrToRgb
};
const std::vector<std::string>& color_conversion_names();
ColorConversion color_conversion_from_name(const std::string& name);
// Channels the conversion needs and gives.
int conversion_input_channels(ColorConversion c);
int conversion_output_channels(ColorConversion c);
Tensor convert_color(const Tensor& image, ColorConversion conversion);

// torchvision v2 adjustments. f32 results are clamped to [0, 1].
Tensor adjust_brightness(const Tensor& image, double factor);
Tensor adjust_contrast(const Tensor& image, double factor);
Tensor adjust_saturation(const Tensor& image, double factor);
// adjust_saturation(adjust_contrast(adjust_brightness(image, b), c), s), bit for bit; u8 images
// in two passes.
Tensor adjust_brightness_contrast_saturation(const Tensor& image, double brightness, double contrast,
                                             double saturation);
Tensor adjust_hue(const Tensor& image, double shift);

// ColorJitter's adjustments, in the order a sample applies them.
enum class JitterStep : uint8_t { Brightness = 0, Contrast = 1, Saturation = 2, Hue = 3 };
struct JitterStage {
  JitterStep step;
  double factor;  // the hue shift for Hue
};
// The stages one after another, with the same result bit for bit as adjust_brightness /
// adjust_contrast / adjust_saturation / adjust_hue in that order. u8 RGB images run every stage
// on each block of pixels while it stays in L1: one pass over the image, plus one up to each
// contrast that follows another stage (its mean is of the image entering it). Others run the
// stages one by one.
Tensor adjust_jitter(const Tensor& image, const std::vector<JitterStage>& stages);
Tensor adjust_gamma(const Tensor& image, double gamma, double gain);

// (x * scale - mean[c]) / std[c] as f32 in one pass, H x W x C or C x H x W; mirror: of the image
// flipped left to right, in the same pass. Written into `into` when it is a contiguous f32 tensor
// of the output's shape (a batch slot), else into a new tensor.
Tensor normalize_image(const Tensor& image, const std::vector<double>& mean, const std::vector<double>& std,
                       double scale, bool chw, bool mirror = false, const Tensor* into = nullptr);
Tensor convert_depth(const Tensor& image, DType to, bool scale);

enum class ThresholdType : uint8_t { Binary, BinaryInv, Trunc, ToZero };
Tensor threshold_image(const Tensor& image, double value, double max_value, ThresholdType type);
Tensor invert_image(const Tensor& image);
Tensor solarize_image(const Tensor& image, double threshold);
Tensor posterize_image(const Tensor& image, int bits);
Tensor equalize_image(const Tensor& image);
// torchvision v2 autocontrast: each channel stretched from its [min, max] to the full range,
// (x - min) / ((max - min) / full) in f32, clamped, truncated for integers; a constant channel
// is kept.
Tensor autocontrast_image(const Tensor& image);
// a * (1 - alpha) + b * alpha; f32 is not clamped (images may be normalized).
Tensor blend_images(const Tensor& a, const Tensor& b, double alpha);
Tensor select_channels(const Tensor& image, const std::vector<int64_t>& channels);
Tensor merge_channels(const std::vector<Tensor>& images);
Tensor minmax_normalize(const Tensor& image);

}  // namespace pxp::kernels
