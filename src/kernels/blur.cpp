#include "kernels/blur.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "kernels/cv_bridge.hpp"
#include "kernels/cv_resize.hpp"
#include "kernels/image_dtype.hpp"
#include "kernels/image_modes.hpp"
#include "kernels/rounding.hpp"
#include "kernels/vector_clones.hpp"
#include "kernels/zoom_accumulate.hpp"

namespace pxp::kernels {

namespace {

constexpr int64_t kMaxKernelSize = 1023;
constexpr double kPi = 3.14159265358979323846;

void check_kernel_size(const char* op, int64_t size, int64_t min = 1) {
  if (size < min || size > kMaxKernelSize)
    range_error(std::string(op) + ": size must be in [" + std::to_string(min) + ", 1023], not " + std::to_string(size));
}

// Divides every value by their sum (in f32, as the reference normalizes its f32 kernels).
void normalize(Tensor& kernel) {
  float* v = kernel.mutable_data<float>();
  const int64_t n = kernel.numel();
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += v[i];
  const float s = static_cast<float>(sum);
  if (!(s > 0.0f) || !std::isfinite(s)) range_error("the kernel's values do not have a positive finite sum");
  for (int64_t i = 0; i < n; ++i) v[i] /= s;
}

// u8 -> [0, 1] f32 as v / 255 in f32 (albucore's lookup table); f32 is used as is.
cv::Mat to_unit_float(const Tensor& image, const char* op) {
  cv::Mat src = as_mat(image);
  if (image.dtype() == DType::F32) return src;
  if (image.dtype() != DType::U8) argument_error(std::string(op) + " takes u8 or f32 images");
  cv::Mat lut(1, 256, CV_32F);
  for (int i = 0; i < 256; ++i) lut.at<float>(0, i) = static_cast<float>(i) / 255.0f;
  cv::Mat out = output_mat();   // the thread's cached memory: no fresh pages per sample
  cv::Mat flat = src.reshape(1);
  out.create(flat.rows, flat.cols, CV_32F);
  for (int y = 0; y < flat.rows; ++y) {
    const uint8_t* s = flat.ptr<uint8_t>(y);
    float* d = out.ptr<float>(y);
    const float* l = lut.ptr<float>(0);
    for (int x = 0; x < flat.cols; ++x) d[x] = l[s[x]];
  }
  return out.reshape(src.channels());
}

// A [0, 1] f32 result back to the input's dtype: clamped, u8 as round-half-even(x * 255).
Tensor from_unit_float(const cv::Mat& values, const Tensor& like) {
  const int64_t n = static_cast<int64_t>(values.total()) * values.channels();
  Tensor out = Tensor::empty(like.dtype(), like.shape());
  const float* v = values.ptr<float>(0);  // continuous: created by this file
  if (like.dtype() == DType::U8) {
    uint8_t* d = out.mutable_data<uint8_t>();
    for (int64_t i = 0; i < n; ++i) {
      float x = std::min(std::max(v[i], 0.0f), 1.0f);
      d[i] = static_cast<uint8_t>(round_half_even_pixel(x * 255.0f));
    }
  } else {
    float* d = out.mutable_data<float>();
    for (int64_t i = 0; i < n; ++i) d[i] = std::min(std::max(v[i], 0.0f), 1.0f);
  }
  return out;
}

// The swaps, with the pixel size a template parameter when it is a common one (B > 0) so the
// copies are fixed-size moves.
template <int B, typename Off>
void swap_pixels(uint8_t* img, int64_t H, int64_t W, int64_t pixel, const Off* off, int64_t iterations, int64_t d,
                 bool exact, bool copy_only) {
  const int64_t P = B > 0 ? B : pixel;
  const int64_t nh = H - 2 * d, nw = W - 2 * d, n = nh * nw;
  const int64_t row = W * P;
  auto at = [&](int64_t y, int64_t x) { return img + y * row + x * P; };
  if (exact) {
    uint8_t tmp[64];
    std::vector<uint8_t> big(P > 64 ? P : 0);
    uint8_t* t = P > 64 ? big.data() : tmp;
    for (int64_t i = 0; i < iterations; ++i)
      for (int64_t hi = 0; hi < nh; ++hi)
        for (int64_t wi = 0; wi < nw; ++wi) {
          const int64_t k = hi * nw + wi, h = H - d - hi, w = W - d - wi;
          const Off* o = off + (k * iterations + i) * 2;
          uint8_t* a = at(h, w);
          uint8_t* b = at(h + o[0], w + o[1]);
          if (copy_only) {
            std::memmove(a, b, P);
            continue;
          }
          std::memcpy(t, a, P);
          std::memcpy(a, b, P);
          std::memcpy(b, t, P);
        }
    return;
  }
  std::vector<uint8_t> before(static_cast<size_t>(H * row));
  for (int64_t i = 0; i < iterations; ++i) {
    std::memcpy(before.data(), img, before.size());
    const uint8_t* old = before.data();
    // x[h, w] = old[h + dy, w + dx] for every k (the (h, w) are distinct), then
    // x[h + dy, w + dx] = old[h, w] in order (a later k wins where targets repeat).
    for (int64_t k = 0; k < n; ++k) {
      const int64_t h = H - d - k % nh, w = W - d - k / nh;
      const Off* o = off + (k * iterations + i) * 2;
      std::memcpy(at(h, w), old + (h + o[0]) * row + (w + o[1]) * P, P);
    }
    for (int64_t k = 0; k < n; ++k) {
      const int64_t h = H - d - k % nh, w = W - d - k / nh;
      const Off* o = off + (k * iterations + i) * 2;
      std::memcpy(at(h + o[0], w + o[1]), old + h * row + w * P, P);
    }
  }
}

template <typename Off>
void swap_dispatch(uint8_t* img, int64_t H, int64_t W, int64_t pixel, const Off* off, int64_t iterations, int64_t d,
                   bool exact, bool copy_only) {
  switch (pixel) {
    case 1: swap_pixels<1>(img, H, W, pixel, off, iterations, d, exact, copy_only); break;
    case 3: swap_pixels<3>(img, H, W, pixel, off, iterations, d, exact, copy_only); break;
    case 4: swap_pixels<4>(img, H, W, pixel, off, iterations, d, exact, copy_only); break;
    case 12: swap_pixels<12>(img, H, W, pixel, off, iterations, d, exact, copy_only); break;
    default: swap_pixels<0>(img, H, W, pixel, off, iterations, d, exact, copy_only);
  }
}

// out = image (*) kernel for a kernel symmetric about its center on both axes (only its
// lower-right quadrant q[i][j], 0 <= i, j <= e, is read), reflect_101 borders: each kernel row
// pair y - i, y + i is summed once, then each column pair: (e + 1)^2 multiply-adds per value
// instead of (2e + 1)^2. Sums in f32; integers rounded half to even and saturated.
template <typename T>
__attribute__((always_inline)) inline void convolve_symmetric_body(const T* src, T* dst, int64_t H, int64_t W,
                                                                   int64_t C, const std::vector<float>& q, int64_t e) {
  const int64_t row = W * C, prow = (W + 2 * e) * C;
  std::vector<float> padded(static_cast<size_t>((H + 2 * e) * prow));
  std::vector<int64_t> xs(static_cast<size_t>(W + 2 * e));
  for (int64_t x = 0; x < W + 2 * e; ++x) xs[x] = border_index(x - e, W, Border::Reflect101);
  for (int64_t y = 0; y < H + 2 * e; ++y) {
    const T* s = src + border_index(y - e, H, Border::Reflect101) * row;
    float* d = padded.data() + y * prow;
    for (int64_t i = 0; i < row; ++i) d[e * C + i] = static_cast<float>(s[i]);
    for (int64_t x = 0; x < e; ++x)
      for (int64_t c = 0; c < C; ++c) {
        d[x * C + c] = static_cast<float>(s[xs[x] * C + c]);
        d[(W + e + x) * C + c] = static_cast<float>(s[xs[W + e + x] * C + c]);
      }
  }
  // Per output row: the summed row pairs of every i (rows y - i and y + i), then blocks of
  // kBlock values whose sums stay in registers over all taps (i, then j, as one value's sum
  // always ran), with one store per block instead of one per tap. Rows are padded to whole blocks.
  constexpr int64_t kBlock = 64;
  const int64_t blocks = (row + kBlock - 1) / kBlock, span = blocks * kBlock + 2 * e * C;
  std::vector<float> pairs(static_cast<size_t>((e + 1) * span), 0.0f);
  std::vector<int64_t> live;   // the non-zero taps, (i, j) in order
  for (int64_t i = 0; i <= e; ++i)
    for (int64_t j = 0; j <= e; ++j)
      if (q[static_cast<size_t>(i * (e + 1) + j)] != 0.0f) live.push_back(i * (e + 1) + j);
  for (int64_t y = 0; y < H; ++y) {
    for (int64_t i = 0; i <= e; ++i) {
      const float* up = padded.data() + (y + e - i) * prow;
      const float* down = padded.data() + (y + e + i) * prow;
      float* __restrict pr = pairs.data() + i * span;
      if (i == 0) {
        for (int64_t x = 0; x < prow; ++x) pr[x] = up[x];
      } else {
        for (int64_t x = 0; x < prow; ++x) pr[x] = up[x] + down[x];
      }
    }
    T* out = dst + y * row;
    for (int64_t b = 0; b < blocks; ++b) {
      float a[kBlock] = {};
      for (int64_t tap : live) {
        const int64_t i = tap / (e + 1), j = tap % (e + 1);
        const float w = q[static_cast<size_t>(tap)];
        const float* __restrict l = pairs.data() + i * span + (e - j) * C + b * kBlock;
        const float* __restrict r = pairs.data() + i * span + (e + j) * C + b * kBlock;
        if (j == 0) {
          for (int64_t x = 0; x < kBlock; ++x) a[x] += w * l[x];
        } else {
          for (int64_t x = 0; x < kBlock; ++x) a[x] += w * (l[x] + r[x]);
        }
      }
      const int64_t n = std::min(kBlock, row - b * kBlock);
      T* o = out + b * kBlock;
      for (int64_t x = 0; x < n; ++x) {
        if constexpr (std::is_floating_point_v<T>) {
          o[x] = a[x];
        } else {
          o[x] = cv::saturate_cast<T>(a[x]);
        }
      }
    }
  }
}

// The loop in its two copies (vector_clones.hpp): 8 floats wide (or the baseline), or 16 where
// the CPU has AVX-512, which the large defocus kernels at 1024 x 1024 needed. The same bits.
template <typename T>
PXP_VECTOR_CLONES void convolve_symmetric_narrow(const T* src, T* dst, int64_t H, int64_t W, int64_t C,
                                                 const std::vector<float>& q, int64_t e) {
  convolve_symmetric_body<T>(src, dst, H, W, C, q, e);
}

template <typename T>
PXP_WIDE_AVX512 void convolve_symmetric_wide(const T* src, T* dst, int64_t H, int64_t W, int64_t C,
                                             const std::vector<float>& q, int64_t e) {
  convolve_symmetric_body<T>(src, dst, H, W, C, q, e);
}

template <typename T>
void convolve_symmetric(const T* src, T* dst, int64_t H, int64_t W, int64_t C, const std::vector<float>& q, int64_t e) {
  if (cpu_has_avx512()) convolve_symmetric_wide<T>(src, dst, H, W, C, q, e);
  else convolve_symmetric_narrow<T>(src, dst, H, W, C, q, e);
}

}  // namespace

Tensor motion_kernel(int64_t size, double angle_deg, double direction, double shift_x, double shift_y) {
  check_kernel_size("filter.motion_kernel", size, 1);
  if (size % 2 == 0) range_error("filter.motion_kernel: size must be odd, not " + std::to_string(size));
  if (!std::isfinite(angle_deg) || !std::isfinite(direction) || !std::isfinite(shift_x) || !std::isfinite(shift_y))
    range_error("filter.motion_kernel: angle, direction and shifts must be finite");
  direction = std::min(std::max(direction, -1.0), 1.0);
  const int64_t center = size / 2, half = size / 2;
  const double rad = angle_deg * (kPi / 180.0);
  const double dx = std::cos(rad), dy = std::sin(rad);
  double t0 = -static_cast<double>(half), t1 = static_cast<double>(half);
  if (direction < 0) t1 = static_cast<double>(half) * (1.0 - std::abs(direction));
  if (direction > 0) t0 = -static_cast<double>(half) * (1.0 - direction);
  const double sx = shift_x * static_cast<double>(half) / 2.0, sy = shift_y * static_cast<double>(half) / 2.0;
  Tensor out = Tensor::zeros(DType::F32, {size, size});
  float* k = out.mutable_data<float>();
  const double step = size > 1 ? (t1 - t0) / static_cast<double>(size - 1) : 0.0;
  for (int64_t i = 0; i < size; ++i) {
    // numpy.linspace: i * step + start, the last point exactly the stop
    const double t = (size > 1 && i == size - 1) ? t1 : static_cast<double>(i) * step + t0;
    double x = static_cast<double>(center) + dx * t + sx;
    double y = static_cast<double>(center) + dy * t + sy;
    const double hi = static_cast<double>(size - 1);
    x = std::min(std::max(std::nearbyint(x), 0.0), hi);
    y = std::min(std::max(std::nearbyint(y), 0.0), hi);
    k[static_cast<int64_t>(y) * size + static_cast<int64_t>(x)] = 1.0f;
  }
  normalize(out);
  return out;
}

Tensor defocus_kernel(int64_t radius, double alias_blur) {
  if (radius < 1 || radius > 511) range_error("filter.defocus_kernel: radius must be in [1, 511], not " + std::to_string(radius));
  if (!(alias_blur >= 0.0) || !(alias_blur <= 1000.0))
    range_error("filter.defocus_kernel: alias_blur must be in [0, 1000]");
  const int64_t half = std::max<int64_t>(8, radius), n = 2 * half + 1;
  cv::Mat disk(static_cast<int>(n), static_cast<int>(n), CV_32F);
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      const int64_t x = j - half, y = i - half;
      const bool in = x * x + y * y <= radius * radius;
      disk.at<float>(static_cast<int>(i), static_cast<int>(j)) = in ? 1.0f : 0.0f;
      count += in;
    }
  disk /= static_cast<float>(count);
  const int k = radius <= 8 ? 3 : 5;
  cv::Mat smooth;
  cv::GaussianBlur(disk, smooth, cv::Size(k, k), alias_blur, 0.0, cv::BORDER_REFLECT_101);
  Tensor out = Tensor::empty(DType::F32, {n, n});
  for (int64_t i = 0; i < n; ++i)
    std::memcpy(out.mutable_data<float>() + i * n, smooth.ptr<float>(static_cast<int>(i)), n * sizeof(float));
  return out;
}

