// filter.* ops against a naive correlation (our own border indexing, independent of OpenCV's)
// and against OpenCV calls; u8 and f32, tiny, odd and non-square sizes, every border mode.
#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "kernels/cv_bridge.hpp"
#include "kernels/image_modes.hpp"
#include "program_builder.hpp"

namespace pxp {
namespace {

using test::run_op;
using test::tensor;
using test::values;
using test::error_code;
using test::f32;
using test::i64;

Tensor pattern(DType dtype, Shape shape, uint32_t seed = 3) { return test::pattern(dtype, shape, seed, 777u); }

Tensor run(const std::string& op, std::vector<Value> in, const test::AttrList& attrs = {}) {
  return run_op(op, in, attrs).tensor();
}


// Correlation with kernel k (rows x cols, anchor rows/2, cols/2) in double, with our own border rule.
std::vector<double> correlate(const Tensor& img, const std::vector<double>& k, int rows, int cols,
                              const std::string& border, double value) {
  kernels::Border b = kernels::border_from_name(border);
  int64_t h = img.dim(0), w = img.dim(1), c = img.ndim() == 3 ? img.dim(2) : 1;
  auto in = values(img);
  std::vector<double> out(in.size());
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      for (int64_t ch = 0; ch < c; ++ch) {
        double s = 0;
        for (int i = 0; i < rows; ++i)
          for (int j = 0; j < cols; ++j) {
            int64_t sy = kernels::border_index(y + i - rows / 2, h, b), sx = kernels::border_index(x + j - cols / 2, w, b);
            double v = (sy < 0 || sx < 0) ? value : in[static_cast<size_t>((sy * w + sx) * c + ch)];
            s += k[static_cast<size_t>(i * cols + j)] * v;
          }
        out[static_cast<size_t>((y * w + x) * c + ch)] = s;
      }
  return out;
}

void expect_close(const Tensor& out, const std::vector<double>& ref, double tol, const std::string& what) {
  auto v = values(out);
  ASSERT_EQ(v.size(), ref.size()) << what;
  bool integer = out.dtype() != DType::F32;
  for (size_t i = 0; i < v.size(); ++i) {
    double r = integer ? std::min(255.0, std::max(0.0, ref[i])) : ref[i];
    ASSERT_NEAR(v[i], r, tol) << what << " at " << i;
  }
}

const std::vector<Shape> kSizes = {{1, 1, 1}, {1, 7, 3}, {5, 3, 1}, {4, 9, 3}, {6, 5}};
const char* const kBorders[] = {"constant", "replicate", "reflect", "wrap"};

TEST(FilterOps, ConvolveEveryBorderMatchesNaiveCorrelation) {
  // An asymmetric 3 x 2 kernel catches flips and anchor errors.
  std::vector<double> k{0.1, 0.2, -0.3, 0.4, 0.5, 0.05};
  Tensor kt = tensor<float>({0.1f, 0.2f, -0.3f, 0.4f, 0.5f, 0.05f}, {3, 2});
  for (DType dt : {DType::U8, DType::F32})
    for (const Shape& s : kSizes)
      for (const char* border : kBorders)
        for (double bv : {0.0, 0.5}) {
          double value = dt == DType::U8 ? bv * 200 : bv;
          Tensor img = pattern(dt, s);
          Tensor out = run("filter.convolve", {img, kt}, {{"border", std::string(border)}, {"border_value", value}});
          ASSERT_EQ(out.shape(), img.shape());
          ASSERT_EQ(out.dtype(), dt);
          expect_close(out, correlate(img, k, 3, 2, border, value), dt == DType::U8 ? 1.0 : 1e-5,
                       std::string(border) + " " + dtype_name(dt));
        }
  EXPECT_EQ(error_code("filter.convolve", {pattern(DType::U8, {3, 3}), tensor<float>({1}, {1})}), PXP_ETYPE);
}

TEST(FilterOps, GaussianAndBoxBlurEveryBorder) {
  for (DType dt : {DType::U8, DType::F32})
    for (const Shape& s : kSizes)
      for (const char* border : kBorders) {
        Tensor img = pattern(dt, s);
        double value = dt == DType::U8 ? 90 : 0.3;
        test::AttrList attrs{{"border", std::string(border)}, {"border_value", value}};
        // Gaussian: sigma 1.2, kernel 5 (the same 1-D kernel OpenCV builds).
        cv::Mat g1 = cv::getGaussianKernel(5, 1.2, CV_64F);
        std::vector<double> g(25);
        for (int i = 0; i < 5; ++i)
          for (int j = 0; j < 5; ++j) g[static_cast<size_t>(i * 5 + j)] = g1.at<double>(i) * g1.at<double>(j);
        auto gattrs = attrs;
        gattrs.emplace_back("kernel_size", int64_t(5));
        expect_close(run("filter.gaussian_blur", {img, f32(1.2)}, gattrs), correlate(img, g, 5, 5, border, value),
                     dt == DType::U8 ? 1.0 : 1e-5, std::string("gaussian ") + border);
        // Box: an even size anchors at size / 2.
        for (int64_t k : {1, 3, 4}) {
          auto battrs = attrs;
          battrs.emplace_back("kernel_size", k);
          std::vector<double> box(static_cast<size_t>(k * k), 1.0 / double(k * k));
          expect_close(run("filter.box_blur", {img}, battrs), correlate(img, box, int(k), int(k), border, value),
                       dt == DType::U8 ? 1.0 : 1e-5, std::string("box ") + border);
        }
      }
  // kernel_size 0 derives the size from sigma like OpenCV.
  Tensor img = pattern(DType::U8, {9, 11, 3});
  cv::Mat ref;
  cv::GaussianBlur(kernels::as_mat(img), ref, cv::Size(0, 0), 1.5, 1.5, cv::BORDER_REFLECT);
  EXPECT_TRUE(run("filter.gaussian_blur", {img, f32(1.5)}).bit_equal(kernels::from_mat(ref, true)));
  EXPECT_EQ(error_code("filter.gaussian_blur", {img, f32(0)}), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(error_code("filter.gaussian_blur", {img, f32(1)}, {{"kernel_size", int64_t(4)}}), PXP_ETYPE);
}

TEST(FilterOps, MedianMatchesOpenCVAndChecksSizes) {
  for (const Shape& s : kSizes)
    for (DType dt : {DType::U8, DType::F32, DType::U16}) {
      Tensor img = pattern(dt, s);
      for (int64_t k : {3, 5}) {
        cv::Mat ref;
        cv::medianBlur(kernels::as_mat(img), ref, static_cast<int>(k));
        EXPECT_TRUE(run("filter.median_blur", {img}, {{"kernel_size", k}}).bit_equal(kernels::from_mat(ref, img.ndim() == 3)));
      }
    }
  Tensor u8 = pattern(DType::U8, {7, 8, 3});
  cv::Mat ref;
  cv::medianBlur(kernels::as_mat(u8), ref, 7);
  EXPECT_TRUE(run("filter.median_blur", {u8}, {{"kernel_size", int64_t(7)}}).bit_equal(kernels::from_mat(ref, true)));
  // Two channels go plane by plane.
  Tensor two = pattern(DType::U8, {5, 6, 2});
  auto out = values(run("filter.median_blur", {two}, {{"kernel_size", int64_t(3)}}));
  Tensor first = run("color.select_channels", {two}, {{"channels", std::vector<int64_t>{0}}});
  cv::medianBlur(kernels::as_mat(first), ref, 3);
  auto r = values(kernels::from_mat(ref, true));
  for (size_t i = 0; i < r.size(); ++i) EXPECT_EQ(out[2 * i], r[i]);
  EXPECT_EQ(error_code("filter.median_blur", {pattern(DType::F32, {5, 5})}, {{"kernel_size", int64_t(7)}}), PXP_ETYPE);
  EXPECT_EQ(error_code("filter.median_blur", {u8}, {{"kernel_size", int64_t(4)}}), PXP_ETYPE);
}

TEST(FilterOps, BilateralMatchesOpenCV) {
  for (DType dt : {DType::U8, DType::F32})
    for (const Shape& s : kSizes) {
      Tensor img = pattern(dt, s);
      double sc = dt == DType::U8 ? 40 : 0.2;
      cv::Mat ref;
      cv::bilateralFilter(kernels::as_mat(img), ref, 5, sc, 3.0, cv::BORDER_REFLECT);
      Tensor out = run("filter.bilateral", {img}, {{"diameter", int64_t(5)}, {"sigma_color", sc}, {"sigma_space", 3.0}});
      EXPECT_TRUE(out.bit_equal(kernels::from_mat(ref, img.ndim() == 3)));
      // A constant border with a value: filter the padded image.
      cv::Mat padded, full;
      cv::copyMakeBorder(kernels::as_mat(img), padded, 2, 2, 2, 2, cv::BORDER_CONSTANT, cv::Scalar::all(sc));
      cv::bilateralFilter(padded, full, 5, sc, 3.0, cv::BORDER_REFLECT);
      Tensor expected = kernels::from_mat(full(cv::Rect(2, 2, int(s[1]), int(s[0]))).clone(), img.ndim() == 3);
      EXPECT_TRUE(run("filter.bilateral", {img}, {{"diameter", int64_t(5)}, {"sigma_color", sc}, {"sigma_space", 3.0},
                                                   {"border", std::string("constant")}, {"border_value", sc}})
                      .bit_equal(expected));
    }
  EXPECT_EQ(error_code("filter.bilateral", {pattern(DType::U16, {3, 3})}), PXP_ETYPE);
  EXPECT_EQ(error_code("filter.bilateral", {pattern(DType::U8, {3, 3, 2})}), PXP_EINVALID_ARGUMENT);
}

TEST(FilterOps, Kernels) {
  Tensor g = run("filter.gaussian_kernel", {i64(5), f32(1.0)});
  ASSERT_EQ(g.shape(), (Shape{5, 5}));
  auto v = values(g);
  double sum = 0;
  for (double x : v) sum += x;
  EXPECT_NEAR(sum, 1.0, 1e-6);
  cv::Mat g1 = cv::getGaussianKernel(5, 1.0, CV_64F);
  EXPECT_NEAR(v[1 * 5 + 3], g1.at<double>(1) * g1.at<double>(3), 1e-7);
  EXPECT_EQ(run("filter.gaussian_kernel", {i64(1), f32(0)}).numel(), 1);
  EXPECT_EQ(error_code("filter.gaussian_kernel", {i64(4), f32(1)}), PXP_EOUT_OF_RANGE);
  Tensor b = run("filter.box_kernel", {i64(2)});
  EXPECT_EQ(values(b), (std::vector<double>(4, 0.25)));
  EXPECT_EQ(error_code("filter.box_kernel", {i64(0)}), PXP_EOUT_OF_RANGE);
}

TEST(FilterOps, SharpenLikeTorchvision) {
  for (DType dt : {DType::U8, DType::F32})
    for (const Shape& s : kSizes) {
      Tensor img = pattern(dt, s);
      const double amount = 0.7;
      Tensor out = run("filter.sharpen", {img, f32(amount)});
      int64_t h = s[0], w = s[1], c = s.size() == 3 ? s[2] : 1;
      auto in = values(img), o = values(out);
      std::vector<double> smooth_k{1, 1, 1, 1, 5, 1, 1, 1, 1};
      for (double& x : smooth_k) x /= 13.0;
      auto smooth = correlate(img, smooth_k, 3, 3, "replicate", 0);
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x)
          for (int64_t ch = 0; ch < c; ++ch) {
            size_t i = static_cast<size_t>((y * w + x) * c + ch);
            bool frame = y == 0 || x == 0 || y == h - 1 || x == w - 1;
            double d = dt == DType::U8 ? std::nearbyint(smooth[i]) : smooth[i];
            double e = frame ? in[i] : std::min(dt == DType::U8 ? 255.0 : 1.0, std::max(0.0, in[i] + amount * (in[i] - d)));
            ASSERT_NEAR(o[i], e, dt == DType::U8 ? 1.0 : 1e-5);
          }
    }
  EXPECT_EQ(error_code("filter.sharpen", {pattern(DType::U8, {3, 3}), f32(-2)}), PXP_EOUT_OF_RANGE);
}

TEST(FilterOps, SobelAndLaplacianEveryBorder) {
  for (DType dt : {DType::U8, DType::F32})
    for (const Shape& s : kSizes)
      for (const char* border : kBorders) {
        Tensor img = pattern(dt, s);
        double value = dt == DType::U8 ? 30 : 0.1;
        for (auto [dx, dy, ks] : {std::tuple{1, 0, 3}, std::tuple{0, 1, 3}, std::tuple{1, 1, 5}, std::tuple{0, 1, -1}}) {
          cv::Mat kx, ky;
          cv::getDerivKernels(kx, ky, dx, dy, ks, false, CV_64F);
          int n = ks == -1 ? 3 : ks;
          std::vector<double> k(static_cast<size_t>(n * n));
          for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) k[static_cast<size_t>(i * n + j)] = ky.at<double>(i) * kx.at<double>(j);
          Tensor out = run("filter.sobel", {img}, {{"dx", int64_t(dx)}, {"dy", int64_t(dy)}, {"ksize", int64_t(ks)},
                                                   {"border", std::string(border)}, {"border_value", value}});
          ASSERT_EQ(out.dtype(), DType::F32);
          expect_close(out, correlate(img, k, n, n, border, value), 1e-3, std::string("sobel ") + border);
        }
        std::vector<double> lap{0, 1, 0, 1, -4, 1, 0, 1, 0};
        Tensor out = run("filter.laplacian", {img}, {{"border", std::string(border)}, {"border_value", value}});
        expect_close(out, correlate(img, lap, 3, 3, border, value), 1e-3, std::string("laplacian ") + border);
        Tensor out3 = run("filter.laplacian", {img}, {{"ksize", int64_t(3)}, {"border", std::string(border)}, {"border_value", value}});
        std::vector<double> lap3{2, 0, 2, 0, -8, 0, 2, 0, 2};
        expect_close(out3, correlate(img, lap3, 3, 3, border, value), 1e-3, std::string("laplacian3 ") + border);
      }
  EXPECT_EQ(error_code("filter.sobel", {pattern(DType::U8, {3, 3})}, {{"dx", int64_t(0)}, {"dy", int64_t(0)}}),
            PXP_EOUT_OF_RANGE);
}

TEST(FilterOps, CannyMatchesOpenCV) {
  for (const Shape& s : {Shape{1, 1, 1}, Shape{1, 7, 3}, Shape{9, 13}, Shape{12, 8, 3}}) {
    Tensor img = pattern(DType::U8, s);
    cv::Mat ref;
    cv::Canny(kernels::as_mat(img), ref, 60, 120);
    Tensor out = run("filter.canny", {img}, {{"low", 60.0}, {"high", 120.0}});
    Shape expected_shape{s[0], s[1]};
    if (s.size() == 3) expected_shape.push_back(1);
    EXPECT_EQ(out.shape(), expected_shape);
    EXPECT_TRUE(out.bit_equal(kernels::from_mat(ref, s.size() == 3)));
  }
  EXPECT_EQ(error_code("filter.canny", {pattern(DType::F32, {3, 3})}), PXP_ETYPE);
}

}  // namespace
}  // namespace pxp
