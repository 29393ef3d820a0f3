// color.*: per-pixel value changes (conversions, torchvision-style adjustments, normalization,
// thresholds, channel shuffling). Math lives in kernels/color.*.
#include <cmath>

#include "kernels/color.hpp"
#include "ops/families.hpp"
#include "ops/pixel_args.hpp"

namespace pxp {

namespace {

using namespace kernels;

constexpr const char* kImageDoc = "Image, H x W x C or H x W; u8, u16 or f32.";
constexpr const char* kSameType = "same dtype and shape as image";

Type same_as_image(const InferContext& ctx) { return expect_pixels(ctx, 0, "image"); }

// An image op with one scalar parameter whose result has the image's type.
OpBuilder unary_with_scalar(const char* name, const char* doc, const char* param, const char* param_doc) {
  OpBuilder b(name);
  b.doc(doc).input("image", kImageDoc).input(param, param_doc).output(kSameType, [param](const InferContext& ctx) {
    expect_scalar(ctx, 1, param);
    return expect_pixels(ctx, 0, "image");
  });
  return b;
}

double non_negative(const Args& args, size_t i, const char* what) {
  double v = scalar_arg(args, i, what);
  if (!(v >= 0.0) || !std::isfinite(v)) range_error(std::string(what) + " must be a finite number >= 0, not " + std::to_string(v));
  return v;
}

DType depth_target(const Attributes& attrs) {
  DType d = attrs.get_dtype("dtype");
  if (d != DType::U8 && d != DType::U16 && d != DType::F32)
    type_error(std::string("color.convert_depth converts to u8, u16 or f32, not ") + dtype_name(d));
  return d;
}

ThresholdType threshold_type(const std::string& s) {
  if (s == "binary") return ThresholdType::Binary;
  if (s == "binary_inv") return ThresholdType::BinaryInv;
  if (s == "trunc") return ThresholdType::Trunc;
  return ThresholdType::ToZero;
}

}  // namespace

void register_color_ops(Registry& r) {
  r.add(OpBuilder("color.convert")
            .doc("Converts between color spaces with cv::cvtColor. Value ranges are OpenCV's: u8 HSV has H in "
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

  r.add(OpBuilder("color.convert_depth")
            .doc("Changes the dtype. With scale, values are scaled by the dtype ranges (u8 255 <-> u16 65535 <-> "
                 "f32 1.0); integer results are rounded and saturated (cv::Mat::convertTo). Without scale, values "
                 "are only rounded and saturated.")
            .input("image", kImageDoc)
            .attr_dtype("dtype", std::string("f32"), "Target dtype: u8, u16 or f32.")
            .attr_bool("scale", true, "Scale values by the ratio of the dtype ranges.")
            .output("the target dtype, same shape", [](const InferContext& ctx) {
              Type t = expect_pixels(ctx, 0, "image");
              t.dtype = depth_target(ctx.attrs);
              return t;
            })
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(convert_depth(pixels_arg(args, 0, "image"), depth_target(ctx.attrs),
                                         ctx.attrs.get_bool("scale")));
            })
            .build());

  r.add(unary_with_scalar("color.threshold",
                          "Thresholds each value like cv::threshold: binary: x > value ? max_value : 0; "
                          "binary_inv: x > value ? 0 : max_value; trunc: x > value ? value : x; to_zero: "
                          "x > value ? x : 0. Integer images compare with floor(value). Any channel count.",
                          "value", "The threshold.")
            .attr_float("max_value", -1.0, "Value written by binary/binary_inv; negative: the dtype's full "
                                            "intensity (255 u8, 65535 u16, 1 f32). Rounded and saturated for integers.")
            .attr_enum("type", {"binary", "binary_inv", "trunc", "to_zero"}, std::string("binary"), "Threshold type.")
            .exec([](ExecContext& ctx, const Args& args) {
              Tensor image = pixels_arg(args, 0, "image");
              double mv = ctx.attrs.get_float("max_value");
              if (mv < 0) mv = intensity_max(image.dtype());
              return Value(threshold_image(image, scalar_arg(args, 1, "value"), mv,
                                           threshold_type(ctx.attrs.get_string("type"))));
            })
            .build());

  r.add(OpBuilder("color.invert")
            .doc("max - x: 255 - x for u8, 65535 - x for u16, 1 - x for f32.")
            .input("image", kImageDoc)
            .output(kSameType, same_as_image)
            .exec([](ExecContext&, const Args& args) { return Value(invert_image(pixels_arg(args, 0, "image"))); })
            .build());

  r.add(unary_with_scalar("color.solarize",
                          "Inverts values at or above the threshold (torchvision solarize): x >= threshold ? max - x : x.",
                          "threshold", "In the image's units (e.g. 128 for u8, 0.5 for f32).")
            .exec([](ExecContext&, const Args& args) {
              return Value(solarize_image(pixels_arg(args, 0, "image"), scalar_arg(args, 1, "threshold")));
            })
            .build());

  r.add(OpBuilder("color.posterize")
            .doc("Keeps the `bits` most significant bits of each value (torchvision posterize). u8 only.")
            .input("image", "u8 image, H x W x C or H x W.")
            .input("bits", "Integer in [0, 8].")
            .output(kSameType,
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 1, "bits");
                      return expect_pixels(ctx, 0, "image", true);
                    })
            .exec([](ExecContext&, const Args& args) {
              int64_t bits = int_arg(args, 1, "bits");
              if (bits < 0 || bits > 8) range_error("color.posterize: bits must be in [0, 8], not " + std::to_string(bits));
              return Value(posterize_image(pixels_arg(args, 0, "image"), static_cast<int>(bits)));
            })
            .build());

  r.add(OpBuilder("color.equalize")
            .doc("Histogram equalization of each channel separately, exactly as PIL's ImageOps.equalize (which "
                 "torchvision's equalize reproduces): step = (pixels - count of the highest occupied level) // 255; "
                 "level v maps to (step // 2 + pixels below v) // step; step 0 leaves the channel unchanged. u8 only.")
            .input("image", "u8 image, H x W x C or H x W.")
            .output(kSameType, [](const InferContext& ctx) { return expect_pixels(ctx, 0, "image", true); })
            .exec([](ExecContext&, const Args& args) { return Value(equalize_image(pixels_arg(args, 0, "image"))); })
            .build());

  r.add(OpBuilder("color.blend")
            .doc("a * (1 - alpha) + b * alpha. Integer results are rounded and saturated; f32 is not clamped.")
            .input("a", "Image, H x W x C or H x W; u8, u16 or f32.")
            .input("b", "Image of the same dtype and shape as a.")
            .input("alpha", "Weight of b (usually in [0, 1]).")
            .output("same dtype and shape as a",
                    [](const InferContext& ctx) {
                      Type a = expect_pixels(ctx, 0, "a");
                      Type b = expect_pixels(ctx, 1, "b");
                      expect_scalar(ctx, 2, "alpha");
                      if (a.dtype && b.dtype && *a.dtype != *b.dtype)
                        type_error("color.blend: a is " + a.to_string() + " but b is " + b.to_string());
                      return unify(a, b);
                    })
            .exec([](ExecContext&, const Args& args) {
              return Value(blend_images(pixels_arg(args, 0, "a"), pixels_arg(args, 1, "b"), scalar_arg(args, 2, "alpha")));
            })
            .build());

  r.add(OpBuilder("color.select_channels")
            .doc("Picks channels by index, in the given order (repeats allowed).")
            .input("image", kImageDoc)
            .attr_ints("channels", std::nullopt, "Channel indices, each in [0, C).")
            .output("same dtype; H x W x len(channels) (H x W for a rank-2 image and one channel)",
                    [](const InferContext& ctx) {
                      Type t = expect_pixels(ctx, 0, "image");
                      const auto& ch = ctx.attrs.get_ints("channels");
                      if (ch.empty()) type_error("color.select_channels: no channels selected");
                      int64_t c = pixel_channels(t);
                      for (int64_t k : ch)
                        if (k < 0 || (c != kUnknownDim && k >= c))
                          type_error("color.select_channels: channel " + std::to_string(k) + " of " + t.to_string());
                      return pixels_with_channels(t, t.dtype, static_cast<int64_t>(ch.size()));
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(select_channels(pixels_arg(args, 0, "image"), ctx.attrs.get_ints("channels")));
            })
            .build());

  r.add(OpBuilder("color.merge_channels")
            .doc("Concatenates images along the channel axis (rank-2 images count as one channel).")
            .variadic("images", "One or more images of the same height, width and dtype.")
            .output("same dtype; H x W x (sum of channels)",
                    [](const InferContext& ctx) {
                      if (ctx.inputs.empty()) type_error("color.merge_channels needs at least one image");
                      std::optional<DType> dtype;
                      int64_t h = kUnknownDim, w = kUnknownDim, total = 0;
                      for (size_t i = 0; i < ctx.inputs.size(); ++i) {
                        Type t = expect_pixels(ctx, i, "images");
                        if (t.dtype) {
                          if (dtype && *dtype != *t.dtype) type_error("color.merge_channels: images differ in dtype");
                          dtype = t.dtype;
                        }
                        int64_t c = pixel_channels(t);
                        total = (total == kUnknownDim || c == kUnknownDim) ? kUnknownDim : total + c;
                        if (t.shape) {
                          if (h == kUnknownDim) h = (*t.shape)[0];
                          if (w == kUnknownDim) w = (*t.shape)[1];
                        }
                      }
                      return Type::tensor(dtype, Shape{h, w, total});
                    })
            .exec([](ExecContext&, const Args& args) {
              std::vector<Tensor> images;
              for (size_t i = 0; i < args.size(); ++i) images.push_back(pixels_arg(args, i, "images"));
              return Value(merge_channels(images));
            })
            .build());

  r.add(OpBuilder("color.minmax_normalize")
            .doc("(x - min) / (max - min) over all values of the image (all channels together), as f32 in [0, 1]. "
                 "A constant image gives zeros.")
            .input("image", kImageDoc)
            .output("f32, same shape", [](const InferContext& ctx) {
              Type t = expect_pixels(ctx, 0, "image");
              t.dtype = DType::F32;
              return t;
            })
            .exec([](ExecContext&, const Args& args) { return Value(minmax_normalize(pixels_arg(args, 0, "image"))); })
            .build());
}

}  // namespace pxp
