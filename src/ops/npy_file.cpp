#include "ops/npy_file.hpp"

#include <algorithm>
#include <vector>

#include "ops/file_cache.hpp"

namespace pxp {

std::shared_ptr<const NpyFile> NpyFile::open(const std::string& path) {
  return FileCache<NpyFile>::open(path, "a .npy file");
}

NpyFile::NpyFile(const std::string& path, OpenedFile&& opened)
    : file_(std::make_shared<const MappedFile>(path, std::move(opened))) {
  const uint64_t size = file_->size();
  std::vector<uint8_t> prefix(static_cast<size_t>(std::min<uint64_t>(size, 12 + kernels::kMaxNpyHeaderBytes)));
  file_->pread_all(prefix.data(), prefix.size(), 0);
  header_ = kernels::parse_npy_header(prefix.data(), prefix.size(), size, path);
}

Tensor NpyFile::row(int64_t index, DType dtype, const Shape& row_shape) const {
  if (header_.dtype != dtype || header_.row_shape() != row_shape)
    fail(PXP_EDECODE, "'" + path() + "' holds rows of " + describe_rows(header_.dtype, header_.row_shape()) +
                          ", but the program was built for rows of " + describe_rows(dtype, row_shape) +
                          " (was the file replaced since?)");
  if (index < 0 || index >= header_.rows())
    range_error("row " + std::to_string(index) + " is out of range: '" + path() + "' has " +
                std::to_string(header_.rows()) + " rows");
  const uint64_t offset = header_.data_offset + static_cast<uint64_t>(index) * header_.row_bytes;
  return file_->view_or_read(offset, dtype, row_shape);
}

}  // namespace pxp
