// Reading values through the C ABI (see values.hpp).
#include "values.hpp"

#include <cstdint>
#include <cstdio>

namespace pxp::tool {

Item value_item(const pxp_value* value) {
  Item item;
  int32_t kind = -1;
  pxp_value_kind_get(&kind, value);
  if (kind == PXP_VALUE_TENSOR && pxp_value_tensor(&item.tensor, value) == PXP_OK) {
    item.is_tensor = true;
  } else {
    item.value = value;
  }
  return item;
}

bool batch_item(Item* out, const pxp_value* batch_output, size_t row) {
  int32_t kind = -1;
  pxp_value_kind_get(&kind, batch_output);
  if (kind == PXP_VALUE_LIST) {
    const pxp_value* element = nullptr;
    if (pxp_value_list_get(&element, batch_output, row) != PXP_OK) return false;
    *out = value_item(element);
    return true;
  }
  pxp_tensor_view t;
  if (kind != PXP_VALUE_TENSOR || pxp_value_tensor(&t, batch_output) != PXP_OK) return false;
  if (t.ndim < 1 || static_cast<int64_t>(row) >= t.shape[0]) return false;
  Item item;
  item.is_tensor = true;
  item.tensor.data = static_cast<const char*>(t.data) + static_cast<int64_t>(row) * t.strides[0];
  item.tensor.dtype = t.dtype;
  item.tensor.ndim = t.ndim - 1;
  for (int i = 1; i < t.ndim; ++i) {
    item.tensor.shape[i - 1] = t.shape[i];
    item.tensor.strides[i - 1] = t.strides[i];
  }
  *out = item;
  return true;
}

namespace {

std::string describe_tensor(const pxp_tensor_view& t) {
  std::string s = std::string(pxp_dtype_name(t.dtype)) + "[";
  for (int i = 0; i < t.ndim; ++i) s += (i ? "," : "") + std::to_string(t.shape[i]);
  return s + "]";
}

}  // namespace

std::string describe(const Item& item) { return item.is_tensor ? describe_tensor(item.tensor) : describe(item.value); }

std::string describe(const pxp_value* v) {
  int32_t kind = -1;
  pxp_value_kind_get(&kind, v);
  if (kind == PXP_VALUE_STRING) return "string";
  if (kind == PXP_VALUE_LIST) {
    size_t n = 0;
    pxp_value_list_length(&n, v);
    std::string s = "list[" + std::to_string(n) + "]";
    if (n > 0) {
      const pxp_value* first = nullptr;
      pxp_value_list_get(&first, v, 0);
      s += " of " + describe(first);
    }
    return s;
  }
  pxp_tensor_view t;
  if (pxp_value_tensor(&t, v) != PXP_OK) return "?";
  return describe_tensor(t);
}

std::string small_values(const Item& item) {
  if (!item.is_tensor) {
    int32_t kind = -1;
    pxp_value_kind_get(&kind, item.value);
    const char* s = nullptr;
    size_t n = 0;
    if (kind != PXP_VALUE_STRING || pxp_value_string(&s, &n, item.value) != PXP_OK || n > 64) return "";
    return " = \"" + std::string(s, n) + "\"";
  }
  const pxp_tensor_view& t = item.tensor;
  int64_t n = 1;
  for (int i = 0; i < t.ndim; ++i) n *= t.shape[i];
  if (n > 16 || t.ndim > 1) return "";
  std::string out = " =";
  for (int64_t k = 0; k < n; ++k) {
    const char* p = static_cast<const char*>(t.data) + (t.ndim ? k * t.strides[0] : 0);
    char buf[40];
    switch (t.dtype) {
      case PXP_DTYPE_U8: std::snprintf(buf, sizeof buf, " %u", unsigned(*reinterpret_cast<const uint8_t*>(p))); break;
      case PXP_DTYPE_I8: std::snprintf(buf, sizeof buf, " %d", int(*reinterpret_cast<const int8_t*>(p))); break;
      case PXP_DTYPE_U16: std::snprintf(buf, sizeof buf, " %u", unsigned(*reinterpret_cast<const uint16_t*>(p))); break;
      case PXP_DTYPE_I16: std::snprintf(buf, sizeof buf, " %d", int(*reinterpret_cast<const int16_t*>(p))); break;
      case PXP_DTYPE_I32: std::snprintf(buf, sizeof buf, " %d", int(*reinterpret_cast<const int32_t*>(p))); break;
      case PXP_DTYPE_I64:
        std::snprintf(buf, sizeof buf, " %lld", static_cast<long long>(*reinterpret_cast<const int64_t*>(p)));
        break;
      case PXP_DTYPE_F32: std::snprintf(buf, sizeof buf, " %.9g", double(*reinterpret_cast<const float*>(p))); break;
      case PXP_DTYPE_F64: std::snprintf(buf, sizeof buf, " %.17g", *reinterpret_cast<const double*>(p)); break;
      case PXP_DTYPE_BOOL: std::snprintf(buf, sizeof buf, " %s", *p ? "true" : "false"); break;
      default: return "";
    }
    out += buf;
  }
  return out;
}

}  // namespace pxp::tool
