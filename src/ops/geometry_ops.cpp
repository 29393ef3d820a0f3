// geometry.*: view matrices and the annotations they move. Matrices are 3 x 3 f32 acting on
// [x, y, 1] in continuous pixel coordinates (pixel (i, j) covers [j, j+1) x [i, i+1)) and map
// source to destination coordinates, the same matrices image.warp takes, so an image and its
// points, boxes and polygons move together.
#include <cmath>

#include "kernels/annotations.hpp"
#include "kernels/transforms.hpp"
#include "ops/families.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

namespace {

using kernels::Mat3;

Type matrix_type() { return Type::tensor(DType::F32, Shape{3, 3}); }

void expect_matrix(const InferContext& ctx, size_t i, const char* what) {
  expect_tensor(ctx, i, what);
  const Type& t = ctx.inputs[i];
  if (!t.shape) return;
  const Shape& s = *t.shape;
  if (s.size() != 2 || (s[0] != 3 && s[0] != kUnknownDim) || (s[1] != 3 && s[1] != kUnknownDim))
    type_error(std::string("input '") + what + "' must be a 3 x 3 matrix, not " + t.to_string());
}

// N x k (or a single row [k]) numeric tensors: points (k = 2) and boxes (k = 4).
void expect_rows(const InferContext& ctx, size_t i, int64_t k, const char* what) {
  expect_tensor(ctx, i, what);
  const Type& t = ctx.inputs[i];
  if (t.dtype && *t.dtype == DType::Bool) type_error(std::string("input '") + what + "' must be numeric");
  if (!t.shape) return;
  const Shape& s = *t.shape;
  bool ok = (s.size() == 2 && (s[1] == k || s[1] == kUnknownDim)) || (s.size() == 1 && (s[0] == k || s[0] == kUnknownDim));
  if (!ok)
    type_error(std::string("input '") + what + "' must be an N x " + std::to_string(k) + " tensor, not " +
               t.to_string());
}

// Same shape as the input (or N x k when unknown), f32.
Type rows_like(const InferContext& ctx, size_t i, int64_t k) {
  const Type& t = ctx.inputs[i];
  if (t.shape) return Type::tensor(DType::F32, t.shape);
  return Type::tensor(DType::F32, Shape{kUnknownDim, k});
}

int64_t row_count(const Type& t) {
  if (!t.shape) return kUnknownDim;
  if (t.shape->size() == 1) return 1;
  return (*t.shape)[0];
}

InferFn scalars_to_matrix(std::vector<const char*> names) {
  return [names](const InferContext& ctx) {
    for (size_t i = 0; i < names.size(); ++i) expect_scalar(ctx, i, names[i]);
    return matrix_type();
  };
}

Mat3 matrix_arg(const Args& args, size_t i, const char* what) {
  if (!args[i].is_tensor()) type_error(std::string("input '") + what + "' must be a 3 x 3 matrix");
  return kernels::read_mat3(args[i].tensor(), what);
}

const Tensor& tensor_arg(const Args& args, size_t i, const char* what) {
  if (!args[i].is_tensor()) type_error(std::string("input '") + what + "' must be a tensor, not " + args[i].describe());
  return args[i].tensor();
}

std::array<double, 4> box_arg(const Args& args, size_t i) {
  std::vector<double> v = kernels::read_rows(tensor_arg(args, i, "box"), 4, "box");
  if (v.size() != 4) argument_error("box must hold exactly one box (4 values)");
  return {v[0], v[1], v[2], v[3]};
}

void expect_box(const InferContext& ctx, size_t i) {
  expect_rows(ctx, i, 4, "box");
  const Type& t = ctx.inputs[i];
  if (t.shape && t.shape->size() == 2 && (*t.shape)[0] != 1 && (*t.shape)[0] != kUnknownDim)
    type_error("input 'box' must be one box ([4] or 1 x 4), not " + t.to_string());
}

Value visible_value(const std::vector<bool>& keep, bool indices) {
  if (indices) {
    int64_t n = 0;
    for (bool k : keep) n += k;
    Tensor out = Tensor::empty(DType::I64, {n});
    int64_t* o = out.mutable_data<int64_t>();
    for (size_t i = 0; i < keep.size(); ++i)
      if (keep[i]) *o++ = static_cast<int64_t>(i);
    return Value(out);
  }
  Tensor out = Tensor::empty(DType::Bool, {static_cast<int64_t>(keep.size())});
  for (size_t i = 0; i < keep.size(); ++i) out.mutable_data<bool>()[i] = keep[i];
  return Value(out);
}

const char* kVisibleDoc = "Boxes that keep at least `min_visible` of their area inside the width x height canvas and "
                          "whose clipped width and height are at least `min_size` pixels. A box of zero area counts "
                          "as fully visible when it lies inside the canvas.";

}  // namespace

