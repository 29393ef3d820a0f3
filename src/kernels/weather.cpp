#include "kernels/weather.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "kernels/cv_bridge.hpp"
#include "kernels/vector_clones.hpp"
#include "kernels/vector_math.hpp"

namespace pxp::kernels {

namespace {

cv::Mat rgb_u8(const Tensor& image, const char* op) {
  if (image.dtype() != DType::U8) argument_error(std::string(op) + " takes u8 images");
  ImageShape s = image_shape(image, "image");
  if (s.channels != 3) argument_error(std::string(op) + " needs a 3-channel (RGB) image, not " + std::to_string(s.channels));
  return as_mat(image);
}

cv::Mat copy_of(const cv::Mat& src) {
  cv::Mat dst = output_mat();
  src.copyTo(dst);
  return dst;
}

cv::Scalar scalar_of(const Rgb& c) { return cv::Scalar(c[0], c[1], c[2]); }

// A geometry tensor as contiguous rows of `cols` values of type T.
template <typename T> Tensor rows_of(const Tensor& t, int64_t cols, const char* what) {
  Tensor c = t.dtype() == dtype_of<T>() ? t.contiguous() : t.cast(dtype_of<T>()).contiguous();
  if (c.numel() % cols != 0)
    argument_error(std::string(what) + " needs rows of " + std::to_string(cols) + " values");
  return c;
}

Tensor int_rows(const std::vector<int32_t>& v, Shape shape) {
  Tensor t = Tensor::empty(DType::I32, shape);
  std::copy(v.begin(), v.end(), t.mutable_data<int32_t>());
  return t;
}

// numpy's float -> uint8 astype on x86: truncation to int32, then the low byte (wraps out of range).
inline uint8_t numpy_u8(float v) { return static_cast<uint8_t>(static_cast<int32_t>(v)); }

// The HLS rows below reproduce OpenCV's float arithmetic step for step (no fused multiply-add: the
// build turns contraction off, see vector_clones.hpp).

// OpenCV's u8 RGB -> HLS (hue in [0, 180)), reproduced value for value: over all 2^24 colors it
// equals cv2 4.10's cvtColor (tests/python/test_catalog_weather.py). The hue's multiply-add is
// fused there (FMA): the exact product plus the offset, rounded once, as double arithmetic does it.
PXP_VECTOR_CLONES void rgb_to_hls_row(const uint8_t* rgb, uint8_t* hh, uint8_t* ll, uint8_t* ss, int n) {
  const float inv = 1.0f / 255.0f;
  for (int i = 0; i < n; ++i) {
    float r = static_cast<float>(rgb[3 * i]) * inv, g = static_cast<float>(rgb[3 * i + 1]) * inv,
          b = static_cast<float>(rgb[3 * i + 2]) * inv;
    float mx = std::max(std::max(r, g), b), mn = std::min(std::min(r, g), b);
    float diff = mx - mn, sum = mx + mn, l = sum * 0.5f;
    bool grey = !(diff > 1.1920928955078125e-07f);
    float s = diff / pick(l < 0.5f, sum, 2.0f - sum);
    bool rmax = mx == r, gmax = mx == g;
    float hd = pick(rmax, g - b, pick(gmax, b - r, r - g));
    float hp = pick(rmax, pick(g < b, 360.0f, 0.0f), pick(gmax, 120.0f, 240.0f));
    float step = 60.0f / pick(grey, 1.0f, diff);
    float h = static_cast<float>(static_cast<double>(hd) * static_cast<double>(step) + static_cast<double>(hp)) * 0.5f;
    hh[i] = round_u8(pick(grey, 0.0f, h));
    ll[i] = round_u8(l * 255.0f);
    ss[i] = round_u8(pick(grey, 0.0f, s) * 255.0f);
  }
}

// OpenCV's u8 HLS -> RGB, reproduced value for value (equal to cv2 4.10 over every HLS triple
// that RGB -> HLS produces).
PXP_VECTOR_CLONES void hls_to_rgb_row(const uint8_t* hh, const uint8_t* ll, const uint8_t* ss, uint8_t* rgb, int n) {
  const float inv = 1.0f / 255.0f, hscale = 6.0f / 180.0f, sixth = 1.0f / 6.0f;
  for (int i = 0; i < n; ++i) {
    float h = static_cast<float>(hh[i]), l = static_cast<float>(ll[i]) * inv, s = static_cast<float>(ss[i]) * inv;
    float ls = l * s;
    float e0 = pick(l <= 0.5f, ls, s - ls);
    float raw = h * hscale;
    float whole = static_cast<float>(static_cast<int>(raw));
    float frac = raw - whole;
    float sector = whole - 6.0f * static_cast<float>(static_cast<int>(raw * sixth));
    float e1 = frac + frac;
    float t0 = l + e0, t1 = l - e0, t2 = (l + e0) - e0 * e1, t3 = (l - e0) + e0 * e1;
    // per sector 0..5: B = t1 t1 t3 t0 t0 t2, G = t3 t0 t0 t2 t1 t1, R = t0 t2 t1 t1 t3 t0
    float bl = pick(sector < 2, t1, pick(sector <= 2, t3, pick(sector <= 4, t0, t2)));
    float gr = pick(sector < 1, t3, pick(sector <= 2, t0, pick(sector < 4, t2, t1)));
    float rd = pick(sector < 1, t0, pick(sector < 2, t2, pick(sector < 4, t1, pick(sector <= 4, t3, t0))));
    rgb[3 * i] = round_u8(rd * 255.0f);
    rgb[3 * i + 1] = round_u8(gr * 255.0f);
    rgb[3 * i + 2] = round_u8(bl * 255.0f);
  }
}

// RGB -> HLS, edit(h, l, s, y) on one row's planes, HLS -> RGB, row after row (no HLS image).
template <typename Edit> void hls_round_trip(const cv::Mat& src, cv::Mat& out, Edit&& edit) {
  std::vector<uint8_t> planes(static_cast<size_t>(src.cols) * 3);
  uint8_t* h = planes.data();
  uint8_t* l = h + src.cols;
  uint8_t* s = l + src.cols;
  for (int y = 0; y < src.rows; ++y) {
    rgb_to_hls_row(src.ptr<uint8_t>(y), h, l, s, src.cols);
    edit(l, y);
    hls_to_rgb_row(h, l, s, out.ptr<uint8_t>(y), src.cols);
  }
}

// The rectangle [x - r - 1, x + r + 1] (both axes) clipped to the image: where a disk can draw.
cv::Rect disk_box(int x, int y, int r, const cv::Size& size) {
  cv::Rect box(x - r - 1, y - r - 1, 2 * r + 3, 2 * r + 3);
  return box & cv::Rect(0, 0, size.width, size.height);
}

// The most rows a geometry draw makes (drops, particles, rectangles, vertices): beyond it a
// request is an error, not minutes of drawing or gigabytes of memory.
constexpr int64_t kMaxGeometry = int64_t(1) << 24;

void check_geometry(int64_t rows, const char* what) {
  if (rows > kMaxGeometry)
    range_error(std::string(what) + ": " + std::to_string(rows) + " rows, more than the limit of " +
                std::to_string(kMaxGeometry));
}

}  // namespace

// --- Rain -----------------------------------------------------------------------------------------

Tensor rain_drops(int64_t height, int64_t width, int64_t count, int64_t drop_length, RandomStream& rng) {
  if (width < 1 || height - drop_length < 1)
    range_error("rain drops need an image taller than drop_length (" + std::to_string(drop_length) + ")");
  check_geometry(count, "rain drops");
  std::vector<int32_t> v(static_cast<size_t>(2 * count));
  for (int64_t i = 0; i < count; ++i) {
    v[2 * i] = static_cast<int32_t>(rng.integer(0, width - 1));
    v[2 * i + 1] = static_cast<int32_t>(rng.integer(0, height - drop_length - 1));
  }
  return int_rows(v, {count, 2});
}

Tensor rain(const Tensor& image, const Tensor& drops, double slant, int64_t drop_length, int64_t drop_width,
            const Rgb& color, int64_t blur, double brightness) {
  cv::Mat src = rgb_u8(image, "effects.rain");
  Tensor d = rows_of<int32_t>(drops, 2, "drops");
  int64_t n = d.numel() / 2;
  cv::Mat out = copy_of(src);
  if (n == 0) return from_mat(out);
  // A gray drop colour (the default) makes three equal channels: draw and blur one
  const bool gray = color[0] == color[1] && color[1] == color[2];
  cv::Mat layer = cv::Mat::zeros(src.size(), gray ? CV_8UC1 : CV_8UC3);
  const int32_t* p = d.data<int32_t>();
  for (int64_t i = 0; i < n; ++i) {
    int x = p[2 * i], y = p[2 * i + 1];
    // albumentations adds the slant in float64 and truncates with astype(int32)
    cv::Point end(static_cast<int>(static_cast<double>(x) + slant), static_cast<int>(y + drop_length));
    cv::line(layer, cv::Point(x, y), end, scalar_of(color), static_cast<int>(drop_width), cv::LINE_4);
  }
  if (blur > 1) cv::blur(layer, layer, cv::Size(static_cast<int>(blur), static_cast<int>(blur)));
  // saturating add, then OpenCV's scalar multiply, fused: the multiply's 256 results come from
  // cv::multiply itself, so the table is its rounding
  cv::Mat levels(1, 256, CV_8UC3), scaled;
  for (int v = 0; v < 256; ++v) levels.at<cv::Vec3b>(0, v) = cv::Vec3b(v, v, v);
  cv::multiply(levels, cv::Scalar::all(brightness), scaled, 1.0, CV_8U);
  uint8_t lut[256];
  for (int v = 0; v < 256; ++v) lut[v] = brightness != 1.0 ? scaled.at<cv::Vec3b>(0, v)[0] : static_cast<uint8_t>(v);
  for (int y = 0; y < out.rows; ++y) {
    const uint8_t* l = layer.ptr<uint8_t>(y);
    uint8_t* o = out.ptr<uint8_t>(y);
    if (gray) {
      for (int x = 0; x < out.cols; ++x)
        for (int c = 0; c < 3; ++c) o[3 * x + c] = lut[std::min(255, o[3 * x + c] + l[x])];
    } else {
      for (int k = 0; k < 3 * out.cols; ++k) o[k] = lut[std::min(255, o[k] + l[k])];
    }
  }
  return from_mat(out);
}

// --- Fog ------------------------------------------------------------------------------------------

Tensor fog_particles(int64_t height, int64_t width, double intensity, RandomStream& rng) {
  int64_t region = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(width / 3) * intensity));
  // albumentations centre((H, W)) = (W / 2 - 0.5, H / 2 - 0.5), truncated
  int64_t cx = static_cast<int64_t>(width / 2.0 - 0.5), cy = static_cast<int64_t>(height / 2.0 - 0.5);
  int64_t w = width, h = height;
  std::vector<int32_t> xy;
  for (int it = 0; w > region && h > region && it < 10; ++it) {
    double area = static_cast<double>(w * h);
    int64_t count = static_cast<int64_t>(area / static_cast<double>(region * region) * intensity * 10);
    check_geometry(static_cast<int64_t>(xy.size() / 2) + count, "fog particles");
    for (int64_t k = 0; k < count; ++k) {
      xy.push_back(static_cast<int32_t>(rng.integer(cx - w / 2, cx + w / 2)));
      xy.push_back(static_cast<int32_t>(rng.integer(cy - h / 2, cy + h / 2)));
    }
    w = static_cast<int64_t>(static_cast<double>(w) * 0.9);
    h = static_cast<int64_t>(static_cast<double>(h) * 0.9);
  }
  int64_t n = static_cast<int64_t>(xy.size() / 2);
  int64_t max_r = std::max<int64_t>(2, static_cast<int64_t>(static_cast<double>(std::min(height, width)) * 0.1 * intensity));
  int64_t min_r = std::max<int64_t>(1, max_r / 2);
  std::vector<int32_t> v(static_cast<size_t>(3 * n));
  for (int64_t i = 0; i < n; ++i) {
    v[3 * i] = xy[2 * i];
    v[3 * i + 1] = xy[2 * i + 1];
    v[3 * i + 2] = static_cast<int32_t>(rng.integer(min_r, max_r - 1));
  }
  return int_rows(v, {n, 3});
}

