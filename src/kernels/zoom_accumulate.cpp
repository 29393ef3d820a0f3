#include "kernels/zoom_accumulate.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu_features.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PXP_ZOOM_X86 1
#endif

namespace pxp::kernels {

namespace {

// OpenCV's INTER_LINEAR taps along one axis for destinations from..from + count - 1: the source
// index s and fraction f (weights 1 - f on s, f on s + 1, clamped to the last pixel).
struct Taps {
  std::vector<int64_t> first, second;
  std::vector<float> fraction;
};

Taps linear_taps(int64_t src_size, int64_t dst_size, int64_t from, int64_t count) {
  Taps t;
  t.first.resize(static_cast<size_t>(count));
  t.second.resize(static_cast<size_t>(count));
  t.fraction.resize(static_cast<size_t>(count));
  const double scale = 1.0 / (static_cast<double>(dst_size) / static_cast<double>(src_size));
  for (int64_t k = 0; k < count; ++k) {
    float f = static_cast<float>((static_cast<double>(from + k) + 0.5) * scale - 0.5);
    int64_t s = static_cast<int64_t>(std::floor(f));
    f -= static_cast<float>(s);
    if (s < 0) s = 0, f = 0.0f;
    if (s >= src_size - 1) s = src_size - 1, f = 0.0f;
    t.first[static_cast<size_t>(k)] = s;
    t.second[static_cast<size_t>(k)] = std::min(s + 1, src_size - 1);
    t.fraction[static_cast<size_t>(k)] = f;
  }
  return t;
}

// The horizontal taps of a row as 16-value blocks: each block reads the 32 floats from `base`
// and picks two of them per value (indices into that window) with weights 1 - f and f.
struct BlockPlan {
  std::vector<int64_t> base;
  std::vector<int32_t> near, far;  // 16 per block
  std::vector<float> near_weight, far_weight;
  bool fits = true;                // every block's taps lie within its 32-float window
};

BlockPlan block_plan(const Taps& x, int64_t channels) {
  const int64_t values = static_cast<int64_t>(x.first.size()) * channels, blocks = (values + 15) / 16;
  BlockPlan p;
  p.base.resize(static_cast<size_t>(blocks));
  p.near.assign(static_cast<size_t>(blocks * 16), 0);
  p.far.assign(static_cast<size_t>(blocks * 16), 0);
  p.near_weight.assign(static_cast<size_t>(blocks * 16), 0.0f);
  p.far_weight.assign(static_cast<size_t>(blocks * 16), 0.0f);
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t base = x.first[static_cast<size_t>(16 * b / channels)] * channels;
    p.base[static_cast<size_t>(b)] = base;
    for (int64_t t = 0; t < 16 && 16 * b + t < values; ++t) {
      const int64_t j = 16 * b + t, px = j / channels, c = j % channels;
      const size_t k = static_cast<size_t>(j);
      const int64_t near = x.first[static_cast<size_t>(px)] * channels + c - base;
      const int64_t far = x.second[static_cast<size_t>(px)] * channels + c - base;
      if (near < 0 || far >= 32) p.fits = false;
      p.near[k] = static_cast<int32_t>(std::max<int64_t>(0, std::min<int64_t>(near, 31)));
      p.far[k] = static_cast<int32_t>(std::max<int64_t>(0, std::min<int64_t>(far, 31)));
      const float f = x.fraction[static_cast<size_t>(px)];
      p.near_weight[k] = 1.0f - f;
      p.far_weight[k] = f;
    }
  }
  return p;
}

void resize_row_portable(const float* row, const Taps& x, int64_t channels, float* out) {
  const int64_t w = static_cast<int64_t>(x.first.size());
  for (int64_t i = 0; i < w; ++i) {
    const float* a = row + x.first[static_cast<size_t>(i)] * channels;
    const float* b = row + x.second[static_cast<size_t>(i)] * channels;
    const float f = x.fraction[static_cast<size_t>(i)];
    for (int64_t c = 0; c < channels; ++c) out[i * channels + c] = a[c] * (1.0f - f) + b[c] * f;
  }
}

void blend_rows_portable(const float* r0, const float* r1, float b0, float b1, float* acc, int64_t n) {
  for (int64_t i = 0; i < n; ++i) acc[i] += r0[i] * b0 + r1[i] * b1;
}

#ifdef PXP_ZOOM_X86
#define PXP_ZOOM_TARGET __attribute__((target("avx512f")))

// `row` holds row_values floats (the crop's row): the window loads are masked to them.
PXP_ZOOM_TARGET void resize_row_avx512(const float* row, int64_t row_values, const BlockPlan& p, int64_t values,
                                       float* out) {
  const int64_t blocks = static_cast<int64_t>(p.base.size());
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t base = p.base[static_cast<size_t>(b)], left = row_values - base;
    const __mmask16 lo_mask = left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
    const __mmask16 hi_mask = left >= 32 ? __mmask16(0xFFFF) : (left > 16 ? __mmask16((1u << (left - 16)) - 1) : 0);
    const __m512 lo = _mm512_maskz_loadu_ps(lo_mask, row + base), hi = _mm512_maskz_loadu_ps(hi_mask, row + base + 16);
    const size_t k = static_cast<size_t>(16 * b);
    const __m512 near = _mm512_permutex2var_ps(lo, _mm512_loadu_si512(p.near.data() + k), hi);
    const __m512 far = _mm512_permutex2var_ps(lo, _mm512_loadu_si512(p.far.data() + k), hi);
    const __m512 v = _mm512_add_ps(_mm512_mul_ps(near, _mm512_loadu_ps(p.near_weight.data() + k)),
                                   _mm512_mul_ps(far, _mm512_loadu_ps(p.far_weight.data() + k)));
    const int64_t rest = values - 16 * b;
    _mm512_mask_storeu_ps(out + 16 * b, rest >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << rest) - 1), v);
  }
}

