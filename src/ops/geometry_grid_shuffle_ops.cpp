// geometry.grid_shuffle_tiles and the ops that move an image's pixels, points and boxes by its
// tile table (albumentations' RandomGridShuffle; kernels/grid_shuffle.hpp).
#include <cmath>
#include <string>

#include "kernels/grid_shuffle.hpp"
#include "ops/families.hpp"
#include "ops/geometry_args.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

using namespace geometry_args;

namespace {

constexpr const char* kTableDoc =
    "f32 [rows * cols, 6] tile table: per source tile (row-major), source x, source y, destination x, "
    "destination y, width, height";

}  // namespace

void register_geometry_grid_shuffle_ops(Registry& r) {
  r.add(OpBuilder("geometry.grid_shuffle_tiles")
            .doc("The tiles of albumentations' RandomGridShuffle, from uniform keys: the image is cut into rows x "
                 "cols tiles, row heights H // rows (one more for H % rows of them) in the order that sorts "
                 "keys[0:rows], column widths likewise by keys[rows:rows+cols]; within each group of tiles of one "
                 "shape (ascending index), the t-th tile moves to the place of the group's t-th tile in the order "
                 "of the remaining keys. Independent uniform keys give uniformly random orders, as "
                 "albumentations' shuffles.")
            .input("width", "Image width (integer scalar >= cols).")
            .input("height", "Image height (integer scalar >= rows).")
            .input("keys", "1-D tensor of rows + cols + rows * cols numbers.")
            .attr_int("rows", 3, "Rows of tiles.", 1, 1024)
            .attr_int("cols", 3, "Columns of tiles.", 1, 1024)
            .output(kTableDoc,
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 0, "width");
                      expect_scalar(ctx, 1, "height");
                      expect_tensor(ctx, 2, "keys");
                      int64_t n = ctx.attrs.get_int("rows") * ctx.attrs.get_int("cols");
                      return Type::tensor(DType::F32, Shape{n, 6});
                    })
            .exec([](ExecContext& ctx, const Args& a) {
              return Value(kernels::grid_shuffle_tiles(side_arg(a, 0, "width"), side_arg(a, 1, "height"),
                                                       ctx.attrs.get_int("rows"), ctx.attrs.get_int("cols"),
                                                       tensor_arg(a, 2, "keys")));
            })
            .build());

  r.add(OpBuilder("geometry.tile_moves_map")
            .doc("The image.remap maps that move every tile of a tile table (geometry.grid_shuffle_tiles) to its "
                 "destination; with nearest interpolation the remap copies pixels exactly. Pixels no tile lands "
                 "on sample outside the image.")
            .input("table", kTableDoc)
            .input("width", "Output width (integer scalar).")
            .input("height", "Output height (integer scalar).")
            .output("f32 [2, height, width]: map_x then map_y, image.remap's continuous coordinates",
                    [](const InferContext& ctx) {
                      expect_rows(ctx, 0, 6, "table");
                      expect_scalar(ctx, 1, "width");
                      expect_scalar(ctx, 2, "height");
                      return Type::tensor(DType::F32, Shape{2, constant_side(ctx, 2), constant_side(ctx, 1)});
                    })
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::tile_moves_map(tensor_arg(a, 0, "table"), side_arg(a, 1, "width"),
                                                   side_arg(a, 2, "height")));
            })
            .build());

  r.add(OpBuilder("geometry.tile_moves_points")
            .doc("Moves points with their tiles: a point in source tile [x, x + w) x [y, y + h) moves by the "
                 "tile's displacement; a point in no tile stays. Columns after x, y are kept.")
            .input("points", "N x k points (k >= 2), or one point.")
            .input("table", kTableDoc)
            .output("f32, the shape of points",
                    [](const InferContext& ctx) {
                      expect_tensor(ctx, 0, "points");
                      expect_rows(ctx, 1, 6, "table");
                      return Type::tensor(DType::F32, ctx.inputs[0].shape);
                    })
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::tile_moves_points(tensor_arg(a, 0, "points"), tensor_arg(a, 1, "table")));
            })
            .build());

  r.add(OpBuilder("geometry.tile_moves_boxes")
            .doc("Moves boxes with their tiles: the pixels whose centers lie in a box move with their tiles, and "
                 "the box becomes the bounding box of the largest 8-connected group of its moved pieces "
                 "(albumentations makes one box per piece; one box per input keeps per-box labels aligned). A box "
                 "with no pixels becomes (-1, -1, -1, -1).")
            .input("boxes", "N x 4 boxes, or one box [4].")
            .input("table", kTableDoc)
            .output("f32, the shape of boxes",
                    [](const InferContext& ctx) {
                      expect_rows(ctx, 0, 4, "boxes");
                      expect_rows(ctx, 1, 6, "table");
                      return rows_like(ctx, 0, 4);
                    })
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::tile_moves_boxes(tensor_arg(a, 0, "boxes"), tensor_arg(a, 1, "table")));
            })
            .build());
}

}  // namespace pxp
