#include "kernels/domain.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "kernels/cv_bridge.hpp"
#include "kernels/cv_resize.hpp"

namespace pxp::kernels {

namespace {

ImageShape u8_image(const Tensor& image, const char* what) {
  if (image.dtype() != DType::U8) argument_error(std::string(what) + " must be u8");
  ImageShape s = image_shape(image, what);
  if (s.height < 1 || s.width < 1) argument_error(std::string(what) + " is empty");
  return s;
}

// An output tensor with the image's shape (rank kept).
Tensor like(const Tensor& image) { return Tensor::empty(DType::U8, image.shape()); }

uint8_t trunc_u8(double v) { return static_cast<uint8_t>(v <= 0 ? 0 : (v >= 255 ? 255 : v)); }

std::vector<std::array<int64_t, 256>> histograms(const uint8_t* p, int64_t pixels, int64_t channels) {
  std::vector<std::array<int64_t, 256>> h(static_cast<size_t>(channels));
  for (auto& a : h) a.fill(0);
  for (int64_t i = 0; i < pixels; ++i)
    for (int64_t c = 0; c < channels; ++c) ++h[static_cast<size_t>(c)][p[i * channels + c]];
  return h;
}

// numpy's interp(x, xp, fp) for increasing xp.
double np_interp(double x, const std::vector<double>& xp, const std::vector<double>& fp) {
  const size_t n = xp.size();
  if (x < xp[0]) return fp[0];
  if (x > xp[n - 1]) return fp[n - 1];
  size_t j = static_cast<size_t>(std::upper_bound(xp.begin(), xp.end(), x) - xp.begin()) - 1;
  if (j == n - 1 || xp[j] == x) return fp[j];
  const double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
  return slope * (x - xp[j]) + fp[j];
}

}  // namespace

Tensor histogram_match(const Tensor& image, const Tensor& reference, double blend) {
  ImageShape s = u8_image(image, "image"), r = u8_image(reference, "reference");
  if (s.channels != r.channels) argument_error("histogram matching: the reference must have the image's channels");
  const int64_t n = s.height * s.width, m = r.height * r.width, C = s.channels;
  auto hs = histograms(image.data<uint8_t>(), n, C), hr = histograms(reference.data<uint8_t>(), m, C);
  std::vector<std::array<uint8_t, 256>> lut(static_cast<size_t>(C));
  const float a = static_cast<float>(blend), b = static_cast<float>(1.0 - blend);
  for (int64_t c = 0; c < C; ++c) {
    std::vector<double> xp, fp;
    int64_t sum = 0;
    for (int v = 0; v < 256; ++v) {
      if (hr[c][v] == 0) continue;
      sum += hr[c][v];
      xp.push_back(static_cast<double>(sum) / static_cast<double>(m));
      fp.push_back(v);
    }
    sum = 0;
    for (int v = 0; v < 256; ++v) {
      sum += hs[c][v];
      const double q = static_cast<double>(sum) / static_cast<double>(n);
      const float matched = static_cast<float>(static_cast<uint8_t>(np_interp(q, xp, fp)));
      const float mixed = a * matched + b * static_cast<float>(v);
      lut[c][v] = cv::saturate_cast<uint8_t>(std::nearbyint(mixed));
    }
  }
  Tensor out = like(image);
  const uint8_t* src = image.data<uint8_t>();
  uint8_t* dst = out.mutable_data<uint8_t>();
  if (C == 3) {
    for (int64_t i = 0; i < n; ++i) {
      dst[3 * i] = lut[0][src[3 * i]];
      dst[3 * i + 1] = lut[1][src[3 * i + 1]];
      dst[3 * i + 2] = lut[2][src[3 * i + 2]];
    }
  } else {
    for (int64_t i = 0; i < n; ++i)
      for (int64_t c = 0; c < C; ++c) dst[i * C + c] = lut[c][src[i * C + c]];
  }
  return out;
}

Tensor fourier_domain_adaptation(const Tensor& image, const Tensor& target, double beta) {
  ImageShape s = u8_image(image, "image"), t = u8_image(target, "target");
  if (s.height != t.height || s.width != t.width || s.channels != t.channels)
    argument_error("fourier domain adaptation: the target must have the image's size and channels");
  const int H = static_cast<int>(s.height), W = static_cast<int>(s.width), C = static_cast<int>(s.channels);
  const int border = static_cast<int>(std::floor(std::min(H, W) * beta));
  const double cy = H / 2.0 - 0.5, cx = W / 2.0 - 0.5;
  const int h1 = std::max(0, static_cast<int>(cy - border)), h2 = std::min(static_cast<int>(cy + border), H);
  const int w1 = std::max(0, static_cast<int>(cx - border)), w2 = std::min(static_cast<int>(cx + border), W);
  cv::Mat src = as_mat(image), trg = as_mat(target);
  Tensor out = like(image);
  cv::Mat dst = as_mat(out);
  cv::Mat plane, fs, ft, back;
  for (int c = 0; c < C; ++c) {
    cv::extractChannel(src, plane, c);
    plane.convertTo(plane, CV_64F);
    cv::dft(plane, fs, cv::DFT_COMPLEX_OUTPUT);
    if (h2 > h1 && w2 > w1) {
      cv::extractChannel(trg, plane, c);
      plane.convertTo(plane, CV_64F);
      cv::dft(plane, ft, cv::DFT_COMPLEX_OUTPUT);
      for (int i = h1; i < h2; ++i) {
        // shifted row i holds frequency row (i - H / 2) mod H
        const int u = ((i - H / 2) % H + H) % H;
        auto* fr = fs.ptr<cv::Vec2d>(u);
        const auto* tr = ft.ptr<cv::Vec2d>(u);
        for (int j = w1; j < w2; ++j) {
          const int v = ((j - W / 2) % W + W) % W;
          const double amp_t = std::hypot(tr[v][0], tr[v][1]);
          const double phase = std::atan2(fr[v][1], fr[v][0]);
          fr[v] = cv::Vec2d(amp_t * std::cos(phase), amp_t * std::sin(phase));
        }
      }
    }
    cv::dft(fs, back, cv::DFT_INVERSE | cv::DFT_SCALE | cv::DFT_COMPLEX_OUTPUT);
    for (int y = 0; y < H; ++y) {
      const auto* b = back.ptr<cv::Vec2d>(y);
      uint8_t* d = dst.ptr<uint8_t>(y) + c;
      for (int x = 0; x < W; ++x) d[x * C] = trunc_u8(static_cast<float>(b[x][0]));
    }
  }
  return out;
}

namespace {

struct Moments {
  std::vector<double> mean, cov, lo, hi;  // cov: C x C, population
};

Moments moments(const Tensor& image, int64_t C, bool covariance) {
  const int64_t n = image.numel() / C;
  const uint8_t* p = image.data<uint8_t>();
  std::vector<int64_t> sum(C, 0), sq(C * C, 0);
  std::vector<int> lo(C, 255), hi(C, 0);
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* px = p + i * C;
    for (int64_t a = 0; a < C; ++a) {
      sum[a] += px[a];
      lo[a] = std::min<int>(lo[a], px[a]);
      hi[a] = std::max<int>(hi[a], px[a]);
      if (covariance) {
        for (int64_t b = a; b < C; ++b) sq[a * C + b] += static_cast<int64_t>(px[a]) * px[b];
      } else {
        sq[a * C + a] += static_cast<int64_t>(px[a]) * px[a];
      }
    }
  }
  Moments m;
  const double N = static_cast<double>(n);
  m.mean.resize(C);
  m.cov.assign(C * C, 0.0);
  for (int64_t a = 0; a < C; ++a) {
    m.mean[a] = sum[a] / N / 255.0;
    m.lo.push_back(lo[a] / 255.0);
    m.hi.push_back(hi[a] / 255.0);
  }
  for (int64_t a = 0; a < C; ++a)
    for (int64_t b = a; b < C; ++b) {
      if (!covariance && a != b) continue;
      // exact integer moments, then scaled to [0, 1] units
      const double v = (static_cast<double>(sq[a * C + b]) - static_cast<double>(sum[a]) * sum[b] / N) / N / 65025.0;
      m.cov[a * C + b] = m.cov[b * C + a] = v;
    }
  return m;
}

// Eigenvector signs are arbitrary, and OpenCV's differ between versions (4.6 and 4.10 return some
// rows of the same matrix negated): each row is turned so that its largest-magnitude entry is
// positive, a convention that depends on the data only.
void canonical_signs(cv::Mat& vectors) {
  for (int r = 0; r < vectors.rows; ++r) {
    double* v = vectors.ptr<double>(r);
    int big = 0;
    for (int c = 1; c < vectors.cols; ++c)
      if (std::fabs(v[c]) > std::fabs(v[big])) big = c;
    if (v[big] < 0)
      for (int c = 0; c < vectors.cols; ++c) v[c] = -v[c];
  }
}

// Rows: the covariance's eigenvectors, eigenvalues descending (cv::PCA's components).
cv::Mat components(const Moments& m, int C) {
  cv::Mat cov(C, C, CV_64F, const_cast<double*>(m.cov.data())), values, vectors;
  cv::eigen(cov, values, vectors);
  canonical_signs(vectors);
  return vectors;
}

}  // namespace

