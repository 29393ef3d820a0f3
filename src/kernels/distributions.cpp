#include "kernels/distributions.hpp"

#include <cmath>

#include "core/error.hpp"

namespace pxp::kernels {

namespace {
// Attempts before giving up: each succeeds with probability > 0.95, so this is never reached
// by a working stream; it bounds the loop against anything unforeseen.
constexpr int kMaxAttempts = 10000;

double gamma_at_least_one(RandomStream& rng, double shape) {
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    const double x = rng.normal();
    const double t = 1.0 + c * x;
    const double u = 1.0 - rng.uniform01();  // (0, 1]: its log is finite
    if (t <= 0.0) continue;
    const double v = t * t * t;
    if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
  range_error("random.gamma: no variate accepted after " + std::to_string(kMaxAttempts) + " attempts");
}
}  // namespace

double gamma_variate(RandomStream& rng, double shape) {
  if (shape >= 1.0) return gamma_at_least_one(rng, shape);
  const double g = gamma_at_least_one(rng, shape + 1.0);
  const double u = 1.0 - rng.uniform01();
  return g * std::pow(u, 1.0 / shape);
}

double beta_variate(RandomStream& rng, double a, double b) {
  const double x = gamma_variate(rng, a);
  const double y = gamma_variate(rng, b);
  if (x + y > 0.0) return x / (x + y);
  return rng.uniform01() * (a + b) < a ? 1.0 : 0.0;
}

}  // namespace pxp::kernels
