#include "kernels/cv_resize.hpp"

#include <opencv2/imgproc.hpp>

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

}  // namespace pxp::kernels
