#include "kernels/cv_bridge.hpp"

#include <memory>

#include "core/buffer_cache.hpp"

namespace pxp::kernels {

int cv_depth(DType dtype) {
  switch (dtype) {
    case DType::U8: case DType::Bool: return CV_8U;
    case DType::I8: return CV_8S;
    case DType::U16: return CV_16U;
    case DType::I16: return CV_16S;
    case DType::I32: return CV_32S;
    case DType::F32: return CV_32F;
    case DType::F64: return CV_64F;
    case DType::I64: break;
  }
  argument_error(std::string("images of dtype ") + dtype_name(dtype) + " are not supported here");
}

DType dtype_from_cv_depth(int depth) {
  switch (depth) {
    case CV_8U: return DType::U8;
    case CV_8S: return DType::I8;
    case CV_16U: return DType::U16;
    case CV_16S: return DType::I16;
    case CV_32S: return DType::I32;
    case CV_32F: return DType::F32;
    case CV_64F: return DType::F64;
    default: fail(PXP_EINTERNAL, "unexpected OpenCV depth " + std::to_string(depth));
  }
}

ImageShape image_shape(const Tensor& image, const char* what) {
  if (image.ndim() == 2) return {image.dim(0), image.dim(1), 1};
  if (image.ndim() == 3) return {image.dim(0), image.dim(1), image.dim(2)};
  type_error(std::string(what) + " must be an H x W x C or H x W tensor, not of rank " + std::to_string(image.ndim()));
}

cv::Mat as_mat(const Tensor& image) {
  ImageShape s = image_shape(image);
  if (s.channels > CV_CN_MAX) argument_error("an image may have at most 512 channels");
  if (s.height > INT32_MAX || s.width > INT32_MAX) argument_error("image is too large for OpenCV");
  size_t elem = dtype_size(image.dtype());
  // OpenCV needs interleaved channels and contiguous pixels within a row; rows may be strided.
  bool row_ok = image.strides()[1] == static_cast<int64_t>(elem * s.channels) &&
                (image.ndim() == 2 || image.strides()[2] == static_cast<int64_t>(elem));
  if (!row_ok) fail(PXP_EINTERNAL, "as_mat needs row-contiguous pixels: call contiguous() first");
  int type = CV_MAKETYPE(cv_depth(image.dtype()), static_cast<int>(s.channels));
  return cv::Mat(static_cast<int>(s.height), static_cast<int>(s.width), type, const_cast<uint8_t*>(image.bytes()),
                 static_cast<size_t>(image.strides()[0]));
}

namespace {

// A cv::MatAllocator over allocate_buffer / release_buffer (host memory only; OpenCV calls
// allocate, unmap and deallocate for plain Mats).
class BufferCacheMatAllocator : public cv::MatAllocator {
 public:
  cv::UMatData* allocate(int dims, const int* sizes, int type, void* data, size_t* step, cv::AccessFlag,
                         cv::UMatUsageFlags) const override {
    size_t total = CV_ELEM_SIZE(type);
    for (int i = dims - 1; i >= 0; --i) {
      if (step) {
        if (data && step[i] != cv::Mat::AUTO_STEP) total = step[i];  // the caller's rows may be padded
        else step[i] = total;
      }
      total *= static_cast<size_t>(sizes[i]);
    }
    auto* u = new cv::UMatData(this);
    u->size = total;
    if (data) {
      u->data = u->origdata = static_cast<uchar*>(data);
      u->flags |= cv::UMatData::USER_ALLOCATED;
    } else {
      try {
        u->data = u->origdata = static_cast<uchar*>(allocate_buffer(total));
      } catch (...) {
        delete u;
        throw;
      }
    }
    return u;
  }

  bool allocate(cv::UMatData* u, cv::AccessFlag, cv::UMatUsageFlags) const override { return u != nullptr; }

  void deallocate(cv::UMatData* u) const override {
    if (!u) return;
    if (!(u->flags & cv::UMatData::USER_ALLOCATED)) release_buffer(u->origdata, u->size);
    delete u;
  }
};

}  // namespace

cv::Mat output_mat() {
  // Never destroyed: Mats may be released during static destruction.
  static const cv::MatAllocator* allocator = new BufferCacheMatAllocator();
  cv::Mat mat;
  mat.allocator = const_cast<cv::MatAllocator*>(allocator);
  return mat;
}

Tensor from_mat(const cv::Mat& mat, bool channels_dim) {
  auto holder = std::make_shared<cv::Mat>(mat);  // shares the Mat's refcounted buffer
  DType dtype = dtype_from_cv_depth(mat.depth());
  int64_t elem = static_cast<int64_t>(dtype_size(dtype));
  int64_t ch = mat.channels();
  Shape shape{mat.rows, mat.cols};
  Shape strides{static_cast<int64_t>(mat.step[0]), elem * ch};
  if (channels_dim || ch > 1) {
    shape.push_back(ch);
    strides.push_back(elem);
  }
  return Tensor::view(std::shared_ptr<void>(holder, holder.get()), mat.data, dtype, shape, strides);
}

}  // namespace pxp::kernels