Tensor generalized_gaussian_kernel(int64_t size, double sigma_x, double sigma_y, double angle_deg, double beta,
                                   const Tensor& noise) {
  check_kernel_size("filter.generalized_gaussian_kernel", size);
  if (noise.ndim() != 2 || noise.dim(0) < size || noise.dim(1) < size)
    argument_error("filter.generalized_gaussian_kernel: noise must be 2-D and at least size x size");
  if (!(sigma_x >= 0.0) || !(sigma_y >= 0.0) || !(sigma_x > 0.0 || sigma_y > 0.0) || !std::isfinite(sigma_x) ||
      !std::isfinite(sigma_y) || !(beta > 0.0) || !std::isfinite(beta) || !std::isfinite(angle_deg))
    range_error("filter.generalized_gaussian_kernel: sigmas must be finite and >= 0 (not both 0), beta finite and > 0");
  const double a = angle_deg * (kPi / 180.0), c = std::cos(a), s = std::sin(a);
  const double dxx = sigma_x * sigma_x, dyy = sigma_y * sigma_y;
  // S = R diag(dxx, dyy) R^T and its inverse
  const double s00 = c * c * dxx + s * s * dyy, s01 = c * s * (dxx - dyy), s11 = s * s * dxx + c * c * dyy;
  const double det = s00 * s11 - s01 * s01;
  if (!(det > 0.0)) range_error("filter.generalized_gaussian_kernel: the covariance is singular (a sigma is 0)");
  const double i00 = s11 / det, i01 = -s01 / det, i11 = s00 / det;
  Tensor nz = noise.cast(DType::F64).contiguous();
  const double* nv = nz.data<double>();
  const int64_t ncols = noise.dim(1);
  Tensor out = Tensor::empty(DType::F32, {size, size});
  float* k = out.mutable_data<float>();
  const double first = std::floor(-static_cast<double>(size) / 2.0) + 1.0;  // arange(-size // 2 + 1, size // 2 + 1)
  for (int64_t i = 0; i < size; ++i)
    for (int64_t j = 0; j < size; ++j) {
      const double x = first + static_cast<double>(j), y = first + static_cast<double>(i);
      const double q = x * (i00 * x + i01 * y) + y * (i01 * x + i11 * y);
      k[i * size + j] = static_cast<float>(std::exp(-0.5 * std::pow(q, beta)) * nv[i * ncols + j]);
    }
  normalize(out);
  return out;
}

