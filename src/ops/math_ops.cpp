// math.*: element-wise arithmetic, comparisons and logic on scalars and tensors
// with NumPy broadcasting. The rules (shapes, dtypes, weak scalars) live in
// kernels/elementwise, so type inference and execution cannot disagree.
#include "kernels/elementwise.hpp"
#include "kernels/matmul.hpp"
#include "ops/families.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;

const Tensor& tensor_input(const Args& args, size_t i, const char* what) {
  const Value& v = args[i];
  if (!v.is_tensor()) type_error(std::string("input '") + what + "' must be a tensor or number, not " + v.describe());
  return v.tensor();
}

// Whether a type is 0-d decides weak-scalar promotion; with an unknown rank it may be either.
std::vector<bool> zero_d_options(const Type& t) {
  if (t.shape) return {t.shape->empty()};
  return {false, true};
}

Type infer_binary(const InferContext& ctx, BinaryOp op) {
  expect_tensor(ctx, 0, "a");
  expect_tensor(ctx, 1, "b");
  const Type& a = ctx.inputs[0];
  const Type& b = ctx.inputs[1];
  std::optional<Shape> shape;
  if (a.shape && b.shape) {
    shape = kernels::broadcast_shapes(*a.shape, *b.shape);
    if (!shape)
      type_error("shapes " + kernels::shape_string(*a.shape) + " and " + kernels::shape_string(*b.shape) +
                 " cannot be broadcast together");
  }
  std::optional<DType> dtype;
  if (a.dtype && b.dtype) {
    // Keep the dtype only if every possible rank gives the same one.
    bool agree = true;
    for (bool a0 : zero_d_options(a))
      for (bool b0 : zero_d_options(b)) {
        DType d = kernels::binary_result_dtype(op, *a.dtype, a0, *b.dtype, b0);
        if (dtype && *dtype != d) agree = false;
        dtype = d;
      }
    if (!agree) dtype.reset();
  } else if (op >= BinaryOp::Equal) {
    dtype = DType::Bool;
  }
  return Type::tensor(dtype, shape);
}

Type infer_unary(const InferContext& ctx, UnaryOp op) {
  expect_tensor(ctx, 0, "x");
  const Type& x = ctx.inputs[0];
  std::optional<DType> dtype;
  if (x.dtype) dtype = kernels::unary_result_dtype(op, *x.dtype);
  else if (op == UnaryOp::LogicalNot) dtype = DType::Bool;
  return Type::tensor(dtype, x.shape);
}

constexpr const char* kBroadcastDoc =
    " Works on scalars and tensors of any dtype with NumPy broadcasting. A 0-d operand next to a tensor is a "
    "weak scalar: the tensor's dtype wins unless the scalar is a float and the tensor is not (then f32), so "
    "u8 + 10 stays u8 and u8 * 0.5 is f32.";

struct BinarySpec {
  BinaryOp op;
  const char* doc;
  const char* output_doc;
  bool saturate_attr;
};

struct UnarySpec {
  UnaryOp op;
  const char* doc;
  const char* output_doc;
};

}  // namespace

