#include "core/buffer_cache.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

namespace pxp {

namespace {

constexpr size_t kMaxEntries = 64;  // the lookup is linear: few, large buffers

size_t rounded(size_t bytes) { return (std::max<size_t>(bytes, 1) + 63) / 64 * 64; }

// 64-byte aligned memory from plain malloc, the block's start kept just before the aligned
// address. Not aligned_alloc: glibc serves it by carving a larger block (size + alignment) out of
// the heap, so a buffer freed and asked for again (run() returns an image, Python drops it, the
// next run() asks for the same size) never fits the hole it left: each call took fresh, cold
// memory further up the heap. malloc of the same size reuses the freed block, still in cache.
constexpr size_t kAlignment = 64;

void* system_allocate(size_t size) {
  if (size > SIZE_MAX - kAlignment - sizeof(void*)) return nullptr;
  void* block = std::malloc(size + kAlignment + sizeof(void*));
  if (!block) return nullptr;
  uintptr_t aligned = (reinterpret_cast<uintptr_t>(block) + sizeof(void*) + kAlignment - 1) & ~(kAlignment - 1);
  reinterpret_cast<void**>(aligned)[-1] = block;
  return reinterpret_cast<void*>(aligned);
}

void system_free(void* memory) {
  if (memory) std::free(reinterpret_cast<void**>(memory)[-1]);
}

struct ThreadBufferCache {
  size_t max_bytes = 0;
  size_t held_bytes = 0;
  std::vector<std::pair<size_t, void*>> entries;  // oldest first
  BufferCacheCounts counts;

  ~ThreadBufferCache();
};

// Plain flags (no destructor), still readable while the thread's other thread_locals are destroyed:
// a tensor freed after the cache went away is freed directly.
thread_local bool t_enabled = false;
thread_local bool t_destroyed = false;
thread_local ThreadBufferCache t_cache;

ThreadBufferCache::~ThreadBufferCache() {
  for (auto& entry : entries) system_free(entry.second);
  entries.clear();
  t_destroyed = true;
}

bool caching() { return t_enabled && !t_destroyed; }

}  // namespace

void enable_buffer_cache_on_this_thread(size_t max_bytes) {
  if (t_destroyed) return;
  t_enabled = true;
  t_cache.max_bytes = max_bytes;
}

void* allocate_buffer(size_t bytes) {
  size_t size = rounded(bytes);
  if (caching()) {
    auto& entries = t_cache.entries;
    // newest first: the buffer most likely still in the CPU's caches
    for (size_t k = entries.size(); k-- > 0;) {
      if (entries[k].first != size) continue;
      void* memory = entries[k].second;
      entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(k));
      t_cache.held_bytes -= size;
      ++t_cache.counts.reused;
      return memory;
    }
    ++t_cache.counts.allocated;
  }
  void* memory = system_allocate(size);
  if (!memory) throw std::bad_alloc();
  return memory;
}

void release_buffer(void* memory, size_t bytes) noexcept {
  if (!memory) return;
  size_t size = rounded(bytes);
  if (!caching() || size > t_cache.max_bytes) {
    system_free(memory);
    return;
  }
  auto& entries = t_cache.entries;
  // Make room by dropping the oldest: sizes that stopped coming back (a varying-size image)
  // must not keep the cache full forever.
  while (!entries.empty() && (entries.size() >= kMaxEntries || t_cache.held_bytes + size > t_cache.max_bytes)) {
    system_free(entries.front().second);
    t_cache.held_bytes -= entries.front().first;
    entries.erase(entries.begin());
  }
  try {
    entries.emplace_back(size, memory);
  } catch (...) {  // no memory for the bookkeeping: just free it
    system_free(memory);
    return;
  }
  t_cache.held_bytes += size;
}

BufferCacheCounts buffer_cache_counts_on_this_thread() { return caching() ? t_cache.counts : BufferCacheCounts{}; }

}  // namespace pxp