Tensor unsharp_mask(const Tensor& image, int kernel_size, double sigma, double alpha, double threshold) {
  if (kernel_size < 1 || kernel_size > kMaxKernelSize || kernel_size % 2 == 0)
    range_error("filter.unsharp_mask: kernel_size must be odd and in [1, 1023], not " + std::to_string(kernel_size));
  if (!(sigma >= 0.0) || !(sigma <= 1000.0)) range_error("filter.unsharp_mask: sigma must be in [0, 1000]");
  if (!std::isfinite(alpha) || !std::isfinite(threshold)) range_error("filter.unsharp_mask: alpha and threshold must be finite");
  cv::Mat x = to_unit_float(image, "filter.unsharp_mask");
  if (!x.isContinuous()) x = x.clone();
  const cv::Size ks(kernel_size, kernel_size);
  cv::Mat blur;
  cv::GaussianBlur(x, blur, ks, sigma, sigma, cv::BORDER_REFLECT_101);
  const int64_t n = static_cast<int64_t>(x.total()) * x.channels();
  cv::Mat sharp(x.size(), x.type()), mask(x.size(), x.type());
  const float a = static_cast<float>(alpha), th = static_cast<float>(threshold);
  {
    const float* xv = x.ptr<float>(0);
    const float* bv = blur.ptr<float>(0);
    float* sv = sharp.ptr<float>(0);
    float* mv = mask.ptr<float>(0);
    for (int64_t i = 0; i < n; ++i) {
      const float r = xv[i] - bv[i];
      mv[i] = std::abs(r) * 255.0f > th ? 1.0f : 0.0f;
      sv[i] = std::min(std::max(xv[i] + a * r, 0.0f), 1.0f);
    }
  }
  cv::Mat soft;
  cv::GaussianBlur(mask, soft, ks, sigma, sigma, cv::BORDER_REFLECT_101);
  {
    const float* xv = x.ptr<float>(0);
    const float* mv = soft.ptr<float>(0);
    float* sv = sharp.ptr<float>(0);
    for (int64_t i = 0; i < n; ++i) sv[i] = sv[i] * mv[i] + xv[i] * (1.0f - mv[i]);
  }
  return from_unit_float(sharp, image);
}

