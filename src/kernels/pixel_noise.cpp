#include "kernels/pixel_noise.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "kernels/cv_resize.hpp"
#include "kernels/distributions.hpp"
#include "kernels/image_dtype.hpp"
#include "kernels/ziggurat.hpp"

namespace pxp::kernels {

namespace {

constexpr float kWord = 1.0f / 16777216.0f;  // 2^-24: a 24-bit uniform from the top of a word


int64_t channels_of(const Tensor& image) { return image.ndim() == 3 ? image.dim(2) : 1; }

// The words of out's values, in place (out's floats hold the words until converted).
inline uint32_t word_at(const std::vector<float>& v, size_t i) {
  uint32_t w;
  std::memcpy(&w, &v[i], sizeof w);
  return w;
}

// Fills `out` with n = scale * X in memory order (see NoiseField): first one word per value, then
// (gaussian, laplace) the value's own function of it, the rare rejected gaussian words drawing
// more words in order; beta draws its gammas from the stream value by value.
void draw_noise(std::vector<float>& out, const NoiseField& f, RandomStream& rng) {
  const float a = static_cast<float>(f.a), b = static_cast<float>(f.b), s = static_cast<float>(f.scale);
  const size_t n = out.size();
  if (f.distribution == NoiseDistribution::Beta) {
    for (size_t i = 0; i < n; ++i) out[i] = s * static_cast<float>(2.0 * beta_variate(rng, f.a, f.b) - 1.0);
    return;
  }
  static_assert(sizeof(float) == sizeof(uint32_t), "words are stored in the float buffer");
  rng.fill_u32(reinterpret_cast<uint32_t*>(out.data()), n);
  switch (f.distribution) {
    case NoiseDistribution::Uniform: {
      const float lo = s * a, span = s * (b - a);
      for (size_t i = 0; i < n; ++i) out[i] = lo + span * (static_cast<float>(word_at(out, i) >> 8) * kWord);
      break;
    }
    case NoiseDistribution::Gaussian: {
      const float mean = s * a, sd = s * b;
      standard_normals_from_words(out.data(), n, rng);   // the words drawn above
      for (size_t i = 0; i < n; ++i) out[i] = mean + sd * out[i];
      break;
    }
    case NoiseDistribution::Laplace:
      for (size_t i = 0; i < n; ++i) {
        const float u = (static_cast<float>(word_at(out, i) >> 8) + 0.5f) * kWord - 0.5f;
        const float x = u < 0 ? std::log(1.0f + 2.0f * u) : -std::log(1.0f - 2.0f * u);
        out[i] = s * (a + b * x);
      }
      break;
    case NoiseDistribution::Beta:
      break;
  }
}

void check_field(const NoiseField& f) {
  if (!(std::isfinite(f.a) && std::isfinite(f.b) && std::isfinite(f.scale)))
    range_error("noise.additive: parameters must be finite");
  if (!(f.resolution > 0.0 && f.resolution <= 1.0)) range_error("noise.additive: resolution must be in (0, 1]");
  switch (f.distribution) {
    case NoiseDistribution::Uniform:
      if (f.b < f.a) range_error("noise.additive: uniform needs a <= b");
      break;
    case NoiseDistribution::Gaussian:
    case NoiseDistribution::Laplace:
      if (f.b < 0) range_error("noise.additive: the spread b must be >= 0");
      break;
    case NoiseDistribution::Beta:
      if (!(f.a > 0 && f.b > 0)) range_error("noise.additive: beta needs a > 0 and b > 0");
      break;
  }
}

// The noise of one image, H x W x (shared ? 1 : C) floats, drawn and (resolution < 1) resized.
std::vector<float> noise_map(const Tensor& image, const NoiseField& f, RandomStream& rng) {
  const int64_t h = image.dim(0), w = image.dim(1), c = f.shared ? 1 : channels_of(image);
  if (f.resolution >= 1.0) {
    std::vector<float> noise(static_cast<size_t>(h * w * c));
    draw_noise(noise, f, rng);
    return noise;
  }
  const int64_t rh = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(h) * f.resolution));
  const int64_t rw = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(w) * f.resolution));
  if (c > CV_CN_MAX) range_error("noise.additive: at most 512 channels with resolution < 1");
  std::vector<float> small(static_cast<size_t>(rh * rw * c));
  draw_noise(small, f, rng);
  std::vector<float> noise(static_cast<size_t>(h * w * c));
  if (h == 0 || w == 0) return noise;
  const int type = CV_32FC(static_cast<int>(c));
  cv::Mat src(static_cast<int>(rh), static_cast<int>(rw), type, small.data());
  cv::Mat dst(static_cast<int>(h), static_cast<int>(w), type, noise.data());
  resize_to(src, dst, dst.size(), cv::INTER_LINEAR);
  return noise;
}

