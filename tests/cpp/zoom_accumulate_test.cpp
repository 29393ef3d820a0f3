// kernels/zoom_accumulate: one zoom added without the zoomed image equals cv::resize
// (INTER_LINEAR, f32) of the crop and an add of the window, on the AVX-512 and portable paths.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "kernels/zoom_accumulate.hpp"

namespace pxp::test {
namespace {

// An accumulator that already holds something (0.25 everywhere), any channel count.
cv::Mat start_of_sum(int h, int w, int channels) {
  cv::Mat m(h, w, CV_32FC(channels));
  m.reshape(1).setTo(0.25);
  return m;
}

TEST(ZoomAccumulate, EqualsResizeThenAddOfTheWindow) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (int channels : {1, 3, 4, 6}) {
    const int H = 53, W = 71;
    cv::Mat src(H, W, CV_32FC(channels));
    for (int i = 0; i < H; ++i)
      for (int j = 0; j < W * channels; ++j) src.ptr<float>(i)[j] = u(rng);
    for (double z : {1.0, 1.013, 1.07, 1.31, 1.9}) {
      const int hc = static_cast<int>(std::ceil(H / z)), wc = static_cast<int>(std::ceil(W / z));
      const int top = (H - hc) / 2, left = (W - wc) / 2;
      const int rh = static_cast<int>(hc * z), rw = static_cast<int>(wc * z);
      const int ty = std::max(0, (rh - H) / 2), tx = std::max(0, (rw - W) / 2);
      const int h = std::min(H, rh - ty), w = std::min(W, rw - tx);
      cv::Mat resized;
      cv::resize(src(cv::Rect(left, top, wc, hc)), resized, cv::Size(rw, rh), 0, 0, cv::INTER_LINEAR);
      cv::Mat want = start_of_sum(H, W, channels);
      cv::Mat part = want(cv::Rect(0, 0, w, h));
      cv::add(part, resized(cv::Rect(tx, ty, w, h)), part);
      const kernels::ZoomWindow window{left, top, wc, hc, rw, rh, tx, ty, w, h};
      for (bool vectors : {true, false}) {
        cv::Mat got = start_of_sum(H, W, channels);
        kernels::add_zoom(src.ptr<float>(0), got.ptr<float>(0), W, channels, window, vectors);
        EXPECT_LE(cv::norm(got.reshape(1), want.reshape(1), cv::NORM_INF), 2e-6) << channels << " channels, zoom " << z << ", vectors "
                                                           << vectors;
      }
    }
  }
}

}  // namespace
}  // namespace pxp::test