Tensor fog(const Tensor& image, const Tensor& particles, double intensity, double alpha_coef) {
  cv::Mat src = rgb_u8(image, "effects.fog");
  Tensor t = rows_of<int32_t>(particles, 3, "particles");
  const int32_t* p = t.data<int32_t>();
  int64_t n = t.numel() / 3;
  cv::Mat out = copy_of(src);
  double alpha = alpha_coef * intensity;
  cv::Mat overlay;
  // Outside a disk the blend of a pixel with itself gives the pixel back, so only the disk's box runs.
  for (int64_t i = 0; i < n; ++i) {
    int x = p[3 * i], y = p[3 * i + 1], r = p[3 * i + 2];
    if (r < 0 || r > (1 << 24)) argument_error("effects.fog: particle radius outside [0, 2^24]");
    cv::Rect box = disk_box(x, y, r, out.size());
    if (box.empty()) continue;
    cv::Mat roi = out(box);
    roi.copyTo(overlay);
    cv::circle(overlay, cv::Point(x - box.x, y - box.y), r, cv::Scalar::all(255), -1);
    cv::addWeighted(overlay, alpha, roi, 1 - alpha, 0, roi);
  }
  int side = std::max(3, std::min(out.rows, out.cols) / 30);
  if (side % 2 == 0) ++side;
  cv::Mat blurred = output_mat();
  cv::GaussianBlur(out, blurred, cv::Size(side, side), 0);
  return from_mat(blurred);
}

