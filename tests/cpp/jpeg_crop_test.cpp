// image.decode_jpeg_crop (fused decode -> crop -> resize) against the unfused chain
// image.decode_jpeg -> image.crop -> image.resize (linear), and image.jpeg_size; image.decode_crop
// and image.decoded_size, their format-sniffing twins that the Python compiler fuses into.
//
// Tolerances (u8 levels; smooth photo-like test images, JPEG quality 92, baseline and progressive):
//  - max_scale '1' (no DCT scaling): the same rows and columns decoded through libjpeg's crop API.
//    Measured identical to the unfused chain in every case below; asserted max |diff| <= 2
//    (chroma upsampling at the first/last decoded iMCU column may replicate an edge).
//  - DCT-scaled (1/2 .. 1/8): the scaled IDCT averages d x d pixels where a bilinear resize of the
//    full decode samples 2 x 2, and box edges snap to the nearest scaled pixel (<= d/2 full-size
//    pixels). Measured mean |diff| 0.27-1.21, 99th percentile <= 11 (the 1/8 case), max <= 12;
//    asserted mean <= 1.5, 99th percentile <= 12 (mean <= 2.5 for reductions over 5x at 1/4).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "core/error.hpp"
#include "image_test_codecs.hpp"
#include "kernels/image_geometry.hpp"
#include "kernels/image_resample.hpp"
#include "kernels/jpeg_decoder.hpp"
#include "kernels/png_decoder.hpp"
#include "program_builder.hpp"

namespace pxp::test {
namespace {

// A photo-like smooth image: low-frequency sinusoids per channel, a soft edge, little noise.
Tensor smooth_image(int64_t h, int64_t w, int64_t c, uint32_t seed = 3) {
  Tensor t = Tensor::empty(DType::U8, {h, w, c});
  uint8_t* p = t.mutable_bytes();
  uint32_t s = seed;
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      for (int64_t k = 0; k < c; ++k) {
        s = s * 1664525u + 1013904223u;
        double v = 128 + 60 * std::sin(x * (0.021 + 0.007 * k) + y * 0.013) +
                   40 * std::cos(y * (0.017 + 0.005 * k) - x * 0.004) + (x > w / 3 ? 15 : -15) +
                   static_cast<double>((s >> 28) & 3);
        p[(y * w + x) * c + k] = static_cast<uint8_t>(std::clamp(v, 0.0, 255.0));
      }
  return t;
}

struct Diff {
  double mean = 0, p99 = 0, max = 0;
};

Diff diff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  if (a.shape() != b.shape()) return {1e9, 1e9, 1e9};
  std::vector<int> d(static_cast<size_t>(a.numel()));
  double sum = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    d[i] = std::abs(int(a.data<uint8_t>()[i]) - int(b.data<uint8_t>()[i]));
    sum += d[i];
  }
  std::sort(d.begin(), d.end());
  return {sum / a.numel(), double(d[static_cast<size_t>(0.99 * (d.size() - 1))]), double(d.back())};
}

kernels::JpegOptions opts(kernels::JpegMode mode, int max_denom) {
  kernels::JpegOptions o;
  o.mode = mode;
  o.scale_denom = max_denom;
  return o;
}

// The unfused chain.
Tensor reference(const Bytes& jpg, const kernels::PixelBox& box, int64_t w, int64_t h, kernels::JpegMode mode) {
  Tensor full = kernels::decode_jpeg(jpg.data(), jpg.size(), opts(mode, 1));
  return kernels::resize(kernels::crop(full, box), w, h, kernels::Interpolation::Linear);
}

struct Case {
  int64_t img_h, img_w;
  double x1, y1, x2, y2;
  int64_t out_w, out_h;
};

// Boxes at every edge and corner, odd sizes, fractional coordinates, boxes partly outside the
// image (clipped), the whole image, tiny crops that upscale.
const std::vector<Case> kCases = {
    {480, 640, 0, 0, 640, 480, 224, 224},        // whole image (scale 1/2)
    {480, 640, 0, 0, 100, 90, 37, 29},           // top-left corner, odd output
    {480, 640, 540, 380, 640, 480, 33, 41},      // bottom-right corner
    {480, 640, 523.4, 0, 640, 211.7, 17, 23},    // right edge, fractional
    {480, 640, 0, 301.5, 77.3, 480, 31, 19},     // bottom-left, fractional
    {333, 517, 13.2, 7.7, 499.9, 320.1, 61, 47}, // odd image size, 1/4 or 1/8
    {333, 517, -40, -25, 300, 200, 64, 64},      // partly outside (clipped)
    {333, 517, 250, 100, 900, 900, 50, 50},      // partly outside on the far side
    {333, 517, 200, 150, 211, 163, 64, 64},      // tiny crop: upscaling, no DCT scale
    {257, 311, 1, 1, 310, 256, 38, 31},          // odd everything, 1/8
};

