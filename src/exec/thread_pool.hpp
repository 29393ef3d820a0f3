// A fixed pool of worker threads with a FIFO task queue. The destructor
// finishes the tasks already queued, then joins every thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pxp {

class ThreadPool {
 public:
  // threads == 0: one per hardware thread. on_start runs first on each worker (thread-local setup).
  // When the system refuses a thread, the threads already started are joined and the constructor
  // fails with PXP_ENOMEM naming how many threads were asked for.
  explicit ThreadPool(size_t threads, std::function<void(size_t worker)> on_start = nullptr);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  size_t size() const { return workers_.size(); }
  // Queues a task; it receives the index of the worker that runs it.
  void submit(std::function<void(size_t worker)> task);
  // Made before a fork() in this process: its workers do not exist here (see fork_generation.hpp).
  bool forked() const;

 private:
  void loop(size_t worker);
  void stop_and_join();

  std::vector<std::thread> workers_;
  std::deque<std::function<void(size_t)>> tasks_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::function<void(size_t)> on_start_;
  uint64_t generation_;
};

}  // namespace pxp
