// The header of a packed-records file (docs/packed-records.md): how many records, and for each
// field its name, kind, element type, shape and where its column lies. Pure parsing of bytes
// already read: no file access here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace pxp::kernels {

constexpr char kRecordMagic[8] = {'P', 'X', 'P', 'R', 'E', 'C', 'S', '\0'};
constexpr uint32_t kRecordVersion = 1;
constexpr uint64_t kRecordPreambleBytes = 64;     // magic, version, counts, file size, reserved
constexpr uint64_t kRecordDescriptorBytes = 128;  // per field
constexpr uint32_t kMaxRecordFields = 256;
constexpr size_t kRecordNameBytes = 40;           // a field name: 1 to 39 bytes, NUL-padded

struct RecordField {
  enum class Kind : uint8_t { Bytes = 0, Array = 1 };
  std::string name;
  Kind kind = Kind::Bytes;
  DType dtype = DType::U8;    // u8 for bytes fields
  Shape shape;                // one record's, for array fields
  uint64_t row_bytes = 0;     // array fields: bytes of one record
  uint64_t column_offset = 0;
  uint64_t column_bytes = 0;
};

struct RecordHeader {
  uint64_t records = 0;
  uint64_t data_start = 0;  // where the bytes of bytes fields may begin: after the descriptors
  std::vector<RecordField> fields;
  // The field named `name`, or nullptr.
  const RecordField* find(const std::string& name) const;
};

// A little-endian u64 of the format (offsets, lengths, sizes).
inline uint64_t record_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// The bytes of the preamble and descriptors of a file with `field_count` fields.
inline uint64_t record_header_bytes(uint64_t field_count) {
  return kRecordPreambleBytes + field_count * kRecordDescriptorBytes;
}

// Reads the field count from the first kRecordPreambleBytes of a file of `file_size` bytes,
// checking the magic and version (PXP_EDECODE naming `file` otherwise).
uint32_t parse_record_preamble(const uint8_t* preamble, uint64_t file_size, const std::string& file);

// Reads and checks the whole header (`header` holds record_header_bytes(field count) bytes): the
// file size the writer recorded equals `file_size` (a truncated copy is refused), names are 1 to
// 39 bytes and unique, kinds and dtypes are known, array shapes have at most kMaxDims - 1
// dimensions, and each column lies inside the file after the header and is as large as its
// records need (a bytes column: N (offset, length) pairs of u64; an array column: N rows). The
// pairs of bytes columns are checked when a record is read. PXP_EDECODE naming `file` for anything else.
RecordHeader parse_record_header(const uint8_t* header, uint64_t file_size, const std::string& file);

}  // namespace pxp::kernels
