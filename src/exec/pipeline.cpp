#include "exec/pipeline.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include <opencv2/core.hpp>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "core/buffer_cache.hpp"
#include "core/rng.hpp"

namespace pxp {

namespace {
// OpenCV's thread count is one setting of the whole process, not of the calling thread, and
// setting it is not thread-safe (with the TBB backend it rebuilds a global arena). Parallelism is
// ours, so it is set to 0 (OpenCV's parallel loops run serially) once, on the thread that makes
// the first pipeline, before any worker exists: never by workers racing each other. At the first
// pipeline, not its first pool, so that run() on the calling thread is one thread too (it ran
// OpenCV's loops on every core until some pipeline had started workers).
void turn_off_opencv_threads() {
  static std::once_flag once;
  std::call_once(once, [] { cv::setNumThreads(0); });
}
}  // namespace

Pipeline::Pipeline(std::shared_ptr<const Program> program, const PipelineOptions& options)
    : program_(std::move(program)), seed_(options.seed), threads_(options.threads), limits_(options.limits),
      caller_(program_, options.limits), policy_(options.errors) {
  validate(options);
  if (threads_ == 0) threads_ = std::max(1u, std::thread::hardware_concurrency());
  turn_off_opencv_threads();
}

Pipeline::Pipeline(std::shared_ptr<const Program> program, uint64_t seed, size_t threads, RunLimits limits)
    : Pipeline(std::move(program), PipelineOptions{seed, threads, ErrorPolicy(), limits}) {}

void Pipeline::set_error_policy(const ErrorPolicy& policy) {
  PipelineOptions options;
  options.errors = policy;
  validate(options);
  policy_ = policy;
}

Pipeline::~Pipeline() {
  drop_pool();  // joins the workers (the tasks they still hold finish first), then their interpreters go
#ifdef __GLIBC__
  // The workers' malloc arenas keep the memory of their samples and of freed batch buffers; give it
  // back to the system now that they are gone (a process that opens and closes many streams would
  // otherwise hold the high-water mark of all of them). Cheap next to joining threads.
  malloc_trim(0);
#endif
}

uint64_t replacement_position(uint64_t seed, uint64_t position, uint32_t attempt, uint64_t epoch_length) {
  using u128 = unsigned __int128;
  uint64_t length = epoch_length ? epoch_length : uint64_t(1) << 32;
  uint64_t base = position - position % length;
  // the last epoch may be cut short by the end of the position space
  u128 span = std::min<u128>(length, (u128(1) << 64) - base);
  if (span <= 1) return position;
  uint64_t h = mix64(mix64(seed ^ 0x5eedc0de5eedc0deULL) ^ mix64(position + 0x9e3779b97f4a7c15ULL) ^
                     mix64(uint64_t(attempt) * 0xd1b54a32d192ed03ULL));
  // one of the other span - 1 positions of the epoch (modulo bias below 2^-32 for real sizes)
  u128 offset = 1 + u128(h) % (span - 1);
  return static_cast<uint64_t>(base + (u128(position - base) + offset) % span);
}

ErrorStats Pipeline::error_stats() const {
  std::lock_guard<std::mutex> lock(stats_mutex_);
  return stats_;
}

void Pipeline::count_errors(const ErrorStats& batch) {
  if (!batch.failed && !batch.failed_attempts) return;
  std::lock_guard<std::mutex> lock(stats_mutex_);
  stats_.failed += batch.failed;
  stats_.skipped += batch.skipped;
  stats_.fallbacks += batch.fallbacks;
  stats_.failed_attempts += batch.failed_attempts;
  for (const auto& [epoch, count] : batch.per_epoch) stats_.per_epoch[epoch] += count;
}  // the pool joins its workers before the interpreters go

Sample Pipeline::run(uint64_t index) { return Sample{index, caller_.run(seed_, index)}; }

void Pipeline::set_profiling(bool on) {
  profiling_ = on;
  caller_.set_profiling(on);
  for (auto& w : workers_) w->set_profiling(on);
}

std::vector<ProfileRow> Pipeline::profile_totals() const {
  std::vector<ProfileRow> totals(caller_.profile().size());
  caller_.profile().add_to(totals);
  for (size_t r = 0; r < retired_profile_.size() && r < totals.size(); ++r) {
    totals[r].count += retired_profile_[r].count;
    totals[r].nanoseconds += retired_profile_[r].nanoseconds;
  }
  for (const auto& w : workers_) w->profile().add_to(totals);
  return totals;
}

void Pipeline::reset_profile() { profile_baseline_ = profile_totals(); }

std::vector<ProfileRow> Pipeline::profile() const {
  std::vector<ProfileRow> rows = profile_totals();
  if (!profile_baseline_.empty())
    for (size_t r = 0; r < rows.size(); ++r) {
      rows[r].count -= profile_baseline_[r].count;
      rows[r].nanoseconds -= profile_baseline_[r].nanoseconds;
    }
  return rows;
}


void Pipeline::start_pool() {
  if (pool_ && !pool_->forked()) return;
  if (pool_) drop_pool();  // made before a fork(): its threads are not in this process
  // Built aside and committed together, so a failure (no memory, no thread) leaves no half pool.
  std::vector<std::unique_ptr<Interpreter>> interpreters;
  for (size_t w = 0; w < threads_; ++w) {
    interpreters.push_back(std::make_unique<Interpreter>(program_, limits_));
    interpreters.back()->set_profiling(profiling_);
  }
  // Each worker keeps the pixel buffers its samples free for the next ones (core/buffer_cache.hpp).
  auto pool = std::make_unique<ThreadPool>(threads_, [](size_t) { enable_buffer_cache_on_this_thread(); });
  workers_ = std::move(interpreters);
  pool_ = std::move(pool);
}

void Pipeline::drop_pool() {
  if (pool_ && pool_->forked()) {
    // The parent's workers may have held the pool's mutex or been mid-sample in an interpreter:
    // joining or destroying either could hang, so both are left behind (a child pays this once).
    (void)pool_.release();
    for (auto& w : workers_) (void)w.release();
  }
  if (!workers_.empty()) {
    if (retired_profile_.empty()) retired_profile_.resize(caller_.profile().size());
    for (const auto& w : workers_)
      if (w) w->profile().add_to(retired_profile_);
  }
  pool_.reset();
  workers_.clear();
}

void Pipeline::set_threads(size_t threads) {
  check_threads(threads);
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  if (threads == threads_) return;
  drop_pool();
  threads_ = threads;
}

void Pipeline::submit(std::function<void(size_t)> task) {
  start_pool();
  pool_->submit(std::move(task));
}

std::vector<Sample> Pipeline::run_many(uint64_t start, size_t count) {
  start_pool();
  std::vector<Sample> out(count);
  std::vector<std::exception_ptr> errors(count);
  std::mutex mutex;
  std::condition_variable done;
  // One task per worker claiming samples in turn: cheaper than a queued task per sample.
  std::atomic<size_t> next{0}, computed{0};
  size_t tasks = std::min(threads_, count);
  size_t remaining = 0;  // tasks queued and not yet ended (mutex)
  std::exception_ptr submit_error;
  for (size_t t = 0; t < tasks; ++t) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++remaining;
    }
    try {
      pool_->submit([&](size_t worker) {
        for (size_t k; !interrupted_.load(std::memory_order_relaxed) &&
                       (k = next.fetch_add(1, std::memory_order_relaxed)) < count;) {
          try {
            out[k] = Sample{start + k, workers_[worker]->run(seed_, start + k)};
          } catch (...) {
            errors[k] = std::current_exception();
          }
          computed.fetch_add(1, std::memory_order_relaxed);
        }
        std::lock_guard<std::mutex> lock(mutex);
        if (--remaining == 0) done.notify_one();
      });
    } catch (...) {
      // The tasks queued so far reference this frame: they must end before it goes. They claim
      // every sample between them, so one queued task is enough to go on.
      std::lock_guard<std::mutex> lock(mutex);
      --remaining;
      if (t == 0) submit_error = std::current_exception();
      break;
    }
  }
  std::unique_lock<std::mutex> lock(mutex);
  done.wait(lock, [&] { return remaining == 0; });
  if (submit_error) std::rethrow_exception(submit_error);
  if (computed.load() < count)
    fail(PXP_ESTATE, "run_many was interrupted");
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  return out;
}

}  // namespace pxp
