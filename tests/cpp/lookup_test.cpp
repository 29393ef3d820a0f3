// u8 table lookups (kernels/lookup.hpp): the vector path (AVX-512 VBMI where the CPU has it) and
// the scalar path give table[x] for every length, tail and channel phase, in place too.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/lookup.hpp"

namespace pxp::kernels {
namespace {

std::array<uint8_t, 256> random_table(std::mt19937& rng) {
  std::array<uint8_t, 256> t;
  for (auto& v : t) v = static_cast<uint8_t>(rng());
  return t;
}

std::vector<uint8_t> random_bytes(std::mt19937& rng, size_t n) {
  std::vector<uint8_t> v(n);
  for (auto& x : v) x = static_cast<uint8_t>(rng());
  return v;
}

TEST(Lookup, OneTableEveryLengthAndInPlace) {
  std::mt19937 rng(7);
  const auto table = random_table(rng);
  for (size_t n : {0u, 1u, 3u, 63u, 64u, 65u, 127u, 128u, 200u, 4097u}) {
    const auto src = random_bytes(rng, n);
    std::vector<uint8_t> dst(n + 1, 0xAB);   // one guard byte past the end
    lookup_u8(src.data(), dst.data(), static_cast<int64_t>(n), table.data());
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(dst[i], table[src[i]]) << "n=" << n << " i=" << i;
    EXPECT_EQ(dst[n], 0xAB) << "wrote past the end, n=" << n;
    auto in_place = src;
    lookup_u8(in_place.data(), in_place.data(), static_cast<int64_t>(n), table.data());
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(in_place[i], table[src[i]]);
  }
}

TEST(Lookup, TableCoversEveryValue) {
  std::array<uint8_t, 256> table;
  for (int v = 0; v < 256; ++v) table[static_cast<size_t>(v)] = static_cast<uint8_t>(255 - v);
  std::vector<uint8_t> src(256 * 3), dst(src.size());
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>(i * 37);
  lookup_u8(src.data(), dst.data(), static_cast<int64_t>(src.size()), table.data());
  for (size_t i = 0; i < src.size(); ++i) ASSERT_EQ(dst[i], 255 - src[i]);
}

TEST(Lookup, PerChannelTablesKeepEachChannel) {
  std::mt19937 rng(11);
  for (int64_t channels : {1, 2, 3, 4}) {
    std::vector<std::array<uint8_t, 256>> tables;
    std::vector<const uint8_t*> ptrs;
    for (int64_t k = 0; k < channels; ++k) tables.push_back(random_table(rng));
    for (const auto& t : tables) ptrs.push_back(t.data());
    for (int64_t pixels : {0, 1, 21, 22, 64, 65, 100, 1000}) {
      const size_t n = static_cast<size_t>(pixels * channels);
      const auto src = random_bytes(rng, n);
      std::vector<uint8_t> dst(n + 1, 0xCD);
      lookup_u8_channels(src.data(), dst.data(), pixels, channels, ptrs.data());
      for (size_t i = 0; i < n; ++i)
        ASSERT_EQ(dst[i], tables[i % static_cast<size_t>(channels)][src[i]])
            << "channels=" << channels << " pixels=" << pixels << " i=" << i;
      EXPECT_EQ(dst[n], 0xCD);
    }
  }
}

}  // namespace
}  // namespace pxp::kernels
