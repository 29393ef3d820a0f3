// tensor.*: layout and conversion. Reshape (of a contiguous input), transpose,
// squeeze, unsqueeze and slice return views that share the input's buffer;
// flip, stack, concat, from_list and gather copy. Type rules give exact shapes
// wherever the inputs' shapes (and constant begin/end) are known, and every
// shape, rank or dtype mismatch is PXP_ETYPE, at load or at run time alike.
#include "kernels/sequence.hpp"
#include "kernels/tensor_layout.hpp"
#include "ops/families.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

namespace {

namespace layout = kernels::layout;
using layout::normalize_axes;
using layout::normalize_axis;
using layout::shape_string;

Type tensor_type(const InferContext& ctx, size_t i, const char* what) {
  expect_tensor(ctx, i, what);
  return ctx.inputs[i].is_any() ? Type::tensor() : ctx.inputs[i];
}

const Tensor& tensor_arg(const Args& args, size_t i, const char* what) {
  if (!args[i].is_tensor())
    type_error(std::string("input '") + what + "' must be a tensor or number, not " + args[i].describe());
  return args[i].tensor();
}

// ---- stack / concat: one set of checks for types (load) and values (run) ----

// The tensors a variadic op receives: its inputs, or the elements of a single list input.
struct ItemTypes {
  std::vector<Type> types;      // to check against each other (one element type for a list)
  int64_t count = 0;            // how many tensors; kUnknownDim when a list's length is unknown
  bool opaque = false;          // one input of unknown kind: tensor or list is decided at run time
};

ItemTypes item_types(const InferContext& ctx) {
  ItemTypes r;
  if (ctx.inputs.size() == 1 && ctx.inputs[0].is_any()) {
    r.opaque = true;
    return r;
  }
  if (ctx.inputs.size() == 1 && ctx.inputs[0].is_list()) {
    const Type& e = ctx.inputs[0].element_type();
    if (!e.may_be_tensor()) type_error("the list must hold tensors, not " + e.to_string());
    r.types.push_back(e.is_any() ? Type::tensor() : e);
    r.count = ctx.inputs[0].length;
    return r;
  }
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    std::string name = "tensors[" + std::to_string(i) + "]";
    r.types.push_back(tensor_type(ctx, i, name.c_str()));
  }
  r.count = static_cast<int64_t>(ctx.inputs.size());
  return r;
}

std::vector<Tensor> item_tensors(const Args& args) {
  std::vector<Tensor> out;
  if (args.size() == 1 && args[0].is_list()) {
    for (const Value& v : args[0].list()) {
      if (!v.is_tensor()) type_error("the list must hold tensors, not " + v.describe());
      out.push_back(v.tensor());
    }
    return out;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = "tensors[" + std::to_string(i) + "]";
    out.push_back(tensor_arg(args, i, name.c_str()));
  }
  return out;
}

std::vector<Type> types_of(const std::vector<Tensor>& ts) {
  std::vector<Type> out;
  for (const auto& t : ts) out.push_back(Type::tensor(t.dtype(), t.shape()));
  return out;
}

[[noreturn]] void shape_mismatch(const std::vector<Type>& types, size_t a, size_t b, const char* rule) {
  type_error(std::string("tensors must ") + rule + ": tensors[" + std::to_string(a) + "] has shape " +
             shape_string(*types[a].shape) + " but tensors[" + std::to_string(b) + "] has shape " +
             shape_string(*types[b].shape));
}

std::optional<DType> common_dtype(const std::vector<Type>& types) {
  std::optional<DType> dt;
  size_t first = 0;
  for (size_t i = 0; i < types.size(); ++i) {
    if (!types[i].dtype) continue;
    if (!dt) {
      dt = types[i].dtype;
      first = i;
    } else if (*dt != *types[i].dtype) {
      type_error(std::string("tensors must have the same dtype: tensors[") + std::to_string(first) + "] is " +
                 dtype_name(*dt) + " but tensors[" + std::to_string(i) + "] is " + dtype_name(*types[i].dtype) +
                 " (convert with tensor.cast)");
    }
  }
  return dt;
}

