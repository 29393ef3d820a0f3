// kernels::warp_affine_linear_rgb_u8 must give exactly what cv::warpAffine(INTER_LINEAR |
// WARP_INVERSE_MAP, BORDER_CONSTANT) gives on u8 RGB: rotations, scales, shears, flips and
// translations that put output pixels inside, across and outside the source's edges, rows with
// gaps (a crop), output widths that end in a partial block, tiny sources and border values.
// Where it declines (no AVX-512 VBMI, coordinates beyond 32 bits) it must leave the output alone.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "kernels/affine_warp_u8.hpp"
#include "kernels/cpu_features.hpp"

namespace pxp::kernels {
namespace {

struct Case {
  int sw, sh, dw, dh;
  double m[6];
  uint8_t border;
};

// Runs one case; true when the kernel took it (and then it must match OpenCV byte for byte).
bool check(const Case& c, std::mt19937& rng) {
  const int gap = 7;  // bytes after each source row: a crop of a wider image
  const int stride = c.sw * 3 + gap;
  std::vector<uint8_t> src(static_cast<size_t>(stride) * c.sh);
  for (auto& v : src) v = static_cast<uint8_t>(rng());
  cv::Mat source(c.sh, c.sw, CV_8UC3, src.data(), static_cast<size_t>(stride));
  cv::Mat expected;
  cv::Matx23d m(c.m[0], c.m[1], c.m[2], c.m[3], c.m[4], c.m[5]);
  cv::warpAffine(source, expected, m, cv::Size(c.dw, c.dh), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                 cv::BORDER_CONSTANT, cv::Scalar::all(c.border));
  const uint8_t kUntouched = 0xA5;
  const int dst_stride = c.dw * 3 + 2;
  std::vector<uint8_t> out(static_cast<size_t>(dst_stride) * c.dh, kUntouched);
  const uint8_t fills[3] = {c.border, c.border, c.border};
  const bool took = warp_affine_linear_rgb_u8(src.data(), stride, c.sw, c.sh, c.m, fills, out.data(), dst_stride,
                                              c.dw, c.dh);
  if (!took) {
    for (uint8_t v : out) EXPECT_EQ(v, kUntouched);
    return false;
  }
  int64_t mismatches = 0;
  for (int y = 0; y < c.dh; ++y)
    for (int x = 0; x < c.dw * 3; ++x) {
      const uint8_t got = out[static_cast<size_t>(y) * dst_stride + x], want = expected.ptr<uint8_t>(y)[x];
      if (got != want && ++mismatches <= 3)
        ADD_FAILURE() << c.sw << "x" << c.sh << " -> " << c.dw << "x" << c.dh << " m " << c.m[0] << " " << c.m[1]
                      << " " << c.m[2] << " " << c.m[3] << " " << c.m[4] << " " << c.m[5] << " at row " << y
                      << " value " << x << ": " << int(got) << " != " << int(want);
    }
  EXPECT_EQ(mismatches, 0);
  for (int y = 0; y < c.dh; ++y)  // nothing written past a row's pixels
    for (int x = c.dw * 3; x < dst_stride; ++x) EXPECT_EQ(out[static_cast<size_t>(y) * dst_stride + x], kUntouched);
  return true;
}

// The inverse map of: rotate by `degrees` and scale by `s` about the output's center, then move by (tx, ty).
Case rotation(int sw, int sh, int dw, int dh, double degrees, double s, double tx, double ty, uint8_t border) {
  const double a = degrees * M_PI / 180.0, c = std::cos(a) / s, d = std::sin(a) / s;
  const double cx = (dw - 1) / 2.0, cy = (dh - 1) / 2.0, scx = (sw - 1) / 2.0 + tx, scy = (sh - 1) / 2.0 + ty;
  return {sw, sh, dw, dh, {c, -d, scx - c * cx + d * cy, d, c, scy - d * cx - c * cy}, border};
}

TEST(AffineWarpU8, EqualsOpenCVOnEveryMapItTakes) {
  std::mt19937 rng(5);
  std::vector<Case> cases = {
      rotation(224, 224, 224, 224, 13.0, 1.0, 0, 0, 0),   rotation(224, 224, 224, 224, -15.0, 1.0, 0, 0, 0),
      rotation(500, 375, 224, 224, 7.0, 0.5, 20, -10, 3), rotation(100, 80, 224, 224, 30.0, 2.1, 0, 0, 255),
      rotation(1, 1, 17, 5, 0.0, 1.0, 0, 0, 9),           rotation(2, 2, 33, 33, 45.0, 0.1, 0, 0, 0),
      rotation(3, 40, 19, 61, 90.0, 1.0, 0, 0, 128),      rotation(64, 64, 64, 64, 0.0, 1.0, 0.25, -0.5, 0),
      rotation(64, 64, 64, 64, 0.0, 1.0, 100.0, 0, 0),    rotation(300, 200, 301, 199, 180.0, 1.0, 0, 0, 1),
      {64, 48, 64, 48, {1, 0, 0, 0, 1, 0}, 0},             {64, 48, 64, 48, {-1, 0, 63, 0, 1, 0}, 0},
      {50, 40, 70, 30, {0.7, 0.3, -5, -0.2, 1.1, 3}, 77},  {40, 40, 40, 40, {1, 0, -0.5, 0, 1, -0.5}, 0},
      {40, 40, 40, 40, {1, 0, 1e-7, 0, 1, 39.5}, 0}};
  std::uniform_real_distribution<double> angle(-180, 180), scale(0.2, 3.0), shift(-40, 40);
  std::uniform_int_distribution<int> side(1, 300), fill(0, 255);
  for (int k = 0; k < 150; ++k) {
    Case c = rotation(side(rng), side(rng), side(rng), side(rng), angle(rng), scale(rng), shift(rng), shift(rng),
                      static_cast<uint8_t>(fill(rng)));
    if (k % 3 == 0) c.m[1] += 0.2, c.m[3] -= 0.1;  // a shear
    cases.push_back(c);
  }
  int took = 0;
  for (const Case& c : cases) took += check(c, rng);
  if (cpu_has_avx512_vbmi())
    EXPECT_EQ(took, static_cast<int>(cases.size()));
  else
    EXPECT_EQ(took, 0);
}

TEST(AffineWarpU8, DeclinesCoordinatesBeyond32Bits) {
  std::mt19937 rng(1);
  Case c{16, 16, 16, 16, {1e9, 0, 0, 0, 1, 0}, 0};
  EXPECT_FALSE(check(c, rng));
}

}  // namespace
}  // namespace pxp::kernels
