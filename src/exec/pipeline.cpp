#include "exec/pipeline.hpp"

#include <condition_variable>
#include <exception>

#include <opencv2/core.hpp>

namespace pxp {

Pipeline::Pipeline(std::shared_ptr<const Program> program, uint64_t seed, size_t threads)
    : program_(std::move(program)), seed_(seed), threads_(threads), caller_(program_) {
  if (threads_ == 0) threads_ = std::max(1u, std::thread::hardware_concurrency());
}

Pipeline::~Pipeline() = default;  // the pool joins its workers before the interpreters go

Sample Pipeline::run(uint64_t index) { return Sample{index, caller_.run(seed_, index)}; }

void Pipeline::start_pool() {
  if (pool_) return;
  for (size_t w = 0; w < threads_; ++w) workers_.push_back(std::make_unique<Interpreter>(program_));
  // Parallelism is ours: OpenCV must not start its own threads inside a worker.
  pool_ = std::make_unique<ThreadPool>(threads_, [](size_t) { cv::setNumThreads(0); });
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
  size_t remaining = count;
  for (size_t k = 0; k < count; ++k) {
    pool_->submit([&, k](size_t worker) {
      try {
        out[k] = Sample{start + k, workers_[worker]->run(seed_, start + k)};
      } catch (...) {
        errors[k] = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mutex);
      if (--remaining == 0) done.notify_one();
    });
  }
  std::unique_lock<std::mutex> lock(mutex);
  done.wait(lock, [&] { return remaining == 0; });
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  return out;
}

}  // namespace pxp
