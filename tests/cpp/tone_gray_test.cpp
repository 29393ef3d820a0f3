// color.to_gray's weighted_average is albumentations' to_gray_weighted_average on u8, which is
// cv2.cvtColor(RGB2GRAY): OpenCV's fixed point, (9798 R + 19235 G + 3735 B + 2^14) >> 15 (cv2
// 4.10 gives exactly this for all 2^24 colors), written out here. Over every one of the 2^24 RGB
// colors both outputs must equal it, one channel and three copies (blocks of 64 pixels with AVX-512
// VBMI, planes for the rest); and every length of image, for the blocks' tails.
#include <gtest/gtest.h>

#include <cstdint>

#include "core/tensor.hpp"
#include "kernels/tone.hpp"

namespace pxp::kernels {
namespace {

uint8_t reference_gray(int r, int g, int b) { return static_cast<uint8_t>((9798 * r + 19235 * g + 3735 * b + 16384) >> 15); }

TEST(ToGray, WeightedAverageIsOpenCVsFixedPointForEveryColor) {
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
    const Tensor one = to_gray(image, GrayMethod::WeightedAverage, 1);
    const Tensor three = to_gray(image, GrayMethod::WeightedAverage, 3);
    const uint8_t* q = one.data<uint8_t>();
    const uint8_t* t = three.data<uint8_t>();
    for (int g = 0; g < 256; ++g)
      for (int b = 0; b < 256; ++b, ++q, t += 3) {
        const uint8_t want = reference_gray(r, g, b);
        if ((*q != want || t[0] != want || t[1] != want || t[2] != want) && ++mismatches <= 5)
          ADD_FAILURE() << "r=" << r << " g=" << g << " b=" << b << ": " << int(*q) << " / " << int(t[0]) << ","
                        << int(t[1]) << "," << int(t[2]) << " != " << int(want);
      }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(ToGray, WeightedAverageOfEveryLengthHasItsTail) {
  for (int64_t width = 1; width <= 300; ++width) {
    Tensor image = Tensor::empty(DType::U8, {2, width, 3});
    uint8_t* p = image.mutable_data<uint8_t>();
    for (int64_t i = 0; i < image.numel(); ++i) p[i] = static_cast<uint8_t>(i * 37 + 11);
    const Tensor one = to_gray(image, GrayMethod::WeightedAverage, 1);
    const Tensor three = to_gray(image, GrayMethod::WeightedAverage, 3);
    for (int64_t i = 0; i < 2 * width; ++i) {
      const uint8_t want = reference_gray(p[3 * i], p[3 * i + 1], p[3 * i + 2]);
      ASSERT_EQ(one.data<uint8_t>()[i], want) << "width " << width << " pixel " << i;
      for (int c = 0; c < 3; ++c) ASSERT_EQ(three.data<uint8_t>()[3 * i + c], want) << "width " << width << " pixel " << i;
    }
  }
}

}  // namespace
}  // namespace pxp::kernels
