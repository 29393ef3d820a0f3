#include "kernels/elementwise.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "core/error.hpp"

namespace pxp::kernels {

namespace {

// bool < integer < float: the order NEP 50 uses to decide when a weak scalar's dtype matters.
int kind_rank(DType t) { return t == DType::Bool ? 0 : is_float(t) ? 2 : 1; }

template <class T> constexpr bool kIsInt = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// Wrapping arithmetic runs in unsigned types of at least 32 bits: integer promotion would
// otherwise turn u16 * u16 into a signed int multiply that overflows (UB).
template <class C> using wrap_t = std::conditional_t<sizeof(C) == 8, uint64_t, uint32_t>;
// Saturating arithmetic is exact in these for in-range operands (scalars are pre-clamped).
template <class C> using sat_t = std::conditional_t<sizeof(C) == 1, int32_t, int64_t>;
// Integer and bool inputs of transcendental ops and division compute (and return) f32.
template <class C> using float_of_t = std::conditional_t<std::is_floating_point_v<C>, C, float>;

// A one-element tensor's value, converted to W without UB (float to integer saturates).
template <class W> W single_value(const Tensor& s) {
  return dispatch_dtype(s.dtype(), [&](auto tag) -> W {
    using S = decltype(tag);
    S v = *s.data<S>();
    if constexpr (std::is_floating_point_v<S> && !std::is_floating_point_v<W>) return saturate_cast<W>(v);
    else return static_cast<W>(v);
  });
}

// ---- the ops: each K<C> says how operands of common dtype C are computed (in W) and stored (as O).

template <int A> struct ArithWrap {  // 0 add, 1 subtract, 2 multiply
  static constexpr bool kCompare = false;
  template <class C> struct K {
    using W = std::conditional_t<std::is_floating_point_v<C>, C, wrap_t<C>>;
    using O = C;
    static O f(W a, W b) {
      if constexpr (A == 0) return static_cast<O>(a + b);
      else if constexpr (A == 1) return static_cast<O>(a - b);
      else return static_cast<O>(a * b);
    }
    static W scalar(const Tensor& s) { return single_value<W>(s); }
  };
};

template <int A> struct ArithSat {  // only dispatched for integer C; other C just have to compile
  static constexpr bool kCompare = false;
  template <class C> struct K {
    using W = std::conditional_t<kIsInt<C>, sat_t<C>, double>;
    using O = C;
    static O f(W a, W b) {
      if constexpr (!kIsInt<C>) {
        return static_cast<O>(A == 0 ? a + b : A == 1 ? a - b : a * b);
      } else if constexpr (sizeof(C) == 8) {
        W r;
        bool overflow = A == 0   ? __builtin_add_overflow(a, b, &r)
                        : A == 1 ? __builtin_sub_overflow(a, b, &r)
                                 : __builtin_mul_overflow(a, b, &r);
        if (!overflow) return r;
        bool negative = A == 0 ? b < 0 : A == 1 ? b > 0 : ((a < 0) != (b < 0));
        return negative ? std::numeric_limits<O>::lowest() : std::numeric_limits<O>::max();
      } else {
        W r = A == 0 ? a + b : A == 1 ? a - b : a * b;
        if (r < static_cast<W>(std::numeric_limits<O>::lowest())) return std::numeric_limits<O>::lowest();
        if (r > static_cast<W>(std::numeric_limits<O>::max())) return std::numeric_limits<O>::max();
        return static_cast<O>(r);
      }
    }
    // A scalar beyond the span of C saturates exactly as one at the span would, and clamping
    // it to +-(2^bits - 1) keeps every product inside W.
    static W scalar(const Tensor& s) {
      if constexpr (kIsInt<C> && sizeof(C) < 8) {
        constexpr int64_t span = (int64_t(1) << (8 * sizeof(C))) - 1;
        int64_t v = single_value<int64_t>(s);
        return static_cast<W>(v < -span ? -span : v > span ? span : v);
      } else {
        return single_value<W>(s);
      }
    }
  };
};

template <int A> struct FloatBinary {  // 0 divide, 1 power, 2 atan2
  static constexpr bool kCompare = false;
  template <class C> struct K {
    using W = float_of_t<C>;
    using O = W;
    static O f(W a, W b) {
      if constexpr (A == 0) return a / b;
      else if constexpr (A == 1) return std::pow(a, b);
      else return std::atan2(a, b);
    }
    static W scalar(const Tensor& s) { return single_value<W>(s); }
  };
};

struct Modulo {
  static constexpr bool kCompare = false;
  template <class C> struct K {
    // int64 keeps Python semantics exact for any integer operands (a weak scalar may not fit C).
    using W = std::conditional_t<std::is_floating_point_v<C>, C, int64_t>;
    using O = C;
    static O f(W a, W b) {
      if constexpr (std::is_floating_point_v<C>) {
        W r = std::fmod(a, b);
        if (r != 0) {
          if ((r < 0) != (b < 0)) r += b;
        } else {
          r = std::copysign(W(0), b);
        }
        return r;
      } else {
        if (b == 0) range_error("modulo by zero");
        if (b == -1) return O(0);  // INT64_MIN % -1 is UB
        W r = a % b;
        if (r != 0 && ((r < 0) != (b < 0))) r += b;
        return static_cast<O>(r);
      }
    }
    static W scalar(const Tensor& s) { return single_value<W>(s); }
  };
};

// Python's //: floor(a / b), so a == (a // b) * b + a % b with Modulo above.
struct FloorDivide {
  static constexpr bool kCompare = false;
  template <class C> struct K {
    using W = std::conditional_t<std::is_floating_point_v<C>, C, int64_t>;
    using O = C;
    static O f(W a, W b) {
      if constexpr (std::is_floating_point_v<C>) {
        if (b == 0) return a / b;  // inf or nan, as a / b
        return std::floor(a / b);
      } else {
        if (b == 0) range_error("floor division by zero");
        if (b == -1) return static_cast<O>(W(0) - a);  // INT64_MIN / -1 is UB; wraps like negate
        W q = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
        return static_cast<O>(q);
      }
    }
    static W scalar(const Tensor& s) { return single_value<W>(s); }
  };
};

template <bool Max> struct MinMax {
  static constexpr bool kCompare = false;
  template <class C> struct K {
    using W = C;
    using O = C;
    // NaN wins either way, as in NumPy (a != a is false for integers and folds away).
    static O f(W a, W b) {
      if constexpr (Max) return (a != a || a > b) ? a : b;
      else return (a != a || a < b) ? a : b;
    }
    // Clamping a weak scalar into C gives the same minimum / maximum as the exact value would
    // for every in-range element.
    static W scalar(const Tensor& s) {
      return dispatch_dtype(s.dtype(), [&](auto tag) -> W {
        using S = decltype(tag);
        return saturate_cast<C>(*s.data<S>());
      });
    }
  };
};

template <int A> struct Compare {  // 0 ==, 1 !=, 2 <, 3 <=, 4 >, 5 >=
  static constexpr bool kCompare = true;
  template <class C> struct K {
    using W = C;
    using O = bool;
    static O f(W a, W b) {
      if constexpr (A == 0) return a == b;
      else if constexpr (A == 1) return a != b;
      else if constexpr (A == 2) return a < b;
      else if constexpr (A == 3) return a <= b;
      else if constexpr (A == 4) return a > b;
      else return a >= b;
    }
    static W scalar(const Tensor& s) { return single_value<W>(s); }
  };
};

template <bool Or> struct Logical {
  static constexpr bool kCompare = false;
  template <class C> struct K {
    using W = bool;
    using O = bool;
    static O f(W a, W b) { return Or ? (a || b) : (a && b); }
    static W scalar(const Tensor& s) { return single_value<W>(s); }
  };
};

// ---- loops

template <class Kn, class TA>
void loop_vv(const TA* a, const TA* b, typename Kn::O* o, int64_t n) {
  using W = typename Kn::W;
  for (int64_t i = 0; i < n; ++i) o[i] = Kn::f(static_cast<W>(a[i]), static_cast<W>(b[i]));
}

template <class Kn, bool ScalarFirst, class TA>
void loop_vs(const TA* a, typename Kn::W s, typename Kn::O* o, int64_t n) {
  using W = typename Kn::W;
  for (int64_t i = 0; i < n; ++i) {
    if constexpr (ScalarFirst) o[i] = Kn::f(s, static_cast<W>(a[i]));
    else o[i] = Kn::f(static_cast<W>(a[i]), s);
  }
}

template <class Kn, class T>
void loop_row_strided(const uint8_t* a, int64_t sa, const uint8_t* b, int64_t sb, typename Kn::O* o, int64_t n) {
  using W = typename Kn::W;
  for (int64_t i = 0; i < n; ++i)
    o[i] = Kn::f(static_cast<W>(*reinterpret_cast<const T*>(a + i * sa)),
                 static_cast<W>(*reinterpret_cast<const T*>(b + i * sb)));
}

struct Dim {
  int64_t n, sa, sb;  // size, byte strides of a and b (0 where broadcast)
};

// The output's dimensions with each operand's strides, size-1 dimensions dropped and
// neighbours merged wherever both operands step through them as one, so the inner loop
// is as long as possible (same-shape contiguous inputs become a single row).
std::vector<Dim> plan_dims(const Shape& out, const Tensor& a, const Tensor& b) {
  std::vector<Dim> dims;
  size_t r = out.size();
  for (size_t i = 0; i < r; ++i) {
    int64_t n = out[i];
    if (n == 1) continue;
    auto stride = [&](const Tensor& t) -> int64_t {
      ptrdiff_t d = static_cast<ptrdiff_t>(i) - static_cast<ptrdiff_t>(r - t.shape().size());
      if (d < 0 || t.shape()[static_cast<size_t>(d)] == 1) return 0;
      return t.strides()[static_cast<size_t>(d)];
    };
    int64_t sa = stride(a), sb = stride(b);
    if (!dims.empty() && dims.back().sa == sa * n && dims.back().sb == sb * n) {
      dims.back() = {dims.back().n * n, sa, sb};
    } else {
      dims.push_back({n, sa, sb});
    }
  }
  if (dims.empty()) dims.push_back({1, 0, 0});
  return dims;
}

template <class Kn, class T>
void loop_broadcast(const Tensor& a, const Tensor& b, typename Kn::O* o, const Shape& out_shape, int64_t total) {
  using W = typename Kn::W;
  std::vector<Dim> dims = plan_dims(out_shape, a, b);
  const Dim inner = dims.back();
  const int64_t es = static_cast<int64_t>(sizeof(T));
  std::vector<int64_t> idx(dims.size() - 1, 0);
  const uint8_t* pa = a.bytes();
  const uint8_t* pb = b.bytes();
  for (int64_t done = 0; done < total; done += inner.n, o += inner.n) {
    if (inner.sa == es && inner.sb == es) {
      loop_vv<Kn>(reinterpret_cast<const T*>(pa), reinterpret_cast<const T*>(pb), o, inner.n);
    } else if (inner.sa == 0 && inner.sb == es) {
      loop_vs<Kn, true>(reinterpret_cast<const T*>(pb), static_cast<W>(*reinterpret_cast<const T*>(pa)), o, inner.n);
    } else if (inner.sb == 0 && inner.sa == es) {
      loop_vs<Kn, false>(reinterpret_cast<const T*>(pa), static_cast<W>(*reinterpret_cast<const T*>(pb)), o, inner.n);
    } else {
      loop_row_strided<Kn, T>(pa, inner.sa, pb, inner.sb, o, inner.n);
    }
    for (size_t k = idx.size(); k-- > 0;) {
      pa += dims[k].sa;
      pb += dims[k].sb;
      if (++idx[k] < dims[k].n) break;
      pa -= dims[k].sa * dims[k].n;
      pb -= dims[k].sb * dims[k].n;
      idx[k] = 0;
    }
  }
}

// For a comparison of integers with a scalar outside C's range the answer is the same for
// every element; it is what the comparison gives with the scalar at +-infinity.
template <class Op, class C>
std::optional<bool> compare_outside_range(const Tensor& single, bool scalar_first) {
  if constexpr (Op::kCompare && kIsInt<C>) {
    if (!is_integer(single.dtype())) return std::nullopt;
    int64_t v = single.item_int();
    bool above = v > int64_t(std::numeric_limits<C>::max());
    bool below = v < int64_t(std::numeric_limits<C>::lowest());
    if (!above && !below) return std::nullopt;
    double s = above ? HUGE_VAL : -HUGE_VAL;
    using Kd = typename Op::template K<double>;
    return scalar_first ? Kd::f(s, 0.0) : Kd::f(0.0, s);
  } else {
    (void)single, (void)scalar_first;
    return std::nullopt;
  }
}

template <class Op>
Tensor run_binary(const Tensor& a, const Tensor& b, DType c, const Shape& out_shape) {
  return dispatch_dtype(c, [&](auto ctag) -> Tensor {
    using C = decltype(ctag);
    using Kn = typename Op::template K<C>;
    using W = typename Kn::W;
    using O = typename Kn::O;
    Tensor out = Tensor::empty(dtype_of<O>(), out_shape);
    const int64_t n = out.numel();
    if (n == 0) return out;
    O* o = out.mutable_data<O>();

    // One operand is a single value spread over the other (tensor with scalar): its value goes
    // straight into W from its own dtype, so a weak scalar is never squeezed through C first.
    const Tensor* single = nullptr;
    const Tensor* full = nullptr;
    bool scalar_first = false;
    if (b.numel() == 1 && a.shape() == out_shape) {
      single = &b, full = &a;
    } else if (a.numel() == 1 && b.shape() == out_shape) {
      single = &a, full = &b, scalar_first = true;
    }
    if (single) {
      if (auto fixed = compare_outside_range<Op, C>(*single, scalar_first)) {
        std::fill(o, o + n, static_cast<O>(*fixed));
        return out;
      }
      const W s = Kn::scalar(*single);
      Tensor f = full->contiguous();
      auto run = [&](auto ttag) {
        using TA = decltype(ttag);
        if (scalar_first) loop_vs<Kn, true>(f.data<TA>(), s, o, n);
        else loop_vs<Kn, false>(f.data<TA>(), s, o, n);
      };
      if (f.dtype() == c) {
        run(C{});
      } else if constexpr (std::is_same_v<C, float>) {
        // integer image with a float scalar: convert in the loop instead of casting a copy first
        dispatch_dtype(f.dtype(), run);
      } else {
        f = f.cast(c);
        run(C{});
      }
      return out;
    }
    loop_broadcast<Kn, C>(a.cast(c), b.cast(c), o, out_shape, n);
    return out;
  });
}

template <class T> constexpr T wrap_negate(T x) {
  using U = wrap_t<T>;
  return static_cast<T>(U(0) - static_cast<U>(x));
}

template <class O, class T, class F> Tensor map_unary(const Tensor& x, F f) {
  Tensor src = x.contiguous();
  Tensor out = Tensor::empty(dtype_of<O>(), src.shape());
  const T* in = src.data<T>();
  O* o = out.mutable_data<O>();
  const int64_t n = out.numel();
  for (int64_t i = 0; i < n; ++i) o[i] = f(in[i]);
  return out;
}

}  // namespace

const char* binary_op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "add";
    case BinaryOp::Subtract: return "subtract";
    case BinaryOp::Multiply: return "multiply";
    case BinaryOp::Divide: return "divide";
    case BinaryOp::Modulo: return "modulo";
    case BinaryOp::FloorDivide: return "floor_divide";
    case BinaryOp::Power: return "power";
    case BinaryOp::Minimum: return "minimum";
    case BinaryOp::Maximum: return "maximum";
    case BinaryOp::Atan2: return "atan2";
    case BinaryOp::Equal: return "equal";
    case BinaryOp::NotEqual: return "not_equal";
    case BinaryOp::Less: return "less";
    case BinaryOp::LessEqual: return "less_equal";
    case BinaryOp::Greater: return "greater";
    case BinaryOp::GreaterEqual: return "greater_equal";
    case BinaryOp::LogicalAnd: return "logical_and";
    case BinaryOp::LogicalOr: return "logical_or";
  }
  return "?";
}

