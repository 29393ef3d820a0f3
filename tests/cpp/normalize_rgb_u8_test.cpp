// color.normalize on u8 RGB runs 16 pixels per step with AVX-512 VBMI (kernels/normalize_rgb_u8):
// every output float must have the bits of the scalar definition, float(v) * a[k] + b[k] (a
// multiply, then an add), for planar and interleaved outputs, mirrored or not, and every width
// (the blocks' tails), through normalize_image as the op calls it.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "core/tensor.hpp"
#include "kernels/color.hpp"

namespace pxp::kernels {
namespace {

TEST(NormalizeRgbU8, EveryLayoutMirrorAndWidthHasTheScalarBits) {
  std::mt19937 rng(7);
  const std::vector<double> mean = {0.485, 0.456, 0.406}, stdev = {0.229, 0.224, 0.225};
  const double scale = 1.0 / 255.0;
  for (int64_t width = 1; width <= 70; ++width) {
    const int64_t height = 3;
    Tensor image = Tensor::empty(DType::U8, {height, width, 3});
    uint8_t* p = image.mutable_data<uint8_t>();
    for (int64_t i = 0; i < image.numel(); ++i) p[i] = static_cast<uint8_t>(rng());
    for (bool chw : {false, true})
      for (bool mirror : {false, true}) {
        const Tensor out = normalize_image(image, mean, stdev, scale, chw, mirror);
        const float* o = out.data<float>();
        for (int64_t y = 0; y < height; ++y)
          for (int64_t x = 0; x < width; ++x)
            for (int64_t k = 0; k < 3; ++k) {
              const float a = static_cast<float>(scale / stdev[k]), b = static_cast<float>(-mean[k] / stdev[k]);
              volatile float product = static_cast<float>(p[(y * width + (mirror ? width - 1 - x : x)) * 3 + k]) * a;
              const float want = product + b;
              const float got = chw ? o[k * height * width + y * width + x] : o[(y * width + x) * 3 + k];
              ASSERT_EQ(std::memcmp(&got, &want, sizeof(float)), 0)
                  << "width " << width << " chw " << chw << " mirror " << mirror << " at " << y << "," << x << "," << k
                  << ": " << got << " != " << want;
            }
      }
  }
}

}  // namespace
}  // namespace pxp::kernels
