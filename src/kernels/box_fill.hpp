// Dropout's holes: laying out GridDropout's grid of holes, filling boxes of an image, and measuring
// how much of each box a mask covers (which boxes and points survive the holes). Boxes are x1, y1, x2, y2 in continuous pixel
// coordinates and cover the pixels whose centers lie in [x1, x2) x [y1, y2), as mask.render_boxes
// draws them, so a box with integer corners covers exactly its pixels; parts outside the image
// are ignored.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "core/tensor.hpp"

namespace pxp::kernels {

enum class BoxFill : uint8_t { Constant, Random, RandomPerBox };

// A copy of `image` (H x W x C or H x W, any numeric dtype) with the pixels of each box (N x 4
// values, row-major) replaced, box after box (a later box paints over an earlier one):
//  - Constant: `value` (1 number or one per channel), rounded and saturated for integer dtypes;
//  - Random: one draw per value of the box's pixels in memory order (row, column, channel);
//  - RandomPerBox: one draw per channel for each box, used for all its pixels.
// A draw is integer(0, max) for integer images (u8, u16) and uniform(0, 1) for f32; random modes
// on other dtypes are an argument error.
Tensor fill_boxes(const Tensor& image, const std::vector<double>& boxes, const std::vector<double>& value,
                  BoxFill mode, RandomStream& rng);

// A copy of `image` with the pixels of each box (as fill_boxes counts them) taken from `source`,
// an image of the same dtype and shape: CutMix's patch of another sample.
Tensor paste_boxes(const Tensor& image, const Tensor& source, const std::vector<double>& boxes);

// For each box (N x 4 values): the number of its pixels inside the mask, the number of those set
// (any channel nonzero), and the bounding box x1, y1, x2, y2 (pixel edges) of its unset pixels
// (all zeros when every pixel is set or the box has none). f32 N x 6.
Tensor box_coverage(const Tensor& mask, const std::vector<double>& boxes);

// GridDropout's holes (albumentations 2.0's layout): the height is split into `rows` intervals of
// H / rows pixels, the first H % rows of them one pixel longer, and the intervals are shuffled;
// the same for the width and `cols`. In each cell (row-major) a hole of
// trunc(clamp(side * ratio, 1, side - 1)) pixels per side sits at the cell's corner plus an offset:
// with random_offset integer(0, side - hole) per cell, else (shift_x, shift_y); the hole is then
// moved inside the image. Draws: the row intervals' permutation (Fisher-Yates from the back: for
// i = n-1 down to 1 swap i with below(i + 1)), then the columns'; with random_offset, the y offsets
// of every cell, then the x offsets. f32 (rows * cols) x 4: x1, y1, x2, y2 in whole pixels.
struct GridHoleSpec {
  double ratio = 0.5;
  bool random_offset = true;
  int64_t shift_x = 0, shift_y = 0;
};
Tensor grid_holes(int64_t width, int64_t height, int64_t rows, int64_t cols, const GridHoleSpec& spec,
                  RandomStream& rng);

}  // namespace pxp::kernels
