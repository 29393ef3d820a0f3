// A Gaussian blur with a wide sigma (tens of pixels), as the elastic deformation applies to its
// noise fields: the blurred image is smooth at the scale of sigma, so it is computed exactly on a
// grid of samples sigma / 12 apart and interpolated bilinearly in between. The 401-tap kernel of
// sigma 50 costs 800 multiply-adds per pixel done directly; on the grid, with the clamped border
// folded into the edge weights, it costs a few.
#pragma once

#include <cstdint>

namespace pxp::kernels {

// Grid step for sigma: 1 (no grid: blur directly) below sigma 12.
int64_t wide_blur_step(double sigma);

// Blurs the rows x cols f32 image `image` into `out` (which may be `image`): a separable Gaussian of
// `sigma` with `ksize` taps (odd), border replicated (OpenCV's GaussianBlur with
// BORDER_REPLICATE), evaluated at every `step`-th row and column (and the last ones), and bilinear
// in between. Differences from the direct blur stay below 1% of the blurred image's standard
// deviation for white noise (tests/cpp/wide_gaussian_blur_test.cpp).
void wide_gaussian_blur(const float* image, float* out, int64_t rows, int64_t cols, int ksize, double sigma,
                        int64_t step);

}  // namespace pxp::kernels
