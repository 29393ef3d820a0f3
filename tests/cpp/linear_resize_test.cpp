// kernels::resize_linear_u8 must give exactly what cv::resize(INTER_LINEAR) gives on u8: over
// 1 to 4 channels, shrinking and enlarging sizes, rows with gaps (a crop), widths whose values
// end in a partial block and the edges where source indices clamp.
// Where it declines (a CPU without AVX-512 VBMI, too strong a shrink, exact halving, same size)
// it must say so and leave the output alone.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "kernels/cpu_features.hpp"
#include "kernels/linear_resize_u8.hpp"

namespace pxp::kernels {
namespace {

struct Case {
  int sw, sh, dw, dh, channels;
};

// Runs one case; true when the kernel took it (and then it must match OpenCV byte for byte).
bool check(const Case& c, std::mt19937& rng) {
  const int gap = 5;  // bytes after each source row: a crop of a wider image
  const int stride = c.sw * c.channels + gap;
  std::vector<uint8_t> src(static_cast<size_t>(stride) * c.sh);
  for (auto& v : src) v = static_cast<uint8_t>(rng());
  cv::Mat source(c.sh, c.sw, CV_8UC(c.channels), src.data(), static_cast<size_t>(stride));
  cv::Mat expected;
  cv::resize(source, expected, cv::Size(c.dw, c.dh), 0, 0, cv::INTER_LINEAR);
  const uint8_t kUntouched = 0xA5;
  std::vector<uint8_t> out(static_cast<size_t>(c.dw) * c.dh * c.channels, kUntouched);
  const bool took = resize_linear_u8(src.data(), stride, c.sw, c.sh, c.channels, out.data(), c.dw, c.dh);
  if (!took) {
    for (uint8_t v : out) EXPECT_EQ(v, kUntouched);
    return false;
  }
  int64_t mismatches = 0;
  for (int y = 0; y < c.dh; ++y)
    for (int x = 0; x < c.dw * c.channels; ++x) {
      const uint8_t got = out[static_cast<size_t>(y) * c.dw * c.channels + x], want = expected.ptr<uint8_t>(y)[x];
      if (got != want && ++mismatches <= 3)
        ADD_FAILURE() << c.sw << "x" << c.sh << " -> " << c.dw << "x" << c.dh << " c" << c.channels << " at row " << y
                      << " value " << x << ": " << int(got) << " != " << int(want);
    }
  EXPECT_EQ(mismatches, 0);
  return true;
}

TEST(LinearResizeU8, EqualsOpenCVForEverySizeItTakes) {
  std::mt19937 rng(11);
  std::vector<Case> cases = {
      {200, 200, 224, 224, 3}, {256, 256, 224, 224, 3}, {700, 500, 224, 224, 3}, {100, 80, 224, 224, 3},
      {1, 1, 5, 7, 3},         {1, 9, 7, 3, 1},         {9, 1, 3, 7, 4},         {640, 480, 333, 251, 3},
      {17, 13, 40, 41, 2},     {300, 300, 101, 99, 3},  {5, 5, 161, 3, 3},       {224, 224, 225, 223, 1},
      {1024, 1024, 224, 224, 3}, {1500, 900, 224, 224, 4}, {1000, 60, 150, 60, 1}, {32, 24, 64, 48, 3},
      {256, 256, 512, 512, 3}};
  std::uniform_int_distribution<int> side(1, 260), channels(1, 4);
  for (int k = 0; k < 400; ++k) cases.push_back({side(rng), side(rng), side(rng), side(rng), channels(rng)});
  for (int k = 0; k < 40; ++k) cases.push_back({side(rng) * 4, side(rng), side(rng), side(rng), channels(rng)});  // strong shrinks
  int taken = 0;
  for (const Case& c : cases) taken += check(c, rng);
  if (cpu_has_avx512_vbmi())
    EXPECT_GT(taken, 300) << "the kernel declined too many ordinary sizes";
  else
    EXPECT_EQ(taken, 0);
}

TEST(LinearResizeU8, DeclinesWhatOpenCVDoesOtherwise) {
  std::mt19937 rng(3);
  EXPECT_FALSE(check({64, 48, 32, 24, 3}, rng));     // exact halving: OpenCV averages 2 x 2
  EXPECT_FALSE(check({40, 30, 40, 30, 3}, rng));     // same size: a copy
  EXPECT_FALSE(check({1000, 100, 100, 100, 3}, rng));  // 10x narrower: a block spans > 128 bytes
}

}  // namespace
}  // namespace pxp::kernels
