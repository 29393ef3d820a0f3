// Domain adaptation between two images (albumentations' HistogramMatching, FDA,
// PixelDistributionAdaptation), H&E stain augmentation, and the optics effects Superpixels,
// RingingOvershoot (its kernel) and ChromaticAberration. Math in kernels/domain.*.
#include <array>

#include <opencv2/imgproc.hpp>

#include "kernels/blur.hpp"
#include "kernels/domain.hpp"
#include "ops/families.hpp"
#include "ops/pixel_args.hpp"

namespace pxp {

namespace {

using namespace kernels;

constexpr const char* kU8Image = "Image, H x W x C or H x W, u8.";
constexpr const char* kU8Rgb = "RGB image, H x W x 3, u8.";

InferFn two_images(std::vector<const char*> scalars) {
  return [scalars](const InferContext& ctx) {
    Type t = expect_pixels(ctx, 0, "image", true);
    expect_pixels(ctx, 1, "reference", true);
    for (size_t i = 0; i < scalars.size(); ++i) expect_scalar(ctx, i + 2, scalars[i]);
    return t;
  };
}

InferFn image_and(std::vector<const char*> scalars, size_t first = 1) {
  return [scalars, first](const InferContext& ctx) {
    Type t = expect_pixels(ctx, 0, "image", true);
    for (size_t i = 0; i < scalars.size(); ++i) expect_scalar(ctx, i + first, scalars[i]);
    return t;
  };
}

const std::vector<std::string>& cv_interpolations() {
  static const std::vector<std::string> names{"nearest", "nearest_exact", "linear", "cubic",
                                              "area",    "lanczos",       "linear_exact"};
  return names;
}

int cv_interpolation(const std::string& name) {
  if (name == "nearest") return cv::INTER_NEAREST;
  if (name == "nearest_exact") return cv::INTER_NEAREST_EXACT;
  if (name == "cubic") return cv::INTER_CUBIC;
  if (name == "area") return cv::INTER_AREA;
  if (name == "lanczos") return cv::INTER_LANCZOS4;
  if (name == "linear_exact") return cv::INTER_LINEAR_EXACT;
  return cv::INTER_LINEAR;
}

// Every element of a numeric tensor input (any shape), as doubles.
std::vector<double> all_numbers(const Args& args, size_t i, const char* what) {
  if (!args[i].is_tensor()) type_error(std::string("input '") + what + "' must be a tensor");
  Tensor t = args[i].tensor().cast(DType::F64).contiguous();
  return std::vector<double>(t.data<double>(), t.data<double>() + t.numel());
}

double unit_arg(const Args& args, size_t i, const char* what) {
  double v = scalar_arg(args, i, what);
  if (!(v >= 0.0 && v <= 1.0)) range_error(std::string(what) + " must be in [0, 1]");
  return v;
}

}  // namespace

void register_domain_ops(Registry& r) {
  r.add(OpBuilder("color.match_histograms")
            .doc("Histogram matching (albumentations' HistogramMatching on u8): per channel, each level v maps to "
                 "trunc(interp(q(v))), q(v) the fraction of the image's pixels at or below v and interp numpy's "
                 "linear interpolation on the reference's occupied levels at their cumulative fractions; then "
                 "round_half_even(blend * matched + (1 - blend) * v) (f32). One lookup table per channel; the "
                 "reference's histogram is taken over the whole reference, whatever its size.")
            .input("image", kU8Image)
            .input("reference", "u8 image with the image's channel count (any size).")
            .input("blend", "In [0, 1]: 0 the image, 1 the matched image.")
            .output("same dtype and shape as image", two_images({"blend"}))
            .exec([](ExecContext&, const Args& args) {
              return Value(histogram_match(pixels_arg(args, 0, "image"), pixels_arg(args, 1, "reference"),
                                           unit_arg(args, 2, "blend")));
            })
            .build());

  r.add(OpBuilder("color.fourier_domain_adaptation")
            .doc("Fourier domain adaptation (albumentations' FDA on u8): per channel, in the centered DFT, the "
                 "amplitudes in rows [h1, h2) x columns [w1, w2) are the reference's, the phases the image's; b = "
                 "floor(min(H, W) beta), cy = H / 2 - 0.5, h1 = max(0, int(cy - b)), h2 = min(int(cy + b), H), "
                 "columns alike. The real part of the inverse DFT (doubles), clipped to [0, 255] and truncated.")
            .input("image", kU8Image)
            .input("reference", "u8 image of the image's size and channels (resize it first).")
            .input("beta", "Window half-size as a fraction of the shorter side, in [0, 0.5].")
            .output("same dtype and shape as image", two_images({"beta"}))
            .exec([](ExecContext&, const Args& args) {
              double beta = scalar_arg(args, 2, "beta");
              if (!(beta >= 0.0 && beta <= 0.5)) range_error("beta must be in [0, 0.5]");
              return Value(fourier_domain_adaptation(pixels_arg(args, 0, "image"), pixels_arg(args, 1, "reference"),
                                                     beta));
            })
            .build());

  r.add(OpBuilder("color.pixel_distribution_adaptation")
            .doc("Pixel distribution adaptation (albumentations' PixelDistributionAdaptation, with its output in "
                 "[0, 255]): pixel vectors x / 255 go through the transform fitted on the image, then the inverse "
                 "of the one fitted on the reference: pca (eigenvectors of the population covariance, the "
                 "reference's negated when the signs of the traces of the two component matrices differ), standard "
                 "(per-channel mean and standard deviation) or minmax (per-channel range); a = clip(that, 0, 1) * "
                 "255 and out = trunc(clip(x (1 - blend) + a blend, 0, 255)). Statistics over every pixel of each "
                 "image (exact integer moments).")
            .input("image", kU8Image)
            .input("reference", "u8 image with the image's channel count (any size).")
            .input("blend", "In [0, 1]: 0 the image, 1 the adapted image.")
            .attr_enum("transform", {"pca", "standard", "minmax"}, std::string("pca"), "The fitted transform.")
            .output("same dtype and shape as image", two_images({"blend"}))
            .exec([](ExecContext& ctx, const Args& args) {
              const std::string t = ctx.attrs.get_string("transform");
              return Value(pixel_distribution_adaptation(pixels_arg(args, 0, "image"), pixels_arg(args, 1, "reference"),
                                                         unit_arg(args, 2, "blend"),
                                                         t == "pca" ? 0 : (t == "standard" ? 1 : 2)));
            })
            .build());

  r.add(OpBuilder("color.he_stain")
            .doc("H&E stain augmentation (albumentations' apply_he_stain_augmentation on u8): optical densities "
                 "od = -log(max(x / 255, 1e-6)), stain concentrations c = (S S^T + 1e-6 I)^-1 S od, c * scale + shift "
                 "where the luma (0.299 R + 0.587 G + 0.114 B) / 255 < 0.85 (everywhere with augment_background), "
                 "out = round(255 exp(-S^T c)) saturated; f32 arithmetic.")
            .input("image", kU8Rgb)
            .input("stain_matrix", "2 x 3 numbers: the hematoxylin and eosin optical density rows.")
            .input("scale", "2 numbers: factors of the two concentrations.")
            .input("shift", "2 numbers: offsets added to the two concentrations.")
            .attr_bool("augment_background", false, "Change the background (bright) pixels too.")
            .output("same dtype and shape as image",
                    [](const InferContext& ctx) {
                      for (size_t i = 1; i < 4; ++i) expect_tensor(ctx, i, "stain parameters");
                      return expect_pixels(ctx, 0, "image", true);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              std::vector<double> s = all_numbers(args, 1, "stain_matrix"), a = all_numbers(args, 2, "scale"),
                                  b = all_numbers(args, 3, "shift");
              if (s.size() != 6 || a.size() != 2 || b.size() != 2)
                argument_error("he_stain takes a 2 x 3 stain matrix, 2 scales and 2 shifts");
              return Value(he_stain(pixels_arg(args, 0, "image"), {s[0], s[1], s[2], s[3], s[4], s[5]}, {a[0], a[1]},
                                    {b[0], b[1]}, ctx.attrs.get_bool("augment_background")));
            })
            .build());

  r.add(OpBuilder("color.macenko_stain_matrix")
            .doc("albumentations' Macenko estimate of an H&E image's stain matrix: optical densities of the pixels "
                 "with any channel's density > 0.05, their covariance's eigenvectors (cv::eigen; columns 1 and 0 of "
                 "the row-eigenvector matrix, as albumentations indexes it), the angles of the projected densities, "
                 "their (100 - p)th and pth percentiles turned back into unit stain vectors (absolute values), the "
                 "one with the larger red first. Fails when no pixel is tissue.")
            .input("image", kU8Rgb)
            .attr_float("angular_percentile", 99.0, "Percentile of the extreme angles.", 50.0, 100.0)
            .output("f32, 2 x 3",
                    [](const InferContext& ctx) {
                      expect_pixels(ctx, 0, "image", true);
                      return Type::tensor(DType::F32, Shape{2, 3});
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(macenko_stain_matrix(pixels_arg(args, 0, "image"), ctx.attrs.get_float("angular_percentile")));
            })
            .build());

  r.add(OpBuilder("color.vahadane_stain_matrix")
            .doc("albumentations' Vahadane estimate of an H&E image's stain matrix: its SimpleNMF on the optical "
                 "densities of every pixel (Ruifrok's stain colors to start, concentrations from their normalized "
                 "projection, 100 multiplicative updates of the concentrations then the colors, each color row "
                 "normalized), the rows ordered hematoxylin first (the larger (atan2(g, r) mod pi) * b / sum - r / "
                 "sum). Sums in doubles.")
            .input("image", kU8Rgb)
            .output("f32, 2 x 3",
                    [](const InferContext& ctx) {
                      expect_pixels(ctx, 0, "image", true);
                      return Type::tensor(DType::F32, Shape{2, 3});
                    })
            .exec([](ExecContext&, const Args& args) {
              return Value(vahadane_stain_matrix(pixels_arg(args, 0, "image")));
            })
            .build());

  r.add(OpBuilder("image.superpixels")
            .doc("albumentations 2.0's Superpixels: unless no draw is < p (then the image is returned as is), the "
                 "image is resized (cv::resize, `interpolation`) so that its longer side is at most max_size "
                 "(int(side * max_size / longer)), segmented by albumentations' own SLIC (values / (max + 1e-6); "
                 "centers on a grid of step int(sqrt(pixels / n_segments)) from step // 2; 10 rounds in which each "
                 "center, in order, takes the pixels within step of it whose distance |color - center pixel's "
                 "color|^2 + 10 (spatial distance / step)^2 is below their best so far, then moves to its pixels' "
                 "mean position, truncated); the k-th label present in increasing order (label 0 skipped when it "
                 "is the smallest) is replaced by its mean color (rounded half to even) where draws[k mod "
                 "n_segments] < p; resized back.")
            .input("image", kU8Image)
            .input("n_segments", "Integer >= 1: the grid's target number of segments.")
            .input("draws", "f32 or f64 uniforms in [0, 1), at least n_segments of them.")
            .input("p", "Replacement probability per segment.")
            .attr_int("max_size", 128, "Longest side the segmentation runs at (0: no resizing).", 0, 1 << 20)
            .attr_enum("interpolation", cv_interpolations(), std::string("linear"), "Resizing interpolation.")
            .output("same dtype and shape as image",
                    [](const InferContext& ctx) {
                      expect_tensor(ctx, 2, "draws");
                      expect_scalar(ctx, 1, "n_segments");
                      expect_scalar(ctx, 3, "p");
                      return expect_pixels(ctx, 0, "image", true);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              if (!args[2].is_tensor()) type_error("input 'draws' must be a tensor");
              Tensor draws = args[2].tensor().contiguous();
              if (draws.dtype() != DType::F32 && draws.dtype() != DType::F64) draws = draws.cast(DType::F64);
              return Value(superpixels(pixels_arg(args, 0, "image"), int_arg(args, 1, "n_segments"), draws,
                                       scalar_arg(args, 3, "p"), ctx.attrs.get_int("max_size"),
                                       cv_interpolation(ctx.attrs.get_string("interpolation"))));
            })
            .build());

  r.add(OpBuilder("filter.sinc_kernel")
            .doc("albumentations' RingingOvershoot kernel: size x size, cutoff J1(cutoff r) / (2 pi r) at distance "
                 "r from the center ((size - 1) / 2), cutoff^2 / (4 pi) at the center, cast to f32 and divided by "
                 "its sum. Use with filter.convolve.")
            .input("size", "Integer in [1, 1023].")
            .input("cutoff", "Cutoff frequency in radians per pixel.")
            .output("f32, size x size",
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 0, "size");
                      expect_scalar(ctx, 1, "cutoff");
                      int64_t n = kUnknownDim;
                      if (const Value* v = constant_input(ctx, 0)) n = v->as_int();
                      return Type::tensor(DType::F32, Shape{n, n});
                    })
            .exec([](ExecContext&, const Args& args) {
              return Value(sinc_kernel(int_arg(args, 0, "size"), scalar_arg(args, 1, "cutoff")));
            })
            .build());

  r.add(OpBuilder("filter.sinc_filter")
            .doc("The image convolved (reflect_101 borders) with filter.sinc_kernel(size, cutoff) (albumentations' "
                 "RingingOvershoot): the kernel's two mirror symmetries folded, (size // 2 + 1)^2 multiply-adds per "
                 "value; sums in f32, integers rounded half to even and saturated (within 1 level of "
                 "filter.convolve with that kernel).")
            .input("image", "Image, H x W x C or H x W; u8, u16 or f32; each side larger than size // 2.")
            .input("size", "Odd integer in [1, 1023].")
            .input("cutoff", "Cutoff frequency in radians per pixel.")
            .output("same dtype and shape as image",
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 1, "size");
                      expect_scalar(ctx, 2, "cutoff");
                      return expect_pixels(ctx, 0, "image");
                    })
            .exec([](ExecContext&, const Args& args) {
              const int64_t size = int_arg(args, 1, "size");
              if (size < 1 || size > 1023 || size % 2 == 0) range_error("size must be odd and in [1, 1023]");
              return Value(convolve_mirror_symmetric(pixels_arg(args, 0, "image"),
                                                     sinc_kernel(size, scalar_arg(args, 2, "cutoff"))));
            })
            .build());

  r.add(OpBuilder("image.chromatic_aberration")
            .doc("albumentations' ChromaticAberration: the red and blue channels (0 and 2) remapped through OpenCV's "
                 "undistortion maps (cv::initUndistortRectifyMap) of the camera [[W, 0, W/2], [0, H, H/2]] with "
                 "radial coefficients (k1, k2) = (primary, secondary) of each channel, replicated border; green "
                 "unchanged.")
            .input("image", kU8Rgb)
            .input("primary_red", "k1 of the red channel.")
            .input("secondary_red", "k2 of the red channel.")
            .input("primary_blue", "k1 of the blue channel.")
            .input("secondary_blue", "k2 of the blue channel.")
            .attr_enum("interpolation", cv_interpolations(), std::string("linear"), "Remap interpolation.")
            .output("same dtype and shape as image",
                    image_and({"primary_red", "secondary_red", "primary_blue", "secondary_blue"}))
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(chromatic_aberration(pixels_arg(args, 0, "image"), scalar_arg(args, 1, "primary_red"),
                                                scalar_arg(args, 2, "secondary_red"), scalar_arg(args, 3, "primary_blue"),
                                                scalar_arg(args, 4, "secondary_blue"),
                                                cv_interpolation(ctx.attrs.get_string("interpolation"))));
            })
            .build());
}

}  // namespace pxp
