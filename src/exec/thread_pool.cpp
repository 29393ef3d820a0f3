#include "exec/thread_pool.hpp"

#include <system_error>

#include "core/error.hpp"
#include "exec/fork_generation.hpp"

namespace pxp {

ThreadPool::ThreadPool(size_t threads, std::function<void(size_t)> on_start)
    : on_start_(std::move(on_start)), generation_(fork_generation()) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // A constructor that throws runs no destructor: the threads started so far must be stopped
  // here, or they would wait on members that are about to be freed.
  try {
    workers_.reserve(threads);
    for (size_t w = 0; w < threads; ++w) workers_.emplace_back([this, w] { loop(w); });
  } catch (const std::system_error& e) {
    size_t started = workers_.size();
    stop_and_join();
    fail(PXP_ENOMEM, "the system refused to start worker thread " + std::to_string(started + 1) + " of " +
                         std::to_string(threads) + " (" + e.what() +
                         "): ask for fewer threads or raise the process's thread or memory limit");
  } catch (...) {
    stop_and_join();
    throw;
  }
}

ThreadPool::~ThreadPool() { stop_and_join(); }

void ThreadPool::stop_and_join() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

bool ThreadPool::forked() const { return generation_ != fork_generation(); }

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
