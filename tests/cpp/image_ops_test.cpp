// image.*: decoders against encoders and TurboJPEG, geometry against OpenCV called directly
// (with the half-pixel shift of the continuous convention) and hand-computed cases.
#include <gtest/gtest.h>

#include <png.h>

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "image_test_codecs.hpp"
#include "kernels/cv_bridge.hpp"
#include "kernels/image_geometry.hpp"
#include "program_builder.hpp"

namespace pxp::test {
namespace {

using kernels::as_mat;

// Ops run with constant inputs folded at load (as_runtime needs math ops); the exec code is the
// same either way.
// Inputs pass through flow.select on the sample index, so nothing is folded at load and errors
// keep their run-time codes (run_op's as_runtime mode needs math ops from another family).
Value run(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {}) {
  return run_unfolded(op, inputs, attrs);
}

Error run_error(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {}) {
  try {
    run(op, inputs, attrs);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << op << " did not fail";
  return Error(PXP_EINTERNAL, "no error");
}

Value i64(int64_t v) { return Value::scalar<int64_t>(v); }

Tensor box(double x1, double y1, double x2, double y2) { return tensor<float>({float(x1), float(y1), float(x2), float(y2)}, {4}); }

double max_abs_diff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  if (a.shape() != b.shape()) return 1e30;
  auto va = values(a), vb = values(b);
  double m = 0;
  for (size_t i = 0; i < va.size(); ++i) m = std::max(m, std::fabs(va[i] - vb[i]));
  return m;
}

Tensor mat_tensor(const cv::Mat& m, bool channels_dim = true) { return kernels::from_mat(m.clone(), channels_dim); }

cv::Matx33d to_opencv(const cv::Matx33d& m) {
  cv::Matx33d in(1, 0, 0.5, 0, 1, 0.5, 0, 0, 1), out(1, 0, -0.5, 0, 1, -0.5, 0, 0, 1);
  return out * m * in;
}

Tensor matrix_tensor(const cv::Matx33d& m) {
  std::vector<float> v(9);
  for (int i = 0; i < 9; ++i) v[i] = static_cast<float>(m.val[i]);
  return tensor<float>(v, {3, 3});
}

const std::vector<std::string> kBorders{"constant", "replicate", "reflect", "wrap"};
const int kCvBorders[] = {cv::BORDER_CONSTANT, cv::BORDER_REPLICATE, cv::BORDER_REFLECT, cv::BORDER_WRAP};

// ---------------------------------------------------------------- JPEG

TEST(ImageDecode, JpegMatchesTurboJpegExactly) {
  for (auto [h, w] : {std::pair{1, 1}, {1, 17}, {13, 1}, {37, 53}, {64, 48}}) {
    for (bool progressive : {false, true}) {
      Bytes jpg = encode_jpeg(pattern_u8(h, w, 3), 90, progressive);
      Tensor rgb = run("image.decode_jpeg", {bytes_tensor(jpg)}).tensor();
      EXPECT_EQ(rgb.shape(), (Shape{h, w, 3}));
      EXPECT_TRUE(rgb.bit_equal(turbojpeg_decode(jpg, false))) << h << "x" << w;
      Tensor gray = run("image.decode_jpeg", {bytes_tensor(jpg)}, {{"mode", std::string("gray")}}).tensor();
      EXPECT_TRUE(gray.bit_equal(turbojpeg_decode(jpg, true)));
    }
  }
}

TEST(ImageDecode, JpegIsCloseToTheEncodedPixels) {
  Tensor src = pattern_u8(40, 30, 3);
  Tensor out = run("image.decode_jpeg", {bytes_tensor(encode_jpeg(src, 100))}).tensor();
  double mean = 0;
  auto a = values(src), b = values(out);
  for (size_t i = 0; i < a.size(); ++i) mean += std::fabs(a[i] - b[i]);
  EXPECT_LT(mean / a.size(), 4.0);
}

TEST(ImageDecode, JpegModes) {
  Bytes gray_file = encode_jpeg(pattern_u8(9, 11, 1));
  Bytes color_file = encode_jpeg(pattern_u8(9, 11, 3));
  auto shape = [](const Bytes& f, const std::string& mode) {
    return run("image.decode_jpeg", {bytes_tensor(f)}, {{"mode", mode}}).tensor().shape();
  };
  EXPECT_EQ(shape(gray_file, "unchanged"), (Shape{9, 11, 1}));
  EXPECT_EQ(shape(gray_file, "rgb"), (Shape{9, 11, 3}));
  EXPECT_EQ(shape(color_file, "unchanged"), (Shape{9, 11, 3}));
  EXPECT_EQ(shape(color_file, "gray"), (Shape{9, 11, 1}));
  // a gray file decoded as RGB has three equal channels
  Tensor rgb = run("image.decode_jpeg", {bytes_tensor(gray_file)}).tensor();
  auto v = values(rgb);
  for (size_t i = 0; i < v.size(); i += 3) ASSERT_TRUE(v[i] == v[i + 1] && v[i] == v[i + 2]);
}

TEST(ImageDecode, JpegDctScaling) {
  Bytes jpg = encode_jpeg(pattern_u8(67, 45, 3));
  for (int denom : {2, 4, 8}) {
    Tensor t = run("image.decode_jpeg", {bytes_tensor(jpg)}, {{"scale", "1/" + std::to_string(denom)}}).tensor();
    EXPECT_EQ(t.shape(), (Shape{(67 + denom - 1) / denom, (45 + denom - 1) / denom, 3}));
    EXPECT_TRUE(t.bit_equal(turbojpeg_decode(jpg, false, denom)));
  }
}

void expect_decode_error(const std::string& op, const Bytes& data, const std::string& needle,
                         const AttrList& attrs = {}) {
  Error e = run_error(op, {bytes_tensor(data)}, attrs);
  EXPECT_EQ(e.code(), PXP_EDECODE) << e.message();
  EXPECT_NE(e.message().find(needle), std::string::npos) << e.message();
}

TEST(ImageDecode, JpegCorruptDataIsADecodeError) {
  Bytes jpg = encode_jpeg(pattern_u8(64, 64, 3));
  expect_decode_error("image.decode_jpeg", {}, "empty");
  expect_decode_error("image.decode_jpeg", Bytes(jpg.begin(), jpg.begin() + 2), "JPEG");
  for (size_t keep : {size_t(3), size_t(20), size_t(200), jpg.size() / 2, jpg.size() - 2})
    expect_decode_error("image.decode_jpeg", Bytes(jpg.begin(), jpg.begin() + keep), "JPEG");
  Bytes random(5000);
  uint32_t s = 7;
  for (auto& b : random) b = static_cast<uint8_t>((s = s * 1103515245u + 12345u) >> 16);
  expect_decode_error("image.decode_jpeg", random, "JPEG");
  // a valid start followed by garbage
  Bytes garbage(jpg.begin(), jpg.begin() + 4);
  garbage.insert(garbage.end(), random.begin(), random.end());
  expect_decode_error("image.decode_jpeg", garbage, "JPEG");
  // entropy data overwritten: every byte flip either decodes or fails cleanly (no crash)
  for (size_t pos = jpg.size() / 3; pos < jpg.size(); pos += 97) {
    Bytes bad = jpg;
    bad[pos] ^= 0x5A;
    try {
      run("image.decode_jpeg", {bytes_tensor(bad)});
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), PXP_EDECODE);
    }
  }
}

