#include "kernels/color_effects.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include <opencv2/core.hpp>

#include "core/error.hpp"
#include "kernels/color.hpp"
#include "kernels/rounding.hpp"
#include "kernels/vector_clones.hpp"

namespace pxp::kernels {

namespace {

Tensor u8_image(const Tensor& image, const char* op) {
  if (image.dtype() != DType::U8) argument_error(std::string(op) + " takes u8 images");
  if (image.ndim() != 2 && image.ndim() != 3) argument_error(std::string(op) + " takes H x W or H x W x C images");
  return image.contiguous();
}

inline uint8_t trunc_u8(float v) { return static_cast<uint8_t>(v <= 0.0f ? 0.0f : (v >= 255.0f ? 255.0f : v)); }

// d = trunc(s * w), saturated, element-wise.
PXP_VECTOR_CLONES void scale_truncated(const uint8_t* s, const float* w, uint8_t* d, int64_t n) {
  for (int64_t i = 0; i < n; ++i) d[i] = trunc_u8(static_cast<float>(s[i]) * w[i]);
}
// np.rint for 0 <= v < 2^22 (halves to even), without a libm call.
inline float rint_small(float v) { return round_half_even_pixel(v); }
// rint of x * 255 for x clipped to [0, 1] (albucore from_float after a clip), halves to even.
inline uint8_t rint_unit_u8(float x) {
  x = x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x);
  return static_cast<uint8_t>(rint_small(x * 255.0f));
}

// Eigen-decomposition of a symmetric n x n matrix (row-major) by cyclic Jacobi rotations:
// eigenvalues in `values`, eigenvectors as the columns of `vectors`.
void symmetric_eigen(std::vector<double> a, int n, std::vector<double>& values, std::vector<double>& vectors) {
  vectors.assign(static_cast<size_t>(n * n), 0.0);
  for (int i = 0; i < n; ++i) vectors[static_cast<size_t>(i * n + i)] = 1.0;
  auto at = [&](std::vector<double>& m, int r, int c) -> double& { return m[static_cast<size_t>(r * n + c)]; };
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) off += at(a, p, q) * at(a, p, q);
    if (off < 1e-300) break;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) {
        const double apq = at(a, p, q);
        if (std::fabs(apq) < 1e-300) continue;
        const double theta = (at(a, q, q) - at(a, p, p)) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double cs = 1 / std::sqrt(t * t + 1), sn = t * cs;
        for (int k = 0; k < n; ++k) {  // columns p, q
          const double akp = at(a, k, p), akq = at(a, k, q);
          at(a, k, p) = cs * akp - sn * akq;
          at(a, k, q) = sn * akp + cs * akq;
        }
        for (int k = 0; k < n; ++k) {  // rows p, q
          const double apk = at(a, p, k), aqk = at(a, q, k);
          at(a, p, k) = cs * apk - sn * aqk;
          at(a, q, k) = sn * apk + cs * aqk;
        }
        for (int k = 0; k < n; ++k) {
          const double vkp = at(vectors, k, p), vkq = at(vectors, k, q);
          at(vectors, k, p) = cs * vkp - sn * vkq;
          at(vectors, k, q) = sn * vkp + cs * vkq;
        }
      }
  }
  values.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) values[static_cast<size_t>(i)] = at(a, i, i);
}

// OpenCV's NORM_MINMAX normalize of a float32 buffer to [0, 1] (convertTo with double scale and
// shift rounded to float), in place.
void normalize_minmax(float* v, int64_t n) {
  if (n == 0) return;
  // eight independent lanes (the compiler keeps them in one vector register)
  float lo8[8], hi8[8];
  for (int k = 0; k < 8; ++k) lo8[k] = hi8[k] = v[0];
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) {
      const float x = v[i + k];
      lo8[k] = x < lo8[k] ? x : lo8[k];
      hi8[k] = x > hi8[k] ? x : hi8[k];
    }
  float lo = lo8[0], hi = hi8[0];
  for (int k = 1; k < 8; ++k) lo = std::min(lo, lo8[k]), hi = std::max(hi, hi8[k]);
  for (; i < n; ++i) lo = std::min(lo, v[i]), hi = std::max(hi, v[i]);
  const double range = static_cast<double>(hi) - static_cast<double>(lo);
  const double scale = range > 2.220446049250313e-16 ? 1.0 / range : 0.0;
  const float fs = static_cast<float>(scale), fb = static_cast<float>(-static_cast<double>(lo) * scale);
  for (int64_t i = 0; i < n; ++i) v[i] = v[i] * fs + fb;
}

}  // namespace

