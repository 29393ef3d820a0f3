// NumPy .npy writer (see npy.hpp).
#include "npy.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace pxp::tool {

std::string npy_descr(int32_t dtype) {
  // Programs and tensors are little-endian; one-byte types have no byte order ('|').
  switch (dtype) {
    case PXP_DTYPE_U8: return "|u1";
    case PXP_DTYPE_I8: return "|i1";
    case PXP_DTYPE_U16: return "<u2";
    case PXP_DTYPE_I16: return "<i2";
    case PXP_DTYPE_I32: return "<i4";
    case PXP_DTYPE_I64: return "<i8";
    case PXP_DTYPE_F32: return "<f4";
    case PXP_DTYPE_F64: return "<f8";
    case PXP_DTYPE_BOOL: return "|b1";
    default: return "";
  }
}

std::string npy_header(int32_t dtype, int ndim, const int64_t* shape) {
  std::string dict = "{'descr': '" + npy_descr(dtype) + "', 'fortran_order': False, 'shape': (";
  for (int i = 0; i < ndim; ++i) dict += std::to_string(shape[i]) + (ndim == 1 ? "," : i + 1 < ndim ? ", " : "");
  dict += "), }";
  const size_t preamble = 10;  // magic (6) + version (2) + header length (2)
  size_t total = preamble + dict.size() + 1;
  total = (total + 63) / 64 * 64;
  dict.append(total - preamble - dict.size() - 1, ' ');
  dict += '\n';
  const size_t length = dict.size();
  std::string header = "\x93NUMPY";
  header += static_cast<char>(1);
  header += static_cast<char>(0);
  header += static_cast<char>(length & 0xff);
  header += static_cast<char>((length >> 8) & 0xff);
  return header + dict;
}

std::string write_npy(const std::string& path, const pxp_tensor_view& t) {
  const uint16_t probe = 1;
  unsigned char first = 0;
  std::memcpy(&first, &probe, 1);
  if (first != 1) return "big-endian hosts are not supported";
  if (npy_descr(t.dtype).empty()) return "unknown dtype " + std::to_string(t.dtype);
  if (t.ndim < 0 || t.ndim > PXP_MAX_DIMS) return "bad rank " + std::to_string(t.ndim);
  const size_t elem = pxp_dtype_size(t.dtype);
  int64_t count = 1;
  for (int i = 0; i < t.ndim; ++i) count *= t.shape[i];

  // Gather the elements in row-major order whatever the strides.
  std::vector<char> data(static_cast<size_t>(count) * elem);
  std::vector<int64_t> index(static_cast<size_t>(t.ndim), 0);
  for (int64_t k = 0; k < count; ++k) {
    int64_t offset = 0;
    for (int i = 0; i < t.ndim; ++i) offset += index[static_cast<size_t>(i)] * t.strides[i];
    std::memcpy(data.data() + static_cast<size_t>(k) * elem, static_cast<const char*>(t.data) + offset, elem);
    for (int i = t.ndim - 1; i >= 0; --i) {
      if (++index[static_cast<size_t>(i)] < t.shape[i]) break;
      index[static_cast<size_t>(i)] = 0;
    }
  }

  const std::string header = npy_header(t.dtype, t.ndim, t.shape);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return "cannot write " + path + ": " + std::strerror(errno);
  // (an empty tensor has no data: fwrite must not be given its null pointer)
  bool ok = std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
            (data.empty() || std::fwrite(data.data(), 1, data.size(), f) == data.size());
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return "cannot write " + path + ": " + std::strerror(errno);
  return "";
}

}  // namespace pxp::tool
