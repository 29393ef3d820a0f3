// The co-transform property (issue 4's acceptance test): a mask rendered from an annotation
// and warped with image.warp (nearest) has the bounding box that geometry.transform_boxes /
// transform_points give for the annotation, within one pixel for similarity warps (a little more
// for sheared and perspective ones, see check_boxes), for random matrices on odd, non-square
// canvases. Exact for image.flip and quarter turns.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "geometry_test_util.hpp"
#include "kernels/cv_bridge.hpp"
#include "kernels/transforms.hpp"
#include "registry/registry.hpp"

namespace pxp::test::geom {
namespace {

using kernels::Mat3;

// image.warp with nearest interpolation; cv::warpPerspective with the continuous-coordinate
// conversion when the op is not built in or PXP_TEST_CV_WARP is set (to tell a property failure
// from an image.warp one).
Value warp_nearest(const Value& mask, const Mat3& m, int64_t w, int64_t h) {
  Value mv(kernels::mat3_tensor(m));
  if (Registry::global().find("image.warp") && !std::getenv("PXP_TEST_CV_WARP"))
    return run_const("image.warp", {mask, mv, i64(w), i64(h)}, {{"interpolation", std::string("nearest")}});
  Mat3 cvm = kernels::to_opencv(kernels::read_mat3(mv.tensor()));
  cv::Mat src = kernels::as_mat(mask.tensor()), dst;
  cv::warpPerspective(src, dst, cv::Mat(3, 3, CV_64F, cvm.data()).clone(), cv::Size(int(w), int(h)), cv::INTER_NEAREST,
                      cv::BORDER_CONSTANT, 0);
  return Value(kernels::from_mat(dst, true));
}

enum class Kind { Similarity, Affine, Perspective };

// A random view of a w x h canvas onto itself about its center: rotation, scale and translation;
// Affine adds shear and anisotropy, Perspective a projective part too.
Mat3 random_view(cv::RNG& rng, double w, double h, Kind kind) {
  using namespace kernels;
  double cx = w / 2, cy = h / 2;
  bool general = kind != Kind::Similarity, perspective = kind == Kind::Perspective;
  Mat3 m = translation(-cx, -cy);
  if (general) m = mat3_multiply(shearing(rng.uniform(-0.08, 0.08), rng.uniform(-0.08, 0.08)), m);
  double s = rng.uniform(0.8, 1.4);
  m = mat3_multiply(scaling(s * (general ? rng.uniform(0.9, 1.1) : 1.0), s, 0, 0), m);
  m = mat3_multiply(rotation(rng.uniform(-180.0, 180.0), 0, 0), m);
  if (perspective) {
    double limit = 0.12 / std::max(w, h);  // |w - 1| stays below ~0.12 on the canvas
    Mat3 p = {1, 0, 0, 0, 1, 0, rng.uniform(-limit, limit), rng.uniform(-limit, limit), 1};
    m = mat3_multiply(p, m);
  }
  return mat3_multiply(translation(cx + rng.uniform(-4.0, 4.0), cy + rng.uniform(-4.0, 4.0)), m);
}

struct Canvas {
  int64_t w, h;
};
const Canvas kCanvases[] = {{61, 47}, {33, 71}, {45, 29}, {101, 63}};

// Nearest sampling sets a destination pixel when its center falls in the warped box. At a right-angle
// corner (similarity warps) the last covered column or row is within 1.5 pixels of the corner, and the
// pixel's far edge is 0.5 beyond its center: the box is exact within one pixel. Sharper corners
// (shear, anisotropy, perspective) can lose up to 0.5 + 1 / (tan a + tan b) for corner angle a + b:
// about 1.1 pixels for the mild distortions drawn here.
void check_boxes(Kind kind, double tolerance, uint64_t seed) {
  bool perspective = kind == Kind::Perspective;
  cv::RNG rng(seed);
  int checked = 0;
  double worst = 0;
  for (const Canvas& c : kCanvases) {
    for (int k = 0; k < 80; ++k) {
      Mat3 m = random_view(rng, double(c.w), double(c.h), kind);
      Value matrix(kernels::mat3_tensor(m));
      float bw = float(rng.uniform(4.0, 20.0)), bh = float(rng.uniform(4.0, 20.0));
      float x1 = float(rng.uniform(2.0, double(c.w) - bw - 2)), y1 = float(rng.uniform(2.0, double(c.h) - bh - 2));
      Value box = f32s({x1, y1, x1 + bw, y1 + bh}, {1, 4});
      Value mask = run_const("mask.render_boxes", {box, i64(c.w), i64(c.h)});
      // What the mask really covers: the box snapped to pixel centers.
      Value covered = run_const("mask.bounding_box", {mask});
      auto e = vals(run_const("geometry.transform_boxes", {covered, matrix}));
      Value warped = warp_nearest(mask, m, c.w, c.h);
      auto got = vals(run_const("mask.bounding_box", {warped}));
      bool inside = e[0] >= 0 && e[1] >= 0 && e[2] <= double(c.w) && e[3] <= double(c.h);
      if (!inside) {
        // The visible part of a turned box has a smaller box than the clipped box of the whole,
        // so here only containment holds.
        auto clipped = vals(run_const("geometry.clip_boxes", {Value(tensor<float>({float(e[0]), float(e[1]), float(e[2]), float(e[3])}, {4})), i64(c.w), i64(c.h)}));
        if (run_const("mask.is_empty", {warped}).as_bool()) continue;
        EXPECT_GE(got[0], clipped[0] - 1.0);
        EXPECT_GE(got[1], clipped[1] - 1.0);
        EXPECT_LE(got[2], clipped[2] + 1.0);
        EXPECT_LE(got[3], clipped[3] + 1.0);
        continue;
      }
      ASSERT_FALSE(run_const("mask.is_empty", {warped}).as_bool());
      for (size_t i = 0; i < 4; ++i) {
        worst = std::max(worst, std::fabs(got[i] - e[i]));
        EXPECT_NEAR(got[i], e[i], tolerance) << "canvas " << c.w << "x" << c.h << " draw " << k << " coordinate " << i;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 120);
  ::testing::Test::RecordProperty("worst_error", std::to_string(worst));
  std::printf("co-transform boxes (%s): %d checked, worst error %.3f px\n",
              kind == Kind::Similarity ? "similarity" : perspective ? "perspective" : "affine", checked, worst);
}

TEST(GeometryCoTransform, BoxesUnderSimilarityWarpsWithinOnePixel) { check_boxes(Kind::Similarity, 1.0, 1234); }
TEST(GeometryCoTransform, BoxesUnderShearedAffineWarps) { check_boxes(Kind::Affine, 1.15, 4321); }
TEST(GeometryCoTransform, BoxesUnderPerspectiveWarps) { check_boxes(Kind::Perspective, 1.15, 5678); }

TEST(GeometryCoTransform, PointsUnderAffineAndPerspectiveWarps) {
  cv::RNG rng(99);
  int checked = 0;
  for (Kind kind : {Kind::Similarity, Kind::Affine, Kind::Perspective}) {
    for (const Canvas& c : kCanvases) {
      for (int k = 0; k < 50; ++k) {
        Mat3 m = random_view(rng, double(c.w), double(c.h), kind);
        Value matrix(kernels::mat3_tensor(m));
        float x = float(rng.uniform(3.0, double(c.w) - 3)), y = float(rng.uniform(3.0, double(c.h) - 3));
        Value point = f32s({x, y}, {1, 2});
        auto p = vals(run_const("geometry.transform_points", {point, matrix}));
        if (p[0] < 4 || p[1] < 4 || p[0] > double(c.w) - 4 || p[1] > double(c.h) - 4) continue;
        // A disk, so it survives the minification of the warp; its center is the point.
        Value mask = run_const("mask.render_points", {point, i64(c.w), i64(c.h)}, {{"radius", 2.0}});
        auto before = vals(run_const("mask.bounding_box", {mask}));
        EXPECT_NEAR((before[0] + before[2]) / 2, x, 0.5);
        EXPECT_NEAR((before[1] + before[3]) / 2, y, 0.5);
        auto got = vals(run_const("mask.bounding_box", {warp_nearest(mask, m, c.w, c.h)}));
        EXPECT_NEAR((got[0] + got[2]) / 2, p[0], 1.0) << int(kind) << " " << k;
        EXPECT_NEAR((got[1] + got[3]) / 2, p[1], 1.0) << int(kind) << " " << k;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 350);
}

TEST(GeometryCoTransform, FlipIsExact) {
  if (!Registry::global().find("image.flip")) GTEST_SKIP() << "image.flip is not built in";
  cv::RNG rng(5);
  for (const Canvas& c : kCanvases) {
    for (const char* axis : {"horizontal", "vertical", "both"}) {
      float x1 = float(rng.uniform(0.0, double(c.w) / 2)), y1 = float(rng.uniform(0.0, double(c.h) / 2));
      Value box = f32s({x1, y1, x1 + 7.25f, y1 + 5.5f}, {4});
      Value mask = run_const("mask.render_boxes", {box, i64(c.w), i64(c.h)});
      Value flipped = run_const("image.flip", {mask}, {{"axis", std::string(axis)}});
      Value m = run_const("geometry.flip_matrix", {i64(c.w), i64(c.h)}, {{"axis", std::string(axis)}});
      auto expected = vals(run_const("geometry.transform_boxes", {run_const("mask.bounding_box", {mask}), m}));
      EXPECT_EQ(vals(run_const("mask.bounding_box", {flipped})), expected) << axis;
    }
  }
}

TEST(GeometryCoTransform, RotationAboutTheCenterByQuarterTurnsIsExact) {
  // A quarter turn of a W x H canvas about its center, then recentering on H x W, moves integer
  // boxes to integer boxes: the warped mask matches exactly.
  cv::RNG rng(8);
  for (const Canvas& c : kCanvases) {
    Mat3 m = kernels::mat3_multiply(
        kernels::translation(double(c.h - c.w) / 2, double(c.w - c.h) / 2),
        kernels::rotation(90, double(c.w) / 2, double(c.h) / 2));
    for (int k = 0; k < 5; ++k) {
      float x1 = float(rng.uniform(0, int(c.w) - 10)), y1 = float(rng.uniform(0, int(c.h) - 10));
      Value box = f32s({x1, y1, x1 + 9, y1 + 6}, {4});
      Value mask = run_const("mask.render_boxes", {box, i64(c.w), i64(c.h)});
      Value warped = warp_nearest(mask, m, c.h, c.w);
      auto expected = vals(run_const("geometry.transform_boxes", {box, Value(kernels::mat3_tensor(m))}));
      auto got = vals(run_const("mask.bounding_box", {warped}));
      for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(got[i], expected[i], 1e-4) << c.w << "x" << c.h << " " << i;
    }
  }
}

}  // namespace
}  // namespace pxp::test::geom
