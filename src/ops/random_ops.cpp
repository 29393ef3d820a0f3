// random.*: draws from the instruction's own counter-based stream (DESIGN.md
// section 6). Each op documents the order in which it consumes the stream:
// that order is part of the determinism contract, so sample i with seed s is
// the same bits on every machine, thread count and standard library.
#include <cmath>
#include <cstdio>
#include <limits>

#include "kernels/distributions.hpp"
#include "kernels/sequence.hpp"
#include "ops/families.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

namespace {

// The `shape` attribute of the sampling ops, checked at load so a run never
// meets a negative or absurd shape.
const Shape& shape_attr(const Attributes& attrs) { return attrs.get_ints("shape"); }

// The most values one sampling op draws per sample (a 16384 x 16384 noise image): drawing is a few
// nanoseconds a value, so the 16 GiB a tensor may hold would be minutes of one sample's time.
constexpr int64_t kMaxRandomDraws = int64_t(1) << 28;

Shape checked_shape(const InferContext& ctx, DType dtype) {
  const Shape& shape = shape_attr(ctx.attrs);
  for (int64_t d : shape)
    if (d < 0) type_error("attribute 'shape' has a negative dimension " + std::to_string(d));
  if (checked_numel(shape, dtype_size(dtype)) > kMaxRandomDraws)
    type_error("attribute 'shape' asks for " + std::to_string(checked_numel(shape, 0)) +
               " values, more than the limit of " + std::to_string(kMaxRandomDraws) + " per sample");
  return shape;
}

DType float_dtype_attr(const Attributes& attrs) {
  return attrs.get_string("dtype") == "f64" ? DType::F64 : DType::F32;
}

// One tensor of the attribute's shape, element k drawn k-th (row-major), so a
// [2, 3] draw is the same stream as six scalar draws in a row.
template <typename T, typename Draw> Tensor fill(const Shape& shape, Draw&& draw) {
  Tensor t = Tensor::empty(dtype_of<T>(), shape);
  T* p = t.mutable_data<T>();
  int64_t n = t.numel();
  for (int64_t k = 0; k < n; ++k) p[k] = draw();
  return t;
}

// Rounds a double draw to f32 without ever reaching `high`: rounding to the
// nearest float can land on or above high, and the interval is half-open.
float to_f32_below(double r, double high, double low) {
  float v = static_cast<float>(r);
  if (high > low && static_cast<double>(v) >= high) v = std::nextafter(v, -std::numeric_limits<float>::infinity());
  return v;
}

Value sample_floats(ExecContext& ctx, const std::function<double(RandomStream&)>& draw, double low_bound,
                    double high_bound) {
  RandomStream rng = ctx.random();
  const Shape& shape = shape_attr(ctx.attrs);
  if (float_dtype_attr(ctx.attrs) == DType::F64) return Value(fill<double>(shape, [&] { return draw(rng); }));
  return Value(fill<float>(shape, [&] { return to_f32_below(draw(rng), high_bound, low_bound); }));
}

Type infer_float_sample(const InferContext& ctx) {
  expect_scalar(ctx, 0, "low");
  expect_scalar(ctx, 1, "high");
  DType dtype = float_dtype_attr(ctx.attrs);
  return Type::tensor(dtype, checked_shape(ctx, dtype));
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

AttrSpec float_dtype_spec() {
  AttrSpec a;
  a.name = "dtype";
  a.type = AttrType::Enum;
  a.default_value = std::string("f32");
  a.choices = {"f32", "f64"};
  a.doc = "Element type of the result.";
  return a;
}

const char* kShapeDoc = "Shape of the result; [] (the default) draws a single scalar, otherwise independent draws "
                        "fill the tensor in row-major order. At most 2^28 values (checked at load).";

}  // namespace

namespace {

// random.weighted_choice over n weights of any numeric type (see the op's doc).
template <typename T> int64_t weighted_choice(ExecContext& ctx, const T* w, size_t n) {
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(w[i]);
    if (!(v >= 0.0) || !std::isfinite(v))
      argument_error("random.weighted_choice weights must be finite and non-negative; weight " + std::to_string(i) +
                     " is " + num(v));
    total += v;
  }
  if (!(total > 0.0) || !std::isfinite(total))
    argument_error("random.weighted_choice needs weights with a positive finite sum, got " + std::to_string(n) +
                   " weights summing to " + num(total));
  RandomStream rng = ctx.random();
  const double target = rng.uniform01() * total;
  double cumulative = 0.0;
  size_t last_positive = 0;
  for (size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(w[i]);
    if (v == 0.0) continue;  // never chosen, even when target is exactly 0
    last_positive = i;
    cumulative += v;
    if (cumulative > target) return static_cast<int64_t>(i);
  }
  // the running sum can round just below target * total; the last weight owns that sliver
  return static_cast<int64_t>(last_positive);
}

}  // namespace

