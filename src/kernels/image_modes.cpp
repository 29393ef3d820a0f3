#include "kernels/image_modes.hpp"

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"

namespace pxp::kernels {

const std::vector<std::string>& interpolation_names() {
  static const std::vector<std::string> names{"nearest", "linear", "area", "cubic", "lanczos"};
  return names;
}

const std::vector<std::string>& border_names() {
  static const std::vector<std::string> names{"constant", "replicate", "reflect", "wrap", "reflect_101"};
  return names;
}

Interpolation interpolation_from_name(const std::string& name) {
  const auto& names = interpolation_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<Interpolation>(i);
  argument_error("unknown interpolation '" + name + "'");
}

Border border_from_name(const std::string& name) {
  const auto& names = border_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<Border>(i);
  argument_error("unknown border mode '" + name + "'");
}

int cv_resize_flag(Interpolation interpolation) {
  switch (interpolation) {
    case Interpolation::Nearest: return cv::INTER_NEAREST_EXACT;
    case Interpolation::Linear: return cv::INTER_LINEAR;
    case Interpolation::Area: return cv::INTER_AREA;
    case Interpolation::Cubic: return cv::INTER_CUBIC;
    case Interpolation::Lanczos: return cv::INTER_LANCZOS4;
  }
  return cv::INTER_LINEAR;
}

int cv_warp_flag(Interpolation interpolation) {
  switch (interpolation) {
    case Interpolation::Nearest: return cv::INTER_NEAREST;
    case Interpolation::Linear:
    case Interpolation::Area: return cv::INTER_LINEAR;
    case Interpolation::Cubic: return cv::INTER_CUBIC;
    case Interpolation::Lanczos: return cv::INTER_LANCZOS4;
  }
  return cv::INTER_LINEAR;
}

int cv_border(Border border) {
  switch (border) {
    case Border::Constant: return cv::BORDER_CONSTANT;
    case Border::Replicate: return cv::BORDER_REPLICATE;
    case Border::Reflect: return cv::BORDER_REFLECT;
    case Border::Wrap: return cv::BORDER_WRAP;
    case Border::Reflect101: return cv::BORDER_REFLECT_101;
  }
  return cv::BORDER_CONSTANT;
}

int64_t border_index(int64_t p, int64_t n, Border border) {
  if (p >= 0 && p < n) return p;
  switch (border) {
    case Border::Constant: return -1;
    case Border::Replicate: return p < 0 ? 0 : n - 1;
    case Border::Reflect: {
      int64_t period = 2 * n, m = p % period;
      if (m < 0) m += period;
      return m < n ? m : period - 1 - m;
    }
    case Border::Wrap: {
      int64_t m = p % n;
      return m < 0 ? m + n : m;
    }
    case Border::Reflect101: {
      if (n == 1) return 0;
      int64_t period = 2 * n - 2, m = p % period;
      if (m < 0) m += period;
      return m < n ? m : period - m;
    }
  }
  return -1;
}

}  // namespace pxp::kernels
