// Objects of a label map, for MaskDropout and ConstrainedCoarseDropout: the connected components
// of each nonzero value (albumentations' dropout `label`), their sizes and extents, the mask of
// chosen values, pixels drawn inside each object, and an image filled where a mask is set.
// Coordinates are pixel indices: x the column, y the row.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "core/tensor.hpp"

namespace pxp::kernels {

// i32 labels with the mask's shape (one channel, any numeric dtype): 0 where the mask is 0;
// pixels of the same nonzero value connected through 4 or 8 neighbours share a label. Labels
// 1..K are ordered by value (ascending), then by the raster position (row, then column) of the
// component's first pixel, so the largest label is the number of objects.
Tensor label_objects(const Tensor& mask, int connectivity);

// f32 K x 5 for labels 1..K of an integer label map (K its largest label): the number of pixels
// and the box x1, y1, x2, y2 (pixel edges) of each label; zeros for a label without pixels.
Tensor label_stats(const Tensor& labels);

// u8 H x W x 1: 255 where the one-channel mask's value equals one of `values`, else 0.
Tensor mask_isin(const Tensor& mask, const std::vector<double>& values);

// f32 (K * n) x 3 for labels 1..K of an integer label map (K its largest label): for each label
// in order, n of its pixels drawn uniformly with replacement (each one below(count) draw over the
// label's pixels in raster order), as x, y and the label's pixel count. A label without pixels
// gives no rows.
Tensor sample_label_pixels(const Tensor& labels, int64_t n, RandomStream& rng);

// A copy of `image` (H x W x C or H x W, any numeric dtype) with the pixels where `mask` (same
// height and width, any channel nonzero) is set replaced by `value` (1 number or one per channel,
// rounded and saturated for integer dtypes).
Tensor fill_where(const Tensor& image, const Tensor& mask, const std::vector<double>& value);

}  // namespace pxp::kernels
