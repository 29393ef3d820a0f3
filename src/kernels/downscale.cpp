#include "kernels/downscale.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "kernels/cv_bridge.hpp"
#include "kernels/cv_resize.hpp"

namespace pxp::kernels {

namespace {

template <size_t Bytes> void copy_row(uint8_t* out, const uint8_t* row, const std::vector<size_t>& offsets) {
  for (size_t x = 0; x < offsets.size(); ++x) std::memcpy(out + x * Bytes, row + offsets[x], Bytes);
}

// cv::resize's INTER_NEAREST: source index floor(x / inv_scale) in doubles, clamped (OpenCV's
// resizeNN; written out because OpenCV builds disagree on the floor at exact multiples). A row
// that samples the same source row as the one before is a copy of it.
void resize_nearest(const cv::Mat& src, cv::Mat& dst, double inv_scale_x, double inv_scale_y) {
  const double ifx = 1.0 / inv_scale_x, ify = 1.0 / inv_scale_y;
  const size_t pixel = src.elemSize(), row_bytes = pixel * static_cast<size_t>(dst.cols);
  std::vector<size_t> offsets(static_cast<size_t>(dst.cols));
  for (int x = 0; x < dst.cols; ++x)
    offsets[static_cast<size_t>(x)] = static_cast<size_t>(std::min(cvFloor(x * ifx), src.cols - 1)) * pixel;
  int previous = -1;
  for (int y = 0; y < dst.rows; ++y) {
    const int sy = std::min(cvFloor(y * ify), src.rows - 1);
    uint8_t* out = dst.ptr<uint8_t>(y);
    if (sy == previous) {
      std::memcpy(out, dst.ptr<uint8_t>(y - 1), row_bytes);
      continue;
    }
    previous = sy;
    const uint8_t* row = src.ptr<uint8_t>(sy);
    switch (pixel) {
      case 1: copy_row<1>(out, row, offsets); break;
      case 2: copy_row<2>(out, row, offsets); break;
      case 3: copy_row<3>(out, row, offsets); break;
      case 4: copy_row<4>(out, row, offsets); break;
      case 6: copy_row<6>(out, row, offsets); break;
      case 8: copy_row<8>(out, row, offsets); break;
      case 12: copy_row<12>(out, row, offsets); break;
      default:
        for (size_t x = 0; x < offsets.size(); ++x) std::memcpy(out + x * pixel, row + offsets[x], pixel);
    }
  }
}

// cv::resize for any channel count: OpenCV's area, cubic and Lanczos take at most 4, so wider
// images go channel by channel. size empty: by the factors (OpenCV's own rounding).
void resize_any(const cv::Mat& src, cv::Mat& dst, cv::Size size, double fx, double fy, int interpolation) {
  if (src.channels() <= 4) {
    if (size.empty()) cv::resize(src, dst, size, fx, fy, interpolation);
    else resize_to(src, dst, size, interpolation);  // (OpenCV ignores the factors given a size)
    return;
  }
  std::vector<cv::Mat> planes;
  cv::split(src, planes);
  for (cv::Mat& plane : planes) {
    cv::Mat resized;
    cv::resize(plane, resized, size, fx, fy, interpolation);
    plane = resized;
  }
  cv::merge(planes, dst);
}

}  // namespace

Tensor downscale_round_trip(const Tensor& image, double scale, int down_interpolation, int up_interpolation) {
  if (!(scale > 0.0 && scale <= 1.0)) range_error("image.downscale: scale must be in (0, 1], not " + std::to_string(scale));
  if (image.ndim() != 2 && image.ndim() != 3) type_error("image.downscale: the image must be H x W or H x W x C");
  if (image.dtype() != DType::U8 && image.dtype() != DType::U16 && image.dtype() != DType::F32)
    type_error("image.downscale: the image must be u8, u16 or f32");
  const int64_t h = image.dim(0), w = image.dim(1), c = image.ndim() == 3 ? image.dim(2) : 1;
  if (h < 1 || w < 1 || c < 1) range_error("image.downscale: the image is empty");
  if (c > CV_CN_MAX) range_error("image.downscale: at most 512 channels");
  if (h > INT32_MAX / 4 || w > INT32_MAX / 4) range_error("image.downscale: the image is too large");
  const cv::Mat src = as_mat(image);
  // OpenCV's own rounding of the size when fx, fy are given, and then its scale is fx itself; a
  // side that would be 0 is 1 (then the scale of the sizes, as cv::resize given a size).
  const cv::Size rounded(cvRound(static_cast<double>(w) * scale), cvRound(static_cast<double>(h) * scale));
  const bool by_factor = rounded.width >= 1 && rounded.height >= 1;
  const cv::Size size = by_factor ? rounded : cv::Size(std::max(1, rounded.width), std::max(1, rounded.height));
  cv::Mat small;
  if (down_interpolation == cv::INTER_NEAREST) {
    small.create(size, src.type());
    resize_nearest(src, small, by_factor ? scale : static_cast<double>(size.width) / static_cast<double>(w),
                   by_factor ? scale : static_cast<double>(size.height) / static_cast<double>(h));
  } else if (by_factor) {
    resize_any(src, small, cv::Size(), scale, scale, down_interpolation);
  } else {
    resize_any(src, small, size, 0, 0, down_interpolation);
  }
  Tensor out = Tensor::empty(image.dtype(), image.shape());
  cv::Mat dst = as_mat(out);
  if (up_interpolation == cv::INTER_NEAREST)
    resize_nearest(small, dst, static_cast<double>(w) / small.cols, static_cast<double>(h) / small.rows);
  else
    resize_any(small, dst, dst.size(), 0, 0, up_interpolation);
  if (dst.data != out.bytes()) range_error("image.downscale: OpenCV did not resize in place");
  return out;
}

}  // namespace pxp::kernels
