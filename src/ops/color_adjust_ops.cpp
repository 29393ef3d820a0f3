// color.* adjustments: conversions between color spaces and torchvision-style brightness,
// contrast, saturation, hue and gamma (with their fused chain), and normalization. Math lives in
// kernels/color.*.
#include <cmath>
#include <string>
#include <vector>

#include "kernels/color.hpp"
#include "ops/color_args.hpp"
#include "ops/families.hpp"
#include "ops/pixel_args.hpp"

namespace pxp {

using namespace kernels;
using namespace color_args;

void register_color_adjust_ops(Registry& r) {
  r.add(OpBuilder("color.convert")
            .doc("Converts between color spaces as cv::cvtColor does (u8 Lab by a kernel of our own that gives "
                 "cv::cvtColor's bits on every input, faster). Value ranges are OpenCV's: u8 HSV has H in "
                 "[0, 180) and S, V in [0, 255]; f32 HSV has H in [0, 360) degrees and S, V in [0, 1] (f32 RGB in "
                 "[0, 1]). u8 Lab stores L * 255 / 100, a + 128, b + 128; f32 Lab has L in [0, 100] and a, b in about "
                 "[-127, 127]. Gray is 0.299 R + 0.587 G + 0.114 B. u16 works for gray, YCrCb and BGR, not HSV or Lab.")
            .input("image", "Image with 3 channels (1 for gray_to_rgb); u8, u16 or f32.")
            .attr_enum("conversion", color_conversion_names(), std::nullopt, "Which conversion.")
            .output("same dtype; H x W x 1 for rgb_to_gray, else H x W x 3",
                    [](const InferContext& ctx) {
                      Type t = expect_pixels(ctx, 0, "image");
                      ColorConversion c = color_conversion_from_name(ctx.attrs.get_string("conversion"));
                      int64_t ch = pixel_channels(t);
                      if (ch != kUnknownDim && ch != conversion_input_channels(c))
                        type_error("color conversion " + ctx.attrs.get_string("conversion") + " needs " +
                                   std::to_string(conversion_input_channels(c)) + " channels, not " + t.to_string());
                      bool hsv_or_lab = c == ColorConversion::RgbToHsv || c == ColorConversion::HsvToRgb ||
                                        c == ColorConversion::RgbToLab || c == ColorConversion::LabToRgb;
                      if (hsv_or_lab && t.dtype == DType::U16)
                        type_error("HSV and Lab conversions take u8 or f32 images, not u16");
                      return pixels_with_channels(t, t.dtype, conversion_output_channels(c));
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(convert_color(pixels_arg(args, 0, "image"),
                                         color_conversion_from_name(ctx.attrs.get_string("conversion"))));
            })
            .build());

  r.add(unary_with_scalar("color.brightness",
                          "Scales brightness like torchvision v2 adjust_brightness: blends with black, "
                          "x * factor. u8/u16 results are rounded and saturated; f32 is clamped to [0, 1].",
                          "factor", "Number >= 0; 0 gives black, 1 the image.")
            .exec([](ExecContext&, const Args& args) {
              return Value(adjust_brightness(pixels_arg(args, 0, "image"), non_negative(args, 1, "factor")));
            })
            .build());

  r.add(unary_with_scalar("color.contrast",
                          "Changes contrast like torchvision v2 adjust_contrast: blends with the mean of the "
                          "grayscale image (0.2989 R + 0.587 G + 0.114 B, floored per pixel for integer images). "
                          "1 or 3 channels. Integer results rounded and saturated; f32 clamped to [0, 1].",
                          "factor", "Number >= 0; 0 gives a uniform gray image, 1 the image.")
            .exec([](ExecContext&, const Args& args) {
              return Value(adjust_contrast(pixels_arg(args, 0, "image"), non_negative(args, 1, "factor")));
            })
            .build());

  r.add(unary_with_scalar("color.saturation",
                          "Changes saturation like torchvision v2 adjust_saturation: blends with the grayscale "
                          "image (0.2989 R + 0.587 G + 0.114 B, floored for integer images). 1-channel images are "
                          "returned unchanged. Integer results rounded and saturated; f32 clamped to [0, 1].",
                          "factor", "Number >= 0; 0 gives gray, 1 the image.")
            .exec([](ExecContext&, const Args& args) {
              return Value(adjust_saturation(pixels_arg(args, 0, "image"), non_negative(args, 1, "factor")));
            })
            .build());

  r.add(OpBuilder("color.brightness_contrast_saturation")
            .allocates_destination()
            .doc("color.brightness, then color.contrast, then color.saturation, with the same results bit for bit; "
                 "u8 images take two passes instead of five (brightness and contrast compose into one table, "
                 "saturation runs as each pixel is mapped). The compiler fuses such chains into this op. "
                 "1 or 3 channels.")
            .input("image", kImageDoc)
            .input("brightness", "Brightness factor, a number >= 0 (1: unchanged).")
            .input("contrast", "Contrast factor, a number >= 0 (1: unchanged).")
            .input("saturation", "Saturation factor, a number >= 0 (1: unchanged).")
            .output(kSameType,
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 1, "brightness");
                      expect_scalar(ctx, 2, "contrast");
                      expect_scalar(ctx, 3, "saturation");
                      return expect_pixels(ctx, 0, "image");
                    })
            .exec([](ExecContext&, const Args& args) {
              return Value(adjust_brightness_contrast_saturation(
                  pixels_arg(args, 0, "image"), non_negative(args, 1, "brightness"), non_negative(args, 2, "contrast"),
                  non_negative(args, 3, "saturation")));
            })
            .build());

  r.add(OpBuilder("color.jitter")
            .allocates_destination()
            .doc("torchvision's ColorJitter in one op: the adjustments `order` lists, one after another, with the "
                 "same results bit for bit as color.brightness, color.contrast, color.saturation and color.hue in that "
                 "order. u8 RGB images run every adjustment on each block of pixels while it stays in the CPU's L1 "
                 "cache: one pass over the image, plus one up to each contrast that follows another adjustment (its "
                 "mean gray is of the image entering it); other images run the ops one by one. augment.ColorJitter "
                 "makes it with a random order per sample. 1 or 3 channels.")
            .input("image", kImageDoc)
            .input("order", "1-D integer tensor of 1 to 16 adjustments in the order applied: 0 brightness, 1 contrast, "
                            "2 saturation, 3 hue.")
            .input("brightness", "Brightness factor, a number >= 0.")
            .input("contrast", "Contrast factor, a number >= 0.")
            .input("saturation", "Saturation factor, a number >= 0.")
            .input("hue", "Hue shift, a fraction of a full turn in [-0.5, 0.5].")
            .output(kSameType,
                    [](const InferContext& ctx) {
                      expect_tensor(ctx, 1, "order");
                      expect_scalar(ctx, 2, "brightness");
                      expect_scalar(ctx, 3, "contrast");
                      expect_scalar(ctx, 4, "saturation");
                      expect_scalar(ctx, 5, "hue");
                      return expect_pixels(ctx, 0, "image");
                    })
            .exec([](ExecContext&, const Args& args) {
              const std::vector<double> order = numbers_arg(args, 1, "order");
              if (order.size() > 16) range_error("color.jitter: order lists at most 16 adjustments, not " +
                                                 std::to_string(order.size()));
              const double factors[4] = {non_negative(args, 2, "brightness"), non_negative(args, 3, "contrast"),
                                         non_negative(args, 4, "saturation"), scalar_arg(args, 5, "hue")};
              if (!(factors[3] >= -0.5 && factors[3] <= 0.5))
                range_error("color.jitter: hue must be in [-0.5, 0.5], not " + std::to_string(factors[3]));
              std::vector<JitterStage> stages;
              for (double k : order) {
                if (!(k == 0.0 || k == 1.0 || k == 2.0 || k == 3.0))
                  range_error("color.jitter: order entries must be 0, 1, 2 or 3, not " + std::to_string(k));
                const int step = static_cast<int>(k);
                stages.push_back({static_cast<JitterStep>(step), factors[step]});
              }
              return Value(adjust_jitter(pixels_arg(args, 0, "image"), stages));
            })
            .build());

  r.add(unary_with_scalar("color.hue",
                          "Rotates hue like torchvision v2 adjust_hue: RGB -> HSV (values scaled to [0, 1]), "
                          "h = (h + shift) mod 1, back to RGB. 1-channel images are returned unchanged. Integer "
                          "results are rounded (torchvision truncates: at most 1 level apart).",
                          "shift", "Fraction of a full turn in [-0.5, 0.5].")
            .exec([](ExecContext&, const Args& args) {
              double s = scalar_arg(args, 1, "shift");
              if (!(s >= -0.5 && s <= 0.5)) range_error("color.hue: shift must be in [-0.5, 0.5], not " + std::to_string(s));
              return Value(adjust_hue(pixels_arg(args, 0, "image"), s));
            })
            .build());

  r.add(unary_with_scalar("color.gamma",
                          "Gamma correction like torchvision v2 adjust_gamma: out = gain * (x / max)^gamma * max, "
                          "clamped to [0, max] (max: 255 u8, 65535 u16, 1 f32); integer results rounded.",
                          "gamma", "Exponent >= 0.")
            .attr_float("gain", 1.0, "Multiplier applied after the power.")
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(adjust_gamma(pixels_arg(args, 0, "image"), non_negative(args, 1, "gamma"),
                                        ctx.attrs.get_float("gain")));
            })
            .build());

  // color.normalize and color.flip_normalize: one schema but for the flip input.
  auto normalize_op = [](const char* name, const char* doc, bool with_flip) {
    OpBuilder b(name);
    b.doc(doc).input("image", kImageDoc);
    if (with_flip) b.input("flip", "Whether to flip the image left to right first (a boolean scalar, per sample).");
    const size_t moments = with_flip ? 2 : 1;  // index of the mean input
    b.input("mean", "Per-channel means: a number or a 1-D tensor of 1 or C numbers.")
        .input("std", "Per-channel standard deviations (non-zero): a number or a 1-D tensor of 1 or C numbers.")
        .attr_bool("chw", false, "Output C x H x W instead of H x W x C (a rank-2 image stays H x W).")
        .attr_float("scale", 1.0, "Multiplies x before the mean is subtracted.")
        .output("f32; H x W x C, or C x H x W with chw; rank 2 stays H x W",
                [moments, with_flip](const InferContext& ctx) {
                  Type t = expect_pixels(ctx, 0, "image");
                  if (with_flip) expect_scalar(ctx, 1, "flip");
                  expect_tensor(ctx, moments, "mean");
                  expect_tensor(ctx, moments + 1, "std");
                  // a mean or std of the wrong length fails here, at compile time, not in every sample
                  if (t.shape && (t.shape->size() == 2 || (*t.shape)[2] >= 0)) {
                    const int64_t channels = t.shape->size() == 3 ? (*t.shape)[2] : 1;
                    for (size_t i : {moments, moments + 1}) {
                      const Type& m = ctx.inputs[i];
                      if (!m.shape || m.shape->size() > 1) continue;
                      const int64_t n = m.shape->empty() ? 1 : (*m.shape)[0];
                      if (n >= 0 && n != 1 && n != channels)
                        type_error(std::string("input '") + (i == moments ? "mean" : "std") + "' has " +
                                   std::to_string(n) + " numbers for an image of " + std::to_string(channels) +
                                   " channels: give 1 or " + std::to_string(channels));
                    }
                  }
                  if (!t.shape) return Type::tensor(DType::F32);
                  Shape s = *t.shape;
                  if (ctx.attrs.get_bool("chw") && s.size() == 3) s = {s[2], s[0], s[1]};
                  return Type::tensor(DType::F32, s);
                })
        .writes_destination()
        .exec([moments, with_flip](ExecContext& ctx, const Args& args) {
          bool mirror = with_flip && scalar_arg(args, 1, "flip") != 0.0;
          return Value(normalize_image(pixels_arg(args, 0, "image"), numbers_arg(args, moments, "mean"),
                                       numbers_arg(args, moments + 1, "std"), ctx.attrs.get_float("scale"),
                                       ctx.attrs.get_bool("chw"), mirror, ctx.destination));
        });
    return b.build();
  };
  r.add(normalize_op("color.normalize",
                     "out = (x * scale - mean[c]) / std[c] as f32, optionally transposed to C x H x W, in one pass "
                     "over the image (scale, normalization and layout change are fused). For a u8 image and "
                     "ImageNet-style mean/std in [0, 1], set scale = 1/255.",
                     false));
  r.add(normalize_op("color.flip_normalize",
                     "color.normalize of the image flipped left to right when `flip` is true, in the same single "
                     "pass (the flip costs nothing): the random horizontal flip and the normalization of a "
                     "classification pipeline in one op, as the compiler fuses "
                     "normalize(Toggle(p, image.flip(x), x)).",
                     true));
}

}  // namespace pxp
