// albumentations' GridElasticDeform: the image is cut into a grid of cells, the grid's inner
// vertices are displaced, and each cell's content is warped by the perspective transform that
// takes its rectangle to its displaced quadrilateral.
//
// A mesh is f32 [cells, 12], albumentations' generated_mesh layout, in pixel-index coordinates
// (pixel centers at integers, as OpenCV's warps): the source rectangle x1 y1 x2 y2, then the
// destination quad's corners top-left, top-right, bottom-right, bottom-left (x, y each). Cells are
// in row-major order; later cells are drawn over earlier ones where their quads overlap.
#pragma once

#include "core/tensor.hpp"

namespace pxp::kernels {

// The mesh of a rows x cols grid over a width x height image. keys: rows + cols numbers; the row
// heights (H // rows, one more for H % rows of them) are ordered by sorting keys[0, rows), the
// column widths by keys[rows, rows + cols) (uniform keys: albumentations' shuffled splits).
// displacements: (rows - 1) * (cols - 1) * 2 numbers, row-major [rows - 1, cols - 1, (dx, dy)], the
// moves of the inner vertices (border vertices stay).
Tensor grid_elastic_mesh(int64_t width, int64_t height, int64_t rows, int64_t cols, const Tensor& keys,
                         const Tensor& displacements);

// image.remap's maps ([2, H, W], continuous coordinates: pixel index + 0.5) that draw a mesh as
// albumentations' distort_image does: an output pixel belongs to the last cell whose quad
// (OpenCV's fillConvexPoly of its integer corners) covers it and samples the source at that cell's
// inverse perspective transform. Pixels no quad covers sample (-1, -1), outside the image.
Tensor mesh_map(const Tensor& mesh, int64_t width, int64_t height);

// Points (N x k, k >= 2: x, y in continuous coordinates, then columns kept) moved as albumentations'
// distort_image_keypoints: a point inside the mesh's extent is moved by the forward perspective
// transform of the cell whose source rectangle [x1, x2) x [y1, y2) holds it (in pixel indices;
// points within half a pixel of the left or top border use the first cell); others stay. f32 N x k.
Tensor mesh_points(const Tensor& points, const Tensor& mesh);

}  // namespace pxp::kernels
