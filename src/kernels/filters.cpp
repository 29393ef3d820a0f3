#include "kernels/filters.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "kernels/cv_bridge.hpp"
#include "kernels/image_dtype.hpp"
#include "kernels/vector_clones.hpp"

namespace pxp::kernels {

namespace {

constexpr int kMaxKernelSize = 1023;  // beyond this a filter is a mistake, not a workload

struct Pads {
  int top, bottom, left, right;
};
Pads centered(int rows, int cols) { return {rows / 2, rows - 1 - rows / 2, cols / 2, cols - 1 - cols / 2}; }

// OpenCV errors (unsupported combinations it checks itself) become argument errors.
template <typename F> void cv_guard(const char* op, F&& f) {
  try {
    f();
  } catch (const cv::Exception& e) {
    argument_error(std::string(op) + ": " + e.err);
  }
}

// Runs fn(src, dst, cv_border_flag) so pixels outside the image follow `border`. OpenCV's
// filters take replicate, reflect, reflect_101 and a zero constant natively; a non-zero constant and wrap
// (which not every filter accepts) pad first and filter the padded image, then crop.
template <typename Fn> cv::Mat with_border(const cv::Mat& src, Pads pads, BorderSpec border, Fn fn) {
  cv::Mat dst = output_mat();
  bool native = border.mode == Border::Replicate || border.mode == Border::Reflect ||
                border.mode == Border::Reflect101 || (border.mode == Border::Constant && border.value == 0.0);
  if (native) {
    fn(src, dst, cv_border(border.mode));
    return dst;
  }
  cv::Mat padded, full;
  cv::copyMakeBorder(src, padded, pads.top, pads.bottom, pads.left, pads.right, cv_border(border.mode),
                     cv::Scalar::all(border.value));
  fn(padded, full, cv::BORDER_REPLICATE);  // the padding already holds every pixel the filter reads
  return full(cv::Rect(pads.left, pads.top, src.cols, src.rows));
}

Tensor result(const cv::Mat& dst, const Tensor& like) { return from_mat(dst, like.ndim() == 3); }

void check_odd_size(const char* op, int64_t k, int64_t min = 1) {
  if (k < min || k > kMaxKernelSize || k % 2 == 0)
    range_error(std::string(op) + ": kernel size must be odd and in [" + std::to_string(min) + ", " +
                std::to_string(kMaxKernelSize) + "], not " + std::to_string(k));
}

template <typename T> void sharpen_typed(const T* src, T* dst, int64_t h, int64_t w, int64_t c, float amount) {
  const int64_t row = w * c;
  std::copy(src, src + h * row, dst);  // the frame keeps its values (torchvision)
  for (int64_t y = 1; y + 1 < h; ++y) {
    const T* up = src + (y - 1) * row;
    const T* mid = src + y * row;
    const T* down = src + (y + 1) * row;
    T* out = dst + y * row;
    for (int64_t i = c; i < row - c; ++i) {
      float s = static_cast<float>(up[i - c]) + static_cast<float>(up[i]) + static_cast<float>(up[i + c]) +
                static_cast<float>(mid[i - c]) + 5.0f * static_cast<float>(mid[i]) + static_cast<float>(mid[i + c]) +
                static_cast<float>(down[i - c]) + static_cast<float>(down[i]) + static_cast<float>(down[i + c]);
      float smooth = s * (1.0f / 13.0f);
      if constexpr (!std::is_floating_point_v<T>) smooth = std::nearbyint(smooth);
      float x = static_cast<float>(mid[i]);
      out[i] = store_clamped<T>(x + amount * (x - smooth));
    }
  }
}

// round(s / k^2) for s in [0, 255 k^2] and odd k <= 15 as ((2 s + k^2) * multiplier) >> shift in
// u32 (no ties: k^2 is odd), the multiplier the smallest shift's that is exact over that range
// (checked exhaustively once per k).
struct DivideMagic {
  uint32_t multiplier;
  int shift;
};
DivideMagic round_divider(int k) {
  static const std::array<DivideMagic, 16> table = [] {
    std::array<DivideMagic, 16> t{};
    for (int kk = 1; kk < 16; kk += 2) {
      const uint64_t d = 2ull * kk * kk, top = 2ull * 255 * kk * kk + kk * kk;
      for (int shift = 8; shift < 32; ++shift) {
        const uint64_t m = ((1ull << shift) + d - 1) / d;
        if (top * m >= (1ull << 32)) break;
        bool exact = true;
        for (uint64_t v = 0; v <= top && exact; ++v) exact = ((v * m) >> shift) == v / d;
        if (exact) {
          t[kk] = {static_cast<uint32_t>(m), shift};
          break;
        }
      }
    }
    return t;
  }();
  return table[k];
}

// The K x K mean of a u8 image (odd K <= 15, any border that border_index resolves), one fused
// pass per output row: the new row's K-sum (u16) replaces the leaving row's in a ring and updates
// the running column sum, which gives round(sum / K^2) in integers: the same values as cv::blur.
template <int K>
PXP_VECTOR_CLONES
void box_blur_u8(const uint8_t* src, uint8_t* dst, int64_t H, int64_t W, int64_t C, Border border) {
  constexpr int64_t r = K / 2;
  const int64_t row = W * C, prow = (W + 2 * r) * C;
  std::vector<int64_t> xs(static_cast<size_t>(W + 2 * r));
  for (int64_t x = 0; x < W + 2 * r; ++x) xs[x] = border_index(x - r, W, border);
  std::vector<uint8_t> padded(static_cast<size_t>(prow));
  // ring slot (j + r) % K holds row j's K-sum; slot K - 1 starts as zeros (the row before the first)
  std::vector<uint16_t> ring(static_cast<size_t>(K * row), 0), column(static_cast<size_t>(row), 0);
  auto pad_row = [&](int64_t y) {
    const uint8_t* s = src + border_index(y, H, border) * row;
    std::memcpy(padded.data() + r * C, s, static_cast<size_t>(row));
    for (int64_t x = 0; x < r; ++x)
      for (int64_t c = 0; c < C; ++c) {
        padded[x * C + c] = s[xs[x] * C + c];
        padded[(W + r + x) * C + c] = s[xs[W + r + x] * C + c];
      }
  };
  for (int64_t j = -r; j < r; ++j) {
    pad_row(j);
    const uint8_t* p = padded.data();
    uint16_t* slot = ring.data() + (j + r) * row;
    for (int64_t i = 0; i < row; ++i) {
      uint16_t sum = 0;
      for (int d = 0; d < K; ++d) sum = static_cast<uint16_t>(sum + p[i + d * C]);
      slot[i] = sum;
      column[i] = static_cast<uint16_t>(column[i] + sum);
    }
  }
  const DivideMagic m = round_divider(K);
  const uint32_t bias = static_cast<uint32_t>(K * K), mul = m.multiplier;
  const int shift = m.shift;
  for (int64_t y = 0; y < H; ++y) {
    pad_row(y + r);
    const uint8_t* __restrict p = padded.data();
    uint16_t* __restrict slot = ring.data() + ((y + 2 * r) % K) * row;  // row y - r - 1 leaves it
    uint16_t* __restrict col = column.data();
    uint8_t* __restrict out = dst + y * row;
    for (int64_t i = 0; i < row; ++i) {
      uint16_t sum = 0;
      for (int d = 0; d < K; ++d) sum = static_cast<uint16_t>(sum + p[i + d * C]);
      const uint16_t c = static_cast<uint16_t>(col[i] - slot[i] + sum);
      slot[i] = sum;
      col[i] = c;
      out[i] = static_cast<uint8_t>(((2u * c + bias) * mul) >> shift);
    }
  }
}

}  // namespace

int gaussian_size_for_sigma(double sigma, DType dtype) {
  int k = cvRound(sigma * (dtype == DType::U8 ? 3 : 4) * 2 + 1) | 1;
  return std::max(k, 1);
}

Tensor gaussian_blur(const Tensor& image, double sigma, int kernel_size, BorderSpec border) {
  if (!(sigma >= 0.0) || !(sigma <= 1000.0) || (sigma == 0.0 && kernel_size <= 0))
    range_error("filter.gaussian_blur: sigma must be in (0, 1000] (0 only with a kernel size), not " +
                std::to_string(sigma));
  int k = kernel_size > 0 ? kernel_size : gaussian_size_for_sigma(sigma, image.dtype());
  check_odd_size("filter.gaussian_blur", k);
  cv::Mat dst = output_mat();
  cv_guard("filter.gaussian_blur", [&] {
    dst = with_border(as_mat(image), centered(k, k), border, [&](const cv::Mat& s, cv::Mat& d, int b) {
      cv::GaussianBlur(s, d, cv::Size(k, k), sigma, sigma, b);
    });
  });
  return result(dst, image);
}

namespace {
// numpy's float64 sum (pairwise_sum): below 8 values in order; up to 128, eight running sums of
// every eighth value combined as ((0+1)+(2+3))+((4+5)+(6+7)), then the rest in order. Kernels
// are far below 128 values; longer ones split in halves, as numpy does.
double numpy_sum(const double* v, size_t n) {
  if (n < 8) {
    double s = 0.0;  // numpy starts from -0.0 and adds in order; -0.0 + x is x
    for (size_t i = 0; i < n; ++i) s += v[i];
    return n == 0 ? 0.0 : s;
  }
  if (n <= 128) {
    double r[8];
    for (int k = 0; k < 8; ++k) r[k] = v[k];
    size_t i = 8;
    for (; i < n - n % 8; i += 8)
      for (int k = 0; k < 8; ++k) r[k] += v[i + static_cast<size_t>(k)];
    double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) s += v[i];
    return s;
  }
  size_t half = n / 2;
  half -= half % 8;
  return numpy_sum(v, half) + numpy_sum(v + half, n - half);
}
}  // namespace

