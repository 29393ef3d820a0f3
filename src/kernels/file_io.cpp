#include "kernels/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace pxp::kernels {

namespace {

[[noreturn]] void io_error(const std::string& path, const std::string& what, int err) {
  fail(PXP_EIO, "cannot " + what + " '" + path + "': " + std::strerror(err));
}

// Closes the descriptor on every path out, errors included.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Tensor read_file(const std::string& path, uint64_t max_bytes) {
  if (path.empty()) fail(PXP_EIO, "cannot read a file with an empty path");
  max_bytes = std::min<uint64_t>(max_bytes, static_cast<uint64_t>(kMaxTensorBytes));
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below like any non-file.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (f.fd < 0) io_error(path, "open", errno);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) io_error(path, "stat", errno);
  if (S_ISDIR(st.st_mode)) io_error(path, "read", EISDIR);
  if (!S_ISREG(st.st_mode))
    fail(PXP_EIO, "cannot read '" + path + "': not a regular file (a device, FIFO or socket may block or never end)");
  auto too_large = [&](const std::string& size) {
    fail(PXP_EIO, "cannot read '" + path + "': the file is " + size + ", more than max_file_bytes = " +
                      std::to_string(max_bytes) + " bytes (a pipeline option)");
  };
  if (st.st_size < 0 || static_cast<uint64_t>(st.st_size) > max_bytes)
    too_large(std::to_string(st.st_size) + " bytes");

  // The size from fstat is a hint: files that report 0 (procfs) or change while being read
  // are read to their end, growing the buffer by doubling up to max_bytes.
  size_t capacity = st.st_size > 0 ? static_cast<size_t>(st.st_size)
                                   : static_cast<size_t>(std::min<uint64_t>(uint64_t(64) << 10, std::max<uint64_t>(max_bytes, 1)));
  Tensor buffer = Tensor::empty(DType::U8, {static_cast<int64_t>(capacity)});
  size_t used = 0;
  while (true) {
    if (used == capacity) {
      // One extra read tells a file of exactly the hinted size from one that grew.
      uint8_t probe;
      ssize_t n = ::read(f.fd, &probe, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) io_error(path, "read", errno);
      if (n == 0) break;
      if (used + 1 > max_bytes) too_large("growing past " + std::to_string(used) + " bytes");
      size_t bigger_capacity = static_cast<size_t>(std::min<uint64_t>(uint64_t(capacity) * 2, max_bytes));
      Tensor bigger = Tensor::empty(DType::U8, {static_cast<int64_t>(bigger_capacity)});
      std::memcpy(bigger.mutable_bytes(), buffer.bytes(), used);
      bigger.mutable_bytes()[used++] = probe;
      buffer = std::move(bigger);
      capacity = bigger_capacity;
      continue;
    }
    ssize_t n = ::read(f.fd, buffer.mutable_bytes() + used, capacity - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) io_error(path, "read", errno);
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  if (used == capacity) return buffer;
  return buffer.restrided({static_cast<int64_t>(used)}, {1});
}

}  // namespace pxp::kernels
