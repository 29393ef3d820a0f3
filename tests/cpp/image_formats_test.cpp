// The kernels behind image.decode's newer formats and JPEG EXIF orientation, byte-level cases the
// Python tests (tests/python/test_image_formats.py, against Pillow and OpenCV) cannot easily
// write: the EXIF parser on hand-built and hostile segments, the box mapping of the fused crop
// against apply_orientation, format sniffing, and PNM/BMP header edge cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "kernels/bmp_decoder.hpp"
#include "kernels/exif_orientation.hpp"
#include "kernels/image_format.hpp"
#include "kernels/pnm_decoder.hpp"

namespace pxp::test {
namespace {

using Bytes = std::vector<uint8_t>;

// SOI, then an APP1 segment holding `body`, then a start of scan.
Bytes jpeg_with_app1(const Bytes& body) {
  Bytes out{0xFF, 0xD8, 0xFF, 0xE1, uint8_t((body.size() + 2) >> 8), uint8_t((body.size() + 2) & 0xFF)};
  for (uint8_t v : body) out.push_back(v);
  out.insert(out.end(), {0xFF, 0xDA, 0x00, 0x02});
  return out;
}

// "Exif\0\0" + a little-endian TIFF whose IFD0 has one orientation entry.
Bytes exif_body(uint16_t orientation, uint16_t type = 3, bool big_endian = false) {
  Bytes b{'E', 'x', 'i', 'f', 0, 0};
  auto u16 = [&](uint16_t v) {
    if (big_endian) b.insert(b.end(), {uint8_t(v >> 8), uint8_t(v)});
    else b.insert(b.end(), {uint8_t(v), uint8_t(v >> 8)});
  };
  auto u32 = [&](uint32_t v) {
    if (big_endian) b.insert(b.end(), {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)});
    else b.insert(b.end(), {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)});
  };
  b.insert(b.end(), big_endian ? std::initializer_list<uint8_t>{'M', 'M'} : std::initializer_list<uint8_t>{'I', 'I'});
  u16(42);
  u32(8);
  u16(1);  // one entry
  u16(0x0112);
  u16(type);
  u32(1);
  u16(orientation);
  u16(0);
  u32(0);  // no next IFD
  return b;
}

TEST(ExifOrientation, ReadsEveryOrientationInBothByteOrders) {
  for (uint16_t o = 1; o <= 8; ++o) {
    Bytes le = jpeg_with_app1(exif_body(o)), be = jpeg_with_app1(exif_body(o, 3, true));
    EXPECT_EQ(kernels::jpeg_exif_orientation(le.data(), le.size()), o);
    EXPECT_EQ(kernels::jpeg_exif_orientation(be.data(), be.size()), o);
  }
}

TEST(ExifOrientation, MalformedDataReadsAsStored) {
  Bytes good = jpeg_with_app1(exif_body(6));
  // every truncation of a valid file: never out of bounds (ASan), 1 or the true value
  for (size_t n = 0; n <= good.size(); ++n) {
    int o = kernels::jpeg_exif_orientation(good.data(), n);
    EXPECT_TRUE(o == 1 || o == 6) << n;
  }
  Bytes bad_value = jpeg_with_app1(exif_body(9)), bad_type = jpeg_with_app1(exif_body(6, 4));
  EXPECT_EQ(kernels::jpeg_exif_orientation(bad_value.data(), bad_value.size()), 1);
  EXPECT_EQ(kernels::jpeg_exif_orientation(bad_type.data(), bad_type.size()), 1);
  Bytes far = exif_body(6);
  far[10] = 0xFF, far[11] = 0xFF, far[12] = 0xFF, far[13] = 0x7F;  // IFD offset far outside
  Bytes far_jpeg = jpeg_with_app1(far);
  EXPECT_EQ(kernels::jpeg_exif_orientation(far_jpeg.data(), far_jpeg.size()), 1);
  Bytes many = exif_body(6);
  many[14] = 0xFF, many[15] = 0xFF;  // 65535 entries in a few bytes,
  many[16] = 0x00, many[17] = 0x01;  // the first not the orientation: the walk runs off the end
  Bytes many_jpeg = jpeg_with_app1(many);
  EXPECT_EQ(kernels::jpeg_exif_orientation(many_jpeg.data(), many_jpeg.size()), 1);
  Bytes long_segment = good;
  long_segment[4] = 0xFF;  // a segment length past the end of the data
  EXPECT_EQ(kernels::jpeg_exif_orientation(long_segment.data(), long_segment.size()), 1);
  Bytes fill(4096, 0xFF);  // nothing but fill bytes
  fill[1] = 0xD8;
  EXPECT_EQ(kernels::jpeg_exif_orientation(fill.data(), fill.size()), 1);
}

Tensor numbered(int64_t h, int64_t w) {
  Tensor t = Tensor::empty(DType::U16, {h, w, 1});
  for (int64_t i = 0; i < h * w; ++i) t.mutable_data<uint16_t>()[i] = static_cast<uint16_t>(i);
  return t;
}

bool same(const Tensor& a, const Tensor& b) {
  Tensor x = a.contiguous(), y = b.contiguous();
  return x.shape() == y.shape() && std::memcmp(x.bytes(), y.bytes(), x.nbytes()) == 0;
}

