// Shape and stride arithmetic for the tensor.* ops, plus the two copies they
// need (a strided copy and a cast). Shape helpers accept unknown dimensions
// (-1) so type rules and exec functions share one implementation: a rule that
// rejects a program at load is the same rule that rejects a value at run time.
//
// Every shape, rank or dtype incompatibility is a type_error (PXP_ETYPE), so a
// program fails with the same status whether the verifier caught it, folded
// it at load, or met it at run time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace pxp::kernels::layout {

// "[2,?,3]"
std::string shape_string(const Shape& shape);

// NumPy-style axis (negative counts from the end) resolved against rank.
int64_t normalize_axis(int64_t axis, int64_t rank);
// Several axes, each resolved; a repeated axis is an error.
std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank);

// The shape `spec` (one entry may be -1) describes for an input of shape `in`.
// Unknown input dims leave a -1 entry unknown; a known mismatch in element
// count throws. Pass rank_known = false when the input's rank is unknown.
Shape reshape_target(const Shape& in, bool rank_known, const std::vector<int64_t>& spec);

// The permutation transpose applies: `axes` resolved, or reversed axes when empty.
std::vector<int64_t> transpose_permutation(const std::vector<int64_t>& axes, int64_t rank);

// Python's slice(begin, end, step) over `size` elements, step >= 1.
struct SliceRange {
  int64_t start = 0;
  int64_t length = 0;
};
SliceRange slice_range(int64_t begin, int64_t end, int64_t step, int64_t size);

// Copies every element of `shape` from src to dst, each with its own byte
// strides (negative strides allowed, which is how flip reads backwards).
void copy_strided(const uint8_t* src, const Shape& src_strides, uint8_t* dst, const Shape& dst_strides,
                  const Shape& shape, size_t elem_size);

// Element-wise conversion. saturate: integer targets clip (Tensor::cast).
// Otherwise integers wrap modulo 2^bits; floats truncate toward zero first and
// non-finite values become 0. NaN -> 0 either way; bool targets test != 0.
Tensor cast_tensor(const Tensor& t, DType to, bool saturate);

}  // namespace pxp::kernels::layout
