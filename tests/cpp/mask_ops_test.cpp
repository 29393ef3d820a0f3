// mask.*: rendering by pixel-center sampling (hand cases and cv::pointPolygonTest), measures
// against OpenCV (moments, components, distances) and morphology against cv::morphologyEx on
// u8, u16 and f32, odd and degenerate sizes.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

#include "geometry_test_util.hpp"
#include "kernels/cv_bridge.hpp"

namespace pxp::test::geom {
namespace {

// The mask as rows of '#' (set) and '.' for readable expectations.
std::string picture(const Value& mask) {
  const Tensor& t = mask.tensor();
  auto v = values(t);
  int64_t h = t.dim(0), w = t.dim(1);
  std::string s;
  for (int64_t i = 0; i < h; ++i) {
    for (int64_t j = 0; j < w; ++j) s += v[static_cast<size_t>(i * w + j)] ? '#' : '.';
    s += '\n';
  }
  return s;
}

Value random_mask(cv::RNG& rng, int h, int w, DType dtype, double density = 0.5, int rank = 3) {
  Tensor t = Tensor::zeros(dtype, rank == 3 ? Shape{h, w, 1} : Shape{h, w});
  dispatch_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.mutable_data<T>();
    for (int i = 0; i < h * w; ++i) p[i] = rng.uniform(0.0, 1.0) < density ? T(rng.uniform(1, 200)) : T(0);
  });
  return Value(t);
}

cv::Mat mat(const Value& v) { return kernels::as_mat(v.tensor()); }

