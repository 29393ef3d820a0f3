#include "kernels/mask_objects.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <type_traits>

#include <opencv2/core.hpp>

#include "core/error.hpp"
#include "kernels/cv_bridge.hpp"
#include "kernels/zero_blocks.hpp"

namespace pxp::kernels {

namespace {

// Integer labels (>= 0) of a label map, row-major, and the largest. Read in the map's own dtype (no
// detour through doubles: label maps are read by the million per second); an i32 map (what
// connected_components makes) is read where it is, a map of another dtype is converted once.
struct LabelMap {
  const int32_t* data = nullptr;
  int64_t largest = 0;
  Tensor held;                     // the contiguous map `data` points into, when it was i32
  std::vector<int32_t> converted;  // else the converted labels
};

LabelMap label_values(const Tensor& labels) {
  ImageShape s = image_shape(labels, "labels");
  if (s.channels != 1) argument_error("labels must have one channel");
  LabelMap map;
  Tensor c = labels.contiguous();
  const size_t pixels = static_cast<size_t>(s.height * s.width);
  if (c.dtype() != DType::I32) map.converted.resize(pixels);
  bool valid = true;
  dispatch_dtype(c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = c.data<T>();
    T top = T(0);
    for (size_t k = 0; k < pixels; ++k) {
      const T v = p[k];
      if constexpr (std::is_floating_point_v<T>)
        valid = valid && v >= 0 && v == std::floor(v) && v <= T(2e9);
      else if constexpr (sizeof(T) >= 4)
        valid = valid && v >= T(0) && static_cast<int64_t>(v) <= 2000000000;
      else if constexpr (std::is_signed_v<T>)
        valid = valid && v >= T(0);
      top = v > top ? v : top;
      if constexpr (!std::is_same_v<T, int32_t>) map.converted[k] = static_cast<int32_t>(v);
    }
    map.largest = valid ? static_cast<int64_t>(top) : 0;
    return 0;
  });
  if (!valid) argument_error("labels must be whole numbers in [0, 2e9]");
  if (c.dtype() == DType::I32) {
    map.held = c;
    map.data = map.held.data<int32_t>();
  } else {
    map.data = map.converted.data();
  }
  return map;
}

Shape one_channel_shape(const Tensor& like, DType) {
  ImageShape s = image_shape(like, "mask");
  return like.ndim() == 3 ? Shape{s.height, s.width, 1} : Shape{s.height, s.width};
}

}  // namespace

Tensor label_objects(const Tensor& mask, int connectivity) {
  if (connectivity != 4 && connectivity != 8) argument_error("connectivity must be 4 or 8");
  ImageShape s = image_shape(mask, "mask");
  if (s.channels != 1) argument_error("mask must have one channel");
  Tensor c = mask.contiguous();
  const int64_t h = s.height, w = s.width;
  Tensor out = Tensor::empty(DType::I32, one_channel_shape(mask, DType::I32));
  int32_t* comp = out.mutable_data<int32_t>();
  // Two raster passes with union-find. A component's first pixel in raster order has no earlier
  // neighbour of its value, so it makes a new provisional label; labels are made in raster order
  // and unions keep the smaller root, so each root is its component's first pixel's label.
  std::vector<int32_t> parent{0};
  std::vector<double> root_value{0.0};
  auto find = [&](int32_t x) {
    while (parent[static_cast<size_t>(x)] != x) x = parent[static_cast<size_t>(x)] = parent[static_cast<size_t>(parent[static_cast<size_t>(x)])];
    return x;
  };
  auto join = [&](int32_t a, int32_t b) {
    a = find(a), b = find(b);
    if (a != b) parent[static_cast<size_t>(std::max(a, b))] = std::min(a, b);
    return std::min(a, b);
  };
  dispatch_dtype(c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* v = c.data<T>();
    for (int64_t i = 0; i < h; ++i)
      for (int64_t j = 0; j < w; ++j) {
        const int64_t p = i * w + j;
        const T value = v[p];
        if (value == T(0)) {
          comp[p] = 0;
          continue;
        }
        int32_t label = 0;
        auto look = [&](int64_t q) {
          if (v[q] != value) return;
          label = label ? join(label, comp[q]) : comp[q];
        };
        if (j > 0) look(p - 1);
        if (i > 0) {
          look(p - w);
          if (connectivity == 8) {
            if (j > 0) look(p - w - 1);
            if (j + 1 < w) look(p - w + 1);
          }
        }
        if (!label) {
          label = static_cast<int32_t>(parent.size());
          parent.push_back(label);
          root_value.push_back(static_cast<double>(value));
        }
        comp[p] = label;
      }
    return 0;
  });
  // Renumber the roots: by value, then by first pixel (the root labels are in raster order).
  std::vector<int32_t> roots;
  for (int32_t x = 1; x < static_cast<int32_t>(parent.size()); ++x)
    if (find(x) == x) roots.push_back(x);
  std::stable_sort(roots.begin(), roots.end(), [&](int32_t a, int32_t b) {
    return root_value[static_cast<size_t>(a)] < root_value[static_cast<size_t>(b)];
  });
  std::vector<int32_t> number(parent.size(), 0);
  for (size_t k = 0; k < roots.size(); ++k) number[static_cast<size_t>(roots[k])] = static_cast<int32_t>(k + 1);
  for (int64_t p = 0; p < h * w; ++p)
    if (comp[p]) comp[p] = number[static_cast<size_t>(find(comp[p]))];
  return out;
}

