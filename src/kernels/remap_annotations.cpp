#include "kernels/remap_annotations.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
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

// The output pixel whose source point (map_x, map_y) is nearest to a query point, ties to the first
// in row-major order; the same answer as comparing every pixel, found through a uniform grid of
// buckets over the source points, searched in square rings around the query's bucket.
class NearestSource {
 public:
  explicit NearestSource(const Map& m) : m_(m) {
    const size_t count = static_cast<size_t>(m.h * m.w);
    lo_x_ = lo_y_ = std::numeric_limits<double>::infinity();
    double hi_x = -lo_x_, hi_y = -lo_y_;
    size_t finite = 0;
    for (size_t p = 0; p < count; ++p) {
      if (!(std::isfinite(m.x[p]) && std::isfinite(m.y[p]))) continue;
      lo_x_ = std::min(lo_x_, m.x[p]);
      lo_y_ = std::min(lo_y_, m.y[p]);
      hi_x = std::max(hi_x, m.x[p]);
      hi_y = std::max(hi_y, m.y[p]);
      ++finite;
    }
    if (finite == 0) return;
    // about two source points per bucket
    const double span_x = std::max(hi_x - lo_x_, 1e-9), span_y = std::max(hi_y - lo_y_, 1e-9);
    cell_ = std::sqrt(span_x * span_y * 2.0 / static_cast<double>(finite));
    cell_ = std::max({cell_, span_x / 4096.0, span_y / 4096.0, 1e-9});
    inv_cell_ = 1.0 / cell_;
    nx_ = static_cast<int64_t>(span_x * inv_cell_) + 1;
    ny_ = static_cast<int64_t>(span_y * inv_cell_) + 1;
    // counting sort of the pixels into buckets (row-major order kept within a bucket)
    constexpr uint32_t kNone = UINT32_MAX;
    start_.assign(static_cast<size_t>(nx_ * ny_) + 1, 0);
    std::vector<uint32_t> bucket(count, kNone);
    for (size_t p = 0; p < count; ++p) {
      if (!(std::isfinite(m.x[p]) && std::isfinite(m.y[p]))) continue;
      bucket[p] = static_cast<uint32_t>(bucket_of(m.x[p], m.y[p]));
      ++start_[bucket[p] + 1];
    }
    std::partial_sum(start_.begin(), start_.end(), start_.begin());
    pixels_.resize(finite);
    std::vector<uint32_t> next(start_.begin(), start_.end() - 1);
    for (size_t p = 0; p < count; ++p)
      if (bucket[p] != kNone) pixels_[next[bucket[p]]++] = static_cast<uint32_t>(p);
  }

  // the pixel index (i * W + j); 0 when the map has no finite point
  int64_t find(double px, double py) const {
    if (pixels_.empty()) return 0;
    const int64_t qx = static_cast<int64_t>(std::floor(std::clamp((px - lo_x_) * inv_cell_, -1e12, 1e12)));
    const int64_t qy = static_cast<int64_t>(std::floor(std::clamp((py - lo_y_) * inv_cell_, -1e12, 1e12)));
    // the first ring that reaches the grid, and the last one that can hold anything
    const int64_t gap_x = qx < 0 ? -qx : (qx >= nx_ ? qx - nx_ + 1 : 0);
    const int64_t gap_y = qy < 0 ? -qy : (qy >= ny_ ? qy - ny_ + 1 : 0);
    const int64_t first = std::max(gap_x, gap_y);
    const int64_t last = std::max({qx, nx_ - 1 - qx, qy, ny_ - 1 - qy});
    double best = std::numeric_limits<double>::infinity();
    int64_t best_p = -1;
    for (int64_t r = first; r <= last; ++r) {
      // every source point in rings beyond r is at least r cells away from the query
      if (best_p >= 0 && r > first) {
        const double reach = static_cast<double>(r - 1) * cell_;
        if (best < reach * reach) break;
      }
      const int64_t y0 = std::max<int64_t>(qy - r, 0), y1 = std::min<int64_t>(qy + r, ny_ - 1);
      for (int64_t by = y0; by <= y1; ++by) {
        const bool edge_row = by == qy - r || by == qy + r;
        const int64_t x0 = std::max<int64_t>(qx - r, 0), x1 = std::min<int64_t>(qx + r, nx_ - 1);
        for (int64_t bx = x0; bx <= x1; ++bx) {
          if (!edge_row && bx != qx - r && bx != qx + r) {
            // inside the ring's square: only its two side columns belong to ring r
            if (qx + r > x1) break;
            bx = qx + r;
            if (bx < x0) break;
          }
          visit(by * nx_ + bx, px, py, best, best_p);
        }
      }
    }
    return best_p >= 0 ? best_p : 0;
  }

 private:
  int64_t bucket_of(double x, double y) const {
    int64_t bx = std::min<int64_t>(static_cast<int64_t>((x - lo_x_) * inv_cell_), nx_ - 1);
    int64_t by = std::min<int64_t>(static_cast<int64_t>((y - lo_y_) * inv_cell_), ny_ - 1);
    return std::max<int64_t>(by, 0) * nx_ + std::max<int64_t>(bx, 0);
  }

  void visit(int64_t b, double px, double py, double& best, int64_t& best_p) const {
    for (uint32_t k = start_[static_cast<size_t>(b)]; k < start_[static_cast<size_t>(b) + 1]; ++k) {
      const int64_t p = pixels_[k];
      const double dx = m_.x[static_cast<size_t>(p)] - px, dy = m_.y[static_cast<size_t>(p)] - py;
      const double d = dx * dx + dy * dy;
      if (d < best || (d == best && p < best_p)) {
        best = d;
        best_p = p;
      }
    }
  }

  const Map& m_;
  double lo_x_ = 0, lo_y_ = 0, cell_ = 1, inv_cell_ = 1;
  int64_t nx_ = 0, ny_ = 0;
  std::vector<uint32_t> start_;   // bucket b's pixels are pixels_[start_[b], start_[b + 1])
  std::vector<uint32_t> pixels_;  // pixel indices (i * W + j), grouped by bucket
};

// The same search comparing every pixel (cheaper than building the buckets for a few points: the
// build costs about as much as 30 exhaustive searches).
int64_t nearest_source_brute_force(const Map& m, double px, double py) {
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
  return bi * m.w + bj;
}

}  // namespace

Tensor remap_points(const Tensor& points, const Tensor& map_x, const Tensor& map_y) {
  const int64_t k = row_width(points, 2, "points");
  Map m = read_map(map_x, map_y, "remap_points");
  std::vector<double> v = tensor_values(points);
  const size_t n = v.size() / static_cast<size_t>(k);
  Tensor out = Tensor::empty(DType::F32, points.shape());
  float* o = out.mutable_data<float>();
  std::unique_ptr<NearestSource> index;
  constexpr size_t kFewPoints = 24;
  if (n > kFewPoints && m.h > 0 && m.w > 0 && m.h * m.w < INT32_MAX) index = std::make_unique<NearestSource>(m);
  for (size_t p = 0; p < n; ++p) {
    double* row = &v[p * static_cast<size_t>(k)];
    const double px = row[0], py = row[1];
    if (std::isfinite(px) && std::isfinite(py) && m.h > 0 && m.w > 0) {
      // the output pixel whose source point is nearest
      const int64_t nearest = index ? index->find(px, py) : nearest_source_brute_force(m, px, py);
      const int64_t bi = nearest / m.w, bj = nearest % m.w;
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
