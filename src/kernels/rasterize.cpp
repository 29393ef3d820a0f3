#include "kernels/rasterize.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"

namespace pxp::kernels {

namespace {

void require_finite(const std::vector<double>& v, const char* what) {
  for (double x : v)
    if (!std::isfinite(x)) argument_error(std::string(what) + " coordinates must be finite");
}

inline void fill_span(Tensor& mask, int64_t row, int64_t j0, int64_t j1, uint8_t value) {
  if (j1 <= j0) return;
  uint8_t* p = mask.mutable_data<uint8_t>() + row * mask.dim(1);
  std::fill(p + j0, p + j1, value);
}

}  // namespace

Tensor empty_mask(int64_t width, int64_t height) {
  if (width < 0 || height < 0)
    range_error("mask size must not be negative, got " + std::to_string(width) + " x " + std::to_string(height));
  return Tensor::zeros(DType::U8, {height, width, 1});
}

void render_polygon(Tensor& mask, const std::vector<double>& xy, uint8_t value) {
  require_finite(xy, "polygon");
  size_t n = xy.size() / 2;
  if (n < 3) return;
  int64_t h = mask.dim(0), w = mask.dim(1);
  double ymin = xy[1], ymax = xy[1];
  for (size_t k = 1; k < n; ++k) {
    ymin = std::min(ymin, xy[2 * k + 1]);
    ymax = std::max(ymax, xy[2 * k + 1]);
  }
  int64_t i0 = first_center_at_or_after(ymin, h), i1 = first_center_at_or_after(ymax, h);
  std::vector<double> xs;
  for (int64_t i = i0; i < i1; ++i) {
    double y = static_cast<double>(i) + 0.5;
    xs.clear();
    for (size_t k = 0; k < n; ++k) {
      size_t l = (k + 1) % n;
      double ya = xy[2 * k + 1], yb = xy[2 * l + 1];
      // Half-open in y, so a vertex on the scanline is counted once and horizontal edges never.
      if ((ya <= y) != (yb <= y)) {
        double xa = xy[2 * k], xb = xy[2 * l];
        xs.push_back(xa + (y - ya) * (xb - xa) / (yb - ya));
      }
    }
    std::sort(xs.begin(), xs.end());
    for (size_t k = 0; k + 1 < xs.size(); k += 2)
      fill_span(mask, i, first_center_at_or_after(xs[k], w), first_center_at_or_after(xs[k + 1], w), value);
  }
}

void render_point(Tensor& mask, double x, double y, double radius, uint8_t value) {
  if (!std::isfinite(x) || !std::isfinite(y)) argument_error("point coordinates must be finite");
  int64_t h = mask.dim(0), w = mask.dim(1);
  uint8_t* data = mask.mutable_data<uint8_t>();
  if (x >= 0 && y >= 0 && x < static_cast<double>(w) && y < static_cast<double>(h))
    data[static_cast<int64_t>(y) * w + static_cast<int64_t>(x)] = value;
  if (!(radius > 0)) return;
  double r2 = radius * radius;
  int64_t i0 = first_center_at_or_after(y - radius, h), i1 = first_center_at_or_after(std::nextafter(y + radius, INFINITY), h);
  for (int64_t i = i0; i < i1; ++i) {
    double dy = static_cast<double>(i) + 0.5 - y;
    double half = std::sqrt(std::max(0.0, r2 - dy * dy));
    int64_t j0 = first_center_at_or_after(x - half, w);
    int64_t j1 = first_center_at_or_after(std::nextafter(x + half, INFINITY), w);
    fill_span(mask, i, j0, j1, value);
  }
}

void render_box(Tensor& mask, double x1, double y1, double x2, double y2, uint8_t value) {
  if (!std::isfinite(x1) || !std::isfinite(y1) || !std::isfinite(x2) || !std::isfinite(y2))
    argument_error("box coordinates must be finite");
  int64_t h = mask.dim(0), w = mask.dim(1);
  int64_t j0 = first_center_at_or_after(x1, w), j1 = first_center_at_or_after(x2, w);
  int64_t i0 = first_center_at_or_after(y1, h), i1 = first_center_at_or_after(y2, h);
  for (int64_t i = i0; i < i1; ++i) fill_span(mask, i, j0, j1, value);
}

}  // namespace pxp::kernels
