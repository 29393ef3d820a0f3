#include "kernels/antialias_resize.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/cpu_features.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PXP_ANTIALIAS_VBMI 1
#endif

namespace pxp::kernels {

namespace {

// One axis: for each output, its first source index and its weights (`taps` per output, zeros
// past its own count).
struct Axis {
  int64_t taps = 0;
  std::vector<int64_t> start;
  std::vector<double> weights;     // output x taps
  std::vector<int16_t> fixed;      // the same in fixed point (u8)
  int precision = 0;               // fractional bits of `fixed`
};

double triangle(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

// `offset`, `scale`: output i is centered at offset + scale (i + 1/2) (torch: 0 and in / out).
Axis axis_weights(int64_t in, int64_t out, double offset, double scale) {
  Axis a;
  const double support = scale >= 1.0 ? scale : 1.0;
  const double invscale = scale >= 1.0 ? 1.0 / scale : 1.0;
  std::vector<int64_t> count(static_cast<size_t>(out));
  a.start.resize(static_cast<size_t>(out));
  for (int64_t i = 0; i < out; ++i) {
    const double center = offset + scale * (static_cast<double>(i) + 0.5);
    // (a window reaching left of the source truncates toward 0 like torch's cast, then clamps)
    const int64_t first = std::max<int64_t>(static_cast<int64_t>(std::max(center - support + 0.5, 0.0)), 0);
    const int64_t last = std::min<int64_t>(static_cast<int64_t>(std::max(center + support + 0.5, 0.0)), in);
    a.start[static_cast<size_t>(i)] = std::min(first, in - 1);
    count[static_cast<size_t>(i)] = std::max<int64_t>(last - a.start[static_cast<size_t>(i)], 1);
    a.taps = std::max(a.taps, count[static_cast<size_t>(i)]);
  }
  a.weights.assign(static_cast<size_t>(out * a.taps), 0.0);
  double largest = 0.0;
  for (int64_t i = 0; i < out; ++i) {
    const double center = offset + scale * (static_cast<double>(i) + 0.5);
    const int64_t first = a.start[static_cast<size_t>(i)], n = count[static_cast<size_t>(i)];
    double* w = a.weights.data() + i * a.taps;
    double total = 0.0;
    for (int64_t j = 0; j < n; ++j) {
      w[j] = triangle((static_cast<double>(j + first) - center + 0.5) * invscale);
      total += w[j];
    }
    if (total > 0.0) {
      for (int64_t j = 0; j < n; ++j) w[j] /= total;
    } else {  // a window past the source's edge: its nearest pixel
      std::fill(w, w + n, 0.0);
      w[center <= static_cast<double>(first) ? 0 : n - 1] = 1.0;
    }
    for (int64_t j = 0; j < n; ++j) largest = std::max(largest, w[j]);
  }
  // torch's precision: the most bits (below 22) that keep 2 x the largest weight under 2^15
  int p = 0;
  for (; p < 22; ++p)
    if (static_cast<int>(0.5 + largest * static_cast<double>(1 << (p + 1))) >= (1 << 15)) break;
  a.precision = p;
  a.fixed.resize(a.weights.size());
  for (size_t k = 0; k < a.weights.size(); ++k) {
    const double v = a.weights[k] * static_cast<double>(1 << p);
    a.fixed[k] = static_cast<int16_t>(v < 0 ? static_cast<int>(-0.5 + v) : static_cast<int>(0.5 + v));
  }
  return a;
}

AntialiasWindow whole(int64_t sw, int64_t sh, int64_t dw, int64_t dh) {
  return {0.0, static_cast<double>(sw) / static_cast<double>(dw), 0.0,
          static_cast<double>(sh) / static_cast<double>(dh)};
}

inline uint8_t to_u8(int32_t sum, int precision) {
  const int32_t v = sum >> precision;
  return static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
}

// One row through the horizontal pass, in plain C++.
void horizontal_row_scalar(const uint8_t* row, const Axis& a, int64_t channels, int64_t in_width,
                           int64_t out_width, uint8_t* out) {
  const int32_t half = a.precision > 0 ? 1 << (a.precision - 1) : 0;
  for (int64_t x = 0; x < out_width; ++x) {
    const int64_t first = a.start[static_cast<size_t>(x)];
    const int64_t taps = std::min(a.taps, in_width - first);  // (the taps past the row weigh 0)
    const uint8_t* p = row + first * channels;
    const int16_t* w = a.fixed.data() + x * a.taps;
    for (int64_t c = 0; c < channels; ++c) {
      int32_t sum = half;
      for (int64_t j = 0; j < taps; ++j) sum += w[j] * p[j * channels + c];
      out[x * channels + c] = to_u8(sum, a.precision);
    }
  }
}

#ifdef PXP_ANTIALIAS_VBMI
constexpr int64_t kBlock = 16;  // output values per vector step

// A block of 16 output values: the 128-byte window it reads (from `start`), and per pair of taps
// the permute that puts the pair's two source bytes as the low bytes of a word pair, and the
// weight pairs.
struct alignas(64) PairPlan {
  uint8_t order[64];
  int16_t weights[32];
};

struct RowPlan {
  int64_t pairs = 0;
  std::vector<int64_t> starts;   // per block
  std::vector<PairPlan> plans;   // block x pairs
};

// false where some block's taps span more than 128 bytes (a shrink beyond about 4x)
bool plan_row(const Axis& a, int64_t channels, int64_t in_width, int64_t out_width, RowPlan& plan) {
  const int64_t values = out_width * channels, blocks = (values + kBlock - 1) / kBlock;
  plan.pairs = (a.taps + 1) / 2;
  plan.starts.assign(static_cast<size_t>(blocks), 0);
  plan.plans.assign(static_cast<size_t>(blocks * plan.pairs), PairPlan{});
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t first = b * kBlock, last = std::min(values, first + kBlock);
    // a tap past the row (a zero weight, where taps exceed an output's count) reads its last byte
    auto byte_of = [&](int64_t v, int64_t j) {
      const int64_t x = v / channels;
      const int64_t source = std::min(a.start[static_cast<size_t>(x)] + j, in_width - 1);
      return source * channels + v % channels;
    };
    int64_t low = INT64_MAX, high = 0;
    for (int64_t v = first; v < last; ++v) {
      low = std::min(low, byte_of(v, 0));
      high = std::max(high, byte_of(v, 2 * plan.pairs - 1));
    }
    if (high - low > 127) return false;
    plan.starts[static_cast<size_t>(b)] = low;
    for (int64_t p = 0; p < plan.pairs; ++p) {
      PairPlan& pp = plan.plans[static_cast<size_t>(b * plan.pairs + p)];
      std::fill(std::begin(pp.order), std::end(pp.order), uint8_t{0x80});  // 0x80: a zero byte
      for (int64_t v = first; v < last; ++v) {
        const int64_t lane = v - first, x = v / channels;
        const int16_t* w = a.fixed.data() + x * a.taps;
        for (int64_t h = 0; h < 2; ++h) {
          const int64_t j = 2 * p + h;
          pp.order[4 * lane + 2 * h] = static_cast<uint8_t>(byte_of(v, j) - low);
          pp.weights[2 * lane + h] = j < a.taps ? w[j] : int16_t{0};
        }
      }
    }
  }
  return true;
}

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) void horizontal_row_vbmi(const uint8_t* row,
                                                                                int64_t row_bytes,
                                                                                const RowPlan& plan, int precision,
                                                                                int64_t values, uint8_t* out) {
  const int64_t blocks = static_cast<int64_t>(plan.starts.size());
  const __m512i half = _mm512_set1_epi32(precision > 0 ? 1 << (precision - 1) : 0);
  const __m512i zero = _mm512_setzero_si512();
  const auto bytes = [](int64_t n) { return n >= 64 ? ~__mmask64(0) : n <= 0 ? __mmask64(0) : (__mmask64(1) << n) - 1; };
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t start = plan.starts[static_cast<size_t>(b)], available = row_bytes - start;
    // the window's two halves, masked at the row's end (masked bytes are not read)
    const __m512i low = _mm512_maskz_loadu_epi8(bytes(available), row + start);
    const __m512i high = _mm512_maskz_loadu_epi8(bytes(available - 64), row + start + 64);
    __m512i sum = half;
    for (int64_t p = 0; p < plan.pairs; ++p) {
      const PairPlan& pp = plan.plans[static_cast<size_t>(b * plan.pairs + p)];
      const __m512i order = _mm512_load_si512(pp.order);
      const __mmask64 kept = ~_mm512_movepi8_mask(order);
      const __m512i pairs = _mm512_maskz_permutex2var_epi8(kept, low, order, high);
      sum = _mm512_add_epi32(sum, _mm512_madd_epi16(pairs, _mm512_load_si512(pp.weights)));
    }
    // (the masked forms: GCC 12 warns on the plain ones)
    const __m512i shifted = _mm512_maskz_max_epi32(0xFFFF, _mm512_maskz_srai_epi32(0xFFFF, sum, precision), zero);
    const int64_t left = values - b * kBlock;
    const __mmask16 keep = left >= kBlock ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
    _mm512_mask_cvtusepi32_storeu_epi8(out + b * kBlock, keep, shifted);
  }
}
#endif

