// Whole-image color effects of albumentations (FancyPCA, Illumination, PlasmaBrightnessContrast,
// PlasmaShadow, the per-image Normalize modes) and the plasma fractal they draw. Math in
// kernels/color_effects.*.
#include "kernels/color_effects.hpp"
#include "ops/color_args.hpp"
#include "ops/families.hpp"
#include "ops/pixel_args.hpp"

namespace pxp {

using namespace kernels;
using namespace color_args;

namespace {

constexpr const char* kU8Image = "u8 image, H x W x C or H x W.";

Type u8_same(const InferContext& ctx) { return expect_pixels(ctx, 0, "image", true); }

Type pattern_of(const InferContext& ctx) {
  Type t = expect_pixels(ctx, 0, "image");
  if (!t.shape) return Type::tensor(DType::F32, Shape{kUnknownDim, kUnknownDim});
  return Type::tensor(DType::F32, Shape{(*t.shape)[0], (*t.shape)[1]});
}

}  // namespace

void register_color_effects_ops(Registry& r) {
  r.add(OpBuilder("color.fancy_pca")
            .doc("albumentations' FancyPCA of a u8 image with C channels: with x in [0, 1], m the per-channel "
                 "mean, (V, lambda) the eigenvectors and eigenvalues of the channels' covariance (divisor N - 1) "
                 "sorted by decreasing eigenvalue, each eigenvector signed so that its largest-magnitude entry is "
                 "positive: out = rint(clip(x + V diag(alpha * lambda) (x - m), 0, 1) * 255). One channel: "
                 "out = rint(clip(x + alpha[0] * std(x) * (x - m), 0, 1) * 255). Statistics in one pass (exact "
                 "integer sums), the mapping in a second.")
            .input("image", kU8Image)
            .input("alpha", "Per-component factors: a 1-D tensor of C numbers (component k, by decreasing "
                            "eigenvalue), or one number for a 1-channel image.")
            .output(kSameType, u8_same)
            .allocates_destination()
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(fancy_pca(pixels_arg(args, 0, "image"), numbers_arg(args, 1, "alpha")));
            })
            .build());

  r.add(OpBuilder("color.illumination")
            .doc("albumentations' Illumination of a u8 image. linear: a = angle in degrees, g = x' cos + y' sin "
                 "(x', y' in [0, 1] across the image; the angles 0, 90, 180, 270 and the diagonals 45 ... 315 as "
                 "albumentations' own gradients), 1 - g when intensity < 0; factor 2|i| g + 1 - |i|; out = "
                 "rint(clip(x / 255 * factor, 0, 1) * 255). corner: a = corner 0..3 (top-left, top-right, "
                 "bottom-right, bottom-left), factor 1 - i * distance / diagonal. gaussian: (a, b) the center as "
                 "fractions of width and height, c = sigma as a fraction of max(H, W), factor "
                 "1 + i * exp(-d^2 / (2 (max(H, W) c)^2)). corner and gaussian: out = trunc(clip(x * factor, 0, "
                 "255)); intensity 0 leaves them unchanged. float32 arithmetic as albumentations'.")
            .input("image", kU8Image)
            .input("intensity", "Signed intensity i (negative darkens).")
            .input("a", "linear: angle in degrees; corner: corner index; gaussian: center x fraction.")
            .input("b", "gaussian: center y fraction (ignored by the others).")
            .input("c", "gaussian: sigma (ignored by the others).")
            .attr_enum("mode", illumination_mode_names(), std::string("linear"), "Illumination pattern.")
            .output(kSameType, u8_same)
            .allocates_destination()
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(illumination(pixels_arg(args, 0, "image"),
                                        illumination_mode_from_name(ctx.attrs.get_string("mode")),
                                        scalar_arg(args, 1, "intensity"), scalar_arg(args, 2, "a"),
                                        scalar_arg(args, 3, "b"), scalar_arg(args, 4, "c")));
            })
            .build());

  const char* kPlasmaDoc =
      "albumentations' plasma fractal (generate_plasma_pattern) for an image's height and width: diamond-square "
      "on a float32 grid from 3 x 3 up to 2^k + 1 >= max(H, W) (k = ceil(log2(max(H, W) - 1))), noise uniform in "
      "[-scale, scale) with scale roughness^s at step s, min-max normalized after each step; cropped to H x W and "
      "normalized to [0, 1]. Draws (9 for the initial grid, then (2^(s+2) + 1)^2 per step s, row-major), each "
      "u in [0, 1) mapped to -scale + 2 scale u: ";
  auto plasma_type = [](const InferContext& ctx) { return pattern_of(ctx); };
  auto plasma_roughness = [](ExecContext& ctx) {
    const double roughness = ctx.attrs.get_float("roughness");
    if (!(roughness > 0)) range_error("noise.plasma: roughness must be > 0");
    return roughness;
  };
  auto image_hw = [](const Args& args) {
    const Tensor& image = args[0].tensor();
    if (image.ndim() < 2) argument_error("noise.plasma: image must be H x W or H x W x C");
    return std::make_pair(image.shape()[0], image.shape()[1]);
  };

  r.add(OpBuilder("noise.plasma")
            .doc(std::string(kPlasmaDoc) +
                 "drawn here, one 32-bit word w each, u = (w >> 8) / 2^24 (exact in float32, the precision the "
                 "grid is kept in).")
            .input("image", "Image whose height and width the pattern takes (its values are not read).")
            .attr_float("roughness", 3.0, "Noise scale growth per step.", 1e-6, 1e3)
            .output("f32; H x W", plasma_type)
            .random()
            .exec([plasma_roughness, image_hw](ExecContext& ctx, const Args& args) {
              const auto [h, w] = image_hw(args);
              RandomStream rng = ctx.random();
              return Value(plasma_pattern(h, w, plasma_roughness(ctx), rng));
            })
            .build());

  r.add(OpBuilder("noise.plasma_from_uniforms")
            .doc(std::string(kPlasmaDoc) +
                 "given as the `uniforms` input (with NumPy's Generator.random the pattern is albumentations' own).")
            .input("image", "Image whose height and width the pattern takes (its values are not read).")
            .input("uniforms", "1-D tensor of at least 9 + sum over the steps of (2^(s+2) + 1)^2 numbers in [0, 1).")
            .attr_float("roughness", 3.0, "Noise scale growth per step.", 1e-6, 1e3)
            .output("f32; H x W", plasma_type)
            .exec([plasma_roughness, image_hw](ExecContext& ctx, const Args& args) {
              const auto [h, w] = image_hw(args);
              return Value(plasma_pattern(h, w, plasma_roughness(ctx), args[1].tensor()));
            })
            .build());

  r.add(OpBuilder("color.plasma_shadow")
            .doc("albumentations' apply_plasma_shadow: out = trunc(clip(x * (1 - pattern * intensity), 0, 255)) "
                 "in float32, one pass.")
            .input("image", kU8Image)
            .input("pattern", "f32 H x W pattern in [0, 1] (noise.plasma).")
            .input("intensity", "Shadow intensity in [0, 1].")
            .output(kSameType, u8_same)
            .allocates_destination()
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(plasma_shadow(pixels_arg(args, 0, "image"), args[1].tensor(),
                                         scalar_arg(args, 2, "intensity")));
            })
            .build());

  r.add(OpBuilder("color.plasma_brightness_contrast")
            .doc("albumentations' apply_plasma_brightness_contrast on x / 255 in float32: brightness: x = clip(x + "
                 "clip(pattern * brightness, 0, 1), 0, 1); contrast: w = clip(pattern * contrast, 0, 1) + 1, x = "
                 "clip(x * w, 0, 1), x = clip(x + mean * (1 - w), 0, 1) with mean the mean of every value after "
                 "the brightness step; out = rint(x * 255). (albucore clips the pattern product to [0, 1], so "
                 "negative factors change nothing, as in albumentations 2.0.8.) Both 0: unchanged.")
            .input("image", kU8Image)
            .input("pattern", "f32 H x W pattern in [0, 1] (noise.plasma).")
            .input("brightness", "Brightness factor in [-1, 1].")
            .input("contrast", "Contrast factor in [-1, 1].")
            .output(kSameType, u8_same)
            .allocates_destination()
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(plasma_brightness_contrast(pixels_arg(args, 0, "image"), args[1].tensor(),
                                                      scalar_arg(args, 2, "brightness"), scalar_arg(args, 3, "contrast")));
            })
            .build());

  r.add(OpBuilder("color.normalize_per_image")
            .doc("albumentations' per-image Normalize modes as f32: image: (x - mean) / (std + 1e-4) over all "
                 "values; image_per_channel: the same per channel (a f32 image: without the 1e-4, as cv2.meanStdDev); min_max: (x - min) / (max - min + 1e-4) over "
                 "all values (a f32 image: / (max - min), as cv2.normalize); min_max_per_channel: per channel; "
                 "clipped to [-20, 20]. A 1-channel image takes the global form. u8 images: statistics from "
                 "per-channel histograms and a f32 table per channel (two passes). u8 or f32.")
            .input("image", "u8 or f32 image, H x W x C or H x W.")
            .attr_enum("normalization", image_normalization_names(), std::string("image"), "Which statistics.")
            .attr_bool("chw", false, "Output C x H x W instead of H x W x C (a rank-2 image stays H x W).")
            .output("f32; H x W x C, or C x H x W with chw; rank 2 stays H x W",
                    [](const InferContext& ctx) {
                      Type t = expect_pixels(ctx, 0, "image");
                      if (!t.shape) return Type::tensor(DType::F32);
                      Shape s = *t.shape;
                      if (ctx.attrs.get_bool("chw") && s.size() == 3) s = {s[2], s[0], s[1]};
                      return Type::tensor(DType::F32, s);
                    })
            .allocates_destination()
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(normalize_per_image(pixels_arg(args, 0, "image"),
                                               image_normalization_from_name(ctx.attrs.get_string("normalization")),
                                               ctx.attrs.get_bool("chw")));
            })
            .build());
}

}  // namespace pxp
