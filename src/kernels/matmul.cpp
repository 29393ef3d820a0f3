#include "kernels/matmul.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include "core/error.hpp"

namespace pxp::kernels {

Tensor matmul(const Tensor& a, const Tensor& b) {
  if (a.ndim() != 2 || b.ndim() != 2)
    argument_error("math.matmul takes 2-D tensors, not ranks " + std::to_string(a.ndim()) + " and " +
                   std::to_string(b.ndim()));
  if (a.dtype() != b.dtype() || (a.dtype() != DType::F32 && a.dtype() != DType::F64))
    type_error(std::string("math.matmul takes two f32 or two f64 tensors, not ") + dtype_name(a.dtype()) + " and " +
               dtype_name(b.dtype()));
  if (a.dim(1) != b.dim(0))
    argument_error("math.matmul: a is " + std::to_string(a.dim(0)) + " x " + std::to_string(a.dim(1)) + ", b is " +
                   std::to_string(b.dim(0)) + " x " + std::to_string(b.dim(1)));
  for (int64_t d : {a.dim(0), a.dim(1), b.dim(1)})
    if (d > INT32_MAX) argument_error("math.matmul: a dimension is larger than 2^31 - 1");
  const int type = a.dtype() == DType::F32 ? CV_32F : CV_64F;
  Tensor ca = a.contiguous(), cb = b.contiguous();
  Tensor out = Tensor::empty(a.dtype(), {a.dim(0), b.dim(1)});
  if (out.numel() == 0) return out;
  if (a.dim(1) == 0) {   // an empty sum: zeros
    std::fill_n(static_cast<uint8_t*>(out.mutable_bytes()), out.nbytes(), uint8_t(0));
    return out;
  }
  const cv::Mat ma(static_cast<int>(a.dim(0)), static_cast<int>(a.dim(1)), type, const_cast<uint8_t*>(ca.bytes()));
  const cv::Mat mb(static_cast<int>(b.dim(0)), static_cast<int>(b.dim(1)), type, const_cast<uint8_t*>(cb.bytes()));
  cv::Mat mo(static_cast<int>(out.dim(0)), static_cast<int>(out.dim(1)), type, out.mutable_bytes());
  cv::gemm(ma, mb, 1.0, cv::noArray(), 0.0, mo);
  return out;
}

}  // namespace pxp::kernels