Tensor fancy_pca(const Tensor& image, const std::vector<double>& alpha) {
  Tensor src = u8_image(image, "color.fancy_pca");
  const int64_t n = pixel_count(src), c = channel_count(src);
  if (static_cast<int64_t>(alpha.size()) < c)
    argument_error("color.fancy_pca: alpha has " + std::to_string(alpha.size()) + " values for " + std::to_string(c) +
                   " channels");
  if (n < 2) return src;
  const uint8_t* s = src.data<uint8_t>();
  // Exact integer sums of the values and of their products (u8 values, so no rounding).
  std::vector<uint64_t> sum(static_cast<size_t>(c), 0), prod(static_cast<size_t>(c * c), 0);
  if (c == 3) {
    uint64_t s0 = 0, s1 = 0, s2 = 0, p00 = 0, p01 = 0, p02 = 0, p11 = 0, p12 = 0, p22 = 0;
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t a = s[3 * i], b = s[3 * i + 1], d = s[3 * i + 2];
      s0 += a, s1 += b, s2 += d;
      p00 += a * a, p01 += a * b, p02 += a * d, p11 += b * b, p12 += b * d, p22 += d * d;
    }
    sum = {s0, s1, s2};
    prod = {p00, p01, p02, p01, p11, p12, p02, p12, p22};
  } else {
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < c; ++j) {
        const uint64_t a = s[i * c + j];
        sum[static_cast<size_t>(j)] += a;
        for (int64_t k = j; k < c; ++k) prod[static_cast<size_t>(j * c + k)] += a * s[i * c + k];
      }
    for (int64_t j = 0; j < c; ++j)
      for (int64_t k = 0; k < j; ++k) prod[static_cast<size_t>(j * c + k)] = prod[static_cast<size_t>(k * c + j)];
  }
  const double dn = static_cast<double>(n);
  // albumentations' mean is numpy's float32 mean over axis 0 of the x / 255 values: a running
  // float32 sum per channel (not pairwise), divided in float32; off by up to ~1e-4 of a level
  // scale, which the noise multiplies, so it is reproduced (the covariance is exact either way).
  std::vector<double> mean(static_cast<size_t>(c));
  {
    std::array<float, 256> unit;
    for (int v = 0; v < 256; ++v) unit[static_cast<size_t>(v)] = static_cast<float>(v) / 255.0f;
    std::vector<float> acc(static_cast<size_t>(c), 0.0f);
    if (c == 3) {
      float a0 = 0, a1 = 0, a2 = 0;
      for (int64_t i = 0; i < n; ++i) a0 += unit[s[3 * i]], a1 += unit[s[3 * i + 1]], a2 += unit[s[3 * i + 2]];
      acc = {a0, a1, a2};
    } else {
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < c; ++j) acc[static_cast<size_t>(j)] += unit[s[i * c + j]];
    }
    for (int64_t j = 0; j < c; ++j)
      mean[static_cast<size_t>(j)] = static_cast<double>(acc[static_cast<size_t>(j)] / static_cast<float>(n)) * 255.0;
    // one channel: numpy's reduction is over a contiguous axis there (pairwise, near exact)
    if (c == 1) mean[0] = static_cast<double>(static_cast<float>(static_cast<double>(sum[0]) / dn / 255.0)) * 255.0;
  }
  // M: noise (in the image's units) = M (x - mean).
  std::vector<double> m(static_cast<size_t>(c * c), 0.0);
  if (c == 1) {
    const double exact = static_cast<double>(sum[0]) / dn;
    const double var = static_cast<double>(prod[0]) / dn - exact * exact;  // population variance
    m[0] = alpha[0] * std::sqrt(std::max(var, 0.0)) / 255.0;                  // std of x / 255
  } else {
    std::vector<double> cov(static_cast<size_t>(c * c));
    for (int64_t j = 0; j < c; ++j)
      for (int64_t k = 0; k < c; ++k)
        cov[static_cast<size_t>(j * c + k)] =
            (static_cast<double>(prod[static_cast<size_t>(j * c + k)]) -
             static_cast<double>(sum[static_cast<size_t>(j)]) * static_cast<double>(sum[static_cast<size_t>(k)]) / dn) /
            (dn - 1) / (255.0 * 255.0);
    std::vector<double> values, vectors;
    symmetric_eigen(cov, static_cast<int>(c), values, vectors);
    std::vector<int> order(static_cast<size_t>(c));
    for (int j = 0; j < c; ++j) order[static_cast<size_t>(j)] = j;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return values[static_cast<size_t>(a)] > values[static_cast<size_t>(b)]; });
    for (int64_t k = 0; k < c; ++k) {
      const int col = order[static_cast<size_t>(k)];
      // sign: the largest-magnitude entry positive
      int64_t big = 0;
      for (int64_t r = 1; r < c; ++r)
        if (std::fabs(vectors[static_cast<size_t>(r * c + col)]) > std::fabs(vectors[static_cast<size_t>(big * c + col)])) big = r;
      const double sign = vectors[static_cast<size_t>(big * c + col)] < 0 ? -1.0 : 1.0;
      const double w = alpha[static_cast<size_t>(k)] * values[static_cast<size_t>(col)] * sign;
      for (int64_t r = 0; r < c; ++r) m[static_cast<size_t>(r * c + k)] = vectors[static_cast<size_t>(r * c + col)] * w;
    }
  }
  // out_r = rint(clip(b_r + sum_k A_rk x_k)), A = I + M, b = -M mean: float tables of A_rk * v.
  std::vector<float> table(static_cast<size_t>(c * c * 256));
  std::vector<float> offset(static_cast<size_t>(c));
  for (int64_t r = 0; r < c; ++r) {
    double b = 0;
    for (int64_t k = 0; k < c; ++k) {
      const double a = m[static_cast<size_t>(r * c + k)] + (r == k ? 1.0 : 0.0);
      b -= m[static_cast<size_t>(r * c + k)] * mean[static_cast<size_t>(k)];
      for (int v = 0; v < 256; ++v) table[static_cast<size_t>((r * c + k) * 256 + v)] = static_cast<float>(a * v);
    }
    offset[static_cast<size_t>(r)] = static_cast<float>(b);
  }
  Tensor out = Tensor::empty(DType::U8, src.shape());
  uint8_t* d = out.mutable_data<uint8_t>();
  auto store = [](float y) { return static_cast<uint8_t>(rint_small(y < 0.0f ? 0.0f : (y > 255.0f ? 255.0f : y))); };
  if (c == 3) {
    const float* t = table.data();
    for (int64_t i = 0; i < n; ++i, s += 3, d += 3) {
      const uint8_t x0 = s[0], x1 = s[1], x2 = s[2];
      d[0] = store(offset[0] + t[x0] + t[256 + x1] + t[512 + x2]);
      d[1] = store(offset[1] + t[768 + x0] + t[1024 + x1] + t[1280 + x2]);
      d[2] = store(offset[2] + t[1536 + x0] + t[1792 + x1] + t[2048 + x2]);
    }
  } else {
    for (int64_t i = 0; i < n; ++i)
      for (int64_t r = 0; r < c; ++r) {
        float y = offset[static_cast<size_t>(r)];
        for (int64_t k = 0; k < c; ++k) y += table[static_cast<size_t>((r * c + k) * 256 + s[i * c + k])];
        d[i * c + r] = store(y);
      }
  }
  return out;
}

