// Translation of the ABI's option structs to exec's run options (exec/run_options.hpp), both
// ways. Fields that a caller's version of a struct does not have keep exec's defaults; checking
// the values is exec's.
#pragma once

#include "exec/run_options.hpp"
#include "pixelpipes/pixelpipes.h"

namespace pxp::capi {

PipelineOptions from_abi(const pxp_pipeline_options* options);  // NULL: the defaults
StreamOptions from_abi(const pxp_stream_options& options);

}  // namespace pxp::capi
