// Matrix product of two 2-D floating tensors (cv::gemm): torchvision's LinearTransformation
// multiplies each flattened image by a D x D matrix with it.
#pragma once

#include "core/tensor.hpp"

namespace pxp::kernels {

// a (M x K) times b (K x N) -> M x N, both f32 or both f64, in that dtype.
Tensor matmul(const Tensor& a, const Tensor& b);

}  // namespace pxp::kernels
