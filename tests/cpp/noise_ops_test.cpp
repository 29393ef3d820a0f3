// noise.* ops: determinism (same seed and sample -> same bits, another sample -> other bits),
// the documented draw order (replayed with RandomStream), statistics, saturation.
#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.hpp"
#include "program_builder.hpp"

namespace pxp {
namespace {

using test::run_op;
using test::error_code;
using test::f32;
using test::tensor;
using test::values;

Tensor run(const std::string& op, std::vector<Value> in, const test::AttrList& attrs = {}, uint64_t seed = 7,
           uint64_t sample = 0) {
  return run_op(op, in, attrs, seed, sample).tensor();
}


Tensor filled(DType dt, Shape s, double v) {
  Tensor t = Tensor::empty(dt, s);
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (dt == DType::U8) t.mutable_data<uint8_t>()[i] = static_cast<uint8_t>(v);
    else if (dt == DType::U16) t.mutable_data<uint16_t>()[i] = static_cast<uint16_t>(v);
    else t.mutable_data<float>()[i] = static_cast<float>(v);
  }
  return t;
}

// The stream run_op's instruction draws from (key 12345 in program_builder.cpp).
RandomStream stream(uint64_t seed, uint64_t sample) { return RandomStream(seed, sample, 12345); }

struct Case {
  const char* op;
  std::vector<Value> extra;
  test::AttrList attrs;
};

std::vector<Case> all_cases() {
  return {{"noise.gaussian", {f32(10)}, {}},
          {"noise.uniform", {f32(-20), f32(20)}, {}},
          {"noise.salt_and_pepper", {f32(0.3)}, {}},
          {"noise.pixel_dropout", {f32(0.3)}, {}},
          {"noise.coarse_dropout", {}, {}},
          {"noise.random_erasing", {}, {{"p", 1.0}}}};
}

TEST(NoiseOps, DeterministicPerSeedAndSample) {
  for (const auto& c : all_cases())
    for (DType dt : {DType::U8, DType::F32}) {
      Tensor img = filled(dt, {23, 31, 3}, dt == DType::U8 ? 128 : 0.5);
      std::vector<Value> in{img};
      in.insert(in.end(), c.extra.begin(), c.extra.end());
      Tensor a = run(c.op, in, c.attrs, 7, 3), b = run(c.op, in, c.attrs, 7, 3);
      EXPECT_TRUE(a.bit_equal(b)) << c.op;
      EXPECT_EQ(a.shape(), img.shape());
      EXPECT_EQ(a.dtype(), dt);
      bool differs = false;
      for (uint64_t s = 4; s < 8 && !differs; ++s) differs = !run(c.op, in, c.attrs, 7, s).bit_equal(a);
      EXPECT_TRUE(differs) << c.op;
      EXPECT_FALSE(run(c.op, in, c.attrs, 8, 3).bit_equal(a)) << c.op;
    }
}

TEST(NoiseOps, TinyImages) {
  for (const auto& c : all_cases())
    for (const Shape& s : {Shape{1, 1, 1}, Shape{1, 1}, Shape{1, 9, 3}, Shape{7, 1}}) {
      std::vector<Value> in{filled(DType::U8, s, 100)};
      in.insert(in.end(), c.extra.begin(), c.extra.end());
      EXPECT_EQ(run(c.op, in, c.attrs).shape(), s) << c.op;
    }
}

TEST(NoiseOps, GaussianFollowsDrawOrderAndStatistics) {
  Tensor img = filled(DType::F32, {2, 3, 2}, 0.25);
  auto out = values(run("noise.gaussian", {img, f32(0.5)}, {{"mean", 0.1}}, 11, 2));
  RandomStream rng = stream(11, 2);
  for (double v : out) EXPECT_FLOAT_EQ(v, static_cast<float>(0.25 + rng.normal(0.1, 0.5)));

  auto big = values(run("noise.gaussian", {filled(DType::F32, {200, 300, 1}, 0.0), f32(2.0)}, {{"mean", 1.0}}));
  double sum = 0, sq = 0;
  for (double v : big) sum += v, sq += v * v;
  double mean = sum / double(big.size()), sd = std::sqrt(sq / double(big.size()) - mean * mean);
  EXPECT_NEAR(mean, 1.0, 0.03);
  EXPECT_NEAR(sd, 2.0, 0.03);
  // u8 saturates and rounds.
  auto u = values(run("noise.gaussian", {filled(DType::U8, {50, 50}, 250), f32(30)}));
  double mx = 0;
  for (double v : u) {
    mx = std::max(mx, v);
    EXPECT_EQ(v, std::round(v));
  }
  EXPECT_EQ(mx, 255);
  EXPECT_EQ(error_code("noise.gaussian", {img, f32(-1)}), PXP_EOUT_OF_RANGE);
}

TEST(NoiseOps, UniformFollowsDrawOrder) {
  Tensor img = filled(DType::U8, {3, 3, 3}, 100);
  auto out = values(run("noise.uniform", {img, f32(-10), f32(10)}, {}, 5, 1));
  RandomStream rng = stream(5, 1);
  for (double v : out) EXPECT_EQ(v, std::nearbyint(100 + rng.uniform(-10, 10)));
  EXPECT_EQ(error_code("noise.uniform", {img, f32(1), f32(0)}), PXP_EOUT_OF_RANGE);
}

TEST(NoiseOps, SaltAndPepperPerPixel) {
  Tensor img = filled(DType::U8, {40, 50, 3}, 100);
  auto out = values(run("noise.salt_and_pepper", {img, f32(0.2)}, {{"salt_ratio", 0.25}}, 3, 9));
  RandomStream rng = stream(3, 9);
  int salt = 0, pepper = 0;
  for (size_t p = 0; p < out.size() / 3; ++p) {
    double u = rng.uniform01();
    double e = u < 0.05 ? 255 : (u < 0.2 ? 0 : 100);
    for (int k = 0; k < 3; ++k) ASSERT_EQ(out[p * 3 + k], e);
    salt += e == 255;
    pepper += e == 0;
  }
  EXPECT_NEAR(double(salt + pepper) / 2000.0, 0.2, 0.02);
  auto f = values(run("noise.salt_and_pepper", {filled(DType::F32, {10, 10}, 0.5), f32(1.0)}, {{"salt_ratio", 1.0}}));
  EXPECT_EQ(f, std::vector<double>(100, 1.0));
}

TEST(NoiseOps, PixelDropoutFraction) {
  for (bool per_channel : {false, true}) {
    Tensor img = filled(DType::F32, {100, 100, 3}, 0.5);
    auto out = values(run("noise.pixel_dropout", {img, f32(0.3)}, {{"value", 0.25}, {"per_channel", per_channel}}));
    size_t dropped = 0, mixed = 0;
    for (size_t p = 0; p < out.size() / 3; ++p) {
      int d = 0;
      for (int k = 0; k < 3; ++k) d += out[p * 3 + k] == 0.25;
      dropped += size_t(d);
      mixed += d != 0 && d != 3;
    }
    EXPECT_NEAR(double(dropped) / double(out.size()), 0.3, 0.02);
    if (!per_channel) EXPECT_EQ(mixed, 0u);
    else EXPECT_GT(mixed, 0u);
  }
  EXPECT_EQ(error_code("noise.pixel_dropout", {filled(DType::U8, {2, 2}, 1), f32(1.5)}), PXP_EOUT_OF_RANGE);
}

TEST(NoiseOps, CoarseDropoutHolesFollowDrawOrder) {
  Tensor img = filled(DType::U8, {20, 30, 2}, 200);
  test::AttrList attrs{{"min_holes", int64_t(2)}, {"max_holes", int64_t(4)}, {"min_height", 2.0}, {"max_height", 0.25},
                       {"min_width", 0.1}, {"max_width", 7.0}, {"fill", 300.0}};
  auto out = values(run("noise.coarse_dropout", {img}, attrs, 1, 4));
  RandomStream rng = stream(1, 4);
  std::vector<double> expected(20 * 30 * 2, 200);
  int64_t holes = rng.integer(2, 4);
  for (int64_t i = 0; i < holes; ++i) {
    int64_t h = rng.integer(2, 5), w = rng.integer(3, 7);
    int64_t top = rng.integer(0, 20 - h), left = rng.integer(0, 30 - w);
    for (int64_t y = top; y < top + h; ++y)
      for (int64_t x = left; x < left + w; ++x)
        for (int k = 0; k < 2; ++k) expected[static_cast<size_t>((y * 30 + x) * 2 + k)] = 255;  // 300 saturates
  }
  EXPECT_EQ(out, expected);
  EXPECT_EQ(error_code("noise.coarse_dropout", {img}, {{"min_holes", int64_t(3)}, {"max_holes", int64_t(2)}}), PXP_ETYPE);
}

TEST(NoiseOps, RandomErasingLikeTorchvision) {
  Tensor img = filled(DType::F32, {32, 48, 3}, 0.5);
  // p = 0: never erases.
  EXPECT_TRUE(run("noise.random_erasing", {img}, {{"p", 0.0}}).bit_equal(img));
  // Replay the documented draws for a constant per-channel value.
  test::AttrList attrs{{"p", 1.0}, {"value", std::vector<double>{0.1, 0.2, 0.3}}};
  auto out = values(run("noise.random_erasing", {img}, attrs, 2, 6));
  RandomStream rng = stream(2, 6);
  ASSERT_LT(rng.uniform01(), 1.0);
  int64_t top = -1, left = -1, h = 0, w = 0;
  for (int a = 0; a < 10; ++a) {
    double area = 32.0 * 48.0 * rng.uniform(0.02, 0.33);
    double r = std::exp(rng.uniform(std::log(0.3), std::log(3.3)));
    h = static_cast<int64_t>(std::nearbyint(std::sqrt(area * r)));
    w = static_cast<int64_t>(std::nearbyint(std::sqrt(area / r)));
    if (h < 32 && w < 48) {
      top = rng.integer(0, 32 - h);
      left = rng.integer(0, 48 - w);
      break;
    }
  }
  ASSERT_GE(top, 0);
  for (int64_t y = 0; y < 32; ++y)
    for (int64_t x = 0; x < 48; ++x)
      for (int k = 0; k < 3; ++k) {
        bool in = y >= top && y < top + h && x >= left && x < left + w;
        EXPECT_FLOAT_EQ(out[static_cast<size_t>((y * 48 + x) * 3 + k)], in ? 0.1f * float(k + 1) : 0.5f);
      }
  // Random values: u8 uniform over [0, 255] inside the box; an erased area is within the scale range.
  Tensor u8 = filled(DType::U8, {64, 64, 1}, 7);
  auto r = values(run("noise.random_erasing", {u8}, {{"p", 1.0}, {"random", true}}, 3, 3));
  size_t changed = 0;
  for (double v : r) changed += v != 7;
  EXPECT_GT(changed, size_t(0.02 * 4096 * 0.9));
  EXPECT_LT(changed, size_t(0.33 * 4096 * 1.1));
  EXPECT_EQ(error_code("noise.random_erasing", {img}, {{"p", 1.0}, {"value", std::vector<double>{1, 2}}}),
            PXP_EINVALID_ARGUMENT);
}

}  // namespace
}  // namespace pxp
