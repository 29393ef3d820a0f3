#include "kernels/distortion_maps.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "kernels/vector_clones.hpp"
#include "kernels/wide_gaussian_blur.hpp"

namespace pxp::kernels {

namespace {

void check_size(int64_t width, int64_t height, const char* what) {
  if (width < 1 || height < 1 || width > 32766 || height > 32766)
    range_error(std::string(what) + ": width and height must be in [1, 32766], not " + std::to_string(width) +
                " x " + std::to_string(height));
}

struct Planes {
  Tensor t;
  float* x;
  float* y;
  Planes(int64_t w, int64_t h) : t(Tensor::empty(DType::F32, {2, h, w})) {
    x = t.mutable_data<float>();
    y = x + w * h;
  }
};

// np.linspace(a, b, n) as albumentations fills its grid rows with it.
void linspace(std::vector<double>& out, size_t start, double a, double b, int64_t n) {
  if (n <= 0) return;
  if (n == 1) {
    out[start] = a;
    return;
  }
  double step = (b - a) / static_cast<double>(n - 1);
  for (int64_t i = 0; i < n; ++i) out[start + i] = a + static_cast<double>(i) * step;
  out[start + n - 1] = b;
}

// One axis of the grid distortion: source index coordinate of every output index.
std::vector<double> grid_axis(int64_t size, const std::vector<double>& steps, int64_t num_steps) {
  int64_t cell = size / num_steps;
  std::vector<double> out(static_cast<size_t>(size), 0.0);
  double prev = 0.0;
  for (size_t idx = 0; idx < steps.size(); ++idx) {
    int64_t start = static_cast<int64_t>(idx) * cell;
    int64_t end = std::min(start + cell, size);
    double cur = prev + static_cast<double>(cell) * steps[idx];
    if (start < size && end > start) linspace(out, static_cast<size_t>(start), prev, cur, end - start);
    prev = cur;
  }
  return out;
}

}  // namespace

std::vector<double> tensor_values(const Tensor& t) {
  Tensor c = t.contiguous();
  std::vector<double> out(static_cast<size_t>(c.numel()));
  dispatch_dtype(c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = c.data<T>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(p[i]);
  });
  return out;
}

namespace {

// One row of the optical distortion map, i: the same double arithmetic for every j, in a loop the
// compiler vectorizes (one copy per instruction set below: 8 columns per step with AVX-512).
inline __attribute__((always_inline)) void optical_row_body(double i, int64_t width, double W, double H, double k,
                                                            double max_radius, bool fisheye, float* __restrict mx,
                                                            float* __restrict my) {
  const double cx = W / 2, cy = H / 2;
  if (fisheye) {
    const double y = i - cy;
    for (int64_t j = 0; j < width; ++j) {
      const double x = static_cast<double>(j) - cx;
      const double rn = std::sqrt(x * x + y * y) / max_radius;
      const double f = 1 + k * rn * rn;
      mx[j] = static_cast<float>(x * f + cx + 0.5);
      my[j] = static_cast<float>(y * f + cy + 0.5);
    }
  } else {
    const double y = (i - (H - 1) / 2) / H;
    for (int64_t j = 0; j < width; ++j) {
      const double x = (static_cast<double>(j) - (W - 1) / 2) / W;
      const double r2 = x * x + y * y;
      const double f = 1 + k * r2 + k * r2 * r2;
      mx[j] = static_cast<float>(W * x * f + cx + 0.5);
      my[j] = static_cast<float>(H * y * f + cy + 0.5);
    }
  }
}
PXP_VECTOR_CLONES void optical_row(double i, int64_t width, double W, double H, double k, double max_radius,
                                   bool fisheye, float* mx, float* my) {
  optical_row_body(i, width, W, H, k, max_radius, fisheye, mx, my);
}
PXP_WIDE_AVX512 void optical_row_wide(double i, int64_t width, double W, double H, double k, double max_radius,
                                      bool fisheye, float* mx, float* my) {
  optical_row_body(i, width, W, H, k, max_radius, fisheye, mx, my);
}

}  // namespace

Tensor optical_distortion_map(int64_t width, int64_t height, double k, bool fisheye) {
  check_size(width, height, "optical_distortion_map");
  if (!std::isfinite(k)) range_error("optical_distortion_map: k must be finite");
  Planes m(width, height);
  const double W = static_cast<double>(width), H = static_cast<double>(height);
  const double max_radius = std::sqrt(W / 2 * (W / 2) + H / 2 * (H / 2));
  const bool wide = cpu_has_avx512();
  for (int64_t i = 0; i < height; ++i) {
    float *mx = m.x + i * width, *my = m.y + i * width;
    if (wide) optical_row_wide(static_cast<double>(i), width, W, H, k, max_radius, fisheye, mx, my);
    else optical_row(static_cast<double>(i), width, W, H, k, max_radius, fisheye, mx, my);
  }
  return m.t;
}