Tensor pixel_distribution_adaptation(const Tensor& image, const Tensor& reference, double blend, int type) {
  ImageShape s = u8_image(image, "image"), r = u8_image(reference, "reference");
  if (s.channels != r.channels)
    argument_error("pixel distribution adaptation: the reference must have the image's channels");
  const int C = static_cast<int>(s.channels);
  Moments ms = moments(image, C, type == 0), mt = moments(reference, C, type == 0);
  // adapted(x) = A x + b on [0, 1] values
  cv::Mat A = cv::Mat::zeros(C, C, CV_64F);
  std::vector<double> b(C, 0.0);
  if (type == 0) {
    cv::Mat es = components(ms, C), et = components(mt, C);
    // np.sign of the traces differs: the reference's components are negated (albumentations)
    auto sign = [](double v) { return v > 0 ? 1 : (v < 0 ? -1 : 0); };
    if (sign(cv::trace(es)[0]) != sign(cv::trace(et)[0])) et = -et;
    A = et.t() * es;
    for (int i = 0; i < C; ++i) {
      b[i] = mt.mean[i];
      for (int j = 0; j < C; ++j) b[i] -= A.at<double>(i, j) * ms.mean[j];
    }
  } else {
    for (int i = 0; i < C; ++i) {
      double gs, gt, os, ot;
      if (type == 1) {
        gs = std::sqrt(ms.cov[i * C + i]);
        gt = std::sqrt(mt.cov[i * C + i]);
        os = ms.mean[i];
        ot = mt.mean[i];
      } else {
        gs = ms.hi[i] - ms.lo[i];
        gt = mt.hi[i] - mt.lo[i];
        os = ms.lo[i];
        ot = mt.lo[i];
      }
      if (gs == 0) gs = 1;
      if (gt == 0) gt = 1;
      A.at<double>(i, i) = gt / gs;
      b[i] = ot - gt / gs * os;
    }
  }
  const int64_t n = s.height * s.width;
  Tensor out = like(image);
  const uint8_t* src = image.data<uint8_t>();
  uint8_t* dst = out.mutable_data<uint8_t>();
  const float w = static_cast<float>(blend), keep = static_cast<float>(1.0 - blend);
  if (type != 0) {
    // diagonal: one table per channel
    std::vector<std::array<uint8_t, 256>> lut(C);
    for (int c = 0; c < C; ++c)
      for (int v = 0; v < 256; ++v) {
        double t = A.at<double>(c, c) * (v / 255.0) + b[c];
        t = std::min(1.0, std::max(0.0, t)) * 255.0;
        lut[c][v] = trunc_u8(static_cast<float>(v) * keep + static_cast<float>(t) * w);
      }
    for (int64_t i = 0; i < n; ++i)
      for (int c = 0; c < C; ++c) dst[i * C + c] = lut[c][src[i * C + c]];
    return out;
  }
  // full matrix: A / 255 applied to u8 values, with the blend folded in
  std::vector<float> Af(C * C), bf(C);
  for (int i = 0; i < C; ++i) {
    bf[i] = static_cast<float>(b[i]);
    for (int j = 0; j < C; ++j) Af[i * C + j] = static_cast<float>(A.at<double>(i, j) / 255.0);
  }
  for (int64_t k = 0; k < n; ++k) {
    const uint8_t* px = src + k * C;
    for (int i = 0; i < C; ++i) {
      float t = bf[i];
      for (int j = 0; j < C; ++j) t += Af[i * C + j] * px[j];
      t = std::min(1.0f, std::max(0.0f, t)) * 255.0f;
      dst[k * C + i] = trunc_u8(static_cast<float>(px[i]) * keep + t * w);
    }
  }
  return out;
}

