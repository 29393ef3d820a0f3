// The pixel dtypes that the per-pixel kernels support (u8, u16, f32): dispatch over them, their
// full intensity, and storing a computed value back into one.
#pragma once

#include <limits>
#include <string>
#include <type_traits>

#include <opencv2/core/saturate.hpp>

#include "core/dtype.hpp"

namespace pxp::kernels {

// Full intensity: the type's maximum for integers, 1 for floats.
template <typename T> constexpr double pixel_max() {
  if constexpr (std::is_floating_point_v<T>) return 1.0;
  else return static_cast<double>(std::numeric_limits<T>::max());
}

// Integers: rounded to nearest and saturated (cv::saturate_cast from V); floats: as they are.
template <typename T, typename V> inline T store_saturated(V v) {
  if constexpr (std::is_floating_point_v<T>) return static_cast<T>(v);
  else return cv::saturate_cast<T>(v);
}

// Integers: rounded to nearest and saturated; floats: clamped to [0, 1] (torchvision's bound).
template <typename T> inline T store_clamped(float v) {
  if constexpr (std::is_floating_point_v<T>) {
    if (!(v > 0.0f)) return 0.0f;
    return v < 1.0f ? v : 1.0f;
  } else {
    return cv::saturate_cast<T>(v);
  }
}

// Calls f(T{}) with T the C++ type of an image dtype; a type error for the other dtypes.
template <typename F> decltype(auto) dispatch_image(DType t, F&& f) {
  switch (t) {
    case DType::U8: return f(uint8_t{});
    case DType::U16: return f(uint16_t{});
    case DType::F32: return f(float{});
    default: break;
  }
  type_error(std::string("images of dtype ") + dtype_name(t) + " are not supported here (u8, u16 or f32)");
}

}  // namespace pxp::kernels