// --- Snow -----------------------------------------------------------------------------------------

Tensor snow_bleach(const Tensor& image, double snow_point, double brightness_coeff) {
  cv::Mat src = rgb_u8(image, "effects.snow_bleach");
  float threshold = static_cast<float>(snow_point * 255 / 2 + 255.0 / 3);
  float coeff = static_cast<float>(brightness_coeff);
  uint8_t lut[256];
  for (int v = 0; v < 256; ++v) {
    float l = static_cast<float>(v);
    if (l < threshold) l = std::min(255.0f, std::max(0.0f, l * coeff));
    lut[v] = static_cast<uint8_t>(l);
  }
  cv::Mat out = output_mat();
  out.create(src.size(), CV_8UC3);
  hls_round_trip(src, out, [&](uint8_t* light, int) {
    for (int x = 0; x < src.cols; ++x) light[x] = lut[light[x]];
  });
  return from_mat(out);
}

Tensor snow_texture(const Tensor& image, double snow_point, double brightness_coeff, const Tensor& noise,
                    const Tensor& sparkle) {
  cv::Mat src = rgb_u8(image, "effects.snow_texture");
  Tensor nz = rows_of<float>(noise, 1, "noise"), sp = rows_of<float>(sparkle, 1, "sparkle");
  int64_t pixels = static_cast<int64_t>(src.rows) * src.cols;
  if (nz.numel() != pixels || sp.numel() != pixels)
    argument_error("effects.snow_texture: noise and sparkle need one value per pixel");
  cv::Mat hsv = output_mat();
  cv::cvtColor(src, hsv, cv::COLOR_RGB2HSV);
  // albumentations blurs the normal texture twice with sigma 1 (once when drawing it, once when applying)
  cv::Mat tex(src.rows, src.cols, CV_32F, const_cast<float*>(nz.data<float>()));
  cv::Mat once = output_mat(), twice = output_mat();
  cv::GaussianBlur(tex, once, cv::Size(0, 0), 1, 1);
  cv::GaussianBlur(once, twice, cv::Size(0, 0), 1, 1);
  const float v_gain = static_cast<float>(1 + brightness_coeff * snow_point);
  const float sp_f = static_cast<float>(snow_point);
  const float tint[3] = {static_cast<float>(0.6 * 0.15 * snow_point), static_cast<float>(0.75 * 0.15 * snow_point),
                         static_cast<float>(1.0 * 0.15 * snow_point)};
  const double rows = static_cast<double>(src.rows);
  const float* spark = sp.data<float>();
  for (int y = 0; y < hsv.rows; ++y) {
    // np.linspace(1, 0.2, rows)[y], multiplied in float64 like the reference
    double depth = rows > 1 ? 1.0 + (0.2 - 1.0) * (static_cast<double>(y) / (rows - 1)) : 1.0;
    if (rows > 1 && y == hsv.rows - 1) depth = 0.2;
    const float* t = twice.ptr<float>(y);
    uint8_t* row = hsv.ptr<uint8_t>(y);
    for (int x = 0; x < hsv.cols; ++x) {
      float layer = static_cast<float>(static_cast<float>(static_cast<double>(t[x]) * depth) * 255.0f * sp_f);
      float h = static_cast<float>(row[3 * x]), s = static_cast<float>(row[3 * x + 1]);
      float v = std::min(255.0f, std::max(0.0f, static_cast<float>(row[3 * x + 2]) * v_gain));
      float c[3] = {h + layer, s + layer, v + layer};
      for (int k = 0; k < 3; ++k) row[3 * x + k] = numpy_u8(c[k] * 0.85f + tint[k]);
    }
  }
  cv::Mat out = output_mat();
  cv::cvtColor(hsv, out, cv::COLOR_HSV2RGB);
  for (int y = 0; y < out.rows; ++y) {
    uint8_t* row = out.ptr<uint8_t>(y);
    const float* s = spark + static_cast<int64_t>(y) * out.cols;
    for (int x = 0; x < out.cols; ++x)
      if (s[x] > 0.99f) row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = 255;
  }
  return from_mat(out);
}

