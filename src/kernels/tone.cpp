#include "kernels/tone.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "kernels/channel_order_vbmi.hpp"
#include "kernels/color.hpp"
#include "kernels/cv_bridge.hpp"
#include "kernels/gray_vbmi.hpp"
#include "kernels/hsv_shift_u8.hpp"
#include "kernels/image_geometry.hpp"
#include "kernels/lab_u8.hpp"
#include "kernels/lookup.hpp"
#include "kernels/rgb_planes.hpp"
#include "kernels/rounding.hpp"
#include "kernels/vector_clones.hpp"

namespace pxp::kernels {

namespace {

void need_u8(const Tensor& image, const char* op) {
  if (image.dtype() != DType::U8) argument_error(std::string(op) + " takes u8 images");
}

uint8_t clamp_u8(double v) { return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v)); }

// A parameter for channel k: one value for every channel or one per channel.
double per_channel(const std::vector<double>& v, int64_t k, const char* what) {
  if (v.size() == 1) return v[0];
  if (static_cast<int64_t>(v.size()) <= k)
    argument_error(std::string(what) + " has " + std::to_string(v.size()) + " values for more channels");
  return v[static_cast<size_t>(k)];
}

Tensor rgb_or_gray_required(const Tensor& image, const char* op) {
  need_u8(image, op);
  int64_t c = channel_count(image);
  if (c != 1 && c != 3) argument_error(std::string(op) + " needs a 1- or 3-channel image, not " + std::to_string(c));
  return image;
}

std::array<int64_t, 256> histogram(const uint8_t* src, int64_t n, int64_t stride, const uint8_t* mask,
                                   int64_t mask_stride) {
  std::array<int64_t, 256> h{};
  if (mask) {
    for (int64_t i = 0; i < n; ++i)
      if (mask[i * mask_stride]) ++h[src[i * stride]];
  } else {
    for (int64_t i = 0; i < n; ++i) ++h[src[i * stride]];
  }
  return h;
}

// cv::equalizeHist's mapping (and albumentations' masked "cv" one, the same arithmetic): levels
// from the lowest occupied one spread over [0, 255] by float32 scale; a single occupied level
// maps everything to itself (OpenCV sets the image to it).
ToneTable equalize_cv_table(const std::array<int64_t, 256>& h) {
  ToneTable lut{};
  int64_t total = 0;
  for (int64_t v : h) total += v;
  int first = 0;
  while (first < 255 && h[static_cast<size_t>(first)] == 0) ++first;
  if (h[static_cast<size_t>(first)] == total) {
    for (auto& x : lut) x = static_cast<uint8_t>(first);
    return lut;
  }
  const float scale = 255.0f / static_cast<float>(total - h[static_cast<size_t>(first)]);
  int64_t sum = 0;
  for (int v = first + 1; v < 256; ++v) {
    sum += h[static_cast<size_t>(v)];
    lut[static_cast<size_t>(v)] = cv::saturate_cast<uint8_t>(static_cast<float>(sum) * scale);
  }
  return lut;
}

// albumentations' "pil" mapping: step = (pixels but the highest occupied level) // 255; level v
// maps to min((pixels at or below v + step // 2) // step, 255); one occupied level or step 0:
// unchanged (returned as the identity table).
ToneTable equalize_pil_table(const std::array<int64_t, 256>& h) {
  ToneTable lut;
  for (int v = 0; v < 256; ++v) lut[static_cast<size_t>(v)] = static_cast<uint8_t>(v);
  int occupied = 0, last = -1;
  int64_t total = 0;
  for (int v = 0; v < 256; ++v)
    if (h[static_cast<size_t>(v)]) ++occupied, last = v, total += h[static_cast<size_t>(v)];
  if (occupied <= 1) return lut;
  int64_t step = (total - h[static_cast<size_t>(last)]) / 255;
  if (step == 0) return lut;
  int64_t cum = 0;
  for (int v = 0; v < 256; ++v) {
    cum += h[static_cast<size_t>(v)];
    lut[static_cast<size_t>(v)] = static_cast<uint8_t>(std::min<int64_t>((cum + step / 2) / step, 255));
  }
  return lut;
}

}  // namespace

