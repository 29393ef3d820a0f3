// What the CPU running the library can do, asked once per feature (the kernels with hand-written
// SIMD paths pick them with these; the answers are false off x86-64).
#pragma once

namespace pxp::kernels {

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
inline bool cpu_has_ssse3() {
  static const bool yes = __builtin_cpu_supports("ssse3");
  return yes;
}
// AVX-512 F, BW, DQ and VL: what GCC's x86-64-v4 (PXP_WIDE_AVX512) compiles for.
inline bool cpu_has_avx512() {
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  return yes;
}
// AVX-512 F, BW and VBMI (byte permutes across the register).
inline bool cpu_has_avx512_vbmi() {
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512vbmi");
  return yes;
}
#else
inline bool cpu_has_ssse3() { return false; }
inline bool cpu_has_avx512() { return false; }
inline bool cpu_has_avx512_vbmi() { return false; }
#endif

}  // namespace pxp::kernels
