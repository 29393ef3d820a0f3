#include "kernels/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

Tensor read_file(const std::string& path) {
  if (path.empty()) fail(PXP_EIO, "cannot read a file with an empty path");
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) io_error(path, "open", errno);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) io_error(path, "stat", errno);
  if (S_ISDIR(st.st_mode)) io_error(path, "read", EISDIR);
  if (st.st_size < 0 || st.st_size > kMaxTensorBytes) io_error(path, "read", EFBIG);

  // The size from fstat is a hint: files that report 0 (procfs) or change while being read
  // are read to their end, growing the buffer by doubling up to the tensor limit.
  size_t capacity = st.st_size > 0 ? static_cast<size_t>(st.st_size) : size_t(64) << 10;
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
      if (capacity * 2 > static_cast<size_t>(kMaxTensorBytes)) io_error(path, "read", EFBIG);
      Tensor bigger = Tensor::empty(DType::U8, {static_cast<int64_t>(capacity * 2)});
      std::memcpy(bigger.mutable_bytes(), buffer.bytes(), used);
      bigger.mutable_bytes()[used++] = probe;
      buffer = std::move(bigger);
      capacity *= 2;
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