const std::vector<std::string>& tone_curve_names() {
  static const std::vector<std::string> names{"multiply_add", "add", "gamma", "posterize", "solarize", "multiply_add_mean"};
  return names;
}

ToneCurve tone_curve_from_name(const std::string& name) {
  const auto& n = tone_curve_names();
  auto it = std::find(n.begin(), n.end(), name);
  if (it == n.end()) argument_error("unknown tone curve '" + name + "'");
  return static_cast<ToneCurve>(it - n.begin());
}

ToneTable tone_table(ToneCurve curve, double a, double b) {
  ToneTable t;
  switch (curve) {
    case ToneCurve::MultiplyAddMean:  // b already scaled by tone_curve
    case ToneCurve::MultiplyAdd: {
      // albucore: np.arange(256, dtype=float32) * factor + value, all float32, then clip and a
      // cast to uint8 (truncation).
      const float fa = static_cast<float>(a), fb = static_cast<float>(b);
      for (int v = 0; v < 256; ++v) {
        float y = static_cast<float>(v) * fa;
        y = y + fb;
        t[static_cast<size_t>(v)] = clamp_u8(std::isnan(y) ? 0.0 : static_cast<double>(y));
      }
      break;
    }
    case ToneCurve::Add: {
      const double shift = std::trunc(b);
      for (int v = 0; v < 256; ++v) t[static_cast<size_t>(v)] = clamp_u8(v + shift);
      break;
    }
    case ToneCurve::Gamma: {
      // np.arange(0, 256 / 255, 1 / 255) ** gamma * 255, cast to uint8
      const double step = 1.0 / 255;
      for (int v = 0; v < 256; ++v) t[static_cast<size_t>(v)] = clamp_u8(std::pow(v * step, a) * 255);
      break;
    }
    case ToneCurve::Posterize: {
      const int bits = static_cast<int>(a);
      if (bits < 0 || bits > 8) range_error("posterize: bits must be in [0, 8], not " + std::to_string(bits));
      const uint8_t mask = static_cast<uint8_t>((0xFF00u >> bits) & 0xFFu);
      for (int v = 0; v < 256; ++v) t[static_cast<size_t>(v)] = static_cast<uint8_t>(v & mask);
      break;
    }
    case ToneCurve::Solarize: {
      const double threshold = a * 255;
      for (int v = 0; v < 256; ++v) t[static_cast<size_t>(v)] = static_cast<uint8_t>(v >= threshold ? 255 - v : v);
      break;
    }
  }
  return t;
}

Tensor apply_tables(const Tensor& image, const std::vector<ToneTable>& tables) {
  need_u8(image, "a lookup table");
  Tensor src = image.contiguous();
  const int64_t c = channel_count(src), n = pixel_count(src);
  Tensor out = Tensor::empty(DType::U8, src.shape());
  const uint8_t* s = src.data<uint8_t>();
  uint8_t* d = out.mutable_data<uint8_t>();
  if (tables.size() == 1 || c == 1) {
    lookup_u8(s, d, n * c, tables[0].data());
  } else {
    std::vector<const uint8_t*> each;
    for (const ToneTable& t : tables) each.push_back(t.data());
    lookup_u8_channels(s, d, n, c, each.data());
  }
  return out;
}

