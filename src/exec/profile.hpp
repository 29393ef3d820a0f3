// Per-instruction profile: how many times each instruction ran and for how long (steady clock).
//
// Each Interpreter owns one ProfileCounters and is the only thread that writes it; the pipeline's
// driving thread sums the counters of all its interpreters while the workers may still be running.
// Why relaxed atomics rather than a lock or collecting at batch boundaries: a writer then costs two
// plain loads and stores per instruction (single writer: no read-modify-write, no locked
// instruction), a reader needs no cooperation from the workers (run, run_many and streams are all
// covered the same way), and ThreadSanitizer sees no race. A reader may see an instruction's count
// a moment before its time; counters only grow, so a sum read later is never smaller.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace pxp {

struct ProfileRow {
  uint64_t count = 0;
  uint64_t nanoseconds = 0;
};

inline uint64_t profile_clock_ns() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

class ProfileCounters {
 public:
  explicit ProfileCounters(size_t rows) : rows_(rows), counters_(new Counter[rows]) {}

  size_t size() const { return rows_; }

  // Owning thread only.
  void add(size_t row, uint64_t nanoseconds) {
    Counter& c = counters_[row];
    c.count.store(c.count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    c.nanoseconds.store(c.nanoseconds.load(std::memory_order_relaxed) + nanoseconds, std::memory_order_relaxed);
  }

  // Any thread, any time: adds these counters to totals (which has at least size() rows).
  void add_to(std::vector<ProfileRow>& totals) const {
    for (size_t r = 0; r < rows_; ++r) {
      totals[r].count += counters_[r].count.load(std::memory_order_relaxed);
      totals[r].nanoseconds += counters_[r].nanoseconds.load(std::memory_order_relaxed);
    }
  }

 private:
  struct Counter {
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> nanoseconds{0};
  };
  size_t rows_;
  std::unique_ptr<Counter[]> counters_;
};

}  // namespace pxp
