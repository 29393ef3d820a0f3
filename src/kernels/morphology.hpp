// Morphology on images and masks (u8, u16, i16, f32, f64; any channel count, each channel on
// its own): erosion, dilation, opening, closing with a square-sized structuring element. Pixels
// beyond the border never shrink an erosion nor grow a dilation (OpenCV's default border).
#pragma once

#include <cstdint>

#include "core/tensor.hpp"

namespace pxp::kernels {

enum class MorphOp : uint8_t { Erode, Dilate, Open, Close };
enum class KernelShape : uint8_t { Rect, Ellipse, Cross };

// kernel_size: odd, >= 1; iterations >= 1. Output: the input's dtype and shape.
Tensor morphology(const Tensor& image, MorphOp op, KernelShape shape, int64_t kernel_size, int64_t iterations);

}  // namespace pxp::kernels