Tensor tone_curve(const Tensor& image, ToneCurve curve, const std::vector<double>& a, const std::vector<double>& b) {
  need_u8(image, "color.tone_curve");
  const int64_t c = channel_count(image);
  if (curve == ToneCurve::MultiplyAddMean) {
    Tensor src = image.contiguous();
    const uint8_t* s = src.data<uint8_t>();
    const int64_t m = src.numel();
    uint64_t sum = 0;
    for (int64_t i = 0; i < m; ++i) sum += s[i];
    const double mean = m ? static_cast<double>(sum) / static_cast<double>(m) : 0.0;
    std::vector<double> scaled(b);
    for (auto& x : scaled) x *= mean;
    return tone_curve(src, ToneCurve::MultiplyAdd, a, scaled);
  }
  if (a.size() <= 1 && b.size() <= 1)
    return apply_tables(image, {tone_table(curve, a.empty() ? 0.0 : a[0], b.empty() ? 0.0 : b[0])});
  std::vector<ToneTable> tables;
  for (int64_t k = 0; k < c; ++k)
    tables.push_back(tone_table(curve, a.empty() ? 0.0 : per_channel(a, k, "a"), b.empty() ? 0.0 : per_channel(b, k, "b")));
  return apply_tables(image, tables);
}

Tensor lookup_table(const Tensor& image, const Tensor& table) {
  need_u8(image, "color.lookup");
  if (table.dtype() != DType::U8 || table.numel() % 256 != 0 || table.numel() == 0)
    argument_error("color.lookup: the table must be u8 with 256 or C x 256 values");
  Tensor t = table.contiguous();
  const int64_t count = t.numel() / 256, c = channel_count(image);
  if (count != 1 && count != c)
    argument_error("color.lookup: " + std::to_string(count) + " tables for " + std::to_string(c) + " channels");
  std::vector<ToneTable> tables(static_cast<size_t>(count));
  for (int64_t k = 0; k < count; ++k) std::copy_n(t.data<uint8_t>() + k * 256, 256, tables[static_cast<size_t>(k)].begin());
  return apply_tables(image, tables);
}

Tensor shift_hsv(const Tensor& image, double hue, double saturation, double value) {
  rgb_or_gray_required(image, "color.shift_hsv");
  const bool gray = channel_count(image) == 1;
  if (hue == 0 && saturation == 0 && value == 0) return image;
  if (gray) hue = saturation = 0;
  ToneTable th, ts, tv;
  for (int v = 0; v < 256; ++v) {
    double h = std::fmod(v + hue, 180.0);
    if (h < 0) h += 180.0;  // numpy's mod takes the divisor's sign
    th[static_cast<size_t>(v)] = static_cast<uint8_t>(static_cast<int>(h));
  }
  ts = tone_table(ToneCurve::Add, 0, saturation);
  ts[0] = 0;  // gray pixels stay gray
  tv = tone_table(ToneCurve::Add, 0, value);
  Tensor src = with_contiguous_rows(image);
  if (!gray) {
    // One pass, with the bits of albumentations' cv2 (kernels/hsv_shift_u8.hpp).
    const int64_t h = src.dim(0), w = src.dim(1);
    Tensor out = Tensor::empty(DType::U8, {h, w, 3});
    shift_hsv_rgb_u8(src.data<uint8_t>(), out.mutable_data<uint8_t>(), w, h, src.strides()[0], w * 3,
                     {th.data(), ts.data(), tv.data()});
    return out;
  }
  cv::Mat in = as_mat(src), rgb, hsv;
  cv::cvtColor(in, rgb, cv::COLOR_GRAY2RGB);
  cv::cvtColor(rgb, hsv, cv::COLOR_RGB2HSV);
  uint8_t* p = hsv.ptr<uint8_t>();
  const int64_t n = static_cast<int64_t>(hsv.total());
  for (int64_t i = 0; i < n; ++i, p += 3) {
    p[0] = th[p[0]];
    p[1] = ts[p[1]];
    p[2] = tv[p[2]];
  }
  cv::Mat out = output_mat();
  cv::cvtColor(hsv, rgb, cv::COLOR_HSV2RGB);
  cv::cvtColor(rgb, out, cv::COLOR_RGB2GRAY);
  return from_mat(out, image.ndim() == 3);
}

