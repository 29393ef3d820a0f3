// effects.* ops: the geometry draws follow their documented order (replayed with RandomStream) and
// stay in range; the renders change what they document and nothing else; bad inputs are errors.
// Pixel equality with albumentations is tested in tests/python/test_catalog_weather.py.
#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "program_builder.hpp"

namespace pxp {
namespace {

using test::error_code;
using test::f32;
using test::run_op;
using test::tensor;
using test::values;

Tensor run(const std::string& op, std::vector<Value> in, const test::AttrList& attrs = {}, uint64_t seed = 7,
           uint64_t sample = 0) {
  return run_op(op, in, attrs, seed, sample).tensor();
}

// The stream run_op's instruction draws from (key 12345 in program_builder.cpp).
RandomStream stream(uint64_t seed, uint64_t sample) { return RandomStream(seed, sample, 12345); }

Tensor gradient(int64_t h, int64_t w) {
  Tensor t = Tensor::empty(DType::U8, {h, w, 3});
  uint8_t* p = t.mutable_data<uint8_t>();
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) p[(y * w + x) * 3 + c] = static_cast<uint8_t>((x * 7 + y * 3 + c * 50) % 256);
  return t;
}

TEST(EffectsOps, RainDropsFollowDrawOrder) {
  Tensor img = gradient(24, 10);
  Tensor drops = run("effects.rain_drops", {img}, {{"numerator", int64_t(1)}, {"denominator", int64_t(4)}}, 3, 2);
  ASSERT_EQ(drops.shape(), (Shape{6, 2}));  // 24 / 4 drops
  RandomStream rng = stream(3, 2);
  const int32_t* d = drops.data<int32_t>();
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(d[2 * i], rng.integer(0, 9));
    EXPECT_EQ(d[2 * i + 1], rng.integer(0, 24 - 3 - 1));  // drop length max(1, 24 / 8) = 3
  }
}

TEST(EffectsOps, RainWithoutDropsIsACopy) {
  Tensor img = gradient(8, 9);
  Tensor none = Tensor::empty(DType::I32, {0, 2});
  auto out = values(run("effects.rain", {img, none, f32(0)}, {{"brightness_coefficient", 0.5}}));
  auto in = values(img);
  for (size_t i = 0; i < in.size(); ++i) EXPECT_EQ(out[i], in[i]);  // no drops: the copy, unscaled
  Tensor one = tensor<int32_t>({2, 1}, {1, 2});
  auto rained = values(run("effects.rain", {img, one, f32(3)}, {{"brightness_coefficient", 0.5}, {"blur_value", int64_t(1)}}));
  double changed = 0;
  for (size_t i = 0; i < in.size(); ++i) changed += rained[i] != in[i];
  EXPECT_GT(changed, 0);
}

TEST(EffectsOps, ShadowScalesInsideThePolygonOnly) {
  Tensor img = gradient(10, 12);
  Tensor square = tensor<int32_t>({2, 2, 6, 2, 6, 6, 2, 6}, {1, 4, 2});
  auto out = values(run("effects.shadow", {img, square, tensor<double>({0.25}, {1})}));
  auto in = values(img);
  for (int64_t y = 0; y < 10; ++y)
    for (int64_t x = 0; x < 12; ++x)
      for (int c = 0; c < 3; ++c) {
        size_t i = static_cast<size_t>((y * 12 + x) * 3 + c);
        bool inside = x >= 2 && x <= 6 && y >= 2 && y <= 6;
        EXPECT_EQ(out[i], inside ? std::floor(in[i] * 0.75) : in[i]) << y << " " << x;
      }
  EXPECT_NE(error_code("effects.shadow", {img, square, tensor<double>({}, {0})}), PXP_OK);
}

TEST(EffectsOps, GeometryStaysInRangeAndIsDeterministic) {
  Tensor img = gradient(40, 60);
  for (uint64_t sample = 0; sample < 20; ++sample) {
    Tensor fog = run("effects.fog_particles", {img, f32(0.5)}, {}, 1, sample);
    auto f = values(fog);
    for (size_t i = 0; i < f.size(); i += 3) {
      EXPECT_GE(f[i], -1);  // regions centred on trunc(W / 2 - 0.5) reach one pixel left of 0
      EXPECT_LE(f[i], 60);
      EXPECT_GE(f[i + 2], 1);
    }
    EXPECT_EQ(values(fog), values(run("effects.fog_particles", {img, f32(0.5)}, {}, 1, sample)));
    auto poly = values(run("effects.shadow_polygons", {img}, {{"max_shadows", int64_t(3)}}, 1, sample));
    for (size_t i = 0; i < poly.size(); i += 2) {
      EXPECT_GE(poly[i], 0);
      EXPECT_LT(poly[i], 60);
      EXPECT_GE(poly[i + 1], 20);
      EXPECT_LT(poly[i + 1], 40);
    }
    Tensor flare = run("effects.sun_flare_geometry", {img}, {}, 1, sample);
    ASSERT_EQ(flare.ndim(), 2);
    EXPECT_GE(flare.dim(0), 7);
    EXPECT_LE(flare.dim(0), 11);
    auto g = values(run("effects.gravel_particles", {img}, {{"gravel_roi", std::vector<double>{0, 0, 1, 1}}}, 1, sample));
    for (size_t i = 0; i < g.size(); i += 5) {
      EXPECT_LE(g[i], g[i + 1]);
      EXPECT_LE(g[i + 2], g[i + 3]);
      EXPECT_LE(g[i + 4], 255);
    }
  }
}

TEST(EffectsOps, BadInputsAreErrors) {
  Tensor img = gradient(6, 6);
  Tensor gray = Tensor::zeros(DType::U8, {6, 6, 1});
  EXPECT_NE(error_code("effects.fog", {gray, Tensor::empty(DType::I32, {0, 3}), f32(0.5)}), PXP_OK);
  EXPECT_NE(error_code("effects.fog", {img, tensor<int32_t>({1, 1, -4}, {1, 3}), f32(0.5)}), PXP_OK);
  EXPECT_NE(error_code("effects.fog_particles", {img, f32(1.5)}), PXP_OK);
  EXPECT_NE(error_code("effects.sun_flare", {img, tensor<float>({0, 1, 1, 0, 0, 0, 1e30f}, {1, 7})}), PXP_OK);
  EXPECT_NE(error_code("effects.spatter", {img, Tensor::zeros(DType::F32, {5, 6}), f32(1), f32(0.5), f32(0.5)}), PXP_OK);
  EXPECT_NE(error_code("effects.rain_drops", {gradient(1, 6)}), PXP_OK);  // no room for a drop
}

}  // namespace
}  // namespace pxp
