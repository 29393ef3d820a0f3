#include "kernels/lab_u8.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/cpu_features.hpp"
#include "kernels/rgb_lanes_avx512.hpp"
#include "kernels/rgb_planes.hpp"

namespace pxp::kernels {

namespace {

// sRGB primaries to XYZ and back, and the D65 white point (the values OpenCV uses).
constexpr double kRgbToXyz[9] = {0.412453, 0.35758, 0.180423, 0.212671, 0.71516, 0.072169, 0.019334, 0.119193, 0.950227};
constexpr double kXyzToRgb[9] = {3.240479, -1.53715, -0.498535, -0.969256, 1.875991, 0.041556, 0.055648, -0.204043, 1.057311};
constexpr double kWhite[3] = {0.950456, 1.0, 1.088754};

// Fixed-point scales: forward XYZ coefficients in 2^12, gamma-expanded RGB in 255 * 2^3, the cube
// root f(t) in 2^15; backward, y and f(y) in 2^14 and the linear RGB index in 2^12.
constexpr int kCoeffShift = 12, kGammaShift = 3, kCubeShift = kCoeffShift + kGammaShift, kBase = 1 << 14;
constexpr int kCubeTableSize = 256 * 3 / 2 * (1 << kGammaShift);
constexpr int kInvGammaSize = 1 << 12;
// f(t) of CIE Lab: t^(1/3) above (6/29)^3, (29/3)^3 / 116 t + 16 / 116 below (in float, as OpenCV).
const float kLinearBelow = 216.0f / 24389.0f, kLinearSlope = 841.0f / 108.0f, kLinearOffset = 16.0f / 116.0f;
// The index range of the a, b -> x, z table (f(x) and f(z) in 2^14, from its lowest value).
constexpr int kAbMin = -8145, kAbSize = kBase * 9 / 4;
// L = (116 f(Y) - 16) * 255 / 100 and the a, b offsets, as OpenCV scales them.
constexpr int kLScale = (116 * 255 + 50) / 100, kLShift = -((16 * 255 * (1 << kCubeShift) + 50) / 100);
constexpr int kAbOffset = 128 * (1 << kCubeShift) + (1 << (kCubeShift - 1));

// The sRGB transfer function and its inverse, in double, on a float argument; the result rounded
// to float, as OpenCV computes its tables.
float srgb_to_linear(float x) {
  const double d = x;
  return static_cast<float>(d <= 809.0 / 20000.0 ? d / (323.0 / 25.0) : std::pow((d + 11.0 / 200.0) / (1.0 + 11.0 / 200.0), 12.0 / 5.0));
}
float linear_to_srgb(float x) {
  const double d = x;
  return static_cast<float>(d <= 7827.0 / 2500000.0 ? d * (323.0 / 25.0)
                                                    : std::pow(d, 1.0 / (12.0 / 5.0)) * (1.0 + 11.0 / 200.0) - 11.0 / 200.0);
}

// C's rounding of a float to the nearest integer, ties to even (OpenCV's cvRound of a softfloat).
int round_even(float v) { return static_cast<int>(std::nearbyint(v)); }
int round_even(double v) { return static_cast<int>(std::nearbyint(v)); }

struct LabTables {
  int32_t gamma[256];              // u8 sRGB -> linear, in 255 * 2^3
  int32_t cube[kCubeTableSize];    // linear (255 * 2^3 scale) -> f(t) in 2^15
  int32_t forward[9];              // RGB -> XYZ / white, in 2^12
  int32_t l_to_y[256];             // u8 L -> (f(y) << 16) | y, both in 2^14
  int32_t ab_to_xz[kAbSize];       // f in 2^14 (from kAbMin) -> x or z in 2^14
  int32_t inv_gamma[kInvGammaSize];  // linear in 2^12 -> u8 sRGB
  int32_t backward[9];             // XYZ * white -> RGB, in 2^14 from 2^14 inputs to a 2^12 index
};

const LabTables& tables() {
  static const LabTables t = [] {
    LabTables s{};
    for (int i = 0; i < 256; ++i)
      s.gamma[i] = round_even(static_cast<float>(255 << kGammaShift) * srgb_to_linear(static_cast<float>(i) / 255.0f));
    const float step = 1.0f / static_cast<float>(255 << kGammaShift);
    for (int i = 0; i < kCubeTableSize; ++i) {
      const float x = step * static_cast<float>(i);
      const float f = x < kLinearBelow ? std::fma(x, kLinearSlope, kLinearOffset) : static_cast<float>(std::cbrt(static_cast<double>(x)));
      s.cube[i] = round_even(static_cast<float>(1 << kCubeShift) * f);
    }
    // OpenCV's own float cube root (softfloat's cbrt) returns one ulp below the correctly rounded
    // root at x = 324 / 2040, which moves this entry across a rounding tie: its table holds 17745.
    s.cube[324] = 17745;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) s.forward[i * 3 + j] = round_even((1 << kCoeffShift) * kRgbToXyz[i * 3 + j] / kWhite[i]);
    for (int i = 0; i < 256; ++i) {
      int y, fy;
      if (i <= 20) {  // L below 8: y = L / 903.3, linear part of f
        y = round_even(static_cast<float>(i * kBase * 20 * 9) / static_cast<float>(17 * 29 * 29 * 29));
        fy = round_even(static_cast<float>(kBase) * (16.0f / 116.0f + static_cast<float>(i * 5) / static_cast<float>(3 * 17 * 29)));
      } else {
        const float f = static_cast<float>(i * 100 * kBase) / static_cast<float>(255 * 116) + static_cast<float>(16 * kBase) / 116.0f;
        fy = round_even(f);
        y = round_even(f * f * f / static_cast<float>(kBase * kBase));
      }
      s.l_to_y[i] = (fy << 16) | y;
    }
    for (int i = kAbMin; i < kAbMin + kAbSize; ++i) {
      // f^-1: linear below 6/29 (3390 in 2^14), the cube above; C's integer division, as OpenCV
      s.ab_to_xz[i - kAbMin] = i <= 3390 ? i * 108 / 841 - kBase * 16 / 116 * 108 / 841 : i * i / kBase * i / kBase;
    }
    for (int i = 0; i < kInvGammaSize; ++i)
      s.inv_gamma[i] = round_even(255.0f * linear_to_srgb(static_cast<float>(i) * (1.0f / kInvGammaSize)));
    for (int k = 0; k < 3; ++k)
      for (int i = 0; i < 3; ++i) s.backward[k * 3 + i] = round_even((1 << kCoeffShift) * kXyzToRgb[k * 3 + i] * kWhite[i]);
    return s;
  }();
  return t;
}

uint8_t to_u8(int v) { return static_cast<uint8_t>(std::min(255, std::max(0, v))); }

// One pixel each way, OpenCV's scalar steps.
void to_lab(const uint8_t* px, const LabTables& t, uint8_t* l, uint8_t* a, uint8_t* b) {
  const int r = t.gamma[px[0]], g = t.gamma[px[1]], bl = t.gamma[px[2]];
  const int32_t* c = t.forward;
  const int half = 1 << (kCoeffShift - 1);
  const int fy = t.cube[(r * c[3] + g * c[4] + bl * c[5] + half) >> kCoeffShift];
  *l = to_u8((kLScale * fy + kLShift + (1 << (kCubeShift - 1))) >> kCubeShift);
  if (a == nullptr) return;
  const int fx = t.cube[(r * c[0] + g * c[1] + bl * c[2] + half) >> kCoeffShift];
  const int fz = t.cube[(r * c[6] + g * c[7] + bl * c[8] + half) >> kCoeffShift];
  *a = to_u8((500 * (fx - fy) + kAbOffset) >> kCubeShift);
  *b = to_u8((200 * (fy - fz) + kAbOffset) >> kCubeShift);
}

// a / 500 and b / 200 in 2^14, OpenCV's integer approximations (the +1 included).
int a_step(int a) { return ((5 * a * 53687 + (1 << 7)) >> 13) - 128 * kBase / 500; }
int b_step(int b) { return ((b * 41943 + (1 << 4)) >> 9) - 128 * kBase / 200 + 1; }

void to_rgb(int l, int a, int b, const LabTables& t, uint8_t* out) {
  const int y = t.l_to_y[l] & 0xFFFF, fy = t.l_to_y[l] >> 16;
  const int x = t.ab_to_xz[fy + a_step(a) - kAbMin], z = t.ab_to_xz[fy - b_step(b) - kAbMin];
  for (int k = 0; k < 3; ++k) {
    const int32_t* c = t.backward + 3 * k;
    const int v = (c[0] * x + c[1] * y + c[2] * z + (1 << 13)) >> 14;
    out[k] = static_cast<uint8_t>(t.inv_gamma[std::min(kInvGammaSize - 1, std::max(0, v))]);
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#define PXP_LAB_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi")))

// (Masked forms throughout: GCC 12 warns that the unmasked ones read an uninitialized register.)
constexpr __mmask16 kAll = 0xFFFF;
using rgb_lanes::gather;

PXP_LAB_TARGET inline __m512i set(int v) { return _mm512_set1_epi32(v); }
PXP_LAB_TARGET inline __m512i add(__m512i x, __m512i y) { return _mm512_maskz_add_epi32(kAll, x, y); }
PXP_LAB_TARGET inline __m512i sub(__m512i x, __m512i y) { return _mm512_maskz_sub_epi32(kAll, x, y); }
PXP_LAB_TARGET inline __m512i mul(__m512i x, __m512i y) { return _mm512_maskz_mullo_epi32(kAll, x, y); }
PXP_LAB_TARGET inline __m512i shr(__m512i x, unsigned n) { return _mm512_maskz_srai_epi32(kAll, x, n); }
// x c0 + y c1 + z c2 + round, >> shift
PXP_LAB_TARGET inline __m512i dot(__m512i x, __m512i y, __m512i z, const int32_t* c, int round, unsigned shift) {
  return shr(add(add(mul(x, set(c[0])), mul(y, set(c[1]))), add(mul(z, set(c[2])), set(round))), shift);
}
PXP_LAB_TARGET inline __m512i widen(const uint8_t* p) {  // 16 bytes to 16 lanes
  return _mm512_maskz_cvtepu8_epi32(kAll, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
PXP_LAB_TARGET inline __m128i bytes(__m512i v) {  // saturated to [0, 255]
  const __m512i clamped = _mm512_maskz_min_epi32(kAll, _mm512_maskz_max_epi32(kAll, v, _mm512_setzero_si512()), set(255));
  return _mm512_maskz_cvtepi32_epi8(kAll, clamped);
}

PXP_LAB_TARGET void to_lab_avx512(const uint8_t* src, int64_t count, const LabTables& t, uint8_t* l, uint8_t* a, uint8_t* b) {
  const rgb_lanes::Permutes o = rgb_lanes::permutes();
  const int half = 1 << (kCoeffShift - 1);
  for (int64_t i = 0; i < count; i += 16, src += 48) {
    __m512i r, g, bl;
    rgb_lanes::load(src, o, r, g, bl);
    r = gather(r, t.gamma), g = gather(g, t.gamma), bl = gather(bl, t.gamma);
    const __m512i fy = gather(dot(r, g, bl, t.forward + 3, half, kCoeffShift), t.cube);
    const __m512i lv = shr(add(mul(fy, set(kLScale)), set(kLShift + (1 << (kCubeShift - 1)))), kCubeShift);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(l + i), bytes(lv));
    if (a == nullptr) continue;
    const __m512i fx = gather(dot(r, g, bl, t.forward, half, kCoeffShift), t.cube);
    const __m512i fz = gather(dot(r, g, bl, t.forward + 6, half, kCoeffShift), t.cube);
    const __m512i av = shr(add(mul(sub(fx, fy), set(500)), set(kAbOffset)), kCubeShift);
    const __m512i bv = shr(add(mul(sub(fy, fz), set(200)), set(kAbOffset)), kCubeShift);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(a + i), bytes(av));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(b + i), bytes(bv));
  }
}

PXP_LAB_TARGET void to_rgb_avx512(const uint8_t* l, const uint8_t* a, const uint8_t* b, int64_t count, const LabTables& t,
                                  uint8_t* dst) {
  const rgb_lanes::Permutes o = rgb_lanes::permutes();
  const __m512i low16 = set(0xFFFF), top = set(kInvGammaSize - 1), zero = _mm512_setzero_si512();
  for (int64_t i = 0; i < count; i += 16, dst += 48) {
    const __m512i packed = gather(widen(l + i), t.l_to_y);
    const __m512i y = _mm512_maskz_and_epi32(kAll, packed, low16), fy = _mm512_maskz_srli_epi32(kAll, packed, 16);
    const __m512i av = widen(a + i), bv = widen(b + i);
    const __m512i a_step = sub(_mm512_maskz_srli_epi32(kAll, add(mul(av, set(5 * 53687)), set(1 << 7)), 13), set(128 * kBase / 500));
    const __m512i b_step = sub(_mm512_maskz_srli_epi32(kAll, add(mul(bv, set(41943)), set(1 << 4)), 9), set(128 * kBase / 200 - 1));
    const __m512i x = gather(sub(add(fy, a_step), set(kAbMin)), t.ab_to_xz);
    const __m512i z = gather(sub(sub(fy, b_step), set(kAbMin)), t.ab_to_xz);
    __m128i out[3];
    for (int k = 0; k < 3; ++k) {
      const __m512i v = dot(x, y, z, t.backward + 3 * k, 1 << 13, 14);
      const __m512i index = _mm512_maskz_min_epi32(kAll, _mm512_maskz_max_epi32(kAll, v, zero), top);
      out[k] = _mm512_maskz_cvtepi32_epi8(kAll, gather(index, t.inv_gamma));
    }
    rgb_lanes::store(dst, o, out[0], out[1], out[2]);
  }
}

#undef PXP_LAB_TARGET
#define PXP_LAB_VECTORS 1
#endif

// How many leading pixels (whole blocks of 16) the AVX-512 path takes: none off x86-64, without
// VBMI, or when `vectors` is false; the per-pixel code does the rest.
int64_t vector_pixels(int64_t n, bool vectors) {
#ifdef PXP_LAB_VECTORS
  if (vectors && cpu_has_avx512_vbmi()) return n / 16 * 16;
#endif
  (void)vectors;
  return 0;
}

}  // namespace

void rgb_to_lab_planes_u8(const uint8_t* rgb, int64_t n, uint8_t* l, uint8_t* a, uint8_t* b, bool vectors) {
  const LabTables& t = tables();
  const int64_t head = vector_pixels(n, vectors);
#ifdef PXP_LAB_VECTORS
  if (head > 0) to_lab_avx512(rgb, head, t, l, a, b);
#endif
  const bool ab = a != nullptr;
  for (int64_t i = head; i < n; ++i) to_lab(rgb + 3 * i, t, l + i, ab ? a + i : nullptr, ab ? b + i : nullptr);
}

void lab_planes_to_rgb_u8(const uint8_t* l, const uint8_t* a, const uint8_t* b, int64_t n, uint8_t* rgb, bool vectors) {
  const LabTables& t = tables();
  const int64_t head = vector_pixels(n, vectors);
#ifdef PXP_LAB_VECTORS
  if (head > 0) to_rgb_avx512(l, a, b, head, t, rgb);
#endif
  for (int64_t i = head; i < n; ++i) to_rgb(l[i], a[i], b[i], t, rgb + 3 * i);
}

namespace {
constexpr int kBlock = 1024;  // pixels per block of planes (they stay in L1)
}

void rgb_to_lab_u8(const uint8_t* rgb, int64_t n, uint8_t* lab) {
  alignas(64) uint8_t planes[3][kBlock];
  for (int64_t i = 0; i < n; i += kBlock) {
    const int64_t m = std::min<int64_t>(kBlock, n - i);
    rgb_to_lab_planes_u8(rgb + 3 * i, m, planes[0], planes[1], planes[2]);
    merge_rgb(planes[0], planes[1], planes[2], lab + 3 * i, m);
  }
}

void lab_to_rgb_u8(const uint8_t* lab, int64_t n, uint8_t* rgb) {
  alignas(64) uint8_t planes[3][kBlock];
  for (int64_t i = 0; i < n; i += kBlock) {
    const int64_t m = std::min<int64_t>(kBlock, n - i);
    split_rgb(lab + 3 * i, planes[0], planes[1], planes[2], m);
    lab_planes_to_rgb_u8(planes[0], planes[1], planes[2], m, rgb + 3 * i);
  }
}

}  // namespace pxp::kernels
