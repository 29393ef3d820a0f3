#include "kernels/record_header.hpp"

#include <cstring>
#include <set>

#include "core/error.hpp"

namespace pxp::kernels {

namespace {

uint32_t u32_at(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

[[noreturn]] void bad(const std::string& file, const std::string& what) {
  fail(PXP_EDECODE, "'" + file + "' is not a valid packed-records file: " + what);
}

// A NUL-padded text of at most `size` - 1 bytes with nothing after its first NUL.
std::string padded_text(const uint8_t* p, size_t size, const std::string& file, const std::string& what) {
  size_t n = 0;
  while (n < size && p[n]) ++n;
  if (n == 0 || n == size) bad(file, what + " must be 1 to " + std::to_string(size - 1) + " bytes, NUL-padded");
  for (size_t i = n; i < size; ++i)
    if (p[i]) bad(file, what + " has bytes after its end");
  return std::string(reinterpret_cast<const char*>(p), n);
}

}  // namespace

const RecordField* RecordHeader::find(const std::string& name) const {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

uint32_t parse_record_preamble(const uint8_t* preamble, uint64_t file_size, const std::string& file) {
  if (file_size < kRecordPreambleBytes) bad(file, "it has " + std::to_string(file_size) + " bytes, fewer than its preamble");
  if (std::memcmp(preamble, kRecordMagic, sizeof(kRecordMagic)) != 0) bad(file, "it does not start with \"PXPRECS\\0\"");
  uint32_t version = u32_at(preamble + 8);
  if (version != kRecordVersion)
    bad(file, "format version " + std::to_string(version) + " (this library reads version " +
                  std::to_string(kRecordVersion) + ")");
  uint32_t fields = u32_at(preamble + 12);
  if (fields == 0 || fields > kMaxRecordFields)
    bad(file, std::to_string(fields) + " fields (1 to " + std::to_string(kMaxRecordFields) + " are allowed)");
  if (record_header_bytes(fields) > file_size) bad(file, "it ends inside its field descriptors");
  return fields;
}

RecordHeader parse_record_header(const uint8_t* header, uint64_t file_size, const std::string& file) {
  const uint32_t count = parse_record_preamble(header, file_size, file);
  RecordHeader h;
  h.records = record_u64(header + 16);
  const uint64_t written_size = record_u64(header + 24);
  if (written_size != file_size)
    bad(file, "it has " + std::to_string(file_size) + " bytes, but was written with " + std::to_string(written_size) +
                  " (a truncated or appended copy?)");
  for (size_t i = 32; i < kRecordPreambleBytes; ++i)
    if (header[i]) bad(file, "reserved preamble bytes are not zero");
  if (h.records > (uint64_t(1) << 48)) bad(file, std::to_string(h.records) + " records is more than 2^48");
  const uint64_t data_start = h.data_start = record_header_bytes(count);
  std::set<std::string> names;
  for (uint32_t k = 0; k < count; ++k) {
    const uint8_t* d = header + kRecordPreambleBytes + k * kRecordDescriptorBytes;
    RecordField f;
    f.name = padded_text(d, kRecordNameBytes, file, "field " + std::to_string(k) + "'s name");
    const std::string which = "field '" + f.name + "'";
    if (!names.insert(f.name).second) bad(file, which + " appears twice");
    std::string dtype_text = padded_text(d + 40, 8, file, which + "'s dtype");
    auto dtype = dtype_from_name(dtype_text);
    if (!dtype) bad(file, which + " has the unknown dtype '" + dtype_text + "'");
    f.dtype = *dtype;
    const uint8_t kind = d[48], ndim = d[49];
    for (int i = 50; i < 56; ++i)
      if (d[i]) bad(file, which + " has reserved bytes that are not zero");
    if (kind > 1) bad(file, which + " has the unknown kind " + std::to_string(kind) + " (0: bytes, 1: array)");
    f.kind = static_cast<RecordField::Kind>(kind);
    if (ndim >= kMaxDims)
      bad(file, which + " has " + std::to_string(ndim) + " dimensions (at most " + std::to_string(kMaxDims - 1) + ")");
    for (int i = 0; i < kMaxDims - 1; ++i) {
      int64_t v = static_cast<int64_t>(record_u64(d + 56 + 8 * i));
      if (i < ndim) {
        if (v < 0) bad(file, which + " has a negative dimension");
        f.shape.push_back(v);
      } else if (v != 0) {
        bad(file, which + " has dimensions after its last one");
      }
    }
    f.column_offset = record_u64(d + 112);
    f.column_bytes = record_u64(d + 120);
    if (f.column_offset < data_start || f.column_offset > file_size || f.column_bytes > file_size - f.column_offset)
      bad(file, which + "'s column [" + std::to_string(f.column_offset) + ", +" + std::to_string(f.column_bytes) +
                    ") is not inside the file after the header");
    if (f.kind == RecordField::Kind::Bytes) {
      if (f.dtype != DType::U8 || ndim != 0) bad(file, which + " is a bytes field: its dtype must be u8 with no shape");
      if (f.column_bytes / 16 < h.records) bad(file, which + "'s column is too small for its records' (offset, length) pairs");
    } else {
      int64_t numel;
      try {
        numel = checked_numel(f.shape, dtype_size(f.dtype));
      } catch (const Error& e) {
        bad(file, which + ": " + e.message());
      }
      f.row_bytes = static_cast<uint64_t>(numel) * dtype_size(f.dtype);
      if (f.row_bytes && f.column_bytes / f.row_bytes < h.records)
        bad(file, which + "'s column is too small for " + std::to_string(h.records) + " records");
    }
    h.fields.push_back(std::move(f));
  }
  return h;
}

}  // namespace pxp::kernels
