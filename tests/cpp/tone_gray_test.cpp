// color.to_gray's weighted_average (kernels/tone.cpp) takes an integer fast path with an exact
// fix-up at ties; over every one of the 2^24 RGB colors it must give albumentations' float32
// arithmetic (x / 255, OpenCV's fused RGB2GRAY steps in double, rint(y * 255)), written out here.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "core/tensor.hpp"
#include "kernels/tone.hpp"

namespace pxp::kernels {
namespace {

uint8_t reference_gray(int r8, int g8, int b8) {
  const float r = static_cast<float>(r8) / 255.0f, g = static_cast<float>(g8) / 255.0f, b = static_cast<float>(b8) / 255.0f;
  const float rg = static_cast<float>(static_cast<double>(r) * static_cast<double>(0.299f) + static_cast<double>(g * 0.587f));
  const float y = static_cast<float>(static_cast<double>(b) * static_cast<double>(0.114f) + static_cast<double>(rg));
  const float v = std::nearbyint(y * 255.0f);
  return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

TEST(ToGray, WeightedAverageMatchesFloatArithmeticForEveryColor) {
  // one 256 x 256 image per red value: pixel (g, b)
  Tensor image = Tensor::empty(DType::U8, {256, 256, 3});
  int64_t mismatches = 0;
  for (int r = 0; r < 256; ++r) {
    uint8_t* p = image.mutable_data<uint8_t>();
    for (int g = 0; g < 256; ++g)
      for (int b = 0; b < 256; ++b, p += 3) {
        p[0] = static_cast<uint8_t>(r);
        p[1] = static_cast<uint8_t>(g);
        p[2] = static_cast<uint8_t>(b);
      }
    const Tensor gray = to_gray(image, GrayMethod::WeightedAverage, 1);
    const uint8_t* q = gray.data<uint8_t>();
    for (int g = 0; g < 256; ++g)
      for (int b = 0; b < 256; ++b, ++q)
        if (*q != reference_gray(r, g, b) && ++mismatches <= 5)
          ADD_FAILURE() << "r=" << r << " g=" << g << " b=" << b << ": " << int(*q) << " != " << int(reference_gray(r, g, b));
  }
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace pxp::kernels
