// extern "C" shims for pixelpipes/callback.h.
#include "capi/guard.hpp"
#include "core/dtype.hpp"
#include "exec/item_callbacks.hpp"
#include "pixelpipes/pixelpipes.h"

using namespace pxp;
using capi::guard;
using capi::require;

extern "C" {

PXP_API pxp_status pxp_callback_register(const char* name, pxp_item_callback callback, void* user_data) {
  return guard([&] {
    require(name, "name");
    register_item_callback(name, callback, user_data);
  });
}

PXP_API pxp_status pxp_callback_unregister(const char* name) {
  return guard([&] {
    require(name, "name");
    unregister_item_callback(name);
  });
}

PXP_API pxp_status pxp_callback_result_tensor(void** out_data, pxp_callback_result* result, int32_t dtype,
                                              size_t ndim, const int64_t* shape) {
  return guard([&] {
    require(out_data, "out_data");
    require(result, "result");
    if (ndim > 0) require(shape, "shape");
    if (ndim >= static_cast<size_t>(kMaxDims))
      argument_error("a callback's result has at most " + std::to_string(kMaxDims - 1) + " dimensions, not " +
                     std::to_string(ndim));
    auto type = dtype_from_code(dtype);
    if (!type) argument_error("unknown dtype code " + std::to_string(dtype));
    Shape s(shape, shape + ndim);
    for (int64_t d : s)
      if (d < 0) argument_error("a callback's result cannot have a negative dimension");
    result->tensor = Tensor::empty(*type, s);
    result->has_tensor = true;
    *out_data = result->tensor.mutable_bytes();
  });
}

PXP_API pxp_status pxp_callback_result_error(pxp_callback_result* result, const char* message) {
  return guard([&] {
    require(result, "result");
    require(message, "message");
    result->error = message;
  });
}

}  // extern "C"
