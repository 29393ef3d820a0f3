#include "kernels/color.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "kernels/image_dtype.hpp"
#include "kernels/cv_bridge.hpp"
#include "kernels/lab_u8.hpp"
#include "kernels/lookup.hpp"
#include "kernels/normalize_rgb_u8.hpp"
#include "kernels/rgb_planes.hpp"
#include "kernels/vector_clones.hpp"
#include "kernels/vector_math.hpp"

namespace pxp::kernels {

namespace {

template <typename T> constexpr float max_of() { return static_cast<float>(pixel_max<T>()); }


Tensor like(const Tensor& image, DType dtype) { return Tensor::empty(dtype, image.shape()); }

// torchvision's luma weights (rgb_to_grayscale), not OpenCV's 0.299.
constexpr float kR = 0.2989f, kG = 0.587f, kB = 0.114f;

template <typename T> inline float gray_of(const T* p) {
  float g = kR * static_cast<float>(p[0]) + kG * static_cast<float>(p[1]) + kB * static_cast<float>(p[2]);
  // torchvision floors the gray image of integer images before blending. The pixel types are
  // unsigned, so g >= 0 and truncation is the floor: a conversion instead of a libm call.
  static_assert(std::is_floating_point_v<T> || std::is_unsigned_v<T>);
  if constexpr (!std::is_floating_point_v<T>) g = static_cast<float>(static_cast<int32_t>(g));
  return g;
}

void need_gray_or_rgb(const Tensor& image, const char* op) {
  int64_t c = channel_count(image);
  if (c != 1 && c != 3)
    argument_error(std::string(op) + " needs a 1- or 3-channel image, not " + std::to_string(c) + " channels");
}

// out[i] = f(image[i]). For u8 images f is evaluated once per possible value into a table, so
// the result has the same bits as calling it per element, at the cost of a lookup.
template <typename T, typename F> Tensor map_values(const Tensor& image, F f) {
  Tensor out = like(image, image.dtype());
  const T* src = image.data<T>();
  T* dst = out.mutable_data<T>();
  const int64_t n = image.numel();
  if constexpr (std::is_same_v<T, uint8_t>) {
    if (n >= 1024) {
      std::array<uint8_t, 256> table;
      for (int v = 0; v < 256; ++v) table[static_cast<size_t>(v)] = f(static_cast<uint8_t>(v));
      lookup_u8(src, dst, n, table.data());
      return out;
    }
  }
  for (int64_t i = 0; i < n; ++i) dst[i] = f(src[i]);
  return out;
}

// 255 - x, 32 or 64 bytes per instruction where the CPU has them (the default clone's 16 left
// InvertImg at half of numpy's speed on an image in cache).
PXP_VECTOR_CLONES void invert_bytes(const uint8_t* src, uint8_t* dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<uint8_t>(255 - src[i]);
}

// out[i] = f(image[i]) for u8 arithmetic that the compiler vectorizes (no table): invert,
// posterize, solarize run at memory speed this way.
template <typename F> Tensor map_bytes(const Tensor& image, F f) {
  Tensor out = like(image, DType::U8);
  const uint8_t* src = image.data<uint8_t>();
  uint8_t* dst = out.mutable_data<uint8_t>();
  const int64_t n = image.numel();
  for (int64_t i = 0; i < n; ++i) dst[i] = f(src[i]);
  return out;
}

// torchvision's _rgb_to_hsv / _hsv_to_rgb on one pixel, all in [0, 1].
inline void rgb_to_hsv(float r, float g, float b, float& h, float& s, float& v) {
  float maxc = std::max(r, std::max(g, b)), minc = std::min(r, std::min(g, b));
  bool eqc = maxc == minc;
  float cr = maxc - minc;
  s = cr / (eqc ? 1.0f : maxc);
  float div = eqc ? 1.0f : cr;
  float rc = (maxc - r) / div, gc = (maxc - g) / div, bc = (maxc - b) / div;
  float hh;
  if (maxc == r) hh = bc - gc;
  else if (maxc == g) hh = 2.0f + rc - bc;
  else hh = 4.0f + gc - rc;
  // fmod(x, 1) for x = hh / 6 + 1 in [5/6, 11/6]: x - 1 from 1 on (exact there), without libm
  hh = hh / 6.0f + 1.0f;
  h = hh >= 1.0f ? hh - 1.0f : hh;
  v = maxc;
}

inline void hsv_to_rgb(float h, float s, float v, float& r, float& g, float& b) {
  float h6 = h * 6.0f;   // h in [0, 1] (1 after rounding at most): floor is truncation
  int i = static_cast<int>(h6);
  float f = h6 - static_cast<float>(i);
  if (i >= 6) i -= 6;    // torchvision's i % 6
  auto clamp01 = [](float x) { return std::min(std::max(x, 0.0f), 1.0f); };
  float p = clamp01(v * (1.0f - s)), q = clamp01(v * (1.0f - s * f)), t = clamp01(v * (1.0f - s * (1.0f - f)));
  switch (i) {
    case 0: r = v; g = t; b = p; break;
    case 1: r = q; g = v; b = p; break;
    case 2: r = p; g = v; b = t; break;
    case 3: r = p; g = q; b = v; break;
    case 4: r = t; g = p; b = v; break;
    default: r = v; g = p; b = q; break;
  }
}

}  // namespace

double intensity_max(DType dtype) {
  switch (dtype) {
    case DType::U8: return 255.0;
    case DType::U16: return 65535.0;
    case DType::F32: case DType::F64: return 1.0;
    default: break;
  }
  type_error(std::string("images of dtype ") + dtype_name(dtype) + " are not supported here (u8, u16 or f32)");
}

int64_t channel_count(const Tensor& image) { return image.ndim() == 3 ? image.dim(2) : 1; }
int64_t pixel_count(const Tensor& image) { return image.dim(0) * image.dim(1); }

// ---------------------------------------------------------------------------------------------
// Conversions through OpenCV.

const std::vector<std::string>& color_conversion_names() {
  static const std::vector<std::string> names{"rgb_to_gray", "gray_to_rgb",  "rgb_to_hsv", "hsv_to_rgb",
                                              "rgb_to_ycrcb", "ycrcb_to_rgb", "rgb_to_lab", "lab_to_rgb",
                                              "rgb_to_bgr",  "bgr_to_rgb"};
  return names;
}

ColorConversion color_conversion_from_name(const std::string& name) {
  const auto& names = color_conversion_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<ColorConversion>(i);
  argument_error("unknown color conversion '" + name + "'");
}

int conversion_input_channels(ColorConversion c) { return c == ColorConversion::GrayToRgb ? 1 : 3; }
int conversion_output_channels(ColorConversion c) { return c == ColorConversion::RgbToGray ? 1 : 3; }

Tensor convert_color(const Tensor& image, ColorConversion conversion) {
  static const int codes[] = {cv::COLOR_RGB2GRAY,  cv::COLOR_GRAY2RGB,  cv::COLOR_RGB2HSV, cv::COLOR_HSV2RGB,
                              cv::COLOR_RGB2YCrCb, cv::COLOR_YCrCb2RGB, cv::COLOR_RGB2Lab, cv::COLOR_Lab2RGB,
                              cv::COLOR_RGB2BGR,   cv::COLOR_BGR2RGB};
  int64_t c = channel_count(image);
  if (c != conversion_input_channels(conversion))
    argument_error("color conversion " + color_conversion_names()[static_cast<size_t>(conversion)] + " needs " +
                   std::to_string(conversion_input_channels(conversion)) + " channels, not " + std::to_string(c));
  const bool lab = conversion == ColorConversion::RgbToLab || conversion == ColorConversion::LabToRgb;
  const bool hsv = conversion == ColorConversion::RgbToHsv || conversion == ColorConversion::HsvToRgb;
  if ((hsv || lab) && image.dtype() == DType::U16)
    argument_error("HSV and Lab conversions take u8 or f32 images, not u16");
  if (lab && image.dtype() == DType::U8) {  // OpenCV's bits, faster (kernels/lab_u8)
    Tensor src = image.contiguous(), out = Tensor::empty(DType::U8, {image.dim(0), image.dim(1), 3});
    if (conversion == ColorConversion::RgbToLab) rgb_to_lab_u8(src.data<uint8_t>(), pixel_count(src), out.mutable_data<uint8_t>());
    else lab_to_rgb_u8(src.data<uint8_t>(), pixel_count(src), out.mutable_data<uint8_t>());
    return out;
  }
  cv::Mat dst = output_mat();
  cv::cvtColor(as_mat(image), dst, codes[static_cast<size_t>(conversion)]);
  return from_mat(dst, image.ndim() == 3 || dst.channels() > 1);
}

// ---------------------------------------------------------------------------------------------
// torchvision adjustments.

namespace {

// The per-value steps of brightness and contrast on u8 values, as tables (the same float
// expressions as the generic loops, so the same bits).
using ByteTable = std::array<uint8_t, 256>;

float brightness_factor(double factor) { return static_cast<float>(factor); }

template <typename T> T brightness_value(T x, float f) { return store_clamped<T>(static_cast<float>(x) * f); }

struct ContrastMap {
  float f, offset;
  ContrastMap(float mean, double factor)
      : f(static_cast<float>(factor)), offset(mean * (1.0f - static_cast<float>(factor))) {}
  template <typename T> T operator()(T x) const { return store_clamped<T>(static_cast<float>(x) * f + offset); }
};

ByteTable brightness_table(double factor) {
  ByteTable t;
  const float f = brightness_factor(factor);
  for (int v = 0; v < 256; ++v) t[static_cast<size_t>(v)] = brightness_value<uint8_t>(static_cast<uint8_t>(v), f);
  return t;
}


// Mean gray (floored per pixel, torchvision's) of a gray or RGB image, of generic pixel type.
template <typename T> float gray_mean(const T* src, int64_t n, int64_t c) {
  double sum = 0.0;
  if constexpr (!std::is_floating_point_v<T>) {
    // Integer grays (floored) summed exactly in 64 bits: the same total as summing doubles,
    // without a serial chain of double additions.
    int64_t total = 0;
    if (c == 3) {
      for (int64_t i = 0; i < n; ++i) total += static_cast<int32_t>(gray_of(src + 3 * i));
    } else {
      for (int64_t i = 0; i < n; ++i) total += src[i];
    }
    sum = static_cast<double>(total);
  } else if (c == 3) {
    for (int64_t i = 0; i < n; ++i) sum += gray_of(src + 3 * i);
  } else {
    for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(src[i]);
  }
  return n > 0 ? static_cast<float>(sum / static_cast<double>(n)) : 0.0f;
}

// Sum of the floored grays of n <= 2^23 / 255 u8 RGB pixels (an int32 cannot overflow): gray_of's
// float products added in the same order, computed instead of looked up so that it vectorizes.
inline __attribute__((always_inline)) int32_t gray_sum_body(const uint8_t* p, int n) {
  int32_t sum = 0;
  for (int i = 0; i < n; ++i)
    sum += static_cast<int32_t>(kR * static_cast<float>(p[3 * i]) + kG * static_cast<float>(p[3 * i + 1]) +
                                kB * static_cast<float>(p[3 * i + 2]));
  return sum;
}
PXP_VECTOR_CLONES int32_t gray_sum_narrow(const uint8_t* p, int n) { return gray_sum_body(p, n); }
PXP_WIDE_AVX512 int32_t gray_sum_wide(const uint8_t* p, int n) { return gray_sum_body(p, n); }

// The same mean for a u8 image whose values are first mapped through `table` (brightness before
// contrast, fused): a block at a time through a buffer that stays in L1.
float gray_mean_u8(const uint8_t* src, int64_t n, int64_t c, const ByteTable* table) {
  int64_t total = 0;
  if (c == 3) {
    constexpr int kBlock = 1024;
    uint8_t mapped[3 * kBlock];
    const bool wide = cpu_has_avx512();
    for (int64_t i = 0; i < n; i += kBlock) {
      const int m = static_cast<int>(std::min<int64_t>(kBlock, n - i));
      const uint8_t* block = src + 3 * i;
      if (table) {
        lookup_u8(block, mapped, 3 * m, table->data());
        block = mapped;
      }
      total += wide ? gray_sum_wide(block, m) : gray_sum_narrow(block, m);
    }
  } else if (table) {
    for (int64_t i = 0; i < n; ++i) total += (*table)[src[i]];
  } else {
    for (int64_t i = 0; i < n; ++i) total += src[i];
  }
  return n > 0 ? static_cast<float>(static_cast<double>(total) / static_cast<double>(n)) : 0.0f;
}

// Saturation of n u8 RGB pixels held as planes (in place): round(x * f + floor(gray) * (1 - f)),
// the same float operations in the same order as saturate_pixel.
inline __attribute__((always_inline)) void saturate_planes_body(uint8_t* r, uint8_t* g, uint8_t* b, int n, float f) {
  const float keep = 1.0f - f;
  for (int i = 0; i < n; ++i) {
    const float rf = static_cast<float>(r[i]), gf = static_cast<float>(g[i]), bf = static_cast<float>(b[i]);
    const float gray = static_cast<float>(static_cast<int32_t>(kR * rf + kG * gf + kB * bf)) * keep;
    r[i] = round_u8(rf * f + gray);
    g[i] = round_u8(gf * f + gray);
    b[i] = round_u8(bf * f + gray);
  }
}
PXP_VECTOR_CLONES void saturate_planes(uint8_t* r, uint8_t* g, uint8_t* b, int n, float f) {
  saturate_planes_body(r, g, b, n, f);
}
PXP_WIDE_AVX512 void saturate_planes_wide(uint8_t* r, uint8_t* g, uint8_t* b, int n, float f) {
  saturate_planes_body(r, g, b, n, f);
}

// A plane loop in its two copies (see PXP_WIDE_AVX512): the AVX-512 one where the CPU has it.
using PlaneEdit = void (*)(uint8_t* r, uint8_t* g, uint8_t* b, int n, float arg);
PlaneEdit pick_copy(PlaneEdit narrow, PlaneEdit wide) { return cpu_has_avx512() ? wide : narrow; }

// adjust_hue's per-pixel float math (rgb_to_hsv, shift, hsv_to_rgb) for u8 RGB without branches:
// selects for the branches, one division where torchvision makes three and h / 6 by a corrected
// product (both explained below), so the same values, not the same steps
// (tests/cpp/color_hue_saturation_test.cpp compares every colour). On planes, in place, so that it
// vectorizes (stride-3 bytes inside the math loop made GCC judge it not worth vectorizing).
inline __attribute__((always_inline)) void hue_shift_planes_body(uint8_t* rp, uint8_t* gp, uint8_t* bp, int n,
                                                                 float shift) {
  constexpr float kSixth = 1.0f / 6.0f, inv = 1.0f / 255.0f;
  for (int i = 0; i < n; ++i) {
    const float r = static_cast<float>(rp[i]) * inv, g = static_cast<float>(gp[i]) * inv,
                b = static_cast<float>(bp[i]) * inv;
    const float maxc = std::max(r, std::max(g, b)), minc = std::min(r, std::min(g, b));
    const bool eqc = maxc == minc;
    const float cr = maxc - minc;
    const float s = cr / pick(eqc, 1.0f, maxc);
    const float div = pick(eqc, 1.0f, cr);
    // torchvision takes rc, gc, bc = (maxc - channel) / div and uses two of them: bc - gc where red
    // is the maximum, 2 + rc - bc where green is, 4 + gc - rc otherwise. Each quotient is 0 for the
    // maximum's channel, exactly 1 for the minimum's (cr / cr) and (maxc - mid) / div for the
    // middle one: one division instead of three, the same bits.
    const float mid = std::max(std::min(r, g), std::min(std::max(r, g), b));
    const float middle = (maxc - mid) / div;
    auto quotient = [&](float c) { return pick(c == maxc, 0.0f, pick(c == minc, 1.0f, middle)); };
    const bool red = maxc == r, green = maxc == g;
    const float x = quotient(pick(red, b, pick(green, r, g)));
    const float y = quotient(pick(red, g, pick(green, b, r)));
    float h = (pick(red, 0.0f, pick(green, 2.0f, 4.0f)) + x) - y;
    // h / 6 correctly rounded without a division (slow: ~20 cycles per 8 lanes here): the product
    // with 1/6, then one correction by the exact residual (fma) -- equal to the quotient for every
    // h that occurs (the every-colour test)
    const float guess = h * kSixth;
    h = std::fma(std::fma(-guess, 6.0f, h), kSixth, guess) + 1.0f;
    h = pick(h >= 1.0f, h - 1.0f, h);
    h = h + shift;
    h = pick(h < 0.0f, h + 1.0f, pick(h >= 1.0f, h - 1.0f, h));
    const float h6 = h * 6.0f;
    float sector = static_cast<float>(static_cast<int32_t>(h6));
    const float frac = h6 - sector;
    sector = pick(sector >= 6.0f, sector - 6.0f, sector);
    const float v = maxc;
    const float p = std::min(std::max(v * (1.0f - s), 0.0f), 1.0f);
    const float q = std::min(std::max(v * (1.0f - s * frac), 0.0f), 1.0f);
    const float t = std::min(std::max(v * (1.0f - s * (1.0f - frac)), 0.0f), 1.0f);
    // per sector 0..5: R = v q p p t v, G = t v v q p p, B = p p t v v q
    const float ro = pick(sector == 0.0f || sector == 5.0f, v, pick(sector == 1.0f, q, pick(sector == 4.0f, t, p)));
    const float go = pick(sector == 0.0f, t, pick(sector <= 2.0f, v, pick(sector == 3.0f, q, p)));
    const float bo = pick(sector <= 1.0f, p, pick(sector == 2.0f, t, pick(sector == 5.0f, q, v)));
    rp[i] = round_u8(ro * 255.0f);
    gp[i] = round_u8(go * 255.0f);
    bp[i] = round_u8(bo * 255.0f);
  }
}

PXP_VECTOR_CLONES void hue_shift_planes(uint8_t* r, uint8_t* g, uint8_t* b, int n, float shift) {
  hue_shift_planes_body(r, g, b, n, shift);
}
PXP_WIDE_AVX512 void hue_shift_planes_wide(uint8_t* r, uint8_t* g, uint8_t* b, int n, float shift) {
  hue_shift_planes_body(r, g, b, n, shift);
}


template <typename T> void saturate_pixel(const T* p, T* out, float f, float g) {
  float gray = gray_of(p) * g;
  for (int k = 0; k < 3; ++k) out[k] = store_clamped<T>(static_cast<float>(p[k]) * f + gray);
}

}  // namespace

Tensor adjust_brightness(const Tensor& image, double factor) {
  const float f = brightness_factor(factor);
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    return map_values<T>(image, [f](T x) { return brightness_value<T>(x, f); });
  });
}