void check_cases(int64_t channels, kernels::JpegMode mode, bool progressive) {
  for (const Case& c : kCases) {
    Bytes jpg = encode_jpeg(smooth_image(c.img_h, c.img_w, channels), 92, progressive);
    kernels::PixelBox box = kernels::pixel_box(c.x1, c.y1, c.x2, c.y2);
    Tensor ref = reference(jpg, box, c.out_w, c.out_h, mode);
    SCOPED_TRACE(::testing::Message() << c.img_w << "x" << c.img_h << " box (" << c.x1 << ", " << c.y1 << ", "
                                      << c.x2 << ", " << c.y2 << ") -> " << c.out_w << "x" << c.out_h
                                      << " channels " << channels << (progressive ? " progressive" : ""));
    Tensor exact = kernels::decode_jpeg_crop(jpg.data(), jpg.size(), box, c.out_w, c.out_h, opts(mode, 1));
    Diff d1 = diff(exact, ref);
    EXPECT_LE(d1.max, 2);
    Tensor fused = kernels::decode_jpeg_crop(jpg.data(), jpg.size(), box, c.out_w, c.out_h, opts(mode, 8));
    Diff d8 = diff(fused, ref);
    EXPECT_LE(d8.mean, 1.5);
    EXPECT_LE(d8.p99, 12);
    if (std::getenv("PXP_PRINT_DIFFS"))
      std::printf("exact mean %.3f max %.0f / fused mean %.3f p99 %.0f max %.0f\n", d1.mean, d1.max, d8.mean,
                  d8.p99, d8.max);
  }
}

TEST(JpegCrop, RgbMatchesDecodeCropResize) { check_cases(3, kernels::JpegMode::Rgb, false); }
TEST(JpegCrop, ProgressiveRgbMatchesDecodeCropResize) { check_cases(3, kernels::JpegMode::Rgb, true); }
TEST(JpegCrop, GrayFileMatchesDecodeCropResize) { check_cases(1, kernels::JpegMode::Unchanged, false); }
TEST(JpegCrop, GrayModeOfColorFileMatches) { check_cases(3, kernels::JpegMode::Gray, false); }

TEST(JpegCrop, ScaleIsTheLargestThatKeepsTheOutputResolution) {
  EXPECT_EQ(kernels::jpeg_crop_scale(640, 480, 224, 224, 8), 2);
  EXPECT_EQ(kernels::jpeg_crop_scale(447, 480, 224, 224, 8), 1);
  EXPECT_EQ(kernels::jpeg_crop_scale(1792, 1792, 224, 224, 8), 8);
  EXPECT_EQ(kernels::jpeg_crop_scale(1792, 1791, 224, 224, 8), 4);
  EXPECT_EQ(kernels::jpeg_crop_scale(1792, 1792, 224, 224, 2), 2);
  EXPECT_EQ(kernels::jpeg_crop_scale(1792, 1792, 224, 224, 1), 1);
  EXPECT_EQ(kernels::jpeg_crop_scale(10, 10, 224, 224, 8), 1);
}

TEST(JpegCrop, WholeImageAtFullScaleWithoutResizeIsTheDecode) {
  Bytes jpg = encode_jpeg(smooth_image(120, 200, 3), 90);
  Tensor full = kernels::decode_jpeg(jpg.data(), jpg.size(), opts(kernels::JpegMode::Rgb, 1));
  Tensor same = kernels::decode_jpeg_crop(jpg.data(), jpg.size(), kernels::pixel_box(0, 0, 200, 120), 200, 120,
                                          opts(kernels::JpegMode::Rgb, 8));
  EXPECT_EQ(diff(full, same).max, 0);
}

