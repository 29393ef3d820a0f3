// PXP_VECTOR_CLONES before a function with plain element-wise loops: GCC compiles an AVX2
// (x86-64-v3) clone beside the default one and picks one when the library loads, so the loops
// vectorize 8 floats wide where the CPU allows. The results are the same bits on both clones
// because the build turns off floating-point contraction (-ffp-contract=off in CMakeLists.txt):
// an FMA in one clone and a multiply then add in the other would round differently.
// Not in sanitizer builds: target_clones dispatches through an ifunc resolver that runs before
// ThreadSanitizer's runtime is up (the test binary crashed at start); those builds test the default.
#pragma once

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__) && \
    !defined(__SANITIZE_ADDRESS__)
#define PXP_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define PXP_VECTOR_CLONES
#endif