Tensor adjust_contrast(const Tensor& image, double factor) {
  need_gray_or_rgb(image, "color.contrast");
  const int64_t c = channel_count(image), n = pixel_count(image);
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    float mean;
    if constexpr (std::is_same_v<T, uint8_t>) mean = gray_mean_u8(image.data<uint8_t>(), n, c, nullptr);
    else mean = gray_mean(image.data<T>(), n, c);
    return map_values<T>(image, ContrastMap(mean, factor));
  });
}

Tensor adjust_saturation(const Tensor& image, double factor) {
  need_gray_or_rgb(image, "color.saturation");
  if (channel_count(image) == 1) return image;  // torchvision: a gray image has no saturation to change
  const int64_t n = pixel_count(image);
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    Tensor out = like(image, image.dtype());
    const T* src = image.data<T>();
    T* dst = out.mutable_data<T>();
    if constexpr (std::is_same_v<T, uint8_t>) {
      const PlaneEdit saturate = pick_copy(saturate_planes, saturate_planes_wide);
      const float f = static_cast<float>(factor);
      edit_rgb_as_planes(src, dst, n, [&](uint8_t* r, uint8_t* g, uint8_t* b, int m) { saturate(r, g, b, m, f); });
    } else {
      const float f = static_cast<float>(factor), g = 1.0f - f;
      for (int64_t i = 0; i < n; ++i) saturate_pixel(src + 3 * i, dst + 3 * i, f, g);
    }
    return out;
  });
}

