// The callbacks that io.callback ops call for items the host program computes (the Python escape
// hatch; C ABI in pixelpipes/callback.h). One registry per process, by name.
#pragma once

#include <cstdint>
#include <string>

#include "core/tensor.hpp"
#include "pixelpipes/callback.h"

// The result a callback fills (the ABI's opaque pxp_callback_result).
struct pxp_callback_result {
  pxp::Tensor tensor;
  bool has_tensor = false;
  std::string error;
};

namespace pxp {

void register_item_callback(const std::string& name, pxp_item_callback callback, void* user_data);
void unregister_item_callback(const std::string& name);

// Calls the callback `name` for item `index` and returns its tensor. PXP_ESTATE when no callback
// has that name; PXP_EIO naming the callback and the item when it fails or returns no tensor.
Tensor call_item_callback(const std::string& name, int64_t index);

}  // namespace pxp