Tensor grid_distortion_map(int64_t width, int64_t height, std::vector<double> steps_x, std::vector<double> steps_y,
                           bool normalized) {
  check_size(width, height, "grid_distortion_map");
  if (steps_x.size() < 2 || steps_x.size() != steps_y.size())
    argument_error("grid_distortion_map: steps_x and steps_y must have the same length, num_steps + 1 >= 2");
  for (double v : steps_x)
    if (!std::isfinite(v)) range_error("grid_distortion_map: steps must be finite");
  for (double v : steps_y)
    if (!std::isfinite(v)) range_error("grid_distortion_map: steps must be finite");
  const int64_t n = static_cast<int64_t>(steps_x.size()) - 1;
  if (width < n || height < n)
    range_error("grid_distortion_map: the image must be at least num_steps pixels a side");
  if (normalized) {
    // albumentations' normalize_grid_distortion_steps: the last step covers the remainder, then
    // the steps are scaled so that they add up to the image side.
    auto normalize = [n](std::vector<double>& steps, int64_t size) {
      int64_t cell = size / n;
      int64_t last = std::min(size, (n + 1) * cell) - n * cell;
      steps.back() *= static_cast<double>(last) / static_cast<double>(cell);
      double total = 0;
      for (double v : steps) total += v;
      double target = static_cast<double>(size) / std::floor(static_cast<double>(size) / static_cast<double>(n));
      for (double& v : steps) v *= target / total;
    };
    normalize(steps_x, width);
    normalize(steps_y, height);
  }
  std::vector<double> xx = grid_axis(width, steps_x, n), yy = grid_axis(height, steps_y, n);
  Planes m(width, height);
  for (int64_t i = 0; i < height; ++i) {
    for (int64_t j = 0; j < width; ++j) {
      // albumentations keeps the axes in f32 before remapping
      m.x[i * width + j] = static_cast<float>(xx[j]) + 0.5f;
      m.y[i * width + j] = static_cast<float>(yy[i]) + 0.5f;
    }
  }
  return m.t;
}

Tensor elastic_map(const Tensor& noise, double alpha, double sigma, int kernel) {
  if (noise.ndim() != 3 || (noise.dim(0) != 1 && noise.dim(0) != 2) || noise.dtype() != DType::F32)
    argument_error("elastic_map: noise must be an f32 tensor [1 or 2, H, W]");
  const int64_t n = noise.dim(0), height = noise.dim(1), width = noise.dim(2);
  check_size(width, height, "elastic_map");
  if (!(sigma > 0) || !std::isfinite(sigma) || !std::isfinite(alpha))
    range_error("elastic_map: sigma must be > 0 and alpha finite");
  Tensor c = noise.contiguous();
  cv::Mat fields(static_cast<int>(n * height), static_cast<int>(width), CV_32F);
  // OpenCV's automatic kernel side for f32 images: 2 round(4 sigma) + 1
  const int ksize = kernel > 0 ? kernel : (cvRound(sigma * 8 + 1) | 1);
  const int64_t step = wide_blur_step(sigma);
  if (step > 1 && ksize > 4 * step) {
    wide_gaussian_blur(c.data<float>(), fields.ptr<float>(), n * height, width, ksize, sigma, step);
  } else {
    std::copy(c.data<float>(), c.data<float>() + n * height * width, fields.ptr<float>());
    cv::GaussianBlur(fields, fields, cv::Size(ksize, ksize), sigma, 0.0, cv::BORDER_REPLICATE);
  }
  fields *= alpha;
  const float* dx = fields.ptr<float>();
  const float* dy = n == 2 ? dx + height * width : dx;
  Planes m(width, height);
  for (int64_t i = 0; i < height; ++i) {
    for (int64_t j = 0; j < width; ++j) {
      int64_t p = i * width + j;
      m.x[p] = static_cast<float>(static_cast<double>(j) + dx[p]) + 0.5f;
      m.y[p] = static_cast<float>(static_cast<double>(i) + dy[p]) + 0.5f;
    }
  }
  return m.t;
}