Tensor adjust_brightness_contrast_saturation(const Tensor& image, double brightness, double contrast,
                                             double saturation) {
  need_gray_or_rgb(image, "color.jitter");
  if (image.dtype() != DType::U8)
    return adjust_saturation(adjust_contrast(adjust_brightness(image, brightness), contrast), saturation);
  // u8: brightness and contrast are per-value maps, so they compose into one table; the contrast
  // mean is taken through the brightness table; saturation runs on each pixel as it is mapped.
  // Two passes over the image instead of five, with the same bits as the three ops in a row.
  const int64_t c = channel_count(image), n = pixel_count(image);
  const uint8_t* src = image.data<uint8_t>();
  const ByteTable bright = brightness_table(brightness);
  const ContrastMap contrast_map(gray_mean_u8(src, n, c, &bright), contrast);
  ByteTable both;
  for (size_t v = 0; v < 256; ++v) both[v] = contrast_map(bright[v]);
  Tensor out = like(image, DType::U8);
  uint8_t* dst = out.mutable_data<uint8_t>();
  if (c == 1) {  // saturation leaves gray images as they are
    lookup_u8(src, dst, n, both.data());
    return out;
  }
  // each block of planes mapped through the table, then saturated, while it stays in L1
  const PlaneEdit saturate = pick_copy(saturate_planes, saturate_planes_wide);
  const float f = static_cast<float>(saturation);
  edit_rgb_as_planes(src, dst, n, [&](uint8_t* r, uint8_t* g, uint8_t* b, int m) {
    for (uint8_t* plane : {r, g, b}) lookup_u8(plane, plane, m, both.data());
    saturate(r, g, b, m, f);
  });
  return out;
}

