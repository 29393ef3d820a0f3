// extern "C" shims for the pxp_*_options_init functions, and the struct translation behind them.
#include "capi/run_options.hpp"

#include <string>

#include "capi/guard.hpp"

namespace pxp::capi {

namespace {
void check_version(uint32_t version, uint32_t newest, const char* type) {
  if (version == 0 || version > newest)
    argument_error(std::string(type) + ".version is " + std::to_string(version) + "; this library knows versions 1.." +
                   std::to_string(newest));
}

ErrorPolicy::Mode mode_of(uint32_t on_error) {
  switch (on_error) {
    case PXP_ON_ERROR_RAISE: return ErrorPolicy::Mode::Raise;
    case PXP_ON_ERROR_SKIP: return ErrorPolicy::Mode::Skip;
    case PXP_ON_ERROR_FALLBACK: return ErrorPolicy::Mode::Fallback;
  }
  argument_error("on_error must be PXP_ON_ERROR_RAISE (0), PXP_ON_ERROR_SKIP (1) or PXP_ON_ERROR_FALLBACK (2), got " +
                 std::to_string(on_error));
}

uint32_t abi_mode(ErrorPolicy::Mode mode) {
  switch (mode) {
    case ErrorPolicy::Mode::Skip: return PXP_ON_ERROR_SKIP;
    case ErrorPolicy::Mode::Fallback: return PXP_ON_ERROR_FALLBACK;
    case ErrorPolicy::Mode::Raise: break;
  }
  return PXP_ON_ERROR_RAISE;
}
}  // namespace

// A version-1 caller's struct ends after threads, a version-2 one after max_batch_bytes: only the
// fields its version has are read. A zero max_attempts or max_file_bytes is the C spelling of "the
// default" (a zero-filled struct keeps working).
PipelineOptions from_abi(const pxp_pipeline_options* options) {
  PipelineOptions o;
  if (!options) return o;
  check_version(options->version, PXP_PIPELINE_OPTIONS_VERSION, "pxp_pipeline_options");
  o.seed = options->seed;
  o.threads = options->threads;
  if (options->version >= 2) {
    o.errors.mode = mode_of(options->on_error);
    if (options->max_attempts) o.errors.max_attempts = options->max_attempts;
    o.errors.fallback_index = options->fallback_index;
    o.errors.epoch_length = options->epoch_length;
    o.errors.max_batch_bytes = options->max_batch_bytes;
  }
  if (options->version >= 3 && options->max_file_bytes) o.limits.max_file_bytes = options->max_file_bytes;
  return o;
}

StreamOptions from_abi(const pxp_stream_options& options) {
  check_version(options.version, PXP_STREAM_OPTIONS_VERSION, "pxp_stream_options");
  StreamOptions o;
  o.start = options.start;
  o.batch_size = options.batch_size;
  o.prefetch = options.prefetch;
  o.rank = options.rank;
  o.world_size = options.world_size;
  o.pad_varying = options.pad_varying != 0;
  if (options.version >= 2) {
    if (options.has_stop) o.stop = options.stop;
    o.drop_last = options.drop_last != 0;
  }
  return o;
}

}  // namespace pxp::capi

using namespace pxp;
using capi::guard;
using capi::require;

extern "C" {

PXP_API pxp_status pxp_pipeline_options_init(pxp_pipeline_options* options, uint32_t version) {
  return guard([&] {
    require(options, "options");
    capi::check_version(version, PXP_PIPELINE_OPTIONS_VERSION, "pxp_pipeline_options");
    const PipelineOptions d;
    options->version = version;
    options->seed = d.seed;
    options->threads = static_cast<uint32_t>(d.threads);
    if (version >= 2) {
      options->on_error = capi::abi_mode(d.errors.mode);
      options->max_attempts = d.errors.max_attempts;
      options->fallback_index = d.errors.fallback_index;
      options->epoch_length = d.errors.epoch_length;
      options->max_batch_bytes = d.errors.max_batch_bytes;
    }
    if (version >= 3) options->max_file_bytes = d.limits.max_file_bytes;
  });
}

PXP_API pxp_status pxp_stream_options_init(pxp_stream_options* options, uint32_t version) {
  return guard([&] {
    require(options, "options");
    capi::check_version(version, PXP_STREAM_OPTIONS_VERSION, "pxp_stream_options");
    const StreamOptions d;
    options->version = version;
    options->start = d.start;
    options->batch_size = static_cast<uint32_t>(d.batch_size);
    options->prefetch = static_cast<uint32_t>(d.prefetch);
    options->rank = static_cast<uint32_t>(d.rank);
    options->world_size = static_cast<uint32_t>(d.world_size);
    options->pad_varying = d.pad_varying;
    if (version >= 2) {
      options->has_stop = d.stop.has_value();
      options->stop = d.stop.value_or(0);
      options->drop_last = d.drop_last;
    }
  });
}

}  // extern "C"
