// Declarations shared by the color op families (adjustments, value operations): one place, so
// the families that follow add files, not copies.
#pragma once

#include <cmath>
#include <string>

#include "kernels/color.hpp"
#include "ops/pixel_args.hpp"

namespace pxp::color_args {

inline constexpr const char* kImageDoc = "Image, H x W x C or H x W; u8, u16 or f32.";
inline constexpr const char* kSameType = "same dtype and shape as image";

inline Type same_as_image(const InferContext& ctx) { return expect_pixels(ctx, 0, "image"); }

// An image op with one scalar parameter whose result has the image's type.
inline OpBuilder unary_with_scalar(const char* name, const char* doc, const char* param, const char* param_doc) {
  OpBuilder b(name);
  b.allocates_destination().doc(doc).input("image", kImageDoc).input(param, param_doc).output(kSameType, [param](const InferContext& ctx) {
    expect_scalar(ctx, 1, param);
    return expect_pixels(ctx, 0, "image");
  });
  return b;
}

inline double non_negative(const Args& args, size_t i, const char* what) {
  double v = scalar_arg(args, i, what);
  if (!(v >= 0.0) || !std::isfinite(v)) range_error(std::string(what) + " must be a finite number >= 0, not " + std::to_string(v));
  return v;
}

inline DType depth_target(const Attributes& attrs) {
  DType d = attrs.get_dtype("dtype");
  if (d != DType::U8 && d != DType::U16 && d != DType::F32)
    type_error(std::string("color.convert_depth converts to u8, u16 or f32, not ") + dtype_name(d));
  return d;
}

inline kernels::ThresholdType threshold_type(const std::string& s) {
  using kernels::ThresholdType;
  if (s == "binary") return ThresholdType::Binary;
  if (s == "binary_inv") return ThresholdType::BinaryInv;
  if (s == "trunc") return ThresholdType::Trunc;
  return ThresholdType::ToZero;
}

}  // namespace pxp::color_args