Tensor adjust_hue(const Tensor& image, double shift) {
  need_gray_or_rgb(image, "color.hue");
  if (channel_count(image) == 1) return image;  // torchvision: hue of gray is undefined, kept
  const int64_t n = pixel_count(image);
  const float s = static_cast<float>(shift);
  if (image.dtype() == DType::U8) {
    Tensor out = like(image, DType::U8);
    const PlaneEdit rotate = pick_copy(hue_shift_planes, hue_shift_planes_wide);
    edit_rgb_as_planes(image.data<uint8_t>(), out.mutable_data<uint8_t>(), n,
                       [&](uint8_t* r, uint8_t* g, uint8_t* b, int m) { rotate(r, g, b, m, s); });
    return out;
  }
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const float m = max_of<T>(), inv = 1.0f / m;
    Tensor out = like(image, image.dtype());
    const T* src = image.data<T>();
    T* dst = out.mutable_data<T>();
    for (int64_t i = 0; i < n; ++i) {
      const T* p = src + 3 * i;
      float h, sat, v, r, g, b;
      rgb_to_hsv(static_cast<float>(p[0]) * inv, static_cast<float>(p[1]) * inv, static_cast<float>(p[2]) * inv, h,
                 sat, v);
      h = h + s;
      // torch's remainder h - floor(h), always in [0, 1); h + s lies in [-1, 2): floor is -1, 0 or 1
      h = h < 0.0f ? h + 1.0f : (h >= 1.0f ? h - 1.0f : h);
      hsv_to_rgb(h, sat, v, r, g, b);
      dst[3 * i] = store_clamped<T>(r * m);
      dst[3 * i + 1] = store_clamped<T>(g * m);
      dst[3 * i + 2] = store_clamped<T>(b * m);
    }
    return out;
  });
}