Tensor equalize_histogram(const Tensor& image, const Tensor* mask, bool pil, bool by_channels) {
  rgb_or_gray_required(image, "color.equalize_histogram");
  Tensor src = image.contiguous();
  const int64_t c = channel_count(src), n = pixel_count(src);
  Tensor m;
  int64_t mc = 0;
  if (mask) {
    m = mask->dtype() == DType::U8 ? mask->contiguous() : mask->cast(DType::U8).contiguous();
    if (m.numel() % n != 0 || m.ndim() < 2 || m.shape()[0] != src.shape()[0] || m.shape()[1] != src.shape()[1])
      argument_error("color.equalize_histogram: the mask must be H x W or H x W x C of the image's size");
    mc = m.numel() / n;
    if (mc != 1 && mc != c) argument_error("color.equalize_histogram: the mask has " + std::to_string(mc) + " channels");
    if (!by_channels && mc != 1) argument_error("color.equalize_histogram: by_channels=false takes a 1-channel mask");
  }
  auto table_of = [&](const uint8_t* s, int64_t stride, int64_t k) {
    const uint8_t* mp = mask ? m.data<uint8_t>() + (mc == 1 ? 0 : k) : nullptr;
    auto h = histogram(s, n, stride, mp, mc);
    return pil ? equalize_pil_table(h) : equalize_cv_table(h);
  };
  if (c == 1 || by_channels) {
    std::vector<ToneTable> tables;
    for (int64_t k = 0; k < c; ++k) tables.push_back(table_of(src.data<uint8_t>() + k, c, k));
    return apply_tables(src, tables);
  }
  cv::Mat ycc;
  cv::cvtColor(as_mat(src), ycc, cv::COLOR_RGB2YCrCb);
  ToneTable t = table_of(ycc.ptr<uint8_t>(), 3, 0);
  uint8_t* p = ycc.ptr<uint8_t>();
  for (int64_t i = 0; i < n; ++i, p += 3) p[0] = t[p[0]];
  cv::Mat out = output_mat();
  cv::cvtColor(ycc, out, cv::COLOR_YCrCb2RGB);
  return from_mat(out);
}

Tensor clahe_image(const Tensor& image, double clip_limit, int tile_cols, int tile_rows) {
  rgb_or_gray_required(image, "color.clahe");
  if (tile_cols < 1 || tile_rows < 1) range_error("color.clahe: the tile grid must be at least 1 x 1");
  // an empty image has nothing to equalize (OpenCV's CLAHE never returned on one)
  if (image.numel() == 0) return Tensor::empty(image.dtype(), image.shape());
  Tensor src = image.contiguous();
  // one CLAHE object per thread and setting: creating it allocates
  thread_local cv::Ptr<cv::CLAHE> clahe;
  if (!clahe) clahe = cv::createCLAHE();
  clahe->setClipLimit(clip_limit);
  clahe->setTilesGridSize(cv::Size(tile_cols, tile_rows));
  if (channel_count(src) == 1) {
    cv::Mat out = output_mat();
    cv::Mat in = as_mat(src);
    clahe->apply(in, out);
    return from_mat(out, image.ndim() == 3);
  }
  // L through CLAHE, a and b kept beside it: planar Lab with OpenCV's bits (kernels/lab_u8), so
  // no interleaved Lab image is made and split. Every intermediate in the thread's cached memory:
  // fresh pages per sample cost more than CLAHE.
  const int rows = static_cast<int>(src.dim(0)), cols = static_cast<int>(src.dim(1));
  const int64_t n = pixel_count(src);
  cv::Mat planes = output_mat(), l2 = output_mat();
  planes.create(3 * rows, cols, CV_8UC1);
  uint8_t* l = planes.ptr<uint8_t>();
  rgb_to_lab_planes_u8(src.data<uint8_t>(), n, l, l + n, l + 2 * n);
  // a header of its own over the L plane, not a row range: CLAHE pads uneven tiles with
  // copyMakeBorder, which reads a ROI's border from the parent (here the a plane)
  clahe->apply(cv::Mat(rows, cols, CV_8UC1, l), l2);
  Tensor out = Tensor::empty(DType::U8, image.shape());
  lab_planes_to_rgb_u8(l2.ptr<uint8_t>(), l + n, l + 2 * n, n, out.mutable_data<uint8_t>());
  return out;
}

