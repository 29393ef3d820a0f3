// Run policy in one place: what a pipeline and a stream may be asked for, what they do when the
// caller does not say, and the checks. The C API translates its option structs to these (and
// pxp_*_options_init fills a struct from the defaults here), so no binding writes a default or a
// limit of its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "registry/schema.hpp"  // RunLimits: the limits an op's execution context enforces

namespace pxp {

constexpr size_t kMaxThreads = 1024;     // worker threads of one pipeline
constexpr uint32_t kMaxAttempts = 1024;  // replacements tried for one failing sample

// What a stream does with a failing sample (pxp_pipeline_options.on_error).
struct ErrorPolicy {
  enum class Mode { Raise, Skip, Fallback };
  Mode mode = Mode::Raise;
  uint32_t max_attempts = 16;    // skip: replacements tried before the error is raised, 1..kMaxAttempts
  uint64_t fallback_index = 0;   // fallback: the position computed instead
  uint64_t epoch_length = 0;     // replacements stay in the failing position's epoch (0: blocks of 2^32)
  uint64_t max_batch_bytes = 0;  // limit on one batch's output bytes (0: none)
};

struct PipelineOptions {
  uint64_t seed = 0;
  size_t threads = 0;  // 0: one per hardware thread
  ErrorPolicy errors;
  RunLimits limits;
};

// PXP_EINVALID_ARGUMENT naming the first option out of its range.
void check_threads(size_t threads);
void validate(const PipelineOptions& options);

struct StreamOptions {
  uint64_t start = 0;          // position of the first sample of global batch 0
  size_t batch_size = 1;       // samples per batch of this rank
  size_t prefetch = 2;         // batches computed ahead
  size_t rank = 0, world_size = 1;
  bool pad_varying = false;    // varying-shape outputs: padded tensor + lengths instead of a list
  std::optional<uint64_t> stop;  // end of the positions (exclusive); none: 2^64, the end of all positions
  bool drop_last = false;      // the global batch that the end cuts short is dropped (on every rank)
                               // instead of returned short
};

void validate(const StreamOptions& options);

// The geometry of a stream that ends (every stream does, at the latest at position 2^64): how many
// batches this rank returns, and how many samples batch `number` holds (batch_size, except for a
// last batch cut short by the end). Batch k of rank r starts at start + (k * world + r) * batch.
unsigned __int128 stream_batch_count(const StreamOptions& options);
size_t stream_batch_size(const StreamOptions& options, uint64_t number);

}  // namespace pxp
