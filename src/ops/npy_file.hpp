// A .npy file mapped read-only into memory, shared by every pipeline and worker of the process
// (io.npy_row). The data is never copied into a program, so the file may have any size.
#pragma once

#include <memory>
#include <string>

#include "kernels/npy_header.hpp"

namespace pxp {

class NpyFile : public std::enable_shared_from_this<NpyFile> {
 public:
  // The mapping of `path`, opened once per process and then taken from a cache (thread-safe).
  // The cache entry is checked against the file's identity (device, inode, size, modification
  // time) on every call, so a file replaced or rewritten since is mapped again; rows already
  // returned keep the old mapping alive. Mappings nobody uses are dropped once the cache holds
  // more than a few dozen files (each keeps a file descriptor). PXP_EIO when the file cannot be opened, is not a
  // regular file or cannot be mapped (PXP_ENOMEM when the address space is exhausted),
  // PXP_EDECODE when it is not a valid .npy file (kernels::parse_npy_header).
  static std::shared_ptr<const NpyFile> open(const std::string& path);

  ~NpyFile();
  NpyFile(const NpyFile&) = delete;
  NpyFile& operator=(const NpyFile&) = delete;

  const std::string& path() const { return path_; }
  const kernels::NpyHeader& header() const { return header_; }

  // Row `index` of the array, which must be of `dtype` with rows of `row_shape` (what the program
  // was built for; PXP_EDECODE naming the file otherwise). PXP_EOUT_OF_RANGE for an index outside
  // [0, rows). Large rows are views into the mapping (no copy; see npy_file.cpp); small, boolean
  // or misaligned ones are read into a new tensor.
  Tensor row(int64_t index, DType dtype, const Shape& row_shape) const;

 private:
  struct Identity {
    uint64_t device, inode, size;
    int64_t mtime_sec, mtime_nsec;
    bool operator==(const Identity& o) const {
      return device == o.device && inode == o.inode && size == o.size && mtime_sec == o.mtime_sec &&
             mtime_nsec == o.mtime_nsec;
    }
  };
  NpyFile(std::string path, int fd, const Identity& identity);
  static Identity identity_of(const std::string& path);
  Tensor read_row(uint64_t offset, DType dtype, const Shape& row_shape) const;
  // Reads exactly size bytes at offset (PXP_EIO naming the file if it ends early).
  void pread_all(int fd, uint8_t* out, size_t size, uint64_t offset) const;
  Tensor view_row(uint64_t offset, DType dtype, const Shape& row_shape) const;

  std::string path_;
  int fd_ = -1;  // kept open for the rows that are read (pread) instead of viewed
  Identity identity_{};
  const uint8_t* base_ = nullptr;  // the whole file, PROT_READ, MAP_SHARED
  size_t length_ = 0;
  kernels::NpyHeader header_;
};

}  // namespace pxp