// The vertical pass for one output row: rows[j] are the taps' source rows.
void vertical_row(const uint8_t* const* rows, const int16_t* w, int64_t taps, int precision, int64_t values,
                  int32_t* sums, uint8_t* out) {
  const int32_t half = precision > 0 ? 1 << (precision - 1) : 0;
  std::fill(sums, sums + values, half);
  for (int64_t j = 0; j < taps; ++j) {
    const uint8_t* r = rows[j];
    const int32_t wj = w[j];
    if (wj == 0) continue;
    for (int64_t v = 0; v < values; ++v) sums[v] += wj * r[v];
  }
  for (int64_t v = 0; v < values; ++v) out[v] = to_u8(sums[v], precision);
}

#ifdef PXP_ANTIALIAS_VBMI
// The vertical pass for one output row, 32 values at a time with the sums in registers: each
// pair of taps' rows interleaved as 16-bit words and multiplied by the weight pair in one madd.
// The same integer sums as vertical_row, so the same bits.
__attribute__((target("avx512f,avx512bw,avx512vl"))) void vertical_row_avx512(const uint8_t* const* rows, const int16_t* w,
                                                                      int64_t taps, int precision, int64_t values,
                                                                      uint8_t* out) {
  const __m512i half = _mm512_set1_epi32(precision > 0 ? 1 << (precision - 1) : 0), zero = _mm512_setzero_si512();
  for (int64_t v = 0; v < values; v += 32) {
    const int64_t left = values - v;
    const __mmask32 keep = left >= 32 ? ~__mmask32(0) : static_cast<__mmask32>((1u << left) - 1);
    __m512i low = half, high = half;  // values 8k..8k+3 and 8k+4..8k+7 of each 128-bit lane k
    for (int64_t j = 0; j < taps; j += 2) {
      const __m512i a = _mm512_maskz_cvtepu8_epi16(~__mmask32(0), _mm256_maskz_loadu_epi8(keep, rows[j] + v));
      const bool pair = j + 1 < taps;
      const __m512i b = pair ? _mm512_maskz_cvtepu8_epi16(~__mmask32(0), _mm256_maskz_loadu_epi8(keep, rows[j + 1] + v))
                             : zero;
      const uint32_t weights = static_cast<uint16_t>(w[j]) | (pair ? static_cast<uint32_t>(static_cast<uint16_t>(w[j + 1])) << 16 : 0u);
      const __m512i wpair = _mm512_set1_epi32(static_cast<int>(weights));
      low = _mm512_add_epi32(low, _mm512_madd_epi16(_mm512_unpacklo_epi16(a, b), wpair));
      high = _mm512_add_epi32(high, _mm512_madd_epi16(_mm512_unpackhi_epi16(a, b), wpair));
    }
    // (the masked forms: GCC 12 warns on the plain ones)
    low = _mm512_maskz_srai_epi32(0xFFFF, low, precision);
    high = _mm512_maskz_srai_epi32(0xFFFF, high, precision);
    const __m512i words = _mm512_maskz_max_epi16(~__mmask32(0), _mm512_packs_epi32(low, high), zero);  // lane order again
    _mm512_mask_cvtusepi16_storeu_epi8(out + v, keep, words);
  }
}
#endif

}  // namespace