// The shared rank, or -1 when no type knows it.
int64_t common_rank(const std::vector<Type>& types, const char* rule) {
  int64_t rank = -1;
  size_t first = 0;
  for (size_t i = 0; i < types.size(); ++i) {
    if (!types[i].shape) continue;
    if (rank < 0) {
      rank = types[i].rank();
      first = i;
    } else if (rank != types[i].rank()) {
      shape_mismatch(types, first, i, rule);
    }
  }
  return rank;
}

// Each dim known by some type and equal in all that know it; `free_axis` may differ (left unknown).
Shape common_shape(const std::vector<Type>& types, int64_t rank, int64_t free_axis, const char* rule) {
  Shape shape(static_cast<size_t>(rank), kUnknownDim);
  std::vector<size_t> from(static_cast<size_t>(rank), 0);
  for (size_t i = 0; i < types.size(); ++i) {
    if (!types[i].shape) continue;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t v = (*types[i].shape)[static_cast<size_t>(d)];
      auto k = static_cast<size_t>(d);
      if (d == free_axis || v < 0) continue;
      if (shape[k] < 0) {
        shape[k] = v;
        from[k] = i;
      } else if (shape[k] != v) {
        shape_mismatch(types, from[k], i, rule);
      }
    }
  }
  return shape;
}

constexpr const char* kSameShape = "have the same shape";
constexpr const char* kSameOtherDims = "match in every dimension but the concatenation axis";

Type stack_type(const std::vector<Type>& types, int64_t count, int64_t axis) {
  if (count == 0) type_error("tensor.stack needs at least one tensor");
  std::optional<DType> dt = common_dtype(types);
  int64_t rank = common_rank(types, kSameShape);
  if (rank < 0) return Type::tensor(dt);
  Shape shape = common_shape(types, rank, -1, kSameShape);
  int64_t a = normalize_axis(axis, rank + 1);
  shape.insert(shape.begin() + a, count);
  return Type::tensor(dt, shape);
}

// Copies each tensor into its block of a new tensor along `axis` (for stack, a
// new axis of size 1 per tensor; for concat, the tensor's own extent).
Tensor place_blocks(const std::vector<Tensor>& ts, DType dtype, const Shape& out_shape, int64_t axis,
                    bool new_axis) {
  Tensor out = Tensor::empty(dtype, out_shape);
  size_t elem = dtype_size(dtype);
  const Shape& os = out.strides();
  int64_t offset = 0;
  for (const Tensor& t : ts) {
    int64_t extent = new_axis ? 1 : t.dim(static_cast<int>(axis));
    if (t.numel() == 0) {  // nothing to copy, and its block may lie past the end of the buffer
      offset += extent;
      continue;
    }
    Tensor src = t.dtype() == dtype ? t : t.cast(dtype);
    Shape dst_strides = os;
    if (new_axis) dst_strides.erase(dst_strides.begin() + axis);
    layout::copy_strided(src.bytes(), src.strides(), out.mutable_bytes() + offset * os[static_cast<size_t>(axis)],
                         dst_strides, src.shape(), elem);
    offset += extent;
  }
  return out;
}

Tensor stack_tensors(const std::vector<Tensor>& ts, int64_t axis) {
  Type t = stack_type(types_of(ts), static_cast<int64_t>(ts.size()), axis);
  int64_t a = normalize_axis(axis, ts[0].ndim() + 1);
  return place_blocks(ts, *t.dtype, *t.shape, a, true);
}

Type concat_type(const std::vector<Type>& types, int64_t count, int64_t axis) {
  if (count == 0) type_error("tensor.concat needs at least one tensor");
  std::optional<DType> dt = common_dtype(types);
  int64_t rank = common_rank(types, kSameOtherDims);
  if (rank < 0) return Type::tensor(dt);
  if (rank == 0) type_error("tensor.concat cannot join scalars (0-d tensors); use tensor.stack");
  int64_t a = normalize_axis(axis, rank);
  Shape shape = common_shape(types, rank, a, kSameOtherDims);
  int64_t total = 0;
  for (const Type& t : types) {
    int64_t d = t.shape ? (*t.shape)[static_cast<size_t>(a)] : kUnknownDim;
    if (d < 0 || total < 0) {
      total = kUnknownDim;
    } else {
      total += d;
    }
  }
  // A list's single element type stands for `count` tensors of that extent.
  if (total >= 0 && types.size() == 1) total = count < 0 ? kUnknownDim : total * count;
  shape[static_cast<size_t>(a)] = total;
  return Type::tensor(dt, shape);
}

