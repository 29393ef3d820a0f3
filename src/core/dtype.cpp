#include "core/dtype.hpp"

#include <algorithm>

namespace pxp {

size_t dtype_size(DType t) {
  switch (t) {
    case DType::U8: case DType::I8: case DType::Bool: return 1;
    case DType::U16: case DType::I16: return 2;
    case DType::I32: case DType::F32: return 4;
    case DType::I64: case DType::F64: return 8;
  }
  return 0;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::U8: return "u8";
    case DType::I8: return "i8";
    case DType::U16: return "u16";
    case DType::I16: return "i16";
    case DType::I32: return "i32";
    case DType::I64: return "i64";
    case DType::F32: return "f32";
    case DType::F64: return "f64";
    case DType::Bool: return "bool";
  }
  return "?";
}

std::optional<DType> dtype_from_name(const std::string& name) {
  for (int i = 0; i < kDTypeCount; ++i) {
    auto t = static_cast<DType>(i);
    if (name == dtype_name(t)) return t;
  }
  return std::nullopt;
}

std::optional<DType> dtype_from_code(int64_t code) {
  if (code < 0 || code >= kDTypeCount) return std::nullopt;
  return static_cast<DType>(code);
}

bool is_float(DType t) { return t == DType::F32 || t == DType::F64; }
bool is_signed_int(DType t) {
  return t == DType::I8 || t == DType::I16 || t == DType::I32 || t == DType::I64;
}
bool is_integer(DType t) { return is_signed_int(t) || t == DType::U8 || t == DType::U16; }

namespace {
// Rank of integer types by bits, for promotion.
int int_bits(DType t) { return static_cast<int>(dtype_size(t)) * 8; }
DType signed_int_with_bits(int bits) {
  if (bits <= 8) return DType::I8;
  if (bits <= 16) return DType::I16;
  if (bits <= 32) return DType::I32;
  return DType::I64;
}
}  // namespace

DType promote(DType a, DType b) {
  if (a == b) return a;
  if (a == DType::Bool) return b;
  if (b == DType::Bool) return a;
  if (is_float(a) || is_float(b)) {
    if (a == DType::F64 || b == DType::F64) return DType::F64;
    // f32 with a 32/64-bit integer keeps f32 (as in vision code); it is what users expect for images.
    return DType::F32;
  }
  bool sa = is_signed_int(a), sb = is_signed_int(b);
  if (sa == sb) return int_bits(a) >= int_bits(b) ? a : b;
  // one signed, one unsigned: a signed type wide enough for the unsigned one
  DType s = sa ? a : b, u = sa ? b : a;
  int bits = std::max(int_bits(s), int_bits(u) * 2);
  return signed_int_with_bits(bits);
}

}  // namespace pxp
