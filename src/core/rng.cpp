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

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__) && \
    !defined(__SANITIZE_ADDRESS__)
// An AVX2 clone where the CPU has it (kernels/filters.cpp says why not in sanitizer builds).
#define PXP_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define PXP_VECTOR_CLONES
#endif

namespace {
// Philox blocks first .. first + count - 1 of one (sample, key), 4 words each, into out: eight
// blocks side by side (structure of arrays), so that the rounds vectorize.
PXP_VECTOR_CLONES void philox_blocks(uint64_t sample, uint64_t first, size_t count, std::array<uint32_t, 2> key,
                                     uint32_t* out) {
  constexpr size_t kLanes = 8;
  for (size_t b = 0; b < count; b += kLanes) {
    uint32_t c0[kLanes], c1[kLanes], c2[kLanes], c3[kLanes];
    for (size_t j = 0; j < kLanes; ++j) {
      const uint64_t block = first + b + j;
      c0[j] = static_cast<uint32_t>(sample);
      c1[j] = static_cast<uint32_t>(sample >> 32);
      c2[j] = static_cast<uint32_t>(block);
      c3[j] = static_cast<uint32_t>(block >> 32);
    }
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; ++round) {
      for (size_t j = 0; j < kLanes; ++j) {
        const uint64_t p0 = static_cast<uint64_t>(kMul0) * c0[j], p1 = static_cast<uint64_t>(kMul1) * c2[j];
        const uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1[j] ^ k0, n1 = static_cast<uint32_t>(p1);
        const uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3[j] ^ k1, n3 = static_cast<uint32_t>(p0);
        c0[j] = n0;
        c1[j] = n1;
        c2[j] = n2;
        c3[j] = n3;
      }
      k0 += kWeyl0;
      k1 += kWeyl1;
    }
    const size_t lanes = count - b < kLanes ? count - b : kLanes;
    for (size_t j = 0; j < lanes; ++j) {
      uint32_t* w = out + 4 * (b + j);
      w[0] = c0[j];
      w[1] = c1[j];
      w[2] = c2[j];
      w[3] = c3[j];
    }
  }
}
}  // namespace

void RandomStream::fill_u32(uint32_t* out, size_t n) {
  size_t i = 0;
  while (i < n && (draw_ & 3) != 0) out[i++] = next_u32();
  const size_t blocks = (n - i) / 4;
  philox_blocks(sample_, draw_ >> 2, blocks, key_, out + i);
  i += 4 * blocks;
  draw_ += 4 * blocks;  // next_u32 computes the next block itself: its word index is 0 here
  while (i < n) out[i++] = next_u32();
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
