// Option structs of the C ABI filled with the library's defaults, as a C caller makes them.
#pragma once

#include <cstdlib>

#include "pixelpipes/pixelpipes.h"

inline pxp_pipeline_options pipeline_options() {
  pxp_pipeline_options o;
  if (pxp_pipeline_options_init(&o, PXP_PIPELINE_OPTIONS_VERSION) != PXP_OK) std::abort();
  return o;
}

inline pxp_stream_options stream_options() {
  pxp_stream_options o;
  if (pxp_stream_options_init(&o, PXP_STREAM_OPTIONS_VERSION) != PXP_OK) std::abort();
  return o;
}