const std::vector<std::string>& illumination_mode_names() {
  static const std::vector<std::string> names{"linear", "corner", "gaussian"};
  return names;
}

IlluminationMode illumination_mode_from_name(const std::string& name) {
  const auto& n = illumination_mode_names();
  auto it = std::find(n.begin(), n.end(), name);
  if (it == n.end()) argument_error("unknown illumination mode '" + name + "'");
  return static_cast<IlluminationMode>(it - n.begin());
}

Tensor illumination(const Tensor& image, IlluminationMode mode, double intensity, double a, double b, double c) {
  Tensor src = u8_image(image, "color.illumination");
  const int64_t h = src.shape()[0], w = src.shape()[1], ch = channel_count(src);
  if (mode != IlluminationMode::Linear && intensity == 0) return src;
  Tensor out = Tensor::empty(DType::U8, src.shape());
  const uint8_t* s = src.data<uint8_t>();
  uint8_t* d = out.mutable_data<uint8_t>();
  std::vector<float> factor(static_cast<size_t>(w));
  if (mode == IlluminationMode::Linear) {
    // np.linspace(0, 1, n, dtype=float32) and its reverse
    auto ramp = [](int64_t n, bool reverse) {
      std::vector<float> r(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        const double t = n > 1 ? static_cast<double>(i) / static_cast<double>(n - 1) : 0.0;
        r[static_cast<size_t>(i)] = static_cast<float>(reverse ? 1.0 - t : t);
        if (reverse && i == n - 1) r[static_cast<size_t>(i)] = 0.0f;
      }
      return r;
    };
    const double angle = a;
    std::vector<float> xs = ramp(w, false), ys = ramp(h, false);
    // g(i, j) = gx[j] + gy[i], then (diagonals) min-max normalized by (fs, fb)
    std::vector<float> gx(static_cast<size_t>(w)), gy(static_cast<size_t>(h));
    bool normalized = false;
    if (angle == 0 || angle == 180) {
      gx = ramp(w, angle == 180);
      std::fill(gy.begin(), gy.end(), 0.0f);
    } else if (angle == 90 || angle == 270) {
      gy = ramp(h, angle == 270);
      std::fill(gx.begin(), gx.end(), 0.0f);
    } else if (angle == 45 || angle == 135 || angle == 225 || angle == 315) {
      const bool flip_x = angle == 135 || angle == 225, flip_y = angle == 225 || angle == 315;
      for (int64_t j = 0; j < w; ++j) gx[static_cast<size_t>(j)] = flip_x ? 1.0f - xs[static_cast<size_t>(j)] : xs[static_cast<size_t>(j)];
      for (int64_t i = 0; i < h; ++i) gy[static_cast<size_t>(i)] = flip_y ? 1.0f - ys[static_cast<size_t>(i)] : ys[static_cast<size_t>(i)];
      normalized = true;
    } else {
      const double rad = angle * 3.14159265358979323846 / 180.0;
      const float ca = static_cast<float>(std::cos(rad)), sa = static_cast<float>(std::sin(rad));
      for (int64_t j = 0; j < w; ++j) gx[static_cast<size_t>(j)] = xs[static_cast<size_t>(j)] * ca;
      for (int64_t i = 0; i < h; ++i) gy[static_cast<size_t>(i)] = ys[static_cast<size_t>(i)] * sa;
    }
    float fs = 1.0f, fb = 0.0f;
    if (normalized) {
      const float lo = *std::min_element(gx.begin(), gx.end()) + *std::min_element(gy.begin(), gy.end());
      const float hi = *std::max_element(gx.begin(), gx.end()) + *std::max_element(gy.begin(), gy.end());
      const double range = static_cast<double>(hi) - static_cast<double>(lo);
      const double scale = range > 2.220446049250313e-16 ? 1.0 / range : 0.0;
      fs = static_cast<float>(scale), fb = static_cast<float>(-static_cast<double>(lo) * scale);
    }
    const double ai = std::fabs(intensity);
    const float slope = static_cast<float>(2 * ai), base = static_cast<float>(1 - ai);
    std::array<float, 256> unit;
    for (int v = 0; v < 256; ++v) unit[static_cast<size_t>(v)] = static_cast<float>(v) / 255.0f;
    for (int64_t i = 0; i < h; ++i) {
      for (int64_t j = 0; j < w; ++j) {
        float g = gx[static_cast<size_t>(j)] + gy[static_cast<size_t>(i)];
        if (normalized) g = g * fs + fb;
        if (intensity < 0) g = 1.0f - g;
        factor[static_cast<size_t>(j)] = g * slope + base;
      }
      for (int64_t j = 0; j < w; ++j) {
        const float f = factor[static_cast<size_t>(j)];
        for (int64_t k = 0; k < ch; ++k, ++s, ++d) *d = rint_unit_u8(unit[*s] * f);
      }
    }
    return out;
  }
  if (mode == IlluminationMode::Corner) {
    const int corner = static_cast<int>(a);
    if (corner < 0 || corner > 3) range_error("color.illumination: corner must be 0..3, not " + std::to_string(corner));
    const int64_t r0 = (corner == 2 || corner == 3) ? h - 1 : 0, c0 = (corner == 1 || corner == 2) ? w - 1 : 0;
    const double diagonal = std::sqrt(static_cast<double>(h * h + w * w));
    const float k = static_cast<float>(-intensity / diagonal);
    for (int64_t i = 0; i < h; ++i) {
      const int64_t dy = i - r0;
      for (int64_t j = 0; j < w; ++j) {
        const int64_t dx = j - c0;
        const float dist = std::sqrt(static_cast<float>(dx * dx + dy * dy));
        factor[static_cast<size_t>(j)] = dist * k + 1.0f;
      }
      for (int64_t j = 0; j < w; ++j) {
        const float f = factor[static_cast<size_t>(j)];
        for (int64_t q = 0; q < ch; ++q, ++s, ++d) *d = trunc_u8(static_cast<float>(*s) * f);
      }
    }
    return out;
  }
  // gaussian
  const float cx = static_cast<float>(static_cast<double>(w) * a), cy = static_cast<float>(static_cast<double>(h) * b);
  const double spread = static_cast<double>(std::max(h, w)) * c;
  const float k = static_cast<float>(-1.0 / (2 * spread * spread)), fi = static_cast<float>(intensity);
  std::vector<float> dx2(static_cast<size_t>(w));
  for (int64_t j = 0; j < w; ++j) {
    const float dx = static_cast<float>(j) - cx;
    dx2[static_cast<size_t>(j)] = dx * dx;
  }
  cv::Mat row(1, static_cast<int>(w), CV_32F, factor.data());
  for (int64_t i = 0; i < h; ++i) {
    const float dy = static_cast<float>(i) - cy, dy2 = dy * dy;
    for (int64_t j = 0; j < w; ++j) factor[static_cast<size_t>(j)] = (dx2[static_cast<size_t>(j)] + dy2) * k;
    cv::exp(row, row);  // cv::exp's float32 exp, as albumentations' cv2.exp
    for (int64_t j = 0; j < w; ++j) factor[static_cast<size_t>(j)] = factor[static_cast<size_t>(j)] * fi + 1.0f;
    for (int64_t j = 0; j < w; ++j) {
      const float f = factor[static_cast<size_t>(j)];
      for (int64_t q = 0; q < ch; ++q, ++s, ++d) *d = trunc_u8(static_cast<float>(*s) * f);
    }
  }
  return out;
}

