#include "exec/fork_generation.hpp"

#include <pthread.h>

#include <atomic>
#include <mutex>

namespace pxp {

namespace {
std::atomic<uint64_t> g_generation{0};
void on_fork_child() { g_generation.fetch_add(1, std::memory_order_relaxed); }
}  // namespace

uint64_t fork_generation() {
  // Registered by the first owner, so before any fork that could orphan its threads.
  static std::once_flag registered;
  std::call_once(registered, [] { pthread_atfork(nullptr, nullptr, on_fork_child); });
  return g_generation.load(std::memory_order_relaxed);
}

}  // namespace pxp
