// Element types of tensors and a dispatcher from a runtime dtype to a C++ type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "pixelpipes/value.h"

namespace pxp {

enum class DType : uint8_t {
  U8 = PXP_DTYPE_U8,
  I8 = PXP_DTYPE_I8,
  U16 = PXP_DTYPE_U16,
  I16 = PXP_DTYPE_I16,
  I32 = PXP_DTYPE_I32,
  I64 = PXP_DTYPE_I64,
  F32 = PXP_DTYPE_F32,
  F64 = PXP_DTYPE_F64,
  Bool = PXP_DTYPE_BOOL,
};

constexpr int kDTypeCount = 9;

size_t dtype_size(DType t);
const char* dtype_name(DType t);
std::optional<DType> dtype_from_name(const std::string& name);
std::optional<DType> dtype_from_code(int64_t code);
bool is_float(DType t);
bool is_signed_int(DType t);
bool is_integer(DType t);  // excludes bool
// The smallest dtype that holds both (NumPy-like: u8+i8 -> i16, int+float -> float of enough width).
DType promote(DType a, DType b);

template <DType D> struct DTypeTraits;
template <> struct DTypeTraits<DType::U8> { using type = uint8_t; };
template <> struct DTypeTraits<DType::I8> { using type = int8_t; };
template <> struct DTypeTraits<DType::U16> { using type = uint16_t; };
template <> struct DTypeTraits<DType::I16> { using type = int16_t; };
template <> struct DTypeTraits<DType::I32> { using type = int32_t; };
template <> struct DTypeTraits<DType::I64> { using type = int64_t; };
template <> struct DTypeTraits<DType::F32> { using type = float; };
template <> struct DTypeTraits<DType::F64> { using type = double; };
template <> struct DTypeTraits<DType::Bool> { using type = bool; };

template <typename T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<uint8_t>() { return DType::U8; }
template <> constexpr DType dtype_of<int8_t>() { return DType::I8; }
template <> constexpr DType dtype_of<uint16_t>() { return DType::U16; }
template <> constexpr DType dtype_of<int16_t>() { return DType::I16; }
template <> constexpr DType dtype_of<int32_t>() { return DType::I32; }
template <> constexpr DType dtype_of<int64_t>() { return DType::I64; }
template <> constexpr DType dtype_of<float>() { return DType::F32; }
template <> constexpr DType dtype_of<double>() { return DType::F64; }
template <> constexpr DType dtype_of<bool>() { return DType::Bool; }

// Calls f(T{}) with T the C++ type of t: dispatch_dtype(t, [&](auto tag) { using T = decltype(tag); ... }).
template <typename F> decltype(auto) dispatch_dtype(DType t, F&& f) {
  switch (t) {
    case DType::U8: return f(uint8_t{});
    case DType::I8: return f(int8_t{});
    case DType::U16: return f(uint16_t{});
    case DType::I16: return f(int16_t{});
    case DType::I32: return f(int32_t{});
    case DType::I64: return f(int64_t{});
    case DType::F32: return f(float{});
    case DType::F64: return f(double{});
    case DType::Bool: return f(bool{});
  }
  fail(PXP_EINTERNAL, "invalid dtype");
}

}  // namespace pxp