TEST(JpegCrop, OutputShapeAndBufferReuseAcrossSizes) {
  // The per-thread region buffer grows and shrinks between calls of different sizes.
  Bytes big = encode_jpeg(smooth_image(500, 640, 3), 90), small = encode_jpeg(smooth_image(60, 50, 3), 90);
  Tensor first_a, first_b;
  for (int i = 0; i < 3; ++i) {
    Tensor a = kernels::decode_jpeg_crop(big.data(), big.size(), kernels::pixel_box(10, 10, 630, 490), 224, 224,
                                         opts(kernels::JpegMode::Rgb, 8));
    EXPECT_EQ(a.shape(), (Shape{224, 224, 3}));
    Tensor b = kernels::decode_jpeg_crop(small.data(), small.size(), kernels::pixel_box(5, 5, 45, 55), 7, 9,
                                         opts(kernels::JpegMode::Rgb, 8));
    EXPECT_EQ(b.shape(), (Shape{9, 7, 3}));
    // 40 x 50 -> 7 x 9 decodes at 1/4 (a 5.7x reduction, where bilinear resize aliases most).
    EXPECT_LE(diff(b, reference(small, kernels::pixel_box(5, 5, 45, 55), 7, 9, kernels::JpegMode::Rgb)).mean, 2.5);
    if (i == 0) {
      first_a = a, first_b = b;
    } else {  // a reused buffer changes nothing
      EXPECT_EQ(diff(a, first_a).max, 0);
      EXPECT_EQ(diff(b, first_b).max, 0);
    }
  }
}

TEST(JpegCrop, HeaderSize) {
  Bytes jpg = encode_jpeg(smooth_image(257, 311, 3), 90);
  kernels::JpegHeader h = kernels::read_jpeg_header(jpg.data(), jpg.size());
  EXPECT_EQ(h.height, 257);
  EXPECT_EQ(h.width, 311);
  EXPECT_EQ(h.components, 3);
  Bytes gray = encode_jpeg(smooth_image(20, 30, 1), 90);
  EXPECT_EQ(kernels::read_jpeg_header(gray.data(), gray.size()).components, 1);
}

int code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return 0;
}

TEST(JpegCrop, CorruptDataIsADecodeError) {
  Bytes jpg = encode_jpeg(smooth_image(200, 300, 3), 90);
  auto crop = [](const Bytes& b) {
    return [b] {
      kernels::decode_jpeg_crop(b.data(), b.size(), kernels::pixel_box(0, 0, 300, 200), 64, 64,
                                opts(kernels::JpegMode::Rgb, 8));
    };
  };
  auto header = [](const Bytes& b) { return [b] { kernels::read_jpeg_header(b.data(), b.size()); }; };
  EXPECT_EQ(code_of(crop({})), PXP_EDECODE);
  EXPECT_EQ(code_of(header({})), PXP_EDECODE);
  for (size_t keep : {size_t(2), size_t(20), size_t(200)}) {
    Bytes cut(jpg.begin(), jpg.begin() + keep);
    EXPECT_EQ(code_of(crop(cut)), PXP_EDECODE) << keep;
    EXPECT_EQ(code_of(header(cut)), PXP_EDECODE) << keep;
  }
  // Truncated inside the rows the box needs.
  Bytes half(jpg.begin(), jpg.begin() + jpg.size() / 2);
  EXPECT_EQ(code_of(crop(half)), PXP_EDECODE);
  Bytes random(3000);
  uint32_t s = 11;
  for (auto& b : random) b = static_cast<uint8_t>((s = s * 1103515245u + 12345u) >> 16);
  EXPECT_EQ(code_of(crop(random)), PXP_EDECODE);
  Bytes garbage(jpg.begin(), jpg.begin() + 4);
  garbage.insert(garbage.end(), random.begin(), random.end());
  EXPECT_EQ(code_of(crop(garbage)), PXP_EDECODE);
  EXPECT_EQ(code_of(header(garbage)), PXP_EDECODE);
  // Flipped entropy bytes: decodes or fails cleanly.
  for (size_t pos = jpg.size() / 3; pos < jpg.size(); pos += 89) {
    Bytes bad = jpg;
    bad[pos] ^= 0x5A;
    int code = code_of(crop(bad));
    EXPECT_TRUE(code == 0 || code == PXP_EDECODE) << code;
  }
}

