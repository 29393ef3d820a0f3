// Program files: read the bytes (within the program size limit), resolve the paths recorded as
// relative to the file's folder, then load them as any other program bytes.
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/error.hpp"
#include "program/format.hpp"
#include "program/program.hpp"
#include "program/relative_paths.hpp"

namespace pxp {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void io_error(const std::string& path, const std::string& reason) {
  fail(PXP_EIO, "cannot read the program file '" + path + "': " + reason);
}

[[noreturn]] void too_large(const std::string& path, uint64_t size) {
  fail(PXP_EINVALID_PROGRAM, "the program file '" + path + "' has " + std::to_string(size) +
                                 " bytes or more: programs are limited to 2 GiB");
}

// Reads file; errors name path (the path as the caller gave it).
std::string read_whole_file(const fs::path& file, const std::string& path) {
  std::error_code status_error;
  const fs::file_status status = fs::status(file, status_error);
  if (status_error) io_error(path, status_error.message());
  if (fs::is_directory(status)) io_error(path, "it is a directory");
  std::string bytes;
  if (fs::is_regular_file(status)) {
    // Refuse an oversized file before reading it; the loop below also bounds pipes and devices.
    std::error_code size_error;
    const uintmax_t size = fs::file_size(file, size_error);
    if (!size_error) {
      if (size > format::kMaxProgramBytes) too_large(path, size);
      bytes.reserve(static_cast<size_t>(size));
    }
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) io_error(path, std::error_code(errno, std::generic_category()).message());
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    bytes.append(chunk, static_cast<size_t>(in.gcount()));
    if (bytes.size() > format::kMaxProgramBytes) too_large(path, bytes.size());
  }
  if (in.bad()) io_error(path, "a read failed");
  return bytes;
}

}  // namespace

std::shared_ptr<const Program> load_program_file(const std::string& path) {
  if (path.empty()) argument_error("the program file path is empty");
  // Made absolute first: the folder and the bytes then come from the same file even if the
  // working directory changes meanwhile.
  std::error_code absolute_error;
  const fs::path file = fs::absolute(path, absolute_error);
  if (absolute_error) io_error(path, "cannot make its path absolute: " + absolute_error.message());
  std::string bytes = read_whole_file(file, path);
  return load_program(resolve_relative_paths(std::move(bytes), file.parent_path()));
}

}  // namespace pxp