TEST(MaskOps, RenderBoxesSamplesPixelCenters) {
  Value m = run("mask.render_boxes", {f32s({1, 1, 3, 2, 3.4f, 2.4f, 4.6f, 3.5f}, {2, 4}), i64(6), i64(4)});
  EXPECT_EQ(m.tensor().dtype(), DType::U8);
  EXPECT_EQ(m.tensor().shape(), (Shape{4, 6, 1}));
  EXPECT_EQ(picture(m),
            "......\n"
            ".##...\n"
            "...##.\n"
            "......\n");
  EXPECT_EQ(vals(run("mask.bounding_box", {m})), (std::vector<double>{1, 1, 5, 3}));
  // value attribute, a box beyond the canvas, a box with no pixel center
  Value v = run("mask.render_boxes", {f32s({-3, -3, 2, 1}, {4}), i64(3), i64(2)}, {{"value", int64_t(7)}});
  EXPECT_EQ(vals(v), (std::vector<double>{7, 7, 0, 0, 0, 0}));
  EXPECT_EQ(picture(run("mask.render_boxes", {f32s({1.6f, 0, 2.4f, 2}, {4}), i64(3), i64(2)})), "...\n...\n");
  // 1 x 1 and 1 x N canvases, and an empty canvas
  EXPECT_EQ(vals(run("mask.render_boxes", {f32s({0, 0, 1, 1}, {4}), i64(1), i64(1)})), (std::vector<double>{255}));
  EXPECT_EQ(picture(run("mask.render_boxes", {f32s({2, 0, 4, 1}, {4}), i64(5), i64(1)})), "..##.\n");
  EXPECT_EQ(run("mask.render_boxes", {f32s({}, {0, 4}), i64(0), i64(3)}).tensor().shape(), (Shape{3, 0, 1}));
  EXPECT_EQ(error_code([&] { run_dynamic("mask.render_boxes", {f32s({0, 0, 1, 1}, {4}), i64(-1), i64(3)}); }),
            PXP_EOUT_OF_RANGE);
  EXPECT_EQ(error_code([&] { run_dynamic("mask.render_boxes", {f32s({0, 0, 1, 1}, {4}), f64(2.5), i64(3)}); }),
            PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(error_code([&] { run_dynamic("mask.render_boxes", {f32s({0, 0, NAN, 1}, {4}), i64(2), i64(3)}); }),
            PXP_EINVALID_ARGUMENT);
}

TEST(MaskOps, RenderPolygonsMatchesPointInPolygonAtPixelCenters) {
  // A rectangle polygon with integer corners renders exactly like the box.
  Value rect = f32s({1, 1, 4, 1, 4, 3, 1, 3}, {4, 2});
  EXPECT_TRUE(run("mask.render_polygons", {rect, i64(7), i64(5)})
                  .bit_equal(run_const("mask.render_boxes", {f32s({1, 1, 4, 3}, {4}), i64(7), i64(5)})));
  // A triangle by hand: centers (j + .5, i + .5) inside (0,0) (6,0) (0,6)
  EXPECT_EQ(picture(run("mask.render_polygons", {f32s({0, 0, 6, 0, 0, 6}, {3, 2}), i64(6), i64(4)})),
            "#####.\n"   // x + y < 6 at centers: row 0 (y = 0.5): x < 5.5 -> 5 pixels
            "####..\n"
            "###...\n"
            "##....\n");
  // Random polygons (also self-intersecting) against cv::pointPolygonTest with the even-odd rule
  // approximated by crossing counting; pixels whose centers lie within 1e-3 of an edge are skipped.
  cv::RNG rng(3);
  for (int k = 0; k < 30; ++k) {
    int w = 17 + 2 * (k % 5), h = 23 - 2 * (k % 4);
    int n = 3 + k % 6;
    std::vector<float> xy;
    std::vector<cv::Point2f> contour;
    for (int i = 0; i < n; ++i) {
      float x = float(rng.uniform(-3.0, w + 3.0)), y = float(rng.uniform(-3.0, h + 3.0));
      xy.push_back(x);
      xy.push_back(y);
      contour.emplace_back(x, y);
    }
    Value m = run("mask.render_polygons", {Value(List{f32s(xy, {n, 2})}), i64(w), i64(h)});
    auto v = vals(m);
    for (int i = 0; i < h; ++i)
      for (int j = 0; j < w; ++j) {
        double cx = j + 0.5, cy = i + 0.5;
        int crossings = 0;
        double nearest = 1e9;
        for (int a = 0; a < n; ++a) {
          cv::Point2f p = contour[size_t(a)], q = contour[size_t((a + 1) % n)];
          if ((p.y <= cy) != (q.y <= cy) && cx < p.x + (cy - p.y) * (q.x - p.x) / (q.y - p.y)) ++crossings;
          nearest = std::min(nearest, std::fabs(cv::pointPolygonTest(std::vector<cv::Point2f>{p, q}, cv::Point2f(float(cx), float(cy)), true)));
        }
        if (nearest < 1e-3) continue;
        EXPECT_EQ(v[size_t(i * w + j)] != 0, crossings % 2 == 1) << k << " " << i << " " << j;
      }
    // A convex polygon: the same as cv::pointPolygonTest
    if (n == 3) {
      for (int i = 0; i < h; ++i)
        for (int j = 0; j < w; ++j) {
          double d = cv::pointPolygonTest(contour, cv::Point2f(float(j + 0.5), float(i + 0.5)), true);
          if (std::fabs(d) > 1e-3) EXPECT_EQ(v[size_t(i * w + j)] != 0, d > 0) << k;
        }
    }
  }
  // Several polygons are united; fewer than 3 points draw nothing
  Value two = run("mask.render_polygons", {Value(List{f32s({0, 0, 2, 0, 2, 2, 0, 2}, {4, 2}),
                                                       f32s({1, 1, 3, 1, 3, 2, 1, 2}, {4, 2}), f32s({0, 0, 3, 3}, {2, 2})}),
                                           i64(4), i64(2)});
  EXPECT_EQ(picture(two), "##..\n###.\n");
  EXPECT_EQ(error_code([&] { run_dynamic("mask.render_polygons", {f32s({0, 0, INFINITY, 0, 0, 1}, {3, 2}), i64(4), i64(2)}); }),
            PXP_EINVALID_ARGUMENT);
}

TEST(MaskOps, RenderPoints) {
  Value one = run("mask.render_points", {f32s({2.9f, 0.1f, -1, 0, 4.99f, 2.99f}, {3, 2}), i64(5), i64(3)});
  EXPECT_EQ(picture(one), "..#..\n.....\n....#\n");
  Value disk = run("mask.render_points", {f32s({3.5f, 3.5f}, {2}), i64(7), i64(7)}, {{"radius", 1.0}});
  EXPECT_EQ(picture(disk),
            ".......\n"
            ".......\n"
            "...#...\n"
            "..###..\n"
            "...#...\n"
            ".......\n"
            ".......\n");
  Value big = run("mask.render_points", {f32s({3.5f, 3.5f}, {2}), i64(7), i64(7)}, {{"radius", 1.5}});
  EXPECT_EQ(vals(run("mask.bounding_box", {big})), (std::vector<double>{2, 2, 5, 5}));
  EXPECT_EQ(vals(run("mask.moments", {big}))[0], 9);
}

TEST(MaskOps, BoundingBoxAndIsEmpty) {
  Tensor t = Tensor::zeros(DType::F32, {5, 7, 2});
  EXPECT_EQ(vals(run("mask.bounding_box", {Value(t)})), (std::vector<double>{0, 0, 0, 0}));
  EXPECT_TRUE(run("mask.is_empty", {Value(t)}).as_bool());
  t.mutable_data<float>()[(2 * 7 + 3) * 2 + 1] = 0.5f;  // row 2, col 3, second channel
  EXPECT_EQ(vals(run("mask.bounding_box", {Value(t)})), (std::vector<double>{3, 2, 4, 3}));
  EXPECT_FALSE(run("mask.is_empty", {Value(t)}).as_bool());
  // rank 2, u16, against cv::boundingRect of the nonzero pixels
  cv::RNG rng(1);
  for (int k = 0; k < 20; ++k) {
    int h = 1 + k % 7, w = 1 + (k * 3) % 11;
    Value m = random_mask(rng, h, w, k % 2 ? DType::U16 : DType::U8, 0.1, 2);
    cv::Mat nz;
    cv::findNonZero(mat(m), nz);
    auto got = vals(run("mask.bounding_box", {m}));
    if (nz.empty()) {
      EXPECT_EQ(got, (std::vector<double>{0, 0, 0, 0}));
      continue;
    }
    cv::Rect r = cv::boundingRect(nz);
    EXPECT_EQ(got, (std::vector<double>{double(r.x), double(r.y), double(r.x + r.width), double(r.y + r.height)}));
  }
  EXPECT_TRUE(run("mask.is_empty", {Value(Tensor::zeros(DType::U8, {0, 4, 1}))}).as_bool());
}

TEST(MaskOps, MomentsMatchOpenCVShiftedToPixelCenters) {
  cv::RNG rng(2);
  for (DType dtype : {DType::U8, DType::F32}) {
    for (auto size : std::vector<std::pair<int, int>>{{1, 1}, {1, 9}, {13, 7}, {31, 40}}) {
      Value m = random_mask(rng, size.first, size.second, dtype, 0.4);
      for (bool binary : {true, false}) {
        cv::Moments c = cv::moments(mat(m), binary);
        // cv::moments has pixel centers at integers: x_ours = x_cv + 0.5.
        double m00 = c.m00, a = 0.5;
        std::vector<double> expected = {
            m00,
            c.m10 + a * m00,
            c.m01 + a * m00,
            c.m20 + 2 * a * c.m10 + a * a * m00,
            c.m11 + a * c.m10 + a * c.m01 + a * a * m00,
            c.m02 + 2 * a * c.m01 + a * a * m00,
            c.m30 + 3 * a * c.m20 + 3 * a * a * c.m10 + a * a * a * m00,
            c.m21 + 2 * a * c.m11 + a * c.m20 + a * a * c.m01 + 2 * a * a * c.m10 + a * a * a * m00,
            c.m12 + 2 * a * c.m11 + a * c.m02 + a * a * c.m10 + 2 * a * a * c.m01 + a * a * a * m00,
            c.m03 + 3 * a * c.m02 + 3 * a * a * c.m01 + a * a * a * m00,
        };
        Value got = run("mask.moments", {m}, {{"binary", binary}});
        EXPECT_EQ(got.tensor().dtype(), DType::F64);
        auto g = vals(got);
        for (size_t i = 0; i < 10; ++i)
          EXPECT_NEAR(g[i], expected[i], 1e-6 * std::max(1.0, std::fabs(expected[i]))) << i;
      }
    }
  }
  // the centroid of a box is its center
  auto g = vals(run("mask.moments", {run_const("mask.render_boxes", {f32s({2, 3, 7, 6}, {4}), i64(9), i64(8)})}));
  EXPECT_DOUBLE_EQ(g[1] / g[0], 4.5);
  EXPECT_DOUBLE_EQ(g[2] / g[0], 4.5);
  // two channels: a type error at load when the shape is known
  EXPECT_EQ(error_code([&] { run_dynamic("mask.moments", {Value(Tensor::zeros(DType::U8, {3, 3, 2}))}); }), PXP_ETYPE);
}

TEST(MaskOps, ConnectedComponentsAreNumberedInRasterOrder) {
  const char* rows[] = {"#..#.", ".#.#.", "....#", "##..."};
  Tensor t = Tensor::zeros(DType::U8, {4, 5, 1});
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 5; ++j) t.mutable_data<uint8_t>()[i * 5 + j] = rows[i][j] == '#' ? 9 : 0;
  auto eight = vals(run("mask.connected_components", {Value(t)}));
  EXPECT_EQ(eight, (std::vector<double>{1, 0, 0, 2, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 2, 3, 3, 0, 0, 0}));
  auto four = vals(run("mask.connected_components", {Value(t)}, {{"connectivity", int64_t(4)}}));
  EXPECT_EQ(four, (std::vector<double>{1, 0, 0, 2, 0, 0, 3, 0, 2, 0, 0, 0, 0, 0, 4, 5, 5, 0, 0, 0}));
  // random masks: same partition as OpenCV, labels in raster order
  cv::RNG rng(4);
  for (int k = 0; k < 20; ++k) {
    Value m = random_mask(rng, 5 + k, 30 - k, k % 2 ? DType::F32 : DType::U8, 0.45, k % 3 ? 3 : 2);
    int conn = k % 2 ? 4 : 8;
    Value got = run("mask.connected_components", {m}, {{"connectivity", int64_t(conn)}});
    EXPECT_EQ(got.tensor().dtype(), DType::I32);
    EXPECT_EQ(got.tensor().shape(), m.tensor().shape());
    cv::Mat bin, ref;
    cv::compare(mat(m), 0, bin, cv::CMP_NE);
    int n = cv::connectedComponents(bin, ref, conn, CV_32S);
    auto g = vals(got);
    std::vector<int> map(size_t(n), -1);
    int next = 1;
    for (int i = 0; i < ref.rows; ++i)
      for (int j = 0; j < ref.cols; ++j) {
        int r = ref.at<int>(i, j);
        double l = g[size_t(i * ref.cols + j)];
        if (r == 0) {
          EXPECT_EQ(l, 0);
          continue;
        }
        if (map[size_t(r)] < 0) map[size_t(r)] = next++;  // first appearance gets the next label
        EXPECT_EQ(l, map[size_t(r)]);
      }
  }
  EXPECT_EQ(vals(run("mask.connected_components", {Value(Tensor::zeros(DType::U8, {1, 1, 1}))})), (std::vector<double>{0}));
  EXPECT_EQ(run("mask.connected_components", {Value(Tensor::zeros(DType::U8, {0, 3}))}).tensor().shape(), (Shape{0, 3}));
}