Tensor transform_channels(const Tensor& image, const std::vector<double>& matrix, int64_t rows) {
  need_u8(image, "color.transform");
  Tensor src = image.contiguous();
  const int64_t c = channel_count(src);
  if (rows < 1 || static_cast<int64_t>(matrix.size()) != rows * c)
    argument_error("color.transform: the matrix must be rows x " + std::to_string(c));
  cv::Mat m(static_cast<int>(rows), static_cast<int>(c), CV_64F, const_cast<double*>(matrix.data()));
  // the result straight into a tensor (the batch slot when the op's output goes there)
  Tensor out = Tensor::empty(DType::U8, {src.dim(0), src.dim(1), rows});
  cv::Mat to = as_mat(out);
  cv::transform(as_mat(src), to, m);
  if (to.data != out.bytes()) return from_mat(to, true);
  return out;
}

const std::vector<std::string>& gray_method_names() {
  static const std::vector<std::string> names{"weighted_average", "from_lab", "desaturation", "average", "max", "pca"};
  return names;
}

GrayMethod gray_method_from_name(const std::string& name) {
  const auto& n = gray_method_names();
  auto it = std::find(n.begin(), n.end(), name);
  if (it == n.end()) argument_error("unknown gray method '" + name + "'");
  return static_cast<GrayMethod>(it - n.begin());
}

namespace {

// The first principal component of the pixels (3 x 3 covariance, Jacobi rotations), signed as
// scikit-learn's PCA signs it (its largest-magnitude entry positive).
std::vector<double> first_component(const uint8_t* s, int64_t n, int64_t c, std::vector<double>& mean) {
  mean.assign(static_cast<size_t>(c), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < c; ++k) mean[static_cast<size_t>(k)] += s[i * c + k];
  for (auto& m : mean) m /= static_cast<double>(n);
  cv::Mat cov = cv::Mat::zeros(static_cast<int>(c), static_cast<int>(c), CV_64F);
  std::vector<double> d(static_cast<size_t>(c));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = 0; k < c; ++k) d[static_cast<size_t>(k)] = s[i * c + k] - mean[static_cast<size_t>(k)];
    for (int64_t a = 0; a < c; ++a)
      for (int64_t b = a; b < c; ++b) cov.at<double>(int(a), int(b)) += d[size_t(a)] * d[size_t(b)];
  }
  for (int a = 0; a < c; ++a)
    for (int b = 0; b < a; ++b) cov.at<double>(a, b) = cov.at<double>(b, a);
  cv::Mat values, vectors;
  cv::eigen(cov, values, vectors);  // descending eigenvalues, vectors in rows
  std::vector<double> v(static_cast<size_t>(c));
  int big = 0;
  for (int k = 0; k < c; ++k) {
    v[size_t(k)] = vectors.at<double>(0, k);
    if (std::abs(v[size_t(k)]) > std::abs(v[size_t(big)])) big = k;
  }
  if (v[size_t(big)] < 0)
    for (auto& x : v) x = -x;
  return v;
}

}  // namespace