std::vector<double> pil_gaussian_kernel(int size, double sigma) {
  check_odd_size("filter.separable_gaussian_blur", size);
  if (!(sigma > 0.0) || !(sigma <= 1000.0))
    range_error("filter.separable_gaussian_blur: sigma must be in (0, 1000], not " + std::to_string(sigma));
  std::vector<double> k(static_cast<size_t>(size));
  for (int i = 0; i < size; ++i) {
    const double x = static_cast<double>(i - size / 2) / sigma;
    k[static_cast<size_t>(i)] = std::exp(-0.5 * (x * x));
  }
  const double total = numpy_sum(k.data(), k.size());
  for (double& v : k) v /= total;
  return k;
}

Tensor separable_gaussian_blur(const Tensor& image, int size, double sigma, BorderSpec border) {
  const std::vector<double> k = pil_gaussian_kernel(size, sigma);
  cv::Mat kernel(size, 1, CV_32F);
  for (int i = 0; i < size; ++i) kernel.at<float>(i) = static_cast<float>(k[static_cast<size_t>(i)]);
  cv::Mat dst = output_mat();
  cv_guard("filter.separable_gaussian_blur", [&] {
    dst = with_border(as_mat(image), centered(size, size), border, [&](const cv::Mat& s, cv::Mat& d, int b) {
      cv::sepFilter2D(s, d, -1, kernel, kernel, cv::Point(-1, -1), 0.0, b);
    });
  });
  return result(dst, image);
}