Tensor glass_offsets(int64_t height, int64_t width, int64_t max_delta, int64_t iterations, RandomStream& rng) {
  if (max_delta < 1 || iterations < 1) range_error("filter.glass_offsets: max_delta and iterations must be >= 1");
  const int64_t n = std::max<int64_t>(0, height - 2 * max_delta) * std::max<int64_t>(0, width - 2 * max_delta);
  Tensor out = Tensor::empty(DType::I32, {n, iterations, 2});
  int32_t* v = out.mutable_data<int32_t>();
  for (int64_t i = 0; i < n * iterations * 2; ++i) v[i] = static_cast<int32_t>(rng.integer(-max_delta, max_delta - 1));
  return out;
}

Tensor glass_swaps(const Tensor& image, const Tensor& offsets, int64_t max_delta, bool exact) {
  const ImageShape s = image_shape(image);
  if (max_delta < 1) range_error("filter.glass_swaps: max_delta must be >= 1");
  const int64_t nh = std::max<int64_t>(0, s.height - 2 * max_delta), nw = std::max<int64_t>(0, s.width - 2 * max_delta);
  const int64_t n = nh * nw;
  if (offsets.ndim() != 3 || offsets.dim(0) != n || offsets.dim(2) != 2 || offsets.dim(1) < 1)
    argument_error("filter.glass_swaps: offsets must be N x iterations x 2 with N = (H - 2 max_delta)(W - 2 max_delta) = " +
                   std::to_string(n));
  const int64_t iterations = offsets.dim(1);
  Tensor off = offsets.dtype() == DType::I32 ? offsets.contiguous() : offsets.cast(DType::I64).contiguous();
  const int64_t total = n * iterations * 2;
  auto check = [&](auto* v) {
    for (int64_t i = 0; i < total; ++i)
      if (v[i] < -max_delta || v[i] >= max_delta)
        range_error("filter.glass_swaps: offsets must be in [-max_delta, max_delta)");
  };
  Tensor out = Tensor::empty(image.dtype(), image.shape());
  {
    Tensor src = image.contiguous();
    std::memcpy(out.mutable_bytes(), src.bytes(), src.nbytes());
  }
  const int64_t pixel = s.channels * static_cast<int64_t>(dtype_size(image.dtype()));
  uint8_t* img = out.mutable_bytes();
  if (n == 0) return out;
  // albumentations' exact mode swaps through NumPy views: on an H x W x C image the pixel at
  // (h, w) takes (h + dy, w + dx)'s value and that one keeps it (a copy, not a swap); one channel
  // (OpenCV drops its axis) swaps.
  const bool copy_only = exact && s.channels > 1;
  if (off.dtype() == DType::I32) {
    check(off.data<int32_t>());
    swap_dispatch(img, s.height, s.width, pixel, off.data<int32_t>(), iterations, max_delta, exact, copy_only);
  } else {
    check(off.data<int64_t>());
    swap_dispatch(img, s.height, s.width, pixel, off.data<int64_t>(), iterations, max_delta, exact, copy_only);
  }
  return out;
}

