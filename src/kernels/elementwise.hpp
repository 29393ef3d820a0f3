// Element-wise math on tensors with NumPy broadcasting: the kernels behind
// math.*. Pure functions of their inputs (no schemas, no attributes), so the
// same rules serve type inference at load and execution at run time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/tensor.hpp"
#include "core/type.hpp"

namespace pxp::kernels {

enum class BinaryOp : uint8_t {
  Add, Subtract, Multiply, Divide, Modulo, FloorDivide, Power, Minimum, Maximum, Atan2,
  Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual,
  LogicalAnd, LogicalOr,
};

enum class UnaryOp : uint8_t { Abs, Negate, Floor, Ceil, Round, Sqrt, Exp, Log, Sin, Cos, Tan, LogicalNot };

const char* binary_op_name(BinaryOp op);  // "add"
const char* unary_op_name(UnaryOp op);

// NumPy's rule: shapes align from the right, a dimension of 1 stretches. Dimensions may be
// kUnknownDim (-1), which stay unknown unless the other side decides them. nullopt: incompatible.
std::optional<Shape> broadcast_shapes(const Shape& a, const Shape& b);
// "[2,3]" ("?" for unknown dimensions), for messages.
std::string shape_string(const Shape& s);

// The dtype both operands are combined in. Like NumPy's NEP 50, a 0-d operand next to a
// tensor of higher rank is "weak": its value matters, its dtype only when it is of a higher
// kind (bool < integer < float) than the tensor's. So u8 + scalar i64 stays u8, u8 * 0.5 is
// f32 (not f64: images), bool mask + scalar i64 is i64.
DType common_dtype(DType a, bool a_is_0d, DType b, bool b_is_0d);

// The result dtype of op; throws type_error for what the op does not accept (bool - bool).
DType binary_result_dtype(BinaryOp op, DType a, bool a_is_0d, DType b, bool b_is_0d);
DType unary_result_dtype(UnaryOp op, DType x);

// `saturate` applies to Add, Subtract and Multiply on integers: the result clips to the output
// dtype's range instead of wrapping. Incompatible shapes are a type_error naming both shapes;
// integer modulo by zero a range_error. The result is a new contiguous tensor (unary ops that
// are the identity for a dtype, such as floor of an integer, return x itself).
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, bool saturate = false);
Tensor unary(UnaryOp op, const Tensor& x);

}  // namespace pxp::kernels
