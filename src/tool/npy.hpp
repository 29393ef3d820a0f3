// Writes tensors as NumPy .npy files (format version 1.0), with no dependency.
//
// The format (numpy.lib.format): the magic "\x93NUMPY", the version bytes 1 and 0, a little-endian
// uint16 header length, then an ASCII Python dict literal
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// padded with spaces and ended by '\n' so the data starts at a multiple of 64 bytes, then the
// elements in C (row-major) order.
#pragma once

#include <string>

#include "pixelpipes/value.h"

namespace pxp::tool {

// The NumPy type string of a dtype ("<f4", "|u1", "|b1"); "" for an unknown dtype.
std::string npy_descr(int32_t dtype);

// The whole header (magic to '\n') for a C-order array of that dtype and shape.
std::string npy_header(int32_t dtype, int ndim, const int64_t* shape);

// Writes the tensor (any strides) to path. Returns "" on success, else what went wrong.
std::string write_npy(const std::string& path, const pxp_tensor_view& tensor);

}  // namespace pxp::tool
