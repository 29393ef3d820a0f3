// filter.*: neighborhood filters (blurs, convolution, derivatives, edges) and kernels.
// Math lives in kernels/filters.*.
#include <cmath>

#include "kernels/filters.hpp"
#include "ops/families.hpp"
#include "ops/pixel_args.hpp"

namespace pxp {

namespace {

using namespace kernels;

constexpr const char* kImageDoc = "Image, H x W x C or H x W; u8, u16 or f32.";
constexpr const char* kSameType = "same dtype and shape as image";

OpBuilder& with_border_attrs(OpBuilder& b) {
  return b
      .attr_enum("border", border_names(), std::string("reflect"),
                 "Pixels outside the image: constant (border_value), replicate, reflect (dcba|abcd), wrap, "
                 "reflect_101 (dcb|abcd).")
      .attr_float("border_value", 0.0, "Value outside the image for the constant border.");
}

BorderSpec border_of(const Attributes& a) {
  return {border_from_name(a.get_string("border")), a.get_float("border_value")};
}

Type same_as_image(const InferContext& ctx) { return expect_pixels(ctx, 0, "image"); }

Type f32_like_image(const InferContext& ctx) {
  Type t = expect_pixels(ctx, 0, "image");
  t.dtype = DType::F32;
  return t;
}

// Type of a size x size kernel built from input 0 (known when the size is a constant).
Type square_kernel_type(const InferContext& ctx) {
  expect_scalar(ctx, 0, "size");
  int64_t n = kUnknownDim;
  if (const Value* v = constant_input(ctx, 0)) n = v->as_int();
  return Type::tensor(DType::F32, Shape{n, n});
}

}  // namespace

void register_filter_ops(Registry& r) {
  {
    OpBuilder b("filter.gaussian_blur");
    b.allocates_destination();
    b.doc("Gaussian blur (cv::GaussianBlur) with the same sigma on both axes; same dtype out (integers rounded).")
        .input("image", kImageDoc)
        .input("sigma", "Standard deviation in pixels, in (0, 1000]; 0 only with a kernel_size (OpenCV's sigma for that size).")
        .attr_int("kernel_size", 0,
                  "Odd kernel size; 0 derives it from sigma as OpenCV does: round(2 * 3 sigma + 1) for u8, "
                  "round(2 * 4 sigma + 1) otherwise, made odd.",
                  0, 1023);
    with_border_attrs(b)
        .output(kSameType,
                [](const InferContext& ctx) {
                  expect_scalar(ctx, 1, "sigma");
                  int64_t k = ctx.attrs.get_int("kernel_size");
                  if (k != 0 && k % 2 == 0) type_error("filter.gaussian_blur: kernel_size must be odd (or 0)");
                  return same_as_image(ctx);
                })
        .exec([](ExecContext& ctx, const Args& args) {
          return Value(gaussian_blur(pixels_arg(args, 0, "image"), scalar_arg(args, 1, "sigma"),
                                     static_cast<int>(ctx.attrs.get_int("kernel_size")), border_of(ctx.attrs)));
        });
    r.add(b.build());
  }
  {
    OpBuilder b("filter.box_blur");
    b.allocates_destination();
    b.doc("Mean over a kernel_size x kernel_size window (cv::blur); same dtype out (integers rounded). "
          "An even size puts the extra row and column before the center.")
        .input("image", kImageDoc)
        .attr_int("kernel_size", 3, "Window size.", 1, 1023);
    with_border_attrs(b)
        .output(kSameType, same_as_image)
        .exec([](ExecContext& ctx, const Args& args) {
          return Value(box_blur(pixels_arg(args, 0, "image"), static_cast<int>(ctx.attrs.get_int("kernel_size")),
                                border_of(ctx.attrs)));
        });
    r.add(b.build());
  }
  r.add(OpBuilder("filter.median_blur")
            .allocates_destination()
            .doc("Median over a kernel_size x kernel_size window (cv::medianBlur; edges replicate). u8 takes any odd "
                 "size; u16 and f32 only 3 or 5 (an argument error otherwise).")
            .input("image", kImageDoc)
            .attr_int("kernel_size", 3, "Odd window size.", 1, 1023)
            .output(kSameType,
                    [](const InferContext& ctx) {
                      Type t = same_as_image(ctx);
                      int64_t k = ctx.attrs.get_int("kernel_size");
                      if (k % 2 == 0) type_error("filter.median_blur: kernel_size must be odd");
                      if (k > 5 && t.dtype && *t.dtype != DType::U8)
                        type_error("filter.median_blur: kernel sizes above 5 need a u8 image, not " + t.to_string());
                      return t;
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(median_blur(pixels_arg(args, 0, "image"), static_cast<int>(ctx.attrs.get_int("kernel_size"))));
            })
            .build());
  {
    OpBuilder b("filter.bilateral");
    b.allocates_destination();
    b.doc("Edge-preserving bilateral filter (cv::bilateralFilter). u8 or f32, 1 or 3 channels; f32 pixels must be "
          "finite and within +-1.7e38 (a range error otherwise).")
        .input("image", "Image, H x W x C or H x W; u8 or f32; 1 or 3 channels.")
        .attr_int("diameter", 5, "Neighborhood diameter in pixels; <= 0 derives it from sigma_space (3 sigma).", -1, 511)
        .attr_float("sigma_color", 50.0, "Range sigma, in the image's value units (> 0).")
        .attr_float("sigma_space", 5.0, "Spatial sigma in pixels (> 0).");
    with_border_attrs(b)
        .output(kSameType,
                [](const InferContext& ctx) {
                  Type t = same_as_image(ctx);
                  if (t.dtype == DType::U16) type_error("filter.bilateral takes u8 or f32 images, not u16");
                  return t;
                })
        .exec([](ExecContext& ctx, const Args& args) {
          return Value(bilateral_filter(pixels_arg(args, 0, "image"), static_cast<int>(ctx.attrs.get_int("diameter")),
                                        ctx.attrs.get_float("sigma_color"), ctx.attrs.get_float("sigma_space"),
                                        border_of(ctx.attrs)));
        });
    r.add(b.build());
  }
  {
    OpBuilder b("filter.convolve");
    b.allocates_destination();
    b.doc("Filters with a 2-D kernel like cv::filter2D: this is correlation (the kernel is not flipped; flip it "
          "for a true convolution, symmetric kernels do not care). The anchor is (rows / 2, cols / 2). Same dtype "
          "out, integers rounded and saturated; each channel separately.")
        .input("image", kImageDoc)
        .input("kernel", "2-D tensor (any numeric dtype, used as f32), each side in [1, 1023].");
    with_border_attrs(b)
        .output(kSameType,
                [](const InferContext& ctx) {
                  expect_tensor(ctx, 1, "kernel");
                  const Type& k = ctx.inputs[1];
                  if (k.shape && k.shape->size() != 2) type_error("filter.convolve: the kernel must be 2-D, not " + k.to_string());
                  return same_as_image(ctx);
                })
        .exec([](ExecContext& ctx, const Args& args) {
          if (!args[1].is_tensor()) type_error("input 'kernel' must be a tensor, not " + args[1].describe());
          return Value(convolve(pixels_arg(args, 0, "image"), args[1].tensor(), border_of(ctx.attrs)));
        });
    r.add(b.build());
  }
  r.add(OpBuilder("filter.gaussian_kernel")
            .doc("A size x size Gaussian kernel summing to 1 (outer product of cv::getGaussianKernel).")
            .input("size", "Odd integer in [1, 1023].")
            .input("sigma", "Standard deviation in pixels; <= 0 uses OpenCV's 0.3 * ((size - 1) / 2 - 1) + 0.8.")
            .output("f32, size x size", [](const InferContext& ctx) {
              expect_scalar(ctx, 1, "sigma");
              return square_kernel_type(ctx);
            })
            .exec([](ExecContext&, const Args& args) {
              return Value(gaussian_kernel(int_arg(args, 0, "size"), scalar_arg(args, 1, "sigma")));
            })
            .build());
  r.add(OpBuilder("filter.box_kernel")
            .doc("A size x size kernel of 1 / size^2.")
            .input("size", "Integer in [1, 1023].")
            .output("f32, size x size", square_kernel_type)
            .exec([](ExecContext&, const Args& args) { return Value(box_kernel(int_arg(args, 0, "size"))); })
            .build());
  r.add(OpBuilder("filter.sharpen")
            .allocates_destination()
            .doc("Sharpens like torchvision v2 adjust_sharpness with sharpness_factor = 1 + amount: "
                 "x + amount * (x - smooth(x)) with smooth the 3 x 3 kernel [[1,1,1],[1,5,1],[1,1,1]] / 13 (rounded "
                 "for integer images); the outermost rows and columns are kept. Integers rounded and saturated, f32 "
                 "clamped to [0, 1].")
            .input("image", kImageDoc)
            .input("amount", "Number >= -1: 0 keeps the image, -1 gives the smoothed image, > 0 sharpens.")
            .output(kSameType,
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 1, "amount");
                      return same_as_image(ctx);
                    })
            .exec([](ExecContext&, const Args& args) {
              double a = scalar_arg(args, 1, "amount");
              if (!(a >= -1.0) || !std::isfinite(a)) range_error("filter.sharpen: amount must be finite and >= -1");
              return Value(sharpen(pixels_arg(args, 0, "image"), a));
            })
            .build());
  {
    OpBuilder b("filter.sobel");
    b.doc("Image derivative with a Sobel (or Scharr) kernel (cv::Sobel), as f32, each channel separately.")
        .input("image", kImageDoc)
        .attr_int("dx", 1, "Order of the x derivative.", 0, 6)
        .attr_int("dy", 0, "Order of the y derivative.", 0, 6)
        .attr_int("ksize", 3, "Kernel size: 1, 3, 5, 7, or -1 for the 3 x 3 Scharr kernel.", -1, 7);
    with_border_attrs(b)
        .output("f32, same shape as image", f32_like_image)
        .exec([](ExecContext& ctx, const Args& args) {
          return Value(sobel(pixels_arg(args, 0, "image"), static_cast<int>(ctx.attrs.get_int("dx")),
                             static_cast<int>(ctx.attrs.get_int("dy")), static_cast<int>(ctx.attrs.get_int("ksize")),
                             border_of(ctx.attrs)));
        });
    r.add(b.build());
  }
  {
    OpBuilder b("filter.laplacian");
    b.doc("Laplacian (cv::Laplacian) as f32, each channel separately. ksize 1 uses [[0,1,0],[1,-4,1],[0,1,0]].")
        .input("image", kImageDoc)
        .attr_int("ksize", 1, "Odd aperture size in [1, 31].", 1, 31);
    with_border_attrs(b)
        .output("f32, same shape as image", f32_like_image)
        .exec([](ExecContext& ctx, const Args& args) {
          return Value(laplacian(pixels_arg(args, 0, "image"), static_cast<int>(ctx.attrs.get_int("ksize")),
                                 border_of(ctx.attrs)));
        });
    r.add(b.build());
  }
  r.add(OpBuilder("filter.canny")
            .doc("Canny edges (cv::Canny): 255 on edges, 0 elsewhere. u8 input with 1 or 3 channels (a color "
                 "image uses the strongest channel gradient).")
            .input("image", "u8 image, H x W x C or H x W, 1 or 3 channels.")
            .attr_float("low", 50.0, "Lower hysteresis threshold.", 0.0)
            .attr_float("high", 150.0, "Upper hysteresis threshold.", 0.0)
            .attr_int("aperture", 3, "Sobel aperture: 3, 5 or 7.", 3, 7)
            .attr_bool("l2_gradient", false, "Use the L2 gradient magnitude instead of L1.")
            .output("u8; H x W x 1 (H x W for a rank-2 image)",
                    [](const InferContext& ctx) {
                      Type t = expect_pixels(ctx, 0, "image", true);
                      return pixels_with_channels(t, DType::U8, 1);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(canny(pixels_arg(args, 0, "image"), ctx.attrs.get_float("low"), ctx.attrs.get_float("high"),
                                 static_cast<int>(ctx.attrs.get_int("aperture")), ctx.attrs.get_bool("l2_gradient")));
            })
            .build());
}

}  // namespace pxp