// out[i] = combine(src[i], noise[i or pixel]) over the image.
template <typename T, typename F> Tensor combine(const Tensor& image, const std::vector<float>& noise, bool shared,
                                                 F&& fn) {
  Tensor out = Tensor::empty(image.dtype(), image.shape());
  const T* src = image.data<T>();
  T* dst = out.mutable_data<T>();
  const int64_t c = channels_of(image), pixels = image.numel() / std::max<int64_t>(c, 1);
  if (!shared || c == 1) {
    const int64_t n = image.numel();
    for (int64_t i = 0; i < n; ++i) dst[i] = fn(src[i], noise[static_cast<size_t>(i)]);
  } else {
    for (int64_t p = 0; p < pixels; ++p) {
      const float v = noise[static_cast<size_t>(p)];
      for (int64_t k = 0; k < c; ++k) dst[p * c + k] = fn(src[p * c + k], v);
    }
  }
  return out;
}

}  // namespace

Tensor add_noise_field(const Tensor& image, const NoiseField& field, RandomStream& rng) {
  check_field(field);
  std::vector<float> noise = noise_map(image, field, rng);
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      return combine<T>(image, noise, field.shared, [](T x, float n) {
        const float v = x + n;
        return v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
      });
    } else {
      constexpr float hi = static_cast<float>(pixel_max<T>());
      return combine<T>(image, noise, field.shared, [](T x, float n) {
        // trunc(n) toward zero, then the saturated sum (n limited first: no overflow in the cast).
        const int32_t t = static_cast<int32_t>(std::max(-1e6f, std::min(1e6f, n)));
        const int32_t v = static_cast<int32_t>(x) + t;
        return static_cast<T>(v < 0 ? 0 : (v > static_cast<int32_t>(hi) ? static_cast<int32_t>(hi) : v));
      });
    }
  });
}

Tensor multiply_noise_field(const Tensor& image, double low, double high, bool shared, RandomStream& rng) {
  if (!(std::isfinite(low) && std::isfinite(high) && low <= high))
    range_error("noise.multiplicative: need finite low <= high");
  NoiseField f;
  f.distribution = NoiseDistribution::Uniform;
  f.a = low;
  f.b = high;
  f.shared = shared;
  std::vector<float> noise = noise_map(image, f, rng);
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    constexpr float hi = static_cast<float>(pixel_max<T>());
    return combine<T>(image, noise, shared, [](T x, float m) {
      const float v = static_cast<float>(x) * m;
      const float c = v > 0.0f ? (v < hi ? v : hi) : 0.0f;
      return static_cast<T>(c);  // integers: truncated, as numpy's astype
    });
  });
}

