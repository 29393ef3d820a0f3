// extern "C" shims for pixelpipes/value.h.
#include "capi/guard.hpp"
#include "pixelpipes/pixelpipes.h"
#include "capi/handles.hpp"

using namespace pxp;
using capi::guard;
using capi::require;

extern "C" {

PXP_API const char* pxp_dtype_name(int32_t dtype) {
  auto t = dtype_from_code(dtype);
  return t ? pxp::dtype_name(*t) : "?";
}

PXP_API size_t pxp_dtype_size(int32_t dtype) {
  auto t = dtype_from_code(dtype);
  return t ? pxp::dtype_size(*t) : 0;
}

PXP_API pxp_status pxp_value_kind_get(int32_t* out, const pxp_value* value) {
  return guard([&] {
    require(out, "out");
    require(value, "value");
    switch (unwrap(value)->kind()) {
      case ValueKind::Tensor: *out = PXP_VALUE_TENSOR; break;
      case ValueKind::String: *out = PXP_VALUE_STRING; break;
      case ValueKind::List: *out = PXP_VALUE_LIST; break;
      case ValueKind::None: fail(PXP_ESTATE, "the value is empty");
    }
  });
}

PXP_API pxp_status pxp_value_tensor(pxp_tensor_view* out, const pxp_value* value) {
  return guard([&] {
    require(out, "out");
    require(value, "value");
    const Tensor& t = unwrap(value)->tensor();
    if (t.ndim() > PXP_MAX_DIMS) fail(PXP_EINTERNAL, "tensor has more than PXP_MAX_DIMS dimensions");
    out->data = t.bytes();
    out->dtype = static_cast<int32_t>(t.dtype());
    out->ndim = t.ndim();
    for (int i = 0; i < PXP_MAX_DIMS; ++i) {
      out->shape[i] = i < t.ndim() ? t.shape()[static_cast<size_t>(i)] : 0;
      out->strides[i] = i < t.ndim() ? t.strides()[static_cast<size_t>(i)] : 0;
    }
  });
}

PXP_API pxp_status pxp_value_string(const char** out, size_t* out_size, const pxp_value* value) {
  return guard([&] {
    require(out, "out");
    require(out_size, "out_size");
    require(value, "value");
    const std::string& s = unwrap(value)->string();
    *out = s.data();
    *out_size = s.size();
  });
}

PXP_API pxp_status pxp_value_list_length(size_t* out, const pxp_value* value) {
  return guard([&] {
    require(out, "out");
    require(value, "value");
    *out = unwrap(value)->list().size();
  });
}

PXP_API pxp_status pxp_value_list_get(const pxp_value** out, const pxp_value* value, size_t index) {
  return guard([&] {
    require(out, "out");
    require(value, "value");
    const List& l = unwrap(value)->list();
    if (index >= l.size())
      range_error("list index " + std::to_string(index) + " is out of range for a list of " +
                  std::to_string(l.size()));
    *out = wrap(&l[index]);
  });
}

}  // extern "C"