// Patches the SOF0 marker of a baseline JPEG to claim another size.
Bytes with_jpeg_size(Bytes jpg, uint16_t width, uint16_t height) {
  for (size_t i = 2; i + 8 < jpg.size(); ++i) {
    if (jpg[i] == 0xFF && jpg[i + 1] == 0xC0) {
      jpg[i + 5] = height >> 8, jpg[i + 6] = height & 255;
      jpg[i + 7] = width >> 8, jpg[i + 8] = width & 255;
      return jpg;
    }
  }
  ADD_FAILURE() << "no SOF0";
  return jpg;
}

TEST(ImageDecode, JpegPixelLimitIsCheckedBeforeAllocation) {
  Bytes huge = with_jpeg_size(encode_jpeg(pattern_u8(16, 16, 3)), 65000, 65000);
  expect_decode_error("image.decode_jpeg", huge, "65000 x 65000");
  expect_decode_error("image.decode_jpeg", huge, "max_pixels = 268435456");
  expect_decode_error("image.decode", huge, "65000 x 65000");
  Bytes small = encode_jpeg(pattern_u8(100, 100, 3));
  expect_decode_error("image.decode_jpeg", small, "exceeds", {{"max_pixels", int64_t(9999)}});
  EXPECT_EQ(run("image.decode_jpeg", {bytes_tensor(small)}, {{"max_pixels", int64_t(10000)}}).tensor().dim(0), 100);
}

// ---------------------------------------------------------------- PNG

TEST(ImageDecode, PngRoundTripsExactly) {
  for (auto [h, w] : {std::pair{1, 1}, {1, 9}, {7, 1}, {13, 22}}) {
    for (int64_t c : {1, 2, 3, 4}) {
      for (bool interlaced : {false, true}) {
        Tensor src = pattern_u8(h, w, c);
        PngSpec spec;
        spec.interlaced = interlaced;
        Tensor out = run("image.decode_png", {bytes_tensor(encode_png(src, spec))}).tensor();
        EXPECT_TRUE(out.bit_equal(src)) << h << "x" << w << "x" << c;
      }
    }
  }
}

TEST(ImageDecode, Png16BitIsU16) {
  Tensor src = Tensor::empty(DType::U16, {5, 6, 3});
  for (int64_t i = 0; i < src.numel(); ++i) src.mutable_data<uint16_t>()[i] = static_cast<uint16_t>(i * 997 + 3);
  Bytes png = encode_png(src);
  Tensor out = run("image.decode_png", {bytes_tensor(png)}).tensor();
  EXPECT_TRUE(out.bit_equal(src));
  // image.decode keeps the high byte
  Tensor u8 = run("image.decode", {bytes_tensor(png)}).tensor();
  ASSERT_EQ(u8.dtype(), DType::U8);
  for (int64_t i = 0; i < src.numel(); ++i) ASSERT_EQ(u8.data<uint8_t>()[i], src.data<uint16_t>()[i] >> 8);
}

TEST(ImageDecode, PngModes) {
  Tensor rgba = pattern_u8(4, 5, 4);
  Bytes png = encode_png(rgba);
  Tensor rgb = run("image.decode_png", {bytes_tensor(png)}, {{"mode", std::string("rgb")}}).tensor();
  ASSERT_EQ(rgb.shape(), (Shape{4, 5, 3}));
  for (int64_t p = 0; p < 20; ++p)
    for (int k = 0; k < 3; ++k) ASSERT_EQ(rgb.data<uint8_t>()[p * 3 + k], rgba.data<uint8_t>()[p * 4 + k]);
  Tensor gray = run("image.decode_png", {bytes_tensor(png)}, {{"mode", std::string("gray")}}).tensor();
  ASSERT_EQ(gray.shape(), (Shape{4, 5, 1}));
  for (int64_t p = 0; p < 20; ++p) {
    const uint8_t* q = rgba.data<uint8_t>() + p * 4;
    double luma = 0.299 * q[0] + 0.587 * q[1] + 0.114 * q[2];
    ASSERT_NEAR(gray.data<uint8_t>()[p], luma, 1.0);
  }
  Tensor g = pattern_u8(3, 3, 1);
  Tensor as_rgb = run("image.decode_png", {bytes_tensor(encode_png(g))}, {{"mode", std::string("rgb")}}).tensor();
  for (int64_t p = 0; p < 9; ++p)
    for (int k = 0; k < 3; ++k) ASSERT_EQ(as_rgb.data<uint8_t>()[p * 3 + k], g.data<uint8_t>()[p]);
}

