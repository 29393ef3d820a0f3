// Zero-copy bridges between Tensor (H x W x C or H x W, interleaved) and cv::Mat.
#pragma once

#include <opencv2/core.hpp>

#include "core/tensor.hpp"

namespace pxp::kernels {

// OpenCV depth of a dtype (CV_8U ...); an argument error for dtypes OpenCV lacks (i64, bool as u8 is allowed).
int cv_depth(DType dtype);
DType dtype_from_cv_depth(int depth);

// A cv::Mat header over the tensor's memory (no copy). The tensor must be 2-D or 3-D with
// row-contiguous pixels; other layouts are made contiguous first. The Mat must not outlive
// the returned tensor reference it was built from: keep `image` alive.
cv::Mat as_mat(const Tensor& image);

// A tensor that shares the Mat's buffer (the Mat's reference count keeps it alive).
// channels_dim: keep a trailing channel dimension even for one channel.
Tensor from_mat(const cv::Mat& mat, bool channels_dim = true);

// An empty Mat for an OpenCV function's output whose memory, once the function creates it, comes
// from the thread's buffer cache (core/buffer_cache.hpp) like a tensor's: kernels declare their
// outputs with it so a worker reuses the same memory sample after sample.
cv::Mat output_mat();

// An OpenCV result written straight into a new tensor of `shape` (the sample's batch slot when the
// op's value goes there: core/output_target.hpp): fn(dst) gets a Mat header over the tensor, which
// OpenCV keeps when the size and type it creates match. Should it allocate its own all the same,
// that Mat is wrapped instead.
template <typename F> Tensor into_tensor(DType dtype, const Shape& shape, F fn) {
  Tensor out = Tensor::empty(dtype, shape);
  cv::Mat dst = as_mat(out);
  fn(dst);
  if (dst.data == out.bytes()) return out;
  return from_mat(dst, shape.size() == 3);
}

// Image geometry of a tensor: height, width, channels (rank 2 means one channel).
struct ImageShape {
  int64_t height, width, channels;
};
ImageShape image_shape(const Tensor& image, const char* what = "image");

}  // namespace pxp::kernels
