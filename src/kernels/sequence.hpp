// Helpers for ops over sequences: lists of scalars and 1-D tensors read as
// plain vectors, Python-style index and slice arithmetic, and the one
// Fisher-Yates shuffle that random.permutation, random.shuffle share (so
// both give the same order for the same stream).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/rng.hpp"
#include "core/type.hpp"
#include "core/value.hpp"

namespace pxp::kernels {

// The most elements list.range, list.repeat and friends will make (core/value.hpp).
using ::pxp::kMaxListLength;
using ::pxp::kMaxListBytes;
using ::pxp::kValueOverheadBytes;
// What a value costs its user: the bytes of its tensors and strings plus kValueOverheadBytes per
// value, through nested lists (core/value.hpp).
uint64_t value_footprint(const Value& v);
// Fails with PXP_EOUT_OF_RANGE, naming `op` and the limit, when a list of `length` elements or
// `bytes` footprint is over kMaxListLength or kMaxListBytes. Ops call it before allocating.
void check_list_size(uint64_t length, uint64_t bytes, const char* op);

// The value of a one-element integer tensor (an index, a count, a bound): not float, not bool.
// (The type rules' checks of the same inputs are in ops/op_helpers.hpp.)
int64_t integer_value(const Value& v, const char* what);

// The same sequence at run time, element by element in order. Throws type_error
// for any other kind of value (or a float element when integers are required).
std::vector<double> sequence_numbers(const Value& v, const char* what);
std::vector<int64_t> sequence_integers(const Value& v, const char* what);

// A Python index (negative counts from the end) resolved against size, or a
// range_error "list index 7 is out of range for a list of 5 elements".
size_t resolve_index(int64_t index, size_t size);

// Python slice [begin, end) with negative indices and clamping: the resolved
// half-open range, with begin <= end.
std::pair<size_t, size_t> slice_bounds(int64_t begin, int64_t end, size_t size);

// Elements of Python's range(start, stop, step); argument_error for step 0,
// range_error beyond kMaxListLength.
int64_t range_length(int64_t start, int64_t stop, int64_t step);

// A uniformly random order of 0 .. n-1. Fisher-Yates from the back: for
// i = n-1 down to 1, swap entry i with entry below(i + 1). Exactly n - 1 calls
// of below (plus its rare rejections), so the draw order is part of the
// determinism contract.
std::vector<int64_t> random_order(size_t n, RandomStream& rng);

}  // namespace pxp::kernels