const char* unary_op_name(UnaryOp op) {
  switch (op) {
    case UnaryOp::Abs: return "abs";
    case UnaryOp::Negate: return "negate";
    case UnaryOp::Floor: return "floor";
    case UnaryOp::Ceil: return "ceil";
    case UnaryOp::Round: return "round";
    case UnaryOp::Sqrt: return "sqrt";
    case UnaryOp::Exp: return "exp";
    case UnaryOp::Log: return "log";
    case UnaryOp::Sin: return "sin";
    case UnaryOp::Cos: return "cos";
    case UnaryOp::Tan: return "tan";
    case UnaryOp::LogicalNot: return "logical_not";
  }
  return "?";
}

std::optional<Shape> broadcast_shapes(const Shape& a, const Shape& b) {
  size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    // aligned from the right; a missing dimension acts as 1
    int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da == 1) out[i] = db;
    else if (db == 1) out[i] = da;
    else if (da == kUnknownDim) out[i] = db;  // the unknown one must be 1 or db: either way db
    else if (db == kUnknownDim || da == db) out[i] = da;
    else return std::nullopt;
  }
  return out;
}

std::string shape_string(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += ",";
    out += s[i] == kUnknownDim ? "?" : std::to_string(s[i]);
  }
  return out + "]";
}