Tensor zoom_blur(const Tensor& image, double max_factor, double step_factor) {
  if (!(step_factor > 0.0) || !std::isfinite(step_factor) || !std::isfinite(max_factor))
    range_error("filter.zoom_blur: step_factor must be finite and > 0, max_factor finite");
  const double count = std::ceil((max_factor - 1.0) / step_factor);
  if (count > 10000) range_error("filter.zoom_blur: more than 10000 zoom factors");
  const int64_t n = count > 0 ? static_cast<int64_t>(count) : 0;
  cv::Mat x = to_unit_float(image, "filter.zoom_blur");
  if (!x.isContinuous()) x = x.clone();
  const int H = x.rows, W = x.cols;
  // The zooms, summed as the reference does. The first factor is 1: the image itself, so the
  // sum starts as its copy (0 + x is x) and the resampling starts at the second.
  cv::Mat acc = output_mat();
  acc.create(x.rows, x.cols, x.type());
  if (n > 0) x.copyTo(acc); else acc.setTo(0);
  for (int64_t i = 1; i < n; ++i) {
    const double z = 1.0 + static_cast<double>(i) * step_factor;  // numpy.arange: start + i * step
    const int hc = static_cast<int>(std::ceil(H / z)), wc = static_cast<int>(std::ceil(W / z));
    const int top = (H - hc) / 2, left = (W - wc) / 2;  // both >= 0: z >= 1
    const int rh = static_cast<int>(hc * z), rw = static_cast<int>(wc * z);
    // the reference resizes the crop to rw x rh and adds its centered H x W part (top-left where
    // it is smaller): add_zoom computes just that part
    const int ty = std::max(0, (rh - H) / 2), tx = std::max(0, (rw - W) / 2);
    const ZoomWindow window{left, top, wc, hc, rw, rh, tx, ty, std::min(W, rw - tx), std::min(H, rh - ty)};
    add_zoom(x.ptr<float>(0), acc.ptr<float>(0), W, x.channels(), window);
  }
  // (x + acc) / (n + 1), a division in f32 (not a multiplication by the reciprocal: the same bits)
  const float denominator = static_cast<float>(n + 1);
  const int64_t values = static_cast<int64_t>(x.total()) * x.channels();
  float* a = acc.ptr<float>(0);
  const float* xv = x.ptr<float>(0);
  for (int64_t i = 0; i < values; ++i) a[i] = (xv[i] + a[i]) / denominator;
  return from_unit_float(acc, image);
}

