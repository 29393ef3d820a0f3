// PXP_VECTOR_CLONES before a function with plain element-wise loops: GCC compiles an AVX2
// (x86-64-v3) clone beside the default one and picks one when the library loads, so the loops
// vectorize 8 floats wide where the CPU allows. The results are the same bits on both clones
// because the build turns off floating-point contraction (-ffp-contract=off in CMakeLists.txt):
// an FMA in one clone and a multiply then add in the other would round differently.
// Not in sanitizer builds: target_clones dispatches through an ifunc resolver that runs before
// ThreadSanitizer's runtime is up (the test binary crashed at start); those builds test the default.
//
// PXP_WIDE_AVX512 before a second copy of a long per-pixel loop (the body an always-inline
// function both copies call): compiled for AVX-512 with 16-float vectors, which target_clones'
// x86-64-v4 does not use (GCC prefers 256-bit vectors there). The caller picks it when
// cpu_has_avx512(): mask registers make the loop's selects one instruction each, and with twice
// the lanes the hue loop ran 1.7x faster on the development machine.
#pragma once

#include "kernels/cpu_features.hpp"  // cpu_has_avx512(), which picks the PXP_WIDE_AVX512 copy

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__) && \
    !defined(__SANITIZE_ADDRESS__)
#define PXP_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define PXP_VECTOR_CLONES
#endif

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define PXP_WIDE_AVX512 __attribute__((target("arch=x86-64-v4,prefer-vector-width=512")))
#else
#define PXP_WIDE_AVX512
#endif