DType common_dtype(DType a, bool a_is_0d, DType b, bool b_is_0d) {
  if (a_is_0d == b_is_0d) return promote(a, b);
  DType s = a_is_0d ? a : b;
  DType t = a_is_0d ? b : a;
  if (kind_rank(s) <= kind_rank(t)) return t;
  if (is_float(s)) return DType::F32;
  return s;  // integer scalar with a bool tensor
}

DType binary_result_dtype(BinaryOp op, DType a, bool a_is_0d, DType b, bool b_is_0d) {
  DType c = common_dtype(a, a_is_0d, b, b_is_0d);
  switch (op) {
    case BinaryOp::Subtract:
      if (c == DType::Bool)
        type_error("math.subtract does not take two booleans (use math.not_equal or math.logical_and)");
      return c;
    case BinaryOp::Add:
    case BinaryOp::Multiply:
    case BinaryOp::Modulo:
    case BinaryOp::FloorDivide:
    case BinaryOp::Minimum:
    case BinaryOp::Maximum: return c;
    case BinaryOp::Divide:
    case BinaryOp::Power:
    case BinaryOp::Atan2: return is_float(c) ? c : DType::F32;
    default: return DType::Bool;  // comparisons and logical ops
  }
}

DType unary_result_dtype(UnaryOp op, DType x) {
  switch (op) {
    case UnaryOp::Negate:
      if (x == DType::Bool) type_error("math.negate does not take a boolean (use math.logical_not)");
      return x;
    case UnaryOp::Abs:
    case UnaryOp::Floor:
    case UnaryOp::Ceil:
    case UnaryOp::Round: return x;
    case UnaryOp::LogicalNot: return DType::Bool;
    default: return is_float(x) ? x : DType::F32;
  }
}

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, bool saturate) {
  std::optional<Shape> shape = broadcast_shapes(a.shape(), b.shape());
  if (!shape)
    type_error("shapes " + shape_string(a.shape()) + " and " + shape_string(b.shape()) +
               " cannot be broadcast together");
  const bool a0 = a.ndim() == 0, b0 = b.ndim() == 0;
  const DType expected = binary_result_dtype(op, a.dtype(), a0, b.dtype(), b0);
  const DType c = common_dtype(a.dtype(), a0, b.dtype(), b0);
  const bool sat = saturate && is_integer(c);
  Tensor r;
  switch (op) {
    case BinaryOp::Add: r = sat ? run_binary<ArithSat<0>>(a, b, c, *shape) : run_binary<ArithWrap<0>>(a, b, c, *shape); break;
    case BinaryOp::Subtract: r = sat ? run_binary<ArithSat<1>>(a, b, c, *shape) : run_binary<ArithWrap<1>>(a, b, c, *shape); break;
    case BinaryOp::Multiply: r = sat ? run_binary<ArithSat<2>>(a, b, c, *shape) : run_binary<ArithWrap<2>>(a, b, c, *shape); break;
    case BinaryOp::Divide: r = run_binary<FloatBinary<0>>(a, b, c, *shape); break;
    case BinaryOp::Power: r = run_binary<FloatBinary<1>>(a, b, c, *shape); break;
    case BinaryOp::Atan2: r = run_binary<FloatBinary<2>>(a, b, c, *shape); break;
    case BinaryOp::Modulo: r = run_binary<Modulo>(a, b, c, *shape); break;
    case BinaryOp::FloorDivide: r = run_binary<FloorDivide>(a, b, c, *shape); break;
    case BinaryOp::Minimum: r = run_binary<MinMax<false>>(a, b, c, *shape); break;
    case BinaryOp::Maximum: r = run_binary<MinMax<true>>(a, b, c, *shape); break;
    case BinaryOp::Equal: r = run_binary<Compare<0>>(a, b, c, *shape); break;
    case BinaryOp::NotEqual: r = run_binary<Compare<1>>(a, b, c, *shape); break;
    case BinaryOp::Less: r = run_binary<Compare<2>>(a, b, c, *shape); break;
    case BinaryOp::LessEqual: r = run_binary<Compare<3>>(a, b, c, *shape); break;
    case BinaryOp::Greater: r = run_binary<Compare<4>>(a, b, c, *shape); break;
    case BinaryOp::GreaterEqual: r = run_binary<Compare<5>>(a, b, c, *shape); break;
    case BinaryOp::LogicalAnd: r = run_binary<Logical<false>>(a, b, c, *shape); break;
    case BinaryOp::LogicalOr: r = run_binary<Logical<true>>(a, b, c, *shape); break;
  }
  if (r.dtype() != expected)
    fail(PXP_EINTERNAL, std::string("math.") + binary_op_name(op) + " computed " + dtype_name(r.dtype()) +
                            " where its type rule says " + dtype_name(expected));
  return r;
}

