// kernels/antialias_resize: the AVX-512 passes (horizontal VBMI permutes, vertical register sums)
// and the portable code give the same bits, over shrinks and stretches, 1 to 4 channels, widths
// that leave partial vector blocks, and fractional windows (the Python tests hold the kernel to
// torch's interpolate).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/antialias_resize.hpp"
#include "kernels/cpu_features.hpp"

namespace pxp::test {
namespace {

TEST(AntialiasResize, VectorAndPortablePathsAgree) {
  if (!kernels::cpu_has_avx512()) GTEST_SKIP() << "no AVX-512: only the portable path runs here";
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> source_side(1, 300), output_side(1, 240), byte(0, 255), channels(1, 4);
  int64_t cases = 0, differing = 0;
  for (int k = 0; k < 300; ++k) {
    const int64_t sw = source_side(rng), sh = source_side(rng), dw = output_side(rng), dh = output_side(rng);
    const int64_t c = channels(rng);
    std::vector<uint8_t> src(static_cast<size_t>(sw * sh * c));
    for (auto& v : src) v = static_cast<uint8_t>(byte(rng));
    std::vector<uint8_t> a(static_cast<size_t>(dw * dh * c)), b(a.size());
    const kernels::AntialiasWindow window{0.3, 0.9 * static_cast<double>(sw) / static_cast<double>(dw), 0.7,
                                          0.8 * static_cast<double>(sh) / static_cast<double>(dh)};
    const kernels::AntialiasWindow* w = k % 2 ? &window : nullptr;
    kernels::resize_antialias_u8(src.data(), sw * c, sw, sh, c, a.data(), dw, dh, w, true);
    kernels::resize_antialias_u8(src.data(), sw * c, sw, sh, c, b.data(), dw, dh, w, false);
    for (size_t i = 0; i < a.size(); ++i) differing += a[i] != b[i];
    ++cases;
  }
  EXPECT_EQ(differing, 0) << "over " << cases << " resizes";
}

}  // namespace
}  // namespace pxp::test