Tensor box_blur(const Tensor& image, int kernel_size, BorderSpec border) {
  if (kernel_size < 1 || kernel_size > kMaxKernelSize)
    range_error("filter.box_blur: kernel size must be in [1, 1023], not " + std::to_string(kernel_size));
  const int k = kernel_size;
  if (image.dtype() == DType::U8 && k % 2 == 1 && k <= 15 && border.mode != Border::Constant) {
    const int64_t h = image.dim(0), w = image.dim(1), c = image.ndim() == 3 ? image.dim(2) : 1;
    if (h > 0 && w > 0 && c > 0 && (border.mode != Border::Reflect101 || (h > 1 && w > 1))) {
      Tensor src = image.contiguous();
      Tensor out = Tensor::empty(DType::U8, image.shape());
      auto run = [&](auto fn) { fn(src.data<uint8_t>(), out.mutable_data<uint8_t>(), h, w, c, border.mode); };
      switch (k) {
        case 1: return image;
        case 3: run(box_blur_u8<3>); break;
        case 5: run(box_blur_u8<5>); break;
        case 7: run(box_blur_u8<7>); break;
        case 9: run(box_blur_u8<9>); break;
        case 11: run(box_blur_u8<11>); break;
        case 13: run(box_blur_u8<13>); break;
        default: run(box_blur_u8<15>); break;
      }
      return out;
    }
  }
  cv::Mat dst = output_mat();
  cv_guard("filter.box_blur", [&] {
    dst = with_border(as_mat(image), centered(k, k), border,
                      [&](const cv::Mat& s, cv::Mat& d, int b) { cv::blur(s, d, cv::Size(k, k), cv::Point(-1, -1), b); });
  });
  return result(dst, image);
}

