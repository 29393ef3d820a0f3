// Tensor: a dtype, a shape, byte strides and a shared, aligned buffer.
// Tensors are immutable once an op has returned them; ops write only into
// tensors they have just allocated.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <memory>
#include <vector>

#include "core/dtype.hpp"

namespace pxp {

using Shape = std::vector<int64_t>;

// Upper bound on the bytes of one tensor: an absurd shape is an error, not an OOM kill.
constexpr int64_t kMaxTensorBytes = int64_t(1) << 34;  // 16 GiB

// Dimensions of a tensor: the C ABI's views hold PXP_MAX_DIMS (8) shape entries. A batch adds one,
// so an output is batched only with at most kMaxDims - 1 of its own.
constexpr int kMaxDims = 8;

// Fails with PXP_EOUT_OF_RANGE when a shape has more than kMaxDims dimensions.
void check_rank(const Shape& shape);

// Elements of a shape, or an error if it has more than kMaxDims dimensions, a negative one, or is
// beyond kMaxTensorBytes for elem_size.
int64_t checked_numel(const Shape& shape, size_t elem_size);

class Tensor {
 public:
  Tensor() = default;

  // A new contiguous tensor; contents zeroed (cheap, and never leaks old memory into outputs).
  static Tensor zeros(DType dtype, const Shape& shape);
  // A new contiguous tensor; contents uninitialized (the caller writes every element).
  static Tensor empty(DType dtype, const Shape& shape);
  template <typename T> static Tensor scalar(T value) {
    Tensor t = empty(dtype_of<T>(), {});
    *t.mutable_data<T>() = value;
    return t;
  }
  // A view of memory owned by owner (kept alive by the tensor).
  static Tensor view(std::shared_ptr<void> owner, const uint8_t* data, DType dtype, Shape shape,
                     Shape byte_strides);

  bool defined() const { return owner_ != nullptr; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  const Shape& strides() const { return strides_; }
  int ndim() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int i) const { return shape_.at(static_cast<size_t>(i)); }
  int64_t numel() const;
  size_t nbytes() const { return static_cast<size_t>(numel()) * dtype_size(dtype_); }
  bool is_contiguous() const;
  const std::shared_ptr<void>& owner() const { return owner_; }

  const uint8_t* bytes() const { return data_; }
  uint8_t* mutable_bytes() { return const_cast<uint8_t*>(data_); }
  template <typename T> const T* data() const { return reinterpret_cast<const T*>(data_); }
  template <typename T> T* mutable_data() { return reinterpret_cast<T*>(const_cast<uint8_t*>(data_)); }

  // This tensor if already contiguous, else a contiguous copy.
  Tensor contiguous() const;
  // Element-wise conversion (C++ static_cast semantics; float -> int truncates, out of range saturates).
  Tensor cast(DType to) const;
  // The single element of a one-element tensor, converted.
  double item_double() const;
  int64_t item_int() const;
  bool item_bool() const;
  // Same dtype, shape and element bits.
  bool bit_equal(const Tensor& other) const;

  // A view with other shape/strides over the same memory.
  Tensor restrided(Shape shape, Shape byte_strides, int64_t byte_offset = 0) const;

 private:
  std::shared_ptr<void> owner_;
  const uint8_t* data_ = nullptr;
  DType dtype_ = DType::U8;
  Shape shape_;
  Shape strides_;
};

Shape contiguous_strides(const Shape& shape, size_t elem_size);

// Converts one value with saturation for integers (NaN -> 0).
template <typename To, typename From> To saturate_cast(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_floating_point_v<To>) {
    return static_cast<To>(v);
  } else if constexpr (std::is_floating_point_v<From>) {
    if (v != v) return To(0);
    if (v <= static_cast<From>(std::numeric_limits<To>::lowest())) return std::numeric_limits<To>::lowest();
    if (v >= static_cast<From>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return static_cast<To>(v);
  } else if constexpr (std::is_same_v<From, bool>) {
    return static_cast<To>(v ? 1 : 0);
  } else {
    using Wide = std::conditional_t<std::is_signed_v<From> || std::is_signed_v<To>, long double, uint64_t>;
    if constexpr (std::is_same_v<Wide, uint64_t>) {
      if (static_cast<uint64_t>(v) > static_cast<uint64_t>(std::numeric_limits<To>::max()))
        return std::numeric_limits<To>::max();
      return static_cast<To>(v);
    } else {
      auto w = static_cast<long double>(v);
      if (w < static_cast<long double>(std::numeric_limits<To>::lowest())) return std::numeric_limits<To>::lowest();
      if (w > static_cast<long double>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
      return static_cast<To>(v);
    }
  }
}

}  // namespace pxp
