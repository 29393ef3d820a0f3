#include "kernels/ziggurat.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace pxp::kernels {

namespace {

constexpr float kWord = 1.0f / 16777216.0f;  // 2^-24: a 24-bit uniform from the top of a word

// Uniform in [0, 1).
inline float uniform24(RandomStream& rng) { return static_cast<float>(rng.next_u32() >> 8) * kWord; }
// Uniform in (0, 1).
inline float open_uniform24(RandomStream& rng) {
  return (static_cast<float>(rng.next_u32() >> 8) + 0.5f) * kWord;
}

// Marsaglia and Tsang's ziggurat for the standard normal (128 layers, one 32-bit word per value
// in 98.8% of cases): the tables, computed once.
struct Ziggurat {
  float w[128], f[128];
  uint32_t k[128];
  Ziggurat() {
    const double m = 2147483648.0, vn = 9.91256303526217e-3;
    double d = 3.442619855899, t = d;
    const double q = vn / std::exp(-0.5 * d * d);
    k[0] = static_cast<uint32_t>((d / q) * m);
    k[1] = 0;
    w[0] = static_cast<float>(q / m);
    w[127] = static_cast<float>(d / m);
    f[0] = 1.0f;
    f[127] = static_cast<float>(std::exp(-0.5 * d * d));
    for (int i = 126; i >= 1; --i) {
      d = std::sqrt(-2.0 * std::log(vn / d + std::exp(-0.5 * d * d)));
      k[i + 1] = static_cast<uint32_t>((d / t) * m);
      t = d;
      f[i] = static_cast<float>(std::exp(-0.5 * d * d));
      w[i] = static_cast<float>(d / m);
    }
  }
};

const Ziggurat& ziggurat() {
  static const Ziggurat z;
  return z;
}

// The standard normal of word `word` (a signed 32-bit value hz: layer hz & 127, magnitude |hz|);
// outside the layer's core, further words from rng (the wedges and the tail beyond 3.44).
inline float ziggurat_normal(uint32_t word, const Ziggurat& z, RandomStream& rng) {
  int32_t hz = static_cast<int32_t>(word);
  uint32_t iz = word & 127u;
  uint32_t mag = hz < 0 ? 0u - static_cast<uint32_t>(hz) : static_cast<uint32_t>(hz);
  if (mag < z.k[iz]) return static_cast<float>(hz) * z.w[iz];
  constexpr float r = 3.442620f;
  for (;;) {
    const float x = static_cast<float>(hz) * z.w[iz];
    if (iz == 0) {  // the tail: Marsaglia's method
      float xt, y;
      do {
        xt = -std::log(open_uniform24(rng)) * (1.0f / r);
        y = -std::log(open_uniform24(rng));
      } while (y + y < xt * xt);
      return hz > 0 ? r + xt : -r - xt;
    }
    if (z.f[iz] + uniform24(rng) * (z.f[iz - 1] - z.f[iz]) < std::exp(-0.5f * x * x)) return x;
    word = rng.next_u32();
    hz = static_cast<int32_t>(word);
    iz = word & 127u;
    mag = hz < 0 ? 0u - static_cast<uint32_t>(hz) : static_cast<uint32_t>(hz);
    if (mag < z.k[iz]) return static_cast<float>(hz) * z.w[iz];
  }
}

}  // namespace

void fill_standard_normals(float* out, size_t n, RandomStream& rng) {
  static_assert(sizeof(float) == sizeof(uint32_t), "words are stored in the float buffer");
  rng.fill_u32(reinterpret_cast<uint32_t*>(out), n);
  standard_normals_from_words(out, n, rng);
}

void standard_normals_from_words(float* inout, size_t n, RandomStream& rng) {
  float* out = inout;
  const Ziggurat& z = ziggurat();
  for (size_t i = 0; i < n; ++i) {
    uint32_t word;
    std::memcpy(&word, &out[i], sizeof word);
    out[i] = ziggurat_normal(word, z, rng);
  }
}

}  // namespace pxp::kernels