namespace {

std::array<float, 256> optical_density_table() {
  std::array<float, 256> od{};
  for (int v = 0; v < 256; ++v) od[v] = -std::log(std::max(static_cast<float>(v) / 255.0f, 1e-6f));
  return od;
}

}  // namespace

Tensor he_stain(const Tensor& image, const std::array<double, 6>& S, const std::array<double, 2>& scale,
                const std::array<double, 2>& shift, bool augment_background) {
  ImageShape s = u8_image(image, "image");
  if (s.channels != 3) argument_error("HE stain augmentation needs an RGB image");
  static const std::array<float, 256> od = optical_density_table();
  // M = (S S^T + 1e-6 I)^-1 S, 2 x 3
  double g00 = S[0] * S[0] + S[1] * S[1] + S[2] * S[2] + 1e-6, g11 = S[3] * S[3] + S[4] * S[4] + S[5] * S[5] + 1e-6;
  double g01 = S[0] * S[3] + S[1] * S[4] + S[2] * S[5];
  double det = g00 * g11 - g01 * g01;
  double i00 = g11 / det, i01 = -g01 / det, i11 = g00 / det;
  float M[6];
  for (int k = 0; k < 3; ++k) {
    M[k] = static_cast<float>(i00 * S[k] + i01 * S[3 + k]);
    M[3 + k] = static_cast<float>(i01 * S[k] + i11 * S[3 + k]);
  }
  float Sf[6];
  for (int k = 0; k < 6; ++k) Sf[k] = static_cast<float>(S[k]);
  const float a0 = static_cast<float>(scale[0]), a1 = static_cast<float>(scale[1]);
  const float b0 = static_cast<float>(shift[0]), b1 = static_cast<float>(shift[1]);
  const int64_t n = s.height * s.width;
  Tensor out = like(image);
  const uint8_t* src = image.data<uint8_t>();
  uint8_t* dst = out.mutable_data<uint8_t>();
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* px = src + 3 * i;
    const float o0 = od[px[0]], o1 = od[px[1]], o2 = od[px[2]];
    float c0 = M[0] * o0 + M[1] * o1 + M[2] * o2;
    float c1 = M[3] * o0 + M[4] * o1 + M[5] * o2;
    // albumentations' tissue test on f32 values in [0, 1]
    const float luma = px[0] / 255.0f * 0.299f + px[1] / 255.0f * 0.587f + px[2] / 255.0f * 0.114f;
    if (augment_background || luma < 0.85f) {
      c0 = c0 * a0 + b0;
      c1 = c1 * a1 + b1;
    }
    for (int k = 0; k < 3; ++k) {
      const float v = 255.0f * std::exp(-(c0 * Sf[k] + c1 * Sf[3 + k]));
      dst[3 * i + k] = cv::saturate_cast<uint8_t>(std::nearbyint(v));
    }
  }
  return out;
}

