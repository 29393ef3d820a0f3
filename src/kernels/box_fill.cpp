#include "kernels/box_fill.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>

#include <opencv2/core.hpp>

#include "core/error.hpp"
#include "kernels/image_dtype.hpp"
#include "kernels/rasterize.hpp"

namespace pxp::kernels {

namespace {

struct PixelRange {
  int64_t j0, j1, i0, i1;  // columns [j0, j1), rows [i0, i1), inside the image
};

PixelRange pixels_of(const double* box, int64_t height, int64_t width) {
  for (int k = 0; k < 4; ++k)
    if (!std::isfinite(box[k])) argument_error("box coordinates must be finite");
  return {first_center_at_or_after(box[0], width), first_center_at_or_after(box[2], width),
          first_center_at_or_after(box[1], height), first_center_at_or_after(box[3], height)};
}

void check_rows(const std::vector<double>& boxes) {
  if (boxes.size() % 4 != 0) argument_error("boxes must have 4 values per box");
}

}  // namespace

Tensor fill_boxes(const Tensor& image, const std::vector<double>& boxes, const std::vector<double>& value,
                  BoxFill mode, RandomStream& rng) {
  check_rows(boxes);
  if (image.ndim() != 2 && image.ndim() != 3)
    argument_error("image must be H x W x C or H x W, not rank " + std::to_string(image.ndim()));
  const int64_t height = image.dim(0), width = image.dim(1), c = image.ndim() == 3 ? image.dim(2) : 1;
  if (mode == BoxFill::Constant && value.size() != 1 && static_cast<int64_t>(value.size()) != c)
    argument_error("the fill value needs 1 or " + std::to_string(c) + " numbers, not " +
                   std::to_string(value.size()));
  // No pixel under any box: the image itself, as albumentations returns it uncopied (a random
  // fill's draws for empty boxes change nothing, and the op's stream is its own).
  bool covers = false;
  for (size_t b = 0; b + 3 < boxes.size(); b += 4) {
    const PixelRange r = pixels_of(&boxes[b], height, width);
    covers = covers || (r.i0 < r.i1 && r.j0 < r.j1);
  }
  if (!covers) return image;
  // One copy of the whole image, then the fills: a single large memcpy streams past the caches
  // (glibc's non-temporal stores), faster than copying row by row around the holes.
  Tensor src = image.contiguous();
  Tensor out = Tensor::empty(src.dtype(), src.shape());
  std::memcpy(out.mutable_bytes(), src.bytes(), src.nbytes());
  return dispatch_dtype(image.dtype(), [&](auto tag) -> Tensor {
    using T = decltype(tag);
    constexpr bool pixel_type = std::is_same_v<T, uint8_t> || std::is_same_v<T, uint16_t> || std::is_same_v<T, float>;
    if (mode != BoxFill::Constant && !pixel_type)
      argument_error(std::string("random fills need a u8, u16 or f32 image, not ") + dtype_name(image.dtype()));
    auto draw = [&]() -> T {
      if constexpr (std::is_same_v<T, float>) return static_cast<T>(rng.uniform(0.0, 1.0));
      else if constexpr (pixel_type) return static_cast<T>(rng.integer(0, static_cast<int64_t>(pixel_max<T>())));
      else return T(0);  // unreachable: rejected above
    };
    std::vector<T> fill(static_cast<size_t>(c));
    if (mode == BoxFill::Constant)
      for (int64_t k = 0; k < c; ++k) {
        double v = value[value.size() == 1 ? 0 : static_cast<size_t>(k)];
        if constexpr (std::is_same_v<T, bool>) fill[static_cast<size_t>(k)] = v != 0.0;
        else if constexpr (std::is_floating_point_v<T>) fill[static_cast<size_t>(k)] = static_cast<T>(v);
        else fill[static_cast<size_t>(k)] = cv::saturate_cast<T>(v);
      }
    T* base = out.mutable_data<T>();
    for (size_t b = 0; b + 3 < boxes.size(); b += 4) {
      PixelRange r = pixels_of(&boxes[b], height, width);
      if (mode == BoxFill::RandomPerBox)
        for (size_t k = 0; k < fill.size(); ++k) fill[k] = draw();
      const int64_t n = std::max<int64_t>(r.j1 - r.j0, 0) * c;
      if (mode == BoxFill::Random) {
        for (int64_t i = r.i0; i < r.i1; ++i) {
          T* row = base + (i * width + r.j0) * c;
          for (int64_t k = 0; k < n; ++k) row[k] = draw();
        }
        continue;
      }
      // one row of the box's fill, then copied into each row (no per-value channel arithmetic)
      std::vector<T> pattern(static_cast<size_t>(n));
      for (int64_t k = 0; k < n; ++k) pattern[static_cast<size_t>(k)] = fill[static_cast<size_t>(k % c)];
      for (int64_t i = r.i0; i < r.i1; ++i)
        std::copy(pattern.begin(), pattern.end(), base + (i * width + r.j0) * c);
    }
    return out;
  });
}

Tensor paste_boxes(const Tensor& image, const Tensor& source, const std::vector<double>& boxes) {
  check_rows(boxes);
  if (image.ndim() != 2 && image.ndim() != 3)
    argument_error("image must be H x W x C or H x W, not rank " + std::to_string(image.ndim()));
  if (source.dtype() != image.dtype() || source.shape() != image.shape())
    argument_error("the source must have the image's dtype and shape");
  const int64_t height = image.dim(0), width = image.dim(1);
  const size_t pixel_bytes = image.nbytes() / static_cast<size_t>(std::max<int64_t>(height * width, 1));
  Tensor dst = image.contiguous(), src = source.contiguous();
  Tensor out = Tensor::empty(dst.dtype(), dst.shape());
  std::memcpy(out.mutable_bytes(), dst.bytes(), dst.nbytes());
  uint8_t* o = static_cast<uint8_t*>(out.mutable_bytes());
  const uint8_t* s = src.bytes();
  for (size_t b = 0; b + 3 < boxes.size(); b += 4) {
    const PixelRange r = pixels_of(&boxes[b], height, width);
    if (r.j1 <= r.j0) continue;
    const size_t run = static_cast<size_t>(r.j1 - r.j0) * pixel_bytes;
    for (int64_t i = r.i0; i < r.i1; ++i) {
      const size_t at = static_cast<size_t>(i * width + r.j0) * pixel_bytes;
      std::memcpy(o + at, s + at, run);
    }
  }
  return out;
}

Tensor box_coverage(const Tensor& mask, const std::vector<double>& boxes) {
  check_rows(boxes);
  if (mask.ndim() != 2 && mask.ndim() != 3)
    argument_error("mask must be H x W x C or H x W, not rank " + std::to_string(mask.ndim()));
  const int64_t height = mask.dim(0), width = mask.dim(1), c = mask.ndim() == 3 ? mask.dim(2) : 1;
  const int64_t n = static_cast<int64_t>(boxes.size() / 4);
  Tensor out = Tensor::zeros(DType::F32, {n, 6});
  float* o = out.mutable_data<float>();
  Tensor m = mask.contiguous();
  dispatch_dtype(m.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* data = m.data<T>();
    for (int64_t b = 0; b < n; ++b) {
      PixelRange r = pixels_of(&boxes[static_cast<size_t>(4 * b)], height, width);
      int64_t pixels = 0, covered = 0;
      int64_t x1 = width, y1 = height, x2 = -1, y2 = -1;  // the unset pixels' extent
      for (int64_t i = r.i0; i < r.i1; ++i)
        for (int64_t j = r.j0; j < r.j1; ++j) {
          const T* px = data + (i * width + j) * c;
          bool set = false;
          for (int64_t k = 0; k < c && !set; ++k) set = px[k] != T(0);
          ++pixels;
          if (set) {
            ++covered;
          } else {
            x1 = std::min(x1, j), x2 = std::max(x2, j);
            y1 = std::min(y1, i), y2 = std::max(y2, i);
          }
        }
      float* row = o + 6 * b;
      row[0] = static_cast<float>(pixels);
      row[1] = static_cast<float>(covered);
      if (x2 >= 0) {
        row[2] = static_cast<float>(x1), row[3] = static_cast<float>(y1);
        row[4] = static_cast<float>(x2 + 1), row[5] = static_cast<float>(y2 + 1);
      }
    }
    return 0;
  });
  return out;
}

