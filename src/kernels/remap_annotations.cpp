#include "kernels/remap_annotations.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "kernels/annotations.hpp"
#include "kernels/distortion_maps.hpp"

namespace pxp::kernels {

namespace {

struct Map {
  int64_t h = 0, w = 0;
  std::vector<double> x, y;
  double ax(int64_t i, int64_t j) const { return x[static_cast<size_t>(i * w + j)]; }
  double ay(int64_t i, int64_t j) const { return y[static_cast<size_t>(i * w + j)]; }
};

Map read_map(const Tensor& map_x, const Tensor& map_y, const char* what) {
  if (map_x.ndim() != 2 || map_y.ndim() != 2 || map_x.shape() != map_y.shape())
    argument_error(std::string(what) + ": map_x and map_y must be 2-D tensors of one shape");
  Map m;
  m.h = map_x.dim(0);
  m.w = map_x.dim(1);
  m.x = tensor_values(map_x);
  m.y = tensor_values(map_y);
  return m;
}

int64_t row_width(const Tensor& t, int64_t min_k, const char* what) {
  if (t.ndim() == 2 && t.dim(1) >= min_k) return t.dim(1);
  if (t.ndim() == 1 && t.dim(0) >= min_k) return t.dim(0);
  argument_error(std::string(what) + " must be an N x k tensor with k >= " + std::to_string(min_k));
}

}  // namespace

Tensor remap_points(const Tensor& points, const Tensor& map_x, const Tensor& map_y) {
  const int64_t k = row_width(points, 2, "points");
  Map m = read_map(map_x, map_y, "remap_points");
  std::vector<double> v = tensor_values(points);
  const size_t n = v.size() / static_cast<size_t>(k);
  Tensor out = Tensor::empty(DType::F32, points.shape());
  float* o = out.mutable_data<float>();
  for (size_t p = 0; p < n; ++p) {
    double* row = &v[p * static_cast<size_t>(k)];
    const double px = row[0], py = row[1];
    if (std::isfinite(px) && std::isfinite(py) && m.h > 0 && m.w > 0) {
      // the output pixel whose source point is nearest
      int64_t bi = 0, bj = 0;
      double best = std::numeric_limits<double>::infinity();
      for (int64_t i = 0; i < m.h; ++i) {
        for (int64_t j = 0; j < m.w; ++j) {
          double dx = m.ax(i, j) - px, dy = m.ay(i, j) - py;
          double d = dx * dx + dy * dy;
          if (d < best) {
            best = d;
            bi = i;
            bj = j;
          }
        }
      }
      // one Newton step: the map's Jacobian from its differences over the neighbouring pixels
      int64_t j0 = std::max<int64_t>(bj - 1, 0), j1 = std::min<int64_t>(bj + 1, m.w - 1);
      int64_t i0 = std::max<int64_t>(bi - 1, 0), i1 = std::min<int64_t>(bi + 1, m.h - 1);
      double a = 1, b = 0, c = 0, d = 1;  // d map / d (x, y)
      if (j1 > j0) {
        a = (m.ax(bi, j1) - m.ax(bi, j0)) / static_cast<double>(j1 - j0);
        c = (m.ay(bi, j1) - m.ay(bi, j0)) / static_cast<double>(j1 - j0);
      }
      if (i1 > i0) {
        b = (m.ax(i1, bj) - m.ax(i0, bj)) / static_cast<double>(i1 - i0);
        d = (m.ay(i1, bj) - m.ay(i0, bj)) / static_cast<double>(i1 - i0);
      }
      double rx = px - m.ax(bi, bj), ry = py - m.ay(bi, bj);
      double det = a * d - b * c;
      double sx = 0, sy = 0;
      if (std::abs(det) > 1e-9) {
        sx = (d * rx - b * ry) / det;
        sy = (a * ry - c * rx) / det;
        // inside the sampled area the step stays within the pixel's neighbourhood; beyond it,
        // it extrapolates from the border pixel
        bool border = bi == 0 || bj == 0 || bi == m.h - 1 || bj == m.w - 1;
        if (!border) {
          sx = std::clamp(sx, -1.0, 1.0);
          sy = std::clamp(sy, -1.0, 1.0);
        }
      }
      row[0] = static_cast<double>(bj) + 0.5 + sx;
      row[1] = static_cast<double>(bi) + 0.5 + sy;
    }
    for (int64_t c = 0; c < k; ++c) o[p * static_cast<size_t>(k) + static_cast<size_t>(c)] = static_cast<float>(row[c]);
  }
  return out;
}

Tensor remap_boxes(const Tensor& boxes, const Tensor& map_x, const Tensor& map_y, int64_t width, int64_t height) {
  std::vector<double> b = read_rows(boxes, 4, "boxes");
  Map m = read_map(map_x, map_y, "remap_boxes");
  if (width < 0 || height < 0) range_error("remap_boxes: width and height must not be negative");
  const size_t n = b.size() / 4;
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> lo_x(n, inf), lo_y(n, inf), hi_x(n, -inf), hi_y(n, -inf);
  for (int64_t i = 0; i < m.h; ++i) {
    for (int64_t j = 0; j < m.w; ++j) {
      double fx = std::floor(m.ax(i, j)), fy = std::floor(m.ay(i, j));
      if (!(fx >= 0 && fy >= 0 && fx < static_cast<double>(width) && fy < static_cast<double>(height))) continue;
      double cx = fx + 0.5, cy = fy + 0.5;  // the center of the source pixel nearest sampling takes
      for (size_t q = 0; q < n; ++q) {
        const double* r = &b[4 * q];
        if (cx >= r[0] && cx < r[2] && cy >= r[1] && cy < r[3]) {
          lo_x[q] = std::min(lo_x[q], static_cast<double>(j));
          lo_y[q] = std::min(lo_y[q], static_cast<double>(i));
          hi_x[q] = std::max(hi_x[q], static_cast<double>(j + 1));
          hi_y[q] = std::max(hi_y[q], static_cast<double>(i + 1));
        }
      }
    }
  }
  Tensor out = Tensor::empty(DType::F32, boxes.shape());
  float* o = out.mutable_data<float>();
  for (size_t q = 0; q < n; ++q) {
    bool empty = !(hi_x[q] > lo_x[q]);
    o[4 * q + 0] = empty ? -1.f : static_cast<float>(lo_x[q]);
    o[4 * q + 1] = empty ? -1.f : static_cast<float>(lo_y[q]);
    o[4 * q + 2] = empty ? -1.f : static_cast<float>(hi_x[q]);
    o[4 * q + 3] = empty ? -1.f : static_cast<float>(hi_y[q]);
  }
  return out;
}

}  // namespace pxp::kernels
