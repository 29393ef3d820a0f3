#include "exec/run_options.hpp"

#include <algorithm>
#include <string>

#include "core/error.hpp"

namespace pxp {

namespace {
using u128 = unsigned __int128;
constexpr u128 kEndOfPositions = u128(1) << 64;

u128 end_of(const StreamOptions& o) { return o.stop ? u128(*o.stop) : kEndOfPositions; }
}  // namespace

void check_threads(size_t threads) {
  if (threads > kMaxThreads)
    argument_error("threads must be at most " + std::to_string(kMaxThreads) + " (0: one per core), got " +
                   std::to_string(threads));
}

void validate(const PipelineOptions& options) {
  check_threads(options.threads);
  if (options.errors.max_attempts < 1 || options.errors.max_attempts > kMaxAttempts)
    argument_error("max_attempts must be in [1, " + std::to_string(kMaxAttempts) + "], got " +
                   std::to_string(options.errors.max_attempts));
  if (options.limits.max_file_bytes == 0) argument_error("max_file_bytes must be at least 1");
}

void validate(const StreamOptions& options) {
  if (options.batch_size == 0) argument_error("batch size must be at least 1");
  if (options.batch_size > UINT32_MAX)
    argument_error("batch size must be below 2^32, got " + std::to_string(options.batch_size));
  if (options.prefetch == 0) argument_error("prefetch must be at least 1");
  if (options.world_size == 0 || options.rank >= options.world_size)
    argument_error("rank " + std::to_string(options.rank) + " is not below the world size " +
                   std::to_string(options.world_size));
  if (options.stop && *options.stop < options.start)
    argument_error("stop (" + std::to_string(*options.stop) + ") is before start (" + std::to_string(options.start) +
                   ")");
}

u128 stream_batch_count(const StreamOptions& o) {
  const u128 span = end_of(o) - o.start, batch = o.batch_size, offset = u128(o.rank) * batch;
  const u128 stride = u128(o.world_size) * batch;  // positions between a rank's consecutive batches
  // drop_last drops the whole global batch that the end cuts, so every rank has the same count
  if (o.drop_last) return span / stride;
  return span <= offset ? 0 : (span - offset - 1) / stride + 1;
}

size_t stream_batch_size(const StreamOptions& o, uint64_t number) {
  const u128 first = u128(o.start) + (u128(number) * o.world_size + o.rank) * o.batch_size;
  const u128 end = end_of(o);
  if (first >= end) return 0;
  return static_cast<size_t>(std::min<u128>(o.batch_size, end - first));
}

}  // namespace pxp
