// Buffer cache: a worker thread's freed tensor buffers, kept for its next samples.
//
// A fixed-size pipeline asks for the same buffer sizes for every sample (a decoded crop, its
// flipped copy, the normalized output ...). malloc serves blocks of that size (hundreds of KiB)
// from arenas that it trims and grows again, so each sample pays page faults to zero fresh
// pages. A worker keeps the buffers it frees, by exact size, and hands them out again: in steady
// state a sample allocates no new pixel memory.
//
// Only threads that opt in (the pipeline's workers) cache; elsewhere these calls are plain
// 64-byte aligned malloc and free. A buffer may be released on any thread: it goes to that thread's cache.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pxp {

// Bytes one worker keeps at most. Several samples' worth of 224 x 224 crops, or one 4K frame.
constexpr size_t kWorkerBufferCacheBytes = size_t(48) << 20;

// Turns caching on for the calling thread (until it exits), keeping at most max_bytes.
void enable_buffer_cache_on_this_thread(size_t max_bytes = kWorkerBufferCacheBytes);

// Memory for `bytes` (rounded up to 64) aligned to 64 bytes; std::bad_alloc on failure.
void* allocate_buffer(size_t bytes);
// Gives back memory from allocate_buffer with the same `bytes`.
void release_buffer(void* memory, size_t bytes) noexcept;

// For tests: buffers served from the calling thread's cache, and fresh ones, so far.
struct BufferCacheCounts {
  uint64_t reused = 0, allocated = 0;
};
BufferCacheCounts buffer_cache_counts_on_this_thread();

}  // namespace pxp