void register_geometry_ops(Registry& r) {
  // --- View matrices -------------------------------------------------------------------------
  r.add(OpBuilder("geometry.identity")
            .doc("The identity view matrix.")
            .output("f32 3 x 3", scalars_to_matrix({}))
            .exec([](ExecContext&, const Args&) { return Value(kernels::mat3_tensor(kernels::mat3_identity())); })
            .build());

  r.add(OpBuilder("geometry.translate")
            .doc("Moves by (tx, ty) pixels.")
            .input("tx", "Horizontal offset in pixels (scalar).")
            .input("ty", "Vertical offset in pixels (scalar).")
            .output("f32 3 x 3", scalars_to_matrix({"tx", "ty"}))
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::mat3_tensor(kernels::translation(scalar_arg(a, 0, "tx"), scalar_arg(a, 1, "ty"))));
            })
            .build());

  r.add(OpBuilder("geometry.rotate")
            .doc("Rotates by `angle` degrees about (cx, cy). Positive angles turn counterclockwise as the image is "
                 "displayed (y pointing down), like cv::getRotationMatrix2D: "
                 "x' = cx + cos(a)(x - cx) + sin(a)(y - cy), y' = cy - sin(a)(x - cx) + cos(a)(y - cy). "
                 "Multiples of 90 degrees are exact. Rotating about the image center is (width/2, height/2).")
            .input("angle", "Angle in degrees (scalar).")
            .input("cx", "Center x in pixels (scalar).")
            .input("cy", "Center y in pixels (scalar).")
            .output("f32 3 x 3", scalars_to_matrix({"angle", "cx", "cy"}))
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::mat3_tensor(
                  kernels::rotation(scalar_arg(a, 0, "angle"), scalar_arg(a, 1, "cx"), scalar_arg(a, 2, "cy"))));
            })
            .build());

  r.add(OpBuilder("geometry.scale")
            .doc("Scales by (sx, sy) about (cx, cy): x' = cx + sx (x - cx), y' = cy + sy (y - cy).")
            .input("sx", "Horizontal factor (scalar).")
            .input("sy", "Vertical factor (scalar).")
            .input("cx", "Center x in pixels (scalar); 0 scales about the top-left corner.")
            .input("cy", "Center y in pixels (scalar).")
            .output("f32 3 x 3", scalars_to_matrix({"sx", "sy", "cx", "cy"}))
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::mat3_tensor(kernels::scaling(scalar_arg(a, 0, "sx"), scalar_arg(a, 1, "sy"),
                                                                 scalar_arg(a, 2, "cx"), scalar_arg(a, 3, "cy"))));
            })
            .build());

  r.add(OpBuilder("geometry.shear")
            .doc("Shears about the origin: x' = x + shx * y, y' = y + shy * x. Chain with translations to shear "
                 "about another point.")
            .input("shx", "Horizontal shear factor (scalar).")
            .input("shy", "Vertical shear factor (scalar).")
            .output("f32 3 x 3", scalars_to_matrix({"shx", "shy"}))
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::mat3_tensor(kernels::shearing(scalar_arg(a, 0, "shx"), scalar_arg(a, 1, "shy"))));
            })
            .build());

  r.add(OpBuilder("geometry.chain")
            .doc("Composes view matrices applied first to last: chain(A, B) maps p to B * A * p (A first). No "
                 "matrices: the identity. Computed in double precision.")
            .variadic("matrices", "3 x 3 matrices, in the order they apply.")
            .output("f32 3 x 3",
                    [](const InferContext& ctx) {
                      for (size_t i = 0; i < ctx.inputs.size(); ++i) expect_matrix(ctx, i, "matrices");
                      return matrix_type();
                    })
            .exec([](ExecContext&, const Args& a) {
              Mat3 m = kernels::mat3_identity();
              for (size_t i = 0; i < a.size(); ++i) m = kernels::mat3_multiply(matrix_arg(a, i, "matrices"), m);
              return Value(kernels::mat3_tensor(m));
            })
            .build());

  r.add(OpBuilder("geometry.invert")
            .doc("The inverse view matrix (maps destination back to source). A singular matrix is an argument "
                 "error.")
            .input("matrix", "3 x 3 matrix.")
            .output("f32 3 x 3",
                    [](const InferContext& ctx) {
                      expect_matrix(ctx, 0, "matrix");
                      return matrix_type();
                    })
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::mat3_tensor(kernels::mat3_invert(matrix_arg(a, 0, "matrix"))));
            })
            .build());

  r.add(OpBuilder("geometry.center_on_box")
            .doc("The translation that moves the box center to the center of a width x height canvas.")
            .input("box", "One box x1, y1, x2, y2 ([4] or 1 x 4).")
            .input("width", "Canvas width in pixels (scalar).")
            .input("height", "Canvas height in pixels (scalar).")
            .output("f32 3 x 3",
                    [](const InferContext& ctx) {
                      expect_box(ctx, 0);
                      expect_scalar(ctx, 1, "width");
                      expect_scalar(ctx, 2, "height");
                      return matrix_type();
                    })
            .exec([](ExecContext&, const Args& a) {
              auto b = box_arg(a, 0);
              return Value(kernels::mat3_tensor(kernels::center_on_box(
                  b[0], b[1], b[2], b[3], scalar_arg(a, 1, "width"), scalar_arg(a, 2, "height"))));
            })
            .build());

  r.add(OpBuilder("geometry.focus_on_box")
            .doc("Scales (same factor on both axes) and translates so the box, grown by `margin` times its width "
                 "and height on every side, fits the width x height canvas as large as possible, centered. "
                 "margin 0: the box touches the canvas on two sides. A box of zero width and height is an "
                 "argument error; zero width alone fits the height.")
            .input("box", "One box x1, y1, x2, y2 ([4] or 1 x 4).")
            .input("width", "Canvas width in pixels (scalar).")
            .input("height", "Canvas height in pixels (scalar).")
            .input("margin", "Relative margin on each side (scalar, e.g. 0.1).")
            .output("f32 3 x 3",
                    [](const InferContext& ctx) {
                      expect_box(ctx, 0);
                      expect_scalar(ctx, 1, "width");
                      expect_scalar(ctx, 2, "height");
                      expect_scalar(ctx, 3, "margin");
                      return matrix_type();
                    })
            .exec([](ExecContext&, const Args& a) {
              auto b = box_arg(a, 0);
              return Value(kernels::mat3_tensor(kernels::focus_on_box(b[0], b[1], b[2], b[3],
                                                                      scalar_arg(a, 1, "width"),
                                                                      scalar_arg(a, 2, "height"),
                                                                      scalar_arg(a, 3, "margin"))));
            })
            .build());

  r.add(OpBuilder("geometry.resize_matrix")
            .doc("The matrix of image.resize from src_width x src_height to dst_width x dst_height: "
                 "scaling by dst/src about the origin, for moving annotations with a resized image.")
            .input("src_width", "Source width (scalar, > 0).")
            .input("src_height", "Source height (scalar, > 0).")
            .input("dst_width", "Destination width (scalar).")
            .input("dst_height", "Destination height (scalar).")
            .output("f32 3 x 3", scalars_to_matrix({"src_width", "src_height", "dst_width", "dst_height"}))
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::mat3_tensor(
                  kernels::resize_matrix(scalar_arg(a, 0, "src_width"), scalar_arg(a, 1, "src_height"),
                                         scalar_arg(a, 2, "dst_width"), scalar_arg(a, 3, "dst_height"))));
            })
            .build());

  r.add(OpBuilder("geometry.flip_matrix")
            .doc("The matrix of image.flip on a width x height image: horizontal x' = width - x, vertical "
                 "y' = height - y, both.")
            .input("width", "Image width (scalar).")
            .input("height", "Image height (scalar).")
            .attr_enum("axis", {"horizontal", "vertical", "both"}, std::string("horizontal"),
                       "Which axis is mirrored: horizontal swaps left and right.")
            .output("f32 3 x 3", scalars_to_matrix({"width", "height"}))
            .exec([](ExecContext& ctx, const Args& a) {
              const std::string& axis = ctx.attrs.get_string("axis");
              return Value(kernels::mat3_tensor(kernels::flip_matrix(scalar_arg(a, 0, "width"),
                                                                     scalar_arg(a, 1, "height"),
                                                                     axis != "vertical", axis != "horizontal")));
            })
            .build());

  // --- Annotations -------------------------------------------------------------------------
  r.add(OpBuilder("geometry.transform_points")
            .doc("Applies a view matrix to points, with the perspective divide.")
            .input("points", "N x 2 points (x, y), or one point [2]; any numeric dtype.")
            .input("matrix", "3 x 3 view matrix.")
            .output("f32, the shape of points",
                    [](const InferContext& ctx) {
                      expect_rows(ctx, 0, 2, "points");
                      expect_matrix(ctx, 1, "matrix");
                      return rows_like(ctx, 0, 2);
                    })
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::transform_points(tensor_arg(a, 0, "points"), matrix_arg(a, 1, "matrix")));
            })
            .build());

  r.add(OpBuilder("geometry.transform_boxes")
            .doc("Applies a view matrix to boxes: the 4 corners of each box are transformed (with the perspective "
                 "divide) and boxed again as their min/max.")
            .input("boxes", "N x 4 boxes (x1, y1, x2, y2), or one box [4]; any numeric dtype.")
            .input("matrix", "3 x 3 view matrix.")
            .output("f32, the shape of boxes",
                    [](const InferContext& ctx) {
                      expect_rows(ctx, 0, 4, "boxes");
                      expect_matrix(ctx, 1, "matrix");
                      return rows_like(ctx, 0, 4);
                    })
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::transform_boxes(tensor_arg(a, 0, "boxes"), matrix_arg(a, 1, "matrix")));
            })
            .build());

  r.add(OpBuilder("geometry.clip_boxes")
            .doc("Clamps box coordinates to the canvas [0, width] x [0, height]; boxes outside become empty.")
            .input("boxes", "N x 4 boxes, or one box [4].")
            .input("width", "Canvas width (scalar).")
            .input("height", "Canvas height (scalar).")
            .output("f32, the shape of boxes",
                    [](const InferContext& ctx) {
                      expect_rows(ctx, 0, 4, "boxes");
                      expect_scalar(ctx, 1, "width");
                      expect_scalar(ctx, 2, "height");
                      return rows_like(ctx, 0, 4);
                    })
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::clip_boxes(tensor_arg(a, 0, "boxes"), scalar_arg(a, 1, "width"),
                                               scalar_arg(a, 2, "height")));
            })
            .build());

  auto visibility_attrs = [](OpBuilder& b) -> OpBuilder& {
    return b
        .attr_float("min_visible", 0.25, "Smallest fraction of a box's area that must remain inside the canvas.", 0.0,
                    1.0)
        .attr_float("min_size", 0.0, "Smallest clipped width and height, in pixels.", 0.0);
  };

  {
    OpBuilder b("geometry.filter_boxes");
    b.doc(std::string("Clips boxes to the canvas and keeps the visible ones. ") + kVisibleDoc +
          " Use geometry.visible_boxes to filter labels alongside.")
        .input("boxes", "N x 4 boxes (usually transformed, possibly beyond the canvas), or one box [4].")
        .input("width", "Canvas width (scalar).")
        .input("height", "Canvas height (scalar).");
    visibility_attrs(b)
        .output("f32 K x 4, K <= N the kept boxes, clipped, in their order",
                [](const InferContext& ctx) {
                  expect_rows(ctx, 0, 4, "boxes");
                  expect_scalar(ctx, 1, "width");
                  expect_scalar(ctx, 2, "height");
                  return Type::tensor(DType::F32, Shape{kUnknownDim, 4});
                })
        .exec([](ExecContext& ctx, const Args& a) {
          return Value(kernels::filter_boxes(tensor_arg(a, 0, "boxes"), scalar_arg(a, 1, "width"),
                                             scalar_arg(a, 2, "height"), ctx.attrs.get_float("min_visible"),
                                             ctx.attrs.get_float("min_size")));
        });
    r.add(b.build());
  }

  {
    OpBuilder b("geometry.visible_boxes");
    b.doc(std::string("Which boxes geometry.filter_boxes keeps (same attributes), as a mask or as indices, to "
                      "filter labels with the same selection. ") +
          kVisibleDoc)
        .input("boxes", "N x 4 boxes, or one box [4].")
        .input("width", "Canvas width (scalar).")
        .input("height", "Canvas height (scalar).");
    visibility_attrs(b)
        .attr_enum("output", {"mask", "indices"}, std::string("mask"),
                   "mask: bool [N], true for kept boxes; indices: i64 [K], the kept positions ascending.")
        .output("bool [N] (output mask) or i64 [K] (output indices)",
                [](const InferContext& ctx) {
                  expect_rows(ctx, 0, 4, "boxes");
                  expect_scalar(ctx, 1, "width");
                  expect_scalar(ctx, 2, "height");
                  if (ctx.attrs.get_string("output") == "indices") return Type::tensor(DType::I64, Shape{kUnknownDim});
                  return Type::tensor(DType::Bool, Shape{row_count(ctx.inputs[0])});
                })
        .exec([](ExecContext& ctx, const Args& a) {
          auto keep = kernels::visible_boxes(tensor_arg(a, 0, "boxes"), scalar_arg(a, 1, "width"),
                                             scalar_arg(a, 2, "height"), ctx.attrs.get_float("min_visible"),
                                             ctx.attrs.get_float("min_size"));
          return visible_value(keep, ctx.attrs.get_string("output") == "indices");
        });
    r.add(b.build());
  }

  r.add(OpBuilder("geometry.transform_polygon")
            .doc("Applies a view matrix to a polygon (N x 2 points) or to a list of polygons, with the "
                 "perspective divide.")
            .input("polygon", "N x 2 points, or a list of N_i x 2 point tensors.")
            .input("matrix", "3 x 3 view matrix.")
            .output("f32, the shape of polygon; for a list, a list of the same length of f32 N_i x 2",
                    [](const InferContext& ctx) {
                      expect_matrix(ctx, 1, "matrix");
                      const Type& t = ctx.inputs[0];
                      if (t.is_list()) {
                        const Type& e = t.element_type();
                        if (!e.may_be_tensor()) type_error("input 'polygon' must hold point tensors, not " + t.to_string());
                        Shape s = e.shape ? *e.shape : Shape{kUnknownDim, 2};
                        return Type::list(Type::tensor(DType::F32, s), t.length);
                      }
                      if (t.is_any()) return Type::any();
                      expect_rows(ctx, 0, 2, "polygon");
                      return rows_like(ctx, 0, 2);
                    })
            .exec([](ExecContext&, const Args& a) {
              Mat3 m = matrix_arg(a, 1, "matrix");
              if (a[0].is_list()) {
                List out;
                out.reserve(a[0].list().size());
                for (const Value& p : a[0].list()) {
                  if (!p.is_tensor()) type_error("polygon lists must hold point tensors, not " + p.describe());
                  out.emplace_back(kernels::transform_points(p.tensor(), m));
                }
                return Value(std::move(out));
              }
              return Value(kernels::transform_points(tensor_arg(a, 0, "polygon"), m));
            })
            .build());

  r.add(OpBuilder("geometry.points_bounds")
            .doc("The bounding box (min x, min y, max x, max y) of points; all zeros for no points.")
            .input("points", "N x 2 points.")
            .output("f32 [4]",
                    [](const InferContext& ctx) {
                      expect_rows(ctx, 0, 2, "points");
                      return Type::tensor(DType::F32, Shape{4});
                    })
            .exec([](ExecContext&, const Args& a) { return Value(kernels::points_bounds(tensor_arg(a, 0, "points"))); })
            .build());

  r.add(OpBuilder("geometry.box_to_points")
            .doc("The 4 corners of each box, in the order top-left, top-right, bottom-right, bottom-left, so "
                 "boxes can be moved as polygons (geometry.transform_points, then geometry.points_bounds).")
            .input("boxes", "N x 4 boxes, or one box [4].")
            .output("f32 4N x 2",
                    [](const InferContext& ctx) {
                      expect_rows(ctx, 0, 4, "boxes");
                      int64_t n = row_count(ctx.inputs[0]);
                      return Type::tensor(DType::F32, Shape{n == kUnknownDim ? kUnknownDim : 4 * n, 2});
                    })
            .exec([](ExecContext&, const Args& a) { return Value(kernels::box_to_points(tensor_arg(a, 0, "boxes"))); })
            .build());
}

}  // namespace pxp
