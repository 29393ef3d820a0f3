// extern "C" shims for pixelpipes/registry.h.
#include "capi/guard.hpp"
#include "pixelpipes/pixelpipes.h"
#include "registry/registry.hpp"

using namespace pxp;
using capi::guard;
using capi::require;

extern "C" {

PXP_API pxp_status pxp_registry_count(size_t* out) {
  return guard([&] {
    require(out, "out");
    *out = Registry::global().size();
  });
}

PXP_API pxp_status pxp_registry_name(const char** out, size_t index) {
  return guard([&] {
    require(out, "out");
    const auto& names = Registry::global().names();
    if (index >= names.size())
      range_error("op index " + std::to_string(index) + " is out of range: " + std::to_string(names.size()) + " ops");
    *out = names[index].c_str();
  });
}

PXP_API pxp_status pxp_registry_schema(const char** out, const char* op_name) {
  return guard([&] {
    require(out, "out");
    require(op_name, "op_name");
    const std::string* json = Registry::global().schema_json(op_name);
    if (!json) fail(PXP_EUNKNOWN_OP, std::string("unknown op '") + op_name + "'");
    *out = json->c_str();
  });
}

}  // extern "C"