namespace {
// log(k!) without std::lgamma (which writes the global signgam: a data race across worker
// threads): a table below 256, Stirling's series above (error below 1e-13 there).
double log_factorial(double k) {
  static const std::vector<double> table = [] {
    std::vector<double> t(256, 0.0);
    for (size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] + std::log(static_cast<double>(i));
    return t;
  }();
  if (k < 256) return table[static_cast<size_t>(k)];
  const double x = k + 1.0;
  return (x - 0.5) * std::log(x) - x + 0.91893853320467274178 + 1.0 / (12.0 * x) - 1.0 / (360.0 * x * x * x);
}
}  // namespace

int64_t poisson_variate(RandomStream& rng, double lambda) {
  if (!(lambda > 0.0)) return 0;
  // Beyond 2^40 the spread (2^20) is below the resolution of any image; this also bounds the
  // rejection loop's arithmetic (an infinite rate would never be accepted).
  if (lambda > 1099511627776.0) return static_cast<int64_t>(std::min(lambda, 9.0e18));
  if (lambda < 10.0) {
    // Inversion by sequential search: one uniform, walk the cumulative distribution.
    double u = rng.uniform01();
    double p = std::exp(-lambda), cdf = p;
    int64_t k = 0;
    while (u > cdf && k < 1000) {
      ++k;
      p *= lambda / static_cast<double>(k);
      cdf += p;
    }
    return k;
  }
  // Hoermann (1993), transformed rejection with squeeze (PTRS).
  const double slam = std::sqrt(lambda), loglam = std::log(lambda);
  const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = rng.uniform01() - 0.5, v = rng.uniform01();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<int64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <= -lambda + k * loglam - log_factorial(k))
      return static_cast<int64_t>(k);
  }
}

namespace {
// The cumulative Poisson(lambda) probabilities that inversion walks (lambda < 10), built by the same
// recurrence as poisson_variate's search, up to where the sum stops changing (the search would then
// run on to its cap of 1000, which draw_count returns).
std::vector<double> poisson_cdf(double lambda) {
  std::vector<double> cdf;
  double p = std::exp(-lambda), c = p;
  cdf.push_back(c);
  for (int64_t k = 1; k <= 1000; ++k) {
    p *= lambda / static_cast<double>(k);
    const double next = c + p;
    if (next == c && static_cast<double>(k) > lambda) break;
    c = next;
    cdf.push_back(c);
  }
  return cdf;
}

inline int64_t draw_count(const std::vector<double>& cdf, double u) {
  size_t k = 0;
  while (k < cdf.size() && u > cdf[k]) ++k;
  return k == cdf.size() ? 1000 : static_cast<int64_t>(k);
}

// One Poisson(lambda) count per value, in order: below 10 by inversion with 53-bit uniforms from
// bulk words (two per value, as uniform01), else poisson_variate value by value.
void poisson_fill(std::vector<float>& out, double lambda, RandomStream& rng) {
  if (!(lambda > 0.0 && lambda < 10.0)) {
    for (float& v : out) v = static_cast<float>(poisson_variate(rng, lambda));
    return;
  }
  const std::vector<double> cdf = poisson_cdf(lambda);
  std::vector<uint32_t> words(2 * out.size());
  rng.fill_u32(words.data(), words.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const uint64_t word = (static_cast<uint64_t>(words[2 * i]) << 32) | words[2 * i + 1];
    out[i] = static_cast<float>(draw_count(cdf, static_cast<double>(word >> 11) * 0x1.0p-53));
  }
}
}  // namespace

