// noise.*: random pixel corruption. Every op draws only from its instruction's random stream
// in the order its kernel documents (kernels/noise.hpp), so (seed, sample) fixes the bits.
#include <cmath>

#include "kernels/noise.hpp"
#include "ops/families.hpp"
#include "ops/pixel_args.hpp"

namespace pxp {

namespace {

using namespace kernels;

constexpr const char* kImageDoc = "Image, H x W x C or H x W; u8, u16 or f32.";
constexpr const char* kSameType = "same dtype and shape as image";

Type same_as_image(const InferContext& ctx) { return expect_pixels(ctx, 0, "image"); }

// The image plus scalar parameters at inputs 1..n.
InferFn image_and_scalars(std::vector<const char*> names) {
  return [names](const InferContext& ctx) {
    for (size_t i = 0; i < names.size(); ++i) expect_scalar(ctx, i + 1, names[i]);
    return expect_pixels(ctx, 0, "image");
  };
}

double probability_arg(const Args& args, size_t i, const char* what) {
  double p = scalar_arg(args, i, what);
  if (!(p >= 0.0 && p <= 1.0)) range_error(std::string(what) + " must be in [0, 1], not " + std::to_string(p));
  return p;
}

double finite_arg(const Args& args, size_t i, const char* what) {
  double v = scalar_arg(args, i, what);
  if (!std::isfinite(v)) range_error(std::string(what) + " must be finite");
  return v;
}

}  // namespace

void register_noise_ops(Registry& r) {
  r.add(OpBuilder("noise.gaussian")
            .allocates_destination()
            .doc("Adds Gaussian noise, one normal(mean, std) draw per value in memory order (row, column, "
                 "channel), in the image's value units (e.g. std 10 on u8 is 10 levels). Integer results "
                 "rounded and saturated; f32 not clamped.")
            .input("image", kImageDoc)
            .input("std", "Standard deviation >= 0.")
            .attr_float("mean", 0.0, "Mean of the noise.")
            .output(kSameType, image_and_scalars({"std"}))
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              double s = finite_arg(args, 1, "std");
              if (s < 0) range_error("std must be >= 0");
              RandomStream rng = ctx.random();
              return Value(add_gaussian_noise(pixels_arg(args, 0, "image"), ctx.attrs.get_float("mean"), s, rng));
            })
            .build());

  r.add(OpBuilder("noise.uniform")
            .allocates_destination()
            .doc("Adds uniform noise, one uniform(low, high) draw per value in memory order, in the image's "
                 "value units. Integer results rounded and saturated; f32 not clamped.")
            .input("image", kImageDoc)
            .input("low", "Lower bound of the noise.")
            .input("high", "Upper bound (>= low).")
            .output(kSameType, image_and_scalars({"low", "high"}))
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              double lo = finite_arg(args, 1, "low"), hi = finite_arg(args, 2, "high");
              if (hi < lo) range_error("noise.uniform: high must be >= low");
              RandomStream rng = ctx.random();
              return Value(add_uniform_noise(pixels_arg(args, 0, "image"), lo, hi, rng));
            })
            .build());

  r.add(OpBuilder("noise.salt_and_pepper")
            .allocates_destination()
            .doc("Sets a fraction `amount` of the pixels (all channels) to full intensity (salt: 255, 65535 or "
                 "1.0) or 0 (pepper). One uniform01 draw u per pixel in row-major order: u < amount * salt_ratio "
                 "is salt, else u < amount is pepper.")
            .input("image", kImageDoc)
            .input("amount", "Fraction of pixels to corrupt, in [0, 1].")
            .attr_float("salt_ratio", 0.5, "Fraction of the corrupted pixels that become salt.", 0.0, 1.0)
            .output(kSameType, image_and_scalars({"amount"}))
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              double a = probability_arg(args, 1, "amount");
              RandomStream rng = ctx.random();
              return Value(salt_and_pepper(pixels_arg(args, 0, "image"), a, ctx.attrs.get_float("salt_ratio"), rng));
            })
            .build());

  r.add(OpBuilder("noise.pixel_dropout")
            .allocates_destination()
            .doc("Replaces each pixel (all its channels; or each value with per_channel) by `value` with the given "
                 "probability. One uniform01 draw per pixel (per value) in memory order; dropped when below it.")
            .input("image", kImageDoc)
            .input("probability", "Drop probability in [0, 1].")
            .attr_float("value", 0.0, "Replacement value (rounded and saturated for integer images).")
            .attr_bool("per_channel", false, "Decide for each channel value separately.")
            .output(kSameType, image_and_scalars({"probability"}))
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              double p = probability_arg(args, 1, "probability");
              RandomStream rng = ctx.random();
              return Value(pixel_dropout(pixels_arg(args, 0, "image"), p, ctx.attrs.get_float("value"),
                                         ctx.attrs.get_bool("per_channel"), rng));
            })
            .build());

  r.add(OpBuilder("noise.coarse_dropout")
            .allocates_destination()
            .doc("Cutout: fills rectangular holes with a constant. Hole sides below 1 are fractions of the image "
                 "side (rounded to pixels), 1 and above are pixels; holes lie inside the image and may overlap. "
                 "Draws: holes = integer(min_holes, max_holes); then per hole height = integer(min, max), "
                 "width = integer(min, max), top = integer(0, H - height), left = integer(0, W - width).")
            .input("image", kImageDoc)
            .attr_int("min_holes", 1, "Fewest holes.", 0, 1e6)
            .attr_int("max_holes", 8, "Most holes (>= min_holes).", 0, 1e6)
            .attr_float("min_height", 0.1, "Smallest hole height (fraction if < 1, else pixels).", 0.0)
            .attr_float("max_height", 0.2, "Largest hole height (fraction if < 1, else pixels).", 0.0)
            .attr_float("min_width", 0.1, "Smallest hole width (fraction if < 1, else pixels).", 0.0)
            .attr_float("max_width", 0.2, "Largest hole width (fraction if < 1, else pixels).", 0.0)
            .attr_float("fill", 0.0, "Value of the holes (rounded and saturated for integer images).")
            .output(kSameType,
                    [](const InferContext& ctx) {
                      if (ctx.attrs.get_int("min_holes") > ctx.attrs.get_int("max_holes"))
                        type_error("noise.coarse_dropout: min_holes > max_holes");
                      return same_as_image(ctx);
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              HoleSpec s;
              s.min_holes = ctx.attrs.get_int("min_holes");
              s.max_holes = ctx.attrs.get_int("max_holes");
              s.min_height = ctx.attrs.get_float("min_height");
              s.max_height = ctx.attrs.get_float("max_height");
              s.min_width = ctx.attrs.get_float("min_width");
              s.max_width = ctx.attrs.get_float("max_width");
              s.fill = ctx.attrs.get_float("fill");
              RandomStream rng = ctx.random();
              return Value(coarse_dropout(pixels_arg(args, 0, "image"), s, rng));
            })
            .build());

  r.add(OpBuilder("noise.random_erasing")
            .allocates_destination()
            .doc("torchvision RandomErasing: with probability p, erase one rectangle of area fraction "
                 "uniform(scale) and aspect ratio exp(uniform(log ratio)), trying up to 10 times for one that fits "
                 "(else the image is unchanged). Sides are rounded to even ties like Python's round. Draws: "
                 "uniform01 for p; per attempt uniform(scale), uniform(log ratio); then top = integer(0, H - h), "
                 "left = integer(0, W - w); then with random, one value per erased element in memory order: "
                 "normal() for f32 (torchvision's value='random'), integer(0, max) for integer images.")
            .input("image", kImageDoc)
            .attr_float("p", 0.5, "Probability of erasing.", 0.0, 1.0)
            .attr_floats("scale", std::vector<double>{0.02, 0.33}, "[min, max] fraction of the image area.")
            .attr_floats("ratio", std::vector<double>{0.3, 3.3}, "[min, max] aspect ratio (height / width).")
            .attr_floats("value", std::vector<double>{0.0}, "Fill value: 1 number or one per channel.")
            .attr_bool("random", false, "Fill with random values instead of `value`.")
            .output(kSameType,
                    [](const InferContext& ctx) {
                      if (ctx.attrs.get_floats("scale").size() != 2 || ctx.attrs.get_floats("ratio").size() != 2)
                        type_error("noise.random_erasing: scale and ratio need two numbers each");
                      if (ctx.attrs.get_floats("value").empty()) type_error("noise.random_erasing: value is empty");
                      return same_as_image(ctx);
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              ErasingSpec s;
              s.p = ctx.attrs.get_float("p");
              auto scale = ctx.attrs.get_floats("scale"), ratio = ctx.attrs.get_floats("ratio");
              s.scale_min = scale.at(0);
              s.scale_max = scale.at(1);
              s.ratio_min = ratio.at(0);
              s.ratio_max = ratio.at(1);
              s.value = ctx.attrs.get_floats("value");
              s.random_value = ctx.attrs.get_bool("random");
              RandomStream rng = ctx.random();
              return Value(random_erasing(pixels_arg(args, 0, "image"), s, rng));
            })
            .build());
}

}  // namespace pxp