namespace {

// Sum of the floored grays of n u8 RGB pixels held as planes: gray_sum_body's float products in
// the same order, so the same total.
inline __attribute__((always_inline)) int32_t gray_sum_planes_body(const uint8_t* r, const uint8_t* g,
                                                                   const uint8_t* b, int n) {
  int32_t sum = 0;
  for (int i = 0; i < n; ++i)
    sum += static_cast<int32_t>(kR * static_cast<float>(r[i]) + kG * static_cast<float>(g[i]) +
                                kB * static_cast<float>(b[i]));
  return sum;
}
PXP_VECTOR_CLONES int32_t gray_sum_planes(const uint8_t* r, const uint8_t* g, const uint8_t* b, int n) {
  return gray_sum_planes_body(r, g, b, n);
}
PXP_WIDE_AVX512 int32_t gray_sum_planes_wide(const uint8_t* r, const uint8_t* g, const uint8_t* b, int n) {
  return gray_sum_planes_body(r, g, b, n);
}

// One stage: a value table (brightness, contrast; consecutive ones composed) or a plane edit
// (saturation, hue) with its argument.
struct PlaneStage {
  const ByteTable* table;
  PlaneEdit edit;
  float arg;
};

// Runs the stages on src into dst (which may be src), a block of 1024 pixels at a time so that it
// stays in L1; returns the sum of the floored grays of the result when `sum_gray`, else 0.
// Tables before the first and after the last plane edit are looked up on the interleaved bytes
// (no split into planes needed for them); a run of tables alone never splits.
int64_t run_stages(const uint8_t* src, uint8_t* dst, int64_t n, const std::vector<PlaneStage>& stages,
                   bool sum_gray) {
  size_t first_edit = stages.size(), end_edit = 0;  // the plane edits lie in [first_edit, end_edit)
  for (size_t k = 0; k < stages.size(); ++k)
    if (!stages[k].table) first_edit = std::min(first_edit, k), end_edit = k + 1;
  const uint8_t* leading = first_edit > 0 ? stages[0].table->data() : nullptr;  // composed: at most one
  const uint8_t* trailing = end_edit > first_edit && end_edit < stages.size() ? stages.back().table->data() : nullptr;
  const bool wide = cpu_has_avx512();
  constexpr int kBlock = 1024;
  alignas(64) uint8_t mapped[3 * kBlock];
  alignas(64) uint8_t planes[3][kBlock];
  int64_t total = 0;
  for (int64_t i = 0; i < n; i += kBlock) {
    const int m = static_cast<int>(std::min<int64_t>(kBlock, n - i));
    const uint8_t* in = src + 3 * i;
    uint8_t* out = dst + 3 * i;
    if (first_edit == stages.size()) {  // tables only
      if (leading) lookup_u8(in, out, 3 * m, leading);
      if (sum_gray) total += wide ? gray_sum_wide(out, m) : gray_sum_narrow(out, m);
      continue;
    }
    if (leading) {
      lookup_u8(in, mapped, 3 * m, leading);
      in = mapped;
    }
    split_rgb(in, planes[0], planes[1], planes[2], m);
    for (size_t k = first_edit; k < end_edit; ++k) {
      const PlaneStage& st = stages[k];
      if (st.table)
        for (uint8_t* plane : planes) lookup_u8(plane, plane, m, st.table->data());
      else
        st.edit(planes[0], planes[1], planes[2], m, st.arg);
    }
    if (sum_gray && !trailing)
      total += wide ? gray_sum_planes_wide(planes[0], planes[1], planes[2], m)
                    : gray_sum_planes(planes[0], planes[1], planes[2], m);
    merge_rgb(planes[0], planes[1], planes[2], out, m);
    if (trailing) {
      lookup_u8(out, out, 3 * m, trailing);
      if (sum_gray) total += wide ? gray_sum_wide(out, m) : gray_sum_narrow(out, m);
    }
  }
  return total;
}

Tensor adjust_one(const Tensor& image, const JitterStage& s) {
  switch (s.step) {
    case JitterStep::Brightness: return adjust_brightness(image, s.factor);
    case JitterStep::Contrast: return adjust_contrast(image, s.factor);
    case JitterStep::Saturation: return adjust_saturation(image, s.factor);
    case JitterStep::Hue: return adjust_hue(image, s.factor);
  }
  return image;
}

}  // namespace