// --- Sun flare ------------------------------------------------------------------------------------

Tensor flare_geometry(int64_t height, int64_t width, const FlareSpec& spec, RandomStream& rng) {
  const double pi = 3.14159265358979323846;
  double diagonal = std::sqrt(static_cast<double>(height * height + width * width));
  double angle = 2 * pi * rng.uniform(spec.angle[0], spec.angle[1]);
  int64_t cx = static_cast<int64_t>(static_cast<double>(width) * rng.uniform(spec.roi[0], spec.roi[2]));
  int64_t cy = static_cast<int64_t>(static_cast<double>(height) * rng.uniform(spec.roi[1], spec.roi[3]));
  int64_t n = rng.integer(spec.num_circles[0], spec.num_circles[1]);
  int64_t step = std::max<int64_t>(1, static_cast<int64_t>(diagonal * 0.01));
  int64_t max_radius = std::max<int64_t>(2, static_cast<int64_t>(static_cast<double>(height) * 0.01));
  int64_t color_range = static_cast<int64_t>(std::max({spec.src_color[0], spec.src_color[1], spec.src_color[2]}) * 0.2);
  int64_t points = 0;
  for (int64_t t = -cx; t < width - cx; t += step) ++points;
  Tensor out = Tensor::zeros(DType::F32, {n + 1, 7});
  float* f = out.mutable_data<float>();
  f[1] = static_cast<float>(cx);
  f[2] = static_cast<float>(cy);
  for (int64_t i = 1; i <= n; ++i) {
    float* row = f + 7 * i;
    row[0] = static_cast<float>(rng.uniform(0.05, 0.2));
    double t = static_cast<double>(-cx + step * static_cast<int64_t>(rng.below(static_cast<uint64_t>(points))));
    row[1] = static_cast<float>(static_cast<int64_t>(static_cast<double>(cx) + t * std::cos(angle)));
    row[2] = static_cast<float>(static_cast<int64_t>(static_cast<double>(cy) + t * std::sin(angle)));
    int64_t rad = rng.integer(1, max_radius);
    row[3] = static_cast<float>(rad * rad * rad);
    for (int k = 0; k < 3; ++k) {
      int64_t c = static_cast<int64_t>(spec.src_color[k]);
      row[4 + k] = static_cast<float>(rng.integer(std::max<int64_t>(c - color_range, 0), c));
    }
  }
  return out;
}

namespace {

// round(alpha * over + (1 - alpha) * out) in f32, saturated, over the box (albumentations' add_weighted).
void blend_box(const cv::Mat& over, cv::Mat& out, const cv::Rect& box, double alpha) {
  const float a = static_cast<float>(alpha), b = static_cast<float>(1 - alpha);
  for (int y = box.y; y < box.y + box.height; ++y) {
    const uint8_t* o = over.ptr<uint8_t>(y) + 3 * box.x;
    uint8_t* d = out.ptr<uint8_t>(y) + 3 * box.x;
    const int n = 3 * box.width;
    for (int k = 0; k < n; ++k) {
      // round half to even by the 1.5 * 2^23 trick (vectorizes; the sum is in [0, 255])
      float v = a * static_cast<float>(o[k]) + b * static_cast<float>(d[k]);
      v = round_half_even_pixel(v);
      d[k] = static_cast<uint8_t>(std::min(255.0f, v));
    }
  }
}

struct Flare {
  int cx, cy;
  std::vector<std::array<float, 7>> circles;
};

Flare read_flare(const Tensor& flare) {
  Tensor t = rows_of<float>(flare, 7, "flare");
  int64_t rows = t.numel() / 7;
  if (rows < 1) argument_error("flare needs a source row");
  const float* f = t.data<float>();
  Flare r{static_cast<int>(f[1]), static_cast<int>(f[2]), {}};
  for (int64_t i = 0; i < 7 * rows; ++i)
    if (!(std::fabs(f[i]) < 1e9f)) argument_error("flare values must be finite and below 1e9 in magnitude");
  for (int64_t i = 1; i < rows; ++i) {
    std::array<float, 7> c;
    std::copy(f + 7 * i, f + 7 * i + 7, c.begin());
    r.circles.push_back(c);
  }
  return r;
}

}  // namespace