Tensor defocus_blur(const Tensor& image, int64_t radius, double alias_blur) {
  Tensor kernel = defocus_kernel(radius, alias_blur);
  const int64_t n = kernel.dim(0), half = n / 2;
  const float* k = kernel.data<float>();
  // the smallest centered square holding every nonzero weight
  int64_t e = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      if (k[i * n + j] != 0.0f) e = std::max({e, std::abs(i - half), std::abs(j - half)});
  std::vector<float> q(static_cast<size_t>((e + 1) * (e + 1)));
  for (int64_t i = 0; i <= e; ++i)
    for (int64_t j = 0; j <= e; ++j) q[i * (e + 1) + j] = k[(half + i) * n + half + j];
  const ImageShape s = image_shape(image);
  Tensor src = image.contiguous();
  Tensor out = Tensor::empty(image.dtype(), image.shape());
  if (s.height == 0 || s.width == 0 || s.channels == 0) return out;
  if (e >= s.height || e >= s.width) argument_error("filter.defocus: the image is smaller than the kernel's radius");
  dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    convolve_symmetric<T>(src.data<T>(), out.mutable_data<T>(), s.height, s.width, s.channels, q, e);
  });
  return out;
}

Tensor convolve_mirror_symmetric(const Tensor& image, const Tensor& kernel) {
  if (kernel.ndim() != 2 || kernel.dim(0) != kernel.dim(1) || kernel.dim(0) % 2 == 0)
    argument_error("convolve_mirror_symmetric: the kernel must be square with an odd side");
  Tensor k32 = kernel.cast(DType::F32).contiguous();
  const int64_t n = k32.dim(0), e = n / 2;
  const float* k = k32.data<float>();
  std::vector<float> q(static_cast<size_t>((e + 1) * (e + 1)));
  for (int64_t i = 0; i <= e; ++i)
    for (int64_t j = 0; j <= e; ++j) q[i * (e + 1) + j] = k[(e + i) * n + e + j];
  const ImageShape s = image_shape(image);
  Tensor src = image.contiguous();
  Tensor out = Tensor::empty(image.dtype(), image.shape());
  if (s.height == 0 || s.width == 0 || s.channels == 0) return out;
  if (e >= s.height || e >= s.width) argument_error("convolve_mirror_symmetric: the image is smaller than the kernel");
  dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    convolve_symmetric<T>(src.data<T>(), out.mutable_data<T>(), s.height, s.width, s.channels, q, e);
  });
  return out;
}

}  // namespace pxp::kernels