Tensor adjust_jitter(const Tensor& image, const std::vector<JitterStage>& stages) {
  need_gray_or_rgb(image, "color.jitter");
  if (image.dtype() != DType::U8 || channel_count(image) != 3 || stages.empty()) {
    Tensor x = image;
    for (const JitterStage& s : stages) x = adjust_one(x, s);
    return x;
  }
  const int64_t n = pixel_count(image);
  Tensor out = like(image, DType::U8);
  uint8_t* dst = out.mutable_data<uint8_t>();
  const uint8_t* source = image.data<uint8_t>();
  const PlaneEdit saturate = pick_copy(saturate_planes, saturate_planes_wide);
  const PlaneEdit rotate = pick_copy(hue_shift_planes, hue_shift_planes_wide);
  std::vector<ByteTable> tables;
  tables.reserve(2 * stages.size());  // no reallocation: the pending stages point into it
  std::vector<PlaneStage> pending;    // stages not run yet
  auto add_table = [&](const ByteTable& t) {
    if (!pending.empty() && pending.back().table) {  // after another table: one lookup for both
      ByteTable both;
      for (size_t v = 0; v < 256; ++v) both[v] = t[(*pending.back().table)[v]];
      tables.push_back(both);
      pending.back().table = &tables.back();
    } else {
      tables.push_back(t);
      pending.push_back({&tables.back(), nullptr, 0.0f});
    }
  };
  for (const JitterStage& s : stages) {
    switch (s.step) {
      case JitterStep::Brightness: add_table(brightness_table(s.factor)); break;
      case JitterStep::Saturation: pending.push_back({nullptr, saturate, static_cast<float>(s.factor)}); break;
      case JitterStep::Hue: pending.push_back({nullptr, rotate, static_cast<float>(s.factor)}); break;
      case JitterStep::Contrast: {
        // the mean gray of the image entering the contrast: the stages so far run first (a table
        // alone is applied on the fly, nothing written)
        float mean;
        if (pending.empty()) {
          mean = gray_mean_u8(source, n, 3, nullptr);
        } else if (pending.size() == 1 && pending[0].table) {
          mean = gray_mean_u8(source, n, 3, pending[0].table);
        } else {
          const int64_t total = run_stages(source, dst, n, pending, true);
          mean = n > 0 ? static_cast<float>(static_cast<double>(total) / static_cast<double>(n)) : 0.0f;
          source = dst;
          pending.clear();
        }
        const ContrastMap map(mean, s.factor);
        ByteTable t;
        for (int v = 0; v < 256; ++v) t[static_cast<size_t>(v)] = map(static_cast<uint8_t>(v));
        add_table(t);
        break;
      }
    }
  }
  run_stages(source, dst, n, pending, false);  // never empty: the last stage is pending
  return out;
}

Tensor adjust_gamma(const Tensor& image, double gamma, double gain) {
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      const float gm = static_cast<float>(gamma), gn = static_cast<float>(gain);
      return map_values<T>(image, [=](T x) { return store_clamped<T>(gn * std::pow(x, gm)); });
    } else {
      // Integer images have few values: one pow per value, then a table lookup per pixel.
      constexpr size_t kValues = size_t(std::numeric_limits<T>::max()) + 1;
      std::vector<T> lut(kValues);
      const double m = max_of<T>();
      for (size_t v = 0; v < kValues; ++v)
        lut[v] = cv::saturate_cast<T>(std::min(std::max(gain * std::pow(double(v) / m, gamma), 0.0), 1.0) * m);
      return map_values<T>(image, [&](T x) { return lut[x]; });
    }
  });
}

// ---------------------------------------------------------------------------------------------

Tensor normalize_image(const Tensor& image, const std::vector<double>& mean, const std::vector<double>& std,
                       double scale, bool chw, bool mirror, const Tensor* into) {
  const int64_t c = channel_count(image), h = image.dim(0), w = image.dim(1), n = h * w;
  auto per_channel = [&](const std::vector<double>& v, const char* what) {
    if (v.size() != 1 && static_cast<int64_t>(v.size()) != c)
      argument_error(std::string("normalize: ") + what + " has " + std::to_string(v.size()) +
                     " values for an image of " + std::to_string(c) + " channels (give 1 or " + std::to_string(c) + ")");
    std::vector<double> out(static_cast<size_t>(c));
    for (int64_t k = 0; k < c; ++k) out[static_cast<size_t>(k)] = v.size() == 1 ? v[0] : v[static_cast<size_t>(k)];
    return out;
  };
  std::vector<double> m = per_channel(mean, "mean"), s = per_channel(std, "std");
  // (x * scale - mean) / std == x * a + b: one multiply-add per element.
  std::vector<float> a(static_cast<size_t>(c)), b(static_cast<size_t>(c));
  for (size_t k = 0; k < a.size(); ++k) {
    if (!(s[k] != 0.0) || !std::isfinite(s[k])) argument_error("normalize: std must be finite and non-zero");
    a[k] = static_cast<float>(scale / s[k]);
    b[k] = static_cast<float>(-m[k] / s[k]);
  }
  Shape shape = image.shape();
  const bool planar = chw && image.ndim() == 3;
  if (planar) shape = {c, h, w};
  Tensor out = into && into->dtype() == DType::F32 && into->shape() == shape && into->is_contiguous()
                   ? *into
                   : Tensor::empty(DType::F32, shape);
  float* dst = out.mutable_data<float>();
  // Element (y, x, k) of the output: at k * n + y * w + x planar, else (y * w + x) * c + k. Its
  // source pixel is (y, x), or (y, w - 1 - x) mirrored.
  const int64_t pixel_step = planar ? 1 : c, channel_step = planar ? n : 1;
  auto source_column = [&](int64_t x) { return mirror ? w - 1 - x : x; };
  if (image.dtype() == DType::U8 && c == 3 && normalize_rgb_u8(image.data<uint8_t>(), h, w, a.data(), b.data(), planar,
                                                               mirror, dst))
    return out;  // 16 pixels per step with AVX-512 VBMI (normalize_rgb_u8.hpp)
  if (image.dtype() == DType::U8 && c == 3 && n >= 256) {
    // Three tables of 256 floats, computed with the same multiply-add as the generic loop (same
    // bits): one lookup per element instead of a conversion and a multiply-add.
    std::array<std::array<float, 256>, 3> table;
    for (size_t k = 0; k < 3; ++k)
      for (int v = 0; v < 256; ++v) table[k][static_cast<size_t>(v)] = static_cast<float>(v) * a[k] + b[k];
    const uint8_t* src = image.data<uint8_t>();
    for (int64_t y = 0; y < h; ++y) {
      const uint8_t* row = src + y * w * 3;
      float* d0 = dst + y * w * pixel_step;
      float *d1 = d0 + channel_step, *d2 = d0 + 2 * channel_step;
      for (int64_t x = 0; x < w; ++x) {
        const uint8_t* p = row + 3 * source_column(x);
        d0[x * pixel_step] = table[0][p[0]];
        d1[x * pixel_step] = table[1][p[1]];
        d2[x * pixel_step] = table[2][p[2]];
      }
    }
    return out;
  }
  dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* src = image.data<T>();
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x) {
        const T* p = src + (y * w + source_column(x)) * c;
        float* d = dst + (y * w + x) * pixel_step;
        for (int64_t k = 0; k < c; ++k)
          d[k * channel_step] = static_cast<float>(p[k]) * a[static_cast<size_t>(k)] + b[static_cast<size_t>(k)];
      }
    return 0;
  });
  return out;
}