Tensor macenko_stain_matrix(const Tensor& image, double angular_percentile) {
  ImageShape s = u8_image(image, "image");
  if (s.channels != 3) argument_error("the Macenko stain estimate needs an RGB image");
  static const std::array<float, 256> od = optical_density_table();
  const int64_t n = s.height * s.width;
  const uint8_t* src = image.data<uint8_t>();
  std::vector<float> tissue;
  tissue.reserve(static_cast<size_t>(3 * n));
  for (int64_t i = 0; i < n; ++i) {
    const float o0 = od[src[3 * i]], o1 = od[src[3 * i + 1]], o2 = od[src[3 * i + 2]];
    if (o0 > 0.05f || o1 > 0.05f || o2 > 0.05f) {
      tissue.push_back(o0);
      tissue.push_back(o1);
      tissue.push_back(o2);
    }
  }
  const int rows = static_cast<int>(tissue.size() / 3);
  if (rows < 1) argument_error("the Macenko stain estimate found no tissue pixels (optical density > 0.05)");
  cv::Mat data(rows, 3, CV_32F, tissue.data()), covar, mean, values, vectors;
  cv::calcCovarMatrix(data, covar, mean, cv::COVAR_NORMAL | cv::COVAR_ROWS | cv::COVAR_SCALE);
  cv::eigen(covar, values, vectors);
  canonical_signs(vectors);
  // albumentations takes columns [1, 0] of the row-eigenvector matrix (argsort of the descending
  // eigenvalues, the last two)
  std::vector<int> order(3);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return values.at<double>(a) < values.at<double>(b); });
  float P[3][2];
  for (int r = 0; r < 3; ++r)
    for (int k = 0; k < 2; ++k) {
      float v = static_cast<float>(vectors.at<double>(r, order[1 + k]));
      if (std::fabs(v) < 1e-8f) v = v < 0 ? -1e-8f : 1e-8f;
      P[r][k] = v;
    }
  std::vector<float> angles(static_cast<size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    const float* t = &tissue[3 * static_cast<size_t>(i)];
    float p0 = 0, p1 = 0;
    for (int r = 0; r < 3; ++r) {
      p0 += (t[r] + 1e-8f) * P[r][0];
      p1 += (t[r] + 1e-8f) * P[r][1];
    }
    angles[static_cast<size_t>(i)] = std::atan2(p1, p0);
  }
  // numpy's percentile (linear between the closest ranks)
  auto percentile = [&](double q) {
    const double pos = q / 100.0 * (rows - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    std::nth_element(angles.begin(), angles.begin() + static_cast<long>(lo), angles.end());
    const double a = angles[lo];
    if (lo + 1 >= static_cast<size_t>(rows)) return a;
    const double b = *std::min_element(angles.begin() + static_cast<long>(lo) + 1, angles.end());
    return a + (b - a) * (pos - static_cast<double>(lo));
  };
  const double h = percentile(100.0 - angular_percentile), e = percentile(angular_percentile);
  const float dir[2][2] = {{static_cast<float>(std::cos(h)), static_cast<float>(std::sin(h))},
                           {static_cast<float>(std::cos(e)), static_cast<float>(std::sin(e))}};
  float V[2][3];
  for (int k = 0; k < 2; ++k) {
    float norm = 0;
    for (int r = 0; r < 3; ++r) {
      V[k][r] = std::fabs(dir[k][0] * P[r][0] + dir[k][1] * P[r][1]);
      norm += V[k][r] * V[k][r];
    }
    norm = std::sqrt(norm + 1e-8f);
    for (int r = 0; r < 3; ++r) V[k][r] /= norm;
  }
  Tensor out = Tensor::empty(DType::F32, Shape{2, 3});
  float* o = out.mutable_data<float>();
  const int first = V[0][0] > V[1][0] ? 0 : 1;
  for (int r = 0; r < 3; ++r) {
    o[r] = V[first][r];
    o[3 + r] = V[1 - first][r];
  }
  return out;
}

