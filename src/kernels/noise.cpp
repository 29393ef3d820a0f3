#include "kernels/noise.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include <opencv2/core.hpp>

#include "core/error.hpp"
#include "kernels/image_dtype.hpp"
#include "kernels/rounding.hpp"

namespace pxp::kernels {

namespace {


Tensor copy_of(const Tensor& image) {
  Tensor out = Tensor::empty(image.dtype(), image.shape());
  std::memcpy(out.mutable_bytes(), image.bytes(), image.nbytes());
  return out;
}

int64_t channels_of(const Tensor& image) { return image.ndim() == 3 ? image.dim(2) : 1; }

// A hole side: below 1 a fraction of the image side, else pixels; within [0, side].
int64_t hole_side(double v, int64_t side) {
  if (!std::isfinite(v) || v < 0) range_error("noise.coarse_dropout: hole sizes must be finite and >= 0");
  double px = v < 1.0 ? v * static_cast<double>(side) : v;
  return std::min<int64_t>(round_half_even(std::min(px, 1e15)), side);
}

template <typename T> void fill_box(Tensor& out, int64_t top, int64_t left, int64_t h, int64_t w, const T* values) {
  const int64_t c = channels_of(out), width = out.dim(1);
  T* base = out.mutable_data<T>();
  for (int64_t y = top; y < top + h; ++y) {
    T* row = base + (y * width + left) * c;
    for (int64_t x = 0; x < w; ++x)
      for (int64_t k = 0; k < c; ++k) row[x * c + k] = values[k];
  }
}

}  // namespace

namespace {
// image + draw() per element, in row-major order (the documented draw order).
template <typename Draw> Tensor add_per_element(const Tensor& image, Draw&& draw) {
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    Tensor out = Tensor::empty(image.dtype(), image.shape());
    const T* src = image.data<T>();
    T* dst = out.mutable_data<T>();
    const int64_t n = image.numel();
    for (int64_t i = 0; i < n; ++i) dst[i] = store_saturated<T, double>(static_cast<double>(src[i]) + draw());
    return out;
  });
}
}  // namespace

Tensor add_gaussian_noise(const Tensor& image, double mean, double std, RandomStream& rng) {
  return add_per_element(image, [&] { return rng.normal(mean, std); });
}

Tensor add_uniform_noise(const Tensor& image, double low, double high, RandomStream& rng) {
  return add_per_element(image, [&] { return rng.uniform(low, high); });
}

Tensor salt_and_pepper(const Tensor& image, double amount, double salt_ratio, RandomStream& rng) {
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    Tensor out = copy_of(image);
    T* dst = out.mutable_data<T>();
    const int64_t c = channels_of(image), n = image.dim(0) * image.dim(1);
    const double salt = amount * salt_ratio;
    const T hi = static_cast<T>(pixel_max<T>());
    for (int64_t i = 0; i < n; ++i) {
      double u = rng.uniform01();
      if (u >= amount) continue;
      std::fill(dst + i * c, dst + (i + 1) * c, u < salt ? hi : T(0));
    }
    return out;
  });
}

Tensor pixel_dropout(const Tensor& image, double p, double value, bool per_channel, RandomStream& rng) {
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    Tensor out = copy_of(image);
    T* dst = out.mutable_data<T>();
    const T v = store_saturated<T, double>(value);
    if (per_channel) {
      const int64_t n = image.numel();
      for (int64_t i = 0; i < n; ++i)
        if (rng.uniform01() < p) dst[i] = v;
    } else {
      const int64_t c = channels_of(image), n = image.dim(0) * image.dim(1);
      for (int64_t i = 0; i < n; ++i)
        if (rng.uniform01() < p) std::fill(dst + i * c, dst + (i + 1) * c, v);
    }
    return out;
  });
}