Tensor shot_noise(const Tensor& image, double scale, RandomStream& rng) {
  if (!(std::isfinite(scale) && scale >= 1e-9)) range_error("noise.shot: scale must be finite and >= 1e-9");
  if (image.dtype() != DType::U8 && image.dtype() != DType::F32)
    type_error("noise.shot: the image must be u8 or f32");
  const float s = static_cast<float>(scale), offset = s * 1e-6f;
  const float gamma = 2.2f, inv_gamma = static_cast<float>(1.0 / 2.2);
  Tensor out = Tensor::empty(image.dtype(), image.shape());
  const int64_t n = image.numel();
  auto lambda_of = [&](float v) { return static_cast<double>((std::pow(v, gamma) + offset) / s); };
  auto value_of = [&](int64_t k) { return std::pow(std::min(static_cast<float>(k) * s, 1.0f), inv_gamma); };
  if (image.dtype() == DType::F32) {
    const float* src = image.data<float>();
    float* dst = out.mutable_data<float>();
    for (int64_t i = 0; i < n; ++i) dst[i] = value_of(poisson_variate(rng, lambda_of(std::max(src[i], 0.0f))));
    return out;
  }
  // u8: the rate of each of the 256 values, and the output of each count up to the one that saturates.
  double rate[256];
  for (int v = 0; v < 256; ++v) rate[v] = lambda_of(static_cast<float>(v) / 255.0f);
  const double saturating = std::ceil(1.0 / scale);
  const int64_t table_size = saturating < (1 << 20) ? static_cast<int64_t>(saturating) + 1 : 0;
  auto to_u8 = [&](int64_t k) { return cv::saturate_cast<uint8_t>(std::nearbyint(value_of(k) * 255.0f)); };
  std::vector<uint8_t> level(static_cast<size_t>(table_size));
  for (int64_t k = 0; k < table_size; ++k) level[static_cast<size_t>(k)] = to_u8(k);
  const uint8_t* src = image.data<uint8_t>();
  uint8_t* dst = out.mutable_data<uint8_t>();
  // The inversion tables of the rates below 10, built when a value first needs one (the same counts
  // as poisson_variate, without its exp per value).
  std::vector<std::vector<double>> cdfs(256);
  for (int64_t i = 0; i < n; ++i) {
    const double r = rate[src[i]];
    int64_t k;
    if (r > 0.0 && r < 10.0) {
      std::vector<double>& cdf = cdfs[src[i]];
      if (cdf.empty()) cdf = poisson_cdf(r);
      k = draw_count(cdf, rng.uniform01());
    } else {
      k = poisson_variate(rng, r);
    }
    dst[i] = table_size == 0 ? to_u8(k) : (k < table_size ? level[static_cast<size_t>(k)] : uint8_t{255});
  }
  return out;
}

Tensor iso_noise(const Tensor& image, double color_shift, double intensity, RandomStream& rng) {
  if (!(std::isfinite(color_shift) && std::isfinite(intensity) && color_shift >= 0 && intensity >= 0))
    range_error("noise.iso: color_shift and intensity must be finite and >= 0");
  if (image.ndim() != 3 || image.dim(2) != 3) type_error("noise.iso: the image must be RGB (H x W x 3)");
  if (image.dtype() != DType::U8 && image.dtype() != DType::F32) type_error("noise.iso: the image must be u8 or f32");
  const int h = static_cast<int>(image.dim(0)), w = static_cast<int>(image.dim(1));
  Tensor out = Tensor::empty(image.dtype(), image.shape());
  if (h == 0 || w == 0) return out;
  cv::Mat rgb;
  if (image.dtype() == DType::U8)
    cv::Mat(h, w, CV_8UC3, const_cast<uint8_t*>(image.bytes())).convertTo(rgb, CV_32FC3, 1.0 / 255.0);
  else
    rgb = cv::Mat(h, w, CV_32FC3, const_cast<uint8_t*>(image.bytes()));
  cv::Mat hls;
  cv::cvtColor(rgb, hls, cv::COLOR_RGB2HLS);
  cv::Scalar mean, stddev;
  cv::meanStdDev(hls, mean, stddev);
  const double rate = stddev[1] * intensity;
  const float sd = static_cast<float>(color_shift * intensity), gain = static_cast<float>(intensity);
  const int64_t pixels = static_cast<int64_t>(h) * w;
  // Draws: the Poisson count of every pixel first, then the hue normal of every pixel (bulk words).
  std::vector<float> counts(static_cast<size_t>(pixels));
  poisson_fill(counts, rate, rng);
  std::vector<float> hue(static_cast<size_t>(pixels));
  NoiseField normal;  // standard normal, times sd below
  draw_noise(hue, normal, rng);
  float* p = hls.ptr<float>();
  for (int64_t i = 0; i < pixels; ++i, p += 3) {
    p[0] += sd * hue[static_cast<size_t>(i)];
    const float l = p[1] + counts[static_cast<size_t>(i)] * gain * (1.0f - p[1]);
    p[1] = l > 0.0f ? (l < 1.0f ? l : 1.0f) : 0.0f;
  }
  cv::Mat noised;
  cv::cvtColor(hls, noised, cv::COLOR_HLS2RGB);
  if (image.dtype() == DType::F32) {
    cv::Mat dst(h, w, CV_32FC3, out.mutable_bytes());
    cv::min(cv::max(noised, 0.0), 1.0, dst);
  } else {
    uint8_t* dst = out.mutable_data<uint8_t>();
    const float* q = noised.ptr<float>();
    for (int64_t i = 0; i < pixels * 3; ++i) {
      const float v = std::min(std::max(q[i], 0.0f), 1.0f);
      dst[i] = cv::saturate_cast<uint8_t>(v * 255.0f);  // cvRound: to nearest, ties to even (np.rint)
    }
  }
  return out;
}