Tensor vahadane_stain_matrix(const Tensor& image) {
  ImageShape s = u8_image(image, "image");
  if (s.channels != 3) argument_error("the Vahadane stain estimate needs an RGB image");
  static const std::array<float, 256> od = optical_density_table();
  const int64_t n = s.height * s.width;
  const uint8_t* src = image.data<uint8_t>();
  // albumentations' SimpleNMF: Ruifrok's colors, concentrations from their normalized projection,
  // 100 multiplicative updates (concentrations, then colors, normalized)
  double C[2][3] = {{0.644211f, 0.716556f, 0.266844f}, {0.092789f, 0.954111f, 0.283111f}};
  auto normalize = [](double (&M)[2][3]) {
    for (auto& row : M) {
      const double norm = std::sqrt(row[0] * row[0] + row[1] * row[1] + row[2] * row[2]);
      for (double& v : row) v /= norm;
    }
  };
  std::vector<float> conc(static_cast<size_t>(2 * n));
  {
    double Cn[2][3];
    std::copy(&C[0][0], &C[0][0] + 6, &Cn[0][0]);
    normalize(Cn);
    for (int64_t i = 0; i < n; ++i) {
      const uint8_t* px = src + 3 * i;
      for (int k = 0; k < 2; ++k)
        conc[2 * i + k] = static_cast<float>(
            std::max(0.0, od[px[0]] * Cn[k][0] + od[px[1]] * Cn[k][1] + od[px[2]] * Cn[k][2]));
    }
  }
  const double eps = 1e-6;
  for (int iter = 0; iter < 100; ++iter) {
    const double G00 = C[0][0] * C[0][0] + C[0][1] * C[0][1] + C[0][2] * C[0][2];
    const double G01 = C[0][0] * C[1][0] + C[0][1] * C[1][1] + C[0][2] * C[1][2];
    const double G11 = C[1][0] * C[1][0] + C[1][1] * C[1][1] + C[1][2] * C[1][2];
    double S1[2][3] = {{0, 0, 0}, {0, 0, 0}}, S00 = 0, S01 = 0, S11 = 0;
    for (int64_t i = 0; i < n; ++i) {
      const uint8_t* px = src + 3 * i;
      const double o0 = od[px[0]], o1 = od[px[1]], o2 = od[px[2]];
      float& a = conc[2 * i];
      float& b = conc[2 * i + 1];
      const double num0 = o0 * C[0][0] + o1 * C[0][1] + o2 * C[0][2];
      const double num1 = o0 * C[1][0] + o1 * C[1][1] + o2 * C[1][2];
      const double den0 = a * G00 + b * G01, den1 = a * G01 + b * G11;
      const double na = std::max(0.0, a * (num0 / (den0 + eps))), nb = std::max(0.0, b * (num1 / (den1 + eps)));
      a = static_cast<float>(na);
      b = static_cast<float>(nb);
      S1[0][0] += a * o0;
      S1[0][1] += a * o1;
      S1[0][2] += a * o2;
      S1[1][0] += b * o0;
      S1[1][1] += b * o1;
      S1[1][2] += b * o2;
      S00 += static_cast<double>(a) * a;
      S01 += static_cast<double>(a) * b;
      S11 += static_cast<double>(b) * b;
    }
    double next[2][3];
    for (int r = 0; r < 3; ++r) {
      const double den0 = S00 * C[0][r] + S01 * C[1][r], den1 = S01 * C[0][r] + S11 * C[1][r];
      next[0][r] = std::max(0.0, C[0][r] * (S1[0][r] / (den0 + eps)));
      next[1][r] = std::max(0.0, C[1][r] * (S1[1][r] / (den1 + eps)));
    }
    normalize(next);
    std::copy(&next[0][0], &next[0][0] + 6, &C[0][0]);
  }
  // albumentations' order_stains_combined: hematoxylin has the larger angle * blue ratio - red ratio
  double score[2];
  for (int k = 0; k < 2; ++k) {
    const double angle = std::fmod(std::atan2(C[k][1], C[k][0]) + 2 * M_PI, M_PI);
    const double sum = C[k][0] + C[k][1] + C[k][2] + 1e-6;
    score[k] = angle * (C[k][2] / sum) - C[k][0] / sum;
  }
  const int h = score[1] > score[0] ? 1 : 0;
  Tensor out = Tensor::empty(DType::F32, Shape{2, 3});
  float* o = out.mutable_data<float>();
  for (int r = 0; r < 3; ++r) {
    o[r] = static_cast<float>(C[h][r]);
    o[3 + r] = static_cast<float>(C[1 - h][r]);
  }
  return out;
}