Tensor median_blur(const Tensor& image, int kernel_size) {
  check_odd_size("filter.median_blur", kernel_size);
  if (kernel_size > 5 && image.dtype() != DType::U8)
    argument_error(std::string("filter.median_blur: kernel sizes above 5 need a u8 image (OpenCV); this one is ") +
                   dtype_name(image.dtype()) + ", use 3 or 5");
  if (kernel_size == 1) return image;
  cv::Mat src = as_mat(image), dst;
  cv_guard("filter.median_blur", [&] {
    int cn = src.channels();
    if (cn == 1 || cn == 3 || cn == 4) {
      cv::medianBlur(src, dst, kernel_size);
    } else {  // OpenCV takes 1, 3 or 4 channels: others go one plane at a time
      std::vector<cv::Mat> planes;
      cv::split(src, planes);
      for (auto& p : planes) cv::medianBlur(p.clone(), p, kernel_size);
      cv::merge(planes, dst);
    }
  });
  return result(dst, image);
}

Tensor bilateral_filter(const Tensor& image, int diameter, double sigma_color, double sigma_space, BorderSpec border) {
  if (image.dtype() != DType::U8 && image.dtype() != DType::F32)
    argument_error(std::string("filter.bilateral takes u8 or f32 images (OpenCV), not ") + dtype_name(image.dtype()));
  const int64_t cn = image.ndim() == 3 ? image.dim(2) : 1;
  if (cn != 1 && cn != 3) argument_error("filter.bilateral takes 1- or 3-channel images, not " + std::to_string(cn));
  if (!(sigma_color > 0.0) || !(sigma_space > 0.0) || !std::isfinite(sigma_color) || !std::isfinite(sigma_space))
    range_error("filter.bilateral: sigma_color and sigma_space must be finite and > 0");
  // OpenCV indexes a lookup table by the difference of two f32 pixels: a NaN or infinite pixel,
  // or two whose difference overflows, reads far outside it.
  if (image.dtype() == DType::F32 &&
      !cv::checkRange(as_mat(image), true, nullptr, -std::numeric_limits<float>::max() / 2,
                      std::numeric_limits<float>::max() / 2))
    range_error("filter.bilateral: f32 pixels must be finite and within +-1.7e38");
  int radius = diameter > 0 ? diameter / 2 : cvRound(std::min(sigma_space, 1e6) * 1.5);
  if (radius > 255) range_error("filter.bilateral: the neighborhood (diameter or 3 * sigma_space) is too large");
  cv::Mat dst = output_mat();
  cv_guard("filter.bilateral", [&] {
    dst = with_border(as_mat(image), {radius, radius, radius, radius}, border, [&](const cv::Mat& s, cv::Mat& d, int b) {
      cv::bilateralFilter(s, d, 2 * radius + 1, sigma_color, sigma_space, b);
    });
  });
  return result(dst, image);
}

Tensor convolve(const Tensor& image, const Tensor& kernel, BorderSpec border) {
  if (kernel.ndim() != 2) argument_error("filter.convolve: the kernel must be a 2-D tensor");
  if (kernel.dim(0) < 1 || kernel.dim(1) < 1 || kernel.dim(0) > kMaxKernelSize || kernel.dim(1) > kMaxKernelSize)
    range_error("filter.convolve: kernel dimensions must be in [1, 1023]");
  Tensor k = kernel.cast(DType::F32).contiguous();
  cv::Mat km = as_mat(k);
  cv::Mat dst = output_mat();
  cv_guard("filter.convolve", [&] {
    dst = with_border(as_mat(image), centered(km.rows, km.cols), border, [&](const cv::Mat& s, cv::Mat& d, int b) {
      cv::filter2D(s, d, -1, km, cv::Point(-1, -1), 0.0, b);
    });
  });
  return result(dst, image);
}

Tensor gaussian_kernel(int64_t size, double sigma) {
  check_odd_size("filter.gaussian_kernel", size);
  if (!std::isfinite(sigma)) range_error("filter.gaussian_kernel: sigma must be finite");
  cv::Mat k1 = cv::getGaussianKernel(static_cast<int>(size), sigma, CV_64F);
  Tensor out = Tensor::empty(DType::F32, {size, size});
  float* dst = out.mutable_data<float>();
  const double* v = k1.ptr<double>();
  for (int64_t i = 0; i < size; ++i)
    for (int64_t j = 0; j < size; ++j) dst[i * size + j] = static_cast<float>(v[i] * v[j]);
  return out;
}