Tensor sun_flare_overlay(const Tensor& image, const Tensor& flare, int64_t src_radius, const Rgb& src_color) {
  cv::Mat src = rgb_u8(image, "effects.sun_flare_overlay");
  Flare fl = read_flare(flare);
  cv::Mat overlay = src.clone();
  cv::Mat out = copy_of(src);
  const cv::Rect frame(0, 0, src.cols, src.rows);
  // overlay and output differ only where some disk was drawn: blend over the union of the disks' boxes
  cv::Rect drawn;
  double weighted = 0, total = 0;
  for (const auto& c : fl.circles) {
    double alpha = c[0];
    int x = static_cast<int>(c[1]), y = static_cast<int>(c[2]), r = static_cast<int>(c[3]);
    weighted += alpha * c[3];
    total += c[3];
    cv::circle(overlay, cv::Point(x, y), r, cv::Scalar(c[4], c[5], c[6]), -1);
    drawn |= disk_box(x, y, r, src.size());
    if (!drawn.empty()) blend_box(overlay, out, drawn & frame, alpha);
  }
  // The source: disks of growing radius around one centre, each blended in with its alpha. Where
  // a disk is drawn the overlay is the source colour, elsewhere it equals the output, so disk i
  // maps a pixel v inside it through lut_i[v] = round(a_i color + (1 - a_i) v) and leaves the rest.
  // The disks are nested, so a pixel whose smallest disk is k gets lut_{n-1}(... lut_k(v)): one
  // composed table per k, and one pass over a map of k drawn from the largest disk down.
  const int64_t times = src_radius / 10;
  double max_alpha = total > 0 ? std::min(weighted / total * 5, 1.0) : std::nan("");
  if (times <= 0 || !std::isfinite(max_alpha)) return from_mat(out);
  if (times > 65535) argument_error("effects.sun_flare: src_radius above 655359");
  std::vector<int> radius(static_cast<size_t>(times));
  std::vector<std::array<uint8_t, 256>> steps(static_cast<size_t>(times) * 3);
  for (int64_t i = 0; i < times; ++i) {
    double rad = times > 1 ? 1 + (static_cast<double>(src_radius) - 1) * static_cast<double>(i) / static_cast<double>(times - 1)
                           : 1.0;
    if (times > 1 && i == times - 1) rad = static_cast<double>(src_radius);
    radius[static_cast<size_t>(i)] = static_cast<int>(rad);
    int64_t j = times - i - 1;
    double a = times > 1 ? max_alpha * static_cast<double>(j) / static_cast<double>(times - 1) : 0.0;
    if (times > 1 && j == times - 1) a = max_alpha;
    double alp = a * a * a;
    const float fa = static_cast<float>(alp), fb = static_cast<float>(1 - alp);
    for (int c = 0; c < 3; ++c) {
      const float over = static_cast<float>(cv::saturate_cast<uint8_t>(src_color[c]));  // as cv::circle draws it
      auto& lut = steps[static_cast<size_t>(i * 3 + c)];
      for (int v = 0; v < 256; ++v) {
        float x = fa * over + fb * static_cast<float>(v);
        x = round_half_even_pixel(x);
        lut[static_cast<size_t>(v)] = static_cast<uint8_t>(std::min(255.0f, x));
      }
    }
  }
  // composed[k] = lut_{n-1} o ... o lut_k; composed[n] is the identity
  std::vector<uint8_t> composed(static_cast<size_t>(times + 1) * 3 * 256);
  for (int c = 0; c < 3; ++c)
    for (int v = 0; v < 256; ++v) composed[(static_cast<size_t>(times) * 3 + c) * 256 + v] = static_cast<uint8_t>(v);
  for (int64_t k = times - 1; k >= 0; --k)
    for (int c = 0; c < 3; ++c) {
      const uint8_t* next = &composed[(static_cast<size_t>(k + 1) * 3 + c) * 256];
      uint8_t* cur = &composed[(static_cast<size_t>(k) * 3 + c) * 256];
      const auto& lut = steps[static_cast<size_t>(k * 3 + c)];
      for (int v = 0; v < 256; ++v) cur[v] = next[lut[static_cast<size_t>(v)]];
    }
  cv::Rect box = disk_box(fl.cx, fl.cy, radius.back(), src.size());
  if (box.empty()) return from_mat(out);
  cv::Mat first(box.size(), CV_16U, cv::Scalar(static_cast<double>(times)));
  const cv::Point centre(fl.cx - box.x, fl.cy - box.y);
  for (int64_t k = times - 1; k >= 0; --k)
    cv::circle(first, centre, radius[static_cast<size_t>(k)], cv::Scalar(static_cast<double>(k)), -1);
  for (int y = 0; y < box.height; ++y) {
    const uint16_t* kk = first.ptr<uint16_t>(y);
    uint8_t* d = out.ptr<uint8_t>(box.y + y) + 3 * box.x;
    for (int x = 0; x < box.width; ++x) {
      const uint8_t* t = &composed[static_cast<size_t>(kk[x]) * 768];
      d[3 * x] = t[d[3 * x]];
      d[3 * x + 1] = t[256 + d[3 * x + 1]];
      d[3 * x + 2] = t[512 + d[3 * x + 2]];
    }
  }
  return from_mat(out);
}

