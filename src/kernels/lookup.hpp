// u8 -> u8 table lookups, the inner loop of every per-value tone curve. The plain loop
// `dst[i] = table[src[i]]` is what GCC turns into byte-by-byte vector assembly that stalls on
// store forwarding (2.5x slower than scalar code); these run 64 values per step with AVX-512
// VBMI's two-register byte permutes where the CPU has them (checked once at run time, no ifunc),
// and an unrolled scalar loop elsewhere. Results are the same bits on every path.
#pragma once

#include <cstdint>

namespace pxp::kernels {

// dst[i] = table[src[i]] for i < n (src and dst may be the same buffer).
void lookup_u8(const uint8_t* src, uint8_t* dst, int64_t n, const uint8_t* table);

// Interleaved pixels of `channels` values: dst[p * channels + k] = tables[k][src[p * channels + k]].
void lookup_u8_channels(const uint8_t* src, uint8_t* dst, int64_t pixels, int64_t channels,
                        const uint8_t* const* tables);

}  // namespace pxp::kernels
