#include "core/tensor.hpp"

#include "core/buffer_cache.hpp"
#include "core/output_target.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <new>

namespace pxp {

void check_rank(const Shape& shape) {
  if (shape.size() > static_cast<size_t>(kMaxDims))
    range_error("a tensor of " + std::to_string(shape.size()) + " dimensions: the limit is " +
                std::to_string(kMaxDims));
}

int64_t checked_numel(const Shape& shape, size_t elem_size) {
  check_rank(shape);
  // The product of the non-zero dimensions is bounded even when another one is 0: strides are
  // that product, and NumPy (and every consumer) must be able to describe the shape.
  int64_t n = 1;
  bool empty = false;
  for (int64_t d : shape) {
    if (d < 0) argument_error("negative dimension " + std::to_string(d) + " in a tensor shape");
    if (d == 0) {
      empty = true;
      continue;
    }
    if (n > kMaxTensorBytes / d) fail(PXP_ENOMEM, "tensor shape is too large (over 16 GiB)");
    n *= d;
  }
  if (elem_size > 0 && n > kMaxTensorBytes / static_cast<int64_t>(elem_size))
    fail(PXP_ENOMEM, "tensor shape is too large (over 16 GiB)");
  return empty ? 0 : n;
}

Shape contiguous_strides(const Shape& shape, size_t elem_size) {
  Shape strides(shape.size());
  int64_t s = static_cast<int64_t>(elem_size);
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s *= std::max<int64_t>(shape[i], 1);
  }
  return strides;
}

namespace {
struct SmallStorage {
  alignas(16) uint8_t bytes[64];
};
}  // namespace

Tensor Tensor::empty(DType dtype, const Shape& shape) {
  size_t elem = dtype_size(dtype);
  int64_t n = checked_numel(shape, elem);
  // 64-byte alignment suits SIMD kernels; at least one byte so data() is never null.
  size_t bytes = std::max<size_t>(static_cast<size_t>(n) * elem, 1);
  Tensor t;
  if (bytes > sizeof(SmallStorage) && OutputTarget::take(dtype, shape, t)) return t;
  if (bytes <= sizeof(SmallStorage)) {
    // Scalars and short vectors (random draws, sizes, boxes): one allocation for the control block
    // and the elements instead of two, and no aligned_alloc (no kernel vectorizes over 64 bytes).
    auto small = std::make_shared<SmallStorage>();
    t.data_ = small->bytes;
    t.owner_ = std::move(small);
  } else {
    void* p = allocate_buffer(bytes);
    // (if the control block cannot be allocated, shared_ptr calls the deleter itself)
    t.owner_ = std::shared_ptr<void>(p, [bytes](void* memory) { release_buffer(memory, bytes); });
    t.data_ = static_cast<const uint8_t*>(p);
  }
  t.dtype_ = dtype;
  t.shape_ = shape;
  t.strides_ = contiguous_strides(shape, elem);
  return t;
}

Tensor Tensor::zeros(DType dtype, const Shape& shape) {
  Tensor t = empty(dtype, shape);
  std::memset(t.mutable_bytes(), 0, t.nbytes());
  return t;
}

Tensor Tensor::view(std::shared_ptr<void> owner, const uint8_t* data, DType dtype, Shape shape, Shape strides) {
  checked_numel(shape, dtype_size(dtype));  // a view's shape obeys the limits of a new tensor
  Tensor t;
  t.owner_ = std::move(owner);
  t.data_ = data;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.strides_ = std::move(strides);
  return t;
}

Tensor Tensor::restrided(Shape shape, Shape strides, int64_t byte_offset) const {
  return view(owner_, data_ + byte_offset, dtype_, std::move(shape), std::move(strides));
}

int64_t Tensor::numel() const {
  // zero first: a zero-element shape may have other dimensions whose product overflows
  if (std::find(shape_.begin(), shape_.end(), 0) != shape_.end()) return 0;
  int64_t n = 1;
  for (int64_t d : shape_) n *= d;
  return n;
}

