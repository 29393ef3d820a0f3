// kernels::wide_gaussian_blur (the elastic deformation's smoothing) against OpenCV's direct
// GaussianBlur with a replicated border, on white noise as the elastic map blurs it (two fields
// stacked as one image): the sampled-and-interpolated blur stays within 1% of the blurred field's
// standard deviation everywhere, 0.2% on average.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "kernels/wide_gaussian_blur.hpp"

namespace pxp::kernels {
namespace {

TEST(WideGaussianBlur, StaysWithinOnePercentOfTheDirectBlur) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> noise(-1.0f, 1.0f);
  for (auto [rows, cols] : {std::pair<int, int>{2 * 200, 256}, {2 * 97, 61}, {2 * 512, 300}}) {
    cv::Mat image(rows, cols, CV_32F);
    for (int y = 0; y < rows; ++y)
      for (int x = 0; x < cols; ++x) image.at<float>(y, x) = noise(rng);
    for (double sigma : {8.0, 25.0, 37.0, 50.0, 120.0}) {
      const int ksize = cvRound(sigma * 8 + 1) | 1;
      const int64_t step = wide_blur_step(sigma);
      ASSERT_GT(step, 0);
      cv::Mat direct;
      cv::GaussianBlur(image, direct, cv::Size(ksize, ksize), sigma, 0.0, cv::BORDER_REPLICATE);
      cv::Mat sampled(rows, cols, CV_32F);
      wide_gaussian_blur(image.ptr<float>(), sampled.ptr<float>(), rows, cols, ksize, sigma, step);
      cv::Scalar mean, deviation;
      cv::meanStdDev(direct, mean, deviation);
      const cv::Mat diff = cv::abs(direct - sampled);
      double worst = 0;
      cv::minMaxLoc(diff, nullptr, &worst);
      const double average = cv::mean(diff)[0];
      const double scale = deviation[0];
      EXPECT_LT(worst, 0.01 * scale) << rows << " x " << cols << " sigma " << sigma << " step " << step;
      EXPECT_LT(average, 0.002 * scale) << rows << " x " << cols << " sigma " << sigma << " step " << step;
      std::printf("%d x %d sigma %.0f step %lld: max %.4f%% mean %.4f%% of the std\n", rows, cols, sigma,
                  static_cast<long long>(step), 100 * worst / scale, 100 * average / scale);
    }
  }
}

TEST(WideGaussianBlur, InPlaceGivesTheSameValues) {
  cv::Mat image(50, 40, CV_32F);
  cv::randu(image, -1.0, 1.0);
  cv::Mat copy = image.clone(), out(50, 40, CV_32F);
  wide_gaussian_blur(image.ptr<float>(), out.ptr<float>(), 50, 40, 161, 20.0, 2);
  wide_gaussian_blur(copy.ptr<float>(), copy.ptr<float>(), 50, 40, 161, 20.0, 2);
  EXPECT_EQ(cv::norm(out, copy, cv::NORM_INF), 0.0);
}

}  // namespace
}  // namespace pxp::kernels
