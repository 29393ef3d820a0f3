#include "ops/pixel_args.hpp"

namespace pxp {

namespace {
bool pixel_dtype(DType d) { return d == DType::U8 || d == DType::U16 || d == DType::F32; }
}  // namespace

Type expect_pixels(const InferContext& ctx, size_t i, const char* what, bool u8_only) {
  expect_tensor(ctx, i, what);
  const Type& t = ctx.inputs.at(i);
  if (t.shape && t.shape->size() != 2 && t.shape->size() != 3)
    type_error(std::string("input '") + what + "' must be an H x W x C or H x W image, not " + t.to_string());
  if (t.dtype) {
    if (u8_only && *t.dtype != DType::U8)
      type_error(std::string("input '") + what + "' must be a u8 image, not " + t.to_string());
    if (!pixel_dtype(*t.dtype))
      type_error(std::string("input '") + what + "' must be a u8, u16 or f32 image, not " + t.to_string());
  }
  if (t.is_any()) return Type::tensor();
  return t;
}

int64_t pixel_channels(const Type& t) {
  if (!t.shape) return kUnknownDim;
  if (t.shape->size() == 2) return 1;
  if (t.shape->size() == 3) return (*t.shape)[2];
  return kUnknownDim;
}

Type pixels_with_channels(const Type& image, std::optional<DType> dtype, int64_t channels) {
  if (!image.shape) return Type::tensor(dtype);
  Shape s{(*image.shape)[0], (*image.shape)[1]};
  if (image.shape->size() == 3 || channels != 1) s.push_back(channels);
  return Type::tensor(dtype, s);
}

Tensor pixels_arg(const Args& args, size_t i, const char* what) {
  const Value& v = args[i];
  if (!v.is_tensor()) type_error(std::string("input '") + what + "' must be an image, not " + v.describe());
  const Tensor& t = v.tensor();
  if (t.ndim() != 2 && t.ndim() != 3)
    type_error(std::string("input '") + what + "' must be an H x W x C or H x W image, not " + v.describe());
  if (!pixel_dtype(t.dtype()))
    type_error(std::string("input '") + what + "' must be a u8, u16 or f32 image, not " + v.describe());
  if (t.ndim() == 3 && t.dim(2) < 1) argument_error(std::string("input '") + what + "' has no channels");
  return t.contiguous();
}

std::vector<double> numbers_arg(const Args& args, size_t i, const char* what) {
  const Value& v = args[i];
  if (!v.is_tensor() || v.tensor().ndim() > 1 || v.tensor().numel() < 1)
    type_error(std::string("input '") + what + "' must be a number or a 1-D tensor of numbers, not " + v.describe());
  Tensor t = v.tensor().cast(DType::F64).contiguous();
  const double* p = t.data<double>();
  return std::vector<double>(p, p + t.numel());
}

}  // namespace pxp
