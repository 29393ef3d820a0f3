// The structs behind the ABI's opaque handles.
#pragma once

#include <memory>

#include "exec/pipeline.hpp"
#include "exec/stream.hpp"
#include "pixelpipes/pixelpipes.h"

struct pxp_program {
  std::shared_ptr<const pxp::Program> program;
};

struct pxp_pipeline {
  std::unique_ptr<pxp::Pipeline> pipeline;
  std::unique_ptr<pxp::Stream> stream;
  ~pxp_pipeline() { pxp::Stream::destroy(stream); }  // before the pipeline it runs on
};

struct pxp_batch {
  std::shared_ptr<const pxp::Batch> batch;
};

// A pxp_value* is a pxp::Value* (borrowed from a sample or an enclosing list).
struct pxp_sample {
  pxp::Sample sample;
};

inline const pxp::Value* unwrap(const pxp_value* v) { return reinterpret_cast<const pxp::Value*>(v); }
inline const pxp_value* wrap(const pxp::Value* v) { return reinterpret_cast<const pxp_value*>(v); }