Tensor label_stats(const Tensor& labels) {
  ImageShape s = image_shape(labels, "labels");
  const LabelMap map = label_values(labels);
  const int64_t k = map.largest;
  Tensor out = Tensor::zeros(DType::F32, {k, 5});
  float* o = out.mutable_data<float>();
  std::vector<int64_t> x1(static_cast<size_t>(k), s.width), y1(static_cast<size_t>(k), s.height);
  std::vector<int64_t> x2(static_cast<size_t>(k), -1), y2(static_cast<size_t>(k), -1), n(static_cast<size_t>(k), 0);
  // Label maps are runs of equal labels: each run updates its label once.
  for (int64_t i = 0; i < s.height; ++i) {
    const int32_t* row = map.data + i * s.width;
    for (int64_t j = 0; j < s.width;) {
      const int32_t v = row[j];
      int64_t e = j + 1;
      while (e < s.width && row[e] == v) ++e;
      if (v != 0) {
        const size_t c = static_cast<size_t>(v - 1);
        n[c] += e - j;
        x1[c] = std::min(x1[c], j), x2[c] = std::max(x2[c], e - 1);
        y1[c] = std::min(y1[c], i), y2[c] = std::max(y2[c], i);
      }
      j = e;
    }
  }
  for (size_t c = 0; c < static_cast<size_t>(k); ++c) {
    float* row = o + 5 * c;
    row[0] = static_cast<float>(n[c]);
    if (n[c] == 0) continue;
    row[1] = static_cast<float>(x1[c]), row[2] = static_cast<float>(y1[c]);
    row[3] = static_cast<float>(x2[c] + 1), row[4] = static_cast<float>(y2[c] + 1);
  }
  return out;
}

Tensor mask_isin(const Tensor& mask, const std::vector<double>& values) {
  ImageShape s = image_shape(mask, "mask");
  if (s.channels != 1) argument_error("mask must have one channel");
  Tensor c = mask.contiguous();
  std::vector<double> sorted(values);
  std::sort(sorted.begin(), sorted.end());
  Tensor out = Tensor::empty(DType::U8, {s.height, s.width, 1});
  uint8_t* o = out.mutable_data<uint8_t>();
  const size_t n = static_cast<size_t>(s.height * s.width);
  if (n == 0) return out;
  dispatch_dtype(c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = c.data<T>();
    if constexpr (sizeof(T) == 1 && !std::is_same_v<T, bool>) {  // u8, i8: one table lookup a pixel
      uint8_t table[256];
      for (int b = 0; b < 256; ++b)
        table[b] = std::binary_search(sorted.begin(), sorted.end(), static_cast<double>(static_cast<T>(b))) ? 255 : 0;
      for (size_t k = 0; k < n; ++k) o[k] = table[static_cast<uint8_t>(p[k])];
    } else {
      // runs of equal values (label maps are mostly background) reuse the last answer
      T last = p[0];
      uint8_t answer = std::binary_search(sorted.begin(), sorted.end(), static_cast<double>(last)) ? 255 : 0;
      for (size_t k = 0; k < n; ++k) {
        if (p[k] != last) {
          last = p[k];
          answer = std::binary_search(sorted.begin(), sorted.end(), static_cast<double>(last)) ? 255 : 0;
        }
        o[k] = answer;
      }
    }
    return 0;
  });
  return out;
}