TEST(ImageDecode, PngPaletteIndicesAndColors) {
  // Non-square on purpose: a transposed decode would scramble it.
  Tensor idx = Tensor::empty(DType::U8, {3, 7, 1});
  for (int64_t i = 0; i < 21; ++i) idx.mutable_data<uint8_t>()[i] = static_cast<uint8_t>((i * 5) % 4);
  PngSpec spec;
  spec.color_type = PNG_COLOR_TYPE_PALETTE;
  spec.palette = {10, 20, 30, 40, 50, 60, 70, 80, 90, 200, 210, 220};
  for (int depth : {2, 4, 8}) {
    spec.bit_depth = depth;
    Bytes png = encode_png(idx, spec);
    Tensor out = run("image.decode_png", {bytes_tensor(png)}, {{"mode", std::string("indices")}}).tensor();
    EXPECT_TRUE(out.bit_equal(idx)) << depth;
    Tensor colors = run("image.decode_png", {bytes_tensor(png)}).tensor();
    ASSERT_EQ(colors.shape(), (Shape{3, 7, 3}));
    for (int64_t i = 0; i < 21; ++i)
      for (int k = 0; k < 3; ++k)
        ASSERT_EQ(colors.data<uint8_t>()[i * 3 + k], spec.palette[idx.data<uint8_t>()[i] * 3 + k]);
  }
  spec.bit_depth = 8;
  spec.trns = {0, 128};
  Tensor rgba = run("image.decode_png", {bytes_tensor(encode_png(idx, spec))}).tensor();
  ASSERT_EQ(rgba.shape(), (Shape{3, 7, 4}));
  for (int64_t i = 0; i < 21; ++i) {
    int v = idx.data<uint8_t>()[i];
    ASSERT_EQ(rgba.data<uint8_t>()[i * 4 + 3], v == 0 ? 0 : v == 1 ? 128 : 255);
  }
  // indices of a non-palette PNG is a decode error
  expect_decode_error("image.decode_png", encode_png(pattern_u8(2, 2, 3)), "palette",
                      {{"mode", std::string("indices")}});
}

TEST(ImageDecode, PngLowBitGrayIsScaled) {
  Tensor g = Tensor::empty(DType::U8, {2, 4, 1});
  for (int64_t i = 0; i < 8; ++i) g.mutable_data<uint8_t>()[i] = static_cast<uint8_t>(i % 2);
  PngSpec spec;
  spec.bit_depth = 1;
  Tensor out = run("image.decode_png", {bytes_tensor(encode_png(g, spec))}).tensor();
  for (int64_t i = 0; i < 8; ++i) ASSERT_EQ(out.data<uint8_t>()[i], (i % 2) * 255);
}

TEST(ImageDecode, PngCorruptDataIsADecodeError) {
  Bytes png = encode_png(pattern_u8(40, 40, 3));
  expect_decode_error("image.decode_png", {}, "empty");
  for (size_t keep : {size_t(4), size_t(8), size_t(20), size_t(40), png.size() / 2, png.size() - 1})
    expect_decode_error("image.decode_png", Bytes(png.begin(), png.begin() + keep), "PNG");
  Bytes bad = png;
  bad[20] ^= 0xFF;  // inside IHDR: the CRC no longer matches
  expect_decode_error("image.decode_png", bad, "PNG");
  Bytes random(3000, 0x42);
  expect_decode_error("image.decode_png", random, "PNG");
  for (size_t pos = 40; pos < png.size(); pos += 53) {
    Bytes flipped = png;
    flipped[pos] ^= 0x33;
    try {
      run("image.decode_png", {bytes_tensor(flipped)});
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), PXP_EDECODE);
    }
  }
}

TEST(ImageDecode, PngPixelLimitIsCheckedBeforeAllocation) {
  Bytes header = png_header_only(100000, 100000);
  expect_decode_error("image.decode_png", header, "100000 x 100000");
  expect_decode_error("image.decode_png", header, "max_pixels = 268435456");
  expect_decode_error("image.decode", header, "100000 x 100000");
  expect_decode_error("image.decode_png", encode_png(pattern_u8(10, 10, 1)), "exceeds",
                      {{"max_pixels", int64_t(99)}});
}

TEST(ImageDecode, DecodeDispatchesOnSignature) {
  Tensor src = pattern_u8(6, 5, 3);
  Tensor from_png = run("image.decode", {bytes_tensor(encode_png(src))}).tensor();
  EXPECT_TRUE(from_png.bit_equal(src));
  Bytes jpg = encode_jpeg(src);
  EXPECT_TRUE(run("image.decode", {bytes_tensor(jpg)}).tensor().bit_equal(turbojpeg_decode(jpg, false)));
  EXPECT_EQ(run("image.decode", {bytes_tensor(jpg)}, {{"mode", std::string("gray")}}).tensor().shape(),
            (Shape{6, 5, 1}));
  EXPECT_EQ(run("image.decode", {bytes_tensor(encode_png(pattern_u8(2, 3, 4)))}, {{"mode", std::string("unchanged")}})
                .tensor()
                .shape(),
            (Shape{2, 3, 4}));
  expect_decode_error("image.decode", {}, "empty");
  expect_decode_error("image.decode", Bytes{'G', 'I', 'F', '8', '9', 'a', 0, 0}, "unknown image format");
}

