// Gamma and beta variates drawn from a RandomStream: our own algorithms (no std:: distributions),
// so a draw is the same bits on every machine and standard library. Each draw consumes the stream
// in a documented order (a rejection loop consumes a variable number of words).
#pragma once

#include "core/rng.hpp"

namespace pxp::kernels {

// Gamma(shape, 1) for shape > 0: Marsaglia and Tsang's method (2000). Per attempt one normal()
// (two uniforms) and one uniform; fewer than 5% of attempts are rejected for shape >= 1. A shape
// below 1 draws Gamma(shape + 1) first, then one more uniform u and multiplies by u^(1 / shape).
double gamma_variate(RandomStream& rng, double shape);

// Beta(a, b) for a, b > 0: X / (X + Y) with X ~ Gamma(a) drawn first, then Y ~ Gamma(b). When both
// underflow to 0 (a and b far below 1), one more uniform picks 1 with probability a / (a + b).
double beta_variate(RandomStream& rng, double a, double b);

}  // namespace pxp::kernels
