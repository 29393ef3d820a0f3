#include "kernels/linear_resize_u8.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu_features.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PXP_LINEAR_RESIZE_VBMI 1
#endif

namespace pxp::kernels {

#ifdef PXP_LINEAR_RESIZE_VBMI
namespace {

constexpr int kOne = 2048;     // OpenCV's INTER_RESIZE_COEF_SCALE: weights in 11 bits
constexpr int64_t kBlock = 16;  // output values per horizontal block (16 int32 lanes)

// A weight as OpenCV rounds it: saturate_cast<short>(v * 2048), to nearest, ties to even.
int16_t weight(float v) {
  const long r = std::lrint(v * static_cast<float>(kOne));
  return static_cast<int16_t>(std::clamp<long>(r, -32768, 32767));
}

// One output coordinate: the first of its two source indices and their weights.
struct Tap {
  int64_t source;
  int16_t w0, w1;
  bool single;  // past the last pair: the source value times 2048 alone (OpenCV's xmax)
};

// OpenCV's mapping of output d to source: f = float((d + 0.5) * scale - 0.5), s = floor(f), the
// fraction f - s. `clamp` is the horizontal rule (a negative s becomes 0 with fraction 0; one at
// the last index or beyond takes that index alone); rows keep the raw s and fraction, and their
// two source rows are clamped when read.
std::vector<Tap> taps(int64_t source_size, int64_t output_size, bool clamp) {
  const double scale = 1.0 / (static_cast<double>(output_size) / static_cast<double>(source_size));
  std::vector<Tap> out(static_cast<size_t>(output_size));
  for (int64_t d = 0; d < output_size; ++d) {
    float f = static_cast<float>((static_cast<double>(d) + 0.5) * scale - 0.5);
    int64_t s = static_cast<int64_t>(std::floor(f));
    f -= static_cast<float>(s);
    bool single = false;
    if (clamp) {
      if (s < 0) f = 0.f, s = 0;
      if (s + 1 >= source_size) single = true, f = 0.f, s = source_size - 1;
    }
    out[static_cast<size_t>(d)] = {s, weight(1.f - f), weight(f), single};
  }
  return out;
}

// The horizontal pass's per-block gather: the 128-byte window it loads from a row, the permute
// that puts each value's two source bytes as the low bytes of a word pair, and the weight pairs.
struct alignas(64) BlockPlan {
  uint8_t order[64];
  int16_t weights[32];
};

struct HorizontalPlan {
  std::vector<BlockPlan> blocks;
  std::vector<int64_t> starts;
  bool wide = false;  // some block spans more than 64 bytes: two-register permutes (slower)
};

// false when some block's bytes span more than a 128-byte window (a shrink beyond about 7x)
bool plan_columns(const std::vector<Tap>& columns, int64_t channels, HorizontalPlan& plan) {
  const int64_t values = static_cast<int64_t>(columns.size()) * channels;
  const int64_t count = (values + kBlock - 1) / kBlock;
  plan.blocks.assign(static_cast<size_t>(count), BlockPlan{});
  plan.starts.assign(static_cast<size_t>(count), 0);
  for (int64_t b = 0; b < count; ++b) {
    const int64_t first = b * kBlock, last = std::min(values, first + kBlock);
    int64_t low = INT64_MAX, high = 0;
    for (int64_t v = first; v < last; ++v) {
      const Tap& t = columns[static_cast<size_t>(v / channels)];
      const int64_t left = t.source * channels + v % channels;
      low = std::min(low, left);
      high = std::max(high, t.single ? left : left + channels);
    }
    if (high - low > 127) return false;
    plan.wide |= high - low > 63;
    BlockPlan& p = plan.blocks[static_cast<size_t>(b)];
    std::fill(std::begin(p.order), std::end(p.order), uint8_t{0x80});  // 0x80: a zero byte
    for (int64_t v = first; v < last; ++v) {
      const Tap& t = columns[static_cast<size_t>(v / channels)];
      const int64_t left = t.source * channels + v % channels, lane = v - first;
      p.order[4 * lane] = static_cast<uint8_t>(left - low);
      p.order[4 * lane + 2] = static_cast<uint8_t>((t.single ? left : left + channels) - low);
      p.weights[2 * lane] = t.single ? int16_t{kOne} : t.w0;
      p.weights[2 * lane + 1] = t.single ? int16_t{0} : t.w1;
    }
    plan.starts[static_cast<size_t>(b)] = low;
  }
  return true;
}

// One source row through the horizontal pass: the sums S >> 4, in 16 bits (they fit: S < 2^19).
template <bool kWide>
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) void horizontal_row(const uint8_t* row, int64_t row_bytes,
                                                                           const HorizontalPlan& plan,
                                                                           int16_t* shifted) {
  const int64_t count = static_cast<int64_t>(plan.blocks.size());
  for (int64_t b = 0; b < count; ++b) {
    const BlockPlan& p = plan.blocks[static_cast<size_t>(b)];
    const int64_t start = plan.starts[static_cast<size_t>(b)];
    // the window's two halves, masked at the row's end (masked bytes are not read)
    const int64_t available = row_bytes - start;
    const auto bytes = [](int64_t n) { return n >= 64 ? ~__mmask64(0) : n <= 0 ? __mmask64(0) : (__mmask64(1) << n) - 1; };
    const __m512i low = _mm512_maskz_loadu_epi8(bytes(available), row + start);
    const __m512i order = _mm512_load_si512(p.order);
    const __mmask64 kept = ~_mm512_movepi8_mask(order);
    __m512i pairs;
    if constexpr (kWide)
      pairs = _mm512_maskz_permutex2var_epi8(kept, low, order,
                                             _mm512_maskz_loadu_epi8(bytes(available - 64), row + start + 64));
    else
      pairs = _mm512_maskz_permutexvar_epi8(kept, order, low);
    const __m512i sums = _mm512_madd_epi16(pairs, _mm512_load_si512(p.weights));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(shifted + b * kBlock),
                        _mm512_maskz_cvtepi32_epi16(0xFFFF, _mm512_maskz_srai_epi32(0xFFFF, sums, 4)));
  }
}