Tensor convert_depth(const Tensor& image, DType to, bool scale) {
  if (to == image.dtype()) return image;
  double alpha = scale ? intensity_max(to) / intensity_max(image.dtype()) : 1.0;
  // rounds and saturates; written into the result's tensor (the batch slot when it goes there)
  return into_tensor(to, image.shape(), [&](cv::Mat& dst) { as_mat(image).convertTo(dst, cv_depth(to), alpha); });
}

Tensor threshold_image(const Tensor& image, double value, double max_value, ThresholdType type) {
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    // As OpenCV: integer images compare with floor(value), and write integer levels.
    const double t = std::is_floating_point_v<T> ? value : std::floor(value);
    const T hi = cv::saturate_cast<T>(max_value), tt = cv::saturate_cast<T>(t);
    return map_values<T>(image, [=](T x) -> T {
      bool above = static_cast<double>(x) > t;
      switch (type) {
        case ThresholdType::Binary: return above ? hi : T(0);
        case ThresholdType::BinaryInv: return above ? T(0) : hi;
        case ThresholdType::Trunc: return above ? tt : x;
        case ThresholdType::ToZero: return above ? x : T(0);
      }
      return x;
    });
  });
}

Tensor invert_image(const Tensor& image) {
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T m = static_cast<T>(max_of<T>());
    if constexpr (std::is_same_v<T, uint8_t>) {
      Tensor out = like(image, DType::U8);
      invert_bytes(image.data<uint8_t>(), out.mutable_data<uint8_t>(), image.numel());
      return out;
    }
    return map_values<T>(image, [m](T x) { return static_cast<T>(m - x); });
  });
}

Tensor solarize_image(const Tensor& image, double threshold) {
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T m = static_cast<T>(max_of<T>());
    if constexpr (std::is_same_v<T, uint8_t>) {
      // x >= threshold for a whole x is x >= ceil(threshold): one integer compare per value
      const int t = std::isnan(threshold) || threshold > 255.0 ? 256
                    : (threshold <= 0.0 ? 0 : static_cast<int>(std::ceil(threshold)));
      return map_bytes(image, [t](uint8_t x) { return int(x) >= t ? uint8_t(255 - x) : x; });
    }
    return map_values<T>(image,
                         [=](T x) { return static_cast<double>(x) >= threshold ? static_cast<T>(m - x) : x; });
  });
}

Tensor posterize_image(const Tensor& image, int bits) {
  if (image.dtype() != DType::U8) argument_error("color.posterize takes u8 images");
  if (bits < 0 || bits > 8) range_error("color.posterize: bits must be in [0, 8], not " + std::to_string(bits));
  const uint8_t mask = static_cast<uint8_t>((0xFF00u >> bits) & 0xFFu);
  return map_bytes(image, [mask](uint8_t x) { return uint8_t(x & mask); });
}

Tensor equalize_image(const Tensor& image) {
  if (image.dtype() != DType::U8) argument_error("color.equalize takes u8 images");
  const int64_t c = channel_count(image), n = pixel_count(image);
  const uint8_t* src = image.data<uint8_t>();
  Tensor out = like(image, DType::U8);
  uint8_t* dst = out.mutable_data<uint8_t>();
  std::vector<std::array<uint8_t, 256>> luts(static_cast<size_t>(c));
  for (int64_t k = 0; k < c; ++k) {
    std::array<int64_t, 256> hist{};
    for (int64_t i = 0; i < n; ++i) ++hist[src[i * c + k]];
    // PIL's ImageOps.equalize: spread all but the last occupied level evenly.
    int last = 255;
    while (last > 0 && hist[static_cast<size_t>(last)] == 0) --last;
    int64_t step = (n - hist[static_cast<size_t>(last)]) / 255;
    std::array<uint8_t, 256>& lut = luts[static_cast<size_t>(k)];
    if (step == 0) {
      for (int v = 0; v < 256; ++v) lut[static_cast<size_t>(v)] = static_cast<uint8_t>(v);
    } else {
      int64_t acc = step / 2;
      for (int v = 0; v < 256; ++v) {
        lut[static_cast<size_t>(v)] = static_cast<uint8_t>(std::min<int64_t>(acc / step, 255));
        acc += hist[static_cast<size_t>(v)];
      }
    }
  }
  std::vector<const uint8_t*> tables;
  for (const auto& lut : luts) tables.push_back(lut.data());
  lookup_u8_channels(src, dst, n, c, tables.data());
  return out;
}

