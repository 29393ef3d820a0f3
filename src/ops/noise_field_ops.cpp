// noise.additive / multiplicative / shot / iso: per-pixel noise with albumentations' arithmetic
// (kernels/pixel_noise.hpp), drawn only from the instruction's random stream.
#include <cmath>
#include <string>

#include "kernels/pixel_noise.hpp"
#include "ops/families.hpp"
#include "ops/pixel_args.hpp"

namespace pxp {

namespace {

using namespace kernels;

constexpr const char* kImageDoc = "Image, H x W x C or H x W; u8, u16 or f32.";
constexpr const char* kSameType = "same dtype and shape as image";

InferFn image_and_scalars(std::vector<const char*> names, bool rgb = false) {
  return [names, rgb](const InferContext& ctx) {
    for (size_t i = 0; i < names.size(); ++i) expect_scalar(ctx, i + 1, names[i]);
    Type t = expect_pixels(ctx, 0, "image");
    if (rgb && pixel_channels(t) != -1 && pixel_channels(t) != 3) type_error("the image must be RGB (H x W x 3)");
    return t;
  };
}

double finite_arg(const Args& args, size_t i, const char* what) {
  double v = scalar_arg(args, i, what);
  if (!std::isfinite(v)) range_error(std::string(what) + " must be finite");
  return v;
}

NoiseDistribution distribution_from(const std::string& name) {
  if (name == "uniform") return NoiseDistribution::Uniform;
  if (name == "laplace") return NoiseDistribution::Laplace;
  if (name == "beta") return NoiseDistribution::Beta;
  return NoiseDistribution::Gaussian;
}

}  // namespace

void register_noise_field_ops(Registry& r) {
  r.add(OpBuilder("noise.additive")
            .doc("Adds noise n = scale * X (albumentations' GaussNoise and AdditiveNoise): X is uniform(a, b), "
                 "a + b * normal() (gaussian), a + b * laplace() (laplace) or 2 * Beta(a, b) - 1 (beta); one "
                 "value per image value, or with shared one per pixel for all its channels. With resolution "
                 "r < 1 the noise is drawn on a max(1, int(H r)) x max(1, int(W r)) grid and resized bilinearly "
                 "(OpenCV). Integer images get x + trunc(n), saturated; f32 images clip(x + n, 0, 1). Draws: "
                 "one 32-bit word per value of the grid in memory order (uniform, laplace: a 24-bit uniform; "
                 "gaussian: Marsaglia and Tsang's ziggurat, whose ~1.2% rejected words draw further words "
                 "after all the first ones); beta: random.beta's draws value by value.")
            .input("image", kImageDoc)
            .input("a", "First parameter: low (uniform), mean (gaussian), location (laplace), alpha (beta).")
            .input("b", "Second parameter: high (>= a), standard deviation (>= 0), scale (>= 0), beta (> 0).")
            .input("scale", "Factor of the noise (e.g. 255 for fractions of a u8 image's range).")
            .attr_enum("distribution", {"uniform", "gaussian", "laplace", "beta"}, std::string("gaussian"),
                       "Distribution of X.")
            .attr_bool("shared", false, "One draw per pixel, added to every channel.")
            .attr_float("resolution", 1.0, "Fraction of the image size at which the noise is drawn.", 1e-6, 1.0)
            .output(kSameType, image_and_scalars({"a", "b", "scale"}))
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              NoiseField f;
              f.distribution = distribution_from(ctx.attrs.get_string("distribution"));
              f.a = finite_arg(args, 1, "a");
              f.b = finite_arg(args, 2, "b");
              f.scale = finite_arg(args, 3, "scale");
              f.shared = ctx.attrs.get_bool("shared");
              f.resolution = ctx.attrs.get_float("resolution");
              RandomStream rng = ctx.random();
              return Value(add_noise_field(pixels_arg(args, 0, "image"), f, rng));
            })
            .build());

  r.add(OpBuilder("noise.multiplicative")
            .doc("Multiplies by m = uniform(low, high), one per image value, or with shared one per pixel for all "
                 "its channels (albumentations' MultiplicativeNoise with elementwise). Integer images get "
                 "trunc(clip(x * m, 0, max)); f32 images clip(x * m, 0, 1). Draws: one 24-bit uniform (one "
                 "32-bit word) per m, in memory order.")
            .input("image", kImageDoc)
            .input("low", "Smallest multiplier.")
            .input("high", "Largest multiplier (>= low).")
            .attr_bool("shared", false, "One multiplier per pixel, for every channel.")
            .output(kSameType, image_and_scalars({"low", "high"}))
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              const double lo = finite_arg(args, 1, "low"), hi = finite_arg(args, 2, "high");
              RandomStream rng = ctx.random();
              return Value(multiply_noise_field(pixels_arg(args, 0, "image"), lo, hi, ctx.attrs.get_bool("shared"), rng));
            })
            .build());

  r.add(OpBuilder("noise.salt_and_pepper_exact")
            .doc("Salt and pepper as albumentations' SaltAndPepper: exactly k = int(H W amount) pixels (all "
                 "channels), s = int(k salt_ratio) of them salt (full intensity: 255, 65535 or 1.0), the others "
                 "pepper (0), both sets uniformly random. Draws: the k pixels, then the s salt ones among them, "
                 "each subset by rejection of repeated below(n) draws (64-bit words) when it is at most half of "
                 "its range, else as the complement of such a subset.")
            .input("image", kImageDoc)
            .input("amount", "Fraction of the pixels to corrupt, in [0, 1].")
            .input("salt_ratio", "Fraction of the corrupted pixels that become salt, in [0, 1].")
            .output(kSameType, image_and_scalars({"amount", "salt_ratio"}))
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              const double a = finite_arg(args, 1, "amount"), r = finite_arg(args, 2, "salt_ratio");
              RandomStream rng = ctx.random();
              return Value(salt_and_pepper_exact(pixels_arg(args, 0, "image"), a, r, rng));
            })
            .build());

  r.add(OpBuilder("noise.shot")
            .doc("Photon (shot) noise as albumentations' ShotNoise: v = x / max, k = Poisson((v^2.2 + scale * 1e-6) "
                 "/ scale) per value, result min(k * scale, 1)^(1 / 2.2) (u8: rint(r * 255)); float32 arithmetic. "
                 "Draws per value in memory order: a rate below 10 one 53-bit uniform (inversion), else "
                 "Hoermann's PTRS (two 53-bit uniforms per attempt).")
            .input("image", "Image, H x W x C or H x W; u8 or f32 (values in [0, 1]).")
            .input("scale", "Noise scale >= 1e-9: the smaller, the more photons and the less noise.")
            .output(kSameType,
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 1, "scale");
                      Type t = expect_pixels(ctx, 0, "image");
                      if (t.dtype && *t.dtype == DType::U16) type_error("noise.shot: the image must be u8 or f32");
                      return t;
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              const double s = finite_arg(args, 1, "scale");
              RandomStream rng = ctx.random();
              return Value(shot_noise(pixels_arg(args, 0, "image"), s, rng));
            })
            .build());

  r.add(OpBuilder("noise.iso")
            .doc("Camera sensor noise as albumentations' ISONoise, on RGB: in OpenCV's float HLS, with s the "
                 "standard deviation of L over the image, per pixel k = Poisson(s * intensity) and h = "
                 "normal(0, color_shift * intensity): H += h (degrees), L = clip(L + k * intensity * (1 - L), 0, "
                 "1); back to RGB clipped to [0, 1] (u8: rint(r * 255)). Draws: first every pixel's k in "
                 "row-major order (as noise.shot: a rate below 10 one 53-bit uniform each, else PTRS), then every "
                 "pixel's h (one 32-bit word each, ziggurat; rejected words draw more after those).")
            .input("image", "RGB image, H x W x 3; u8 or f32 (values in [0, 1]).")
            .input("color_shift", "Hue noise factor >= 0.")
            .input("intensity", "Noise intensity >= 0.")
            .output(kSameType,
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 1, "color_shift");
                      expect_scalar(ctx, 2, "intensity");
                      Type t = expect_pixels(ctx, 0, "image");
                      if (t.dtype && *t.dtype == DType::U16) type_error("noise.iso: the image must be u8 or f32");
                      if (pixel_channels(t) != -1 && pixel_channels(t) != 3) type_error("noise.iso: the image must be RGB");
                      return t;
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              const double cs = finite_arg(args, 1, "color_shift"), in = finite_arg(args, 2, "intensity");
              RandomStream rng = ctx.random();
              return Value(iso_noise(pixels_arg(args, 0, "image"), cs, in, rng));
            })
            .build());
}

}  // namespace pxp
