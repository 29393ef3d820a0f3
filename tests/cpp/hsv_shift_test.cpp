// kernels/hsv_shift_u8: the AVX-512 path and the portable per-pixel code give the same bits on
// every RGB color, in rows with and without a tail after the 32-pixel blocks (the Python test
// test_catalog_tone.py holds whichever path the machine takes to albumentations' cv2).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "kernels/cpu_features.hpp"
#include "kernels/hsv_shift_u8.hpp"

namespace pxp::test {
namespace {

TEST(HsvShift, VectorAndPortablePathsAgreeOnEveryColor) {
  if (!kernels::cpu_has_avx512_vbmi()) GTEST_SKIP() << "no AVX-512 VBMI: only the portable path runs here";
  uint8_t hue[256], saturation[256], value[256];
  for (int k = 0; k < 256; ++k) {
    hue[k] = static_cast<uint8_t>((k + 171) % 180);
    saturation[k] = static_cast<uint8_t>(k == 0 ? 0 : (k + 40 > 255 ? 255 : k + 40));
    value[k] = static_cast<uint8_t>(k < 25 ? 0 : k - 25);
  }
  const kernels::HsvTables tables{hue, saturation, value};
  for (int64_t width : {4096, 4093}) {
    const int64_t colors = int64_t(1) << 24, height = (colors + width - 1) / width;
    std::vector<uint8_t> src(static_cast<size_t>(3 * width * height), 0), a(src.size()), b(src.size());
    for (int64_t c = 0; c < colors; ++c)
      for (int k = 0; k < 3; ++k) src[static_cast<size_t>(3 * c + k)] = static_cast<uint8_t>(c >> (16 - 8 * k));
    kernels::shift_hsv_rgb_u8(src.data(), a.data(), width, height, 3 * width, 3 * width, tables, true);
    kernels::shift_hsv_rgb_u8(src.data(), b.data(), width, height, 3 * width, 3 * width, tables, false);
    int64_t differing = 0;
    for (size_t i = 0; i < a.size(); ++i) differing += a[i] != b[i];
    EXPECT_EQ(differing, 0) << "width " << width;
  }
}

}  // namespace
}  // namespace pxp::test
