// Counter-based randomness (DESIGN.md section 6). Every draw is a pure
// function of (pipeline seed, sample index, node key, draw number): Philox
// 4x32-10 keyed by (seed, node key), counting (sample index, block number).
// Distributions are our own code, so streams are identical on every platform.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace pxp {

// One Philox 4x32-10 block.
std::array<uint32_t, 4> philox4x32(std::array<uint32_t, 4> counter, std::array<uint32_t, 2> key);

// A 64-bit mix (splitmix64 finalizer); used to derive keys.
uint64_t mix64(uint64_t x);

class RandomStream {
 public:
  RandomStream(uint64_t seed, uint64_t sample, uint64_t node_key);

  uint32_t next_u32();
  // n words, the same as n calls of next_u32 (whole Philox blocks computed in a vectorizable batch).
  void fill_u32(uint32_t* out, size_t n);
  uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform01();
  // Uniform in [low, high).
  double uniform(double low, double high);
  // Standard normal (Box-Muller on two fresh uniforms).
  double normal();
  double normal(double mean, double stddev) { return mean + stddev * normal(); }
  // Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject); n > 0.
  uint64_t below(uint64_t n);
  // Uniform integer in [low, high] (inclusive); low <= high.
  int64_t integer(int64_t low, int64_t high);
  bool bernoulli(double p);

  uint64_t draws() const { return draw_; }

 private:
  std::array<uint32_t, 2> key_;
  uint64_t sample_;
  uint64_t draw_ = 0;  // 32-bit words consumed
  std::array<uint32_t, 4> block_{};
};

}  // namespace pxp