// ---- from_list ----

Type from_list_type(const Type& list) {
  if (list.is_any()) return Type::tensor();
  const Type& e = list.element_type();
  Type inner;
  if (e.is_list()) {
    inner = from_list_type(e);
  } else if (e.may_be_tensor()) {
    inner = e.is_any() ? Type::tensor() : e;
  } else {
    type_error("tensor.from_list needs a list of numbers or tensors, not a list of " + e.to_string());
  }
  if (list.length == 0) type_error("tensor.from_list needs at least one element to know the dtype and shape");
  std::optional<Shape> shape;
  if (inner.shape) {
    shape = Shape{list.length};
    shape->insert(shape->end(), inner.shape->begin(), inner.shape->end());
  }
  return Type::tensor(inner.dtype, shape);
}

Tensor from_list_value(const Value& v) {
  if (v.is_tensor()) return v.tensor();
  if (!v.is_list()) type_error("tensor.from_list needs a list of numbers or tensors, not " + v.describe());
  const List& items = v.list();
  if (items.empty()) type_error("tensor.from_list needs at least one element to know the dtype and shape");
  std::vector<Tensor> ts;
  ts.reserve(items.size());
  for (const Value& item : items) ts.push_back(from_list_value(item));
  DType dt = ts[0].dtype();
  for (const Tensor& t : ts) dt = promote(dt, t.dtype());
  std::vector<Type> types;
  for (const Tensor& t : ts) types.push_back(Type::tensor(dt, t.shape()));  // dtypes are promoted, not checked
  Type out = stack_type(types, static_cast<int64_t>(ts.size()), 0);
  return place_blocks(ts, dt, *out.shape, 0, true);
}

// The exact type of a constant list, without building the tensor.
Type constant_from_list_type(const Value& v) {
  if (v.is_tensor()) return type_of(v);
  if (!v.is_list()) type_error("tensor.from_list needs a list of numbers or tensors, not " + v.describe());
  const List& items = v.list();
  if (items.empty()) type_error("tensor.from_list needs at least one element to know the dtype and shape");
  std::vector<Type> types;
  for (const Value& item : items) types.push_back(constant_from_list_type(item));
  DType dt = *types[0].dtype;
  for (Type& t : types) {
    dt = promote(dt, *t.dtype);
    t.dtype.reset();
  }
  Type out = stack_type(types, static_cast<int64_t>(items.size()), 0);
  out.dtype = dt;
  return out;
}

// ---- single-tensor layout ----

// Which axes squeeze removes; an unknown dim named in `axes` is trusted to be 1 until run time.
std::vector<bool> squeeze_mask(const Shape& shape, const std::vector<int64_t>& axes) {
  std::vector<bool> drop(shape.size(), false);
  if (axes.empty()) {
    for (size_t i = 0; i < shape.size(); ++i) drop[i] = shape[i] == 1;
    return drop;
  }
  for (int64_t a : normalize_axes(axes, static_cast<int64_t>(shape.size()))) {
    int64_t d = shape[static_cast<size_t>(a)];
    if (d >= 0 && d != 1)
      type_error("cannot squeeze axis " + std::to_string(a) + " of size " + std::to_string(d) + " (shape " +
                 shape_string(shape) + ")");
    drop[static_cast<size_t>(a)] = true;
  }
  return drop;
}

Shape kept(const Shape& s, const std::vector<bool>& drop) {
  Shape out;
  for (size_t i = 0; i < s.size(); ++i)
    if (!drop[i]) out.push_back(s[i]);
  return out;
}

void expect_integer_scalar(const InferContext& ctx, size_t i, const char* what) {
  check_integer_scalar_type(ctx.inputs[i], what);
}

}  // namespace

