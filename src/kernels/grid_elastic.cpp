#include "kernels/grid_elastic.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "kernels/annotations.hpp"
#include "kernels/distortion_maps.hpp"

namespace pxp::kernels {

namespace {

constexpr int64_t kMeshColumns = 12;

// Cumulative edges of `parts` intervals adding up to n (the first n % parts one longer), the
// intervals in the order that sorts keys.
std::vector<double> shuffled_edges(int64_t n, int64_t parts, const double* keys) {
  std::vector<size_t> order(static_cast<size_t>(parts));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
  std::vector<double> edges(static_cast<size_t>(parts) + 1, 0.0);
  for (size_t i = 0; i < order.size(); ++i) {
    int64_t side = n / parts + (static_cast<int64_t>(order[i]) < n % parts ? 1 : 0);
    edges[i + 1] = edges[i] + static_cast<double>(side);
  }
  return edges;
}

struct Cell {
  double x1, y1, x2, y2;
  std::array<cv::Point2f, 4> quad;  // top-left, top-right, bottom-right, bottom-left
  cv::Matx33d forward;              // source rectangle -> quad (OpenCV's getPerspectiveTransform)
};

std::vector<Cell> read_mesh(const Tensor& mesh) {
  std::vector<double> v = read_rows(mesh, kMeshColumns, "mesh");
  std::vector<Cell> cells(v.size() / kMeshColumns);
  for (size_t c = 0; c < cells.size(); ++c) {
    const double* r = &v[c * kMeshColumns];
    Cell& cell = cells[c];
    cell.x1 = r[0];
    cell.y1 = r[1];
    cell.x2 = r[2];
    cell.y2 = r[3];
    // f32 corners, as albumentations passes them to OpenCV
    cv::Point2f src[4] = {{static_cast<float>(r[0]), static_cast<float>(r[1])},
                          {static_cast<float>(r[2]), static_cast<float>(r[1])},
                          {static_cast<float>(r[2]), static_cast<float>(r[3])},
                          {static_cast<float>(r[0]), static_cast<float>(r[3])}};
    for (int k = 0; k < 4; ++k) cell.quad[k] = {static_cast<float>(r[4 + 2 * k]), static_cast<float>(r[5 + 2 * k])};
    if (!(r[2] > r[0] && r[3] > r[1])) argument_error("mesh: every source rectangle must have x2 > x1 and y2 > y1");
    cell.forward = cv::Matx33d(cv::getPerspectiveTransform(src, cell.quad.data()));
  }
  return cells;
}

}  // namespace

Tensor grid_elastic_mesh(int64_t width, int64_t height, int64_t rows, int64_t cols, const Tensor& keys,
                         const Tensor& displacements) {
  if (rows < 1 || cols < 1) range_error("grid_elastic_mesh: rows and cols must be >= 1");
  if (width < cols || height < rows)
    range_error("grid_elastic_mesh: the image (" + std::to_string(width) + " x " + std::to_string(height) +
                ") must be at least one pixel per cell (" + std::to_string(cols) + " x " + std::to_string(rows) +
                " cells)");
  std::vector<double> k = tensor_values(keys);
  if (static_cast<int64_t>(k.size()) < rows + cols)
    argument_error("grid_elastic_mesh: keys must hold rows + cols numbers");
  std::vector<double> d = tensor_values(displacements);
  const int64_t inner = (rows - 1) * (cols - 1);
  if (static_cast<int64_t>(d.size()) < 2 * inner)
    argument_error("grid_elastic_mesh: displacements must hold (rows - 1) * (cols - 1) * 2 numbers");
  std::vector<double> ys = shuffled_edges(height, rows, k.data());
  std::vector<double> xs = shuffled_edges(width, cols, k.data() + rows);
  // the vertex grid, (rows + 1) x (cols + 1), inner vertices displaced
  auto vertex = [&](int64_t r, int64_t c, int axis) {
    double base = axis == 0 ? xs[static_cast<size_t>(c)] : ys[static_cast<size_t>(r)];
    if (r > 0 && r < rows && c > 0 && c < cols) base += d[static_cast<size_t>(2 * ((r - 1) * (cols - 1) + (c - 1)) + axis)];
    return static_cast<float>(base);
  };
  Tensor out = Tensor::empty(DType::F32, {rows * cols, kMeshColumns});
  float* o = out.mutable_data<float>();
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c, o += kMeshColumns) {
      o[0] = static_cast<float>(xs[static_cast<size_t>(c)]);
      o[1] = static_cast<float>(ys[static_cast<size_t>(r)]);
      o[2] = static_cast<float>(xs[static_cast<size_t>(c) + 1]);
      o[3] = static_cast<float>(ys[static_cast<size_t>(r) + 1]);
      const int64_t corners[4][2] = {{r, c}, {r, c + 1}, {r + 1, c + 1}, {r + 1, c}};
      for (int q = 0; q < 4; ++q) {
        o[4 + 2 * q] = vertex(corners[q][0], corners[q][1], 0);
        o[5 + 2 * q] = vertex(corners[q][0], corners[q][1], 1);
      }
    }
  }
  return out;
}

