// The tone kernels on empty images (no rows, no columns): an empty result of the same shape, at
// once. The structural fuzzer found color.clahe never returning on a 0 x 1 x 1 image (OpenCV's
// CLAHE loops on it); ctest's timeout fails this test if one hangs again.
#include <gtest/gtest.h>

#include "core/tensor.hpp"
#include "kernels/tone.hpp"

namespace pxp::kernels {
namespace {

TEST(ToneEmptyImage, ClaheReturnsAnEmptyImageOfTheSameShape) {
  for (const Shape& shape : {Shape{0, 1, 1}, Shape{0, 1, 3}, Shape{1, 0, 3}, Shape{0, 0, 3}, Shape{0, 5}, Shape{7, 0}}) {
    const Tensor out = clahe_image(Tensor::empty(DType::U8, shape), 2.0, 8, 8);
    EXPECT_EQ(out.shape(), shape);
    EXPECT_EQ(out.numel(), 0);
  }
}

TEST(ToneEmptyImage, GrayOfAnEmptyImageIsEmpty) {
  for (const Shape& shape : {Shape{0, 4, 3}, Shape{4, 0, 3}}) {
    for (GrayMethod method : {GrayMethod::WeightedAverage, GrayMethod::Average, GrayMethod::Max}) {
      const Tensor out = to_gray(Tensor::empty(DType::U8, shape), method, 3);
      EXPECT_EQ(out.numel(), 0);
    }
  }
}

}  // namespace
}  // namespace pxp::kernels
