// kernels/lab_u8: both directions equal the OpenCV the library links (cv::cvtColor with
// COLOR_RGB2Lab / COLOR_Lab2RGB on u8) on every one of the 2^24 inputs, on the AVX-512 path and
// the portable one, with a tail that is not a multiple of 16 pixels. (The Python test
// test_catalog_tone.py holds the kernel to pip's cv2, which albumentations runs.)
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "kernels/lab_u8.hpp"

namespace pxp::test {
namespace {

constexpr int64_t kAll = int64_t(1) << 24;
constexpr int64_t kCounts[] = {kAll, kAll - 7};  // whole blocks of 16, and a 9-pixel tail

// Every 24-bit triple once, as 4096 x 4096 pixels.
cv::Mat every_triple() {
  cv::Mat m(4096, 4096, CV_8UC3);
  uint8_t* p = m.ptr<uint8_t>();
  for (int64_t c = 0; c < kAll; ++c)
    for (int k = 0; k < 3; ++k) p[3 * c + k] = static_cast<uint8_t>(c >> (16 - 8 * k));
  return m;
}

TEST(LabU8, RgbToLabEqualsOpenCvOnEveryColor) {
  const cv::Mat rgb = every_triple();
  cv::Mat lab;
  cv::cvtColor(rgb, lab, cv::COLOR_RGB2Lab);
  const uint8_t* ref = lab.ptr<uint8_t>();
  std::vector<uint8_t> l(kAll), a(kAll), b(kAll), l_only(kAll);
  for (bool vectors : {true, false}) {
    for (int64_t n : kCounts) {
      kernels::rgb_to_lab_planes_u8(rgb.ptr<uint8_t>(), n, l.data(), a.data(), b.data(), vectors);
      kernels::rgb_to_lab_planes_u8(rgb.ptr<uint8_t>(), n, l_only.data(), nullptr, nullptr, vectors);
      int64_t differing = 0;
      for (int64_t i = 0; i < n; ++i)
        differing += l[i] != ref[3 * i] || a[i] != ref[3 * i + 1] || b[i] != ref[3 * i + 2] || l_only[i] != l[i];
      EXPECT_EQ(differing, 0) << "vectors " << vectors << ", " << n << " pixels";
    }
  }
}

TEST(LabU8, LabToRgbEqualsOpenCvOnEveryTriple) {
  const cv::Mat lab = every_triple();
  cv::Mat rgb;
  cv::cvtColor(lab, rgb, cv::COLOR_Lab2RGB);
  const uint8_t* ref = rgb.ptr<uint8_t>();
  std::vector<uint8_t> l(kAll), a(kAll), b(kAll), out(3 * kAll);
  const uint8_t* p = lab.ptr<uint8_t>();
  for (int64_t i = 0; i < kAll; ++i) l[i] = p[3 * i], a[i] = p[3 * i + 1], b[i] = p[3 * i + 2];
  for (bool vectors : {true, false}) {
    for (int64_t n : kCounts) {
      kernels::lab_planes_to_rgb_u8(l.data(), a.data(), b.data(), n, out.data(), vectors);
      int64_t differing = 0;
      for (int64_t i = 0; i < 3 * n; ++i) differing += out[i] != ref[i];
      EXPECT_EQ(differing, 0) << "vectors " << vectors << ", " << n << " pixels";
    }
  }
}

}  // namespace
}  // namespace pxp::test
