// Stream: batches in order, computed ahead on the pipeline's workers.
// Batch k of rank r holds stream positions start + (k * world + r) * batch_size
// + [0, batch_size): the union of all ranks' batch k is global batch k of one
// process with batch_size * world samples. Each sample is a pure function of
// its position, so batches are the same bits for any thread count or prefetch.
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <map>
#include <memory>
#include <mutex>

#include "exec/buffer_pool.hpp"
#include "exec/pipeline.hpp"

namespace pxp {

struct Batch {
  uint64_t number = 0;          // k: the k-th batch of the stream
  uint64_t first_position = 0;  // stream position of its first sample
  size_t size = 0;
  std::vector<Value> outputs;   // per program output: stacked tensor, list, or padded tensor
  std::vector<Value> lengths;   // per output: i64 [size, ndim] for padded outputs, else empty
};

class Stream {
 public:
  Stream(Pipeline& pipeline, StreamOptions options);
  ~Stream();  // cancels work not yet started, waits for work in flight
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // The next batch in order; blocks until it is ready; null after the last batch (the stream's
  // end: run_options.hpp). Rethrows the batch's error (lowest failing sample) and moves on, so the
  // following call gives the next batch.
  std::shared_ptr<const Batch> next();
  // Batches this stream returns in all (saturated at 2^64 - 1).
  uint64_t batch_count() const { return batch_count_; }

  // Destroys a stream, or abandons it (leaks it) in a child of fork(), where waiting for its
  // workers would hang. Owners destroy streams through this.
  static void destroy(std::unique_ptr<Stream>& stream);
  // Started before a fork() in this process: next() fails with PXP_ESTATE.
  bool forked() const;

  const StreamOptions& options() const { return options_; }
  uint64_t buffers_allocated() const { return buffers_->allocated(); }
  uint64_t buffers_reused() const { return buffers_->reused(); }
  // Sample outputs that their op wrote straight into the batch buffer (no copy), for tests.
  uint64_t outputs_written_in_place() const { return in_place_.load(std::memory_order_relaxed); }

 private:
  struct Job;
  void schedule(uint64_t number);
  // A task on a worker: claims the job's samples until none is left; the last task finishes the batch.
  void run_samples(Job& job, size_t worker);
  void run_sample(Job& job, size_t slot, size_t worker);
  // The outputs of the sample at `position`, with the pipeline's error policy applied.
  // failed_attempts: set to the replacements that failed when the sample's error is thrown.
  std::vector<Value> compute(Job& job, uint64_t position, size_t worker, const std::vector<Tensor>* destinations,
                             uint32_t& failed_attempts);
  void finish(Job& job);
  void check_batchable_ranks() const;
  void cancel_and_wait(std::unique_lock<std::mutex>& lock);  // lock holds mutex_

  Pipeline& pipeline_;
  StreamOptions options_;
  uint64_t batch_count_;  // stream_batch_count(options_), saturated
  std::shared_ptr<BufferPool> buffers_;
  std::vector<bool> stacked_;  // per output: fixed shape known at load -> one contiguous buffer
  uint64_t stacked_bytes_ = 0; // bytes of one batch's stacked outputs
  bool any_varying_ = false;   // some output is not stacked
  std::vector<bool> writes_destination_;  // per output: stacked, and its op can write into the batch
  bool any_destination_ = false;
  std::atomic<uint64_t> in_place_{0};

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<uint64_t, std::shared_ptr<Job>> jobs_;
  uint64_t next_ = 0;       // next batch number to hand out
  uint64_t scheduled_ = 0;  // batches scheduled so far
  size_t tasks_in_flight_ = 0;
  std::atomic<bool> cancelled_{false};  // written under mutex_, read by workers without it
  uint64_t generation_;                 // fork_generation() at construction
};

}  // namespace pxp