void resize_antialias_u8(const uint8_t* src, int64_t src_stride, int64_t src_width, int64_t src_height,
                         int64_t channels, uint8_t* dst, int64_t dst_width, int64_t dst_height,
                         const AntialiasWindow* window, bool vectors) {
  const int64_t values = dst_width * channels;
  const AntialiasWindow w = window ? *window : whole(src_width, src_height, dst_width, dst_height);
  // horizontal pass into rows of dst_width (or the source rows themselves when nothing moves)
  const bool horizontal = window || dst_width != src_width;
  std::vector<uint8_t> across;
  const uint8_t* mid = src;
  int64_t mid_stride = src_stride;
  if (horizontal) {
    const Axis a = axis_weights(src_width, dst_width, w.x_offset, w.x_scale);
    across.resize(static_cast<size_t>(values * src_height));
    bool done = false;
#ifdef PXP_ANTIALIAS_VBMI
    RowPlan plan;
    if (vectors && cpu_has_avx512_vbmi() && plan_row(a, channels, src_width, dst_width, plan)) {
      for (int64_t y = 0; y < src_height; ++y)
        horizontal_row_vbmi(src + y * src_stride, src_width * channels, plan, a.precision, values,
                            across.data() + y * values);
      done = true;
    }
#endif
    if (!done)
      for (int64_t y = 0; y < src_height; ++y)
        horizontal_row_scalar(src + y * src_stride, a, channels, src_width, dst_width, across.data() + y * values);
    mid = across.data();
    mid_stride = values;
  }
  if (!window && dst_height == src_height) {
    for (int64_t y = 0; y < dst_height; ++y) std::memcpy(dst + y * values, mid + y * mid_stride, static_cast<size_t>(values));
    return;
  }
  const Axis a = axis_weights(src_height, dst_height, w.y_offset, w.y_scale);
  std::vector<const uint8_t*> rows(static_cast<size_t>(a.taps));
#ifdef PXP_ANTIALIAS_VBMI
  const bool wide = vectors && cpu_has_avx512();
#else
  const bool wide = false;
  (void)vectors;
#endif
  std::vector<int32_t> sums(wide ? 0 : static_cast<size_t>(values));  // the portable pass's row of sums
  for (int64_t y = 0; y < dst_height; ++y) {
    for (int64_t j = 0; j < a.taps; ++j)
      rows[static_cast<size_t>(j)] = mid + std::min(a.start[static_cast<size_t>(y)] + j, src_height - 1) * mid_stride;
#ifdef PXP_ANTIALIAS_VBMI
    if (wide) {
      vertical_row_avx512(rows.data(), a.fixed.data() + y * a.taps, a.taps, a.precision, values, dst + y * values);
      continue;
    }
#endif
    vertical_row(rows.data(), a.fixed.data() + y * a.taps, a.taps, a.precision, values, sums.data(),
                 dst + y * values);
  }
}