Tensor autocontrast_image(const Tensor& image) {
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const int64_t c = channel_count(image), n = pixel_count(image);
    const T* src = image.data<T>();
    Tensor out = like(image, image.dtype());
    T* dst = out.mutable_data<T>();
    std::vector<T> lo(static_cast<size_t>(c)), hi(static_cast<size_t>(c));
    for (int64_t k = 0; k < c; ++k) {
      lo[static_cast<size_t>(k)] = n > 0 ? src[k] : T(0);
      hi[static_cast<size_t>(k)] = lo[static_cast<size_t>(k)];
    }
    for (int64_t i = 0; i < n; ++i)
      for (int64_t k = 0; k < c; ++k) {
        const T v = src[i * c + k];
        if (v < lo[static_cast<size_t>(k)]) lo[static_cast<size_t>(k)] = v;
        if (v > hi[static_cast<size_t>(k)]) hi[static_cast<size_t>(k)] = v;
      }
    // torchvision's f32 arithmetic: inv_scale = (max - min) * (1 / full), then (x - min) / inv_scale,
    // clamped to [0, full] and truncated (its .to(dtype)).
    const float full = max_of<T>();
    std::vector<float> mins(static_cast<size_t>(c)), inv(static_cast<size_t>(c));
    for (int64_t k = 0; k < c; ++k) {
      const float a = static_cast<float>(lo[static_cast<size_t>(k)]), b = static_cast<float>(hi[static_cast<size_t>(k)]);
      const bool flat = a == b;
      mins[static_cast<size_t>(k)] = flat ? 0.0f : a;
      inv[static_cast<size_t>(k)] = flat ? 1.0f : (b - a) * static_cast<float>(1.0 / static_cast<double>(full));
    }
    auto stretch = [&](float x, int64_t k) {
      float v = (x - mins[static_cast<size_t>(k)]) / inv[static_cast<size_t>(k)];
      v = v < 0.0f ? 0.0f : (v > full ? full : v);
      return static_cast<T>(v);
    };
    if constexpr (std::is_same_v<T, uint8_t>) {
      // one table per channel: 256 divisions instead of one per value
      std::vector<std::array<uint8_t, 256>> luts(static_cast<size_t>(c));
      for (int64_t k = 0; k < c; ++k)
        for (int v = 0; v < 256; ++v) luts[static_cast<size_t>(k)][static_cast<size_t>(v)] = stretch(static_cast<float>(v), k);
      std::vector<const uint8_t*> tables;
      for (const auto& lut : luts) tables.push_back(lut.data());
      lookup_u8_channels(src, dst, n, c, tables.data());
    } else {
      for (int64_t i = 0; i < n; ++i)
        for (int64_t k = 0; k < c; ++k) dst[i * c + k] = stretch(static_cast<float>(src[i * c + k]), k);
    }
    return out;
  });
}

Tensor blend_images(const Tensor& a, const Tensor& b, double alpha) {
  if (a.dtype() != b.dtype()) type_error("color.blend: images must have the same dtype");
  if (a.shape() != b.shape()) argument_error("color.blend: images must have the same shape");
  const float wa = static_cast<float>(1.0 - alpha), wb = static_cast<float>(alpha);
  return dispatch_image(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    Tensor out = like(a, a.dtype());
    const T *pa = a.data<T>(), *pb = b.data<T>();
    T* dst = out.mutable_data<T>();
    const int64_t n = a.numel();
    for (int64_t i = 0; i < n; ++i)
      dst[i] = store_saturated<T>(static_cast<float>(pa[i]) * wa + static_cast<float>(pb[i]) * wb);
    return out;
  });
}

Tensor select_channels(const Tensor& image, const std::vector<int64_t>& channels) {
  const int64_t c = channel_count(image), n = pixel_count(image), k = static_cast<int64_t>(channels.size());
  if (channels.empty()) argument_error("color.select_channels: no channels selected");
  for (int64_t ch : channels)
    if (ch < 0 || ch >= c)
      range_error("color.select_channels: channel " + std::to_string(ch) + " of an image with " + std::to_string(c) +
                  " channels");
  Shape shape{image.dim(0), image.dim(1)};
  if (image.ndim() == 3 || k > 1) shape.push_back(k);
  Tensor out = Tensor::empty(image.dtype(), shape);
  const size_t es = dtype_size(image.dtype());
  const uint8_t* src = image.bytes();
  uint8_t* dst = out.mutable_bytes();
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < k; ++j)
      std::memcpy(dst + (i * k + j) * es, src + (i * c + channels[static_cast<size_t>(j)]) * es, es);
  return out;
}

Tensor merge_channels(const std::vector<Tensor>& images) {
  if (images.empty()) argument_error("color.merge_channels needs at least one image");
  const Tensor& first = images[0];
  int64_t total = 0;
  for (const Tensor& t : images) {
    if (t.dtype() != first.dtype()) type_error("color.merge_channels: images must have the same dtype");
    if (t.dim(0) != first.dim(0) || t.dim(1) != first.dim(1))
      argument_error("color.merge_channels: images must have the same height and width");
    total += channel_count(t);
  }
  const int64_t n = pixel_count(first);
  const size_t es = dtype_size(first.dtype());
  Tensor out = Tensor::empty(first.dtype(), {first.dim(0), first.dim(1), total});
  uint8_t* dst = out.mutable_bytes();
  int64_t offset = 0;
  for (const Tensor& t : images) {
    const int64_t c = channel_count(t);
    const uint8_t* src = t.bytes();
    const size_t row = static_cast<size_t>(c) * es;
    for (int64_t i = 0; i < n; ++i) std::memcpy(dst + (i * total + offset) * es, src + i * c * es, row);
    offset += c;
  }
  return out;
}

Tensor minmax_normalize(const Tensor& image) {
  return dispatch_image(image.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* src = image.data<T>();
    const int64_t n = image.numel();
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int64_t i = 0; i < n; ++i) {
      double v = static_cast<double>(src[i]);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    Tensor out = like(image, DType::F32);
    float* dst = out.mutable_data<float>();
    if (!(hi > lo)) {  // constant (or empty) image
      std::fill(dst, dst + n, 0.0f);
      return out;
    }
    const double inv = 1.0 / (hi - lo);
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>((static_cast<double>(src[i]) - lo) * inv);
    return out;
  });
}

}  // namespace pxp::kernels