PXP_ZOOM_TARGET void blend_rows_avx512(const float* r0, const float* r1, float b0, float b1, float* acc, int64_t n) {
  const __m512 w0 = _mm512_set1_ps(b0), w1 = _mm512_set1_ps(b1);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = n - i >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (n - i)) - 1);
    const __m512 v = _mm512_add_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, r0 + i), w0),
                                   _mm512_mul_ps(_mm512_maskz_loadu_ps(m, r1 + i), w1));
    _mm512_mask_storeu_ps(acc + i, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, acc + i), v));
  }
}

#undef PXP_ZOOM_TARGET
#endif

}  // namespace

void add_zoom(const float* src, float* acc, int64_t src_width, int64_t channels, const ZoomWindow& z,
              bool vectors) {
  if (z.width <= 0 || z.height <= 0) return;
  const Taps x = linear_taps(z.crop_width, z.resized_width, z.from_x, z.width);
  const Taps y = linear_taps(z.crop_height, z.resized_height, z.from_y, z.height);
  const int64_t values = z.width * channels, row_values = z.crop_width * channels;
#ifdef PXP_ZOOM_X86
  const bool wide = vectors && cpu_has_avx512();
  const BlockPlan plan = wide ? block_plan(x, channels) : BlockPlan{};
  const bool wide_rows = wide && plan.fits;
#else
  const bool wide = false;
  (void)vectors;
#endif
  // Two resized source rows live at a time, each computed once.
  std::vector<float> rows[2] = {std::vector<float>(static_cast<size_t>(values)),
                                std::vector<float>(static_cast<size_t>(values))};
  int64_t held[2] = {-1, -1};
  auto row = [&](int64_t r, int64_t keep) -> const float* {
    for (int k = 0; k < 2; ++k)
      if (held[k] == r) return rows[k].data();
    const int k = held[0] == keep ? 1 : 0;   // never evict the other row this output needs
    const float* in = src + ((z.crop_y + r) * src_width + z.crop_x) * channels;
#ifdef PXP_ZOOM_X86
    if (wide_rows) resize_row_avx512(in, row_values, plan, values, rows[k].data());
    else
#endif
      resize_row_portable(in, x, channels, rows[k].data());
    held[k] = r;
    return rows[k].data();
  };
  const int64_t stride = src_width * channels;
  for (int64_t i = 0; i < z.height; ++i) {
    const int64_t a = y.first[static_cast<size_t>(i)], b = y.second[static_cast<size_t>(i)];
    const float* r0 = row(a, b);
    const float* r1 = row(b, a);
    const float f = y.fraction[static_cast<size_t>(i)];
    float* out = acc + i * stride;
#ifdef PXP_ZOOM_X86
    if (wide) {
      blend_rows_avx512(r0, r1, 1.0f - f, f, out, values);
      continue;
    }
#endif
    blend_rows_portable(r0, r1, 1.0f - f, f, out, values);
  }
}

}  // namespace pxp::kernels
