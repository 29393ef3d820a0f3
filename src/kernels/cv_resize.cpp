#include "kernels/cv_resize.hpp"

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "kernels/antialias_resize.hpp"
#include "kernels/linear_resize_u8.hpp"

namespace pxp::kernels {

void resize_to(const cv::Mat& src, cv::Mat& dst, cv::Size size, int interpolation) {
  if (interpolation == cv::INTER_LINEAR && src.depth() == CV_8U && src.dims == 2 && !src.empty()) {
    dst.create(size, src.type());
    // our kernel writes packed rows: a dst with gaps between rows (a view) stays with OpenCV
    if (dst.isContinuous() &&
        resize_linear_u8(src.data, static_cast<int64_t>(src.step), src.cols, src.rows, src.channels(), dst.data,
                         size.width, size.height))
      return;
  }
  cv::resize(src, dst, size, 0, 0, interpolation);
}

void resize_antialias_to(const cv::Mat& src, cv::Mat& dst, cv::Size size, const AntialiasWindow* window) {
  if (src.dims != 2 || src.empty() || src.channels() > 4 || (src.depth() != CV_8U && src.depth() != CV_32F))
    argument_error("antialiased resizing takes u8 or f32 images of 1 to 4 channels");
  if (size.width < 1 || size.height < 1) argument_error("antialiased resizing needs an output of at least 1 x 1");
  // the source may be dst's own memory only if nothing moves: resize from a copy then
  cv::Mat from = src.data == dst.data ? src.clone() : src;
  dst.create(size, src.type());
  cv::Mat packed = dst.isContinuous() ? dst : cv::Mat(size, src.type());
  if (src.depth() == CV_8U)
    resize_antialias_u8(from.data, static_cast<int64_t>(from.step), from.cols, from.rows, from.channels(), packed.data,
                        size.width, size.height, window);
  else if (window)
    argument_error("antialiased resizing of a window takes u8 images");
  else
    resize_antialias_f32(from.ptr<float>(), static_cast<int64_t>(from.step / sizeof(float)), from.cols, from.rows,
                         from.channels(), packed.ptr<float>(), size.width, size.height);
  if (packed.data != dst.data) packed.copyTo(dst);
}

}  // namespace pxp::kernels