TEST(JpegCrop, BadArguments) {
  Bytes jpg = encode_jpeg(smooth_image(100, 100, 3), 90);
  auto run = [&](kernels::PixelBox box, int64_t w, int64_t h) {
    return code_of([&] {
      kernels::decode_jpeg_crop(jpg.data(), jpg.size(), box, w, h, opts(kernels::JpegMode::Rgb, 8));
    });
  };
  EXPECT_EQ(run(kernels::pixel_box(200, 200, 300, 300), 10, 10), PXP_EOUT_OF_RANGE);  // misses the image
  EXPECT_EQ(run(kernels::pixel_box(10, 10, 10, 50), 10, 10), PXP_EOUT_OF_RANGE);      // empty
  EXPECT_EQ(run(kernels::pixel_box(0, 0, 50, 50), 0, 10), PXP_EOUT_OF_RANGE);
}

// Through a program: the op's type rule and exec.
TEST(JpegCrop, OpsInAProgram) {
  Bytes jpg = encode_jpeg(smooth_image(240, 320, 3), 90);
  ProgramBuilder b;
  uint32_t index = b.op("core.sample_index");
  uint32_t data0 = b.constant(Value(bytes_tensor(jpg)));
  uint32_t data = b.op("flow.select", {index, data0, data0});
  uint32_t boxc = b.constant(Value(tensor<float>({10.5f, 20.f, 300.f, 230.f}, {4})));
  uint32_t w = b.constant(Value::scalar<int64_t>(96)), h = b.constant(Value::scalar<int64_t>(80));
  b.output("crop", b.op("image.decode_jpeg_crop", {data, boxc, w, h}, {}, 1, "crop", "test.py:1"));
  b.output("size", b.op("image.jpeg_size", {data}, {}, 2, "size", "test.py:2"));
  Pipeline p(b.load(), 0, 1);
  auto out = p.run(0).outputs;
  EXPECT_EQ(out.at(0).tensor().shape(), (Shape{80, 96, 3}));
  Tensor sz = out.at(1).tensor();
  EXPECT_EQ(sz.data<int64_t>()[0], 240);
  EXPECT_EQ(sz.data<int64_t>()[1], 320);
  Tensor ref = reference(jpg, kernels::pixel_box(10.5, 20, 300, 230), 96, 80, kernels::JpegMode::Rgb);
  EXPECT_LE(diff(out.at(0).tensor(), ref).mean, 2.0);
}


// image.decode_crop: JPEG bytes take decode_jpeg_crop's path (same bits, same attributes), PNG
// bytes the unfused chain image.decode -> image.crop -> image.resize, exactly.
TEST(DecodeCrop, JpegTakesTheFusedPath) {
  Bytes jpg = encode_jpeg(smooth_image(333, 517, 3), 92);
  Value box(tensor<float>({13.2f, 7.7f, 499.9f, 320.1f}, {4}));
  for (const char* scale : {"1", "1/8"}) {
    AttrList attrs{{"max_scale", std::string(scale)}};
    Tensor sniffed = run_op("image.decode_crop", {Value(bytes_tensor(jpg)), box, i64(61), i64(47)}, attrs).tensor();
    Tensor direct =
        run_op("image.decode_jpeg_crop", {Value(bytes_tensor(jpg)), box, i64(61), i64(47)}, attrs).tensor();
    EXPECT_EQ(sniffed.shape(), (Shape{47, 61, 3}));
    EXPECT_EQ(diff(sniffed, direct).max, 0) << scale;
  }
  Tensor gray = run_op("image.decode_crop", {Value(bytes_tensor(jpg)), box, i64(20), i64(10)},
                       {{"mode", std::string("gray")}})
                    .tensor();
  EXPECT_EQ(gray.shape(), (Shape{10, 20, 1}));
}

