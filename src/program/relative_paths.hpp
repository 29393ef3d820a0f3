// Program files whose file paths move with them. pixelpipes.save stores every string constant
// that is a path inside the program file's folder relative to that folder, and lists them in
// the metadata record (docs/program-format.md section 8)
//   "pixelpipes.relative_paths": {"base": "program_dir",
//                                 "constants": {"<constant index>": "all" | [[item index, ...], ...]}}
// ("all": every string of the constant, at any depth; otherwise the index paths of the strings
// inside a list constant). Resolving joins them with the folder the file is read from.
#pragma once

#include <filesystem>
#include <string>

namespace pxp {

// The program bytes with every path listed in the record joined with folder (absolute) and the
// record removed from the metadata, so the result needs no folder; the bytes unchanged when
// there is no record. Bytes are untrusted: a malformed record (wrong types, a constant or item
// out of range, an item that is not a string, an absolute or empty path, a path listed twice) is
// a PXP_EINVALID_PROGRAM naming the constant and item. Other faults are left to read_program,
// except bytes that are not one msgpack object (the same errors as read_program's).
std::string resolve_relative_paths(std::string bytes, const std::filesystem::path& folder);

}  // namespace pxp