namespace {

// albumentations' weighted_average gray of u8 RGB: OpenCV's RGB2GRAY, which on u8 is fixed point,
// (9798 R + 19235 G + 3735 B + 2^14) >> 15 (0.299, 0.587, 0.114 in 15 bits), written out on planes:
// as fast as Debian's OpenCV 4.6 for one channel, and the three-copy output in the same pass.
inline __attribute__((always_inline)) void gray_of_planes_body(const uint8_t* __restrict r,
                                                               const uint8_t* __restrict g,
                                                               const uint8_t* __restrict b,
                                                               uint8_t* __restrict gray, int n) {
  for (int i = 0; i < n; ++i) gray[i] = static_cast<uint8_t>((9798 * r[i] + 19235 * g[i] + 3735 * b[i] + 16384) >> 15);
}
PXP_VECTOR_CLONES void gray_of_planes(const uint8_t* r, const uint8_t* g, const uint8_t* b, uint8_t* gray, int n) {
  gray_of_planes_body(r, g, b, gray, n);
}
PXP_WIDE_AVX512 void gray_of_planes_wide(const uint8_t* r, const uint8_t* g, const uint8_t* b, uint8_t* gray, int n) {
  gray_of_planes_body(r, g, b, gray, n);
}

// The weighted-average gray of n RGB pixels into `out`, `channels` (1 or 3) copies per pixel, a
// block of planes at a time (they stay in L1).
void gray_weighted_average(const uint8_t* s, uint8_t* out, int64_t n, int64_t channels) {
  constexpr int kBlock = 1024;
  alignas(64) uint8_t planes[4][kBlock];
  const bool wide = cpu_has_avx512();
  // one pass over the interleaved pixels where the CPU has VBMI (3.4x faster on a 256 x 256 photo);
  // planes for the rest
  for (int64_t i = gray_weighted_average_vbmi(s, out, n, channels); i < n; i += kBlock) {
    const int m = static_cast<int>(std::min<int64_t>(kBlock, n - i));
    split_rgb(s + 3 * i, planes[0], planes[1], planes[2], m);
    uint8_t* gray = channels == 1 ? out + i : planes[3];
    if (wide) gray_of_planes_wide(planes[0], planes[1], planes[2], gray, m);
    else gray_of_planes(planes[0], planes[1], planes[2], gray, m);
    if (channels == 3) merge_rgb(gray, gray, gray, out + 3 * i, m);
  }
}

}  // namespace

Tensor to_gray(const Tensor& image, GrayMethod method, int64_t channels) {
  need_u8(image, "color.to_gray");
  if (channels < 1) range_error("color.to_gray: channels must be >= 1");
  Tensor src = image.contiguous();
  const int64_t c = channel_count(src), n = pixel_count(src);
  if ((method == GrayMethod::WeightedAverage || method == GrayMethod::FromLab) && c != 3)
    argument_error("color.to_gray: this method needs 3 channels");
  const auto& shape = src.shape();
  if (src.numel() == 0)  // nothing to convert (OpenCV refuses empty images)
    return Tensor::empty(DType::U8, channels == 1 && image.ndim() == 2 ? Shape{shape[0], shape[1]}
                                                                       : Shape{shape[0], shape[1], channels});
  if (method == GrayMethod::WeightedAverage && channels == 3) {  // straight into the three copies
    Tensor out = Tensor::empty(DType::U8, {shape[0], shape[1], 3});
    gray_weighted_average(src.data<uint8_t>(), out.mutable_data<uint8_t>(), n, 3);
    return out;
  }
  const bool flat = channels == 1 && image.ndim() == 2;
  Tensor gray = flat ? Tensor::empty(DType::U8, {shape[0], shape[1]}) : Tensor::empty(DType::U8, {shape[0], shape[1], 1});
  uint8_t* g = gray.mutable_data<uint8_t>();
  const uint8_t* s = src.data<uint8_t>();
  switch (method) {
    case GrayMethod::WeightedAverage:
      gray_weighted_average(s, g, n, 1);
      break;
    case GrayMethod::FromLab:
      rgb_to_lab_planes_u8(s, n, g, nullptr, nullptr);
      break;
    case GrayMethod::Desaturation:
      for (int64_t i = 0; i < n; ++i, s += c) {
        int lo = s[0], hi = s[0];
        for (int64_t k = 1; k < c; ++k) lo = std::min<int>(lo, s[k]), hi = std::max<int>(hi, s[k]);
        g[i] = static_cast<uint8_t>((lo + hi) / 2);
      }
      break;
    case GrayMethod::Average:
      for (int64_t i = 0; i < n; ++i, s += c) {
        int sum = 0;
        for (int64_t k = 0; k < c; ++k) sum += s[k];
        g[i] = static_cast<uint8_t>(sum / c);
      }
      break;
    case GrayMethod::Max:
      for (int64_t i = 0; i < n; ++i, s += c) {
        uint8_t hi = s[0];
        for (int64_t k = 1; k < c; ++k) hi = std::max(hi, s[k]);
        g[i] = hi;
      }
      break;
    case GrayMethod::Pca: {
      std::vector<double> mean;
      std::vector<double> v = first_component(s, n, c, mean);
      std::vector<float> proj(static_cast<size_t>(n));
      float lo = 0, hi = 0;
      for (int64_t i = 0; i < n; ++i) {
        double y = 0;
        for (int64_t k = 0; k < c; ++k) y += (s[i * c + k] - mean[size_t(k)]) * v[size_t(k)];
        proj[size_t(i)] = static_cast<float>(y);
        if (i == 0 || y < lo) lo = static_cast<float>(y);
        if (i == 0 || y > hi) hi = static_cast<float>(y);
      }
      const float range = hi - lo;
      for (int64_t i = 0; i < n; ++i) {
        float t = range > 0 ? (proj[size_t(i)] - lo) / range : 0.0f;
        g[i] = clamp_u8(round_half_even_pixel(t * 255.0f));
      }
      break;
    }
  }
  if (channels == 1) return gray;
  Tensor out = Tensor::empty(DType::U8, {shape[0], shape[1], channels});
  uint8_t* d = out.mutable_data<uint8_t>();
  if (channels == 3 && shape[0] <= INT32_MAX && shape[1] <= INT32_MAX) {
    // OpenCV's GRAY2RGB repeats the channel with SIMD shuffles, straight into the output
    const int h = static_cast<int>(shape[0]), w = static_cast<int>(shape[1]);
    cv::Mat to(h, w, CV_8UC3, d);
    cv::cvtColor(cv::Mat(h, w, CV_8UC1, g), to, cv::COLOR_GRAY2RGB);
    if (to.data != d) argument_error("color.to_gray: OpenCV wrote its result elsewhere");
  } else if (channels == 3) {
    for (int64_t i = 0; i < n; ++i, d += 3) d[0] = d[1] = d[2] = g[i];
  } else {
    for (int64_t i = 0; i < n; ++i)
      for (int64_t k = 0; k < channels; ++k) *d++ = g[i];
  }
  return out;
}

