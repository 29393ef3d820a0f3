// color.* ops: hand-computed cases and OpenCV references, u8 and f32, odd and tiny sizes.
#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "kernels/cv_bridge.hpp"
#include "program_builder.hpp"

namespace pxp {
namespace {

using test::run_op;
using test::tensor;
using test::values;
using test::error_code;
using test::f32;
using test::i64;

// A deterministic image with values spread over the dtype's range.
Tensor pattern(DType dtype, Shape shape, uint32_t seed = 1) { return test::pattern(dtype, shape, seed, 12345u); }

Tensor run(const std::string& op, std::vector<Value> in, const test::AttrList& attrs = {}) {
  return run_op(op, in, attrs).tensor();
}


void expect_near_all(const Tensor& a, const Tensor& b, double tol) {
  ASSERT_EQ(a.dtype(), b.dtype());
  ASSERT_EQ(a.shape(), b.shape());
  auto va = values(a), vb = values(b);
  for (size_t i = 0; i < va.size(); ++i) ASSERT_NEAR(va[i], vb[i], tol) << "at " << i;
}

const std::vector<Shape> kSizes3 = {{1, 1, 3}, {1, 7, 3}, {5, 3, 3}, {4, 9, 3}};

TEST(ColorOps, ConvertMatchesOpenCV) {
  struct Case {
    const char* name;
    int code;
    int in_channels;
  };
  const Case cases[] = {{"rgb_to_gray", cv::COLOR_RGB2GRAY, 3},   {"gray_to_rgb", cv::COLOR_GRAY2RGB, 1},
                        {"rgb_to_hsv", cv::COLOR_RGB2HSV, 3},     {"hsv_to_rgb", cv::COLOR_HSV2RGB, 3},
                        {"rgb_to_ycrcb", cv::COLOR_RGB2YCrCb, 3}, {"ycrcb_to_rgb", cv::COLOR_YCrCb2RGB, 3},
                        {"rgb_to_lab", cv::COLOR_RGB2Lab, 3},     {"lab_to_rgb", cv::COLOR_Lab2RGB, 3},
                        {"rgb_to_bgr", cv::COLOR_RGB2BGR, 3},     {"bgr_to_rgb", cv::COLOR_BGR2RGB, 3}};
  for (const auto& c : cases)
    for (DType dt : {DType::U8, DType::F32})
      for (Shape s : kSizes3) {
        s[2] = c.in_channels;
        Tensor img = pattern(dt, s);
        Tensor out = run("color.convert", {img}, {{"conversion", std::string(c.name)}});
        cv::Mat ref;
        cv::cvtColor(kernels::as_mat(img), ref, c.code);
        Tensor expected = kernels::from_mat(ref, true);
        expect_near_all(out, expected, 0.0);
      }
  // A rank-2 gray image becomes H x W x 3.
  Tensor gray = pattern(DType::U8, {2, 3});
  EXPECT_EQ(run("color.convert", {gray}, {{"conversion", std::string("gray_to_rgb")}}).shape(), (Shape{2, 3, 3}));
  // u16 works for gray/YCrCb/BGR, not HSV.
  EXPECT_EQ(run("color.convert", {pattern(DType::U16, {2, 2, 3})}, {{"conversion", std::string("rgb_to_gray")}}).shape(),
            (Shape{2, 2, 1}));
  EXPECT_EQ(error_code("color.convert", {pattern(DType::U16, {2, 2, 3})}, {{"conversion", std::string("rgb_to_hsv")}}),
            PXP_ETYPE);
  EXPECT_EQ(error_code("color.convert", {pattern(DType::U8, {2, 2, 4})}, {{"conversion", std::string("rgb_to_hsv")}}),
            PXP_ETYPE);
}

TEST(ColorOps, BrightnessSaturatesAndClamps) {
  EXPECT_EQ(values(run("color.brightness", {tensor<uint8_t>({100, 200, 0, 3}, {1, 4}), f32(1.5)})),
            (std::vector<double>{150, 255, 0, 4}));  // 4.5 rounds to even
  auto v = values(run("color.brightness", {tensor<float>({0.2f, 0.8f}, {1, 2, 1}), f32(1.5)}));
  EXPECT_NEAR(v[0], 0.3, 1e-6);
  EXPECT_EQ(v[1], 1.0);
  EXPECT_EQ(error_code("color.brightness", {tensor<uint8_t>({1}, {1, 1}), f32(-1)}), PXP_EOUT_OF_RANGE);
}

TEST(ColorOps, ContrastBlendsWithGrayMean) {
  EXPECT_EQ(values(run("color.contrast", {tensor<uint8_t>({0, 100}, {1, 2}), f32(0.5)})),
            (std::vector<double>{25, 75}));
  // RGB: gray per pixel floor(0.2989 r + 0.587 g + 0.114 b): (255,0,0) -> 76, (0,0,0) -> 0; mean 38.
  auto v = values(run("color.contrast", {tensor<uint8_t>({255, 0, 0, 0, 0, 0}, {1, 2, 3}), f32(0.0)}));
  EXPECT_EQ(v, (std::vector<double>(6, 38)));
  auto f = values(run("color.contrast", {tensor<float>({1, 0, 0, 0, 0, 0}, {2, 1, 3}), f32(2.0)}));
  // mean = 0.2989 / 2; 1 * 2 - mean -> clamped 1; 0 * 2 - mean -> 0.
  EXPECT_EQ(f, (std::vector<double>{1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(error_code("color.contrast", {pattern(DType::U8, {2, 2, 2}), f32(1)}), PXP_EINVALID_ARGUMENT);
}

TEST(ColorOps, SaturationZeroIsGray) {
  Tensor img = tensor<uint8_t>({255, 0, 0, 10, 20, 30}, {2, 1, 3});
  auto v = values(run("color.saturation", {img, f32(0.0)}));
  double g2 = std::floor(0.2989f * 10 + 0.587f * 20 + 0.114f * 30);
  EXPECT_EQ(v, (std::vector<double>{76, 76, 76, g2, g2, g2}));
  EXPECT_TRUE(run("color.saturation", {img, f32(1.0)}).bit_equal(img));
  Tensor gray = pattern(DType::U8, {3, 3});
  EXPECT_TRUE(run("color.saturation", {gray, f32(0.3)}).bit_equal(gray));
}

TEST(ColorOps, HueRotates) {
  Tensor red = tensor<uint8_t>({255, 0, 0}, {1, 1, 3});
  EXPECT_EQ(values(run("color.hue", {red, f32(0.5)})), (std::vector<double>{0, 255, 255}));
  EXPECT_EQ(values(run("color.hue", {red, f32(1.0 / 3.0)})), (std::vector<double>{0, 255, 0}));
  EXPECT_EQ(values(run("color.hue", {red, f32(-1.0 / 3.0)})), (std::vector<double>{0, 0, 255}));
  for (Shape s : kSizes3) {
    Tensor img = pattern(DType::U8, s);
    expect_near_all(run("color.hue", {img, f32(0.0)}), img, 1.0);
    Tensor fimg = pattern(DType::F32, s);
    expect_near_all(run("color.hue", {fimg, f32(0.0)}), fimg, 1e-5);
  }
  EXPECT_EQ(error_code("color.hue", {red, f32(0.7)}), PXP_EOUT_OF_RANGE);
}

TEST(ColorOps, GammaMatchesFormula) {
  Tensor img = pattern(DType::U8, {3, 5, 3});
  auto in = values(img), out = values(run("color.gamma", {img, f32(2.2)}, {{"gain", 1.1}}));
  for (size_t i = 0; i < in.size(); ++i)
    EXPECT_NEAR(out[i], std::min(255.0, 1.1 * std::pow(in[i] / 255.0, 2.2) * 255.0), 0.5 + 1e-9);
  Tensor fimg = pattern(DType::F32, {1, 4});
  auto fin = values(fimg), fout = values(run("color.gamma", {fimg, f32(0.5)}));
  for (size_t i = 0; i < fin.size(); ++i) EXPECT_NEAR(fout[i], std::sqrt(fin[i]), 1e-6);
}

TEST(ColorOps, NormalizeFusesScaleMeanStdAndLayout) {
  Tensor img = pattern(DType::U8, {3, 5, 3});
  Tensor mean = tensor<float>({0.485f, 0.456f, 0.406f}, {3});
  Tensor stdv = tensor<float>({0.229f, 0.224f, 0.225f}, {3});
  const double scale = 1.0 / 255.0;
  Tensor hwc = run("color.normalize", {img, mean, stdv}, {{"scale", scale}});
  Tensor chw = run("color.normalize", {img, mean, stdv}, {{"scale", scale}, {"chw", true}});
  ASSERT_EQ(hwc.shape(), (Shape{3, 5, 3}));
  ASSERT_EQ(chw.shape(), (Shape{3, 3, 5}));
  ASSERT_EQ(chw.dtype(), DType::F32);
  auto in = values(img), vh = values(hwc), vc = values(chw);
  const double m[] = {0.485, 0.456, 0.406}, s[] = {0.229, 0.224, 0.225};
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 5; ++x)
      for (int c = 0; c < 3; ++c) {
        double e = (in[(y * 5 + x) * 3 + c] * scale - m[c]) / s[c];
        EXPECT_NEAR(vh[(y * 5 + x) * 3 + c], e, 1e-5);
        EXPECT_NEAR(vc[(c * 3 + y) * 5 + x], e, 1e-5);
      }
  // Scalars, two channels (generic CHW path), a rank-2 image.
  Tensor two = pattern(DType::F32, {2, 3, 2});
  auto v2 = values(run("color.normalize", {two, f32(0.5), f32(2.0)}, {{"chw", true}}));
  auto in2 = values(two);
  EXPECT_NEAR(v2[1 * 6 + 0], (in2[1] - 0.5) / 2.0, 1e-6);
  EXPECT_EQ(run("color.normalize", {pattern(DType::U16, {1, 1}), f32(0), f32(1)}, {{"chw", true}}).shape(), (Shape{1, 1}));
  // a mean of the wrong length is a type error when the program loads (its length is in the type)...
  EXPECT_EQ(error_code("color.normalize", {img, tensor<float>({1, 2}, {2}), f32(1)}), PXP_ETYPE);
  // ... and an argument error in the sample when it is not known before (a list made per sample)
  auto per_sample_mean = [&] {
    test::ProgramBuilder b;
    uint32_t count = b.op("core.sample_index");
    uint32_t mean = b.op("tensor.from_list", {b.op("list.repeat", {b.scalar<float>(1.0f), count})});
    b.output("out", b.op("color.normalize", {b.constant(Value(img)), mean, b.scalar<float>(1.0f)}));
    Pipeline(b.load(), 0, 1).run(2);
  };
  EXPECT_EQ(test::error_code(per_sample_mean), PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(error_code("color.normalize", {img, f32(0), f32(0)}), PXP_EINVALID_ARGUMENT);
}

TEST(ColorOps, FlipNormalizeIsNormalizeOfTheFlippedImageBitForBit) {
  // Large u8 RGB images take the table path, small ones and other dtypes the generic loop.
  const std::vector<std::pair<DType, Shape>> images = {{DType::U8, {17, 23, 3}}, {DType::U8, {3, 5, 3}},
                                                       {DType::U16, {4, 6, 3}}, {DType::F32, {5, 7, 3}},
                                                       {DType::U8, {9, 40}},    {DType::F32, {4, 3, 2}}};
  for (const auto& [dtype, shape] : images) {
    Tensor img = pattern(dtype, shape);
    const int64_t c = shape.size() == 3 ? shape[2] : 1;
    Value mean = c == 3 ? Value(tensor<float>({0.485f, 0.456f, 0.406f}, {3})) : f32(0.25f);
    Value stdv = c == 3 ? Value(tensor<float>({0.229f, 0.224f, 0.225f}, {3})) : f32(0.5f);
    Tensor flipped = run("image.flip", {img});
    for (bool chw : {false, true}) {
      test::AttrList attrs{{"scale", 1.0 / 255.0}, {"chw", chw}};
      SCOPED_TRACE(std::string(dtype_name(dtype)) + " " + std::to_string(shape[0]) + "x" + std::to_string(shape[1]) +
                   (chw ? " chw" : " hwc"));
      Tensor expected_flipped = run("color.normalize", {flipped, mean, stdv}, attrs);
      Tensor expected_plain = run("color.normalize", {img, mean, stdv}, attrs);
      EXPECT_TRUE(run("color.flip_normalize", {img, tensor<bool>({true}, {}), mean, stdv}, attrs).bit_equal(expected_flipped));
      EXPECT_TRUE(run("color.flip_normalize", {img, tensor<bool>({false}, {}), mean, stdv}, attrs).bit_equal(expected_plain));
    }
  }
  EXPECT_EQ(error_code("color.flip_normalize", {pattern(DType::U8, {2, 2, 3}), f32(1), f32(0), f32(0)}),
            PXP_EINVALID_ARGUMENT);
}

TEST(ColorOps, NormalizeTablePathMatchesTheFormula) {
  Tensor img = pattern(DType::U8, {20, 30, 3});  // 600 pixels: the u8 table path
  Tensor mean = tensor<float>({0.485f, 0.456f, 0.406f}, {3});
  Tensor stdv = tensor<float>({0.229f, 0.224f, 0.225f}, {3});
  auto in = values(img), out = values(run("color.normalize", {img, mean, stdv}, {{"scale", 1.0 / 255.0}, {"chw", true}}));
  const double m[] = {0.485, 0.456, 0.406}, s[] = {0.229, 0.224, 0.225};
  for (int64_t i = 0; i < 600; ++i)
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(out[c * 600 + i], (in[i * 3 + c] / 255.0 - m[c]) / s[c], 1e-5);
}

TEST(ColorOps, BrightnessContrastSaturationIsTheChainBitForBit) {
  const std::vector<std::pair<DType, Shape>> images = {{DType::U8, {31, 29, 3}}, {DType::U8, {9, 40}},
                                                       {DType::U8, {2, 3, 3}},  {DType::U16, {6, 5, 3}},
                                                       {DType::F32, {7, 4, 3}}, {DType::U8, {12, 10, 1}}};
  const std::vector<std::array<float, 3>> factors = {{1.3f, 0.7f, 1.4f}, {0.6f, 1.4f, 0.6f}, {1.f, 1.f, 1.f},
                                                      {0.f, 2.f, 0.f},     {2.5f, 0.f, 3.f}};
  for (const auto& [dtype, shape] : images)
    for (uint32_t seed : {1u, 2u}) {
      Tensor img = pattern(dtype, shape, seed);
      for (const auto& f : factors) {
        SCOPED_TRACE(std::string(dtype_name(dtype)) + " " + std::to_string(f[0]) + " " + std::to_string(f[1]) + " " +
                     std::to_string(f[2]));
        Tensor chained =
            run("color.saturation", {run("color.contrast", {run("color.brightness", {img, f32(f[0])}), f32(f[1])}),
                                     f32(f[2])});
        Tensor fused = run("color.brightness_contrast_saturation", {img, f32(f[0]), f32(f[1]), f32(f[2])});
        EXPECT_TRUE(fused.bit_equal(chained));
      }
    }
  EXPECT_EQ(error_code("color.brightness_contrast_saturation", {pattern(DType::U8, {2, 2, 3}), f32(-1), f32(1), f32(1)}),
            PXP_EOUT_OF_RANGE);
  EXPECT_EQ(error_code("color.brightness_contrast_saturation", {pattern(DType::U8, {2, 2, 2}), f32(1), f32(1), f32(1)}),
            PXP_EINVALID_ARGUMENT);
}

TEST(ColorOps, ConvertDepthScalesByRanges) {
  Tensor u8 = tensor<uint8_t>({0, 128, 255}, {1, 3});
  Tensor f = run("color.convert_depth", {u8}, {{"dtype", std::string("f32")}});
  EXPECT_EQ(f.dtype(), DType::F32);
  EXPECT_NEAR(values(f)[1], 128.0 / 255.0, 1e-7);
  EXPECT_EQ(values(run("color.convert_depth", {u8}, {{"dtype", std::string("u16")}})), (std::vector<double>{0, 32896, 65535}));
  Tensor fl = tensor<float>({-0.5f, 0.5f, 1.2f}, {1, 3, 1});
  Tensor back = run("color.convert_depth", {fl}, {{"dtype", std::string("u8")}});
  EXPECT_EQ(back.shape(), (Shape{1, 3, 1}));
  EXPECT_EQ(values(back), (std::vector<double>{0, 128, 255}));
  EXPECT_EQ(values(run("color.convert_depth", {fl}, {{"dtype", std::string("u8")}, {"scale", false}})),
            (std::vector<double>{0, 0, 1}));  // 0.5 rounds to even
  EXPECT_EQ(error_code("color.convert_depth", {u8}, {{"dtype", std::string("i32")}}), PXP_ETYPE);
}

TEST(ColorOps, ThresholdMatchesOpenCV) {
  const std::pair<const char*, int> types[] = {{"binary", cv::THRESH_BINARY},
                                               {"binary_inv", cv::THRESH_BINARY_INV},
                                               {"trunc", cv::THRESH_TRUNC},
                                               {"to_zero", cv::THRESH_TOZERO}};
  for (const auto& [name, flag] : types)
    for (DType dt : {DType::U8, DType::F32})
      for (const Shape& s : kSizes3) {
        Tensor img = pattern(dt, s);
        double t = dt == DType::U8 ? 100.5 : 0.4, mv = dt == DType::U8 ? 200 : 0.9;
        Tensor out = run("color.threshold", {img, f32(t)}, {{"type", std::string(name)}, {"max_value", mv}});
        cv::Mat ref;
        cv::threshold(kernels::as_mat(img), ref, t, mv, flag);
        expect_near_all(out, kernels::from_mat(ref, true), 0.0);
      }
  // Default max_value: the dtype's full intensity.
  EXPECT_EQ(values(run("color.threshold", {tensor<uint16_t>({5, 50}, {1, 2}), f32(10)})), (std::vector<double>{0, 65535}));
}

TEST(ColorOps, InvertSolarizePosterize) {
  EXPECT_EQ(values(run("color.invert", {tensor<uint8_t>({0, 10, 255}, {1, 3})})), (std::vector<double>{255, 245, 0}));
  EXPECT_EQ(values(run("color.invert", {tensor<uint16_t>({1}, {1, 1})})), (std::vector<double>{65534}));
  EXPECT_NEAR(values(run("color.invert", {tensor<float>({0.25f}, {1, 1, 1})}))[0], 0.75, 1e-7);
  EXPECT_EQ(values(run("color.solarize", {tensor<uint8_t>({10, 127, 128, 200}, {2, 2}), f32(128)})),
            (std::vector<double>{10, 127, 127, 55}));
  EXPECT_EQ(values(run("color.posterize", {tensor<uint8_t>({255, 0x5a, 7}, {1, 3}), i64(3)})),
            (std::vector<double>{0xe0, 0x40, 0}));
  EXPECT_EQ(values(run("color.posterize", {tensor<uint8_t>({255}, {1, 1}), i64(0)})), (std::vector<double>{0}));
  EXPECT_EQ(error_code("color.posterize", {pattern(DType::F32, {2, 2}), i64(3)}), PXP_ETYPE);
  EXPECT_EQ(error_code("color.posterize", {pattern(DType::U8, {2, 2}), i64(9)}), PXP_EOUT_OF_RANGE);
}

TEST(ColorOps, EqualizeLikePil) {
  // 4 pixels: levels 0, 0, 100, 200. step = (4 - 1) // 255 = 0 -> unchanged.
  Tensor small = tensor<uint8_t>({0, 0, 100, 200}, {2, 2});
  EXPECT_TRUE(run("color.equalize", {small}).bit_equal(small));
  // 510 pixels: 255 at level 10, 255 at level 20. step = (510 - 255) // 255 = 1;
  // lut[10] = (0 + 0) // 1 = 0, lut[20] = (0 + 255) // 1 = 255.
  std::vector<uint8_t> px(510, 10);
  std::fill(px.begin() + 255, px.end(), 20);
  auto v = values(run("color.equalize", {tensor<uint8_t>(px, {17, 30, 1})}));
  EXPECT_EQ(v[0], 0);
  EXPECT_EQ(v[509], 255);
  // Channels are independent: a constant second channel stays.
  std::vector<uint8_t> two;
  for (int i = 0; i < 510; ++i) {
    two.push_back(px[static_cast<size_t>(i)]);
    two.push_back(7);
  }
  auto v2 = values(run("color.equalize", {tensor<uint8_t>(two, {510, 1, 2})}));
  EXPECT_EQ(v2[0], 0);
  EXPECT_EQ(v2[1], 7);
  EXPECT_EQ(v2[1019], 7);
  EXPECT_EQ(error_code("color.equalize", {pattern(DType::F32, {2, 2})}), PXP_ETYPE);
}

TEST(ColorOps, AutocontrastPerChannelLikeTorchvision) {
  // channel 0 spans [0, 7]: 1 -> 255 / 7 = 36.4, truncated; 7 -> 7 / (7 * f32(1 / 255)) = 254.99999,
  // truncated to 254 as torch computes it; channel 1 is constant and kept
  Tensor img = tensor<uint8_t>({0, 9, 1, 9, 7, 9}, {1, 3, 2});
  EXPECT_EQ(values(run("color.stretch_contrast", {img})), (std::vector<double>{0, 9, 36, 9, 254, 9}));
  auto f = values(run("color.stretch_contrast", {tensor<float>({0.25f, 0.5f, 0.75f}, {1, 3})}));
  EXPECT_NEAR(f[0], 0.0, 1e-6);
  EXPECT_NEAR(f[1], 0.5, 1e-6);
  EXPECT_NEAR(f[2], 1.0, 1e-6);
}

TEST(ColorOps, BlendSelectMergeMinmax) {
  Tensor a = tensor<uint8_t>({0, 100, 250}, {1, 3}), b = tensor<uint8_t>({255, 200, 255}, {1, 3});
  EXPECT_EQ(values(run("color.blend", {a, b, f32(0.25)})), (std::vector<double>{64, 125, 251}));
  EXPECT_EQ(values(run("color.blend", {a, b, f32(2.0)})), (std::vector<double>{255, 255, 255}));
  auto fb = values(run("color.blend", {tensor<float>({0, 1}, {1, 2}), tensor<float>({1, 3}, {1, 2}), f32(0.5)}));
  EXPECT_EQ(fb, (std::vector<double>{0.5, 2.0}));  // f32 is not clamped
  EXPECT_EQ(error_code("color.blend", {a, tensor<uint8_t>({1, 2}, {1, 2}), f32(0.5)}), PXP_EINVALID_ARGUMENT);

  Tensor rgb = tensor<uint8_t>({1, 2, 3, 4, 5, 6}, {1, 2, 3});
  Tensor sel = run("color.select_channels", {rgb}, {{"channels", std::vector<int64_t>{2, 0, 0}}});
  EXPECT_EQ(sel.shape(), (Shape{1, 2, 3}));
  EXPECT_EQ(values(sel), (std::vector<double>{3, 1, 1, 6, 4, 4}));
  EXPECT_EQ(run("color.select_channels", {pattern(DType::U8, {2, 3})}, {{"channels", std::vector<int64_t>{0}}}).shape(),
            (Shape{2, 3}));
  EXPECT_EQ(error_code("color.select_channels", {rgb}, {{"channels", std::vector<int64_t>{3}}}), PXP_ETYPE);

  Tensor merged = run("color.merge_channels", {tensor<uint8_t>({9, 8}, {1, 2}), rgb});
  EXPECT_EQ(merged.shape(), (Shape{1, 2, 4}));
  EXPECT_EQ(values(merged), (std::vector<double>{9, 1, 2, 3, 8, 4, 5, 6}));
  EXPECT_NE(error_code("color.merge_channels", {tensor<uint8_t>({9}, {1, 1}), rgb}), PXP_OK);

  auto mm = values(run("color.minmax_normalize", {tensor<uint8_t>({10, 20, 30}, {1, 3})}));
  EXPECT_EQ(mm, (std::vector<double>{0, 0.5, 1}));
  EXPECT_EQ(values(run("color.minmax_normalize", {tensor<float>({3, 3}, {2, 1})})), (std::vector<double>{0, 0}));
}

}  // namespace
}  // namespace pxp