Tensor coarse_dropout(const Tensor& image, const HoleSpec& spec, RandomStream& rng) {
  if (spec.min_holes < 0 || spec.max_holes < spec.min_holes)
    range_error("noise.coarse_dropout: need 0 <= min_holes <= max_holes");
  const int64_t h = image.dim(0), w = image.dim(1);
  const int64_t min_h = hole_side(spec.min_height, h), max_h = hole_side(spec.max_height, h);
  const int64_t min_w = hole_side(spec.min_width, w), max_w = hole_side(spec.max_width, w);
  if (min_h > max_h || min_w > max_w)
    range_error("noise.coarse_dropout: the minimum hole size exceeds the maximum for this image");
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    Tensor out = copy_of(image);
    if (h == 0 || w == 0) return out;
    const std::vector<T> fill(static_cast<size_t>(channels_of(image)), store_saturated<T, double>(spec.fill));
    const int64_t holes = rng.integer(spec.min_holes, spec.max_holes);
    for (int64_t i = 0; i < holes; ++i) {
      int64_t hh = rng.integer(min_h, max_h), ww = rng.integer(min_w, max_w);
      int64_t top = rng.integer(0, h - hh), left = rng.integer(0, w - ww);
      fill_box<T>(out, top, left, hh, ww, fill.data());
    }
    return out;
  });
}

Tensor random_erasing(const Tensor& image, const ErasingSpec& spec, RandomStream& rng) {
  if (!(spec.scale_min >= 0 && spec.scale_min <= spec.scale_max && spec.scale_max <= 1.0))
    range_error("noise.random_erasing: scale must satisfy 0 <= min <= max <= 1");
  if (!(spec.ratio_min > 0 && spec.ratio_min <= spec.ratio_max && std::isfinite(spec.ratio_max)))
    range_error("noise.random_erasing: ratio must satisfy 0 < min <= max");
  const int64_t c = channels_of(image), height = image.dim(0), width = image.dim(1);
  if (!spec.random_value && spec.value.size() != 1 && static_cast<int64_t>(spec.value.size()) != c)
    argument_error("noise.random_erasing: value needs 1 or " + std::to_string(c) + " numbers, not " +
                   std::to_string(spec.value.size()));
  if (!(rng.uniform01() < spec.p)) return image;
  const double area = static_cast<double>(height) * static_cast<double>(width);
  const double log_lo = std::log(spec.ratio_min), log_hi = std::log(spec.ratio_max);
  for (int attempt = 0; attempt < 10; ++attempt) {
    const double erase_area = area * rng.uniform(spec.scale_min, spec.scale_max);
    const double aspect = std::exp(rng.uniform(log_lo, log_hi));
    // Python's round (ties to even), as torchvision.
    const int64_t h = round_half_even(std::sqrt(erase_area * aspect));
    const int64_t w = round_half_even(std::sqrt(erase_area / aspect));
    if (!(h < height && w < width)) continue;
    const int64_t top = rng.integer(0, height - h), left = rng.integer(0, width - w);
    return dispatch_image(image.dtype(), [&](auto tag) {
      using T = decltype(tag);
      Tensor out = copy_of(image);
      if (spec.random_value) {
        T* base = out.mutable_data<T>();
        for (int64_t y = top; y < top + h; ++y) {
          T* row = base + (y * width + left) * c;
          for (int64_t i = 0; i < w * c; ++i) {
            if constexpr (std::is_floating_point_v<T>) row[i] = static_cast<T>(rng.normal());
            else row[i] = static_cast<T>(rng.integer(0, static_cast<int64_t>(pixel_max<T>())));
          }
        }
      } else {
        std::vector<T> fill(static_cast<size_t>(c));
        for (int64_t k = 0; k < c; ++k) fill[static_cast<size_t>(k)] = store_saturated<T, double>(spec.value[spec.value.size() == 1 ? 0 : static_cast<size_t>(k)]);
        fill_box<T>(out, top, left, h, w, fill.data());
      }
      return out;
    });
  }
  return image;  // no attempt fitted: unchanged, as torchvision
}

}  // namespace pxp::kernels