Tensor sun_flare_physics(const Tensor& image, const Tensor& flare, int64_t src_radius, const Rgb& src_color) {
  cv::Mat src = rgb_u8(image, "effects.sun_flare_physics");
  Flare fl = read_flare(flare);
  const int w = src.cols, h = src.rows;
  cv::Mat layer = cv::Mat::zeros(src.size(), CV_32FC3);
  cv::Point center(fl.cx, fl.cy);
  cv::circle(layer, center, static_cast<int>(src_radius), scalar_of(src_color), -1);
  const double pi = 3.14159265358979323846;
  const double reach = std::max(w, h);
  for (int angle : {0, 45, 90, 135}) {
    double rad = angle * pi / 180;
    cv::Point end(static_cast<int>(fl.cx + std::cos(rad) * reach), static_cast<int>(fl.cy + std::sin(rad) * reach));
    cv::line(layer, center, end, scalar_of(src_color), 2);
  }
  for (const auto& c : fl.circles)
    cv::circle(layer, cv::Point(static_cast<int>(c[1]), static_cast<int>(c[2])),
               static_cast<int>(std::pow(static_cast<double>(c[3]), 0.33)), cv::Scalar(c[4], c[5], c[6]), -1);
  cv::Mat blurred = output_mat();
  cv::GaussianBlur(layer, blurred, cv::Size(0, 0), 15, 15);
  const double falloff = reach * 0.7;
  std::vector<cv::Mat> ch(3);
  for (int k = 0; k < 3; ++k) ch[k] = output_mat();
  cv::split(blurred, ch);
  for (int y = 0; y < h; ++y) {
    float* p[3] = {ch[0].ptr<float>(y), ch[1].ptr<float>(y), ch[2].ptr<float>(y)};
    double dy = static_cast<double>(y - fl.cy);
    for (int x = 0; x < w; ++x) {
      double dx = static_cast<double>(x - fl.cx);
      double m = 1 - std::min(1.0, std::max(0.0, std::sqrt(dx * dx + dy * dy) / falloff));
      for (int k = 0; k < 3; ++k) p[k][x] = static_cast<float>(static_cast<double>(p[k][x]) * m);
    }
  }
  cv::GaussianBlur(ch[0], ch[0], cv::Size(0, 0), 3, 3);
  cv::GaussianBlur(ch[2], ch[2], cv::Size(0, 0), 5, 5);
  cv::Mat out = output_mat();
  out.create(src.size(), CV_8UC3);
  for (int y = 0; y < h; ++y) {
    const uint8_t* s = src.ptr<uint8_t>(y);
    const float* p[3] = {ch[0].ptr<float>(y), ch[1].ptr<float>(y), ch[2].ptr<float>(y)};
    uint8_t* d = out.ptr<uint8_t>(y);
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < 3; ++k) {
        float inv = static_cast<float>(static_cast<uint8_t>(255 - s[3 * x + k]));
        float v = 255.0f - inv * (255.0f - p[k][x]) / 255.0f;
        d[3 * x + k] = static_cast<uint8_t>(std::min(255.0f, std::max(0.0f, v)));
      }
  }
  return from_mat(out);
}

// --- Shadow ---------------------------------------------------------------------------------------

Tensor shadow_polygons(int64_t height, int64_t width, const std::array<double, 4>& roi, int64_t min_shadows,
                       int64_t max_shadows, int64_t dimension, RandomStream& rng) {
  int64_t x0 = static_cast<int64_t>(roi[0] * static_cast<double>(width));
  int64_t x1 = static_cast<int64_t>(roi[2] * static_cast<double>(width));
  int64_t y0 = static_cast<int64_t>(roi[1] * static_cast<double>(height));
  int64_t y1 = static_cast<int64_t>(roi[3] * static_cast<double>(height));
  if (x1 <= x0 || y1 <= y0) range_error("shadow_roi covers no pixel of a " + std::to_string(height) + " x " +
                                        std::to_string(width) + " image");
  check_geometry(max_shadows * dimension, "shadow vertices");
  int64_t k = rng.integer(min_shadows, max_shadows);
  std::vector<int32_t> v(static_cast<size_t>(k * dimension * 2));
  for (int64_t i = 0; i < k; ++i) {
    int32_t* poly = v.data() + i * dimension * 2;
    for (int64_t j = 0; j < dimension; ++j) poly[2 * j] = static_cast<int32_t>(rng.integer(x0, x1 - 1));
    for (int64_t j = 0; j < dimension; ++j) poly[2 * j + 1] = static_cast<int32_t>(rng.integer(y0, y1 - 1));
  }
  return int_rows(v, {k, dimension, 2});
}

