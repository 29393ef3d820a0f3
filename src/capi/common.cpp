// extern "C" shims for pixelpipes/common.h.
#include "capi/guard.hpp"
#include "pixelpipes/pixelpipes.h"

namespace pxp::capi {

namespace {
// The strings, and the ABI struct that points into them (kept in step by set_last_error).
struct LastError {
  std::string message, op, node, source, file;
  pxp_error view{PXP_OK, "", 0, 0, -1, "", "", "", ""};
};
thread_local LastError t_last;
}  // namespace

// The view points into t_last's own strings, so it is set once they are in place; recording
// must not throw (it runs in guard's handlers): short of memory, the code is kept with a fixed text.
void set_last_error(const Error& e) {
  LastError next;
  bool complete = true;
  try {
    next.message = e.full_message();
    next.op = e.op;
    next.node = e.node;
    next.source = e.source;
    next.file = e.file;
  } catch (...) {
    next = LastError();  // empty strings need no allocation
    complete = false;
  }
  t_last = std::move(next);
  pxp_error& v = t_last.view;
  v.code = e.code();
  v.message = complete ? t_last.message.c_str() : "(out of memory while recording this error's message)";
  v.has_sample = e.sample.has_value();
  v.sample = e.sample.value_or(0);
  v.instruction = e.instruction;
  v.op = t_last.op.c_str();
  v.node = t_last.node.c_str();
  v.source = t_last.source.c_str();
  v.file = t_last.file.c_str();
}

void set_last_error(pxp_status code, const std::string& message) { set_last_error(Error(code, message)); }

}  // namespace pxp::capi

using namespace pxp;

extern "C" {

PXP_API const char* pxp_status_name(pxp_status status) {
  switch (status) {
    case PXP_OK: return "PXP_OK";
    case PXP_END_OF_STREAM: return "PXP_END_OF_STREAM";
    case PXP_NOT_FOUND: return "PXP_NOT_FOUND";
    case PXP_EINVALID_ARGUMENT: return "PXP_EINVALID_ARGUMENT";
    case PXP_EINVALID_PROGRAM: return "PXP_EINVALID_PROGRAM";
    case PXP_EUNSUPPORTED_VERSION: return "PXP_EUNSUPPORTED_VERSION";
    case PXP_EUNKNOWN_OP: return "PXP_EUNKNOWN_OP";
    case PXP_ETYPE: return "PXP_ETYPE";
    case PXP_EIO: return "PXP_EIO";
    case PXP_EDECODE: return "PXP_EDECODE";
    case PXP_ENOMEM: return "PXP_ENOMEM";
    case PXP_ESTATE: return "PXP_ESTATE";
    case PXP_EOUT_OF_RANGE: return "PXP_EOUT_OF_RANGE";
    case PXP_EINTERNAL: return "PXP_EINTERNAL";
    default: return "PXP_UNKNOWN_STATUS";
  }
}

PXP_API const char* pxp_version(void) { return PIXELPIPES_VERSION_STRING; }

PXP_API int32_t pxp_version_number(void) {
  return PXP_VERSION_MAJOR * 10000 + PXP_VERSION_MINOR * 100 + PXP_VERSION_PATCH;
}

PXP_API const pxp_error* pxp_error_last(void) {
  return &capi::t_last.view;
}

PXP_API void pxp_error_clear(void) { capi::t_last = capi::LastError(); }

}  // extern "C"
