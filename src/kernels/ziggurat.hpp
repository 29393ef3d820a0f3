// Standard normals by Marsaglia and Tsang's ziggurat (128 layers): one 32-bit word of the stream
// per value in 98.8% of cases, against two 53-bit uniforms, a log, a cosine and a square root for
// RandomStream::normal's Box-Muller. The noise fields draw their normals this way.
#pragma once

#include <cstddef>

#include "core/rng.hpp"

namespace pxp::kernels {

// Overwrites out[0 .. n) with standard normals, in memory order: first n words from the stream
// (fill_u32, held in `out` until converted), then each value from its word, the rare values outside
// their layer's core drawing further words from the stream in order.
void fill_standard_normals(float* out, size_t n, RandomStream& rng);
// The second half of that, for a caller that drew the n words into `inout` already.
void standard_normals_from_words(float* inout, size_t n, RandomStream& rng);

}  // namespace pxp::kernels
