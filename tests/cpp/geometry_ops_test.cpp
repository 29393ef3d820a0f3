// geometry.*: matrices checked by hand and against OpenCV; annotations against
// cv::perspectiveTransform; the co-transform property (render, warp, measure) lives in
// cotransform_test.cpp.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

#include "geometry_test_util.hpp"
#include "kernels/transforms.hpp"

namespace pxp::test::geom {
namespace {

void expect_matrix(const Value& v, const std::vector<double>& expected, double tol = 1e-5) {
  ASSERT_TRUE(v.is_tensor());
  EXPECT_EQ(v.tensor().dtype(), DType::F32);
  ASSERT_EQ(v.tensor().shape(), (Shape{3, 3}));
  auto got = vals(v);
  for (size_t i = 0; i < 9; ++i) EXPECT_NEAR(got[i], expected[i], tol) << "entry " << i;
}

std::vector<double> apply(const std::vector<double>& m, double x, double y) {
  double w = m[6] * x + m[7] * y + m[8];
  return {(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w};
}

TEST(GeometryOps, BasicMatrices) {
  expect_matrix(run("geometry.identity", {}), {1, 0, 0, 0, 1, 0, 0, 0, 1});
  expect_matrix(run("geometry.translate", {f64(2.5), i64(-3)}), {1, 0, 2.5, 0, 1, -3, 0, 0, 1});
  expect_matrix(run("geometry.scale", {f64(2), f64(3), f64(1), f64(1)}), {2, 0, -1, 0, 3, -2, 0, 0, 1});
  expect_matrix(run("geometry.shear", {f64(0.5), f64(0.25)}), {1, 0.5, 0, 0.25, 1, 0, 0, 0, 1});
  expect_matrix(run("geometry.resize_matrix", {i64(10), i64(4), i64(5), i64(12)}), {0.5, 0, 0, 0, 3, 0, 0, 0, 1});
  expect_matrix(run("geometry.flip_matrix", {i64(7), i64(5)}), {-1, 0, 7, 0, 1, 0, 0, 0, 1});
  expect_matrix(run("geometry.flip_matrix", {i64(7), i64(5)}, {{"axis", std::string("vertical")}}),
                {1, 0, 0, 0, -1, 5, 0, 0, 1});
  expect_matrix(run("geometry.flip_matrix", {i64(7), i64(5)}, {{"axis", std::string("both")}}),
                {-1, 0, 7, 0, -1, 5, 0, 0, 1});
}

TEST(GeometryOps, RotateMatchesOpenCVAndIsCounterclockwiseOnScreen) {
  for (double angle : {0.0, 30.0, -45.0, 90.0, 180.0, 270.0, 400.0, -123.4}) {
    cv::Mat r = cv::getRotationMatrix2D(cv::Point2f(3.5f, -2.0f), angle, 1.0);
    std::vector<double> expected(9, 0.0);
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j) expected[static_cast<size_t>(i * 3 + j)] = r.at<double>(i, j);
    expected[8] = 1;
    expect_matrix(run("geometry.rotate", {f64(angle), f64(3.5), f64(-2)}), expected);
  }
  // 90 degrees: a point to the right of the center goes up on screen (y decreases), exactly.
  auto m = vals(run("geometry.rotate", {f64(90), f64(0), f64(0)}));
  auto p = apply(m, 1, 0);
  EXPECT_EQ(p[0], 0.0);
  EXPECT_EQ(p[1], -1.0);
  // Rotating a W x H image by 90 about its center, then translating, maps the canvas onto H x W.
  auto c = vals(run("geometry.rotate", {f64(90), f64(2.5), f64(1.5)}));
  auto corner = apply(c, 0, 0);
  EXPECT_DOUBLE_EQ(corner[0], 1.0);
  EXPECT_DOUBLE_EQ(corner[1], 4.0);
}

TEST(GeometryOps, ChainAppliesFirstToLast) {
  Value t = run("geometry.translate", {f64(1), f64(0)});
  Value s = run("geometry.scale", {f64(2), f64(2), f64(0), f64(0)});
  auto ts = vals(run("geometry.chain", {t, s}));  // translate, then scale
  auto p = apply(ts, 1, 1);
  EXPECT_DOUBLE_EQ(p[0], 4);
  EXPECT_DOUBLE_EQ(p[1], 2);
  auto st = vals(run("geometry.chain", {s, t}));  // scale, then translate
  p = apply(st, 1, 1);
  EXPECT_DOUBLE_EQ(p[0], 3);
  EXPECT_DOUBLE_EQ(p[1], 2);
  expect_matrix(run("geometry.chain", {}), {1, 0, 0, 0, 1, 0, 0, 0, 1});
  expect_matrix(run("geometry.chain", {t}), vals(t));
  // three: r applied last
  Value r = run("geometry.rotate", {f64(90), f64(0), f64(0)});
  p = apply(vals(run("geometry.chain", {t, s, r})), 1, 1);
  EXPECT_NEAR(p[0], 2, 1e-6);
  EXPECT_NEAR(p[1], -4, 1e-6);
}

TEST(GeometryOps, InvertRoundTripsAndRejectsSingular) {
  cv::RNG rng(7);
  for (int k = 0; k < 50; ++k) {
    std::vector<float> m(9);
    for (auto& x : m) x = static_cast<float>(rng.uniform(-2.0, 2.0));
    m[8] = 1.0f;
    Value mv = f32s(m, {3, 3});
    auto inv = vals(run("geometry.invert", {mv}));
    auto prod = vals(run("geometry.chain", {mv, f32s(std::vector<float>(inv.begin(), inv.end()), {3, 3})}));
    double det = cv::determinant(cv::Mat(3, 3, CV_32F, m.data()));
    if (std::fabs(det) < 0.05) continue;  // ill-conditioned draws: f32 storage dominates
    for (size_t i = 0; i < 9; ++i) EXPECT_NEAR(prod[i], (i % 4 == 0) ? 1.0 : 0.0, 2e-4) << k << " " << i;
  }
  // singular: an argument error at run time (and at load when the matrix is a constant)
  Value singular = f32s({1, 2, 3, 2, 4, 6, 0, 0, 1}, {3, 3});
  EXPECT_EQ(error_code([&] { run_dynamic("geometry.invert", {singular}); }), PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(error_code([&] { run_const("geometry.invert", {singular}); }), PXP_EINVALID_ARGUMENT);
  // a tiny but regular matrix is not "singular"
  auto small = vals(run("geometry.invert", {f32s({1e-3f, 0, 0, 0, 1e-3f, 0, 0, 0, 1e-3f}, {3, 3})}));
  EXPECT_NEAR(small[0], 1000, 1e-2);
}

TEST(GeometryOps, CenterAndFocusOnBox) {
  // box center (3, 2) -> canvas center (5, 4)
  expect_matrix(run("geometry.center_on_box", {f32s({2, 1, 4, 3}, {4}), i64(10), i64(8)}),
                {1, 0, 2, 0, 1, 2, 0, 0, 1});
  expect_matrix(run("geometry.center_on_box", {f32s({2, 1, 4, 3}, {1, 4}), i64(10), i64(8)}),
                {1, 0, 2, 0, 1, 2, 0, 0, 1});
  // a 4 x 2 box in a 10 x 10 canvas: width limits, scale 10 / 4; box fills the width exactly
  auto f = vals(run("geometry.focus_on_box", {f32s({1, 1, 5, 3}, {4}), i64(10), i64(10), f64(0)}));
  auto tl = apply(f, 1, 1), br = apply(f, 5, 3);
  EXPECT_NEAR(tl[0], 0, 1e-5);
  EXPECT_NEAR(br[0], 10, 1e-5);
  EXPECT_NEAR((tl[1] + br[1]) / 2, 5, 1e-5);
  EXPECT_NEAR(br[1] - tl[1], 5, 1e-5);  // aspect kept
  // margin 0.25 on each side: the box takes 1 / 1.5 of the limiting side
  f = vals(run("geometry.focus_on_box", {f32s({0, 0, 2, 8}, {4}), i64(9), i64(12), f64(0.25)}));
  tl = apply(f, 0, 0);
  br = apply(f, 2, 8);
  EXPECT_NEAR(br[1] - tl[1], 12 / 1.5, 1e-4);
  EXPECT_NEAR(tl[1], 2, 1e-4);
  EXPECT_NEAR((tl[0] + br[0]) / 2, 4.5, 1e-4);
  // a vertical segment: its height fits
  f = vals(run("geometry.focus_on_box", {f32s({3, 0, 3, 4}, {4}), i64(9), i64(8), f64(0)}));
  EXPECT_NEAR(f[0], 2, 1e-6);
  EXPECT_EQ(error_code([&] { run_dynamic("geometry.focus_on_box", {f32s({3, 3, 3, 3}, {4}), i64(9), i64(8), f64(0)}); }),
            PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(error_code([&] { run_dynamic("geometry.center_on_box", {f32s({0, 0, 1, 1, 2, 2, 3, 3}, {2, 4}), i64(9), i64(8)}); }),
            PXP_ETYPE);
}

TEST(GeometryOps, TransformPointsMatchesPerspectiveTransform) {
  cv::RNG rng(11);
  for (int k = 0; k < 20; ++k) {
    std::vector<float> m = {float(rng.uniform(0.5, 1.5)), float(rng.uniform(-0.3, 0.3)), float(rng.uniform(-5., 5.)),
                            float(rng.uniform(-0.3, 0.3)), float(rng.uniform(0.5, 1.5)), float(rng.uniform(-5., 5.)),
                            float(rng.uniform(-1e-3, 1e-3)), float(rng.uniform(-1e-3, 1e-3)), 1.0f};
    std::vector<float> pts;
    std::vector<cv::Point2f> cv_pts;
    for (int i = 0; i < 7; ++i) {
      float x = float(rng.uniform(-20., 120.)), y = float(rng.uniform(-20., 90.));
      pts.push_back(x);
      pts.push_back(y);
      cv_pts.emplace_back(x, y);
    }
    std::vector<cv::Point2f> expected;
    cv::perspectiveTransform(cv_pts, expected, cv::Mat(3, 3, CV_32F, m.data()));
    auto got = vals(run("geometry.transform_points", {f32s(pts, {7, 2}), f32s(m, {3, 3})}));
    for (size_t i = 0; i < 7; ++i) {
      EXPECT_NEAR(got[2 * i], expected[i].x, 1e-3);
      EXPECT_NEAR(got[2 * i + 1], expected[i].y, 1e-3);
    }
    // polygons: the same as points, also in lists
    Value poly = run("geometry.transform_polygon", {Value(List{f32s(pts, {7, 2}), f32s({1, 2}, {1, 2})}), f32s(m, {3, 3})});
    ASSERT_EQ(poly.list().size(), 2u);
    EXPECT_TRUE(poly.list()[0].bit_equal(run_const("geometry.transform_points", {f32s(pts, {7, 2}), f32s(m, {3, 3})})));
    EXPECT_TRUE(run("geometry.transform_polygon", {f32s(pts, {7, 2}), f32s(m, {3, 3})})
                    .bit_equal(run_const("geometry.transform_points", {f32s(pts, {7, 2}), f32s(m, {3, 3})})));
  }
  // integer points and a single point [2]; empty point sets
  Value one = run("geometry.transform_points", {Value(tensor<int32_t>({2, 3}, {2})), run_const("geometry.translate", {f64(1), f64(1)})});
  EXPECT_EQ(one.tensor().shape(), (Shape{2}));
  EXPECT_EQ(vals(one), (std::vector<double>{3, 4}));
  Value none = run("geometry.transform_points", {f32s({}, {0, 2}), run_const("geometry.identity", {})});
  EXPECT_EQ(none.tensor().shape(), (Shape{0, 2}));
  EXPECT_EQ(error_code([&] { run_dynamic("geometry.transform_points", {f32s({1, 2, 3}, {1, 3}), run_const("geometry.identity", {})}); }),
            PXP_ETYPE);
}

TEST(GeometryOps, TransformBoxesAndAgreesWithCornerPoints) {
  // 90 degrees about the origin: (x, y) -> (y, -x)
  Value r = run_const("geometry.rotate", {f64(90), f64(0), f64(0)});
  auto b = vals(run("geometry.transform_boxes", {f32s({1, 2, 4, 3}, {1, 4}), r}));
  EXPECT_EQ(b, (std::vector<double>{2, -4, 3, -1}));
  // perspective: min/max of the transformed corners (box_to_points -> transform_points -> points_bounds)
  Value m = f32s({1.1f, 0.2f, 3, -0.1f, 0.9f, 2, 0.002f, -0.001f, 1}, {3, 3});
  Value boxes = f32s({0, 0, 10, 5, 20, 30, 25, 60}, {2, 4});
  auto t = vals(run("geometry.transform_boxes", {boxes, m}));
  Value corners = run("geometry.box_to_points", {boxes});
  EXPECT_EQ(corners.tensor().shape(), (Shape{8, 2}));
  EXPECT_EQ(vals(corners), (std::vector<double>{0, 0, 10, 0, 10, 5, 0, 5, 20, 30, 25, 30, 25, 60, 20, 60}));
  auto moved = vals(run("geometry.transform_points", {corners, m}));
  for (size_t k = 0; k < 2; ++k) {
    std::vector<float> four(moved.begin() + static_cast<long>(8 * k), moved.begin() + static_cast<long>(8 * k + 8));
    auto bounds = vals(run("geometry.points_bounds", {f32s(four, {4, 2})}));
    for (size_t i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(t[4 * k + i], bounds[i]);
  }
  EXPECT_EQ(vals(run("geometry.points_bounds", {f32s({}, {0, 2})})), (std::vector<double>{0, 0, 0, 0}));
}

TEST(GeometryOps, ClipFilterAndVisible) {
  Value boxes = f32s({-5, -5, 5, 5,      // 25% visible
                      2, 2, 8, 6,        // inside
                      20, 20, 30, 30,    // outside
                      9, 1, 19, 2,       // 10% visible (1 x 1 of 10 x 1)
                      3, 3, 3, 3,        // a point inside (zero area)
                      9, 4, 11, 7.5},    // clipped to 1 x 3.5: 50%
                     {6, 4});
  auto clipped = vals(run("geometry.clip_boxes", {boxes, i64(10), i64(8)}));
  EXPECT_EQ(clipped, (std::vector<double>{0, 0, 5, 5, 2, 2, 8, 6, 10, 8, 10, 8, 9, 1, 10, 2, 3, 3, 3, 3, 9, 4, 10, 7.5}));
  auto kept = run("geometry.filter_boxes", {boxes, i64(10), i64(8)});
  EXPECT_EQ(kept.tensor().shape(), (Shape{4, 4}));
  EXPECT_EQ(vals(kept), (std::vector<double>{0, 0, 5, 5, 2, 2, 8, 6, 3, 3, 3, 3, 9, 4, 10, 7.5}));
  auto mask = run("geometry.visible_boxes", {boxes, i64(10), i64(8)});
  EXPECT_EQ(mask.tensor().dtype(), DType::Bool);
  EXPECT_EQ(vals(mask), (std::vector<double>{1, 1, 0, 0, 1, 1}));
  auto idx = run("geometry.visible_boxes", {boxes, i64(10), i64(8)}, {{"output", std::string("indices")}});
  EXPECT_EQ(idx.tensor().dtype(), DType::I64);
  EXPECT_EQ(vals(idx), (std::vector<double>{0, 1, 4, 5}));
  // stricter visibility and a minimum size
  EXPECT_EQ(vals(run("geometry.visible_boxes", {boxes, i64(10), i64(8)}, {{"min_visible", 0.5}})),
            (std::vector<double>{0, 1, 0, 0, 1, 1}));
  EXPECT_EQ(vals(run("geometry.visible_boxes", {boxes, i64(10), i64(8)}, {{"min_size", 2.0}})),
            (std::vector<double>{1, 1, 0, 0, 0, 0}));
  EXPECT_EQ(vals(run("geometry.visible_boxes", {boxes, i64(10), i64(8)}, {{"min_visible", 0.0}})),
            (std::vector<double>{1, 1, 1, 1, 1, 1}));
  // labels filtered alongside with list.filter
  ProgramBuilder b;
  uint32_t keep = b.op("geometry.visible_boxes", {b.constant(boxes), b.scalar<int64_t>(10), b.scalar<int64_t>(8)});
  List labels;
  for (int i = 0; i < 6; ++i) labels.push_back(Value(std::string(1, char('a' + i))));
  b.output("labels", b.op("list.filter", {b.constant(Value(labels)), keep}));
  Pipeline p(b.load(), 0, 1);
  auto out = p.run(0).outputs.at(0).list();
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[2].string(), "e");
}

TEST(GeometryOps, InferredTypes) {
  auto index = [](ProgramBuilder& b) { return b.op("core.sample_index"); };
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("geometry.rotate", {index(b), index(b), index(b)}); }),
            "f32[3,3]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) {
              uint32_t pts = b.op("flow.select", {index(b), b.constant(f32s({1, 2, 3, 4, 5, 6}, {3, 2})),
                                                  b.constant(f32s({1, 2, 3, 4, 5, 6}, {3, 2}))});
              return b.op("geometry.transform_points", {pts, b.op("geometry.identity")});
            }),
            "f32[3,2]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) {
              return b.op("geometry.filter_boxes", {b.constant(f32s({1, 2, 3, 4}, {1, 4})), index(b), index(b)});
            }),
            "f32[?,4]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) {
              return b.op("geometry.visible_boxes", {b.constant(f32s({1, 2, 3, 4, 1, 2, 3, 4}, {2, 4})), index(b), index(b)});
            }),
            "bool[2]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("geometry.box_to_points", {b.constant(f32s({1, 2, 3, 4, 1, 2, 3, 4}, {2, 4}))}); }),
            "f32[8,2]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("geometry.chain", {b.op("geometry.identity"), b.op("geometry.identity")}); }),
            "f32[3,3]");
  // wrong kinds are type errors at load
  auto load_code = [](const std::function<uint32_t(ProgramBuilder&)>& build) {
    ProgramBuilder b;
    b.output("out", build(b));
    return error_code([&] { b.load(); });
  };
  EXPECT_EQ(load_code([](ProgramBuilder& b) {
              return b.op("geometry.transform_points", {b.constant(f32s({1, 2, 3}, {1, 3})), b.op("geometry.identity")});
            }),
            PXP_ETYPE);
  EXPECT_EQ(load_code([](ProgramBuilder& b) {
              return b.op("geometry.transform_boxes", {b.constant(f32s({1, 2, 3, 4}, {1, 4})), b.constant(f32s({1, 2, 3, 4}, {2, 2}))});
            }),
            PXP_ETYPE);
  EXPECT_EQ(load_code([](ProgramBuilder& b) { return b.op("geometry.translate", {b.constant(Value(std::string("x"))), b.scalar<double>(1)}); }),
            PXP_ETYPE);
  EXPECT_EQ(load_code([](ProgramBuilder& b) { return b.op("geometry.chain", {b.constant(f32s({1, 2}, {2}))}); }), PXP_ETYPE);
}

}  // namespace
}  // namespace pxp::test::geom
