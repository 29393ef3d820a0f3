// Argument checks and readers shared by the geometry op families (matrices, annotations): one
// place, so the families that follow add files, not copies.
#pragma once

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "kernels/annotations.hpp"
#include "kernels/transforms.hpp"
#include "ops/op_helpers.hpp"

namespace pxp::geometry_args {

using kernels::Mat3;

inline Type matrix_type() { return Type::tensor(DType::F32, Shape{3, 3}); }

inline void expect_matrix(const InferContext& ctx, size_t i, const char* what) {
  expect_tensor(ctx, i, what);
  const Type& t = ctx.inputs[i];
  if (!t.shape) return;
  const Shape& s = *t.shape;
  if (s.size() != 2 || (s[0] != 3 && s[0] != kUnknownDim) || (s[1] != 3 && s[1] != kUnknownDim))
    type_error(std::string("input '") + what + "' must be a 3 x 3 matrix, not " + t.to_string());
}

// N x k (or a single row [k]) numeric tensors: points (k = 2) and boxes (k = 4).
inline void expect_rows(const InferContext& ctx, size_t i, int64_t k, const char* what) {
  expect_tensor(ctx, i, what);
  const Type& t = ctx.inputs[i];
  if (t.dtype && *t.dtype == DType::Bool) type_error(std::string("input '") + what + "' must be numeric");
  if (!t.shape) return;
  const Shape& s = *t.shape;
  bool ok = (s.size() == 2 && (s[1] == k || s[1] == kUnknownDim)) || (s.size() == 1 && (s[0] == k || s[0] == kUnknownDim));
  if (!ok)
    type_error(std::string("input '") + what + "' must be an N x " + std::to_string(k) + " tensor, not " +
               t.to_string());
}

// Same shape as the input (or N x k when unknown), f32.
inline Type rows_like(const InferContext& ctx, size_t i, int64_t k) {
  const Type& t = ctx.inputs[i];
  if (t.shape) return Type::tensor(DType::F32, t.shape);
  return Type::tensor(DType::F32, Shape{kUnknownDim, k});
}

inline int64_t row_count(const Type& t) {
  if (!t.shape) return kUnknownDim;
  if (t.shape->size() == 1) return 1;
  return (*t.shape)[0];
}

inline InferFn scalars_to_matrix(std::vector<const char*> names) {
  return [names](const InferContext& ctx) {
    for (size_t i = 0; i < names.size(); ++i) expect_scalar(ctx, i, names[i]);
    return matrix_type();
  };
}

inline Mat3 matrix_arg(const Args& args, size_t i, const char* what) {
  if (!args[i].is_tensor()) type_error(std::string("input '") + what + "' must be a 3 x 3 matrix");
  return kernels::read_mat3(args[i].tensor(), what);
}

inline const Tensor& tensor_arg(const Args& args, size_t i, const char* what) {
  if (!args[i].is_tensor()) type_error(std::string("input '") + what + "' must be a tensor, not " + args[i].describe());
  return args[i].tensor();
}

inline std::array<double, 4> box_arg(const Args& args, size_t i) {
  std::vector<double> v = kernels::read_rows(tensor_arg(args, i, "box"), 4, "box");
  if (v.size() != 4) argument_error("box must hold exactly one box (4 values)");
  return {v[0], v[1], v[2], v[3]};
}

inline void expect_box(const InferContext& ctx, size_t i) {
  expect_rows(ctx, i, 4, "box");
  const Type& t = ctx.inputs[i];
  if (t.shape && t.shape->size() == 2 && (*t.shape)[0] != 1 && (*t.shape)[0] != kUnknownDim)
    type_error("input 'box' must be one box ([4] or 1 x 4), not " + t.to_string());
}

inline Value visible_value(const std::vector<bool>& keep, bool indices) {
  if (indices) {
    int64_t n = 0;
    for (bool k : keep) n += k;
    Tensor out = Tensor::empty(DType::I64, {n});
    int64_t* o = out.mutable_data<int64_t>();
    for (size_t i = 0; i < keep.size(); ++i)
      if (keep[i]) *o++ = static_cast<int64_t>(i);
    return Value(out);
  }
  Tensor out = Tensor::empty(DType::Bool, {static_cast<int64_t>(keep.size())});
  for (size_t i = 0; i < keep.size(); ++i) out.mutable_data<bool>()[i] = keep[i];
  return Value(out);
}

inline constexpr const char* kVisibleDoc = "Boxes that keep at least `min_visible` of their area inside the width x height canvas and "
                          "whose clipped width and height are at least `min_size` pixels. A box of zero area counts "
                          "as fully visible when it lies inside the canvas.";

// An output side given as a constant integer input (so the output shape is known at load), else
// unknown; side_arg reads it at run time: a whole number of pixels in [1, 32766] (cv::remap's limit).
inline int64_t constant_side(const InferContext& ctx, size_t i) {
  const Value* v = constant_input(ctx, i);
  if (!v || !v->is_tensor() || v->tensor().numel() != 1) return kUnknownDim;
  double d = v->tensor().item_double();
  if (!(d >= 1) || d != std::floor(d) || d > 32766) return kUnknownDim;  // exec reports it
  return static_cast<int64_t>(d);
}

inline int64_t side_arg(const Args& args, size_t i, const char* what) {
  double d = scalar_arg(args, i, what);
  if (!std::isfinite(d) || d != std::floor(d)) argument_error(std::string(what) + " must be a whole number of pixels");
  if (d < 1 || d > 32766) range_error(std::string(what) + " must be in [1, 32766], not " + std::to_string(d));
  return static_cast<int64_t>(d);
}

}  // namespace pxp::geometry_args
