#include "kernels/transforms.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"

namespace pxp::kernels {

Mat3 mat3_identity() { return {1, 0, 0, 0, 1, 0, 0, 0, 1}; }

Mat3 mat3_multiply(const Mat3& a, const Mat3& b) {
  Mat3 r{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) r[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  return r;
}

Mat3 mat3_invert(const Mat3& m) {
  // Cofactors; the singularity test is relative to the entries' scale so it does not depend on units.
  double c00 = m[4] * m[8] - m[5] * m[7], c01 = m[5] * m[6] - m[3] * m[8], c02 = m[3] * m[7] - m[4] * m[6];
  double det = m[0] * c00 + m[1] * c01 + m[2] * c02;
  double scale = 0;
  for (double v : m) scale = std::fmax(scale, std::fabs(v));
  if (!std::isfinite(det) || !(std::fabs(det) > 1e-12 * scale * scale * scale))
    argument_error("the matrix is singular and cannot be inverted");
  double inv = 1.0 / det;
  return {c00 * inv,
          (m[2] * m[7] - m[1] * m[8]) * inv,
          (m[1] * m[5] - m[2] * m[4]) * inv,
          c01 * inv,
          (m[0] * m[8] - m[2] * m[6]) * inv,
          (m[2] * m[3] - m[0] * m[5]) * inv,
          c02 * inv,
          (m[1] * m[6] - m[0] * m[7]) * inv,
          (m[0] * m[4] - m[1] * m[3]) * inv};
}

Mat3 translation(double tx, double ty) { return {1, 0, tx, 0, 1, ty, 0, 0, 1}; }

Mat3 rotation(double angle_degrees, double cx, double cy) {
  // Exact quarter turns keep integer coordinates integer (cos(pi/2) is not 0 in floating point).
  double a = std::fmod(angle_degrees, 360.0);
  if (a < 0) a += 360.0;
  double c, s;
  if (a == 0) { c = 1; s = 0; }
  else if (a == 90) { c = 0; s = 1; }
  else if (a == 180) { c = -1; s = 0; }
  else if (a == 270) { c = 0; s = -1; }
  else {
    double r = angle_degrees * M_PI / 180.0;
    c = std::cos(r);
    s = std::sin(r);
  }
  return {c, s, (1 - c) * cx - s * cy, -s, c, s * cx + (1 - c) * cy, 0, 0, 1};
}

Mat3 scaling(double sx, double sy, double cx, double cy) {
  return {sx, 0, (1 - sx) * cx, 0, sy, (1 - sy) * cy, 0, 0, 1};
}

Mat3 shearing(double shx, double shy) { return {1, shx, 0, shy, 1, 0, 0, 0, 1}; }

Mat3 center_on_box(double x1, double y1, double x2, double y2, double width, double height) {
  return translation(width / 2 - (x1 + x2) / 2, height / 2 - (y1 + y2) / 2);
}

Mat3 focus_on_box(double x1, double y1, double x2, double y2, double width, double height, double margin) {
  double bw = std::fabs(x2 - x1) * (1 + 2 * margin), bh = std::fabs(y2 - y1) * (1 + 2 * margin);
  double s;
  if (bw > 0 && bh > 0) s = std::fmin(width / bw, height / bh);
  else if (bw > 0) s = width / bw;
  else if (bh > 0) s = height / bh;
  else argument_error("focus_on_box needs a box with a nonzero width or height (and margin > -0.5)");
  if (!std::isfinite(s)) argument_error("focus_on_box: the scale is not finite");
  double cx = (x1 + x2) / 2, cy = (y1 + y2) / 2;
  return {s, 0, width / 2 - s * cx, 0, s, height / 2 - s * cy, 0, 0, 1};
}

Mat3 resize_matrix(double src_w, double src_h, double dst_w, double dst_h) {
  if (!(src_w > 0) || !(src_h > 0)) argument_error("resize_matrix needs a positive source size");
  return {dst_w / src_w, 0, 0, 0, dst_h / src_h, 0, 0, 0, 1};
}

Mat3 crop_resize_matrix(double x, double y, double w, double h, double dst_w, double dst_h) {
  return mat3_multiply(resize_matrix(w, h, dst_w, dst_h), translation(-x, -y));
}

Mat3 flip_matrix(double width, double height, bool horizontal, bool vertical) {
  return {horizontal ? -1.0 : 1.0, 0, horizontal ? width : 0, 0, vertical ? -1.0 : 1.0, vertical ? height : 0, 0, 0, 1};
}

Mat3 to_opencv(const Mat3& m) {
  return mat3_multiply(translation(-0.5, -0.5), mat3_multiply(m, translation(0.5, 0.5)));
}

Mat3 read_mat3(const Tensor& t, const char* what) {
  if (t.ndim() != 2 || t.dim(0) != 3 || t.dim(1) != 3)
    argument_error(std::string(what) + " must be a 3 x 3 matrix");
  Tensor c = t.contiguous();
  Mat3 m{};
  dispatch_dtype(c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int i = 0; i < 9; ++i) m[i] = static_cast<double>(c.data<T>()[i]);
  });
  return m;
}

Tensor mat3_tensor(const Mat3& m) {
  Tensor t = Tensor::empty(DType::F32, {3, 3});
  for (int i = 0; i < 9; ++i) t.mutable_data<float>()[i] = static_cast<float>(m[i]);
  return t;
}

}  // namespace pxp::kernels
