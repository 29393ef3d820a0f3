#include "core/rng.hpp"

#include <cmath>

namespace pxp {

namespace {
constexpr uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;

inline void mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  uint64_t p = static_cast<uint64_t>(a) * b;
  hi = static_cast<uint32_t>(p >> 32);
  lo = static_cast<uint32_t>(p);
}
}  // namespace

std::array<uint32_t, 4> philox4x32(std::array<uint32_t, 4> c, std::array<uint32_t, 2> k) {
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kMul0, c[0], hi0, lo0);
    mulhilo(kMul1, c[2], hi1, lo1);
    c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
    k[0] += kWeyl0;
    k[1] += kWeyl1;
  }
  return c;
}

uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

RandomStream::RandomStream(uint64_t seed, uint64_t sample, uint64_t node_key) : sample_(sample) {
  uint64_t k = mix64(seed ^ mix64(node_key));
  key_ = {static_cast<uint32_t>(k), static_cast<uint32_t>(k >> 32)};
}

uint32_t RandomStream::next_u32() {
  uint64_t word = draw_ & 3;
  if (word == 0) {
    uint64_t block = draw_ >> 2;
    block_ = philox4x32({static_cast<uint32_t>(sample_), static_cast<uint32_t>(sample_ >> 32),
                         static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32)},
                        key_);
  }
  ++draw_;
  return block_[word];
}

uint64_t RandomStream::next_u64() {
  uint64_t hi = next_u32();
  return (hi << 32) | next_u32();
}

double RandomStream::uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double RandomStream::uniform(double low, double high) {
  double r = low + (high - low) * uniform01();
  // rounding can land exactly on high for some ranges; keep the interval half-open
  return (r >= high && high > low) ? std::nextafter(high, low) : r;
}

double RandomStream::normal() {
  // 1 - u is in (0, 1], so the log is finite.
  double u1 = 1.0 - uniform01();
  double u2 = uniform01();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

uint64_t RandomStream::below(uint64_t n) {
  // Lemire: take the high word of a 64x64 product; reject the few values that bias it.
  unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(next_u64()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int64_t RandomStream::integer(int64_t low, int64_t high) {
  uint64_t span = static_cast<uint64_t>(high) - static_cast<uint64_t>(low) + 1;
  if (span == 0) return static_cast<int64_t>(next_u64());  // the full 64-bit range
  return static_cast<int64_t>(static_cast<uint64_t>(low) + below(span));
}

bool RandomStream::bernoulli(double p) { return uniform01() < p; }

}  // namespace pxp
