#include "kernels/mask_measures.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kernels/cv_bridge.hpp"
#include "kernels/zero_blocks.hpp"

namespace pxp::kernels {

namespace {

// Calls f(row, flags) with one 0/1 flag per pixel of each row (any channel nonzero); reads
// through strides, so views need no copy. A mask without elements has no set pixel: no row is
// visited (its other dimension may be huge, [2^34, 0], and must not cost time).
template <typename F> void for_each_row_flags(const Tensor& mask, F&& f) {
  ImageShape s = image_shape(mask, "mask");
  if (mask.numel() == 0) return;
  std::vector<uint8_t> flags(static_cast<size_t>(s.width));
  const int64_t rs = mask.strides()[0], cs = mask.strides()[1], chs = mask.ndim() == 3 ? mask.strides()[2] : 0;
  dispatch_dtype(mask.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const bool dense = s.channels == 1 && cs == static_cast<int64_t>(sizeof(T));  // the common case: vectorized
    for (int64_t i = 0; i < s.height; ++i) {
      const uint8_t* row = mask.bytes() + i * rs;
      if (dense) {
        const T* p = reinterpret_cast<const T*>(row);
        for (int64_t j = 0; j < s.width; ++j) flags[static_cast<size_t>(j)] = p[j] != T(0);
      } else {
        for (int64_t j = 0; j < s.width; ++j) {
          const uint8_t* px = row + j * cs;
          uint8_t set = 0;
          for (int64_t c = 0; c < s.channels && !set; ++c) set = *reinterpret_cast<const T*>(px + c * chs) != T(0);
          flags[static_cast<size_t>(j)] = set;
        }
      }
      f(i, flags.data());
    }
  });
}

void require_one_channel(const Tensor& mask, const char* what) {
  if (image_shape(mask, "mask").channels != 1)
    argument_error(std::string(what) + " needs a one-channel mask");
}

// An 8-bit 0/255 copy, which the OpenCV algorithms below require.
cv::Mat binary_u8(const Tensor& mask) {
  ImageShape s = image_shape(mask, "mask");
  if (s.height > INT32_MAX || s.width > INT32_MAX) argument_error("mask is too large");
  cv::Mat out(static_cast<int>(s.height), static_cast<int>(s.width), CV_8U);
  for_each_row_flags(mask, [&](int64_t i, const uint8_t* flags) {
    uint8_t* o = out.ptr<uint8_t>(static_cast<int>(i));
    for (int64_t j = 0; j < s.width; ++j) o[j] = flags[j] ? 255 : 0;
  });
  return out;
}

Tensor with_mask_rank(Tensor t, const Tensor& mask) {
  if (mask.ndim() == 2) return t.restrided({t.dim(0), t.dim(1)}, {t.strides()[0], t.strides()[1]});
  return t;
}

}  // namespace

std::array<double, 4> mask_bounding_box(const Tensor& mask) {
  int64_t x1 = INT64_MAX, y1 = INT64_MAX, x2 = -1, y2 = -1;
  int64_t w = image_shape(mask, "mask").width;
  for_each_row_flags(mask, [&](int64_t i, const uint8_t* flags) {
    int64_t first = -1, last = -1;
    for (int64_t j = 0; j < w; ++j)
      if (flags[j]) {
        if (first < 0) first = j;
        last = j;
      }
    if (first < 0) return;
    if (y1 == INT64_MAX) y1 = i;
    y2 = i;
    x1 = std::min(x1, first);
    x2 = std::max(x2, last);
  });
  if (x2 < 0) return {0, 0, 0, 0};
  return {double(x1), double(y1), double(x2 + 1), double(y2 + 1)};
}

bool mask_is_empty(const Tensor& mask) {
  ImageShape s = image_shape(mask, "mask");
  if (mask.numel() == 0) return true;
  if (mask.is_contiguous()) {  // stops at the first set element (masks are mostly found non-empty early)
    return dispatch_dtype(mask.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* p = mask.data<T>();
      const int64_t n = mask.numel();
      constexpr int64_t kChunk = 4096;
      for (int64_t b = 0; b < n; b += kChunk) {
        bool any = false;
        const int64_t e = std::min(n, b + kChunk);
        for (int64_t k = b; k < e; ++k) any |= p[k] != T(0);
        if (any) return false;
      }
      return true;
    });
  }
  bool empty = true;
  for_each_row_flags(mask, [&](int64_t, const uint8_t* flags) {
    for (int64_t j = 0; j < s.width && empty; ++j) empty = !flags[j];
  });
  return empty;
}

