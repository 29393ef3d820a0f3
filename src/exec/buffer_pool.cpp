#include "exec/buffer_pool.hpp"

#include <cstdlib>
#include <new>

namespace pxp {

namespace {
std::atomic<uint64_t> g_live_bytes{0};
void release(void* memory, size_t bytes) {
  std::free(memory);
  g_live_bytes.fetch_sub(bytes);
}
}  // namespace

uint64_t BufferPool::live_bytes() { return g_live_bytes.load(); }

BufferPool::~BufferPool() {
  for (auto& [bytes, memory] : free_) release(memory, bytes);
}

Tensor BufferPool::acquire(DType dtype, const Shape& shape) {
  int64_t numel = checked_numel(shape, dtype_size(dtype));
  size_t bytes = std::max<size_t>(static_cast<size_t>(numel) * dtype_size(dtype), 1);
  bytes = (bytes + 63) / 64 * 64;
  void* memory = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_.find(bytes);  // exact size: batches of one stream always ask for the same sizes
    if (it != free_.end()) {
      memory = it->second;
      free_.erase(it);
      reused_.fetch_add(1);
    }
  }
  if (!memory) {
    memory = std::aligned_alloc(64, bytes);
    if (!memory) throw std::bad_alloc();
    g_live_bytes.fetch_add(bytes);
    allocated_.fetch_add(1);
  }
  std::weak_ptr<BufferPool> pool = weak_from_this();
  std::shared_ptr<void> owner(memory, [pool, bytes](void* p) {
    if (auto alive = pool.lock()) alive->give_back(p, bytes);
    else release(p, bytes);
  });
  return Tensor::view(std::move(owner), static_cast<const uint8_t*>(memory), dtype, shape,
                      contiguous_strides(shape, dtype_size(dtype)));
}

void BufferPool::give_back(void* memory, size_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_.size() >= max_free_) {
    release(memory, bytes);
    return;
  }
  free_.emplace(bytes, memory);
}

}  // namespace pxp
