// extern "C" shims for pixelpipes/common.h.
#include "capi/guard.hpp"
#include "pixelpipes/pixelpipes.h"

namespace pxp::capi {

namespace {
struct LastError {
  pxp_status code = PXP_OK;
  std::string message, op, node, source, file;
  std::optional<uint64_t> sample;
  int64_t instruction = -1;
};
thread_local LastError t_last;
}  // namespace

void set_last_error(const Error& e) {
  t_last.code = e.code();
  t_last.message = e.full_message();
  t_last.sample = e.sample;
  t_last.instruction = e.instruction;
  t_last.op = e.op;
  t_last.node = e.node;
  t_last.source = e.source;
  t_last.file = e.file;
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

PXP_API pxp_status pxp_error_last(pxp_error_info* out) {
  if (!out) return PXP_EINVALID_ARGUMENT;  // not recorded: reading the error must not change it
  const auto& e = capi::t_last;
  out->code = e.code;
  out->message = e.message.c_str();
  // the struct's int64 field holds indices below 2^63; pxp_error_last_sample gives every index
  out->sample = e.sample && *e.sample < (uint64_t(1) << 63) ? static_cast<int64_t>(*e.sample) : -1;
  out->instruction = e.instruction;
  out->op = e.op.c_str();
  out->node = e.node.c_str();
  out->source = e.source.c_str();
  return PXP_OK;
}

PXP_API pxp_status pxp_error_last_sample(uint64_t* out) {
  if (!out) return PXP_EINVALID_ARGUMENT;  // not recorded: reading the error must not change it
  if (!capi::t_last.sample) return PXP_NOT_FOUND;
  *out = *capi::t_last.sample;
  return PXP_OK;
}

PXP_API const char* pxp_error_last_file(void) { return capi::t_last.file.c_str(); }

PXP_API void pxp_error_clear(void) { capi::t_last = capi::LastError(); }

}  // extern "C"
