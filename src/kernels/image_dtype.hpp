// Dispatch over the pixel dtypes that the per-pixel kernels support (u8, u16, f32).
#pragma once

#include <string>

#include "core/dtype.hpp"

namespace pxp::kernels {

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
