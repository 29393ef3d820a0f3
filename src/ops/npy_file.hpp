// A .npy file read row by row (io.npy_row), shared by every pipeline and worker of the process.
// The data is never copied into a program, so the file may have any size.
#pragma once

#include <memory>
#include <string>

#include "kernels/npy_header.hpp"
#include "ops/mapped_file.hpp"

namespace pxp {

class NpyFile {
 public:
  // The file at `path`, opened and its header read once per process, then taken from a cache
  // (FileCache: thread-safe, checked against the file's identity on every call, so a file replaced
  // or rewritten since is opened again; rows already returned keep the old version alive).
  // PXP_EIO when the file cannot be opened, is not a regular file or cannot be mapped (PXP_ENOMEM
  // when the address space is exhausted), PXP_EDECODE when it is not a valid .npy file
  // (kernels::parse_npy_header).
  static std::shared_ptr<const NpyFile> open(const std::string& path);

  // For FileCache: reads and checks the header (with pread: a file that is no .npy file is never
  // mapped).
  NpyFile(const std::string& path, OpenedFile&& file);

  const std::string& path() const { return file_->path(); }
  const FileIdentity& identity() const { return file_->identity(); }
  const kernels::NpyHeader& header() const { return header_; }

  // Row `index` of the array, which must be of `dtype` with rows of `row_shape` (what the program
  // was built for; PXP_EDECODE naming the file otherwise). PXP_EOUT_OF_RANGE for an index outside
  // [0, rows). Large rows are views into the mapping (no copy; MappedFile::view_or_read); small,
  // boolean or misaligned ones are read into a new tensor.
  Tensor row(int64_t index, DType dtype, const Shape& row_shape) const;

 private:
  std::shared_ptr<const MappedFile> file_;
  kernels::NpyHeader header_;
};

}  // namespace pxp
