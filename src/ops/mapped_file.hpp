// A file the io.* ops read pieces of, shared by every pipeline and worker of the process: opened
// once (a file descriptor for pread), memory-mapped read-only on first use of a view, and found
// again by path through FileCache (file_cache.hpp). Used by .npy rows (npy_file), byte ranges of
// tar shards (io.read_range) and packed records (record_file).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/tensor.hpp"

namespace pxp {

// "u8 [5, 4]": how errors about files name the dtype and shape of what they hold.
std::string describe_rows(DType dtype, const Shape& shape);

// What tells two versions of a path apart: a file replaced or rewritten has another identity.
struct FileIdentity {
  uint64_t device = 0, inode = 0, size = 0;
  int64_t mtime_sec = 0, mtime_nsec = 0;
  bool operator==(const FileIdentity& o) const {
    return device == o.device && inode == o.inode && size == o.size && mtime_sec == o.mtime_sec &&
           mtime_nsec == o.mtime_nsec;
  }
  // stat() of the path: PXP_EIO naming it when it cannot be found.
  static FileIdentity of(const std::string& path);
};

// An open regular file (read-only). PXP_EIO naming the path when it cannot be opened or is not a
// regular file (a directory, a device, a FIFO: those could block or never end).
class OpenedFile {
 public:
  explicit OpenedFile(const std::string& path);
  ~OpenedFile();
  OpenedFile(OpenedFile&& other) noexcept : fd_(other.fd_), identity_(other.identity_) { other.fd_ = -1; }
  OpenedFile(const OpenedFile&) = delete;
  OpenedFile& operator=(const OpenedFile&) = delete;
  OpenedFile& operator=(OpenedFile&&) = delete;
  int fd() const { return fd_; }
  const FileIdentity& identity() const { return identity_; }

 private:
  int fd_ = -1;
  FileIdentity identity_;
};

class MappedFile : public std::enable_shared_from_this<MappedFile> {
 public:
  // Pieces of at least this many bytes are views into the mapping (view_or_read); smaller ones
  // are read with pread. A view saves a copy, but its pages must be handed back when it dies,
  // which costs a system call and a TLB flush on every core the process runs on: for a small
  // piece that costs more than the copy.
  static constexpr uint64_t kViewBytes = uint64_t(64) << 10;

  MappedFile(std::string path, OpenedFile&& file);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& path() const { return path_; }
  const FileIdentity& identity() const { return file_.identity(); }
  uint64_t size() const { return file_.identity().size; }

  // Exactly `size` bytes at `offset` into `out` (PXP_EIO naming the file if it ends early).
  void pread_all(uint8_t* out, size_t size, uint64_t offset) const;
  // A new u8 tensor of `length` bytes read at `offset` (the range must lie in the file:
  // PXP_EOUT_OF_RANGE naming the file otherwise).
  Tensor read(uint64_t offset, uint64_t length) const;
  // A tensor of `dtype` and `shape` over the bytes at `offset`: a view of the mapping when it is
  // at least kViewBytes, aligned to the dtype and not bool, else read into a new tensor (bool
  // bytes normalized to 0 or 1). Map only files whose content was checked through pread first:
  // a regular file of a device driver may do anything when mapped.
  Tensor view_or_read(uint64_t offset, DType dtype, const Shape& shape) const;
  // The whole file, mapped read-only on first use (thread-safe; PXP_EIO naming the file when it
  // cannot be mapped). The same rule as for view_or_read: check the content through pread first.
  const uint8_t* mapping() const;

 private:
  // PXP_EOUT_OF_RANGE naming the file unless [offset, offset + length) lies inside it.
  void check_range(uint64_t offset, uint64_t length) const;

  std::string path_;
  OpenedFile file_;
  mutable std::once_flag mapped_;
  mutable const uint8_t* base_ = nullptr;  // the whole file, PROT_READ, MAP_SHARED
  mutable int map_error_ = 0;
};

}  // namespace pxp