namespace {

// Marks m of the n cells of `mark` that are 0 (all of them 0 on entry) with `value`: a uniformly
// random subset; rejection of repeated below(n) draws when m <= n / 2, else the n - m cells left
// unmarked are the drawn ones. Returns the marked indices in increasing order.
std::vector<int64_t> choose_subset(int64_t m, int64_t n, RandomStream& rng) {
  std::vector<uint8_t> taken(static_cast<size_t>(n), 0);
  const bool complement = m > n / 2;
  const int64_t draws = complement ? n - m : m;
  for (int64_t got = 0; got < draws;) {
    const uint64_t i = rng.below(static_cast<uint64_t>(n));
    if (taken[i]) continue;
    taken[i] = 1;
    ++got;
  }
  std::vector<int64_t> chosen;
  chosen.reserve(static_cast<size_t>(m));
  for (int64_t i = 0; i < n; ++i)
    if (static_cast<bool>(taken[static_cast<size_t>(i)]) != complement) chosen.push_back(i);
  return chosen;
}

}  // namespace

Tensor salt_and_pepper_exact(const Tensor& image, double amount, double salt_ratio, RandomStream& rng) {
  if (!(amount >= 0.0 && amount <= 1.0 && salt_ratio >= 0.0 && salt_ratio <= 1.0))
    range_error("noise.salt_and_pepper_exact: amount and salt_ratio must be in [0, 1]");
  const int64_t c = channels_of(image), area = image.ndim() >= 2 ? image.dim(0) * image.dim(1) : 0;
  const int64_t k = static_cast<int64_t>(static_cast<double>(area) * amount);
  const int64_t salt = static_cast<int64_t>(static_cast<double>(k) * salt_ratio);
  const std::vector<int64_t> corrupted = choose_subset(k, area, rng);
  std::vector<uint8_t> is_salt(static_cast<size_t>(k), 0);
  for (int64_t i : choose_subset(salt, k, rng)) is_salt[static_cast<size_t>(i)] = 1;
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    Tensor out = Tensor::empty(image.dtype(), image.shape());
    std::memcpy(out.mutable_bytes(), image.bytes(), image.nbytes());
    T* dst = out.mutable_data<T>();
    const T hi = static_cast<T>(pixel_max<T>());
    for (size_t j = 0; j < corrupted.size(); ++j)
      std::fill(dst + corrupted[j] * c, dst + (corrupted[j] + 1) * c, is_salt[j] ? hi : T(0));
    return out;
  });
}

}  // namespace pxp::kernels