Tensor box_kernel(int64_t size) {
  if (size < 1 || size > kMaxKernelSize)
    range_error("filter.box_kernel: size must be in [1, 1023], not " + std::to_string(size));
  Tensor out = Tensor::empty(DType::F32, {size, size});
  std::fill(out.mutable_data<float>(), out.mutable_data<float>() + size * size,
            static_cast<float>(1.0 / static_cast<double>(size * size)));
  return out;
}

Tensor sharpen(const Tensor& image, double amount) {
  const int64_t h = image.dim(0), w = image.dim(1), c = image.ndim() == 3 ? image.dim(2) : 1;
  if (h < 3 || w < 3) return image;  // all frame: nothing to sharpen (as torchvision)
  Tensor out = Tensor::empty(image.dtype(), image.shape());
  const float a = static_cast<float>(amount);
  switch (image.dtype()) {
    case DType::U8: sharpen_typed(image.data<uint8_t>(), out.mutable_data<uint8_t>(), h, w, c, a); break;
    case DType::U16: sharpen_typed(image.data<uint16_t>(), out.mutable_data<uint16_t>(), h, w, c, a); break;
    case DType::F32: sharpen_typed(image.data<float>(), out.mutable_data<float>(), h, w, c, a); break;
    default: type_error("filter.sharpen takes u8, u16 or f32 images");
  }
  return out;
}

Tensor sobel(const Tensor& image, int dx, int dy, int ksize, BorderSpec border) {
  if (ksize != -1 && ksize != 1 && ksize != 3 && ksize != 5 && ksize != 7)
    range_error("filter.sobel: ksize must be -1 (Scharr), 1, 3, 5 or 7, not " + std::to_string(ksize));
  if (dx < 0 || dy < 0 || dx + dy < 1) range_error("filter.sobel: dx, dy must be >= 0 with dx + dy >= 1");
  if (ksize == -1 && dx + dy != 1) range_error("filter.sobel: Scharr (ksize -1) needs dx + dy == 1");
  const int limit = ksize <= 1 ? 2 : ksize - 1;
  if (dx > limit || dy > limit)
    range_error("filter.sobel: derivative orders must be at most " + std::to_string(limit) + " for ksize " +
                std::to_string(ksize));
  const int r = ksize <= 1 ? 1 : ksize / 2;
  cv::Mat dst = output_mat();
  cv_guard("filter.sobel", [&] {
    dst = with_border(as_mat(image), {r, r, r, r}, border, [&](const cv::Mat& s, cv::Mat& d, int b) {
      cv::Sobel(s, d, CV_32F, dx, dy, ksize, 1.0, 0.0, b);
    });
  });
  return result(dst, image);
}

Tensor laplacian(const Tensor& image, int ksize, BorderSpec border) {
  if (ksize < 1 || ksize > 31 || ksize % 2 == 0)
    range_error("filter.laplacian: ksize must be odd and in [1, 31], not " + std::to_string(ksize));
  const int r = ksize == 1 ? 1 : ksize / 2;
  cv::Mat dst = output_mat();
  cv_guard("filter.laplacian", [&] {
    dst = with_border(as_mat(image), {r, r, r, r}, border, [&](const cv::Mat& s, cv::Mat& d, int b) {
      cv::Laplacian(s, d, CV_32F, ksize, 1.0, 0.0, b);
    });
  });
  return result(dst, image);
}

Tensor canny(const Tensor& image, double low, double high, int aperture, bool l2_gradient) {
  if (image.dtype() != DType::U8) argument_error(std::string("filter.canny takes u8 images, not ") + dtype_name(image.dtype()));
  const int64_t cn = image.ndim() == 3 ? image.dim(2) : 1;
  if (cn != 1 && cn != 3) argument_error("filter.canny takes 1- or 3-channel images, not " + std::to_string(cn));
  if (aperture != 3 && aperture != 5 && aperture != 7)
    range_error("filter.canny: aperture must be 3, 5 or 7, not " + std::to_string(aperture));
  cv::Mat dst = output_mat();
  cv_guard("filter.canny", [&] { cv::Canny(as_mat(image), dst, low, high, aperture, l2_gradient); });
  return from_mat(dst, image.ndim() == 3);
}

}  // namespace pxp::kernels