std::array<double, 10> mask_moments(const Tensor& mask, bool binary) {
  require_one_channel(mask, "mask.moments");
  ImageShape s = image_shape(mask, "mask");
  std::array<double, 10> m{};
  if (mask.numel() == 0) return m;  // all zero, whatever the size of the other dimension
  const int64_t rs = mask.strides()[0], cs = mask.strides()[1];
  dispatch_dtype(mask.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < s.height; ++i) {
      const uint8_t* row = mask.bytes() + i * rs;
      // Row sums of x^k first, then multiply by y powers: 4 + 4 accumulations per pixel.
      double r0 = 0, r1 = 0, r2 = 0, r3 = 0;
      for (int64_t j = 0; j < s.width; ++j) {
        T v = *reinterpret_cast<const T*>(row + j * cs);
        double wgt = binary ? (v != T(0) ? 1.0 : 0.0) : static_cast<double>(v);
        if (wgt == 0) continue;
        double x = static_cast<double>(j) + 0.5;
        r0 += wgt;
        r1 += wgt * x;
        r2 += wgt * x * x;
        r3 += wgt * x * x * x;
      }
      double y = static_cast<double>(i) + 0.5;
      m[0] += r0;
      m[1] += r1;
      m[2] += r0 * y;
      m[3] += r2;
      m[4] += r1 * y;
      m[5] += r0 * y * y;
      m[6] += r3;
      m[7] += r2 * y;
      m[8] += r1 * y * y;
      m[9] += r0 * y * y * y;
    }
  });
  return m;
}

Tensor connected_components(const Tensor& mask, int connectivity) {
  require_one_channel(mask, "mask.connected_components");
  if (connectivity != 4 && connectivity != 8) argument_error("connectivity must be 4 or 8");
  ImageShape s = image_shape(mask, "mask");
  if (s.height == 0 || s.width == 0) return Tensor::zeros(DType::I32, mask.shape());
  cv::Mat bin = binary_u8(mask);
  cv::Mat labels;
  int n = cv::connectedComponents(bin, labels, connectivity, CV_32S);
  // OpenCV's label order depends on its algorithm (and version); renumber by first appearance.
  std::vector<int32_t> remap(static_cast<size_t>(n), 0);
  int32_t next = 1;
  for (int i = 0; i < labels.rows; ++i) {
    int32_t* row = labels.ptr<int32_t>(i);
    for (int j = 0; j < labels.cols; ++j) {
      j = static_cast<int>(past_background(row, j, labels.cols));
      if (j == labels.cols) break;
      int32_t l = row[j];
      if (remap[static_cast<size_t>(l)] == 0) remap[static_cast<size_t>(l)] = next++;
      row[j] = remap[static_cast<size_t>(l)];
    }
  }
  return with_mask_rank(from_mat(labels, true), mask);
}

Tensor distance_transform(const Tensor& mask, DistanceMetric metric) {
  require_one_channel(mask, "mask.distance_transform");
  ImageShape s = image_shape(mask, "mask");
  if (s.height == 0 || s.width == 0) return Tensor::zeros(DType::F32, mask.shape());
  cv::Mat bin = binary_u8(mask);
  if (cv::countNonZero(bin) == bin.rows * bin.cols) {
    // No zero pixel: OpenCV versions disagree (8192 or FLT_MAX); the distance is unbounded.
    Tensor out = Tensor::empty(DType::F32, mask.shape());
    std::fill(out.mutable_data<float>(), out.mutable_data<float>() + out.numel(), INFINITY);
    return out;
  }
  cv::Mat dist;
  switch (metric) {
    case DistanceMetric::L1: cv::distanceTransform(bin, dist, cv::DIST_L1, 3, CV_32F); break;
    case DistanceMetric::L2: cv::distanceTransform(bin, dist, cv::DIST_L2, cv::DIST_MASK_PRECISE, CV_32F); break;
    case DistanceMetric::Linf: cv::distanceTransform(bin, dist, cv::DIST_C, 3, CV_32F); break;
  }
  return with_mask_rank(from_mat(dist, true), mask);
}

}  // namespace pxp::kernels