void resize_antialias_f32(const float* src, int64_t src_stride, int64_t src_width, int64_t src_height,
                          int64_t channels, float* dst, int64_t dst_width, int64_t dst_height) {
  const int64_t values = dst_width * channels;
  const AntialiasWindow w = whole(src_width, src_height, dst_width, dst_height);
  const Axis ax = axis_weights(src_width, dst_width, w.x_offset, w.x_scale);
  const Axis ay = axis_weights(src_height, dst_height, w.y_offset, w.y_scale);
  std::vector<float> across(static_cast<size_t>(values * src_height));
  for (int64_t y = 0; y < src_height; ++y) {
    const float* row = src + y * src_stride;
    float* out = across.data() + y * values;
    for (int64_t x = 0; x < dst_width; ++x) {
      const int64_t first = ax.start[static_cast<size_t>(x)];
      const double* w = ax.weights.data() + x * ax.taps;
      for (int64_t c = 0; c < channels; ++c) {
        double sum = 0.0;
        for (int64_t j = 0; j < ax.taps && first + j < src_width; ++j) sum += w[j] * row[(first + j) * channels + c];
        out[x * channels + c] = static_cast<float>(sum);
      }
    }
  }
  for (int64_t y = 0; y < dst_height; ++y) {
    const int64_t first = ay.start[static_cast<size_t>(y)];
    const double* w = ay.weights.data() + y * ay.taps;
    for (int64_t v = 0; v < values; ++v) {
      double sum = 0.0;
      for (int64_t j = 0; j < ay.taps && first + j < src_height; ++j)
        sum += w[j] * across[static_cast<size_t>((first + j) * values + v)];
      dst[y * values + v] = static_cast<float>(sum);
    }
  }
}

}  // namespace pxp::kernels