Tensor pick_channels(const Tensor& image, const std::vector<int64_t>& order) {
  Tensor src = image.contiguous();
  const int64_t c = channel_count(src), n = pixel_count(src), oc = static_cast<int64_t>(order.size());
  for (int64_t k : order)
    if (k < 0 || k >= c) range_error("color.pick_channels: channel " + std::to_string(k) + " of " + std::to_string(c));
  if (src.ndim() == 2) return src;
  const auto& shape = src.shape();
  Tensor out = Tensor::empty(src.dtype(), {shape[0], shape[1], oc});
  const size_t es = dtype_size(src.dtype());
  const uint8_t* s = src.bytes();
  uint8_t* d = static_cast<uint8_t*>(out.mutable_bytes());
  if (es == 1 && c == 3 && oc == 3) {
    const int64_t o0 = order[0], o1 = order[1], o2 = order[2];
    const int64_t done = reorder_rgb_vbmi(s, d, n, order.data());
    s += 3 * done, d += 3 * done;
    for (int64_t i = done; i < n; ++i, s += 3, d += 3) {
      d[0] = s[o0];
      d[1] = s[o1];
      d[2] = s[o2];
    }
    return out;
  }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < oc; ++k)
      std::memcpy(d + (i * oc + k) * es, s + (i * c + order[size_t(k)]) * es, es);
  return out;
}

Tensor fill_channels(const Tensor& image, const std::vector<int64_t>& channels, double fill) {
  need_u8(image, "color.fill_channels");
  Tensor src = image.contiguous();
  const int64_t c = channel_count(src), n = pixel_count(src);
  std::vector<ToneTable> tables(static_cast<size_t>(c));
  for (int64_t k = 0; k < c; ++k)
    for (int v = 0; v < 256; ++v) tables[size_t(k)][size_t(v)] = static_cast<uint8_t>(v);
  const uint8_t f = cv::saturate_cast<uint8_t>(fill);
  for (int64_t k : channels) {
    if (k < 0 || k >= c) range_error("color.fill_channels: channel " + std::to_string(k) + " of " + std::to_string(c));
    tables[size_t(k)].fill(f);
  }
  (void)n;
  return apply_tables(src, tables);
}