TEST(ImageDecode, DataMustBeU8Bytes) {
  Error e = run_error("image.decode", {Value(tensor<float>({1, 2}, {2}))});
  EXPECT_EQ(e.code(), PXP_ETYPE);
}

// ---------------------------------------------------------------- properties

TEST(ImageOps, InfoWidthHeightChannels) {
  Tensor img = pattern_u8(5, 7, 3);
  EXPECT_EQ(values(run("image.info", {img}).tensor()), (std::vector<double>{5, 7, 3}));
  EXPECT_EQ(run("image.width", {img}).as_int(), 7);
  EXPECT_EQ(run("image.height", {img}).as_int(), 5);
  EXPECT_EQ(run("image.channels", {img}).as_int(), 3);
  Tensor gray = Tensor::zeros(DType::F32, {4, 2});
  EXPECT_EQ(values(run("image.info", {gray}).tensor()), (std::vector<double>{4, 2, 1}));
  EXPECT_EQ(run_error("image.info", {Value(tensor<float>({1, 2}, {2}))}).code(), PXP_ETYPE);
}

// ---------------------------------------------------------------- crop, flip, transpose, rotate

TEST(ImageGeometry, CropClipsAndRounds) {
  Tensor img = pattern_u8(6, 8, 2);
  Tensor c = run("image.crop", {img, box(2, 1, 5, 4)}).tensor();
  ASSERT_EQ(c.shape(), (Shape{3, 3, 2}));
  for (int64_t y = 0; y < 3; ++y)
    for (int64_t x = 0; x < 3; ++x)
      for (int64_t k = 0; k < 2; ++k)
        ASSERT_EQ(c.contiguous().data<uint8_t>()[(y * 3 + x) * 2 + k],
                  img.data<uint8_t>()[((y + 1) * 8 + x + 2) * 2 + k]);
  // partly outside: clipped
  EXPECT_EQ(run("image.crop", {img, box(-3, -2, 2, 10)}).tensor().shape(), (Shape{6, 2, 2}));
  // fully outside: empty
  EXPECT_EQ(run("image.crop", {img, box(20, 20, 30, 30)}).tensor().shape(), (Shape{0, 0, 2}));
  // fractional: origin rounds to (1, 2), size rounds to 3 x 2
  Tensor f = run("image.crop", {img, box(0.6, 1.5, 3.7, 3.6)}).tensor();
  EXPECT_EQ(f.shape(), (Shape{2, 3, 2}));
  EXPECT_EQ(f.contiguous().data<uint8_t>()[0], img.data<uint8_t>()[(2 * 8 + 1) * 2]);
  // rank 2 stays rank 2; integer boxes work
  Tensor g = Tensor::zeros(DType::F32, {4, 4});
  EXPECT_EQ(run("image.crop", {g, tensor<int32_t>({1, 1, 3, 4}, {4})}).tensor().shape(), (Shape{3, 2}));
  EXPECT_EQ(run_error("image.crop", {img, box(5, 0, 2, 3)}).code(), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(run_error("image.crop", {img, box(NAN, 0, 2, 3)}).code(), PXP_EOUT_OF_RANGE);
}

TEST(ImageGeometry, CropPadEveryBorderMode) {
  Tensor row = tensor<uint8_t>({1, 2, 3}, {1, 3, 1});
  std::map<std::string, std::vector<double>> expected{
      {"constant", {9, 9, 1, 2, 3, 9, 9, 9}},
      {"replicate", {1, 1, 1, 2, 3, 3, 3, 3}},
      {"reflect", {2, 1, 1, 2, 3, 3, 2, 1}},
      {"wrap", {2, 3, 1, 2, 3, 1, 2, 3}},
  };
  for (const auto& [mode, want] : expected) {
    Tensor out = run("image.crop_pad", {row, box(-2, 0, 6, 1)}, {{"border", mode}, {"border_value", 9.0}}).tensor();
    ASSERT_EQ(out.shape(), (Shape{1, 8, 1}));
    EXPECT_EQ(values(out), want) << mode;
  }
  // against cv::copyMakeBorder on a 2-D multichannel image, u8 and f32
  for (bool is_float : {false, true}) {
    Tensor img = is_float ? pattern_f32(5, 7, 3) : pattern_u8(5, 7, 3);
    for (size_t b = 0; b < kBorders.size(); ++b) {
      Tensor out = run("image.crop_pad", {img, box(-3, -4, 9, 8)}, {{"border", kBorders[b]}, {"border_value", 2.0}})
                       .tensor();
      cv::Mat ref;
      cv::copyMakeBorder(as_mat(img), ref, 4, 3, 3, 2, kCvBorders[b], cv::Scalar::all(2.0));
      EXPECT_EQ(max_abs_diff(out, mat_tensor(ref)), 0.0) << kBorders[b];
    }
  }
  // a box fully outside still has its exact size; inside: a view
  Tensor img = pattern_u8(4, 4, 1);
  Tensor far = run("image.crop_pad", {img, box(10, 10, 13, 12)}, {{"border", std::string("wrap")}}).tensor();
  ASSERT_EQ(far.shape(), (Shape{2, 3, 1}));
  EXPECT_EQ(far.contiguous().data<uint8_t>()[0], img.data<uint8_t>()[2 * 4 + 2]);
  Tensor inside = kernels::crop_pad(img, kernels::pixel_box(1, 1, 3, 3), kernels::Border::Constant, 0);
  EXPECT_EQ(inside.bytes(), img.bytes() + 5);
  EXPECT_EQ(run("image.crop_pad", {img, box(1, 1, 1, 3)}).tensor().shape(), (Shape{2, 0, 1}));
  // the empty image can be padded with a constant only
  Tensor empty = Tensor::zeros(DType::U8, {0, 0, 1});
  EXPECT_EQ(values(run("image.crop_pad", {empty, box(0, 0, 2, 1)}, {{"border_value", 5.0}}).tensor()),
            (std::vector<double>{5, 5}));
  EXPECT_EQ(run_error("image.crop_pad", {empty, box(0, 0, 2, 1)}, {{"border", std::string("reflect")}}).code(),
            PXP_EOUT_OF_RANGE);
}

TEST(ImageGeometry, FlipTransposeRotate) {
  // 2 x 3 gray: 1 2 3 / 4 5 6
  Tensor img = tensor<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  auto flip = [&](const std::string& axis) { return values(run("image.flip", {img}, {{"axis", axis}}).tensor()); };
  EXPECT_EQ(flip("horizontal"), (std::vector<double>{3, 2, 1, 6, 5, 4}));
  EXPECT_EQ(flip("vertical"), (std::vector<double>{4, 5, 6, 1, 2, 3}));
  EXPECT_EQ(flip("both"), (std::vector<double>{6, 5, 4, 3, 2, 1}));
  Tensor t = run("image.transpose", {img}).tensor();
  EXPECT_EQ(t.shape(), (Shape{3, 2}));
  EXPECT_EQ(values(t), (std::vector<double>{1, 4, 2, 5, 3, 6}));
  auto rot = [&](int64_t k) { return run("image.rotate90", {img, i64(k)}).tensor(); };
  // counterclockwise: the right column becomes the top row
  EXPECT_EQ(rot(1).shape(), (Shape{3, 2}));
  EXPECT_EQ(values(rot(1)), (std::vector<double>{3, 6, 2, 5, 1, 4}));
  EXPECT_EQ(values(rot(2)), (std::vector<double>{6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(values(rot(3)), (std::vector<double>{4, 1, 5, 2, 6, 3}));
  EXPECT_EQ(values(rot(-1)), values(rot(3)));
  EXPECT_EQ(values(rot(5)), values(rot(1)));
  EXPECT_EQ(values(rot(-4)), values(img));
  // multichannel u8, 1 x N, and pixels wider than OpenCV's transpose handles (9 x f32)
  for (Tensor m : {pattern_u8(1, 5, 3), pattern_u8(4, 1, 2), pattern_f32(3, 5, 9), pattern_u8(7, 6, 1)}) {
    Tensor tt = run("image.transpose", {m}).tensor();
    int64_t h = m.dim(0), w = m.dim(1), c = m.dim(2);
    ASSERT_EQ(tt.shape(), (Shape{w, h, c}));
    auto a = values(m), b = values(tt);
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        for (int64_t k = 0; k < c; ++k) ASSERT_EQ(b[(x * h + y) * c + k], a[(y * w + x) * c + k]);
    Tensor r4 = m;
    for (int i = 0; i < 4; ++i) r4 = run("image.rotate90", {r4, i64(1)}).tensor();
    EXPECT_TRUE(r4.contiguous().bit_equal(m));
  }
  // empty images pass through with the right shape
  EXPECT_EQ(run("image.transpose", {Tensor::zeros(DType::U8, {0, 3, 1})}).tensor().shape(), (Shape{3, 0, 1}));
  // a strided crop view works
  Tensor view = run("image.crop", {pattern_u8(6, 6, 3), box(1, 1, 4, 5)}).tensor();
  EXPECT_TRUE(run("image.flip", {run("image.flip", {view}).tensor()}).tensor().bit_equal(view.contiguous()));
}

// ---------------------------------------------------------------- resize, warp, remap

TEST(ImageResample, ResizeMatchesOpenCV) {
  const std::vector<std::pair<std::string, int>> modes{{"linear", cv::INTER_LINEAR},
                                                       {"area", cv::INTER_AREA},
                                                       {"cubic", cv::INTER_CUBIC},
                                                       {"lanczos", cv::INTER_LANCZOS4}};
  for (bool is_float : {false, true}) {
    for (auto [h, w, oh, ow] : {std::array<int, 4>{1, 1, 3, 2}, {1, 9, 1, 4}, {7, 5, 13, 11}, {16, 12, 5, 7}}) {
      Tensor img = is_float ? pattern_f32(h, w, 3) : pattern_u8(h, w, 3);
      for (const auto& [name, flag] : modes) {
        Tensor out = run("image.resize", {img, i64(ow), i64(oh)}, {{"interpolation", name}}).tensor();
        cv::Mat ref;
        cv::resize(as_mat(img), ref, cv::Size(ow, oh), 0, 0, flag);
        EXPECT_EQ(max_abs_diff(out, mat_tensor(ref)), 0.0) << name << " " << h << "x" << w;
      }
    }
  }
}

TEST(ImageResample, ResizeNearestTakesThePixelUnderEachCenter) {
  // Exact integer arithmetic: OpenCV's INTER_NEAREST_EXACT misses centers exactly on pixel edges.
  for (auto [h, w, oh, ow] : {std::array<int64_t, 4>{6, 1, 13, 4}, {16, 11, 33, 14}, {1, 1, 3, 2}, {7, 9, 2, 3}}) {
    for (bool is_float : {false, true}) {
      Tensor img = is_float ? pattern_f32(h, w, 3) : pattern_u8(h, w, 3);
      Tensor out = run("image.resize", {img, i64(ow), i64(oh)}, {{"interpolation", std::string("nearest")}}).tensor();
      ASSERT_EQ(out.shape(), (Shape{oh, ow, 3}));
      auto a = values(img), b = values(out);
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
          int64_t sy = (2 * y + 1) * h / (2 * oh), sx = (2 * x + 1) * w / (2 * ow);
          for (int64_t k = 0; k < 3; ++k) ASSERT_EQ(b[(y * ow + x) * 3 + k], a[(sy * w + sx) * 3 + k]);
        }
    }
  }
}

TEST(ImageResample, ResizeHandComputed) {
  // continuous convention: [0, 100] -> 4 pixels samples at x = 0.25, 0.75, 1.25, 1.75 (in source pixels)
  Tensor row = tensor<float>({0, 100}, {1, 2, 1});
  EXPECT_EQ(values(run("image.resize", {row, i64(4), i64(1)}).tensor()), (std::vector<double>{0, 25, 75, 100}));
  Tensor g = tensor<uint8_t>({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor n = run("image.resize", {g, i64(6), i64(4)}, {{"interpolation", std::string("nearest")}}).tensor();
  EXPECT_EQ(n.shape(), (Shape{4, 6}));
  EXPECT_EQ(values(n), (std::vector<double>{1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 4, 4, 5, 5, 6, 6}));
  Tensor sq = tensor<float>({1, 3, 5, 7, 9, 11, 13, 15, 2, 4, 6, 8, 10, 12, 14, 16}, {4, 4, 1});
  EXPECT_EQ(values(run("image.resize", {sq, i64(2), i64(2)}, {{"interpolation", std::string("area")}}).tensor()),
            (std::vector<double>{6, 10, 7, 11}));
  // more than 4 channels
  Tensor wide = pattern_u8(5, 6, 7);
  EXPECT_EQ(run("image.resize", {wide, i64(3), i64(2)}).tensor().shape(), (Shape{2, 3, 7}));
}

TEST(ImageResample, ResizeErrors) {
  Tensor img = pattern_u8(4, 4, 1);
  EXPECT_EQ(run_error("image.resize", {img, i64(0), i64(3)}).code(), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(run_error("image.resize", {img, i64(3000000000), i64(3000000000)}).code(), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(run_error("image.resize", {Tensor::zeros(DType::U8, {0, 4, 1}), i64(3), i64(3)}).code(),
            PXP_EOUT_OF_RANGE);
  EXPECT_EQ(run_error("image.resize", {Tensor::zeros(DType::I32, {4, 4, 1}), i64(3), i64(3)}).code(), PXP_ETYPE);
}

TEST(ImageResample, WarpMatchesOpenCVWithHalfPixelShift) {
  cv::Matx33d affine(1.2, 0.3, -2.5, -0.2, 0.9, 1.75, 0, 0, 1);
  cv::Matx33d perspective(0.9, 0.1, 1.0, 0.05, 1.1, -0.5, 0.004, -0.002, 1.0);
  for (bool is_float : {false, true}) {
    Tensor img = is_float ? pattern_f32(9, 13, 3) : pattern_u8(9, 13, 3);
    for (size_t b = 0; b < kBorders.size(); ++b) {
      for (const auto& [name, flag] : std::vector<std::pair<std::string, int>>{
               {"nearest", cv::INTER_NEAREST}, {"linear", cv::INTER_LINEAR}, {"cubic", cv::INTER_CUBIC},
               {"lanczos", cv::INTER_LANCZOS4}}) {
        AttrList attrs{{"interpolation", name}, {"border", kBorders[b]}, {"border_value", 3.0}};
        Tensor a = run("image.warp", {img, matrix_tensor(affine), i64(15), i64(11)}, attrs).tensor();
        cv::Mat ref;
        cv::Matx33d m = to_opencv(affine);
        cv::warpAffine(as_mat(img), ref, cv::Matx23d(m.val), cv::Size(15, 11), flag, kCvBorders[b],
                       cv::Scalar::all(3.0));
        EXPECT_LE(max_abs_diff(a, mat_tensor(ref)), is_float ? 1e-4 : 1.0) << name << " " << kBorders[b];
        Tensor p = run("image.warp", {img, matrix_tensor(perspective), i64(10), i64(12)}, attrs).tensor();
        cv::warpPerspective(as_mat(img), ref, to_opencv(perspective), cv::Size(10, 12), flag, kCvBorders[b],
                            cv::Scalar::all(3.0));
        EXPECT_LE(max_abs_diff(p, mat_tensor(ref)), is_float ? 1e-4 : 1.0) << name << " " << kBorders[b];
      }
    }
  }
}

TEST(ImageResample, WarpHandComputed) {
  Tensor img = pattern_u8(5, 4, 2);
  cv::Matx33d identity = cv::Matx33d::eye();
  for (std::string interp : {"nearest", "linear", "cubic"})
    EXPECT_TRUE(run("image.warp", {img, matrix_tensor(identity), i64(4), i64(5)}, {{"interpolation", interp}})
                    .tensor()
                    .bit_equal(img));
  // translation by (1, 2): pixel (0, 0) lands at (1, 2); uncovered pixels are the border value
  cv::Matx33d shift(1, 0, 1, 0, 1, 2, 0, 0, 1);
  Tensor s = run("image.warp", {img, matrix_tensor(shift), i64(4), i64(5)}, {{"border_value", 7.0}}).tensor();
  EXPECT_EQ(s.data<uint8_t>()[(2 * 4 + 1) * 2], img.data<uint8_t>()[0]);
  EXPECT_EQ(s.data<uint8_t>()[0], 7);
  // scaling by 2 in the continuous convention is the same as resizing to twice the size
  Tensor f = pattern_f32(6, 5, 1);
  Tensor w = run("image.warp", {f, matrix_tensor(cv::Matx33d(2, 0, 0, 0, 2, 0, 0, 0, 1)), i64(10), i64(12)},
                 {{"border", std::string("replicate")}})
                 .tensor();
  EXPECT_LE(max_abs_diff(w, run("image.resize", {f, i64(10), i64(12)}).tensor()), 1e-2);
  // a nearest-warped mask keeps its labels
  Tensor mask = tensor<uint8_t>({0, 1, 2, 3, 0, 1, 2, 3, 0}, {3, 3});
  cv::Matx33d rot(0.8, -0.6, 1.5, 0.6, 0.8, -0.5, 0, 0, 1);
  Tensor mw = run("image.warp", {mask, matrix_tensor(rot), i64(7), i64(5)}, {{"interpolation", std::string("nearest")}})
                  .tensor();
  EXPECT_EQ(mw.shape(), (Shape{5, 7}));
  for (double v : values(mw)) EXPECT_TRUE(v >= 0 && v <= 3 && v == std::floor(v));
  // 1 x 1 and 1 x N images
  EXPECT_EQ(run("image.warp", {pattern_u8(1, 1, 3), matrix_tensor(identity), i64(2), i64(1)}).tensor().shape(),
            (Shape{1, 2, 3}));
  EXPECT_EQ(run("image.warp", {pattern_f32(1, 6, 1), matrix_tensor(shift), i64(6), i64(1)}).tensor().shape(),
            (Shape{1, 6, 1}));
}

TEST(ImageResample, WarpErrors) {
  Tensor img = pattern_u8(4, 4, 1);
  EXPECT_EQ(run_error("image.warp", {img, matrix_tensor(cv::Matx33d::zeros()), i64(4), i64(4)}).code(),
            PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(run_error("image.warp", {img, matrix_tensor(cv::Matx33d::eye()), i64(0), i64(4)}).code(),
            PXP_EOUT_OF_RANGE);
  cv::Matx33d inf = cv::Matx33d::eye();
  inf(0, 2) = INFINITY;
  EXPECT_EQ(run_error("image.warp", {img, matrix_tensor(inf), i64(4), i64(4)}).code(), PXP_EINVALID_ARGUMENT);
}

TEST(ImageResample, RemapMatchesOpenCV) {
  int oh = 6, ow = 8;
  Tensor mx = Tensor::empty(DType::F32, {oh, ow}), my = Tensor::empty(DType::F32, {oh, ow});
  cv::Mat rx(oh, ow, CV_32F), ry(oh, ow, CV_32F);
  for (int i = 0; i < oh; ++i)
    for (int j = 0; j < ow; ++j) {
      float x = -3.3f + j * 1.71f + 0.2f * i, y = -2.1f + i * 1.9f - 0.1f * j;
      mx.mutable_data<float>()[i * ow + j] = x;
      my.mutable_data<float>()[i * ow + j] = y;
      rx.at<float>(i, j) = x - 0.5f;
      ry.at<float>(i, j) = y - 0.5f;
    }
  for (bool is_float : {false, true}) {
    Tensor img = is_float ? pattern_f32(7, 9, 3) : pattern_u8(7, 9, 3);
    for (size_t b = 0; b < kBorders.size(); ++b) {
      for (const auto& [name, flag] : std::vector<std::pair<std::string, int>>{
               {"linear", cv::INTER_LINEAR}, {"cubic", cv::INTER_CUBIC}, {"lanczos", cv::INTER_LANCZOS4}}) {
        Tensor out = run("image.remap", {img, mx, my}, {{"interpolation", name}, {"border", kBorders[b]}, {"border_value", 4.0}})
                         .tensor();
        cv::Mat ref;
        cv::remap(as_mat(img), ref, rx, ry, flag, kCvBorders[b], cv::Scalar::all(4.0));
        EXPECT_LE(max_abs_diff(out, mat_tensor(ref)), is_float ? 1e-4 : 1.0) << name << " " << kBorders[b];
      }
    }
  }
}

TEST(ImageResample, RemapHandComputed) {
  Tensor img = pattern_u8(3, 5, 2);
  // identity maps: pixel centers
  Tensor mx = Tensor::empty(DType::F32, {3, 5}), my = Tensor::empty(DType::F32, {3, 5});
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) {
      mx.mutable_data<float>()[i * 5 + j] = j + 0.5f;
      my.mutable_data<float>()[i * 5 + j] = i + 0.5f;
    }
  for (std::string interp : {"nearest", "linear", "cubic"})
    EXPECT_TRUE(run("image.remap", {img, mx, my}, {{"interpolation", interp}}).tensor().bit_equal(img)) << interp;
  // nearest takes the pixel containing the point, also exactly on pixel edges
  Tensor row = tensor<float>({10, 20, 30, 40}, {1, 4});
  Tensor ex = tensor<float>({0.0f, 1.0f, 2.0f, 3.0f, 3.999f, 2.5f}, {1, 6});
  Tensor ey = tensor<float>({0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, {1, 6});
  EXPECT_EQ(values(run("image.remap", {row, ex, ey}, {{"interpolation", std::string("nearest")}}).tensor()),
            (std::vector<double>{10, 20, 30, 40, 40, 30}));
  // far-away coordinates still wrap exactly (OpenCV alone saturates at 16 bits)
  Tensor fx = tensor<float>({4000000.5f, -38.5f, 1e30f}, {1, 3});
  Tensor fy = tensor<float>({0.5f, 0.5f, 0.5f}, {1, 3});
  EXPECT_EQ(values(run("image.remap", {row, fx, fy}, {{"border", std::string("wrap")}}).tensor()),
            (std::vector<double>{10, 20, 10}));
  Tensor far = run("image.remap", {row, fx, fy}, {{"border", std::string("reflect")}}).tensor();
  EXPECT_EQ(values(far)[0], 10);  // 4000000 is 500000 periods of 8 away
  EXPECT_EQ(values(far)[1], 20);  // pixel -39 is 1 modulo the period 8: pixel 1
  EXPECT_EQ(values(run("image.remap", {row, fx, fy}, {{"border_value", 5.0}}).tensor()),
            (std::vector<double>{5, 5, 5}));
  EXPECT_EQ(run_error("image.remap", {row, ex, tensor<float>({0.5f}, {1, 1})}).code(), PXP_EINVALID_ARGUMENT);
}

// ---------------------------------------------------------------- type rules

Type type_of_op(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {},
                bool hide_first = true) {
  ProgramBuilder b;
  std::vector<uint32_t> slots;
  uint32_t index = b.op("core.sample_index");
  for (size_t i = 0; i < inputs.size(); ++i) {
    uint32_t s = b.constant(inputs[i]);
    // the image goes through flow.select so it is not constant (its type stays known)
    if (i == 0 && hide_first) s = b.op("flow.select", {index, s, s});
    slots.push_back(s);
  }
  uint32_t out = b.op(op, slots, attrs);
  b.output("out", out);
  return b.load()->instructions[out].type;
}

TEST(ImageTypes, OutputShapesFromConstants) {
  Tensor img = pattern_u8(6, 8, 3);
  EXPECT_EQ(type_of_op("image.resize", {img, i64(5), i64(4)}).to_string(), "u8[4,5,3]");
  EXPECT_EQ(type_of_op("image.resize", {Tensor::zeros(DType::F32, {6, 8}), i64(5), i64(4)}).to_string(), "f32[4,5]");
  EXPECT_EQ(type_of_op("image.crop", {img, box(-1, 2, 5, 9)}).to_string(), "u8[4,5,3]");
  EXPECT_EQ(type_of_op("image.crop_pad", {img, box(-1, 2, 5, 9)}).to_string(), "u8[7,6,3]");
  EXPECT_EQ(type_of_op("image.rotate90", {img, i64(3)}).to_string(), "u8[8,6,3]");
  EXPECT_EQ(type_of_op("image.rotate90", {img, i64(2)}).to_string(), "u8[6,8,3]");
  EXPECT_EQ(type_of_op("image.transpose", {img}).to_string(), "u8[8,6,3]");
  EXPECT_EQ(type_of_op("image.flip", {img}).to_string(), "u8[6,8,3]");
  EXPECT_EQ(type_of_op("image.warp", {img, matrix_tensor(cv::Matx33d::eye()), i64(3), i64(2)}).to_string(),
            "u8[2,3,3]");
  EXPECT_EQ(type_of_op("image.remap", {img, Tensor::zeros(DType::F32, {2, 9}), Tensor::zeros(DType::F32, {2, 9})})
                .to_string(),
            "u8[2,9,3]");
  EXPECT_EQ(type_of_op("image.info", {img}).to_string(), "i64[3]");
  EXPECT_EQ(type_of_op("image.width", {img}).to_string(), "i64[]");
  Tensor bytes = Tensor::zeros(DType::U8, {10});
  EXPECT_EQ(type_of_op("image.decode_jpeg", {bytes}).to_string(), "u8[?,?,3]");
  EXPECT_EQ(type_of_op("image.decode", {bytes}, {{"mode", std::string("gray")}}).to_string(), "u8[?,?,1]");
  EXPECT_EQ(type_of_op("image.decode_png", {bytes}, {{"mode", std::string("indices")}}).to_string(), "u8[?,?,1]");
}

TEST(ImageTypes, BadInputsFailAtLoad) {
  auto load_code = [](const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs = {}) -> pxp_status {
    try {
      type_of_op(op, inputs, attrs);
    } catch (const Error& e) {
      return e.code();
    }
    return PXP_OK;
  };
  EXPECT_EQ(load_code("image.resize", {Tensor::zeros(DType::I32, {4, 4}), i64(2), i64(2)}), PXP_ETYPE);
  EXPECT_EQ(load_code("image.resize", {Tensor::zeros(DType::U8, {4}), i64(2), i64(2)}), PXP_ETYPE);
  EXPECT_EQ(load_code("image.crop", {pattern_u8(2, 2, 1), tensor<float>({1, 2, 3}, {3})}), PXP_ETYPE);
  EXPECT_EQ(load_code("image.warp", {pattern_u8(2, 2, 1), Tensor::zeros(DType::F32, {2, 3}), i64(2), i64(2)}),
            PXP_ETYPE);
  EXPECT_EQ(load_code("image.decode", {Tensor::zeros(DType::F32, {4})}), PXP_ETYPE);
  EXPECT_EQ(load_code("image.warp", {pattern_u8(2, 2, 1), matrix_tensor(cv::Matx33d::eye()), i64(2), i64(2)},
                      {{"interpolation", std::string("area")}}),
            PXP_EINVALID_PROGRAM);
}

}  // namespace
}  // namespace pxp::test
