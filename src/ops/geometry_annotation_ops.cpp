// geometry.* annotations: points, boxes and polygons moved by the view matrices that move their
// image (geometry_matrix_ops.cpp), clipped, filtered and measured, so an image and its
// annotations move together.
#include <cmath>

#include "kernels/annotations.hpp"
#include "kernels/box_fill.hpp"
#include "kernels/transforms.hpp"
#include "ops/families.hpp"
#include "ops/geometry_args.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

using namespace geometry_args;

void register_geometry_annotation_ops(Registry& r) {
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

  r.add(OpBuilder("geometry.grid_holes")
            .doc("GridDropout's holes, laid out as albumentations 2.0 does: the height is split into `rows` "
                 "intervals of height / rows pixels (the first height % rows of them one pixel longer) in a random "
                 "order, the width likewise into `cols`; in each cell (row-major) a hole of "
                 "trunc(clamp(side * ratio, 1, side - 1)) pixels per side sits at the cell's corner plus an offset "
                 "(random_offset: integer(0, side - hole) per cell and axis; else shift_x, shift_y), moved inside "
                 "the image. Draws: the row intervals' order (Fisher-Yates from the back, as random.permutation), "
                 "then the columns'; with random_offset the y offsets of every cell, then the x offsets.")
            .input("width", "Image width (integer scalar).")
            .input("height", "Image height (integer scalar).")
            .input("rows", "Number of cell rows, in [1, height].")
            .input("cols", "Number of cell columns, in [1, width].")
            .attr_float("ratio", 0.5, "Hole side / cell side.", 0.0, 1.0)
            .attr_bool("random_offset", true, "Place each hole at a random offset in its cell.")
            .attr_int("shift_x", 0, "Offset of every hole in its cell without random_offset.", 0)
            .attr_int("shift_y", 0, "Offset of every hole in its cell without random_offset.", 0)
            .output("f32 (rows * cols) x 4 holes x1, y1, x2, y2 in whole pixels",
                    [](const InferContext& ctx) {
                      for (size_t i = 0; i < 4; ++i) expect_scalar(ctx, i, i == 0 ? "width" : i == 1 ? "height" : i == 2 ? "rows" : "cols");
                      const Value* rows = constant_input(ctx, 2);
                      const Value* cols = constant_input(ctx, 3);
                      int64_t n = kUnknownDim;
                      if (rows && cols && rows->is_tensor() && cols->is_tensor())
                        n = rows->tensor().item_int() * cols->tensor().item_int();
                      return Type::tensor(DType::F32, Shape{n, 4});
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& a) {
              kernels::GridHoleSpec s;
              s.ratio = ctx.attrs.get_float("ratio");
              s.random_offset = ctx.attrs.get_bool("random_offset");
              s.shift_x = ctx.attrs.get_int("shift_x");
              s.shift_y = ctx.attrs.get_int("shift_y");
              RandomStream rng = ctx.random();
              return Value(kernels::grid_holes(int_arg(a, 0, "width"), int_arg(a, 1, "height"), int_arg(a, 2, "rows"),
                                               int_arg(a, 3, "cols"), s, rng));
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
