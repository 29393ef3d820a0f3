// PNM decoding by our own reader: PBM (P1 text, P4 binary), PGM (P2 text, P5 binary) and PPM
// (P3 text, P6 binary), maxval up to 255 (u8) or up to 65535 (u16, big-endian samples), comments
// in the header. Sample values are kept as written (not rescaled to the full range of the
// dtype); a value over maxval is an error, and so is data that ends early. The size is checked
// against max_pixels before anything is allocated. Errors are PXP_EDECODE.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/tensor.hpp"
#include "kernels/image_decoding.hpp"

namespace pxp::kernels {

// "P1" to "P6" followed by white space.
bool is_pnm(const uint8_t* data, size_t size);

// H x W x C, u8 when maxval <= 255 else u16; unchanged: 1 channel for PBM and PGM, 3 for PPM.
// PBM bits become 0 (black, bit 1) and 255 (white, bit 0).
Tensor decode_pnm(const uint8_t* data, size_t size, const DecodeOptions& options);

// The size from the header (no sample read).
ImageSize read_pnm_header(const uint8_t* data, size_t size);

}  // namespace pxp::kernels
