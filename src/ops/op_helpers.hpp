// Small helpers shared by op families: input checks for type rules and
// argument reading for exec functions. Errors thrown here become ETYPE at
// load time (type rules) or carry the sample and node at run time.
#pragma once

#include <string>

#include "registry/registry.hpp"

namespace pxp {

// Type rules: check an input may be the kind the op needs ("input 'x' of math.add").
void expect_tensor(const InferContext& ctx, size_t i, const char* what);
void expect_scalar(const InferContext& ctx, size_t i, const char* what);  // a 0-d tensor (any dtype)
void expect_list(const InferContext& ctx, size_t i, const char* what);
void expect_string(const InferContext& ctx, size_t i, const char* what);

// An input that must be "a 1-D tensor or a list of number scalars" (weights, masks, indices);
// integers_only also rejects float and bool dtypes. Returns the length when the type knows it,
// else kUnknownDim.
int64_t check_sequence_type(const Type& t, const char* what, bool integers_only);
// A single integer (an index, a count, a bound): a 0-d tensor whose dtype, when known, is an
// integer type (not float, not bool). kernels::integer_value reads it at run time.
void check_integer_scalar_type(const Type& t, const char* what);

// The constant value of input i if it is known at load time, else nullptr.
inline const Value* constant_input(const InferContext& ctx, size_t i) {
  return i < ctx.constants.size() ? ctx.constants[i] : nullptr;
}

// Exec: a scalar argument as a number, with a clear error if it is not one.
double scalar_arg(const Args& args, size_t i, const char* what);
int64_t int_arg(const Args& args, size_t i, const char* what);

}  // namespace pxp