TEST(DecodeCrop, PngIsTheUnfusedChain) {
  Tensor rgba = pattern_u8(45, 70, 4, 5);
  Bytes png = encode_png(rgba);
  kernels::PixelBox box = kernels::pixel_box(3.4, 5.0, 61.7, 40.2);
  Value boxv(tensor<double>({3.4, 5.0, 61.7, 40.2}, {4}));
  for (const char* mode : {"rgb", "gray", "unchanged"}) {
    AttrList attrs{{"mode", std::string(mode)}};
    Tensor full = run_op("image.decode", {Value(bytes_tensor(png))}, attrs).tensor();
    Tensor ref = kernels::resize(kernels::crop(full, box), 23, 31, kernels::Interpolation::Linear);
    Tensor fused = run_op("image.decode_crop", {Value(bytes_tensor(png)), boxv, i64(23), i64(31)}, attrs).tensor();
    EXPECT_EQ(fused.shape(), ref.shape()) << mode;
    EXPECT_EQ(values(fused), values(ref)) << mode;
  }
  // 16-bit PNGs keep their high byte, as image.decode gives them.
  Tensor deep = pattern(DType::U16, {20, 30, 3}, 2, 1);
  Bytes png16 = encode_png(deep);
  Tensor full = run_op("image.decode", {Value(bytes_tensor(png16))}).tensor();
  Tensor fused = run_op("image.decode_crop", {Value(bytes_tensor(png16)), boxv, i64(9), i64(8)}).tensor();
  EXPECT_EQ(fused.dtype(), DType::U8);
  EXPECT_EQ(values(fused), values(kernels::resize(kernels::crop(full, box), 9, 8, kernels::Interpolation::Linear)));
}

TEST(DecodeCrop, BadDataAndBoxes) {
  Bytes jpg = encode_jpeg(smooth_image(40, 50, 3), 90);
  Bytes png = encode_png(pattern_u8(40, 50, 3, 1));
  Value box(tensor<float>({0, 0, 20, 20}, {4})), outside(tensor<float>({100, 100, 120, 120}, {4}));
  auto code = [](const Bytes& data, const Value& b) {
    return error_code("image.decode_crop", {Value(bytes_tensor(data)), b, i64(8), i64(8)});
  };
  EXPECT_EQ(code({}, box), PXP_EDECODE);
  EXPECT_EQ(code(Bytes{'G', 'I', 'F', '8', '9', 'a', 0, 0, 0, 0}, box), PXP_EDECODE);
  EXPECT_EQ(code(Bytes(jpg.begin(), jpg.begin() + 20), box), PXP_EDECODE);
  EXPECT_EQ(code(Bytes(png.begin(), png.begin() + png.size() / 2), box), PXP_EDECODE);
  EXPECT_EQ(code(jpg, outside), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(code(png, outside), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(code(jpg, box), PXP_OK);
  EXPECT_EQ(code(png, box), PXP_OK);
}

TEST(DecodedSize, JpegAndPngHeaders) {
  auto size = [](const Bytes& data) { return values(run_op("image.decoded_size", {Value(bytes_tensor(data))}).tensor()); };
  EXPECT_EQ(size(encode_jpeg(smooth_image(257, 311, 3), 90)), (std::vector<double>{257, 311}));
  EXPECT_EQ(size(encode_jpeg(smooth_image(20, 30, 1), 90)), (std::vector<double>{20, 30}));
  EXPECT_EQ(size(encode_png(pattern_u8(45, 70, 4, 5))), (std::vector<double>{45, 70}));
  PngSpec interlaced;
  interlaced.interlaced = true;
  EXPECT_EQ(size(encode_png(pattern(DType::U16, {9, 13, 1}, 1, 1), interlaced)), (std::vector<double>{9, 13}));
  Bytes small = encode_png(pattern_u8(6, 5, 3, 1));
  kernels::PngHeader h = kernels::read_png_header(small.data(), small.size());
  EXPECT_EQ(h.height, 6);
  EXPECT_EQ(h.width, 5);
}

TEST(DecodedSize, UnreadableHeadersAreDecodeErrors) {
  Bytes png = encode_png(pattern_u8(10, 10, 3, 1));
  Bytes bad_crc = png;
  bad_crc[20] ^= 0x01;  // the IHDR height: its CRC no longer matches
  // libpng reads every chunk up to the pixel data: a signature and IHDR alone are truncated.
  for (const Bytes& data : {Bytes{}, Bytes{'B', 'M', 0, 0}, Bytes(png.begin(), png.begin() + 12), bad_crc,
                            png_header_only(30, 20), Bytes{0xFF, 0xD8, 0xFF, 0xE0, 0, 2}})
    EXPECT_EQ(error_code("image.decoded_size", {Value(bytes_tensor(data))}), PXP_EDECODE) << data.size();
}

}  // namespace
}  // namespace pxp::test
