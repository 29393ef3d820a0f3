#include "kernels/annotations.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/error.hpp"

namespace pxp::kernels {

std::vector<double> read_rows(const Tensor& t, int64_t k, const char* what) {
  bool ok = (t.ndim() == 2 && t.dim(1) == k) || (t.ndim() == 1 && t.dim(0) == k);
  if (!ok)
    argument_error(std::string(what) + " must be an N x " + std::to_string(k) + " tensor, not of shape " +
                   [&] {
                     std::string s;
                     for (int i = 0; i < t.ndim(); ++i) s += (i ? " x " : "") + std::to_string(t.dim(i));
                     return s.empty() ? std::string("()") : s;
                   }());
  Tensor c = t.contiguous();
  std::vector<double> out(static_cast<size_t>(c.numel()));
  dispatch_dtype(c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = c.data<T>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(p[i]);
  });
  return out;
}

namespace {

inline void apply(const Mat3& m, double x, double y, double& ox, double& oy) {
  double w = m[6] * x + m[7] * y + m[8];
  ox = (m[0] * x + m[1] * y + m[2]) / w;
  oy = (m[3] * x + m[4] * y + m[5]) / w;
}

Tensor f32_like(const Tensor& in, const std::vector<double>& v) {
  Tensor out = Tensor::empty(DType::F32, in.shape());
  float* o = out.mutable_data<float>();
  for (size_t i = 0; i < v.size(); ++i) o[i] = static_cast<float>(v[i]);
  return out;
}

}  // namespace

Tensor transform_points(const Tensor& points, const Mat3& m) {
  std::vector<double> v = read_rows(points, 2, "points");
  for (size_t i = 0; i + 1 < v.size(); i += 2) apply(m, v[i], v[i + 1], v[i], v[i + 1]);
  return f32_like(points, v);
}

Tensor transform_boxes(const Tensor& boxes, const Mat3& m) {
  std::vector<double> v = read_rows(boxes, 4, "boxes");
  for (size_t i = 0; i + 3 < v.size(); i += 4) {
    double xs[4], ys[4];
    apply(m, v[i], v[i + 1], xs[0], ys[0]);
    apply(m, v[i + 2], v[i + 1], xs[1], ys[1]);
    apply(m, v[i + 2], v[i + 3], xs[2], ys[2]);
    apply(m, v[i], v[i + 3], xs[3], ys[3]);
    v[i] = *std::min_element(xs, xs + 4);
    v[i + 1] = *std::min_element(ys, ys + 4);
    v[i + 2] = *std::max_element(xs, xs + 4);
    v[i + 3] = *std::max_element(ys, ys + 4);
  }
  return f32_like(boxes, v);
}

namespace {
void clip_into(double* b, double width, double height) {
  b[0] = std::clamp(b[0], 0.0, width);
  b[1] = std::clamp(b[1], 0.0, height);
  b[2] = std::clamp(b[2], 0.0, width);
  b[3] = std::clamp(b[3], 0.0, height);
}
}  // namespace

Tensor clip_boxes(const Tensor& boxes, double width, double height) {
  std::vector<double> v = read_rows(boxes, 4, "boxes");
  for (size_t i = 0; i + 3 < v.size(); i += 4) clip_into(&v[i], width, height);
  return f32_like(boxes, v);
}

std::vector<bool> visible_boxes(const Tensor& boxes, double width, double height, double min_visible,
                                double min_size) {
  std::vector<double> v = read_rows(boxes, 4, "boxes");
  std::vector<bool> keep(v.size() / 4);
  for (size_t i = 0; i < keep.size(); ++i) {
    const double* b = &v[i * 4];
    double c[4] = {b[0], b[1], b[2], b[3]};
    clip_into(c, width, height);
    double area = std::max(0.0, b[2] - b[0]) * std::max(0.0, b[3] - b[1]);
    double cw = c[2] - c[0], ch = c[3] - c[1];
    double fraction;
    if (area > 0) fraction = std::max(0.0, cw) * std::max(0.0, ch) / area;
    else fraction = (c[0] == b[0] && c[1] == b[1] && c[2] == b[2] && c[3] == b[3]) ? 1.0 : 0.0;
    keep[i] = fraction >= min_visible && cw >= min_size && ch >= min_size;
  }
  return keep;
}

Tensor filter_boxes(const Tensor& boxes, double width, double height, double min_visible, double min_size) {
  std::vector<bool> keep = visible_boxes(boxes, width, height, min_visible, min_size);
  std::vector<double> v = read_rows(boxes, 4, "boxes");
  int64_t n = std::count(keep.begin(), keep.end(), true);
  Tensor out = Tensor::empty(DType::F32, {n, 4});
  float* o = out.mutable_data<float>();
  for (size_t i = 0; i < keep.size(); ++i) {
    if (!keep[i]) continue;
    double c[4] = {v[i * 4], v[i * 4 + 1], v[i * 4 + 2], v[i * 4 + 3]};
    clip_into(c, width, height);
    for (double x : c) *o++ = static_cast<float>(x);
  }
  return out;
}

Tensor points_bounds(const Tensor& points) {
  std::vector<double> v = read_rows(points, 2, "points");
  Tensor out = Tensor::zeros(DType::F32, {4});
  if (v.empty()) return out;
  double x1 = std::numeric_limits<double>::infinity(), y1 = x1, x2 = -x1, y2 = -x1;
  for (size_t i = 0; i + 1 < v.size(); i += 2) {
    x1 = std::min(x1, v[i]);
    x2 = std::max(x2, v[i]);
    y1 = std::min(y1, v[i + 1]);
    y2 = std::max(y2, v[i + 1]);
  }
  float* o = out.mutable_data<float>();
  o[0] = static_cast<float>(x1);
  o[1] = static_cast<float>(y1);
  o[2] = static_cast<float>(x2);
  o[3] = static_cast<float>(y2);
  return out;
}

Tensor box_to_points(const Tensor& boxes) {
  std::vector<double> v = read_rows(boxes, 4, "boxes");
  int64_t n = static_cast<int64_t>(v.size() / 4);
  Tensor out = Tensor::empty(DType::F32, {4 * n, 2});
  float* o = out.mutable_data<float>();
  for (int64_t i = 0; i < n; ++i) {
    const double* b = &v[static_cast<size_t>(i) * 4];
    const double corners[8] = {b[0], b[1], b[2], b[1], b[2], b[3], b[0], b[3]};
    for (double c : corners) *o++ = static_cast<float>(c);
  }
  return out;
}

}  // namespace pxp::kernels