namespace {

// Steps of albumentations' plasma: grids 3 x 3, then 2^(s+2) + 1 for s = 0 .. steps - 1, up to
// 2^ceil(log2(max(h, w) - 1)) + 1.
int plasma_steps(int64_t height, int64_t width) {
  const int64_t dim = std::max(height, width);
  if (dim < 2) range_error("noise.plasma: the image must be at least 2 pixels on its longer side");
  int k = 0;
  while ((int64_t{1} << k) < dim - 1) ++k;
  return std::max(k - 1, 0);
}

}  // namespace

int64_t plasma_uniform_count(int64_t height, int64_t width) {
  const int steps = plasma_steps(height, width);
  int64_t count = 9;
  for (int s = 0; s < steps; ++s) {
    const int64_t n = (int64_t{1} << (s + 2)) + 1;
    count += n * n;
  }
  return count;
}

namespace {

// The diamond-square core; units(out, k) writes the next k draws u in [0, 1).
template <class Units>
Tensor plasma_from(int64_t height, int64_t width, double roughness, Units&& units) {
  const int steps = plasma_steps(height, width);
  // The thread's buffers, kept from sample to sample: fresh megabytes each time cost page faults.
  thread_local std::vector<float> grid, next_grid, noise;
  thread_local std::vector<double> u;
  // k draws of -scale + 2 scale u in f64, to f32 (numpy Generator.uniform(-scale, scale).astype(float32))
  auto draw = [&](float scale, std::vector<float>& out, int64_t k) {
    u.resize(static_cast<size_t>(k));
    units(u.data(), k);
    out.resize(static_cast<size_t>(k));
    const double lo = -static_cast<double>(scale), span = static_cast<double>(scale) - lo;
    for (int64_t i = 0; i < k; ++i) out[static_cast<size_t>(i)] = static_cast<float>(lo + span * u[static_cast<size_t>(i)]);
  };
  int64_t n = 3;
  draw(1.0f, grid, 9);
  for (int s = 0; s < steps; ++s) {
    const float scale = static_cast<float>(std::pow(roughness, s));
    const int64_t m = (n - 1) * 2 + 1;
    draw(scale, noise, m * m);
    next_grid.assign(static_cast<size_t>(m * m), 0.0f);
    for (int64_t r = 0; r < n; ++r)
      for (int64_t c = 0; c < n; ++c)
        next_grid[static_cast<size_t>(2 * r * m + 2 * c)] = grid[static_cast<size_t>(r * n + c)] + noise[static_cast<size_t>(2 * r * m + 2 * c)];
    // cv::filter2D with albumentations' 3 x 3 kernels (zero border) and the `> 0` masks, computed
    // only where the filters can be non-zero: after the copy only the even-even cells are set, so
    // the diamond filter (diagonal neighbours / 4) is non-zero only at odd-odd cells, and then the
    // square filter (4-neighbours / 4) only at the mixed-parity cells. Sums in filter2D's order
    // (taps row-major; an out-of-border tap adds an exact 0).
    float* e = next_grid.data();
    const float* nz = noise.data();
    for (int64_t r = 1; r < m; r += 2) {
      const float* up = e + (r - 1) * m;
      const float* down = e + (r + 1) * m;
      float* row = e + r * m;
      for (int64_t c = 1; c < m; c += 2) {
        const float f = (((up[c - 1] + up[c + 1]) + down[c - 1]) + down[c + 1]) * 0.25f;
        const float kept = row[c], raised = kept + (f + nz[r * m + c]);
        row[c] = f > 0 ? raised : kept;   // a select, not a branch: the sign of f is random
      }
    }
    for (int64_t r = 0; r < m; ++r) {
      float* row = e + r * m;
      const float* up = r > 0 ? e + (r - 1) * m : nullptr;
      const float* down = r + 1 < m ? e + (r + 1) * m : nullptr;
      const float* nrow = nz + r * m;
      auto edge = [&](int64_t c) {  // with the zero border
        float acc = 0.0f;
        bool first = true;
        auto add = [&](float v) { acc = first ? v : acc + v; first = false; };
        if (up) add(up[c]);
        if (c > 0) add(row[c - 1]);
        if (c + 1 < m) add(row[c + 1]);
        if (down) add(down[c]);
        const float f = acc * 0.25f;
        if (f > 0) row[c] = row[c] + (f + nrow[c]);
      };
      if (!up || !down) {
        for (int64_t c = (r % 2 == 0) ? 1 : 0; c < m; c += 2) edge(c);
        continue;
      }
      int64_t c = (r % 2 == 0) ? 1 : 0;
      if (c == 0) edge(c), c += 2;
      for (; c + 1 < m; c += 2) {
        const float f = (((up[c] + row[c - 1]) + row[c + 1]) + down[c]) * 0.25f;
        const float kept = row[c], raised = kept + (f + nrow[c]);
        row[c] = f > 0 ? raised : kept;
      }
      if (c < m) edge(c);
    }
    normalize_minmax(next_grid.data(), m * m);
    grid.swap(next_grid);
    n = m;
  }
  Tensor out = Tensor::empty(DType::F32, {height, width});
  float* o = out.mutable_data<float>();
  const int64_t rows = std::min(height, n), cols = std::min(width, n);
  if (rows != height || cols != width) argument_error("noise.plasma: internal grid smaller than the image");
  for (int64_t r = 0; r < height; ++r) std::memcpy(o + r * width, grid.data() + r * n, static_cast<size_t>(width) * sizeof(float));
  normalize_minmax(o, height * width);
  for (int64_t i = 0; i < height * width; ++i) {
    const float x = o[i];
    o[i] = x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x);
  }
  return out;
}

}  // namespace