TEST(MaskOps, DistanceTransformMatchesOpenCV) {
  cv::RNG rng(6);
  for (const char* metric : {"l1", "l2", "linf"}) {
    for (auto size : std::vector<std::pair<int, int>>{{1, 1}, {1, 8}, {9, 1}, {17, 23}}) {
      Value m = random_mask(rng, size.first, size.second, DType::U8, 0.8);
      Value got = run("mask.distance_transform", {m}, {{"metric", std::string(metric)}});
      EXPECT_EQ(got.tensor().dtype(), DType::F32);
      EXPECT_EQ(got.tensor().shape(), m.tensor().shape());
      cv::Mat ref;
      std::string name = metric;
      int type = name == "l1" ? cv::DIST_L1 : name == "l2" ? cv::DIST_L2 : cv::DIST_C;
      cv::distanceTransform(mat(m), ref, type, name == "l2" ? cv::DIST_MASK_PRECISE : 3, CV_32F);
      if (cv::countNonZero(mat(m)) == size.first * size.second) ref.setTo(INFINITY);  // documented: no zeros
      EXPECT_EQ(cv::norm(ref, mat(got), cv::NORM_INF), 0.0) << metric;
    }
  }
  // exact values by hand: a single zero pixel in a row of five
  Tensor row = tensor<float>({1, 1, 0, 1, 1}, {1, 5});
  EXPECT_EQ(vals(run("mask.distance_transform", {Value(row)})), (std::vector<double>{2, 1, 0, 1, 2}));
  Tensor diag = tensor<uint8_t>({0, 1, 1, 1, 1, 1, 1, 1, 1}, {3, 3, 1});
  auto l1 = vals(run("mask.distance_transform", {Value(diag)}, {{"metric", std::string("l1")}}));
  auto linf = vals(run("mask.distance_transform", {Value(diag)}, {{"metric", std::string("linf")}}));
  auto l2 = vals(run("mask.distance_transform", {Value(diag)}));
  EXPECT_EQ(l1[8], 4);
  EXPECT_EQ(linf[8], 2);
  EXPECT_NEAR(l2[8], std::sqrt(8.0), 1e-5);
  // no zero pixel at all: unbounded
  auto none = vals(run("mask.distance_transform", {Value(tensor<uint8_t>({1, 1, 1}, {1, 3}))}));
  EXPECT_TRUE(std::isinf(none[0]) && std::isinf(none[2]));
}