void register_random_ops(Registry& r) {
  r.add(OpBuilder("random.uniform")
            .doc("Uniform random numbers in [low, high). Each element consumes one 53-bit uniform (two 32-bit "
                 "words of the stream), in row-major order. f32 results are rounded from the f64 draw, stepping "
                 "down one ulp where rounding would reach `high`.")
            .input("low", "Inclusive lower bound (a number).")
            .input("high", "Exclusive upper bound (a number, not below low).")
            .attr(float_dtype_spec())
            .attr_ints("shape", std::vector<int64_t>{}, kShapeDoc)
            .output("a dtype tensor of the given shape (a scalar by default)", infer_float_sample)
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              double low = scalar_arg(args, 0, "low"), high = scalar_arg(args, 1, "high");
              if (!(low <= high) || !std::isfinite(low) || !std::isfinite(high))
                range_error("random.uniform needs finite low <= high, got low " + num(low) + " and high " +
                            num(high));
              return sample_floats(ctx, [&](RandomStream& rng) { return rng.uniform(low, high); }, low, high);
            })
            .build());

  r.add(OpBuilder("random.uniform_like")
            .doc("Uniform random numbers in [low, high) with the shape of `x`, known at run time (one per row of "
                 "a variable number of boxes or objects). The same draws as random.uniform of that shape: one "
                 "53-bit uniform per element, in row-major order.")
            .input("x", "A tensor whose shape the result takes (its values are not read).")
            .input("low", "Inclusive lower bound (a number).")
            .input("high", "Exclusive upper bound (a number, not below low).")
            .attr(float_dtype_spec())
            .output("a dtype tensor of x's shape",
                    [](const InferContext& ctx) {
                      expect_tensor(ctx, 0, "x");
                      expect_scalar(ctx, 1, "low");
                      expect_scalar(ctx, 2, "high");
                      return Type::tensor(float_dtype_attr(ctx.attrs), ctx.inputs[0].shape);
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              if (!args[0].is_tensor()) type_error("input 'x' must be a tensor, not " + args[0].describe());
              double low = scalar_arg(args, 1, "low"), high = scalar_arg(args, 2, "high");
              if (!(low <= high) || !std::isfinite(low) || !std::isfinite(high))
                range_error("random.uniform_like needs finite low <= high, got low " + num(low) + " and high " +
                            num(high));
              const Shape& shape = args[0].tensor().shape();
              if (checked_numel(shape, 8) > kMaxRandomDraws)
                range_error("random.uniform_like: x has more than 2^28 elements");
              RandomStream rng = ctx.random();
              if (float_dtype_attr(ctx.attrs) == DType::F64)
                return Value(fill<double>(shape, [&] { return rng.uniform(low, high); }));
              return Value(fill<float>(shape, [&] { return to_f32_below(rng.uniform(low, high), high, low); }));
            })
            .build());

  r.add(OpBuilder("random.normal_like")
            .doc("Normally distributed random numbers with the shape of `x`, known at run time (a noise layer the "
                 "size of an image). Elements are made in pairs (row-major; an odd last one takes the pair's "
                 "first) by Box-Muller with both branches: f32 from two 32-bit words per pair (24-bit uniforms "
                 "u1, u2; sqrt(-2 ln(1 - u1)) times cos then sin of 2 pi u2, in float), f64 from two 53-bit "
                 "uniforms per pair (four words) in double.")
            .input("x", "A tensor whose shape the result takes (its values are not read).")
            .input("mean", "Mean (a number).")
            .input("std", "Standard deviation (a number, not negative).")
            .attr(float_dtype_spec())
            .output("a dtype tensor of x's shape",
                    [](const InferContext& ctx) {
                      expect_tensor(ctx, 0, "x");
                      expect_scalar(ctx, 1, "mean");
                      expect_scalar(ctx, 2, "std");
                      return Type::tensor(float_dtype_attr(ctx.attrs), ctx.inputs[0].shape);
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              if (!args[0].is_tensor()) type_error("input 'x' must be a tensor, not " + args[0].describe());
              double mean = scalar_arg(args, 1, "mean"), stddev = scalar_arg(args, 2, "std");
              if (!(stddev >= 0.0) || !std::isfinite(stddev) || !std::isfinite(mean))
                range_error("random.normal_like needs a finite mean and a finite std >= 0, got mean " + num(mean) +
                            " and std " + num(stddev));
              const Shape& shape = args[0].tensor().shape();
              if (checked_numel(shape, 8) > kMaxRandomDraws)
                range_error("random.normal_like: x has more than 2^28 elements");
              RandomStream rng = ctx.random();
              if (float_dtype_attr(ctx.attrs) == DType::F64) {
                Tensor t = Tensor::empty(DType::F64, shape);
                double* p = t.mutable_data<double>();
                int64_t n = t.numel();
                for (int64_t k = 0; k < n; k += 2) {
                  double r = std::sqrt(-2.0 * std::log(1.0 - rng.uniform01()));
                  double a = 6.283185307179586 * rng.uniform01();
                  p[k] = mean + stddev * r * std::cos(a);
                  if (k + 1 < n) p[k + 1] = mean + stddev * r * std::sin(a);
                }
                return Value(t);
              }
              // A noise layer: both Box-Muller branches from two 32-bit words, in float (a quarter of
              // the generator blocks and half the transcendental calls of random.normal's draws).
              Tensor t = Tensor::empty(DType::F32, shape);
              float* p = t.mutable_data<float>();
              int64_t n = t.numel();
              const float m = static_cast<float>(mean), sd = static_cast<float>(stddev);
              for (int64_t k = 0; k < n; k += 2) {
                float u1 = static_cast<float>(rng.next_u32() >> 8) * 0x1.0p-24f;
                float u2 = static_cast<float>(rng.next_u32() >> 8) * 0x1.0p-24f;
                float r = std::sqrt(-2.0f * std::log(1.0f - u1));
                float a = 6.28318530717958648f * u2;
                p[k] = m + sd * r * std::cos(a);
                if (k + 1 < n) p[k + 1] = m + sd * r * std::sin(a);
              }
              return Value(t);
            })
            .build());

  r.add(OpBuilder("random.normal")
            .doc("Normally distributed random numbers. Each element consumes two 53-bit uniforms (Box-Muller, "
                 "cosine branch only: four 32-bit words), in row-major order.")
            .input("mean", "Mean (a number).")
            .input("std", "Standard deviation (a number, not negative).")
            .attr(float_dtype_spec())
            .attr_ints("shape", std::vector<int64_t>{}, kShapeDoc)
            .output("a dtype tensor of the given shape (a scalar by default)",
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 0, "mean");
                      expect_scalar(ctx, 1, "std");
                      DType dtype = float_dtype_attr(ctx.attrs);
                      return Type::tensor(dtype, checked_shape(ctx, dtype));
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              double mean = scalar_arg(args, 0, "mean"), stddev = scalar_arg(args, 1, "std");
              if (!(stddev >= 0.0) || !std::isfinite(stddev) || !std::isfinite(mean))
                argument_error("random.normal needs a finite mean and a finite std >= 0, got mean " + num(mean) +
                               " and std " + num(stddev));
              double inf = std::numeric_limits<double>::infinity();
              return sample_floats(ctx, [&](RandomStream& rng) { return rng.normal(mean, stddev); }, -inf, inf);
            })
            .build());

  r.add(OpBuilder("random.gamma")
            .doc("Gamma-distributed random numbers with shape k (alpha) and scale theta (mean k * theta). Each "
                 "element is theta times a Gamma(k, 1) variate by Marsaglia and Tsang's method (kernels/"
                 "distributions.hpp): per attempt one normal (two 53-bit uniforms) and one 53-bit uniform, "
                 "repeated while rejected (under 5% of attempts); for k < 1 one more uniform u scales a "
                 "Gamma(k + 1) draw by u^(1/k). Elements in row-major order.")
            .input("concentration", "Shape k (alpha), a finite number > 0.")
            .input("scale", "Scale theta, a finite number > 0.")
            .attr(float_dtype_spec())
            .attr_ints("shape", std::vector<int64_t>{}, kShapeDoc)
            .output("a dtype tensor of the given shape (a scalar by default), values >= 0",
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 0, "concentration");
                      expect_scalar(ctx, 1, "scale");
                      DType dtype = float_dtype_attr(ctx.attrs);
                      return Type::tensor(dtype, checked_shape(ctx, dtype));
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              double k = scalar_arg(args, 0, "concentration"), theta = scalar_arg(args, 1, "scale");
              if (!(k > 0.0) || !std::isfinite(k) || !(theta > 0.0) || !std::isfinite(theta))
                argument_error("random.gamma needs a finite concentration > 0 and a finite scale > 0, got " +
                               num(k) + " and " + num(theta));
              double inf = std::numeric_limits<double>::infinity();
              return sample_floats(ctx, [&](RandomStream& rng) { return theta * kernels::gamma_variate(rng, k); },
                                   -inf, inf);
            })
            .build());

  r.add(OpBuilder("random.beta")
            .doc("Beta(a, b)-distributed random numbers in [0, 1] (mixup's and cutmix's weight with a = b = "
                 "alpha). Each element is X / (X + Y) with X ~ Gamma(a, 1) drawn first, then Y ~ Gamma(b, 1), "
                 "as random.gamma consumes the stream; if both underflow to 0 one more uniform picks 1 with "
                 "probability a / (a + b), else 0. Elements in row-major order.")
            .input("a", "First concentration (alpha), a finite number > 0.")
            .input("b", "Second concentration (beta), a finite number > 0.")
            .attr(float_dtype_spec())
            .attr_ints("shape", std::vector<int64_t>{}, kShapeDoc)
            .output("a dtype tensor of the given shape (a scalar by default), values in [0, 1]",
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 0, "a");
                      expect_scalar(ctx, 1, "b");
                      DType dtype = float_dtype_attr(ctx.attrs);
                      return Type::tensor(dtype, checked_shape(ctx, dtype));
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              double a = scalar_arg(args, 0, "a"), b = scalar_arg(args, 1, "b");
              if (!(a > 0.0) || !std::isfinite(a) || !(b > 0.0) || !std::isfinite(b))
                argument_error("random.beta needs finite a > 0 and b > 0, got " + num(a) + " and " + num(b));
              double inf = std::numeric_limits<double>::infinity();
              return sample_floats(ctx, [&](RandomStream& rng) { return kernels::beta_variate(rng, a, b); }, -inf,
                                   inf);
            })
            .build());

  r.add(OpBuilder("random.bernoulli")
            .doc("Random booleans, true with probability p. Each element consumes one 53-bit uniform u (two 32-bit "
                 "words) and is u < p, in row-major order.")
            .input("p", "Probability of true, in [0, 1].")
            .attr_ints("shape", std::vector<int64_t>{}, kShapeDoc)
            .output("a bool tensor of the given shape (a scalar by default)",
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 0, "p");
                      return Type::tensor(DType::Bool, checked_shape(ctx, DType::Bool));
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              double p = scalar_arg(args, 0, "p");
              if (!(p >= 0.0 && p <= 1.0)) argument_error("random.bernoulli needs p in [0, 1], got " + num(p));
              RandomStream rng = ctx.random();
              return Value(fill<bool>(shape_attr(ctx.attrs), [&] { return rng.bernoulli(p); }));
            })
            .build());

  r.add(OpBuilder("random.integer")
            .doc("Uniform random integers in [low, high) (the upper bound is excluded, as in NumPy and torch). "
                 "Each element is low + below(high - low): one unbiased multiply-and-reject draw of 64-bit words "
                 "(usually exactly one), in row-major order.")
            .input("low", "Inclusive lower bound (an integer).")
            .input("high", "Exclusive upper bound (an integer greater than low).")
            .attr_ints("shape", std::vector<int64_t>{}, kShapeDoc)
            .output("an i64 tensor of the given shape (a scalar by default)",
                    [](const InferContext& ctx) {
                      check_integer_scalar_type(ctx.inputs[0], "low");
                      check_integer_scalar_type(ctx.inputs[1], "high");
                      return Type::tensor(DType::I64, checked_shape(ctx, DType::I64));
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              int64_t low = kernels::integer_value(args[0], "low"), high = kernels::integer_value(args[1], "high");
              if (high <= low)
                range_error("random.integer needs low < high (high is excluded), got low " + std::to_string(low) +
                            " and high " + std::to_string(high));
              // the difference of two int64 always fits in uint64
              uint64_t span = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
              RandomStream rng = ctx.random();
              return Value(fill<int64_t>(shape_attr(ctx.attrs), [&] {
                return static_cast<int64_t>(static_cast<uint64_t>(low) + rng.below(span));
              }));
            })
            .build());

  r.add(OpBuilder("random.weighted_choice")
            .doc("A random index i with probability weights[i] / sum(weights). Consumes one 53-bit uniform u (two "
                 "32-bit words) and returns the first i whose cumulative weight (summed in f64) exceeds u * sum.")
            .input("weights", "A 1-D tensor or a list of numbers; non-negative, finite, not all zero.")
            .output("i64 scalar",
                    [](const InferContext& ctx) {
                      int64_t n = check_sequence_type(ctx.inputs[0], "weights", false);
                      if (n == 0) type_error("random.weighted_choice needs at least one weight");
                      return Type::scalar(DType::I64);
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              // A tensor is read in its own dtype (a mask's million pixels as weights: no copy to
              // doubles); a list through sequence_numbers. Either way each weight is summed as a
              // double in order, so the choice is the same.
              if (args[0].is_tensor() && args[0].tensor().is_contiguous() && args[0].tensor().ndim() == 1) {
                const Tensor& t = args[0].tensor();
                return dispatch_dtype(t.dtype(), [&](auto tag) {
                  using T = decltype(tag);
                  return Value::scalar<int64_t>(weighted_choice(ctx, t.data<T>(), static_cast<size_t>(t.numel())));
                });
              }
              std::vector<double> w = kernels::sequence_numbers(args[0], "weights");
              return Value::scalar<int64_t>(weighted_choice(ctx, w.data(), w.size()));
            })
            .build());

  r.add(OpBuilder("random.permutation")
            .doc("A uniformly random permutation of 0 .. n-1. Fisher-Yates from the back: for i = n-1 down to 1, "
                 "swap element i with element below(i + 1) (one unbiased draw each, in that order).")
            .input("n", "Number of elements (an integer, not negative).")
            .output("i64 1-D tensor of n elements (length known when n is a constant)",
                    [](const InferContext& ctx) {
                      check_integer_scalar_type(ctx.inputs[0], "n");
                      int64_t length = kUnknownDim;
                      if (const Value* n = constant_input(ctx, 0)) {
                        length = kernels::integer_value(*n, "n");
                        if (length < 0) type_error("random.permutation needs n >= 0, got " + std::to_string(length));
                      }
                      return Type::tensor(DType::I64, Shape{length});
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              int64_t n = kernels::integer_value(args[0], "n");
              if (n < 0) range_error("random.permutation needs n >= 0, got " + std::to_string(n));
              checked_numel({n}, sizeof(int64_t));
              RandomStream rng = ctx.random();
              std::vector<int64_t> order = kernels::random_order(static_cast<size_t>(n), rng);
              Tensor t = Tensor::empty(DType::I64, {n});
              std::copy(order.begin(), order.end(), t.mutable_data<int64_t>());
              return Value(std::move(t));
            })
            .build());

  r.add(OpBuilder("random.shuffle")
            .doc("The list's elements in a uniformly random order; the same Fisher-Yates draws as "
                 "random.permutation of the list's length.")
            .input("list", "Any list.")
            .output("the list's type (same element type and length)",
                    [](const InferContext& ctx) {
                      expect_list(ctx, 0, "list");
                      return ctx.inputs[0].is_list() ? ctx.inputs[0] : Type::list(Type::any());
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              const List& items = args[0].list();
              RandomStream rng = ctx.random();
              List shuffled;
              shuffled.reserve(items.size());
              for (int64_t i : kernels::random_order(items.size(), rng)) shuffled.push_back(items[static_cast<size_t>(i)]);
              return Value(std::move(shuffled));
            })
            .build());
}

}  // namespace pxp
