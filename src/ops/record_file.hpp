// A packed-records file (docs/packed-records.md) read record by record (io.record_bytes,
// io.record_array), shared by every pipeline and worker of the process through FileCache.
#pragma once

#include <memory>
#include <string>

#include "kernels/record_header.hpp"
#include "ops/mapped_file.hpp"

namespace pxp {

class RecordFile {
 public:
  // The file at `path`, opened and its header checked once per process (FileCache: a file
  // replaced since is opened again). PXP_EIO when it cannot be opened or is not a regular file,
  // PXP_EDECODE when it is not a valid packed-records file.
  static std::shared_ptr<const RecordFile> open(const std::string& path);

  // For FileCache: reads and checks the header with pread (an invalid file is never mapped).
  RecordFile(const std::string& path, OpenedFile&& file);

  const std::string& path() const { return file_->path(); }
  const FileIdentity& identity() const { return file_->identity(); }
  const kernels::RecordHeader& header() const { return header_; }

  // The bytes of field `name` of record `index` (a u8 tensor; a view of the mapping when large).
  // PXP_EDECODE naming the file when the field is missing or not a bytes field, or its offsets
  // are broken; PXP_EOUT_OF_RANGE for an index outside [0, records).
  Tensor bytes(const std::string& name, int64_t index) const;
  // Field `name` of record `index`, which must be an array field of `dtype` and `shape` (what the
  // program was built for; PXP_EDECODE naming the file otherwise).
  Tensor array(const std::string& name, int64_t index, DType dtype, const Shape& shape) const;

 private:
  const kernels::RecordField& field(const std::string& name, kernels::RecordField::Kind kind) const;
  void check_index(int64_t index) const;

  std::shared_ptr<const MappedFile> file_;
  kernels::RecordHeader header_;
};

}  // namespace pxp