Tensor plasma_pattern(int64_t height, int64_t width, double roughness, const Tensor& uniforms) {
  const int64_t needed = plasma_uniform_count(height, width);
  if (uniforms.numel() < needed)
    argument_error("noise.plasma_from_uniforms: needs " + std::to_string(needed) + " uniforms for " +
                   std::to_string(height) + " x " + std::to_string(width) + ", got " + std::to_string(uniforms.numel()));
  Tensor u = uniforms.dtype() == DType::F64 ? uniforms.contiguous() : uniforms.cast(DType::F64).contiguous();
  const double* next = u.data<double>();
  return plasma_from(height, width, roughness, [&](double* out, int64_t k) {
    std::copy_n(next, k, out);
    next += k;
  });
}

Tensor plasma_pattern(int64_t height, int64_t width, double roughness, RandomStream& rng) {
  // one 32-bit word per draw, 24 bits: u is exact in float32, the precision the noise is kept in
  thread_local std::vector<uint32_t> words;
  return plasma_from(height, width, roughness, [&](double* out, int64_t k) {
    words.resize(static_cast<size_t>(k));
    rng.fill_u32(words.data(), static_cast<size_t>(k));
    for (int64_t i = 0; i < k; ++i) out[i] = static_cast<double>(words[static_cast<size_t>(i)] >> 8) * 0x1p-24;
  });
}

