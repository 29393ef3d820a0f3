// COCO's run-length encoding of binary masks: counts of alternating 0 and 1 runs (the first run
// is 0s, possibly empty) over the pixels in column-major order (down each column, then the next
// column), and its compressed text form. Decoded into planes of u8 H x W x C masks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace pxp::kernels {

// The run lengths of COCO's compressed RLE text: each count is written in 5-bit groups, least
// significant first, as characters 48 + group, with 0x20 set on every group but the last and 0x10
// of the last group the sign; from the fourth count on, a count is stored as its difference to
// the count two places before. A decode error (PXP_EDECODE) for a character outside the
// alphabet, a count cut short, an overflowing count or a negative run.
std::vector<int64_t> parse_compressed_rle(const std::string& text);

// Sets to `value` the pixels of the 1-runs of `counts` in channel `channel` of the u8 H x W x C
// `mask` (other pixels untouched). The counts must be non-negative and add up to H * W exactly:
// otherwise a decode error that says what they add up to.
void paint_rle(Tensor& mask, int64_t channel, const std::vector<int64_t>& counts, uint8_t value);

}  // namespace pxp::kernels