TEST(MaskOps, MorphologyMatchesOpenCV) {
  cv::RNG rng(9);
  const std::pair<const char*, int> ops[] = {{"mask.erode", cv::MORPH_ERODE}, {"mask.dilate", cv::MORPH_DILATE},
                                             {"mask.open", cv::MORPH_OPEN}, {"mask.close", cv::MORPH_CLOSE}};
  const std::pair<const char*, int> shapes[] = {{"rect", cv::MORPH_RECT}, {"ellipse", cv::MORPH_ELLIPSE},
                                                {"cross", cv::MORPH_CROSS}};
  for (DType dtype : {DType::U8, DType::U16, DType::F32}) {
    for (auto size : std::vector<std::array<int, 3>>{{1, 1, 1}, {1, 7, 1}, {9, 1, 1}, {15, 22, 1}, {11, 13, 3}}) {
      Tensor t = Tensor::empty(dtype, {size[0], size[1], size[2]});
      cv::Mat m = kernels::as_mat(t);
      rng.fill(m, cv::RNG::UNIFORM, 0, 200);
      for (const auto& op : ops)
        for (const auto& shape : shapes)
          for (int64_t ksize : {1, 3, 5})
            for (int64_t iterations : {1, 2}) {
              Value got = run(op.first, {Value(t)},
                              {{"kernel_shape", std::string(shape.first)}, {"kernel_size", ksize}, {"iterations", iterations}});
              EXPECT_EQ(got.tensor().dtype(), dtype);
              EXPECT_EQ(got.tensor().shape(), t.shape());
              cv::Mat ref;
              cv::morphologyEx(m, ref, op.second, cv::getStructuringElement(shape.second, cv::Size(int(ksize), int(ksize))),
                               cv::Point(-1, -1), int(iterations));
              EXPECT_EQ(cv::norm(ref, mat(got), cv::NORM_INF), 0.0) << op.first << " " << shape.first << " " << ksize;
            }
    }
  }
  // hand case: a 3 x 3 rect erosion of a 3 x 3 square leaves its center; the border never erodes
  Value sq = run_const("mask.render_boxes", {f32s({1, 1, 4, 4}, {4}), i64(5), i64(5)});
  EXPECT_EQ(picture(run("mask.erode", {sq})), ".....\n.....\n..#..\n.....\n.....\n");
  Value full = run_const("mask.render_boxes", {f32s({0, 0, 4, 3}, {4}), i64(4), i64(3)});
  EXPECT_TRUE(run("mask.erode", {full}).bit_equal(full));
  EXPECT_EQ(picture(run("mask.dilate", {run_const("mask.render_boxes", {f32s({2, 2, 3, 3}, {4}), i64(5), i64(5)})},
                        {{"kernel_shape", std::string("cross")}})),
            ".....\n..#..\n.###.\n..#..\n.....\n");
  // rank 2 stays rank 2; i32 is a type error at load; even sizes are rejected
  EXPECT_EQ(run("mask.dilate", {Value(Tensor::zeros(DType::U8, {4, 6}))}).tensor().shape(), (Shape{4, 6}));
  EXPECT_EQ(error_code([&] { run_dynamic("mask.dilate", {Value(Tensor::zeros(DType::I32, {4, 6}))}); }), PXP_ETYPE);
  EXPECT_NE(error_code([&] { run_dynamic("mask.dilate", {Value(Tensor::zeros(DType::U8, {4, 6}))}, {{"kernel_size", int64_t(4)}}); }),
            PXP_OK);
}

