// kernels/channel_order_vbmi (ChannelShuffle's u8 RGB path): every order of the three channels,
// pixel counts around the 21-pixel steps, against the per-pixel definition.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/channel_order_vbmi.hpp"
#include "kernels/cpu_features.hpp"

namespace pxp::test {
namespace {

TEST(ChannelOrder, EveryOrderAndLengthEqualsThePerPixelCopy) {
  if (!kernels::cpu_has_avx512_vbmi()) GTEST_SKIP() << "no AVX-512 VBMI: the caller's per-pixel loop runs instead";
  int64_t order[3] = {0, 1, 2};
  do {
    for (int64_t pixels : {0, 1, 20, 21, 22, 62, 63, 64, 1000}) {
      std::vector<uint8_t> src(static_cast<size_t>(3 * pixels)), dst(src.size() + 3, 0xAB);
      for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>(i * 7 + 3);
      const int64_t done = kernels::reorder_rgb_vbmi(src.data(), dst.data(), pixels, order);
      EXPECT_EQ(done, pixels / 21 * 21);
      for (int64_t i = 0; i < done; ++i)
        for (int k = 0; k < 3; ++k) ASSERT_EQ(dst[3 * i + k], src[3 * i + order[k]]) << i << " " << k;
      for (size_t i = static_cast<size_t>(3 * done); i < dst.size(); ++i) ASSERT_EQ(dst[i], 0xAB) << "wrote past its pixels";
    }
  } while (std::next_permutation(order, order + 3));
}

}  // namespace
}  // namespace pxp::test