namespace {

// Starts of `parts` intervals covering n: n / parts each, the first n % parts one longer, shuffled.
std::vector<int64_t> shuffled_splits(int64_t n, int64_t parts, RandomStream& rng) {
  std::vector<int64_t> len(static_cast<size_t>(parts));
  for (int64_t i = 0; i < parts; ++i) len[static_cast<size_t>(i)] = n / parts + (i < n % parts ? 1 : 0);
  for (int64_t i = parts - 1; i >= 1; --i)
    std::swap(len[static_cast<size_t>(i)], len[static_cast<size_t>(rng.below(static_cast<uint64_t>(i + 1)))]);
  std::vector<int64_t> start(static_cast<size_t>(parts + 1), 0);
  for (int64_t i = 0; i < parts; ++i) start[static_cast<size_t>(i + 1)] = start[static_cast<size_t>(i)] + len[static_cast<size_t>(i)];
  return start;
}

int64_t hole_side(int64_t cell, double ratio) {
  double v = std::min(std::max(static_cast<double>(cell) * ratio, 1.0), static_cast<double>(cell - 1));
  return static_cast<int64_t>(v);  // truncation, as astype(int)
}

}  // namespace

Tensor grid_holes(int64_t width, int64_t height, int64_t rows, int64_t cols, const GridHoleSpec& spec,
                  RandomStream& rng) {
  if (width < 0 || height < 0) range_error("grid_holes: the image size must not be negative");
  if (rows < 1 || cols < 1 || rows > height || cols > width)
    range_error("grid_holes: need 1 <= rows <= height and 1 <= cols <= width, got " + std::to_string(rows) + " x " +
                std::to_string(cols) + " cells for " + std::to_string(width) + " x " + std::to_string(height));
  if (rows * cols > (int64_t{1} << 24)) range_error("grid_holes: more than 2^24 cells");
  std::vector<int64_t> ys = shuffled_splits(height, rows, rng), xs = shuffled_splits(width, cols, rng);
  const int64_t n = rows * cols;
  std::vector<int64_t> off_y(static_cast<size_t>(n), spec.shift_y), off_x(static_cast<size_t>(n), spec.shift_x);
  auto cell = [&](int64_t k, bool y) {
    const std::vector<int64_t>& s = y ? ys : xs;
    int64_t i = y ? k / cols : k % cols;
    return std::pair<int64_t, int64_t>{s[static_cast<size_t>(i)], s[static_cast<size_t>(i + 1)] - s[static_cast<size_t>(i)]};
  };
  if (spec.random_offset) {
    for (int64_t k = 0; k < n; ++k) {
      auto [start, side] = cell(k, true);
      off_y[static_cast<size_t>(k)] = rng.integer(0, side - hole_side(side, spec.ratio));
    }
    for (int64_t k = 0; k < n; ++k) {
      auto [start, side] = cell(k, false);
      off_x[static_cast<size_t>(k)] = rng.integer(0, side - hole_side(side, spec.ratio));
    }
  }
  Tensor out = Tensor::empty(DType::F32, {n, 4});
  float* o = out.mutable_data<float>();
  for (int64_t k = 0; k < n; ++k) {
    auto [y0, ch] = cell(k, true);
    auto [x0, cw] = cell(k, false);
    const int64_t hh = hole_side(ch, spec.ratio), hw = hole_side(cw, spec.ratio);
    const int64_t x1 = std::clamp(x0 + off_x[static_cast<size_t>(k)], int64_t{0}, width - hw);
    const int64_t y1 = std::clamp(y0 + off_y[static_cast<size_t>(k)], int64_t{0}, height - hh);
    o[4 * k] = static_cast<float>(x1);
    o[4 * k + 1] = static_cast<float>(y1);
    o[4 * k + 2] = static_cast<float>(std::min(x1 + hw, width));
    o[4 * k + 3] = static_cast<float>(std::min(y1 + hh, height));
  }
  return out;
}

}  // namespace pxp::kernels