bool Tensor::is_contiguous() const {
  if (numel() == 0) return true;   // no element, no layout to copy into
  int64_t expected = static_cast<int64_t>(dtype_size(dtype_));
  for (size_t i = shape_.size(); i-- > 0;) {
    if (shape_[i] != 1 && strides_[i] != expected) return false;
    expected *= shape_[i];
  }
  return true;
}

namespace {
// Calls f(byte offset of element k) for every element in row-major order.
template <typename F> void for_each_offset(const Shape& shape, const Shape& strides, F&& f) {
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) return;
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  size_t nd = shape.size();
  std::vector<int64_t> idx(nd, 0);
  int64_t off = 0;
  for (int64_t k = 0; k < n; ++k) {
    f(off);
    for (size_t i = nd; i-- > 0;) {
      if (++idx[i] < shape[i]) {
        off += strides[i];
        break;
      }
      off -= strides[i] * (shape[i] - 1);
      idx[i] = 0;
    }
  }
}
}  // namespace

Tensor Tensor::contiguous() const {
  if (is_contiguous()) return *this;
  Tensor out = empty(dtype_, shape_);
  if (out.numel() == 0) return out;
  // The trailing axes that are already laid out contiguously form one run copied with one memcpy
  // (a crop of an image is rows of contiguous pixels: a run per row instead of a call per value).
  size_t elem = dtype_size(dtype_);
  size_t inner = shape_.size();
  int64_t run = static_cast<int64_t>(elem);
  while (inner > 0 && (shape_[inner - 1] == 1 || strides_[inner - 1] == run)) {
    run *= shape_[inner - 1];
    --inner;
  }
  Shape outer_shape(shape_.begin(), shape_.begin() + static_cast<std::ptrdiff_t>(inner));
  Shape outer_strides(strides_.begin(), strides_.begin() + static_cast<std::ptrdiff_t>(inner));
  uint8_t* dst = out.mutable_bytes();
  for_each_offset(outer_shape, outer_strides, [&](int64_t off) {
    std::memcpy(dst, data_ + off, static_cast<size_t>(run));
    dst += run;
  });
  return out;
}

Tensor Tensor::cast(DType to) const {
  if (to == dtype_) return *this;
  Tensor src = contiguous();
  Tensor out = empty(to, shape_);
  int64_t n = numel();
  dispatch_dtype(dtype_, [&](auto from_tag) {
    using From = decltype(from_tag);
    const From* s = src.data<From>();
    dispatch_dtype(to, [&](auto to_tag) {
      using To = decltype(to_tag);
      To* d = out.mutable_data<To>();
      for (int64_t i = 0; i < n; ++i) d[i] = saturate_cast<To>(s[i]);
    });
  });
  return out;
}

double Tensor::item_double() const {
  if (numel() != 1) argument_error("expected a single number, got a tensor of " + std::to_string(numel()) + " elements");
  return dispatch_dtype(dtype_, [&](auto tag) -> double {
    using T = decltype(tag);
    T v;
    std::memcpy(&v, data_, sizeof(T));
    return static_cast<double>(v);
  });
}

int64_t Tensor::item_int() const {
  if (is_float(dtype_)) return saturate_cast<int64_t>(item_double());
  if (numel() != 1) argument_error("expected a single number, got a tensor of " + std::to_string(numel()) + " elements");
  return dispatch_dtype(dtype_, [&](auto tag) -> int64_t {
    using T = decltype(tag);
    T v;
    std::memcpy(&v, data_, sizeof(T));
    return static_cast<int64_t>(v);
  });
}

bool Tensor::item_bool() const { return item_double() != 0.0; }

bool Tensor::bit_equal(const Tensor& other) const {
  if (dtype_ != other.dtype_ || shape_ != other.shape_) return false;
  Tensor a = contiguous(), b = other.contiguous();
  return std::memcmp(a.bytes(), b.bytes(), nbytes()) == 0;
}

}  // namespace pxp
