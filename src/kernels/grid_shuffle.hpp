// RandomGridShuffle's tiles (albumentations 2.0): the image is cut into rows x cols tiles whose
// sides differ by at most one pixel (the longer ones at randomly chosen positions), and tiles
// of one shape trade places. Randomness comes in as keys (uniform draws), so the kernels are pure.
//
// A tile table is f32 [rows * cols, 6]: for each source tile in row-major order, its source
// corner (x, y), its destination corner (x, y), its width and height, in pixels.
#pragma once

#include "core/tensor.hpp"

namespace pxp::kernels {

// keys: rows + cols + rows * cols numbers. The row heights (H // rows, one more for the first
// H % rows) are ordered by sorting keys[0, rows) (a uniformly random order for random keys), the
// column widths by keys[rows, rows + cols); within each group of tiles of one shape, source
// tile t (ascending index) goes to the place of the group's t-th tile in order of the last keys.
Tensor grid_shuffle_tiles(int64_t width, int64_t height, int64_t rows, int64_t cols, const Tensor& keys);

// The remap maps ([2, H, W], image.remap's convention) that move every tile of the table.
Tensor tile_moves_map(const Tensor& table, int64_t width, int64_t height);

// The image (H x W [x C], any dtype) with every tile of the table copied to its destination, row
// by row; pixels no tile lands on (none for a table of the same image size) are zero. The same
// pixels as image.remap with tile_moves_map and nearest interpolation, without sampling.
Tensor move_tiles(const Tensor& image, const Tensor& table);

// Points (N x k, k >= 2) in a source tile ([x, x + w) x [y, y + h)) move with it; others stay.
Tensor tile_moves_points(const Tensor& points, const Tensor& table);

// Boxes (N x 4): the pixels whose centers lie in a box are moved with their tiles; the moved box is
// the bounding box of the largest 8-connected group of moved pieces (albumentations makes one box
// per piece; one box per input keeps per-box labels aligned). No pixels: (-1, -1, -1, -1).
Tensor tile_moves_boxes(const Tensor& boxes, const Tensor& table);

}  // namespace pxp::kernels