Tensor sample_label_pixels(const Tensor& labels, int64_t n, RandomStream& rng) {
  if (n < 0) argument_error("the number of pixels per label must not be negative");
  ImageShape s = image_shape(labels, "labels");
  const size_t pixels = static_cast<size_t>(s.height * s.width);
  const LabelMap map = label_values(labels);
  const int32_t* l = map.data;
  const int64_t k = map.largest;
  std::vector<int64_t> count(static_cast<size_t>(k) + 1, 0);
  // (the background's count is not needed: nothing is drawn from it)
  for (int64_t p = past_background(l, 0, static_cast<int64_t>(pixels)); p < static_cast<int64_t>(pixels);
       p = past_background(l, p + 1, static_cast<int64_t>(pixels)))
    ++count[static_cast<size_t>(l[p])];
  // The draws, label by label (the stream's order): the rank of each drawn pixel among its label's
  // pixels in raster order, and the output row it goes to.
  struct Want {
    int64_t rank, row;
  };
  std::vector<std::vector<Want>> wants(static_cast<size_t>(k) + 1);
  int64_t rows = 0;
  for (int64_t c = 1; c <= k; ++c) {
    const int64_t total = count[static_cast<size_t>(c)];
    if (total == 0) continue;
    auto& w = wants[static_cast<size_t>(c)];
    for (int64_t r = 0; r < n; ++r) w.push_back({static_cast<int64_t>(rng.below(static_cast<uint64_t>(total))), rows++});
    std::sort(w.begin(), w.end(), [](const Want& a, const Want& b) { return a.rank < b.rank; });
  }
  Tensor out = Tensor::empty(DType::F32, {rows, 3});
  float* o = out.mutable_data<float>();
  // One raster pass finds the drawn ranks (no per-label list of every pixel).
  std::vector<int64_t> seen(static_cast<size_t>(k) + 1, 0);
  std::vector<size_t> next(static_cast<size_t>(k) + 1, 0);
  int64_t missing = rows;  // the pass stops once every draw is found
  const int64_t end = static_cast<int64_t>(pixels);
  for (int64_t p = past_background(l, 0, end); p < end && missing > 0; p = past_background(l, p + 1, end)) {
    const size_t label = static_cast<size_t>(l[p]);
    if (next[label] == wants[label].size()) continue;
    const int64_t rank = seen[label]++;
    for (auto& w = wants[label]; next[label] < w.size() && w[next[label]].rank == rank; ++next[label], --missing) {
      float* row = o + 3 * w[next[label]].row;
      row[0] = static_cast<float>(p % s.width);
      row[1] = static_cast<float>(p / s.width);
      row[2] = static_cast<float>(count[label]);
    }
  }
  return out;
}

Tensor fill_where(const Tensor& image, const Tensor& mask, const std::vector<double>& value) {
  ImageShape s = image_shape(image, "image");
  ImageShape m = image_shape(mask, "mask");
  if (m.height != s.height || m.width != s.width)
    argument_error("the mask is " + std::to_string(m.height) + " x " + std::to_string(m.width) + ", the image " +
                   std::to_string(s.height) + " x " + std::to_string(s.width));
  if (value.size() != 1 && static_cast<int64_t>(value.size()) != s.channels)
    argument_error("the fill value needs 1 or " + std::to_string(s.channels) + " numbers, not " +
                   std::to_string(value.size()));
  Tensor src = image.contiguous();
  Tensor out = Tensor::empty(src.dtype(), src.shape());
  std::memcpy(out.mutable_bytes(), src.bytes(), src.nbytes());
  Tensor mc = mask.contiguous();
  std::vector<uint8_t> set(static_cast<size_t>(s.height * s.width), 0);
  dispatch_dtype(mc.dtype(), [&](auto tag) {
    using M = decltype(tag);
    const M* p = mc.data<M>();
    if (m.channels == 1) {  // the usual mask: a loop the compiler vectorizes
      for (size_t k = 0; k < set.size(); ++k) set[k] = p[k] != M(0);
      return 0;
    }
    for (size_t k = 0; k < set.size(); ++k)
      for (int64_t c = 0; c < m.channels && !set[k]; ++c) set[k] = p[static_cast<int64_t>(k) * m.channels + c] != M(0);
    return 0;
  });
  dispatch_dtype(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> fill(static_cast<size_t>(s.channels));
    for (size_t c = 0; c < fill.size(); ++c) {
      const double v = value[value.size() == 1 ? 0 : c];
      if constexpr (std::is_same_v<T, bool>) fill[c] = v != 0.0;
      else if constexpr (std::is_floating_point_v<T>) fill[c] = static_cast<T>(v);
      else fill[c] = cv::saturate_cast<T>(v);
    }
    T* o = out.mutable_data<T>();
    for (size_t k = 0; k < set.size(); ++k)
      if (set[k])
        for (size_t c = 0; c < fill.size(); ++c) o[k * fill.size() + c] = fill[c];
    return 0;
  });
  return out;
}

}  // namespace pxp::kernels
