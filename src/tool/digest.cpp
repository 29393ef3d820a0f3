// FNV-1a digest of sample outputs (see digest.hpp).
#include "digest.hpp"

#include <vector>

namespace pxp::tool {

void Digest::mix(const void* data, size_t size) {
  const unsigned char* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) hash_ = (hash_ ^ p[i]) * 1099511628211ull;
}

void Digest::tensor_body(const pxp_tensor_view& t) {
  mix(&t.dtype, sizeof t.dtype);
  mix(t.shape, sizeof(int64_t) * static_cast<size_t>(t.ndim));
  const size_t elem = pxp_dtype_size(t.dtype);
  int64_t count = 1;
  for (int i = 0; i < t.ndim; ++i) count *= t.shape[i];
  std::vector<int64_t> index(static_cast<size_t>(t.ndim), 0);
  for (int64_t k = 0; k < count; ++k) {
    int64_t offset = 0;
    for (int i = 0; i < t.ndim; ++i) offset += index[static_cast<size_t>(i)] * t.strides[i];
    mix(static_cast<const char*>(t.data) + offset, elem);
    for (int i = t.ndim - 1; i >= 0; --i) {
      if (++index[static_cast<size_t>(i)] < t.shape[i]) break;
      index[static_cast<size_t>(i)] = 0;
    }
  }
}

void Digest::add(const pxp_tensor_view& tensor) {
  int32_t kind = PXP_VALUE_TENSOR;
  mix(&kind, sizeof kind);
  tensor_body(tensor);
}

void Digest::add(const pxp_value* v) {
  int32_t kind = 0;
  pxp_value_kind_get(&kind, v);
  if (kind == PXP_VALUE_TENSOR) {
    pxp_tensor_view t;
    pxp_value_tensor(&t, v);
    add(t);
    return;
  }
  mix(&kind, sizeof kind);
  if (kind == PXP_VALUE_STRING) {
    const char* s = nullptr;
    size_t n = 0;
    pxp_value_string(&s, &n, v);
    mix(s, n);
  } else if (kind == PXP_VALUE_LIST) {
    size_t n = 0;
    pxp_value_list_length(&n, v);
    mix(&n, sizeof n);
    for (size_t i = 0; i < n; ++i) {
      const pxp_value* e = nullptr;
      pxp_value_list_get(&e, v, i);
      add(e);
    }
  }
}

}  // namespace pxp::tool