TEST(MaskOps, InferredTypes) {
  auto index = [](ProgramBuilder& b) { return b.op("core.sample_index"); };
  EXPECT_EQ(inferred([](ProgramBuilder& b) {
              return b.op("mask.render_boxes", {b.constant(f32s({0, 0, 1, 1}, {4})), b.scalar<int64_t>(7), b.scalar<int64_t>(5)});
            }),
            "u8[5,7,1]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) {
              return b.op("mask.render_polygons", {b.constant(Value(List{})), index(b), b.scalar<int64_t>(5)});
            }),
            "u8[5,?,1]");
  auto dynamic_mask = [&](ProgramBuilder& b, Shape shape, DType dtype) {
    uint32_t m = b.constant(Value(Tensor::zeros(dtype, shape)));
    return b.op("flow.select", {index(b), m, m});
  };
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("mask.bounding_box", {dynamic_mask(b, {3, 4, 1}, DType::U8)}); }),
            "f32[4]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("mask.is_empty", {dynamic_mask(b, {3, 4}, DType::F32)}); }),
            "bool[]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("mask.moments", {dynamic_mask(b, {3, 4}, DType::F32)}); }),
            "f64[10]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) {
              return b.op("mask.connected_components", {dynamic_mask(b, {3, 4, 1}, DType::U8)});
            }),
            "i32[3,4,1]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("mask.distance_transform", {dynamic_mask(b, {3, 4}, DType::U8)}); }),
            "f32[3,4]");
  EXPECT_EQ(inferred([&](ProgramBuilder& b) { return b.op("mask.close", {dynamic_mask(b, {3, 4, 2}, DType::U16)}); }),
            "u16[3,4,2]");
  ProgramBuilder b;
  b.output("out", b.op("mask.moments", {dynamic_mask(b, {3, 4, 2}, DType::U8)}));
  EXPECT_EQ(error_code([&] { b.load(); }), PXP_ETYPE);
}

}  // namespace
}  // namespace pxp::test::geom
