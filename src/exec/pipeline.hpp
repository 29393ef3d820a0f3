// Pipeline: a program, a seed and a pool of workers, each with its own
// Interpreter. Sample i is a pure function of (program, seed, i), so the
// split of samples over threads never changes a bit of the results.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "exec/interpreter.hpp"
#include "exec/run_options.hpp"
#include "exec/thread_pool.hpp"

namespace pxp {

struct Sample {
  uint64_t index = 0;
  std::vector<Value> outputs;
};

// The position tried instead of failing position `position` at attempt (1, 2, ...): a pure function
// of (seed, position, attempt), in the same epoch, never `position` itself (unless the epoch has one).
uint64_t replacement_position(uint64_t seed, uint64_t position, uint32_t attempt, uint64_t epoch_length);

// Failing samples of delivered batches, over every stream of a pipeline.
struct ErrorStats {
  uint64_t failed = 0, skipped = 0, fallbacks = 0, failed_attempts = 0;
  std::map<uint64_t, uint64_t> per_epoch;  // epoch -> samples replaced (skips and fallbacks)
};

class Pipeline {
 public:
  // Validated (run_options.hpp): PXP_EINVALID_ARGUMENT for an option out of its range.
  Pipeline(std::shared_ptr<const Program> program, const PipelineOptions& options);
  Pipeline(std::shared_ptr<const Program> program, uint64_t seed, size_t threads, RunLimits limits = RunLimits());
  ~Pipeline();

  const Program& program() const { return *program_; }
  uint64_t seed() const { return seed_; }
  size_t threads() const { return threads_; }

  // One sample on the calling thread.
  Sample run(uint64_t index);
  // count samples from start on the workers; rethrows the error of the lowest failing index.
  // Stops early with PXP_ESTATE "interrupted" once interrupt(true) is called (from any thread).
  std::vector<Sample> run_many(uint64_t start, size_t count);
  // Makes a run_many in progress stop after the samples in flight (true), or lets the next ones
  // run again (false). The one call that may come from another thread than the driving one.
  void interrupt(bool on) { interrupted_.store(on, std::memory_order_relaxed); }

  // Changes the number of workers (0: one per hardware thread). A pool already started is
  // replaced: its threads are joined first, so a pipeline never holds more than one pool.
  // Not while a stream runs on this pipeline (the caller's to ensure).
  void set_threads(size_t threads);  // PXP_EINVALID_ARGUMENT above kMaxThreads

  // For streams: queue a task on the workers, and the interpreter owned by a worker.
  void submit(std::function<void(size_t worker)> task);
  Interpreter& interpreter(size_t worker) { return *workers_[worker]; }

  const ErrorPolicy& error_policy() const { return policy_; }
  void set_error_policy(const ErrorPolicy& policy);  // validated like PipelineOptions::errors
  ErrorStats error_stats() const;
  // Called by a stream for each batch it hands out.
  void count_errors(const ErrorStats& batch);

  // Per-instruction profile over run, run_many and streams (driving thread only; the workers may
  // be running). The switch takes effect at each interpreter's next sample. profile() has one row
  // per instruction plus a last row for copying samples into batch buffers, counted since the
  // last reset_profile(): a reset keeps the totals as a baseline instead of clearing counters
  // that workers are writing.
  void set_profiling(bool on);
  bool profiling() const { return profiling_; }
  void reset_profile();
  std::vector<ProfileRow> profile() const;

 private:
  std::shared_ptr<const Program> program_;
  uint64_t seed_;
  size_t threads_;
  RunLimits limits_;
  Interpreter caller_;                                // for run() on the calling thread
  std::vector<std::unique_ptr<Interpreter>> workers_;  // one per worker thread
  std::unique_ptr<ThreadPool> pool_;                  // started on first use
  ErrorPolicy policy_;
  mutable std::mutex stats_mutex_;
  ErrorStats stats_;
  bool profiling_ = false;
  std::vector<ProfileRow> profile_baseline_;  // totals at the last reset_profile()
  std::vector<ProfileRow> retired_profile_;   // totals of the workers of pools since replaced
  std::atomic<bool> interrupted_{false};

  void start_pool();
  // Drops the pool and its interpreters: joined, or abandoned in a forked child (fork_generation.hpp).
  void drop_pool();
  std::vector<ProfileRow> profile_totals() const;
};

}  // namespace pxp