// The fused crop decodes the stored pixels under box_in_stored_image and turns them upright: the
// same pixels as cropping the upright image.
TEST(ExifOrientation, StoredBoxTurnedUprightIsTheUprightCrop) {
  Tensor stored = numbered(5, 7);
  for (int o = 1; o <= 8; ++o) {
    Tensor upright = kernels::apply_orientation(stored, o);
    int64_t uh = upright.dim(0), uw = upright.dim(1);
    EXPECT_EQ(uh, kernels::orientation_swaps_axes(o) ? 7 : 5);
    kernels::PixelBox box{1, 2, std::min<int64_t>(3, uw - 1), std::min<int64_t>(2, uh - 2)};
    kernels::PixelBox s = kernels::box_in_stored_image(box, o, uh, uw);
    EXPECT_TRUE(same(kernels::apply_orientation(kernels::crop(stored, s), o), kernels::crop(upright, box))) << o;
  }
}

// The fused crop-and-warp folds the orientation into its matrix: stored_to_upright must send the
// center of every stored pixel to the center of the pixel apply_orientation puts it in.
TEST(ExifOrientation, StoredToUprightMovesEachPixelWhereApplyOrientationDoes) {
  Tensor stored = numbered(5, 7);
  for (int o = 1; o <= 8; ++o) {
    Tensor upright = kernels::apply_orientation(stored, o).contiguous();
    const kernels::Mat3 m = kernels::stored_to_upright(o, 7, 5);
    for (int64_t y = 0; y < 5; ++y)
      for (int64_t x = 0; x < 7; ++x) {
        const double cx = static_cast<double>(x) + 0.5, cy = static_cast<double>(y) + 0.5;
        const double ux = m[0] * cx + m[1] * cy + m[2], uy = m[3] * cx + m[4] * cy + m[5];
        const auto ui = static_cast<int64_t>(uy), uj = static_cast<int64_t>(ux);
        ASSERT_TRUE(ui >= 0 && ui < upright.dim(0) && uj >= 0 && uj < upright.dim(1)) << o;
        EXPECT_EQ(upright.data<uint16_t>()[ui * upright.dim(1) + uj], stored.data<uint16_t>()[y * 7 + x]) << o;
      }
  }
}

TEST(ImageFormat, SniffsEachSignature) {
  auto format = [](const std::string& s) {
    return kernels::detect_image_format(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  EXPECT_EQ(format(std::string("RIFF\0\0\0\0WEBPVP8 ", 16)), kernels::ImageFormat::Webp);
  EXPECT_EQ(format(std::string("RIFF\0\0\0\0WAVEfmt ", 16)), kernels::ImageFormat::Unknown);
  EXPECT_EQ(format("BM...."), kernels::ImageFormat::Bmp);
  EXPECT_EQ(format(std::string("II*\0", 4)), kernels::ImageFormat::Tiff);
  EXPECT_EQ(format(std::string("MM\0*", 4)), kernels::ImageFormat::Tiff);
  EXPECT_EQ(format("P5\n1 1\n255\n"), kernels::ImageFormat::Pnm);
  EXPECT_EQ(format("P7\n"), kernels::ImageFormat::Unknown);
  EXPECT_EQ(format("P5x"), kernels::ImageFormat::Unknown);
  EXPECT_EQ(format(""), kernels::ImageFormat::Unknown);
}

Tensor pnm(const std::string& s, kernels::DecodeMode mode = kernels::DecodeMode::Unchanged) {
  kernels::DecodeOptions o;
  o.mode = mode;
  return kernels::decode_pnm(reinterpret_cast<const uint8_t*>(s.data()), s.size(), o);
}

void expect_decode_error(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no error; expected " << needle;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_EDECODE);
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(PnmDecoder, SixteenBitSamplesAreBigEndianAndKeptAsWritten) {
  Tensor t = pnm(std::string("P5 2 1 1023\n\x03\xFF\x01\x02", 16));
  ASSERT_EQ(t.dtype(), DType::U16);
  EXPECT_EQ(t.data<uint16_t>()[0], 1023);
  EXPECT_EQ(t.data<uint16_t>()[1], 258);
}

TEST(PnmDecoder, BadDataFailsCleanly) {
  expect_decode_error([] { pnm(std::string("P5 2 1 100\n\x03\xFF", 13)); }, "over maxval");
  expect_decode_error([] { pnm("P5 4000000000 4000000000 255\n"); }, "exceeds the limit of max_pixels");
  expect_decode_error([] { pnm("P5 9000 9000 255\n\x01"); }, "truncated");
  expect_decode_error([] { pnm("P6 2 2 0\n"); }, "maxval is 0");
  expect_decode_error([] { pnm("P2 2 1 255 1"); }, "truncated");
  expect_decode_error([] { pnm("P5 99999999999 1 255\n"); }, "the width is over");
  expect_decode_error([] { pnm("P1 2 1 0 7"); }, "neither 0 nor 1");
}

TEST(BmpDecoder, HeadersThatLieFailCleanly) {
  // A 40-byte header of a 2 x 2, 24-bit image with no pixel data after it.
  Bytes b(54, 0);
  b[0] = 'B', b[1] = 'M', b[10] = 54, b[14] = 40, b[18] = 2, b[22] = 2, b[26] = 1, b[28] = 24;
  kernels::DecodeOptions o;
  expect_decode_error([&] { kernels::decode_bmp(b.data(), b.size(), o); }, "truncated");
  b[30] = 1;  // RLE8
  expect_decode_error([&] { kernels::decode_bmp(b.data(), b.size(), o); }, "RLE");
  b[30] = 0, b[26] = 2;  // two planes
  expect_decode_error([&] { kernels::decode_bmp(b.data(), b.size(), o); }, "planes");
  b[26] = 1, b[14] = 20;  // an unknown header size
  expect_decode_error([&] { kernels::decode_bmp(b.data(), b.size(), o); }, "header size");
  b.resize(16);
  expect_decode_error([&] { kernels::decode_bmp(b.data(), b.size(), o); }, "truncated");
}

}  // namespace
}  // namespace pxp::test
