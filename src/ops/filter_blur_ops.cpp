// filter.*: the blur family's per-sample kernels and effects (albumentations' MotionBlur,
// Defocus, AdvancedBlur, GlassBlur, ZoomBlur, UnsharpMask) and a Gaussian blur whose kernel size
// is an input. Math lives in kernels/blur.* and kernels/filters.*.
#include <algorithm>
#include <cmath>

#include "kernels/blur.hpp"
#include "kernels/filters.hpp"
#include "ops/families.hpp"
#include "ops/pixel_args.hpp"

namespace pxp {

namespace {

using namespace kernels;

constexpr const char* kImageDoc = "Image, H x W x C or H x W; u8, u16 or f32.";
constexpr const char* kUnitImageDoc = "Image, H x W x C or H x W; u8 (read as value / 255) or f32 in [0, 1].";
constexpr const char* kSameType = "same dtype and shape as image";

// The image plus scalar parameters at inputs 1..n.
InferFn image_and_scalars(std::vector<const char*> names, bool unit = false) {
  return [names, unit](const InferContext& ctx) {
    for (size_t i = 0; i < names.size(); ++i) expect_scalar(ctx, i + 1, names[i]);
    Type t = expect_pixels(ctx, 0, "image");
    if (unit && t.dtype == DType::U16) type_error("this op takes u8 or f32 images, not u16");
    return t;
  };
}

// A kernel whose side is side(v) for a constant input 0, else unknown; inputs 1.. are scalars.
InferFn kernel_type(std::vector<const char*> scalars, int64_t (*side)(int64_t)) {
  return [scalars, side](const InferContext& ctx) {
    expect_scalar(ctx, 0, scalars[0]);
    for (size_t i = 1; i < scalars.size(); ++i) expect_scalar(ctx, i, scalars[i]);
    int64_t n = kUnknownDim;
    if (const Value* v = constant_input(ctx, 0)) n = side(v->as_int());
    return Type::tensor(DType::F32, Shape{n, n});
  };
}

int64_t same_side(int64_t v) { return v; }
int64_t defocus_side(int64_t r) { return 2 * std::max<int64_t>(8, r) + 1; }

int odd_size_arg(const Args& args, size_t i, const char* what) {
  int64_t k = int_arg(args, i, what);
  if (k < 1 || k > 1023 || k % 2 == 0)
    range_error(std::string(what) + " must be odd and in [1, 1023], not " + std::to_string(k));
  return static_cast<int>(k);
}

}  // namespace

void register_filter_blur_ops(Registry& r) {
  r.add(OpBuilder("filter.gaussian_blur_sized")
            .allocates_destination()
            .doc("Gaussian blur (cv::GaussianBlur) with the kernel size an input, so each sample may use its own "
                 "(albumentations' GaussianBlur and UnsharpMask draw it); same dtype out (integers rounded); "
                 "reflect_101 borders (OpenCV's default).")
            .input("image", kImageDoc)
            .input("kernel_size", "Odd integer in [1, 1023].")
            .input("sigma", "Standard deviation in pixels, in [0, 1000]; 0 uses OpenCV's 0.3 * ((size - 1) / 2 - 1) + 0.8.")
            .output(kSameType, image_and_scalars({"kernel_size", "sigma"}))
            .exec([](ExecContext&, const Args& args) {
              int k = odd_size_arg(args, 1, "kernel_size");
              return Value(gaussian_blur(pixels_arg(args, 0, "image"), scalar_arg(args, 2, "sigma"), k,
                                         BorderSpec{Border::Reflect101, 0.0}));
            })
            .build());

  r.add(OpBuilder("filter.separable_gaussian_blur")
            .allocates_destination()
            .doc("albumentations' GaussianBlur: PIL's 1-D kernel exp(-0.5 (x / sigma)^2) / sum for x = -(size // 2) "
                 ".. size // 2 (numpy's f64 arithmetic), applied along both axes by cv::sepFilter2D (the kernel "
                 "rounded to f32, u8 filtered in f32 and rounded); same dtype out; reflect_101 borders. The kernel "
                 "size is an input, so each sample may use its own.")
            .input("image", kImageDoc)
            .input("kernel_size", "Odd integer in [1, 1023].")
            .input("sigma", "Standard deviation in pixels, in (0, 1000].")
            .output(kSameType, image_and_scalars({"kernel_size", "sigma"}))
            .exec([](ExecContext&, const Args& args) {
              int k = odd_size_arg(args, 1, "kernel_size");
              return Value(separable_gaussian_blur(pixels_arg(args, 0, "image"), k, scalar_arg(args, 2, "sigma"),
                                                   BorderSpec{Border::Reflect101, 0.0}));
            })
            .build());

  r.add(OpBuilder("filter.motion_kernel")
            .doc("albumentations' motion blur kernel: size points on a line through the center at `angle` "
                 "degrees, t = linspace(t0, t1, size) with t0 = -(size // 2), t1 = size // 2 and one side shortened "
                 "by |direction| (direction < 0 shortens the end, > 0 the start), shifted by (shift_x, shift_y) "
                 "* (size // 2) / 2; points round half to even, clamp into the kernel, and each marked cell "
                 "weighs 1 / (number of marked cells). Use with filter.convolve.")
            .input("size", "Odd integer in [1, 1023].")
            .input("angle", "Angle in degrees (counter-clockwise from +x in image coordinates: +y is down).")
            .input("direction", "In [-1, 1] (clamped): 0 a centered line, -1/1 a line from the center backward/forward.")
            .input("shift_x", "Shift in [-1, 1], as a fraction of (size // 2) / 2.")
            .input("shift_y", "Shift in [-1, 1], as a fraction of (size // 2) / 2.")
            .output("f32, size x size", kernel_type({"size", "angle", "direction", "shift_x", "shift_y"}, same_side))
            .exec([](ExecContext&, const Args& args) {
              return Value(motion_kernel(int_arg(args, 0, "size"), scalar_arg(args, 1, "angle"),
                                         scalar_arg(args, 2, "direction"), scalar_arg(args, 3, "shift_x"),
                                         scalar_arg(args, 4, "shift_y")));
            })
            .build());

  r.add(OpBuilder("filter.defocus_kernel")
            .doc("albumentations' defocus kernel: the disk x^2 + y^2 <= radius^2 on a (2 max(8, radius) + 1)^2 "
                 "grid, normalized, smoothed by a Gaussian of sigma alias_blur (3 x 3 for radius <= 8, else 5 x 5; "
                 "reflect_101 borders). Use with filter.convolve.")
            .input("radius", "Integer in [1, 511].")
            .input("alias_blur", "Sigma of the smoothing, in [0, 1000]; 0 uses OpenCV's sigma for the size.")
            .output("f32, n x n with n = 2 max(8, radius) + 1", kernel_type({"radius", "alias_blur"}, defocus_side))
            .exec([](ExecContext&, const Args& args) {
              return Value(defocus_kernel(int_arg(args, 0, "radius"), scalar_arg(args, 1, "alias_blur")));
            })
            .build());

  r.add(OpBuilder("filter.defocus")
            .allocates_destination()
            .doc("The image convolved with filter.defocus_kernel(radius, alias_blur) (reflect_101 borders, as "
                 "filter.convolve with that kernel): the kernel's zero frame is skipped and its mirror symmetries "
                 "folded, (e + 1)^2 multiply-adds per value for a kernel reaching e pixels from its center. Sums in "
                 "f32; integers rounded half to even and saturated (within 1 level of filter.convolve).")
            .input("image", kImageDoc)
            .input("radius", "Integer in [1, 511], less than the image's height and width.")
            .input("alias_blur", "Sigma of the kernel's smoothing, in [0, 1000].")
            .output(kSameType, image_and_scalars({"radius", "alias_blur"}))
            .exec([](ExecContext&, const Args& args) {
              return Value(defocus_blur(pixels_arg(args, 0, "image"), int_arg(args, 1, "radius"),
                                        scalar_arg(args, 2, "alias_blur")));
            })
            .build());

  r.add(OpBuilder("filter.generalized_gaussian_kernel")
            .doc("albumentations' AdvancedBlur kernel: exp(-0.5 (v^T S^-1 v)^beta) over offsets v from the "
                 "center, S = R diag(sigma_x^2, sigma_y^2) R^T with R the rotation by `angle` degrees, times the "
                 "top-left size x size block of `noise`, normalized. Use with filter.convolve.")
            .input("size", "Integer in [1, 1023] (odd in albumentations).")
            .input("sigma_x", "Finite, >= 0.")
            .input("sigma_y", "Finite, >= 0 (not both 0).")
            .input("angle", "Rotation in degrees.")
            .input("beta", "Shape, > 0: 1 is Gaussian, < 1 heavier tails, > 1 flatter (plateau).")
            .input("noise", "2-D tensor, at least size x size: multiplicative noise per kernel cell.")
            .output("f32, size x size",
                    [](const InferContext& ctx) {
                      expect_tensor(ctx, 5, "noise");
                      return kernel_type({"size", "sigma_x", "sigma_y", "angle", "beta"}, same_side)(ctx);
                    })
            .exec([](ExecContext&, const Args& args) {
              if (!args[5].is_tensor()) type_error("input 'noise' must be a tensor, not " + args[5].describe());
              return Value(generalized_gaussian_kernel(int_arg(args, 0, "size"), scalar_arg(args, 1, "sigma_x"),
                                                       scalar_arg(args, 2, "sigma_y"), scalar_arg(args, 3, "angle"),
                                                       scalar_arg(args, 4, "beta"), args[5].tensor()));
            })
            .build());

  r.add(OpBuilder("filter.unsharp_mask")
            .allocates_destination()
            .doc("albumentations' UnsharpMask on [0, 1] values: blur = Gaussian(kernel_size, sigma) (reflect_101), "
                 "r = x - blur, sharp = clip(x + alpha r, 0, 1), m = the same Gaussian of (|r| * 255 > threshold), "
                 "out = sharp m + x (1 - m); u8 results round half to even. One fused pass besides the two blurs.")
            .input("image", kUnitImageDoc)
            .input("kernel_size", "Odd integer in [1, 1023].")
            .input("sigma", "Standard deviation in [0, 1000]; 0 uses OpenCV's sigma for the size.")
            .input("alpha", "Strength of the sharpening (finite).")
            .attr_float("threshold", 10.0, "Residuals (in u8 levels) at or below this are not sharpened.", 0.0, 255.0)
            .output(kSameType, image_and_scalars({"kernel_size", "sigma", "alpha"}, true))
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(unsharp_mask(pixels_arg(args, 0, "image"), odd_size_arg(args, 1, "kernel_size"),
                                        scalar_arg(args, 2, "sigma"), scalar_arg(args, 3, "alpha"),
                                        ctx.attrs.get_float("threshold")));
            })
            .build());

  r.add(OpBuilder("filter.glass_offsets")
            .doc("The random offsets of GlassBlur's swaps for this image: i32, N x iterations x 2 (dy, dx) with "
                 "N = (H - 2 max_delta)(W - 2 max_delta) (0 when negative), each uniform in [-max_delta, max_delta), "
                 "drawn in row-major order (albumentations' draw, with the pipeline's generator). Feed to "
                 "filter.glass_swaps.")
            .input("image", "Image whose height and width set N (its values are not read).")
            .attr_int("max_delta", 4, "Largest offset magnitude.", 1, 1 << 20)
            .attr_int("iterations", 2, "Number of swap rounds.", 1, 1 << 10)
            .output("i32, N x iterations x 2",
                    [](const InferContext& ctx) {
                      Type t = expect_pixels(ctx, 0, "image");
                      const int64_t d = ctx.attrs.get_int("max_delta"), it = ctx.attrs.get_int("iterations");
                      int64_t n = kUnknownDim;
                      if (t.shape && (*t.shape)[0] >= 0 && (*t.shape)[1] >= 0)
                        n = std::max<int64_t>(0, (*t.shape)[0] - 2 * d) * std::max<int64_t>(0, (*t.shape)[1] - 2 * d);
                      return Type::tensor(DType::I32, Shape{n, it, 2});
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              Tensor img = pixels_arg(args, 0, "image");
              RandomStream rng = ctx.random();
              return Value(glass_offsets(img.dim(0), img.dim(1), ctx.attrs.get_int("max_delta"),
                                         ctx.attrs.get_int("iterations"), rng));
            })
            .build());

  r.add(OpBuilder("filter.glass_swaps")
            .doc("GlassBlur's pixel swaps (between its two Gaussian blurs): in each iteration i, the pixel (h, w), h "
                 "from H - max_delta down to max_delta + 1 and w from W - max_delta down to max_delta + 1, swaps "
                 "with (h + dy, w + dx), the offsets of its index k. Fast mode (albumentations' default): k = "
                 "w_index * (H - 2 max_delta) + h_index, and an iteration's swaps all read the image as it was "
                 "before it (where targets repeat, the later k wins). exact: k = h_index * (W - 2 max_delta) + "
                 "w_index, one swap after the other; with several channels (h, w) only takes (h + dy, w + dx)'s "
                 "value (albumentations' exact mode swaps through NumPy views, which copies one way).")
            .input("image", "Image, H x W x C or H x W; any pixel dtype.")
            .input("offsets", "i32 or i64, N x iterations x 2 (dy, dx), each in [-max_delta, max_delta).")
            .attr_int("max_delta", 4, "The margin: as filter.glass_offsets' max_delta.", 1, 1 << 20)
            .attr_bool("exact", false, "Sequential swaps (albumentations' mode='exact') instead of the fast mode.")
            .output(kSameType,
                    [](const InferContext& ctx) {
                      expect_tensor(ctx, 1, "offsets");
                      return expect_pixels(ctx, 0, "image");
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              if (!args[1].is_tensor()) type_error("input 'offsets' must be a tensor, not " + args[1].describe());
              return Value(glass_swaps(pixels_arg(args, 0, "image"), args[1].tensor(), ctx.attrs.get_int("max_delta"),
                                       ctx.attrs.get_bool("exact")));
            })
            .build());

  r.add(OpBuilder("filter.zoom_blur")
            .allocates_destination()
            .doc("albumentations' ZoomBlur on [0, 1] values: the mean of the image and its central zooms by the "
                 "factors arange(1, max_factor, step_factor) (each zoom: the centered ceil(H / z) x ceil(W / z) crop "
                 "resized bilinearly to int(side * z), then its centered H x W part); u8 results round half to even.")
            .input("image", kUnitImageDoc)
            .input("max_factor", "Upper end of the factors (excluded), finite.")
            .input("step_factor", "Step between factors, > 0 (at most 10000 factors).")
            .output(kSameType, image_and_scalars({"max_factor", "step_factor"}, true))
            .exec([](ExecContext&, const Args& args) {
              return Value(zoom_blur(pixels_arg(args, 0, "image"), scalar_arg(args, 1, "max_factor"),
                                     scalar_arg(args, 2, "step_factor")));
            })
            .build());
}

}  // namespace pxp