Tensor shadow(const Tensor& image, const Tensor& polygons, const Tensor& intensities) {
  if (image.dtype() != DType::U8) argument_error("effects.shadow takes u8 images");
  ImageShape s = image_shape(image, "image");
  cv::Mat src = as_mat(image);
  cv::Mat out = copy_of(src);
  Tensor poly = rows_of<int32_t>(polygons, 2, "polygons");
  if (poly.ndim() != 3) argument_error("effects.shadow: polygons must be K x D x 2");
  Tensor inten = intensities.cast(DType::F64).contiguous();
  int64_t k = poly.dim(0), d = poly.dim(1);
  if (inten.numel() < k) argument_error("effects.shadow: fewer intensities than polygons");
  cv::Mat mask = cv::Mat::zeros(src.size(), CV_8U);
  const int32_t* p = poly.data<int32_t>();
  const double* a = inten.data<double>();
  const int c = static_cast<int>(s.channels);
  for (int64_t i = 0; i < k; ++i) {
    std::vector<cv::Point> pts;
    for (int64_t j = 0; j < d; ++j) pts.emplace_back(p[(i * d + j) * 2], p[(i * d + j) * 2 + 1]);
    cv::Rect box = cv::boundingRect(pts) & cv::Rect(0, 0, src.cols, src.rows);
    if (box.empty()) continue;
    mask(box).setTo(0);
    cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{pts}, cv::Scalar(255));
    double darkness = 1 - a[i];
    uint8_t lut[256];
    for (int v = 0; v < 256; ++v) lut[v] = static_cast<uint8_t>(std::min(255.0, std::max(0.0, v * darkness)));
    for (int y = box.y; y < box.y + box.height; ++y) {
      const uint8_t* m = mask.ptr<uint8_t>(y);
      uint8_t* row = out.ptr<uint8_t>(y);
      for (int x = box.x; x < box.x + box.width; ++x)
        if (m[x]) for (int q = 0; q < c; ++q) row[x * c + q] = lut[row[x * c + q]];
    }
  }
  return from_mat(out, image.ndim() == 3);
}

// --- Gravel ---------------------------------------------------------------------------------------

Tensor gravel_particles(int64_t height, int64_t width, const std::array<double, 4>& roi, int64_t patches,
                        RandomStream& rng) {
  int64_t x0 = static_cast<int64_t>(roi[0] * static_cast<double>(width));
  int64_t y0 = static_cast<int64_t>(roi[1] * static_cast<double>(height));
  int64_t x1 = static_cast<int64_t>(roi[2] * static_cast<double>(width));
  int64_t y1 = static_cast<int64_t>(roi[3] * static_cast<double>(height));
  int64_t rw = x1 - x0, rh = y1 - y0;
  std::vector<int32_t> v;
  for (int64_t p = 0; p < patches; ++p) {
    int64_t pw = rng.integer(rw / 10, rw / 5), ph = rng.integer(rh / 10, rh / 5);
    int64_t px = rng.integer(x0, x1 - pw), py = rng.integer(y0, y1 - ph);
    int64_t particles = pw * ph / 100;
    check_geometry(static_cast<int64_t>(v.size() / 5) + particles, "gravel particles");
    for (int64_t q = 0; q < particles; ++q) {
      int64_t x = rng.integer(px, px + pw), y = rng.integer(py, py + ph);
      int64_t r = rng.integer(1, 3), sat = rng.integer(0, 255);
      v.insert(v.end(), {static_cast<int32_t>(std::max<int64_t>(y - r, 0)), static_cast<int32_t>(std::min(y + r, height - 1)),
                         static_cast<int32_t>(std::max<int64_t>(x - r, 0)), static_cast<int32_t>(std::min(x + r, width - 1)),
                         static_cast<int32_t>(sat)});
    }
  }
  return int_rows(v, {static_cast<int64_t>(v.size() / 5), 5});
}

Tensor gravel(const Tensor& image, const Tensor& rectangles) {
  cv::Mat src = rgb_u8(image, "effects.gravel");
  Tensor t = rows_of<int32_t>(rectangles, 5, "rectangles");
  const int32_t* r = t.data<int32_t>();
  const int64_t n = t.numel() / 5;
  cv::Mat out = output_mat();
  out.create(src.size(), CV_8UC3);
  hls_round_trip(src, out, [&](uint8_t* light, int y) {
    // the rectangles covering this row, in their order (a later one overwrites an earlier one)
    for (int64_t i = 0; i < n; ++i) {
      if (y < r[5 * i] || y >= r[5 * i + 1]) continue;
      int xa = std::max(0, r[5 * i + 2]), xb = std::min(src.cols, static_cast<int>(r[5 * i + 3]));
      uint8_t value = static_cast<uint8_t>(std::min(255, std::max(0, static_cast<int>(r[5 * i + 4]))));
      for (int x = xa; x < xb; ++x) light[x] = value;
    }
  });
  return from_mat(out);
}

// --- Spatter --------------------------------------------------------------------------------------

