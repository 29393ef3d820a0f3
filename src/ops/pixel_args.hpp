// Argument and type-rule helpers shared by the per-pixel image families (color, filter, noise):
// what an image input may be, and reading it at run time.
#pragma once

#include <vector>

#include "ops/op_helpers.hpp"

namespace pxp {

// Type rule: input i may be an image (rank 2 or 3 tensor of u8, u16 or f32; unknown parts
// allowed). With u8_only, other known dtypes are a type error. Returns the input's type.
Type expect_pixels(const InferContext& ctx, size_t i, const char* what, bool u8_only = false);
// Known channel count of an image type (1 for rank 2), or -1.
int64_t pixel_channels(const Type& t);
// An image type with the same height and width as `image`, rank 3 with `channels` channels
// (rank 2 kept when the image is rank 2 and channels is 1); -1 channels: unknown.
Type pixels_with_channels(const Type& image, std::optional<DType> dtype, int64_t channels);

// Exec: input i as a contiguous image of u8, u16 or f32.
Tensor pixels_arg(const Args& args, size_t i, const char* what);
// Exec: input i as per-channel numbers: a scalar or a 1-D tensor, as doubles.
std::vector<double> numbers_arg(const Args& args, size_t i, const char* what);

}  // namespace pxp
