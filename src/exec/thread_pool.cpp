#include "exec/thread_pool.hpp"

namespace pxp {

ThreadPool::ThreadPool(size_t threads, std::function<void(size_t)> on_start) : on_start_(std::move(on_start)) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  workers_.reserve(threads);
  for (size_t w = 0; w < threads; ++w) workers_.emplace_back([this, w] { loop(w); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::submit(std::function<void(size_t)> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void ThreadPool::loop(size_t worker) {
  if (on_start_) on_start_(worker);
  for (;;) {
    std::function<void(size_t)> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping and drained
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task(worker);  // tasks catch their own errors: see Pipeline::run_many
  }
}

}  // namespace pxp