namespace {

Tensor pattern_for(const Tensor& image, const Tensor& pattern, const char* op) {
  if (pattern.dtype() != DType::F32 || pattern.numel() != image.shape()[0] * image.shape()[1] ||
      pattern.ndim() < 2 || pattern.shape()[0] != image.shape()[0] || pattern.shape()[1] != image.shape()[1])
    argument_error(std::string(op) + ": the pattern must be f32 H x W of the image's size");
  return pattern.contiguous();
}

}  // namespace

Tensor plasma_shadow(const Tensor& image, const Tensor& pattern, double intensity) {
  Tensor src = u8_image(image, "color.plasma_shadow");
  Tensor p = pattern_for(src, pattern, "color.plasma_shadow");
  const int64_t n = pixel_count(src), c = channel_count(src);
  Tensor out = Tensor::empty(DType::U8, src.shape());
  const uint8_t* s = src.data<uint8_t>();
  const float* pp = p.data<float>();
  uint8_t* d = out.mutable_data<uint8_t>();
  const float fi = static_cast<float>(intensity);
  // A chunk of pixels at a time: each pixel's weight repeated per channel, then one element-wise
  // loop that vectorizes (the channel loop inside the pixel loop did not).
  const int64_t chunk = std::max<int64_t>(1, 4096 / std::max<int64_t>(c, 1));
  std::vector<float> weights(static_cast<size_t>(chunk * c));
  float* w = weights.data();
  for (int64_t i = 0; i < n; i += chunk) {
    const int64_t m = std::min(chunk, n - i);
    for (int64_t j = 0; j < m; ++j) {
      const float wgt = 1.0f - pp[i + j] * fi;
      for (int64_t k = 0; k < c; ++k) w[j * c + k] = wgt;
    }
    scale_truncated(s + i * c, w, d + i * c, m * c);
  }
  return out;
}

