#include "kernels/permutation.hpp"

#include "core/rng.hpp"

namespace pxp::kernels {

namespace {
constexpr int kRounds = 6;  // enough rounds for a well-mixed order; the cost is a few hashes

uint64_t feistel(uint64_t x, int half_bits, uint64_t key) {
  uint64_t mask = (uint64_t(1) << half_bits) - 1;
  uint64_t left = x >> half_bits, right = x & mask;
  for (int round = 0; round < kRounds; ++round) {
    uint64_t f = mix64(key ^ (right * 0x9E3779B97F4A7C15ull) ^ static_cast<uint64_t>(round)) & mask;
    uint64_t next = left ^ f;
    left = right;
    right = next;
  }
  return (left << half_bits) | right;
}
}  // namespace

uint64_t permute_index(uint64_t x, uint64_t n, uint64_t key) {
  if (n <= 1) return 0;
  int bits = 0;
  while (bits < 64 && (uint64_t(1) << bits) < n) ++bits;
  int half = (bits + 1) / 2;
  if (half < 1) half = 1;
  // The Feistel domain is at most 4n, so cycle walking takes under 4 steps on average.
  uint64_t y = feistel(x, half, key);
  while (y >= n) y = feistel(y, half, key);
  return y;
}

}  // namespace pxp::kernels
