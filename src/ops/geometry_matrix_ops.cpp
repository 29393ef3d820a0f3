// geometry.* view matrices: identity, translate, rotate, scale, shear, chain, invert, the
// matrices that center or focus on a box, resize and flip. Matrices are 3 x 3 f32 acting on
// [x, y, 1] in continuous pixel coordinates (pixel (i, j) covers [j, j+1) x [i, i+1)) and map
// source to destination coordinates, the same matrices image.warp takes.
#include <cmath>

#include "kernels/annotations.hpp"
#include "kernels/transforms.hpp"
#include "ops/families.hpp"
#include "ops/geometry_args.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

using namespace geometry_args;

void register_geometry_matrix_ops(Registry& r) {
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
}

}  // namespace pxp