Tensor plasma_brightness_contrast(const Tensor& image, const Tensor& pattern, double brightness, double contrast) {
  Tensor src = u8_image(image, "color.plasma_brightness_contrast");
  Tensor p = pattern_for(src, pattern, "color.plasma_brightness_contrast");
  if (brightness == 0 && contrast == 0) return src;
  const int64_t n = pixel_count(src), c = channel_count(src);
  const uint8_t* s = src.data<uint8_t>();
  const float* pp = p.data<float>();
  std::array<float, 256> unit;
  for (int v = 0; v < 256; ++v) unit[static_cast<size_t>(v)] = static_cast<float>(v) / 255.0f;
  const float fb = static_cast<float>(brightness), fc = static_cast<float>(contrast);
  auto clip01 = [](float v) { return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v); };
  // albucore's multiply of a float32 pattern clips the product to [0, 1]: negative factors add
  // 0. With brightness 0 the step is skipped; clip01(x + 0) is x then, so one form serves both.
  auto adjust = [&](float pv) { return brightness != 0 ? clip01(pv * fb) : 0.0f; };
  Tensor out = Tensor::empty(DType::U8, src.shape());
  uint8_t* d = out.mutable_data<uint8_t>();
  if (contrast == 0) {
    for (int64_t i = 0; i < n; ++i) {
      const float add = adjust(pp[i]);
      for (int64_t k = 0; k < c; ++k) d[i * c + k] = rint_unit_u8(clip01(unit[s[i * c + k]] + add));
    }
    return out;
  }
  double total = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float add = adjust(pp[i]);
    float sum = 0;
    for (int64_t k = 0; k < c; ++k) sum += clip01(unit[s[i * c + k]] + add);
    total += sum;
  }
  const float mean = static_cast<float>(total / static_cast<double>(n * c));
  for (int64_t i = 0; i < n; ++i) {
    const float add = adjust(pp[i]);
    const float wgt = clip01(pp[i] * fc) + 1.0f;
    const float shift = mean * (1.0f - wgt);
    for (int64_t k = 0; k < c; ++k) {
      const float x = clip01(clip01(unit[s[i * c + k]] + add) * wgt);
      d[i * c + k] = rint_unit_u8(clip01(x + shift));
    }
  }
  return out;
}

const std::vector<std::string>& image_normalization_names() {
  static const std::vector<std::string> names{"image", "image_per_channel", "min_max", "min_max_per_channel"};
  return names;
}

ImageNormalization image_normalization_from_name(const std::string& name) {
  const auto& n = image_normalization_names();
  auto it = std::find(n.begin(), n.end(), name);
  if (it == n.end()) argument_error("unknown normalization '" + name + "'");
  return static_cast<ImageNormalization>(it - n.begin());
}