Tensor spatter(const Tensor& image, const Tensor& liquid, double sigma, double cutout, double intensity, bool mud,
               const Rgb& color_u8) {
  cv::Mat src = rgb_u8(image, "effects.spatter");
  Tensor lq = rows_of<float>(liquid, 1, "liquid");
  const int h = src.rows, w = src.cols;
  if (lq.numel() != static_cast<int64_t>(h) * w) argument_error("effects.spatter: liquid needs one value per pixel");
  cv::Mat layer(h, w, CV_32F);
  std::copy(lq.data<float>(), lq.data<float>() + lq.numel(), layer.ptr<float>());
  // ksize = 2 * round(3 sigma) + 1 with Python's round (half to even)
  int ksize = static_cast<int>(2 * std::nearbyint(3 * sigma) + 1);
  cv::GaussianBlur(layer, layer, cv::Size(ksize, ksize), sigma, sigma, cv::BORDER_REPLICATE);
  const float cut = static_cast<float>(cutout);
  layer.setTo(0, layer < cut);
  const double color[3] = {color_u8[0] / 255.0, color_u8[1] / 255.0, color_u8[2] / 255.0};
  cv::Mat out = output_mat();
  out.create(src.size(), CV_8UC3);
  auto to_float = [](uint8_t v) { return static_cast<float>(v) / 255.0f; };
  auto to_u8 = [](double v) {
    v = std::nearbyint(std::min(1.0, std::max(0.0, v)) * 255.0);
    return static_cast<uint8_t>(v);
  };
  if (!mud) {
    cv::Mat l8(h, w, CV_8U);
    for (int y = 0; y < h; ++y) {
      const float* s = layer.ptr<float>(y);
      uint8_t* d = l8.ptr<uint8_t>(y);
      for (int x = 0; x < w; ++x) d[x] = static_cast<uint8_t>(std::min(255.0f, std::max(0.0f, s[x] * 255.0f)));
    }
    cv::Mat edges, dist;
    cv::Canny(l8, edges, 50, 150);
    cv::subtract(cv::Scalar::all(255), edges, edges);
    cv::distanceTransform(edges, dist, cv::DIST_L2, 5);
    cv::threshold(dist, dist, 20, 20, cv::THRESH_TRUNC);
    cv::GaussianBlur(dist, dist, cv::Size(3, 3), 1, 1, cv::BORDER_REPLICATE);
    // albumentations keeps the distance as f32 in [0, 20]; its equalize (uint8_io) takes that as a
    // [0, 1] image: rint(d * 255) saturated to u8, equalized, back to f32 / 255
    cv::Mat d8(h, w, CV_8U);
    for (int y = 0; y < h; ++y) {
      const float* s = dist.ptr<float>(y);
      uint8_t* d = d8.ptr<uint8_t>(y);
      for (int x = 0; x < w; ++x) d[x] = static_cast<uint8_t>(std::min(255.0f, std::max(0.0f, std::nearbyint(s[x] * 255.0f))));
    }
    cv::equalizeHist(d8, d8);
    float to_unit[256];
    for (int v = 0; v < 256; ++v) to_unit[v] = static_cast<float>(v) / 255.0f;
    cv::Mat df(h, w, CV_32F);
    for (int y = 0; y < h; ++y) {
      const uint8_t* s = d8.ptr<uint8_t>(y);
      float* d = df.ptr<float>(y);
      for (int x = 0; x < w; ++x) d[x] = to_unit[s[x]];
    }
    const float ker[9] = {-2, -1, 0, -1, 1, 1, 0, 1, 2};
    cv::filter2D(df, df, -1, cv::Mat(3, 3, CV_32F, const_cast<float*>(ker)));
    cv::min(cv::max(df, 0.0), 1.0, df);  // albumentations' convolve is @clipped: [0, 1] for f32
    cv::GaussianBlur(df, df, cv::Size(5, 5), 1.5, 1.5, cv::BORDER_REPLICATE);
    cv::Mat m(h, w, CV_32F);
    float m_max = 0;
    for (int y = 0; y < h; ++y) {
      const uint8_t* a = l8.ptr<uint8_t>(y);
      const float* b = df.ptr<float>(y);
      float* d = m.ptr<float>(y);
      for (int x = 0; x < w; ++x) {
        d[x] = static_cast<float>(a[x]) * b[x];
        m_max = std::max(m_max, d[x]);
      }
    }
    float scale = m_max > 0 ? 1 / m_max : 0.0f;
    double gain = intensity * 0.9;
    for (int y = 0; y < h; ++y) {
      const uint8_t* s = src.ptr<uint8_t>(y);
      const float* mm = m.ptr<float>(y);
      uint8_t* d = out.ptr<uint8_t>(y);
      for (int x = 0; x < w; ++x) {
        double drop = static_cast<double>(mm[x] * scale);
        for (int k = 0; k < 3; ++k) {
          float drops = static_cast<float>(drop * color[k] * gain);
          d[3 * x + k] = to_u8(static_cast<double>(to_float(s[3 * x + k]) + drops));
        }
      }
    }
    return from_mat(out);
  }
  cv::Mat mask(h, w, CV_32F);
  for (int y = 0; y < h; ++y) {
    const float* s = layer.ptr<float>(y);
    float* d = mask.ptr<float>(y);
    for (int x = 0; x < w; ++x) d[x] = s[x] > cut ? 1.0f : 0.0f;
  }
  if (sigma > 0) cv::GaussianBlur(mask, mask, cv::Size(0, 0), sigma, sigma, cv::BORDER_REPLICATE);
  double mask_max;
  cv::minMaxLoc(mask, nullptr, &mask_max);
  // An all-dry layer: albumentations wets a random 10% of the pixels; here the mask stays dry (no mud).
  float norm = mask_max > 0 ? static_cast<float>(1.0 / mask_max) : 0.0f;
  for (int y = 0; y < h; ++y) {
    const uint8_t* s = src.ptr<uint8_t>(y);
    const float* mm = mask.ptr<float>(y);
    uint8_t* d = out.ptr<uint8_t>(y);
    for (int x = 0; x < w; ++x) {
      float mv = static_cast<float>(static_cast<double>(mm[x] * norm) * intensity);
      for (int k = 0; k < 3; ++k) {
        float mud_k = static_cast<float>(static_cast<double>(mv) * color[k]);
        float keep = color[k] > 0 ? static_cast<float>(std::min(1.0, std::max(0.0, (color[k] - mud_k) / color[k])))
                                  : 1.0f - mv;
        d[3 * x + k] = to_u8(static_cast<double>(to_float(s[3 * x + k]) * keep + mud_k));
      }
    }
  }
  return from_mat(out);
}

}  // namespace pxp::kernels
