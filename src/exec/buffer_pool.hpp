// BufferPool: batch buffers are recycled once every view of a batch is gone,
// so a stream in steady state allocates no new batch memory. Buffers that come
// back after the pool is gone are simply freed.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "core/tensor.hpp"

namespace pxp {

class BufferPool : public std::enable_shared_from_this<BufferPool> {
 public:
  // Keeps at most max_free idle buffers (the rest are freed on return).
  explicit BufferPool(size_t max_free = 64) : max_free_(max_free) {}
  ~BufferPool();

  // A contiguous tensor whose memory comes from the pool (contents unspecified).
  Tensor acquire(DType dtype, const Shape& shape);

  uint64_t allocated() const { return allocated_.load(); }
  uint64_t reused() const { return reused_.load(); }
  // Bytes of batch buffers allocated by every pool of the process and not yet freed (in use or
  // idle in a pool): shutdown tests check that it comes back to where it was.
  static uint64_t live_bytes();

 private:
  void give_back(void* memory, size_t bytes);

  std::mutex mutex_;
  std::multimap<size_t, void*> free_;
  size_t max_free_;
  std::atomic<uint64_t> allocated_{0}, reused_{0};
};

}  // namespace pxp
