#include "kernels/grid_shuffle.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "kernels/annotations.hpp"
#include "kernels/distortion_maps.hpp"

namespace pxp::kernels {

namespace {

// Sides of `parts` intervals adding up to n (the first n % parts one longer), in the order of keys.
std::vector<int64_t> ordered_intervals(int64_t n, int64_t parts, const double* keys) {
  std::vector<int64_t> sides(static_cast<size_t>(parts));
  for (int64_t i = 0; i < parts; ++i) sides[i] = n / parts + (i < n % parts ? 1 : 0);
  std::vector<size_t> order(sides.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
  std::vector<int64_t> out(sides.size());
  for (size_t i = 0; i < order.size(); ++i) out[i] = sides[order[i]];
  return out;
}

struct Move {
  double sx, sy, dx, dy, w, h;
};

std::vector<Move> read_table(const Tensor& table) {
  std::vector<double> v = read_rows(table, 6, "tile table");
  std::vector<Move> out(v.size() / 6);
  for (size_t i = 0; i < out.size(); ++i) out[i] = {v[6 * i], v[6 * i + 1], v[6 * i + 2], v[6 * i + 3], v[6 * i + 4], v[6 * i + 5]};
  return out;
}

}  // namespace

Tensor grid_shuffle_tiles(int64_t width, int64_t height, int64_t rows, int64_t cols, const Tensor& keys) {
  if (rows < 1 || cols < 1) range_error("grid_shuffle_tiles: rows and cols must be >= 1");
  if (width < cols || height < rows)
    range_error("grid_shuffle_tiles: the image (" + std::to_string(width) + " x " + std::to_string(height) +
                ") must have at least one pixel per tile");
  std::vector<double> k = tensor_values(keys);
  if (static_cast<int64_t>(k.size()) != rows + cols + rows * cols)
    argument_error("grid_shuffle_tiles: keys must hold rows + cols + rows * cols numbers");
  std::vector<int64_t> hs = ordered_intervals(height, rows, k.data());
  std::vector<int64_t> ws = ordered_intervals(width, cols, k.data() + rows);
  std::vector<int64_t> ys(rows, 0), xs(cols, 0);
  for (int64_t i = 1; i < rows; ++i) ys[i] = ys[i - 1] + hs[i - 1];
  for (int64_t j = 1; j < cols; ++j) xs[j] = xs[j - 1] + ws[j - 1];
  const int64_t n = rows * cols;
  const double* tile_keys = k.data() + rows + cols;
  // group tiles by shape, keeping index order
  std::map<std::pair<int64_t, int64_t>, std::vector<int64_t>> groups;
  for (int64_t t = 0; t < n; ++t) groups[{hs[t / cols], ws[t % cols]}].push_back(t);
  std::vector<int64_t> dest(static_cast<size_t>(n));
  for (auto& [shape, idx] : groups) {
    std::vector<int64_t> shuffled = idx;
    std::stable_sort(shuffled.begin(), shuffled.end(),
                     [&](int64_t a, int64_t b) { return tile_keys[a] < tile_keys[b]; });
    for (size_t t = 0; t < idx.size(); ++t) dest[idx[t]] = shuffled[t];
  }
  Tensor out = Tensor::empty(DType::F32, {n, 6});
  float* o = out.mutable_data<float>();
  for (int64_t t = 0; t < n; ++t) {
    int64_t d = dest[t];
    float row[6] = {static_cast<float>(xs[t % cols]), static_cast<float>(ys[t / cols]),
                    static_cast<float>(xs[d % cols]), static_cast<float>(ys[d / cols]),
                    static_cast<float>(ws[t % cols]), static_cast<float>(hs[t / cols])};
    std::copy(row, row + 6, o + 6 * t);
  }
  return out;
}

Tensor tile_moves_map(const Tensor& table, int64_t width, int64_t height) {
  if (width < 1 || height < 1 || width > 32766 || height > 32766)
    range_error("tile_moves_map: width and height must be in [1, 32766]");
  std::vector<Move> moves = read_table(table);
  Tensor out = Tensor::empty(DType::F32, {2, height, width});
  float* mx = out.mutable_data<float>();
  float* my = mx + width * height;
  // pixels no tile lands on sample outside the image (the border fill)
  std::fill(mx, mx + 2 * width * height, -1.0f);
  for (const Move& m : moves) {
    int64_t x0 = static_cast<int64_t>(m.dx), y0 = static_cast<int64_t>(m.dy);
    for (int64_t i = std::max<int64_t>(y0, 0); i < std::min<int64_t>(y0 + static_cast<int64_t>(m.h), height); ++i)
      for (int64_t j = std::max<int64_t>(x0, 0); j < std::min<int64_t>(x0 + static_cast<int64_t>(m.w), width); ++j) {
        mx[i * width + j] = static_cast<float>(static_cast<double>(j) - m.dx + m.sx + 0.5);
        my[i * width + j] = static_cast<float>(static_cast<double>(i) - m.dy + m.sy + 0.5);
      }
  }
  return out;
}

Tensor move_tiles(const Tensor& image, const Tensor& table) {
  if (image.ndim() != 2 && image.ndim() != 3) argument_error("move_tiles: the image must be H x W or H x W x C");
  int64_t height = image.dim(0), width = image.dim(1);
  std::vector<Move> moves = read_table(table);
  Tensor src = image.contiguous();
  Tensor out = Tensor::zeros(image.dtype(), image.shape());
  size_t px = dtype_size(image.dtype()) * static_cast<size_t>(image.ndim() == 3 ? image.dim(2) : 1);
  size_t row = px * static_cast<size_t>(width);
  for (const Move& m : moves) {
    int64_t sx = static_cast<int64_t>(m.sx), sy = static_cast<int64_t>(m.sy);
    int64_t dx = static_cast<int64_t>(m.dx), dy = static_cast<int64_t>(m.dy);
    int64_t w = static_cast<int64_t>(m.w), h = static_cast<int64_t>(m.h);
    // only the part of the tile whose source and destination both lie inside the image
    int64_t x_lo = std::max<int64_t>({0, -sx, -dx}), x_hi = std::min<int64_t>({w, width - sx, width - dx});
    int64_t y_lo = std::max<int64_t>({0, -sy, -dy}), y_hi = std::min<int64_t>({h, height - sy, height - dy});
    if (x_hi <= x_lo) continue;
    for (int64_t y = y_lo; y < y_hi; ++y)
      std::memcpy(out.mutable_bytes() + static_cast<size_t>(dy + y) * row + static_cast<size_t>(dx + x_lo) * px,
                  src.bytes() + static_cast<size_t>(sy + y) * row + static_cast<size_t>(sx + x_lo) * px,
                  static_cast<size_t>(x_hi - x_lo) * px);
  }
  return out;
}

Tensor tile_moves_points(const Tensor& points, const Tensor& table) {
  int64_t k = points.ndim() == 2 ? points.dim(1) : (points.ndim() == 1 ? points.dim(0) : 0);
  if (k < 2) argument_error("tile_moves_points: points must be an N x k tensor with k >= 2");
  std::vector<Move> moves = read_table(table);
  std::vector<double> v = tensor_values(points);
  Tensor out = Tensor::empty(DType::F32, points.shape());
  float* o = out.mutable_data<float>();
  for (size_t p = 0; p < v.size() / static_cast<size_t>(k); ++p) {
    double* r = &v[p * static_cast<size_t>(k)];
    for (const Move& m : moves) {
      if (r[0] >= m.sx && r[0] < m.sx + m.w && r[1] >= m.sy && r[1] < m.sy + m.h) {
        r[0] += m.dx - m.sx;
        r[1] += m.dy - m.sy;
        break;
      }
    }
    for (int64_t c = 0; c < k; ++c) o[p * static_cast<size_t>(k) + static_cast<size_t>(c)] = static_cast<float>(r[c]);
  }
  return out;
}

Tensor tile_moves_boxes(const Tensor& boxes, const Tensor& table) {
  std::vector<double> b = read_rows(boxes, 4, "boxes");
  std::vector<Move> moves = read_table(table);
  Tensor out = Tensor::empty(DType::F32, boxes.shape());
  float* o = out.mutable_data<float>();
  for (size_t q = 0; q < b.size() / 4; ++q) {
    // the box's pixels: those whose centers lie in it
    double px0 = std::ceil(b[4 * q] - 0.5), py0 = std::ceil(b[4 * q + 1] - 0.5);
    double px1 = std::ceil(b[4 * q + 2] - 0.5), py1 = std::ceil(b[4 * q + 3] - 0.5);
    struct Piece {
      double x0, y0, x1, y1;
    };
    std::vector<Piece> pieces;
    for (const Move& m : moves) {
      double x0 = std::max(px0, m.sx), y0 = std::max(py0, m.sy);
      double x1 = std::min(px1, m.sx + m.w), y1 = std::min(py1, m.sy + m.h);
      if (x1 > x0 && y1 > y0)
        pieces.push_back({x0 + m.dx - m.sx, y0 + m.dy - m.sy, x1 + m.dx - m.sx, y1 + m.dy - m.sy});
    }
    float* r = o + 4 * q;
    if (pieces.empty()) {
      std::fill(r, r + 4, -1.0f);
      continue;
    }
    // 8-connected groups of pieces (touching sides or corners), by union-find
    std::vector<size_t> parent(pieces.size());
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](size_t a) {
      while (parent[a] != a) a = parent[a] = parent[parent[a]];
      return a;
    };
    for (size_t a = 0; a < pieces.size(); ++a)
      for (size_t c = a + 1; c < pieces.size(); ++c) {
        const Piece &p = pieces[a], &s = pieces[c];
        if (p.x0 <= s.x1 && s.x0 <= p.x1 && p.y0 <= s.y1 && s.y0 <= p.y1) parent[find(a)] = find(c);
      }
    std::vector<double> area(pieces.size(), 0.0);
    for (size_t a = 0; a < pieces.size(); ++a)
      area[find(a)] += (pieces[a].x1 - pieces[a].x0) * (pieces[a].y1 - pieces[a].y0);
    size_t best = find(0);
    for (size_t a = 0; a < pieces.size(); ++a)
      if (area[a] > area[best]) best = a;
    Piece box{1e300, 1e300, -1e300, -1e300};
    for (size_t a = 0; a < pieces.size(); ++a) {
      if (find(a) != best) continue;
      box.x0 = std::min(box.x0, pieces[a].x0);
      box.y0 = std::min(box.y0, pieces[a].y0);
      box.x1 = std::max(box.x1, pieces[a].x1);
      box.y1 = std::max(box.y1, pieces[a].y1);
    }
    r[0] = static_cast<float>(box.x0);
    r[1] = static_cast<float>(box.y0);
    r[2] = static_cast<float>(box.x1);
    r[3] = static_cast<float>(box.y1);
  }
  return out;
}

}  // namespace pxp::kernels
