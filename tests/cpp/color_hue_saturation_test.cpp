// color.hue, color.saturation and color.contrast on u8 RGB run branch-free loops that vectorize
// (kernels/color.cpp); over every one of the 2^24 RGB colors they must give torchvision's float
// arithmetic, written out here as plain scalar code with its branches: rgb -> hsv, the shift, hsv -> rgb, the blend
// with the floored luma, and the blend with its mean.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

#include <opencv2/core.hpp>

#include "core/tensor.hpp"
#include "kernels/color.hpp"

namespace pxp::kernels {
namespace {

uint8_t to_u8(float v) { return cv::saturate_cast<uint8_t>(v); }

void reference_hue(const uint8_t* px, float shift, uint8_t* out) {
  // to_dtype(float32, scale=True) multiplies by 1 / 255
  const float inv = 1.0f / 255.0f, r = px[0] * inv, g = px[1] * inv, b = px[2] * inv;
  // torchvision's _rgb_to_hsv
  const float maxc = std::max(r, std::max(g, b)), minc = std::min(r, std::min(g, b));
  const bool eqc = maxc == minc;
  const float cr = maxc - minc;
  const float s = cr / (eqc ? 1.0f : maxc);
  const float div = eqc ? 1.0f : cr;
  const float rc = (maxc - r) / div, gc = (maxc - g) / div, bc = (maxc - b) / div;
  float h;
  if (maxc == r) h = bc - gc;
  else if (maxc == g) h = 2.0f + rc - bc;
  else h = 4.0f + gc - rc;
  h = h / 6.0f + 1.0f;
  if (h >= 1.0f) h -= 1.0f;   // fmod(h, 1) for h in [5/6, 11/6]
  // the shift, then torch's remainder
  h += shift;
  if (h < 0.0f) h += 1.0f;
  else if (h >= 1.0f) h -= 1.0f;
  // _hsv_to_rgb
  const float h6 = h * 6.0f;
  int i = static_cast<int>(h6);
  const float f = h6 - static_cast<float>(i);
  i %= 6;
  auto clamp01 = [](float x) { return std::min(std::max(x, 0.0f), 1.0f); };
  const float v = maxc, p = clamp01(v * (1.0f - s)), q = clamp01(v * (1.0f - s * f)),
              t = clamp01(v * (1.0f - s * (1.0f - f)));
  const float rgb[6][3] = {{v, t, p}, {q, v, p}, {p, v, t}, {p, q, v}, {t, p, v}, {v, p, q}};
  for (int k = 0; k < 3; ++k) out[k] = to_u8(rgb[i][k] * 255.0f);
}

void reference_saturation(const uint8_t* px, float factor, uint8_t* out) {
  float gray = 0.2989f * static_cast<float>(px[0]) + 0.587f * static_cast<float>(px[1]) + 0.114f * static_cast<float>(px[2]);
  gray = static_cast<float>(static_cast<int>(gray)) * (1.0f - factor);   // floored for integer images
  for (int k = 0; k < 3; ++k) out[k] = to_u8(static_cast<float>(px[k]) * factor + gray);
}

// Every color once: 4096 x 4096 pixels, pixel k has r, g, b = the bytes of k.
Tensor every_color() {
  Tensor image = Tensor::empty(DType::U8, {4096, 4096, 3});
  uint8_t* p = image.mutable_data<uint8_t>();
  for (uint32_t k = 0; k < (1u << 24); ++k, p += 3) {
    p[0] = static_cast<uint8_t>(k >> 16);
    p[1] = static_cast<uint8_t>(k >> 8);
    p[2] = static_cast<uint8_t>(k);
  }
  return image;
}

template <typename Reference> int64_t mismatches(const Tensor& image, const Tensor& out, Reference reference) {
  const uint8_t* src = image.data<uint8_t>();
  const uint8_t* got = out.data<uint8_t>();
  int64_t wrong = 0;
  for (int64_t k = 0; k < image.numel() / 3; ++k) {
    uint8_t want[3];
    reference(src + 3 * k, want);
    if (!std::equal(want, want + 3, got + 3 * k) && ++wrong <= 3)
      ADD_FAILURE() << "rgb " << int(src[3 * k]) << "," << int(src[3 * k + 1]) << "," << int(src[3 * k + 2]) << ": "
                    << int(got[3 * k]) << "," << int(got[3 * k + 1]) << "," << int(got[3 * k + 2]) << " != "
                    << int(want[0]) << "," << int(want[1]) << "," << int(want[2]);
  }
  return wrong;
}

TEST(ColorHue, MatchesTorchvisionArithmeticForEveryColor) {
  const Tensor image = every_color();
  for (float shift : {-0.5f, -0.17f, 0.0f, 0.3f, 0.5f}) {
    const Tensor out = adjust_hue(image, shift);
    EXPECT_EQ(mismatches(image, out, [&](const uint8_t* p, uint8_t* o) { reference_hue(p, shift, o); }), 0)
        << "shift " << shift;
  }
}

TEST(ColorSaturation, MatchesTorchvisionArithmeticForEveryColor) {
  const Tensor image = every_color();
  for (float factor : {0.0f, 0.37f, 1.0f, 1.6f, 3.0f}) {
    const Tensor out = adjust_saturation(image, factor);
    EXPECT_EQ(mismatches(image, out, [&](const uint8_t* p, uint8_t* o) { reference_saturation(p, factor, o); }), 0)
        << "factor " << factor;
  }
}

TEST(ColorContrast, MatchesTorchvisionArithmeticOnEveryColor) {
  const Tensor image = every_color();
  // the mean of the floored grays, then x * f + mean * (1 - f) per value
  const uint8_t* p = image.data<uint8_t>();
  double total = 0;
  for (int64_t k = 0; k < image.numel() / 3; ++k, p += 3) {
    const float gray = 0.2989f * static_cast<float>(p[0]) + 0.587f * static_cast<float>(p[1]) + 0.114f * static_cast<float>(p[2]);
    total += static_cast<int>(gray);
  }
  const float mean = static_cast<float>(total / static_cast<double>(image.numel() / 3));
  for (float factor : {0.0f, 0.55f, 1.8f}) {
    const Tensor out = adjust_contrast(image, factor);
    const float offset = mean * (1.0f - factor);
    EXPECT_EQ(mismatches(image, out, [&](const uint8_t* px, uint8_t* o) {
                for (int k = 0; k < 3; ++k) o[k] = to_u8(static_cast<float>(px[k]) * factor + offset);
              }), 0)
        << "factor " << factor;
  }
}

TEST(ColorJitterFused, EqualsTheThreeAdjustmentsInARowOnEveryColor) {
  const Tensor image = every_color();
  const Tensor fused = adjust_brightness_contrast_saturation(image, 1.3, 0.7, 1.45);
  const Tensor chain = adjust_saturation(adjust_contrast(adjust_brightness(image, 1.3), 0.7), 1.45);
  ASSERT_EQ(fused.nbytes(), chain.nbytes());
  EXPECT_TRUE(std::equal(fused.data<uint8_t>(), fused.data<uint8_t>() + fused.nbytes(), chain.data<uint8_t>()));
}

}  // namespace
}  // namespace pxp::kernels
