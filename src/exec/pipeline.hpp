// Pipeline: a program, a seed and a pool of workers, each with its own
// Interpreter. Sample i is a pure function of (program, seed, i), so the
// split of samples over threads never changes a bit of the results.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "exec/interpreter.hpp"
#include "exec/thread_pool.hpp"

namespace pxp {

struct Sample {
  uint64_t index = 0;
  std::vector<Value> outputs;
};

class Pipeline {
 public:
  Pipeline(std::shared_ptr<const Program> program, uint64_t seed, size_t threads);
  ~Pipeline();

  const Program& program() const { return *program_; }
  uint64_t seed() const { return seed_; }

  // One sample on the calling thread.
  Sample run(uint64_t index);
  // count samples from start on the workers; rethrows the error of the lowest failing index.
  std::vector<Sample> run_many(uint64_t start, size_t count);

  // For streams: queue a task on the workers, and the interpreter owned by a worker.
  void submit(std::function<void(size_t worker)> task);
  Interpreter& interpreter(size_t worker) { return *workers_[worker]; }

 private:
  std::shared_ptr<const Program> program_;
  uint64_t seed_;
  size_t threads_;
  Interpreter caller_;                                // for run() on the calling thread
  std::vector<std::unique_ptr<Interpreter>> workers_;  // one per worker thread
  std::unique_ptr<ThreadPool> pool_;                  // started on first use

  void start_pool();
};

}  // namespace pxp