Tensor superpixels(const Tensor& image, int64_t n_segments, const Tensor& draws, double p, int64_t max_size,
                   int interpolation) {
  ImageShape s = u8_image(image, "image");
  if (n_segments < 1) argument_error("superpixels: n_segments must be >= 1");
  if (draws.numel() < n_segments) argument_error("superpixels: fewer draws than n_segments");
  std::vector<bool> replace(static_cast<size_t>(n_segments));
  bool any = false;
  for (int64_t k = 0; k < n_segments; ++k) {
    const double u = draws.dtype() == DType::F64 ? draws.data<double>()[k] : draws.data<float>()[k];
    replace[static_cast<size_t>(k)] = u < p;
    any = any || u < p;
  }
  if (!any) return image;  // albumentations returns the image untouched (no resizing)
  const int C = static_cast<int>(s.channels);
  cv::Mat src = as_mat(image), work;
  int H = static_cast<int>(s.height), W = static_cast<int>(s.width);
  const int64_t longest = std::max(H, W);
  if (max_size > 0 && longest > max_size) {
    const double f = static_cast<double>(max_size) / static_cast<double>(longest);
    const int nh = static_cast<int>(H * f), nw = static_cast<int>(W * f);
    resize_to(src, work, cv::Size(nw, nh), interpolation);
    H = nh;
    W = nw;
  } else {
    work = src.clone();
  }
  const int64_t N = static_cast<int64_t>(H) * W;
  const uint8_t* px = work.ptr<uint8_t>();
  // albumentations' slic: values / (max + 1e-6), centers on a grid, 10 rounds of local assignment
  // (distances never reset) and integer (truncated) centroid updates
  int vmax = 0;
  for (int64_t i = 0; i < N * C; ++i) vmax = std::max<int>(vmax, px[i]);
  const double norm = vmax + 1e-6;
  std::vector<double> val(static_cast<size_t>(N * C));
  for (int64_t i = 0; i < N * C; ++i) val[i] = static_cast<double>(static_cast<float>(px[i])) / norm;
  const int step = static_cast<int>(std::sqrt(static_cast<double>(N) / static_cast<double>(n_segments)));
  if (step < 1) argument_error("superpixels: n_segments exceeds the (resized) image's pixel count");
  std::vector<std::array<int64_t, 2>> centers;  // x, y
  for (int y = step / 2; y < H; y += step)
    for (int x = step / 2; x < W; x += step) centers.push_back({x, y});
  std::vector<int32_t> labels(static_cast<size_t>(N), -1);
  std::vector<double> dist(static_cast<size_t>(N), std::numeric_limits<double>::infinity());
  const double step2 = static_cast<double>(step) * step;
  const int K = static_cast<int>(centers.size());
  std::vector<int64_t> sx(K), sy(K), cnt(K);
  for (int iter = 0; iter < 10; ++iter) {
    for (int i = 0; i < K; ++i) {
      const int64_t x = centers[i][0], y = centers[i][1];
      const int64_t y0 = std::max<int64_t>(0, y - step), y1 = std::min<int64_t>(H, y + step + 1);
      const int64_t x0 = std::max<int64_t>(0, x - step), x1 = std::min<int64_t>(W, x + step + 1);
      const double* cv = &val[static_cast<size_t>((y * W + x) * C)];
      for (int64_t yy = y0; yy < y1; ++yy)
        for (int64_t xx = x0; xx < x1; ++xx) {
          const int64_t k = yy * W + xx;
          const double* v = &val[static_cast<size_t>(k * C)];
          double color = 0;
          for (int c = 0; c < C; ++c) color += (v[c] - cv[c]) * (v[c] - cv[c]);
          const double spatial = static_cast<double>((yy - y) * (yy - y) + (xx - x) * (xx - x)) / step2;
          const double d = color + 10.0 * spatial;
          if (d < dist[k]) {
            dist[k] = d;
            labels[k] = i;
          }
        }
    }
    std::fill(sx.begin(), sx.end(), 0);
    std::fill(sy.begin(), sy.end(), 0);
    std::fill(cnt.begin(), cnt.end(), 0);
    for (int64_t k = 0; k < N; ++k) {
      const int l = labels[k];
      if (l < 0) continue;
      sx[l] += k % W;
      sy[l] += k / W;
      ++cnt[l];
    }
    for (int i = 0; i < K; ++i)
      if (cnt[i] > 0) {
        centers[i][0] = static_cast<int64_t>(static_cast<double>(sx[i]) / cnt[i]);
        centers[i][1] = static_cast<int64_t>(static_cast<double>(sy[i]) / cnt[i]);
      }
  }
  // per label (sorted; -1 for unassigned pixels; label 0 skipped when it is the first): the mean
  // color, rounded half to even, where the label's draw says so
  std::vector<int64_t> count(K + 1, 0), sums(static_cast<size_t>((K + 1) * C), 0);
  for (int64_t k = 0; k < N; ++k) {
    const int l = labels[k] + 1;
    ++count[l];
    for (int c = 0; c < C; ++c) sums[l * C + c] += px[k * C + c];
  }
  std::vector<int> fill(static_cast<size_t>((K + 1) * C), -1);
  int idx = 0;
  bool first = true;
  for (int l = 0; l <= K; ++l) {
    if (count[l] == 0) continue;
    if (first && l == 1) {  // label 0 is the smallest present: skipped
      first = false;
      continue;
    }
    first = false;
    if (replace[static_cast<size_t>(idx % n_segments)])
      for (int c = 0; c < C; ++c)
        fill[l * C + c] = static_cast<int>(std::nearbyint(static_cast<double>(sums[l * C + c]) / count[l]));
    ++idx;
  }
  uint8_t* w = work.ptr<uint8_t>();
  for (int64_t k = 0; k < N; ++k) {
    const int l = labels[k] + 1;
    for (int c = 0; c < C; ++c)
      if (fill[l * C + c] >= 0) w[k * C + c] = static_cast<uint8_t>(std::min(255, fill[l * C + c]));
  }
  Tensor out = like(image);
  cv::Mat dst = as_mat(out);
  if (H != s.height || W != s.width) {
    cv::Mat back;
    resize_to(work, back, cv::Size(static_cast<int>(s.width), static_cast<int>(s.height)), interpolation);
    back.copyTo(dst);
  } else {
    work.copyTo(dst);
  }
  return out;
}