void register_tensor_ops(Registry& r) {
  r.add(OpBuilder("tensor.stack")
            .doc("Stacks tensors of one dtype and shape along a new axis. Takes the tensors as inputs, or one list "
                 "of tensors.")
            .variadic("tensors", "The tensors (at least one), or a single list of tensors.")
            .attr_int("axis", int64_t(0), "Position of the new axis in the result; negative counts from the end.")
            .output("the tensors' dtype; their shape with the count inserted at `axis`",
                    [](const InferContext& ctx) {
                      ItemTypes items = item_types(ctx);
                      if (items.opaque) return Type::tensor();
                      return stack_type(items.types, items.count, ctx.attrs.get_int("axis"));
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(stack_tensors(item_tensors(args), ctx.attrs.get_int("axis")));
            })
            .build());

  r.add(OpBuilder("tensor.concat")
            .doc("Joins tensors of one dtype along an existing axis; all other dimensions must match. Takes the "
                 "tensors as inputs, or one list of tensors.")
            .variadic("tensors", "The tensors (at least one, not scalars), or a single list of tensors.")
            .attr_int("axis", int64_t(0), "The axis to join along; negative counts from the end.")
            .output("the tensors' dtype and shape, with the `axis` dimension the sum of theirs",
                    [](const InferContext& ctx) {
                      ItemTypes items = item_types(ctx);
                      if (items.opaque) return Type::tensor();
                      return concat_type(items.types, items.count, ctx.attrs.get_int("axis"));
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              std::vector<Tensor> ts = item_tensors(args);
              int64_t axis = ctx.attrs.get_int("axis");
              Type t = concat_type(types_of(ts), static_cast<int64_t>(ts.size()), axis);
              return Value(place_blocks(ts, *t.dtype, *t.shape, normalize_axis(axis, ts[0].ndim()), false));
            })
            .build());

  r.add(OpBuilder("tensor.from_list")
            .doc("A tensor from a list of numbers, or of equal-shape tensors, stacked along a new first axis; "
                 "nested lists become further axes. The dtype is promoted across the elements (u8 and f32 give "
                 "f32). An empty list is an error: it has no dtype or element shape.")
            .input("list", "A non-empty list of number scalars, tensors of one shape, or such lists.")
            .output("[length, *element shape], the promoted element dtype",
                    [](const InferContext& ctx) {
                      expect_list(ctx, 0, "list");
                      if (const Value* v = constant_input(ctx, 0)) return constant_from_list_type(*v);
                      return from_list_type(ctx.inputs[0]);
                    })
            .exec([](ExecContext&, const Args& args) {
              if (!args[0].is_list()) type_error("input 'list' must be a list, not " + args[0].describe());
              return Value(from_list_value(args[0]));
            })
            .build());

  r.add(OpBuilder("tensor.cast")
            .doc("Converts the elements to `dtype`. Floats to integers truncate toward zero and NaN becomes 0; "
                 "a bool result is true where the input is nonzero. Integer results clip to the target range "
                 "when `saturate`, else wrap modulo 2^bits (non-finite floats then become 0).")
            .input("x", "A tensor or number.")
            .attr_dtype("dtype", std::nullopt, "The element type of the result.")
            .attr_bool("saturate", true, "Clip out-of-range values to an integer target's range instead of wrapping.")
            .output("`dtype`, the shape of x",
                    [](const InferContext& ctx) {
                      Type x = tensor_type(ctx, 0, "x");
                      return Type::tensor(ctx.attrs.get_dtype("dtype"), x.shape);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(layout::cast_tensor(tensor_arg(args, 0, "x"), ctx.attrs.get_dtype("dtype"),
                                                ctx.attrs.get_bool("saturate")));
            })
            .build());

  r.add(OpBuilder("tensor.reshape")
            .doc("The same elements in row-major order with another shape. A view when x is contiguous or the "
                 "shape does not change (a strided crop stays a view), else a copy.")
            .input("x", "A tensor or number.")
            .attr_ints("shape", std::nullopt,
                       "The new shape; one entry may be -1 to take whatever size makes the element count match.")
            .output("x's dtype, `shape` with the -1 resolved (the element count must match)",
                    [](const InferContext& ctx) {
                      Type x = tensor_type(ctx, 0, "x");
                      Shape in = x.shape ? *x.shape : Shape{};
                      return Type::tensor(x.dtype, layout::reshape_target(in, x.shape.has_value(),
                                                                           ctx.attrs.get_ints("shape")));
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              const Tensor& x = tensor_arg(args, 0, "x");
              Shape shape = layout::reshape_target(x.shape(), true, ctx.attrs.get_ints("shape"));
              if (shape == x.shape()) return Value(x);   // only the type learned the shape
              Tensor c = x.contiguous();
              return Value(c.restrided(shape, contiguous_strides(shape, dtype_size(c.dtype()))));
            })
            .build());

  r.add(OpBuilder("tensor.transpose")
            .doc("Permutes the axes: result axis i is x's axis axes[i]. A view (no copy).")
            .input("x", "A tensor.")
            .attr_ints("axes", std::vector<int64_t>{},
                       "A permutation of x's axes (negative counts from the end); empty reverses them.")
            .output("x's dtype, x's shape permuted",
                    [](const InferContext& ctx) {
                      Type x = tensor_type(ctx, 0, "x");
                      const auto& axes = ctx.attrs.get_ints("axes");
                      if (!x.shape) {
                        if (axes.empty()) return Type::tensor(x.dtype);
                        layout::transpose_permutation(axes, static_cast<int64_t>(axes.size()));
                        return Type::tensor(x.dtype, Shape(axes.size(), kUnknownDim));
                      }
                      auto perm = layout::transpose_permutation(axes, x.rank());
                      Shape shape;
                      for (int64_t p : perm) shape.push_back((*x.shape)[static_cast<size_t>(p)]);
                      return Type::tensor(x.dtype, shape);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              const Tensor& x = tensor_arg(args, 0, "x");
              auto perm = layout::transpose_permutation(ctx.attrs.get_ints("axes"), x.ndim());
              Shape shape, strides;
              for (int64_t p : perm) {
                shape.push_back(x.shape()[static_cast<size_t>(p)]);
                strides.push_back(x.strides()[static_cast<size_t>(p)]);
              }
              return Value(x.restrided(shape, strides));
            })
            .build());

  r.add(OpBuilder("tensor.squeeze")
            .doc("Removes axes of size 1. A view (no copy).")
            .input("x", "A tensor.")
            .attr_ints("axes", std::vector<int64_t>{},
                       "The axes to remove, each of size 1 (negative counts from the end); empty removes every "
                       "axis of size 1.")
            .output("x's dtype, x's shape without the squeezed axes",
                    [](const InferContext& ctx) {
                      Type x = tensor_type(ctx, 0, "x");
                      const auto& axes = ctx.attrs.get_ints("axes");
                      if (!x.shape) return Type::tensor(x.dtype);
                      // an unknown dim might be 1, so "every size-1 axis" leaves the rank unknown
                      if (axes.empty())
                        for (int64_t d : *x.shape)
                          if (d < 0) return Type::tensor(x.dtype);
                      return Type::tensor(x.dtype, kept(*x.shape, squeeze_mask(*x.shape, axes)));
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              const Tensor& x = tensor_arg(args, 0, "x");
              std::vector<bool> drop = squeeze_mask(x.shape(), ctx.attrs.get_ints("axes"));
              Shape shape = kept(x.shape(), drop), strides = kept(x.strides(), drop);
              return Value(x.restrided(shape, strides));
            })
            .build());

  r.add(OpBuilder("tensor.unsqueeze")
            .doc("Inserts an axis of size 1 (NumPy's expand_dims). A view (no copy).")
            .input("x", "A tensor or number.")
            .attr_int("axis", std::nullopt,
                      "Position of the new axis in the result, from -(rank+1) to rank; negative counts from the end.")
            .output("x's dtype, x's shape with a 1 inserted at `axis`",
                    [](const InferContext& ctx) {
                      Type x = tensor_type(ctx, 0, "x");
                      if (!x.shape) return Type::tensor(x.dtype);
                      Shape shape = *x.shape;
                      int64_t a = normalize_axis(ctx.attrs.get_int("axis"), x.rank() + 1);
                      shape.insert(shape.begin() + a, 1);
                      return Type::tensor(x.dtype, shape);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              const Tensor& x = tensor_arg(args, 0, "x");
              int64_t a = normalize_axis(ctx.attrs.get_int("axis"), x.ndim() + 1);
              Shape shape = x.shape(), strides = x.strides();
              // The stride of a size-1 axis is never used; this one keeps a contiguous x contiguous.
              int64_t stride = a < x.ndim() ? strides[static_cast<size_t>(a)] * shape[static_cast<size_t>(a)]
                                            : static_cast<int64_t>(dtype_size(x.dtype()));
              shape.insert(shape.begin() + a, 1);
              strides.insert(strides.begin() + a, stride);
              return Value(x.restrided(shape, strides));
            })
            .build());

  r.add(OpBuilder("tensor.flip")
            .doc("Reverses the order of elements along the given axes. A copy (strides are never negative).")
            .input("x", "A tensor.")
            .attr_ints("axes", std::vector<int64_t>{},
                       "The axes to reverse (negative counts from the end); empty reverses every axis.")
            .output("x's dtype and shape",
                    [](const InferContext& ctx) {
                      Type x = tensor_type(ctx, 0, "x");
                      if (x.shape) normalize_axes(ctx.attrs.get_ints("axes"), x.rank());
                      return x;
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              const Tensor& x = tensor_arg(args, 0, "x");
              const auto& attr = ctx.attrs.get_ints("axes");
              std::vector<int64_t> axes = normalize_axes(attr, x.ndim());
              if (attr.empty())
                for (int64_t i = 0; i < x.ndim(); ++i) axes.push_back(i);
              Tensor out = Tensor::empty(x.dtype(), x.shape());
              if (out.numel() == 0) return Value(out);
              // Read from the last element of each flipped axis backwards.
              Shape src_strides = x.strides();
              int64_t start = 0;
              for (int64_t a : axes) {
                auto k = static_cast<size_t>(a);
                start += src_strides[k] * (x.shape()[k] - 1);
                src_strides[k] = -src_strides[k];
              }
              layout::copy_strided(x.bytes() + start, src_strides, out.mutable_bytes(), out.strides(), x.shape(),
                                    dtype_size(x.dtype()));
              return Value(out);
            })
            .build());

  r.add(OpBuilder("tensor.slice")
            .doc("Elements begin, begin+step, ... before end along one axis, with Python's slice rules: negative "
                 "indices count from the end and out-of-range bounds clamp. A view (no copy).")
            .input("x", "A tensor with at least one dimension.")
            .input("begin", "Integer scalar: the first index (may be computed at run time).")
            .input("end", "Integer scalar: the index to stop before (may be computed at run time).")
            .attr_int("axis", int64_t(0), "The axis to slice; negative counts from the end.")
            .attr_int("step", int64_t(1), "Distance between taken elements.", 1)
            .output("x's dtype and shape, with the `axis` dimension the slice length (known when x's dimension "
                    "and begin and end are)",
                    [](const InferContext& ctx) {
                      Type x = tensor_type(ctx, 0, "x");
                      expect_integer_scalar(ctx, 1, "begin");
                      expect_integer_scalar(ctx, 2, "end");
                      if (!x.shape) return x;
                      if (x.rank() == 0) type_error("input 'x' must have at least one dimension to slice, not " +
                                                    x.to_string());
                      auto a = static_cast<size_t>(normalize_axis(ctx.attrs.get_int("axis"), x.rank()));
                      Shape shape = *x.shape;
                      const Value* b = constant_input(ctx, 1);
                      const Value* e = constant_input(ctx, 2);
                      if (shape[a] >= 0 && b && e) {
                        shape[a] = layout::slice_range(kernels::integer_value(*b, "begin"),
                                                        kernels::integer_value(*e, "end"),
                                                        ctx.attrs.get_int("step"), shape[a])
                                       .length;
                      } else {
                        shape[a] = kUnknownDim;
                      }
                      return Type::tensor(x.dtype, shape);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              const Tensor& x = tensor_arg(args, 0, "x");
              if (x.ndim() == 0) type_error("input 'x' must have at least one dimension to slice, not a scalar");
              auto a = static_cast<size_t>(normalize_axis(ctx.attrs.get_int("axis"), x.ndim()));
              int64_t step = ctx.attrs.get_int("step");
              auto range = layout::slice_range(kernels::integer_value(args[1], "begin"),
                                                kernels::integer_value(args[2], "end"), step, x.shape()[a]);
              Shape shape = x.shape(), strides = x.strides();
              shape[a] = range.length;
              int64_t offset = range.length > 0 ? range.start * strides[a] : 0;
              // With one element the stride is never used, and a huge step could overflow it.
              if (range.length > 1) strides[a] *= step;
              return Value(x.restrided(shape, strides, offset));
            })
            .build());

  r.add(OpBuilder("tensor.gather")
            .doc("The slices of x at the given positions along one axis, in the order of the positions (NumPy's "
                 "take; repeats allowed, negative positions count from the end, a position out of range is a "
                 "run-time error), or, for a bool index, the slices where it is true (NumPy's compress; it must be "
                 "as long as the axis). Drops or reorders boxes with the labels and masks that belong to them. A "
                 "copy.")
            .input("x", "A tensor with at least one dimension.")
            .input("index", "A 1-D integer tensor or a list of integers (positions), or a 1-D bool tensor (a mask).")
            .attr_int("axis", int64_t(0), "The axis to take along; negative counts from the end.")
            .output("x's dtype and shape, with the `axis` dimension the number of positions (unknown for a mask)",
                    [](const InferContext& ctx) {
                      Type x = tensor_type(ctx, 0, "x");
                      const Type& index = ctx.inputs[1];
                      bool mask = index.is_tensor() && index.dtype && *index.dtype == DType::Bool;
                      int64_t n = check_sequence_type(index, "index", !mask);
                      if (!x.shape) return Type::tensor(x.dtype);
                      if (x.rank() == 0) type_error("input 'x' must have at least one dimension, not " + x.to_string());
                      auto a = static_cast<size_t>(normalize_axis(ctx.attrs.get_int("axis"), x.rank()));
                      Shape shape = *x.shape;
                      if (mask && n >= 0 && shape[a] >= 0 && n != shape[a])
                        type_error("input 'index' is a mask of " + std::to_string(n) + " entries but the axis has " +
                                   std::to_string(shape[a]));
                      shape[a] = mask ? kUnknownDim : n;
                      return Type::tensor(x.dtype, shape);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              const Tensor& x = tensor_arg(args, 0, "x");
              if (x.ndim() == 0) type_error("input 'x' must have at least one dimension, not a scalar");
              auto a = static_cast<size_t>(normalize_axis(ctx.attrs.get_int("axis"), x.ndim()));
              const size_t size = static_cast<size_t>(x.shape()[a]);
              std::vector<size_t> positions;
              if (args[1].is_tensor() && args[1].tensor().dtype() == DType::Bool) {
                std::vector<double> mask = kernels::sequence_numbers(args[1], "index");
                if (mask.size() != size)
                  argument_error("tensor.gather mask has " + std::to_string(mask.size()) +
                                 " entries but the axis has " + std::to_string(size));
                for (size_t i = 0; i < size; ++i)
                  if (mask[i] != 0.0) positions.push_back(i);
              } else {
                for (int64_t i : kernels::sequence_integers(args[1], "index"))
                  positions.push_back(kernels::resolve_index(i, size));
              }
              Shape shape = x.shape();
              shape[a] = static_cast<int64_t>(positions.size());
              Tensor out = Tensor::empty(x.dtype(), shape);
              if (out.numel() == 0) return Value(out);
              // One slice (the axis of length 1) copied per position.
              Shape slice = x.shape();
              slice[a] = 1;
              for (size_t j = 0; j < positions.size(); ++j)
                layout::copy_strided(x.bytes() + static_cast<int64_t>(positions[j]) * x.strides()[a], x.strides(),
                                     out.mutable_bytes() + static_cast<int64_t>(j) * out.strides()[a], out.strides(),
                                     slice, dtype_size(x.dtype()));
              return Value(out);
            })
            .build());

  r.add(OpBuilder("tensor.shape")
            .doc("The shape of x as a 1-D i64 tensor (empty for a scalar).")
            .input("x", "A tensor or number.")
            .output("i64[rank of x]",
                    [](const InferContext& ctx) {
                      Type x = tensor_type(ctx, 0, "x");
                      return Type::tensor(DType::I64, Shape{x.shape ? int64_t(x.rank()) : kUnknownDim});
                    })
            .exec([](ExecContext&, const Args& args) {
              const Tensor& x = tensor_arg(args, 0, "x");
              Tensor out = Tensor::empty(DType::I64, {int64_t(x.ndim())});
              for (int i = 0; i < x.ndim(); ++i) out.mutable_data<int64_t>()[i] = x.dim(i);
              return Value(out);
            })
            .build());

  r.add(OpBuilder("tensor.size")
            .doc("The number of elements of x (1 for a scalar), as an i64 scalar.")
            .input("x", "A tensor or number.")
            .output("i64 scalar",
                    [](const InferContext& ctx) {
                      tensor_type(ctx, 0, "x");
                      return Type::scalar(DType::I64);
                    })
            .exec([](ExecContext&, const Args& args) {
              return Value::scalar<int64_t>(tensor_arg(args, 0, "x").numel());
            })
            .build());
}

}  // namespace pxp
