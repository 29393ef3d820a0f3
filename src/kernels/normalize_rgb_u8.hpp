// color.normalize's common case, u8 RGB to f32, with AVX-512: 16 pixels per step, one byte
// permute (planes for C x H x W, the mirror for a flip in the same pass), then the conversion and
// x * a + b per channel. The same float operations as the scalar loop (a multiply, then an add,
// no fused multiply-add), so the same bits.
#pragma once

#include <cstdint>

namespace pxp::kernels {

// dst[...] = float(src value) * a[k] + b[k] for an h x w x 3 u8 image with packed rows: planar
// (3 x h x w) or interleaved (h x w x 3) output, the columns mirrored when `mirror`. Returns
// false, having written nothing, on a CPU without AVX-512 VBMI.
bool normalize_rgb_u8(const uint8_t* src, int64_t height, int64_t width, const float a[3], const float b[3],
                      bool planar, bool mirror, float* dst);

}  // namespace pxp::kernels