Tensor normalize_per_image(const Tensor& image, ImageNormalization mode, bool chw) {
  if (image.ndim() != 2 && image.ndim() != 3) argument_error("color.normalize_per_image takes H x W or H x W x C images");
  if (image.dtype() != DType::U8 && image.dtype() != DType::F32)
    argument_error("color.normalize_per_image takes u8 or f32 images");
  Tensor src = image.contiguous();
  const int64_t n = pixel_count(src), c = channel_count(src);
  if (n == 0) argument_error("color.normalize_per_image: empty image");
  const bool per_channel = c > 1 && (mode == ImageNormalization::ImagePerChannel || mode == ImageNormalization::MinMaxPerChannel);
  const bool minmax = mode == ImageNormalization::MinMax || mode == ImageNormalization::MinMaxPerChannel;
  const int64_t groups = per_channel ? c : 1;
  // per group: out = (x - shift) / divisor, in f64, clipped to [-20, 20]
  std::vector<double> shift(static_cast<size_t>(groups)), divisor(static_cast<size_t>(groups));
  const bool u8 = src.dtype() == DType::U8;
  std::vector<std::array<int64_t, 256>> hist;
  std::vector<double> sum(static_cast<size_t>(c), 0.0), sq(static_cast<size_t>(c), 0.0), lo(static_cast<size_t>(c), INFINITY),
      hi(static_cast<size_t>(c), -INFINITY);
  if (u8 && minmax) {
    // min and max only (no histogram): 48 byte lanes the compiler vectorizes, lane k holding
    // channel k % c (when c divides 48; other channel counts take the plain loop)
    const uint8_t* s = src.data<uint8_t>();
    const int64_t total = n * c;
    const int64_t lanes = (48 % c == 0) ? 48 : c;
    std::array<uint8_t, 48> lo8, hi8;
    lo8.fill(255);
    hi8.fill(0);
    int64_t i = 0;
    if (lanes == 48)
      for (; i + 48 <= total; i += 48)
        for (int k = 0; k < 48; ++k) {
          const uint8_t x = s[i + k];
          lo8[static_cast<size_t>(k)] = x < lo8[static_cast<size_t>(k)] ? x : lo8[static_cast<size_t>(k)];
          hi8[static_cast<size_t>(k)] = x > hi8[static_cast<size_t>(k)] ? x : hi8[static_cast<size_t>(k)];
        }
    for (int64_t k = 0; k < c; ++k) {
      double l = 255, h = 0;
      if (lanes == 48)
        for (int64_t q = k; q < 48; q += c) l = std::min<double>(l, lo8[static_cast<size_t>(q)]), h = std::max<double>(h, hi8[static_cast<size_t>(q)]);
      for (int64_t j = i + k; j < total; j += c) l = std::min<double>(l, s[j]), h = std::max<double>(h, s[j]);
      lo[static_cast<size_t>(k)] = l;
      hi[static_cast<size_t>(k)] = h;
    }
  } else if (u8) {
    hist.assign(static_cast<size_t>(c), std::array<int64_t, 256>{});
    const uint8_t* s = src.data<uint8_t>();
    if (c == 3) {
      auto &h0 = hist[0], &h1 = hist[1], &h2 = hist[2];
      for (int64_t i = 0; i < n; ++i, s += 3) ++h0[s[0]], ++h1[s[1]], ++h2[s[2]];
    } else {
      for (int64_t i = 0; i < n; ++i)
        for (int64_t k = 0; k < c; ++k) ++hist[static_cast<size_t>(k)][*s++];
    }
    for (int64_t k = 0; k < c; ++k)
      for (int v = 0; v < 256; ++v) {
        const int64_t cnt = hist[static_cast<size_t>(k)][static_cast<size_t>(v)];
        if (!cnt) continue;
        sum[static_cast<size_t>(k)] += static_cast<double>(cnt) * v;
        lo[static_cast<size_t>(k)] = std::min<double>(lo[static_cast<size_t>(k)], v);
        hi[static_cast<size_t>(k)] = std::max<double>(hi[static_cast<size_t>(k)], v);
      }
  } else {
    const float* s = src.data<float>();
    for (int64_t i = 0; i < n; ++i)
      for (int64_t k = 0; k < c; ++k) {
        const double v = *s++;
        sum[static_cast<size_t>(k)] += v;
        lo[static_cast<size_t>(k)] = std::min(lo[static_cast<size_t>(k)], v);
        hi[static_cast<size_t>(k)] = std::max(hi[static_cast<size_t>(k)], v);
      }
  }
  for (int64_t g = 0; g < groups; ++g) {
    const int64_t k0 = per_channel ? g : 0, k1 = per_channel ? g + 1 : c;
    const double count = static_cast<double>(n * (k1 - k0));
    double s_ = 0, l = INFINITY, h = -INFINITY;
    for (int64_t k = k0; k < k1; ++k)
      s_ += sum[static_cast<size_t>(k)], l = std::min(l, lo[static_cast<size_t>(k)]), h = std::max(h, hi[static_cast<size_t>(k)]);
    if (minmax) {
      shift[static_cast<size_t>(g)] = l;
      // albumentations: + 1e-4, except cv2.normalize for a global min_max of a float image
      divisor[static_cast<size_t>(g)] = (h - l) + ((u8 || per_channel) ? 1e-4 : 0.0);
      if (divisor[static_cast<size_t>(g)] == 0) divisor[static_cast<size_t>(g)] = INFINITY;  // cv2.normalize: zeros
      continue;
    }
    const double mean = s_ / count;
    double var = 0;
    if (u8) {
      for (int64_t k = k0; k < k1; ++k)
        for (int v = 0; v < 256; ++v) {
          const double dv = v - mean;
          var += static_cast<double>(hist[static_cast<size_t>(k)][static_cast<size_t>(v)]) * dv * dv;
        }
    } else {
      const float* s = src.data<float>();
      for (int64_t i = 0; i < n; ++i)
        for (int64_t k = k0; k < k1; ++k) {
          const double dv = s[i * c + k] - mean;
          var += dv * dv;
        }
    }
    shift[static_cast<size_t>(g)] = mean;
    // albumentations: + 1e-4, except cv2.meanStdDev's per-channel std of a float image
    divisor[static_cast<size_t>(g)] = std::sqrt(var / count) + ((u8 || !per_channel) ? 1e-4 : 0.0);
  }
  const bool rank3 = src.ndim() == 3;
  Shape shape = src.shape();
  if (chw && rank3) shape = {c, src.shape()[0], src.shape()[1]};
  Tensor out = Tensor::empty(DType::F32, shape);
  float* o = out.mutable_data<float>();
  auto map = [&](double x, int64_t k) {
    const size_t g = static_cast<size_t>(per_channel ? k : 0);
    const double y = (x - shift[g]) / divisor[g];
    return static_cast<float>(std::min(std::max(y, -20.0), 20.0));
  };
  const int64_t plane_stride = (chw && rank3) ? 1 : c;   // output stride between pixels
  const int64_t chan_stride = (chw && rank3) ? n : 1;     // output stride between channels
  if (u8) {
    std::vector<std::array<float, 256>> tables(static_cast<size_t>(c));
    for (int64_t k = 0; k < c; ++k)
      for (int v = 0; v < 256; ++v) tables[static_cast<size_t>(k)][static_cast<size_t>(v)] = map(v, k);
    const uint8_t* s = src.data<uint8_t>();
    for (int64_t i = 0; i < n; ++i)
      for (int64_t k = 0; k < c; ++k) o[i * plane_stride + k * chan_stride] = tables[static_cast<size_t>(k)][s[i * c + k]];
  } else {
    const float* s = src.data<float>();
    for (int64_t i = 0; i < n; ++i)
      for (int64_t k = 0; k < c; ++k) o[i * plane_stride + k * chan_stride] = map(s[i * c + k], k);
  }
  return out;
}

}  // namespace pxp::kernels