void register_math_ops(Registry& r) {
  const char* same = "the promoted dtype of a and b (weak scalars keep the tensor's dtype), with the broadcast shape";
  const char* floating =
      "f32 for integer or bool operands, else the promoted float dtype (f64 if it is f64), with the broadcast shape";
  const char* boolean = "bool, with the broadcast shape of a and b";
  const BinarySpec binaries[] = {
      {BinaryOp::Add, "Element-wise a + b. Integers wrap around unless `saturate`.", same, true},
      {BinaryOp::Subtract, "Element-wise a - b. Integers wrap around unless `saturate`; two booleans are an error.",
       same, true},
      {BinaryOp::Multiply, "Element-wise a * b. Integers wrap around unless `saturate`.", same, true},
      {BinaryOp::Divide,
       "Element-wise true division a / b, computed in floating point: integer division by zero gives inf or nan.",
       floating, false},
      {BinaryOp::Modulo,
       "Element-wise remainder of a / b with the sign of b (Python's %). Integer modulo by zero is an error; "
       "for floats it is nan.",
       same, false},
      {BinaryOp::FloorDivide,
       "Element-wise floor division (Python's //): the largest whole number not above a / b, in the promoted "
       "dtype, so a == (a // b) * b + a % b. Integer division by zero is an error; for floats it gives inf or "
       "nan as a / b does.",
       same, false},
      {BinaryOp::Power, "Element-wise a raised to the power b, in floating point.", floating, false},
      {BinaryOp::Minimum, "Element-wise smaller of a and b; nan if either is nan.", same, false},
      {BinaryOp::Maximum, "Element-wise larger of a and b; nan if either is nan.", same, false},
      {BinaryOp::Atan2, "Element-wise angle of the point (b, a) in radians, in (-pi, pi].", floating, false},
      {BinaryOp::Equal, "Element-wise a == b, compared in the promoted dtype.", boolean, false},
      {BinaryOp::NotEqual, "Element-wise a != b, compared in the promoted dtype.", boolean, false},
      {BinaryOp::Less, "Element-wise a < b, compared in the promoted dtype.", boolean, false},
      {BinaryOp::LessEqual, "Element-wise a <= b, compared in the promoted dtype.", boolean, false},
      {BinaryOp::Greater, "Element-wise a > b, compared in the promoted dtype.", boolean, false},
      {BinaryOp::GreaterEqual, "Element-wise a >= b, compared in the promoted dtype.", boolean, false},
      {BinaryOp::LogicalAnd, "Element-wise a and b; any nonzero value (nan included) is true.", boolean, false},
      {BinaryOp::LogicalOr, "Element-wise a or b; any nonzero value (nan included) is true.", boolean, false},
  };
  for (const BinarySpec& spec : binaries) {
    BinaryOp op = spec.op;
    OpBuilder b(std::string("math.") + kernels::binary_op_name(op));
    b.doc(std::string(spec.doc) + kBroadcastDoc)
        .input("a", "A number or tensor.")
        .input("b", "A number or tensor, broadcast against a.");
    if (spec.saturate_attr)
      b.attr_bool("saturate", false,
                  "Clip integer results to the output dtype's range instead of wrapping around (floats never clip).");
    b.output(spec.output_doc, [op](const InferContext& ctx) { return infer_binary(ctx, op); });
    bool saturate_attr = spec.saturate_attr;
    b.exec([op, saturate_attr](ExecContext& ctx, const Args& args) {
      const Tensor& a = tensor_input(args, 0, "a");
      const Tensor& x = tensor_input(args, 1, "b");
      return Value(kernels::binary(op, a, x, saturate_attr && ctx.attrs.get_bool("saturate")));
    });
    r.add(b.build());
  }

  const char* keep = "the dtype and shape of x";
  const char* unary_float = "f32 for integer or bool x, else the dtype of x; the shape of x";
  const UnarySpec unaries[] = {
      {UnaryOp::Abs,
       "Element-wise absolute value. The most negative integer stays as it is (it has no positive twin); "
       "booleans are returned unchanged.",
       keep},
      {UnaryOp::Negate, "Element-wise -x. Integers wrap around (negating u8 1 gives 255); booleans are an error.",
       keep},
      {UnaryOp::Floor, "Element-wise largest whole number not above x. Integers are returned unchanged.", keep},
      {UnaryOp::Ceil, "Element-wise smallest whole number not below x. Integers are returned unchanged.", keep},
      {UnaryOp::Round,
       "Element-wise nearest whole number, halves to even (0.5 -> 0, 1.5 -> 2, -2.5 -> -2). Integers are returned "
       "unchanged.",
       keep},
      {UnaryOp::Sqrt, "Element-wise square root; nan for negative x.", unary_float},
      {UnaryOp::Exp, "Element-wise e to the power x.", unary_float},
      {UnaryOp::Log, "Element-wise natural logarithm; -inf at 0, nan for negative x.", unary_float},
      {UnaryOp::Sin, "Element-wise sine of x in radians.", unary_float},
      {UnaryOp::Cos, "Element-wise cosine of x in radians.", unary_float},
      {UnaryOp::Tan, "Element-wise tangent of x in radians.", unary_float},
      {UnaryOp::LogicalNot, "Element-wise not x; any nonzero value (nan included) is true.", "bool, the shape of x"},
  };
  r.add(OpBuilder("math.matmul")
            .doc("Matrix product a @ b of two 2-D tensors, both f32 or both f64 (cv::gemm). torchvision's "
                 "LinearTransformation multiplies the flattened image by its matrix with it.")
            .input("a", "M x K tensor, f32 or f64.")
            .input("b", "K x N tensor of a's dtype.")
            .output("a's dtype, M x N",
                    [](const InferContext& ctx) {
                      expect_tensor(ctx, 0, "a");
                      expect_tensor(ctx, 1, "b");
                      const Type& a = ctx.inputs[0];
                      const Type& b = ctx.inputs[1];
                      for (const Type* t : {&a, &b}) {
                        if (t->is_any()) continue;
                        if (t->shape && t->shape->size() != 2)
                          type_error("math.matmul takes 2-D tensors, not rank " + std::to_string(t->shape->size()));
                        if (t->dtype && *t->dtype != DType::F32 && *t->dtype != DType::F64)
                          type_error(std::string("math.matmul takes f32 or f64 tensors, not ") + dtype_name(*t->dtype));
                      }
                      std::optional<DType> dtype = a.is_any() ? std::nullopt : a.dtype;
                      if (!b.is_any() && b.dtype && dtype && *b.dtype != *dtype)
                        type_error("math.matmul: a and b must have the same dtype");
                      if (!dtype && !b.is_any()) dtype = b.dtype;
                      int64_t m = kUnknownDim, n = kUnknownDim;
                      if (!a.is_any() && a.shape) m = (*a.shape)[0];
                      if (!b.is_any() && b.shape) n = (*b.shape)[1];
                      if (!a.is_any() && !b.is_any() && a.shape && b.shape && (*a.shape)[1] != kUnknownDim &&
                          (*b.shape)[0] != kUnknownDim && (*a.shape)[1] != (*b.shape)[0])
                        type_error("math.matmul: a has " + std::to_string((*a.shape)[1]) + " columns, b " +
                                   std::to_string((*b.shape)[0]) + " rows");
                      return Type::tensor(dtype, Shape{m, n});
                    })
            .exec([](ExecContext&, const Args& args) {
              return Value(kernels::matmul(tensor_input(args, 0, "a"), tensor_input(args, 1, "b")));
            })
            .build());

  for (const UnarySpec& spec : unaries) {
    UnaryOp op = spec.op;
    r.add(OpBuilder(std::string("math.") + kernels::unary_op_name(op))
              .doc(std::string(spec.doc) + " Works on scalars and tensors of any dtype.")
              .input("x", "A number or tensor.")
              .output(spec.output_doc, [op](const InferContext& ctx) { return infer_unary(ctx, op); })
              .exec([op](ExecContext&, const Args& args) {
                return Value(kernels::unary(op, tensor_input(args, 0, "x")));
              })
              .build());
  }
}

}  // namespace pxp