// One output row from two horizontal rows: OpenCV's 16-bit formula, 32 values per step.
__attribute__((target("avx512f,avx512bw"))) void vertical_row(const int16_t* s0, const int16_t* s1, int16_t b0,
                                                              int16_t b1, int64_t values, uint8_t* out) {
  const __m512i w0 = _mm512_set1_epi16(b0), w1 = _mm512_set1_epi16(b1), two = _mm512_set1_epi16(2);
  for (int64_t x = 0; x < values; x += 32) {
    const int64_t left = values - x;
    const __mmask32 m = left >= 32 ? ~__mmask32(0) : (__mmask32(1) << left) - 1;
    const __m512i a = _mm512_maskz_loadu_epi16(m, s0 + x), b = _mm512_maskz_loadu_epi16(m, s1 + x);
    __m512i v = _mm512_add_epi16(_mm512_mulhi_epi16(a, w0), _mm512_mulhi_epi16(b, w1));
    v = _mm512_srai_epi16(_mm512_add_epi16(v, two), 2);
    _mm512_mask_cvtusepi16_storeu_epi8(out + x, m, v);
  }
}

// A horizontal row kept for the output rows that need it.
struct RowSlot {
  int64_t row = -1;
  std::vector<int16_t> shifted;
};

}  // namespace

bool resize_linear_u8(const uint8_t* src, int64_t src_stride, int64_t src_width, int64_t src_height,
                      int64_t channels, uint8_t* dst, int64_t dst_width, int64_t dst_height) {
  constexpr int64_t kMaxSide = 1 << 15;
  if (!cpu_has_avx512_vbmi() || channels < 1 || channels > 4) return false;
  if (src_width < 1 || src_height < 1 || dst_width < 1 || dst_height < 1 || src_width > kMaxSide ||
      src_height > kMaxSide || dst_width > kMaxSide || dst_height > kMaxSide)
    return false;
  // OpenCV's other paths: a copy, the 2 x 2 area average for exact halving
  if (src_width == dst_width && src_height == dst_height) return false;
  if (src_width == 2 * dst_width && src_height == 2 * dst_height) return false;

  HorizontalPlan plan;
  if (!plan_columns(taps(src_width, dst_width, true), channels, plan)) return false;
  const std::vector<Tap> rows = taps(src_height, dst_height, false);
  const int64_t values = dst_width * channels;
  const int64_t row_bytes = src_width * channels;

  RowSlot slots[2];
  for (RowSlot& s : slots) s.shifted.assign(static_cast<size_t>(plan.blocks.size() * kBlock), 0);
  // the slot holding `row`, computed into the slot that does not hold `keep` if needed
  auto horizontal = [&](int64_t row, int64_t keep) -> RowSlot& {
    for (RowSlot& s : slots)
      if (s.row == row) return s;
    RowSlot& s = slots[0].row == keep ? slots[1] : slots[0];
    if (plan.wide)
      horizontal_row<true>(src + row * src_stride, row_bytes, plan, s.shifted.data());
    else
      horizontal_row<false>(src + row * src_stride, row_bytes, plan, s.shifted.data());
    s.row = row;
    return s;
  };
  for (int64_t y = 0; y < dst_height; ++y) {
    const Tap& t = rows[static_cast<size_t>(y)];
    const int64_t r0 = std::clamp<int64_t>(t.source, 0, src_height - 1);
    const int64_t r1 = std::clamp<int64_t>(t.source + 1, 0, src_height - 1);
    const RowSlot& first = horizontal(r0, r1);
    const RowSlot& second = horizontal(r1, r0);
    vertical_row(first.shifted.data(), second.shifted.data(), t.w0, t.w1, values, dst + y * values);
  }
  return true;
}

#else

bool resize_linear_u8(const uint8_t*, int64_t, int64_t, int64_t, int64_t, uint8_t*, int64_t, int64_t) { return false; }

#endif

}  // namespace pxp::kernels
