// geometry.grid_elastic_mesh, geometry.mesh_map and geometry.mesh_points: albumentations'
// GridElasticDeform (a grid whose inner vertices move, each cell warped by a perspective
// transform) as a mesh, the image.remap maps that draw it, and points moved by it
// (kernels/grid_elastic.hpp).
#include <string>

#include "kernels/grid_elastic.hpp"
#include "ops/families.hpp"
#include "ops/geometry_args.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

using namespace geometry_args;

namespace {

constexpr const char* kMeshDoc =
    "f32 [cells, 12] mesh (albumentations' generated_mesh, pixel indices): per cell in row-major order, the source "
    "rectangle x1 y1 x2 y2, then the destination quad's top-left, top-right, bottom-right and bottom-left corners";

}  // namespace

void register_geometry_grid_elastic_ops(Registry& r) {
  r.add(OpBuilder("geometry.grid_elastic_mesh")
            .doc("The mesh of albumentations' GridElasticDeform: the image cut into rows x cols cells, row heights "
                 "H // rows (one more for H % rows of them) in the order that sorts keys[0:rows], column widths "
                 "likewise by keys[rows:rows+cols] (uniform keys: albumentations' shuffled splits); each inner "
                 "vertex of the grid moved by its displacement, border vertices fixed. Cell (r, c)'s destination "
                 "quad is made of the moved vertices around it.")
            .input("width", "Image width (integer scalar >= cols).")
            .input("height", "Image height (integer scalar >= rows).")
            .input("keys", "1-D tensor of rows + cols numbers.")
            .input("displacements", "(rows - 1) * (cols - 1) * 2 numbers, row-major [rows - 1, cols - 1, 2]: each "
                                    "inner vertex's (dx, dy) in pixels.")
            .attr_int("rows", 4, "Rows of cells.", 1, 1024)
            .attr_int("cols", 4, "Columns of cells.", 1, 1024)
            .output(kMeshDoc,
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 0, "width");
                      expect_scalar(ctx, 1, "height");
                      expect_tensor(ctx, 2, "keys");
                      expect_tensor(ctx, 3, "displacements");
                      int64_t n = ctx.attrs.get_int("rows") * ctx.attrs.get_int("cols");
                      return Type::tensor(DType::F32, Shape{n, 12});
                    })
            .exec([](ExecContext& ctx, const Args& a) {
              return Value(kernels::grid_elastic_mesh(side_arg(a, 0, "width"), side_arg(a, 1, "height"),
                                                      ctx.attrs.get_int("rows"), ctx.attrs.get_int("cols"),
                                                      tensor_arg(a, 2, "keys"), tensor_arg(a, 3, "displacements")));
            })
            .build());

  r.add(OpBuilder("geometry.mesh_map")
            .doc("The image.remap maps that draw a mesh as albumentations' distort_image does: each output pixel "
                 "belongs to the last cell whose quad (OpenCV's fillConvexPoly of its corners truncated to "
                 "integers) covers it and samples the source where that cell's perspective transform (rectangle "
                 "-> quad) takes it from, + 0.5 (continuous coordinates). Pixels no quad covers sample (-1, -1), "
                 "outside the image.")
            .input("mesh", kMeshDoc)
            .input("width", "Output width (integer scalar).")
            .input("height", "Output height (integer scalar).")
            .output("f32 [2, height, width]: map_x then map_y, image.remap's continuous coordinates",
                    [](const InferContext& ctx) {
                      expect_rows(ctx, 0, 12, "mesh");
                      expect_scalar(ctx, 1, "width");
                      expect_scalar(ctx, 2, "height");
                      return Type::tensor(DType::F32, Shape{2, constant_side(ctx, 2), constant_side(ctx, 1)});
                    })
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::mesh_map(tensor_arg(a, 0, "mesh"), side_arg(a, 1, "width"),
                                             side_arg(a, 2, "height")));
            })
            .build());

  r.add(OpBuilder("geometry.mesh_points")
            .doc("Moves points by a mesh (albumentations' distort_image_keypoints): a point inside the mesh's extent "
                 "moves by the perspective transform of the cell whose source rectangle [x1, x2) x [y1, y2) holds "
                 "its pixel-index coordinates (x - 0.5, y - 0.5; within half a pixel of the left or top border, "
                 "the first cell); points outside stay. Columns after x, y are kept.")
            .input("points", "N x k points (k >= 2), or one point.")
            .input("mesh", kMeshDoc)
            .output("f32, the shape of points",
                    [](const InferContext& ctx) {
                      expect_tensor(ctx, 0, "points");
                      expect_rows(ctx, 1, 12, "mesh");
                      return Type::tensor(DType::F32, ctx.inputs[0].shape);
                    })
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::mesh_points(tensor_arg(a, 0, "points"), tensor_arg(a, 1, "mesh")));
            })
            .build());
}

}  // namespace pxp