Tensor unary(UnaryOp op, const Tensor& x) {
  const DType out = unary_result_dtype(op, x.dtype());
  return dispatch_dtype(x.dtype(), [&](auto tag) -> Tensor {
    using T = decltype(tag);
    using F = float_of_t<T>;
    constexpr bool kFloat = std::is_floating_point_v<T>;
    switch (op) {
      case UnaryOp::Abs:
        if constexpr (kFloat) return map_unary<T, T>(x, [](T v) { return std::abs(v); });
        else if constexpr (kIsInt<T> && std::is_signed_v<T>)
          return map_unary<T, T>(x, [](T v) { return v < 0 ? wrap_negate(v) : v; });
        else return x;
      case UnaryOp::Negate:
        if constexpr (kFloat) return map_unary<T, T>(x, [](T v) { return -v; });
        else if constexpr (kIsInt<T>) return map_unary<T, T>(x, [](T v) { return wrap_negate(v); });
        else break;  // bool: rejected by unary_result_dtype
      // Integers are already whole; the input is returned as is (tensors are immutable).
      case UnaryOp::Floor:
        if constexpr (kFloat) return map_unary<T, T>(x, [](T v) { return std::floor(v); });
        else return x;
      case UnaryOp::Ceil:
        if constexpr (kFloat) return map_unary<T, T>(x, [](T v) { return std::ceil(v); });
        else return x;
      case UnaryOp::Round:
        // nearbyint in the default rounding mode: halves go to the even neighbour (NumPy's rule).
        if constexpr (kFloat) return map_unary<T, T>(x, [](T v) { return std::nearbyint(v); });
        else return x;
      case UnaryOp::Sqrt: return map_unary<F, T>(x, [](T v) { return std::sqrt(static_cast<F>(v)); });
      case UnaryOp::Exp: return map_unary<F, T>(x, [](T v) { return std::exp(static_cast<F>(v)); });
      case UnaryOp::Log: return map_unary<F, T>(x, [](T v) { return std::log(static_cast<F>(v)); });
      case UnaryOp::Sin: return map_unary<F, T>(x, [](T v) { return std::sin(static_cast<F>(v)); });
      case UnaryOp::Cos: return map_unary<F, T>(x, [](T v) { return std::cos(static_cast<F>(v)); });
      case UnaryOp::Tan: return map_unary<F, T>(x, [](T v) { return std::tan(static_cast<F>(v)); });
      case UnaryOp::LogicalNot: return map_unary<bool, T>(x, [](T v) { return !static_cast<bool>(v); });
    }
    fail(PXP_EINTERNAL, std::string("math.") + unary_op_name(op) + " has no kernel for " + dtype_name(x.dtype()) +
                            " (expected " + dtype_name(out) + ")");
  });
}

}  // namespace pxp::kernels