Tensor sinc_kernel(int64_t size, double cutoff) {
  if (size < 1 || size > 1023) argument_error("sinc kernel size must be in [1, 1023]");
  Tensor out = Tensor::empty(DType::F32, Shape{size, size});
  float* k = out.mutable_data<float>();
  const double c = (size - 1) / 2.0;
  for (int64_t y = 0; y < size; ++y)
    for (int64_t x = 0; x < size; ++x) {
      const double r = std::sqrt((y - c) * (y - c) + (x - c) * (x - c));
      double v = r == 0 ? cutoff * cutoff / (4 * M_PI) : cutoff * std::cyl_bessel_j(1.0, cutoff * r) / (2 * M_PI * r);
      if (y == (size - 1) / 2 && x == (size - 1) / 2) v = cutoff * cutoff / (4 * M_PI);
      k[y * size + x] = static_cast<float>(v);
    }
  // numpy's pairwise f32 sum is the exact sum to within an ulp or so: summed in doubles
  double total = 0;
  for (int64_t i = 0; i < size * size; ++i) total += k[i];
  const float sum = static_cast<float>(total);
  for (int64_t i = 0; i < size * size; ++i) k[i] /= sum;
  return out;
}

namespace {

// cv::initUndistortRectifyMap (CV_32FC1) for the camera [[W, 0, W/2], [0, H, H/2]] (f32 values),
// no rotation, the same camera as the new one, distortion (k1, k2, 0, 0) read as f32: the source
// of pixel (j, i) is W x kr + W / 2, H y kr + H / 2 with x = j / W - 1/2, y = i / H - 1/2 and
// kr = 1 + k1 r^2 + k2 r^4 (OpenCV's formula; calib3d itself is not linked). The maps of both
// channels in one pass (r^2 is shared).
void undistortion_maps(int W, int H, const double (&k)[2][2], cv::Mat (&maps)[2][2]) {
  for (auto& m : maps)
    for (auto& plane : m) plane.create(H, W, CV_32F);
  const double k1[2] = {static_cast<float>(k[0][0]), static_cast<float>(k[1][0])};
  const double k2[2] = {static_cast<float>(k[0][1]), static_cast<float>(k[1][1])};
  const double fx = W, fy = H, u0 = W / 2.0, v0 = H / 2.0;
  const double ir0 = 1.0 / fx, ir2 = -u0 / fx, ir4 = 1.0 / fy, ir5 = -v0 / fy;
  for (int i = 0; i < H; ++i) {
    float* px0 = maps[0][0].ptr<float>(i);
    float* py0 = maps[0][1].ptr<float>(i);
    float* px1 = maps[1][0].ptr<float>(i);
    float* py1 = maps[1][1].ptr<float>(i);
    const double y = i * ir4 + ir5, y2 = y * y;
    double _x = ir2;
    for (int j = 0; j < W; ++j, _x += ir0) {
      const double x = _x, r2 = x * x + y2;
      const double kr0 = 1 + (k2[0] * r2 + k1[0]) * r2, kr1 = 1 + (k2[1] * r2 + k1[1]) * r2;
      px0[j] = static_cast<float>(fx * (x * kr0) + u0);
      py0[j] = static_cast<float>(fy * (y * kr0) + v0);
      px1[j] = static_cast<float>(fx * (x * kr1) + u0);
      py1[j] = static_cast<float>(fy * (y * kr1) + v0);
    }
  }
}

}  // namespace

Tensor chromatic_aberration(const Tensor& image, double pr, double sr, double pb, double sb, int interpolation) {
  ImageShape s = u8_image(image, "image");
  if (s.channels != 3) argument_error("chromatic aberration needs an RGB image");
  const int H = static_cast<int>(s.height), W = static_cast<int>(s.width);
  cv::Mat src = as_mat(image);
  std::vector<cv::Mat> planes;
  cv::split(src, planes);
  cv::Mat maps[2][2];
  const double k[2][2] = {{pr, sr}, {pb, sb}};
  undistortion_maps(W, H, k, maps);
  for (int c = 0; c < 2; ++c) {
    cv::Mat moved;
    cv::remap(planes[2 * c], moved, maps[c][0], maps[c][1], interpolation, cv::BORDER_REPLICATE);
    planes[2 * c] = moved;
  }
  Tensor out = like(image);
  cv::Mat dst = as_mat(out);
  cv::merge(planes, dst);
  return out;
}

}  // namespace pxp::kernels