Tensor auto_contrast(const Tensor& image, double cutoff, int ignore, bool pil) {
  need_u8(image, "color.auto_contrast");
  Tensor src = image.contiguous();
  const int64_t c = channel_count(src), n = pixel_count(src);
  std::vector<ToneTable> tables(static_cast<size_t>(c));
  for (int64_t k = 0; k < c; ++k) {
    ToneTable& lut = tables[size_t(k)];
    for (int v = 0; v < 256; ++v) lut[size_t(v)] = static_cast<uint8_t>(v);
    // albumentations skips the channel whose index equals `ignore` (and counts no pixel of that value)
    if (ignore >= 0 && k == ignore) continue;
    std::array<int64_t, 256> h{};
    const uint8_t* s = src.data<uint8_t>() + k;
    for (int64_t i = 0; i < n; ++i) ++h[s[i * c]];
    // albumentations' cv2.calcHist(..., [256], [0, 255]): 256 bins over [0, 255) put value v in
    // bin v and leave 255 out of the histogram
    h[255] = 0;
    if (ignore >= 0 && ignore < 256) h[size_t(ignore)] = 0;
    int64_t total = 0;
    for (int64_t x : h) total += x;
    int lo = 0, hi = 0;
    if (cutoff == 0) {
      int first = -1, last = -1;
      for (int v = 0; v < 256; ++v)
        if (h[size_t(v)]) { if (first < 0) first = v; last = v; }
      if (first >= 0) lo = first, hi = last;
    } else if (total > 0) {
      const double cut = static_cast<double>(total) * cutoff / 100.0;
      bool flat = true;
      for (int v = 1; v < 256; ++v) flat = flat && h[size_t(v)] == h[0];
      if (flat) {
        lo = static_cast<int>(256 * cutoff / 100);
        hi = 256 - lo - 1;
      } else {
        double cum = 0;
        lo = 0;
        for (int v = 0; v < 256; ++v) {
          cum += static_cast<double>(h[size_t(v)]);
          if (cum >= cut) { lo = v + 1; break; }
        }
        lo = std::min(lo, 255);
        cum = 0;
        hi = 255;
        for (int v = 255; v >= 0; --v) {
          cum += static_cast<double>(h[size_t(v)]);
          if (cum >= cut) { hi = v; break; }
        }
        if (lo > hi) lo = hi = 127;
      }
    }
    if (hi <= lo) continue;
    if (pil) {
      const double scale = 255.0 / (hi - lo);
      for (int v = 0; v < 256; ++v) {
        double y = std::nearbyint((v - lo) * scale);
        lut[size_t(v)] = v < lo ? 0 : (v > hi ? 255 : clamp_u8(y));
      }
    } else {
      // float32 like calcHist's histogram: (cdf - cdf[lo]) * 255 / (cdf[hi] - cdf[lo]), rounded half to even
      int64_t cdf_lo = h[size_t(lo)], cdf = 0, cdf_hi = 0;
      for (int v = lo; v <= hi; ++v) cdf_hi += h[size_t(v)];
      if (cdf_hi == 0) continue;
      for (int v = 0; v < 256; ++v) lut[size_t(v)] = v > hi ? 255 : 0;
      const float den = static_cast<float>(cdf_hi - cdf_lo);
      for (int v = lo; v <= hi; ++v) {
        cdf += h[size_t(v)];
        float y = static_cast<float>(cdf - cdf_lo) * 255.0f / den;
        lut[size_t(v)] = std::isnan(y) ? 0 : clamp_u8(std::nearbyint(y));
      }
    }
    if (ignore >= 0 && ignore < 256) lut[size_t(ignore)] = static_cast<uint8_t>(ignore);
  }
  return apply_tables(src, tables);
}

}  // namespace pxp::kernels
