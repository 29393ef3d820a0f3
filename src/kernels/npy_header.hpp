// The header of a NumPy .npy file (format versions 1, 2 and 3), read from the file's bytes: what
// io.npy_row needs to find row i of a memory-mapped file. Pure parsing: no file access here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/tensor.hpp"

namespace pxp::kernels {

struct NpyHeader {
  DType dtype = DType::U8;
  Shape shape;               // of the whole array: rows x row shape (at least one dimension)
  uint64_t data_offset = 0;  // bytes before the first element (the preamble and the header)
  uint64_t row_bytes = 0;    // bytes of one row: the product of shape[1:] times the dtype's size

  int64_t rows() const { return shape.at(0); }
  Shape row_shape() const { return Shape(shape.begin() + 1, shape.end()); }
};

// The most bytes a header may have (numpy writes a few hundred; its own reader refuses more
// than 10000 by default).
constexpr uint64_t kMaxNpyHeaderBytes = uint64_t(1) << 20;

// Reads and checks the header of a .npy file of `file_size` bytes, from its first `prefix_size`
// bytes at `prefix` (prefix_size <= file_size; min(file_size, 12 + kMaxNpyHeaderBytes) is always
// enough): the magic "\x93NUMPY", version 1.0, 2.0 or 3.0, a header of at most
// kMaxNpyHeaderBytes holding a dict of exactly 'descr', 'fortran_order' and 'shape', a
// little-endian (or byte-order-free) dtype among u8 i8 u16 i16 i32 i64 f32 f64 bool, C order,
// 1 to kMaxDims dimensions, rows of at most kMaxTensorBytes, and a file size of exactly the
// header plus the data. Anything else fails with PXP_EDECODE naming `file`.
NpyHeader parse_npy_header(const uint8_t* prefix, uint64_t prefix_size, uint64_t file_size, const std::string& file);

}  // namespace pxp::kernels
