#include "kernels/tensor_layout.hpp"

#include <cmath>
#include <type_traits>

#include "core/error.hpp"

namespace pxp::kernels::layout {

std::string shape_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += shape[i] < 0 ? "?" : std::to_string(shape[i]);
  }
  return s + "]";
}

int64_t normalize_axis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    type_error("axis " + std::to_string(axis) + " is out of range for " + std::to_string(rank) +
               (rank == 1 ? " dimension" : " dimensions"));
  return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank) {
  std::vector<int64_t> out;
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t a : axes) {
    int64_t n = normalize_axis(a, rank);
    if (seen[static_cast<size_t>(n)]) type_error("axis " + std::to_string(a) + " is repeated");
    seen[static_cast<size_t>(n)] = true;
    out.push_back(n);
  }
  return out;
}

Shape reshape_target(const Shape& in, bool rank_known, const std::vector<int64_t>& spec) {
  int free_at = -1;
  for (size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] < -1) type_error("reshape dimension " + std::to_string(spec[i]) + " is negative");
    if (spec[i] == -1) {
      if (free_at >= 0) type_error("reshape allows only one -1 dimension, got " + shape_string(spec));
      free_at = static_cast<int>(i);
    }
  }
  Shape fixed;
  for (int64_t d : spec)
    if (d >= 0) fixed.push_back(d);
  int64_t fixed_count = checked_numel(fixed, 1);

  bool in_known = rank_known;
  for (int64_t d : in) in_known = in_known && d >= 0;
  Shape out(spec.begin(), spec.end());
  if (!in_known) return out;  // the -1 (if any) stays unknown; the count is checked at run time
  int64_t in_count = checked_numel(in, 1);
  auto mismatch = [&]() {
    type_error("cannot reshape " + std::to_string(in_count) + " elements " + shape_string(in) + " to " +
               shape_string(spec));
  };
  if (free_at >= 0) {
    if (fixed_count == 0) {
      // 0 * anything = 0: the -1 could be any size
      type_error("cannot infer the -1 of " + shape_string(spec) + " when another dimension is 0");
    }
    if (in_count % fixed_count != 0) mismatch();
    out[static_cast<size_t>(free_at)] = in_count / fixed_count;
  } else if (in_count != fixed_count) {
    mismatch();
  }
  return out;
}

std::vector<int64_t> transpose_permutation(const std::vector<int64_t>& axes, int64_t rank) {
  if (axes.empty()) {
    std::vector<int64_t> perm(static_cast<size_t>(rank));
    for (int64_t i = 0; i < rank; ++i) perm[static_cast<size_t>(i)] = rank - 1 - i;
    return perm;
  }
  if (static_cast<int64_t>(axes.size()) != rank)
    type_error("transpose axes " + shape_string(axes) + " must list each of the " + std::to_string(rank) +
               " dimensions once");
  return normalize_axes(axes, rank);
}

SliceRange slice_range(int64_t begin, int64_t end, int64_t step, int64_t size) {
  if (step < 1) argument_error("slice step must be at least 1, got " + std::to_string(step));
  auto resolve = [size](int64_t i) {
    if (i < 0) i = i < -size ? 0 : i + size;  // written so that INT64_MIN cannot overflow
    return i > size ? size : i;
  };
  int64_t b = resolve(begin), e = resolve(end);
  SliceRange r;
  r.start = b;
  r.length = e > b ? (e - b - 1) / step + 1 : 0;
  return r;
}

namespace {

// Drops size-1 dims and merges dims that are one run in both src and dst, so
// that a contiguous-to-contiguous copy is a single memcpy.
void coalesce(Shape& shape, Shape& a, Shape& b) {
  Shape s2, a2, b2;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;
    if (!s2.empty() && a2.back() == a[i] * shape[i] && b2.back() == b[i] * shape[i]) {
      s2.back() *= shape[i];
      a2.back() = a[i];
      b2.back() = b[i];
      continue;
    }
    s2.push_back(shape[i]);
    a2.push_back(a[i]);
    b2.push_back(b[i]);
  }
  shape.swap(s2);
  a.swap(a2);
  b.swap(b2);
}

