#include "ops/record_file.hpp"

#include <vector>

#include "ops/file_cache.hpp"

namespace pxp {

std::shared_ptr<const RecordFile> RecordFile::open(const std::string& path) {
  return FileCache<RecordFile>::open(path, "a packed-records file");
}

RecordFile::RecordFile(const std::string& path, OpenedFile&& opened)
    : file_(std::make_shared<const MappedFile>(path, std::move(opened))) {
  const uint64_t size = file_->size();
  uint8_t preamble[kernels::kRecordPreambleBytes] = {};
  if (size >= sizeof(preamble)) file_->pread_all(preamble, sizeof(preamble), 0);
  const uint32_t fields = kernels::parse_record_preamble(preamble, size, path);
  std::vector<uint8_t> header(static_cast<size_t>(kernels::record_header_bytes(fields)));
  file_->pread_all(header.data(), header.size(), 0);
  header_ = kernels::parse_record_header(header.data(), size, path);
}

const kernels::RecordField& RecordFile::field(const std::string& name, kernels::RecordField::Kind kind) const {
  const kernels::RecordField* f = header_.find(name);
  if (!f) {
    std::string known;
    for (const auto& g : header_.fields) known += (known.empty() ? "" : ", ") + g.name;
    fail(PXP_EDECODE, "'" + path() + "' has no field '" + name + "' (its fields: " + known + ")");
  }
  if (f->kind != kind)
    fail(PXP_EDECODE, "field '" + name + "' of '" + path() + "' is " +
                          (f->kind == kernels::RecordField::Kind::Bytes ? "a bytes field" : "an array field") +
                          ", not " + (kind == kernels::RecordField::Kind::Bytes ? "a bytes field" : "an array field") +
                          " (was the file replaced since the program was built?)");
  return *f;
}

void RecordFile::check_index(int64_t index) const {
  if (index < 0 || static_cast<uint64_t>(index) >= header_.records)
    range_error("record " + std::to_string(index) + " is out of range: '" + path() + "' has " +
                std::to_string(header_.records) + " records");
}

Tensor RecordFile::bytes(const std::string& name, int64_t index) const {
  const kernels::RecordField& f = field(name, kernels::RecordField::Kind::Bytes);
  check_index(index);
  // The pair is read through the mapping (the header was checked with pread at open, and the
  // column lies inside the file): no system call per record for it.
  const uint8_t* pair = file_->mapping() + f.column_offset + 16 * static_cast<uint64_t>(index);
  const uint64_t begin = kernels::record_u64(pair), length = kernels::record_u64(pair + 8), size = file_->size();
  if (begin < header_.data_start || begin > size || length > size - begin)
    fail(PXP_EDECODE, "'" + path() + "' is not a valid packed-records file: record " + std::to_string(index) +
                          " of field '" + name + "' has " + std::to_string(length) + " bytes at offset " +
                          std::to_string(begin) + ", outside the data [" + std::to_string(header_.data_start) + ", " +
                          std::to_string(size) + ")");
  return file_->view_or_read(begin, DType::U8, Shape{static_cast<int64_t>(length)});
}

Tensor RecordFile::array(const std::string& name, int64_t index, DType dtype, const Shape& shape) const {
  const kernels::RecordField& f = field(name, kernels::RecordField::Kind::Array);
  if (f.dtype != dtype || f.shape != shape)
    fail(PXP_EDECODE, "field '" + name + "' of '" + path() + "' holds " + describe_rows(f.dtype, f.shape) +
                          ", but the program was built for " + describe_rows(dtype, shape) + " (was the file replaced since?)");
  check_index(index);
  return file_->view_or_read(f.column_offset + static_cast<uint64_t>(index) * f.row_bytes, dtype, shape);
}

}  // namespace pxp
