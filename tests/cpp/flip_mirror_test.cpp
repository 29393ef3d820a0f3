// kernels::flip mirrors rows with byte-shuffle paths for 3-byte pixels (five per step with SSSE3;
// blocks of 64, then 21 per step with AVX-512 VBMI; a scalar tail): every width from 1 to 200 and every axis equals the plain
// per-pixel definition, and nothing is read or written outside the image (the sanitizer builds
// check the reads).
#include <gtest/gtest.h>

#include <cstdint>

#include "core/tensor.hpp"
#include "kernels/image_geometry.hpp"

namespace pxp::kernels {
namespace {

TEST(FlipMirror, EveryWidthAndAxisOfThreeBytePixels) {
  for (int64_t width = 1; width <= 200; ++width)
    for (int64_t height : {1, 3}) {
      Tensor image = Tensor::empty(DType::U8, {height, width, 3});
      uint8_t* p = image.mutable_data<uint8_t>();
      for (int64_t i = 0; i < image.numel(); ++i) p[i] = static_cast<uint8_t>(i * 7 + 1);
      for (FlipAxis axis : {FlipAxis::Horizontal, FlipAxis::Vertical, FlipAxis::Both}) {
        Tensor out = flip(image, axis);
        const uint8_t* o = out.data<uint8_t>();
        for (int64_t y = 0; y < height; ++y)
          for (int64_t x = 0; x < width; ++x)
            for (int64_t c = 0; c < 3; ++c) {
              const int64_t sy = axis == FlipAxis::Horizontal ? y : height - 1 - y;
              const int64_t sx = axis == FlipAxis::Vertical ? x : width - 1 - x;
              ASSERT_EQ(o[(y * width + x) * 3 + c], p[(sy * width + sx) * 3 + c])
                  << "width " << width << " height " << height << " axis " << int(axis);
            }
      }
    }
}

}  // namespace
}  // namespace pxp::kernels
