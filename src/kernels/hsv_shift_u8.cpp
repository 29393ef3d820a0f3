#include "kernels/hsv_shift_u8.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/cpu_features.hpp"
#include "kernels/rgb_lanes_avx512.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

namespace pxp::kernels {

namespace {

constexpr int kShift = 12;                 // OpenCV's hsv_shift
constexpr int kHalf = 1 << (kShift - 1);
constexpr int kBlock = 32;                 // pixels per block of OpenCV's vector path
constexpr float kHueScale = 6.0f / 180.0f; // sectors per hue unit

// OpenCV's sdiv_table and hdiv_table180: round(255 * 2^12 / v) and round(180 * 2^12 / (6 d)).
struct Reciprocals {
  int32_t saturation[256];
  int32_t hue[256];
};

const Reciprocals& reciprocals() {
  static const Reciprocals r = [] {
    Reciprocals t{};
    for (int i = 1; i < 256; ++i) {
      t.saturation[i] = static_cast<int32_t>(std::lrint((255 << kShift) / (1.0 * i)));
      t.hue[i] = static_cast<int32_t>(std::lrint((180 << kShift) / (6.0 * i)));
    }
    return t;
  }();
  return r;
}

struct Hsv {
  int h, s, v;
};

Hsv to_hsv(int r, int g, int b, const Reciprocals& rec) {
  const int v = std::max(r, std::max(g, b)), diff = v - std::min(r, std::min(g, b));
  const int s = (diff * rec.saturation[v] + kHalf) >> kShift;
  const int x = v == r ? g - b : (v == g ? b - r + 2 * diff : r - g + 4 * diff);
  int h = (x * rec.hue[diff] + kHalf) >> kShift;
  if (h < 0) h += 180;
  return {h, s, v};
}

uint8_t to_u8(int x) { return static_cast<uint8_t>(std::min(255, std::max(0, x))); }

// The six sectors' (r, g, b) picks among v, v (1 - s), v (1 - s f), v (1 - s (1 - f)).
constexpr int kPick[6][3] = {{0, 3, 1}, {2, 0, 1}, {1, 0, 3}, {1, 2, 0}, {3, 1, 0}, {0, 1, 2}};

// OpenCV's vector path, one pixel: sector by truncation, result truncated.
void to_rgb_in_block(Hsv p, uint8_t* out) {
  const float s = static_cast<float>(p.s) * (1.0f / 255.0f), v = static_cast<float>(p.v) * (1.0f / 255.0f);
  float f = static_cast<float>(p.h) * kHueScale;
  const float whole = std::trunc(f);
  f -= whole;
  const float tab[4] = {v, v * (1.0f - s), v * std::fma(-s, f, 1.0f), v * std::fma(-s, 1.0f - f, 1.0f)};
  const int sector = static_cast<int>(whole - std::trunc(whole * (1.0f / 6.0f)) * 6.0f);
  for (int c = 0; c < 3; ++c) out[c] = to_u8(static_cast<int>(tab[kPick[sector][c]] * 255.0f));
}

// OpenCV's scalar path (a row's last width % 32 pixels): fmod and floor, rounded to nearest.
void to_rgb_after_blocks(Hsv p, uint8_t* out) {
  const float s = static_cast<float>(p.s) * (1.0f / 255.0f), v = static_cast<float>(p.v) * (1.0f / 255.0f);
  float rgb[3] = {v, v, v};
  if (s != 0.0f) {
    float f = std::fmod(static_cast<float>(p.h) * kHueScale, 6.0f);
    int sector = static_cast<int>(std::floor(f));
    f -= static_cast<float>(sector);
    if (static_cast<unsigned>(sector) >= 6u) sector = 0, f = 0.0f;
    const float tab[4] = {v, v * (1.0f - s), v * std::fma(-s, f, 1.0f), v * std::fma(-s, 1.0f - f, 1.0f)};
    for (int c = 0; c < 3; ++c) rgb[c] = tab[kPick[sector][c]];
  }
  for (int c = 0; c < 3; ++c) out[c] = to_u8(static_cast<int>(std::nearbyint(rgb[c] * 255.0f)));
}

Hsv shifted(const uint8_t* px, const HsvTables& t, const Reciprocals& rec) {
  const Hsv p = to_hsv(px[0], px[1], px[2], rec);
  return {t.hue[p.h], t.saturation[p.s], t.value[p.v]};
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#define PXP_HSV_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi,fma")))

PXP_HSV_TARGET inline __m512 pick(__m512i sector, const __m512 tab[4], const int column) {
  __m512 out = tab[kPick[0][column]];
  for (int k = 1; k < 6; ++k)
    out = _mm512_mask_mov_ps(out, _mm512_cmpeq_epi32_mask(sector, _mm512_set1_epi32(k)), tab[kPick[k][column]]);
  return out;
}

constexpr __mmask16 kAll = 0xFFFF;
using rgb_lanes::gather;

// (a b + 2^11) >> 12
PXP_HSV_TARGET inline __m512i fixed_point(__m512i a, __m512i b) {
  return _mm512_maskz_srai_epi32(
      kAll, _mm512_maskz_add_epi32(kAll, _mm512_maskz_mullo_epi32(kAll, a, b), _mm512_set1_epi32(kHalf)), kShift);
}

PXP_HSV_TARGET inline __m512 truncated(__m512 x) {
  return _mm512_maskz_roundscale_ps(kAll, x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
}

// `count` pixels (a multiple of 16) with OpenCV's vector-path semantics, 16 at a time. (Masked
// forms throughout: GCC 12 warns that the unmasked ones read an uninitialized register.)
PXP_HSV_TARGET void blocks_avx512(const uint8_t* src, uint8_t* dst, int64_t count, const int32_t* tables,
                                  const Reciprocals& rec) {
  const rgb_lanes::Permutes o = rgb_lanes::permutes();
  const __mmask16 all = kAll;
  const __m512i zero = _mm512_setzero_si512(), top = _mm512_set1_epi32(255);
  const __m512 one = _mm512_set1_ps(1.0f), inv255 = _mm512_set1_ps(1.0f / 255.0f), scale = _mm512_set1_ps(kHueScale);
  const __m512 sixth = _mm512_set1_ps(1.0f / 6.0f), six = _mm512_set1_ps(6.0f), k255 = _mm512_set1_ps(255.0f);
  for (int64_t i = 0; i < count; i += 16, src += 48, dst += 48) {
    __m512i r, g, b;
    rgb_lanes::load(src, o, r, g, b);
    const __m512i v = _mm512_maskz_max_epi32(all, r, _mm512_maskz_max_epi32(all, g, b));
    const __m512i diff = _mm512_maskz_sub_epi32(all, v, _mm512_maskz_min_epi32(all, r, _mm512_maskz_min_epi32(all, g, b)));
    const __m512i s = fixed_point(diff, gather(v, rec.saturation));
    __m512i x = _mm512_maskz_add_epi32(all, _mm512_maskz_sub_epi32(all, r, g), _mm512_maskz_slli_epi32(all, diff, 2));
    x = _mm512_mask_add_epi32(x, _mm512_cmpeq_epi32_mask(v, g), _mm512_maskz_sub_epi32(all, b, r),
                              _mm512_maskz_slli_epi32(all, diff, 1));
    x = _mm512_mask_sub_epi32(x, _mm512_cmpeq_epi32_mask(v, r), g, b);
    __m512i h = fixed_point(x, gather(diff, rec.hue));
    h = _mm512_mask_add_epi32(h, _mm512_cmplt_epi32_mask(h, zero), h, _mm512_set1_epi32(180));

    const __m512 hf = _mm512_maskz_cvtepi32_ps(all, gather(h, tables));
    const __m512 sf = _mm512_maskz_mul_ps(all, _mm512_maskz_cvtepi32_ps(all, gather(s, tables + 256)), inv255);
    const __m512 vf = _mm512_maskz_mul_ps(all, _mm512_maskz_cvtepi32_ps(all, gather(v, tables + 512)), inv255);
    const __m512 turns = _mm512_maskz_mul_ps(all, hf, scale);
    const __m512 whole = truncated(turns);
    const __m512 f = _mm512_maskz_sub_ps(all, turns, whole);
    const __m512 tab[4] = {vf, _mm512_maskz_mul_ps(all, vf, _mm512_maskz_sub_ps(all, one, sf)),
                           _mm512_maskz_mul_ps(all, vf, _mm512_maskz_fnmadd_ps(all, sf, f, one)),
                           _mm512_maskz_mul_ps(all, vf, _mm512_maskz_fnmadd_ps(all, sf, _mm512_maskz_sub_ps(all, one, f), one))};
    const __m512 sixths = truncated(_mm512_maskz_mul_ps(all, whole, sixth));
    const __m512i sector =
        _mm512_maskz_cvttps_epi32(all, _mm512_maskz_sub_ps(all, whole, _mm512_maskz_mul_ps(all, sixths, six)));
    __m128i bytes[3];
    for (int c = 0; c < 3; ++c) {
      const __m512i level = _mm512_maskz_cvttps_epi32(all, _mm512_maskz_mul_ps(all, pick(sector, tab, c), k255));
      bytes[c] = _mm512_maskz_cvtepi32_epi8(all, _mm512_maskz_min_epi32(all, _mm512_maskz_max_epi32(all, level, zero), top));
    }
    rgb_lanes::store(dst, o, bytes[0], bytes[1], bytes[2]);
  }
}

#undef PXP_HSV_TARGET
#endif

}  // namespace

void shift_hsv_rgb_u8(const uint8_t* src, uint8_t* dst, int64_t width, int64_t height, int64_t src_stride,
                      int64_t dst_stride, const HsvTables& tables, bool vectors) {
  const Reciprocals& rec = reciprocals();
  const int64_t blocks = width / kBlock * kBlock;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  const bool wide = vectors && cpu_has_avx512_vbmi();
  int32_t wide_tables[3 * 256];
  for (int k = 0; k < 256; ++k) {
    wide_tables[k] = tables.hue[k];
    wide_tables[256 + k] = tables.saturation[k];
    wide_tables[512 + k] = tables.value[k];
  }
#else
  (void)vectors;
#endif
  for (int64_t y = 0; y < height; ++y) {
    const uint8_t* in = src + y * src_stride;
    uint8_t* out = dst + y * dst_stride;
    int64_t x = 0;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (wide && blocks > 0) {
      blocks_avx512(in, out, blocks, wide_tables, rec);
      x = blocks;
    }
#endif
    for (; x < blocks; ++x) to_rgb_in_block(shifted(in + 3 * x, tables, rec), out + 3 * x);
    for (; x < width; ++x) to_rgb_after_blocks(shifted(in + 3 * x, tables, rec), out + 3 * x);
  }
}

}  // namespace pxp::kernels
