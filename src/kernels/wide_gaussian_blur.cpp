#include "kernels/wide_gaussian_blur.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "kernels/vector_clones.hpp"

namespace pxp::kernels {

namespace {

// Sample positions every `step` along n, with the last index always among them.
std::vector<int64_t> sample_positions(int64_t n, int64_t step) {
  std::vector<int64_t> at;
  for (int64_t i = 0; i < n; i += step) at.push_back(i);
  if (at.back() != n - 1) at.push_back(n - 1);
  return at;
}

// weights[s * n + i]: the weight of input index i in the blurred value at sample s, the taps that
// fall outside [0, n) added to the edge (replicated border).
std::vector<float> folded_weights(const std::vector<int64_t>& samples, int64_t n, const std::vector<double>& kernel) {
  const int64_t radius = static_cast<int64_t>(kernel.size() / 2);
  std::vector<double> sum(samples.size() * static_cast<size_t>(n), 0.0);
  for (size_t s = 0; s < samples.size(); ++s)
    for (int64_t k = 0; k < static_cast<int64_t>(kernel.size()); ++k) {
      const int64_t i = std::clamp<int64_t>(samples[s] + k - radius, 0, n - 1);
      sum[s * static_cast<size_t>(n) + static_cast<size_t>(i)] += kernel[static_cast<size_t>(k)];
    }
  return std::vector<float>(sum.begin(), sum.end());
}

// For each index i: the sample interval it lies in and its weight towards the upper sample.
struct Interpolation {
  std::vector<int64_t> lower;
  std::vector<float> upper_weight;
};

Interpolation interpolation(const std::vector<int64_t>& samples, int64_t n) {
  Interpolation in{std::vector<int64_t>(static_cast<size_t>(n)), std::vector<float>(static_cast<size_t>(n))};
  size_t s = 0;
  for (int64_t i = 0; i < n; ++i) {
    while (s + 2 < samples.size() && samples[s + 1] <= i) ++s;
    const int64_t a = samples[s], b = samples[std::min(s + 1, samples.size() - 1)];
    in.lower[static_cast<size_t>(i)] = static_cast<int64_t>(s);
    in.upper_weight[static_cast<size_t>(i)] = b > a ? static_cast<float>(i - a) / static_cast<float>(b - a) : 0.0f;
  }
  return in;
}

}  // namespace

int64_t wide_blur_step(double sigma) { return sigma < 12.0 ? 1 : static_cast<int64_t>(sigma / 12.0); }

PXP_VECTOR_CLONES void wide_gaussian_blur(const float* image, float* out, int64_t rows, int64_t cols, int ksize,
                                          double sigma, int64_t step) {
  const cv::Mat k = cv::getGaussianKernel(ksize, sigma, CV_64F);
  const std::vector<double> kernel(k.ptr<double>(), k.ptr<double>() + ksize);
  const std::vector<int64_t> xs = sample_positions(cols, step), ys = sample_positions(rows, step);
  const size_t nx = xs.size(), ny = ys.size();
  const std::vector<float> wx = folded_weights(xs, cols, kernel), wy = folded_weights(ys, rows, kernel);
  // across: every row at the sample columns, across[y * nx + s], accumulated input column by input
  // column so that the inner loop runs over the samples (independent sums: it vectorizes)
  std::vector<float> wxt(wx.size());  // wx transposed: wxt[x * nx + s]
  for (size_t s = 0; s < nx; ++s)
    for (int64_t x = 0; x < cols; ++x) wxt[static_cast<size_t>(x) * nx + s] = wx[s * static_cast<size_t>(cols) + x];
  std::vector<float> across(static_cast<size_t>(rows) * nx, 0.0f);
  for (int64_t y = 0; y < rows; ++y) {
    const float* row = image + y * cols;
    float* dst = across.data() + static_cast<size_t>(y) * nx;
    for (int64_t x = 0; x < cols; ++x) {
      const float v = row[x];
      const float* w = wxt.data() + static_cast<size_t>(x) * nx;
      for (size_t s = 0; s < nx; ++s) dst[s] += w[s] * v;
    }
  }
  // down: the sample rows of that, grid[t * nx + s]
  std::vector<float> grid(ny * nx, 0.0f);
  for (size_t t = 0; t < ny; ++t) {
    const float* w = wy.data() + t * static_cast<size_t>(rows);
    float* dst = grid.data() + t * nx;
    for (int64_t y = 0; y < rows; ++y) {
      const float* src = across.data() + static_cast<size_t>(y) * nx;
      for (size_t s = 0; s < nx; ++s) dst[s] += w[y] * src[s];
    }
  }
  // bilinear in between
  const Interpolation ix = interpolation(xs, cols), iy = interpolation(ys, rows);
  for (int64_t y = 0; y < rows; ++y) {
    const size_t t = static_cast<size_t>(iy.lower[static_cast<size_t>(y)]);
    const size_t t1 = std::min(t + 1, ny - 1);
    const float fy = iy.upper_weight[static_cast<size_t>(y)];
    const float* g0 = grid.data() + t * nx;
    const float* g1 = grid.data() + t1 * nx;
    float* dst = out + y * cols;
    for (int64_t x = 0; x < cols; ++x) {
      const size_t s = static_cast<size_t>(ix.lower[static_cast<size_t>(x)]);
      const size_t s1 = std::min(s + 1, nx - 1);
      const float fx = ix.upper_weight[static_cast<size_t>(x)];
      const float top = g0[s] + fx * (g0[s1] - g0[s]), bottom = g1[s] + fx * (g1[s1] - g1[s]);
      dst[x] = top + fy * (bottom - top);
    }
  }
}

}  // namespace pxp::kernels
