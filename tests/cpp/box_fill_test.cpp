// image.fill_boxes: with no pixel under any box it returns the image itself (no copy, as
// albumentations' dropouts do); otherwise a filled copy, the input untouched.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/box_fill.hpp"

namespace pxp::kernels {
namespace {

Tensor ramp(int64_t h, int64_t w, int64_t c) {
  Tensor t = Tensor::empty(DType::U8, {h, w, c});
  uint8_t* p = t.mutable_data<uint8_t>();
  for (int64_t k = 0; k < h * w * c; ++k) p[k] = static_cast<uint8_t>(k * 7 + 1);
  return t;
}

TEST(FillBoxes, NoCoveredPixelReturnsTheImageUncopied) {
  const Tensor image = ramp(6, 5, 3);
  const std::vector<std::vector<double>> uncovering = {
      {},                        // no box
      {1, 1, 1, 4},              // zero width
      {7, 0, 9, 6},              // right of the image
      {0.6, 0.6, 1.4, 1.4},      // between pixel centers
      {-3, -3, 0.2, 9, 2, 2, 2, 2}};
  for (BoxFill mode : {BoxFill::Constant, BoxFill::Random, BoxFill::RandomPerBox})
    for (const auto& boxes : uncovering) {
      RandomStream rng(1, 0, 3);
      const Tensor out = fill_boxes(image, boxes, {9.0}, mode, rng);
      EXPECT_EQ(out.bytes(), image.bytes()) << boxes.size() << " values";
      EXPECT_EQ(out.shape(), image.shape());
    }
}

TEST(FillBoxes, CoveredPixelsGetAFilledCopy) {
  const Tensor image = ramp(6, 5, 3);
  const Tensor before = ramp(6, 5, 3);
  RandomStream rng(1, 0, 3);
  const Tensor out = fill_boxes(image, {1, 2, 3, 4, 7, 0, 9, 6}, {9.0, 8.0, 7.0}, BoxFill::Constant, rng);
  ASSERT_NE(out.bytes(), image.bytes());
  EXPECT_EQ(std::memcmp(image.bytes(), before.bytes(), image.nbytes()), 0) << "the input changed";
  const uint8_t* o = out.data<uint8_t>();
  const uint8_t* in = image.data<uint8_t>();
  for (int64_t i = 0; i < 6; ++i)
    for (int64_t j = 0; j < 5; ++j)
      for (int64_t k = 0; k < 3; ++k) {
        const int64_t at = (i * 5 + j) * 3 + k;
        const bool hole = i >= 2 && i < 4 && j >= 1 && j < 3;
        EXPECT_EQ(o[at], hole ? 9 - k : in[at]) << i << "," << j << "," << k;
      }
}

}  // namespace
}  // namespace pxp::kernels