Tensor piecewise_affine_map(int64_t width, int64_t height, int64_t rows, int64_t cols, const Tensor& jitter,
                            double jitter_std) {
  check_size(width, height, "piecewise_affine_map");
  if (rows < 2 || cols < 2) range_error("piecewise_affine_map: rows and cols must be >= 2");
  if (jitter.ndim() != 3 || jitter.dim(0) < rows || jitter.dim(1) < cols || jitter.dim(2) != 2)
    argument_error("piecewise_affine_map: jitter must be a [>= rows, >= cols, 2] tensor");
  if (!std::isfinite(jitter_std)) range_error("piecewise_affine_map: jitter_std must be finite");
  std::vector<double> jit = tensor_values(jitter);
  const int64_t jcols = jitter.dim(1);
  std::vector<double> ys(static_cast<size_t>(rows)), xs(static_cast<size_t>(cols));
  linspace(ys, 0, 0.0, static_cast<double>(height - 1), rows);
  linspace(xs, 0, 0.0, static_cast<double>(width - 1), cols);
  const size_t np = static_cast<size_t>(rows * cols);
  std::vector<double> px(np), py(np), qx(np), qy(np);
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      size_t k = static_cast<size_t>(i * cols + j);
      const double* d = &jit[static_cast<size_t>((i * jcols + j) * 2)];
      // albumentations keeps the control points in f32
      px[k] = static_cast<float>(xs[j]);
      py[k] = static_cast<float>(ys[i]);
      qx[k] = std::clamp(static_cast<double>(static_cast<float>(px[k] + d[1] * jitter_std)), 0.0,
                         static_cast<double>(width - 1));
      qy[k] = std::clamp(static_cast<double>(static_cast<float>(py[k] + d[0] * jitter_std)), 0.0,
                         static_cast<double>(height - 1));
    }
  }
  Planes m(width, height);
  for (int64_t i = 0; i < height; ++i) {
    for (int64_t j = 0; j < width; ++j) {
      double sw = 0, sx = 0, sy = 0;
      for (size_t k = 0; k < np; ++k) {
        double dx = static_cast<double>(j) - px[k], dy = static_cast<double>(i) - py[k];
        double w = 1.0 / (dx * dx + dy * dy + 1e-8);
        sw += w;
        sx += w * qx[k];
        sy += w * qy[k];
      }
      double x = std::clamp(sx / sw, 0.0, static_cast<double>(width - 1));
      double y = std::clamp(sy / sw, 0.0, static_cast<double>(height - 1));
      m.x[i * width + j] = static_cast<float>(x + 0.5);
      m.y[i * width + j] = static_cast<float>(y + 0.5);
    }
  }
  return m.t;
}

Tensor thin_plate_spline_map(int64_t width, int64_t height, const std::vector<double>& source,
                             const std::vector<double>& target) {
  check_size(width, height, "thin_plate_spline_map");
  if (source.size() != target.size() || source.size() < 6 || source.size() % 2 != 0)
    argument_error("thin_plate_spline_map: source and target must be N x 2 with N >= 3, the same N");
  for (double v : target)
    if (!std::isfinite(v)) range_error("thin_plate_spline_map: control points must be finite");
  const int n = static_cast<int>(source.size() / 2);
  auto sqdist = [](double ax, double ay, double bx, double by) {
    double dx = ax - bx, dy = ay - by;
    return dx * dx + dy * dy;
  };
  cv::Mat a = cv::Mat::zeros(n + 3, n + 3, CV_64F), b = cv::Mat::zeros(n + 3, 2, CV_64F);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      double s = sqdist(source[2 * i], source[2 * i + 1], source[2 * j], source[2 * j + 1]);
      a.at<double>(i, j) = s > 0 ? s * s * std::log(s + 1e-6) : 0.0;
    }
    double row[3] = {1.0, source[2 * i], source[2 * i + 1]};
    for (int c = 0; c < 3; ++c) {
      a.at<double>(i, n + c) = row[c];
      a.at<double>(n + c, i) = row[c];
    }
    b.at<double>(i, 0) = target[2 * i];
    b.at<double>(i, 1) = target[2 * i + 1];
  }
  cv::Mat w;
  if (!cv::solve(a, b, w, cv::DECOMP_LU)) range_error("thin_plate_spline_map: the control points are degenerate");
  Planes m(width, height);
  const double W = static_cast<double>(width), H = static_cast<double>(height);
  for (int64_t i = 0; i < height; ++i) {
    for (int64_t j = 0; j < width; ++j) {
      double x = static_cast<double>(j) / W, y = static_cast<double>(i) / H;
      double ox = w.at<double>(n, 0) + w.at<double>(n + 1, 0) * x + w.at<double>(n + 2, 0) * y;
      double oy = w.at<double>(n, 1) + w.at<double>(n + 1, 1) * x + w.at<double>(n + 2, 1) * y;
      for (int k = 0; k < n; ++k) {
        double s = sqdist(x, y, source[2 * k], source[2 * k + 1]);
        double u = s > 0 ? s * std::log(s + 1e-6) : 0.0;
        ox += u * w.at<double>(k, 0);
        oy += u * w.at<double>(k, 1);
      }
      m.x[i * width + j] = static_cast<float>(ox * W + 0.5);
      m.y[i * width + j] = static_cast<float>(oy * H + 0.5);
    }
  }
  return m.t;
}

}  // namespace pxp::kernels
