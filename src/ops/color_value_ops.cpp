// color.* value operations: depth conversion, thresholds, inversion, solarize, posterize,
// equalization, blending, channel selection and merging, min-max normalization. Math lives in
// kernels/color.*.
#include <cmath>

#include "kernels/color.hpp"
#include "ops/color_args.hpp"
#include "ops/families.hpp"
#include "ops/pixel_args.hpp"

namespace pxp {

using namespace kernels;
using namespace color_args;

void register_color_value_ops(Registry& r) {
  r.add(OpBuilder("color.convert_depth")
            .allocates_destination()
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
            .allocates_destination()
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
            .allocates_destination()
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
            .allocates_destination()
            .doc("Histogram equalization of each channel separately, exactly as PIL's ImageOps.equalize (which "
                 "torchvision's equalize reproduces): step = (pixels - count of the highest occupied level) // 255; "
                 "level v maps to (step // 2 + pixels below v) // step; step 0 leaves the channel unchanged. u8 only.")
            .input("image", "u8 image, H x W x C or H x W.")
            .output(kSameType, [](const InferContext& ctx) { return expect_pixels(ctx, 0, "image", true); })
            .exec([](ExecContext&, const Args& args) { return Value(equalize_image(pixels_arg(args, 0, "image"))); })
            .build());

  r.add(OpBuilder("color.stretch_contrast")
            .allocates_destination()
            .doc("Stretches each channel from its own [min, max] to the full range, exactly as torchvision v2's "
                 "autocontrast: (x - min) / ((max - min) / full) in f32 (full: 255 u8, 65535 u16, 1 f32), clamped "
                 "to [0, full] and truncated for integers; a constant channel is kept. u8 images go through one "
                 "lookup table per channel. (albumentations' AutoContrast, with its cutoff, is color.auto_contrast.)")
            .input("image", kImageDoc)
            .output(kSameType, [](const InferContext& ctx) { return expect_pixels(ctx, 0, "image"); })
            .exec([](ExecContext&, const Args& args) { return Value(autocontrast_image(pixels_arg(args, 0, "image"))); })
            .build());

  r.add(OpBuilder("color.blend")
            .allocates_destination()
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