template <typename T>
void copy_row(const uint8_t* src, int64_t ss, uint8_t* dst, int64_t ds, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(dst, src, sizeof(T));
    src += ss;
    dst += ds;
  }
}

}  // namespace

void copy_strided(const uint8_t* src, const Shape& src_strides, uint8_t* dst, const Shape& dst_strides,
                  const Shape& shape_in, size_t elem_size) {
  for (int64_t d : shape_in)
    if (d == 0) return;
  Shape shape = shape_in, ss = src_strides, ds = dst_strides;
  coalesce(shape, ss, ds);
  const int64_t elem = static_cast<int64_t>(elem_size);
  if (shape.empty()) {
    std::memcpy(dst, src, elem_size);
    return;
  }
  size_t inner = shape.size() - 1;
  int64_t n = shape[inner], s_in = ss[inner], d_in = ds[inner];
  auto row = [&](const uint8_t* s, uint8_t* d) {
    if (s_in == elem && d_in == elem) {
      std::memcpy(d, s, static_cast<size_t>(n * elem));
      return;
    }
    switch (elem_size) {
      case 1: copy_row<uint8_t>(s, s_in, d, d_in, n); break;
      case 2: copy_row<uint16_t>(s, s_in, d, d_in, n); break;
      case 4: copy_row<uint32_t>(s, s_in, d, d_in, n); break;
      case 8: copy_row<uint64_t>(s, s_in, d, d_in, n); break;
      default:
        for (int64_t i = 0; i < n; ++i) std::memcpy(d + i * d_in, s + i * s_in, elem_size);
    }
  };
  // Odometer over the outer dims, carrying both offsets along.
  std::vector<int64_t> idx(inner, 0);
  int64_t so = 0, dof = 0;
  while (true) {
    row(src + so, dst + dof);
    size_t k = inner;
    while (k-- > 0) {
      if (++idx[k] < shape[k]) {
        so += ss[k];
        dof += ds[k];
        break;
      }
      so -= ss[k] * (shape[k] - 1);
      dof -= ds[k] * (shape[k] - 1);
      idx[k] = 0;
    }
    if (k == static_cast<size_t>(-1)) return;
  }
}

namespace {

// The low bits of u as To: the well-defined spelling of modular conversion.
template <typename To> To from_bits(uint64_t u) {
  using U = std::make_unsigned_t<To>;
  U narrow = static_cast<U>(u);
  To out;
  std::memcpy(&out, &narrow, sizeof(To));
  return out;
}

template <typename To, typename From> To wrap_cast(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_floating_point_v<To>) {
    return static_cast<To>(v);
  } else if constexpr (std::is_same_v<From, bool>) {
    return static_cast<To>(v ? 1 : 0);
  } else if constexpr (std::is_floating_point_v<From>) {
    if (!std::isfinite(v)) return To(0);
    constexpr double kTwo64 = 18446744073709551616.0;
    // fmod is exact, so r is the truncated value modulo 2^64 with |r| < 2^64.
    double r = std::fmod(std::trunc(static_cast<double>(v)), kTwo64);
    uint64_t u = r >= 0 ? static_cast<uint64_t>(r) : ~static_cast<uint64_t>(-r) + 1;
    return from_bits<To>(u);
  } else {
    return from_bits<To>(static_cast<uint64_t>(v));  // signed -> unsigned is modular by the standard
  }
}

}  // namespace

Tensor cast_tensor(const Tensor& t, DType to, bool saturate) {
  if (saturate || t.dtype() == to) return t.cast(to);
  Tensor src = t.contiguous();
  Tensor out = Tensor::empty(to, t.shape());
  int64_t n = t.numel();
  dispatch_dtype(t.dtype(), [&](auto from_tag) {
    using From = decltype(from_tag);
    const From* s = src.data<From>();
    dispatch_dtype(to, [&](auto to_tag) {
      using To = decltype(to_tag);
      To* d = out.mutable_data<To>();
      for (int64_t i = 0; i < n; ++i) d[i] = wrap_cast<To>(s[i]);
    });
  });
  return out;
}

}  // namespace pxp::kernels::layout