Tensor mesh_map(const Tensor& mesh, int64_t width, int64_t height) {
  if (width < 1 || height < 1 || width > 32766 || height > 32766)
    range_error("mesh_map: width and height must be in [1, 32766]");
  std::vector<Cell> cells = read_mesh(mesh);
  // which cell draws each pixel: quads filled in order, later ones over earlier ones
  cv::Mat owner(static_cast<int>(height), static_cast<int>(width), CV_32S, cv::Scalar(0));
  for (size_t c = 0; c < cells.size(); ++c) {
    cv::Point corners[4];
    for (int k = 0; k < 4; ++k)  // albumentations' np.int32: truncation
      corners[k] = {static_cast<int>(cells[c].quad[k].x), static_cast<int>(cells[c].quad[k].y)};
    cv::fillConvexPoly(owner, corners, 4, cv::Scalar(static_cast<double>(c + 1)));
  }
  std::vector<cv::Matx33d> inverse(cells.size());
  for (size_t c = 0; c < cells.size(); ++c) cv::invert(cells[c].forward, inverse[c]);  // as warpPerspective
  Tensor out = Tensor::empty(DType::F32, {2, height, width});
  float* mx = out.mutable_data<float>();
  float* my = mx + width * height;
  for (int64_t i = 0; i < height; ++i) {
    const int32_t* row = owner.ptr<int32_t>(static_cast<int>(i));
    for (int64_t j = 0; j < width; ++j) {
      const int64_t p = i * width + j;
      if (row[j] == 0) {
        mx[p] = my[p] = -1.0f;
        continue;
      }
      const cv::Matx33d& m = inverse[static_cast<size_t>(row[j] - 1)];
      const double x = static_cast<double>(j), y = static_cast<double>(i);
      double w = m(2, 0) * x + m(2, 1) * y + m(2, 2);
      w = w != 0 ? 1.0 / w : 0.0;
      mx[p] = static_cast<float>((m(0, 0) * x + m(0, 1) * y + m(0, 2)) * w + 0.5);
      my[p] = static_cast<float>((m(1, 0) * x + m(1, 1) * y + m(1, 2)) * w + 0.5);
    }
  }
  return out;
}

Tensor mesh_points(const Tensor& points, const Tensor& mesh) {
  int64_t k = 0;
  if (points.ndim() == 2 && points.dim(1) >= 2) k = points.dim(1);
  else if (points.ndim() == 1 && points.dim(0) >= 2) k = points.dim(0);
  else argument_error("points must be an N x k tensor with k >= 2");
  std::vector<Cell> cells = read_mesh(mesh);
  std::vector<double> v = tensor_values(points);
  double lo_x = INFINITY, lo_y = INFINITY, hi_x = -INFINITY, hi_y = -INFINITY;
  for (const Cell& c : cells) {
    lo_x = std::min(lo_x, c.x1);
    lo_y = std::min(lo_y, c.y1);
    hi_x = std::max(hi_x, c.x2);
    hi_y = std::max(hi_y, c.y2);
  }
  Tensor out = Tensor::empty(DType::F32, points.shape());
  float* o = out.mutable_data<float>();
  const size_t n = v.size() / static_cast<size_t>(k);
  for (size_t p = 0; p < n; ++p) {
    double* row = &v[p * static_cast<size_t>(k)];
    // continuous -> pixel indices; the image is [lo, hi) in continuous coordinates
    const double x = row[0] - 0.5, y = row[1] - 0.5;
    if (row[0] >= lo_x && row[0] < hi_x && row[1] >= lo_y && row[1] < hi_y) {
      const double cx = std::max(x, lo_x), cy = std::max(y, lo_y);
      for (const Cell& c : cells) {
        if (!(cx >= c.x1 && cx < c.x2 && cy >= c.y1 && cy < c.y2)) continue;
        const cv::Matx33d& m = c.forward;
        double w = m(2, 0) * x + m(2, 1) * y + m(2, 2);
        w = w != 0 ? 1.0 / w : 0.0;
        row[0] = (m(0, 0) * x + m(0, 1) * y + m(0, 2)) * w + 0.5;
        row[1] = (m(1, 0) * x + m(1, 1) * y + m(1, 2)) * w + 0.5;
        break;
      }
    }
    for (int64_t c = 0; c < k; ++c) o[p * static_cast<size_t>(k) + static_cast<size_t>(c)] = static_cast<float>(row[c]);
  }
  return out;
}

}  // namespace pxp::kernels
