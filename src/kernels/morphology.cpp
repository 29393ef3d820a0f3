#include "kernels/morphology.hpp"

#include <opencv2/imgproc.hpp>

#include <string>

#include "kernels/cv_bridge.hpp"

namespace pxp::kernels {

Tensor morphology(const Tensor& image, MorphOp op, KernelShape shape, int64_t kernel_size, int64_t iterations) {
  if (kernel_size < 1 || kernel_size % 2 == 0 || kernel_size > 4095)
    range_error("kernel_size must be odd and in [1, 4095], got " + std::to_string(kernel_size));
  if (iterations < 1 || iterations > 1000) range_error("iterations must be in [1, 1000]");
  switch (image.dtype()) {
    case DType::U8: case DType::U16: case DType::I16: case DType::F32: case DType::F64: break;
    default: type_error(std::string("morphology does not support ") + dtype_name(image.dtype()) + " images");
  }
  ImageShape s = image_shape(image);
  Tensor out = Tensor::empty(image.dtype(), image.shape());
  if (s.height == 0 || s.width == 0 || s.channels == 0) return out;
  Tensor in = image.contiguous();
  cv::Mat src = as_mat(in), dst = as_mat(out);
  int cv_shape = shape == KernelShape::Rect ? cv::MORPH_RECT : shape == KernelShape::Ellipse ? cv::MORPH_ELLIPSE
                                                                                            : cv::MORPH_CROSS;
  int k = static_cast<int>(kernel_size);
  cv::Mat kernel = cv::getStructuringElement(cv_shape, cv::Size(k, k));
  int cv_op = op == MorphOp::Erode ? cv::MORPH_ERODE : op == MorphOp::Dilate ? cv::MORPH_DILATE
              : op == MorphOp::Open ? cv::MORPH_OPEN : cv::MORPH_CLOSE;
  cv::morphologyEx(src, dst, cv_op, kernel, cv::Point(-1, -1), static_cast<int>(iterations));
  // OpenCV reallocates dst if it disagrees on size/type; it must not, or out would be stale.
  if (dst.data != out.bytes()) fail(PXP_EINTERNAL, "morphology wrote into a new buffer");
  return out;
}

}  // namespace pxp::kernels
