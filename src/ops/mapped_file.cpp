#include "ops/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pxp {

namespace {

[[noreturn]] void io_error(const std::string& path, const std::string& what, int err) {
  fail(err == ENOMEM ? PXP_ENOMEM : PXP_EIO, "cannot " + what + " '" + path + "': " + std::strerror(err));
}

FileIdentity identity_from(const struct stat& st) {
  return {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
          static_cast<int64_t>(st.st_mtim.tv_sec), static_cast<int64_t>(st.st_mtim.tv_nsec)};
}

uintptr_t page_size() {
  static const auto size = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

// Owns one view: keeps the file mapped, and when the view dies takes its pages out of the
// process's resident set. Otherwise every page ever read would stay mapped and count in the RSS
// until the whole file did. On a read-only shared file mapping MADV_DONTNEED only unmaps: the data
// stays in the page cache (for the next epoch, and for other processes), and any other live view of
// the same pages (a neighbouring piece, the same piece in another sample) faults them in again.
struct MappedPiece {
  std::shared_ptr<const MappedFile> file;
  uintptr_t begin, end;  // page-aligned, inside the mapping
  ~MappedPiece() { ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED); }
};

}  // namespace

std::string describe_rows(DType dtype, const Shape& shape) {
  std::string s = std::string(dtype_name(dtype)) + " [";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

FileIdentity FileIdentity::of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) io_error(path, "open", errno);
  return identity_from(st);
}

OpenedFile::OpenedFile(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below like any non-file.
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd_ < 0) io_error(path, "open", errno);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    int err = errno;
    ::close(fd_);
    io_error(path, "stat", err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd_);
    fail(PXP_EIO, "cannot read '" + path + "': not a regular file");
  }
  identity_ = identity_from(st);
}

OpenedFile::~OpenedFile() {
  if (fd_ >= 0) ::close(fd_);
}

MappedFile::MappedFile(std::string path, OpenedFile&& file) : path_(std::move(path)), file_(std::move(file)) {}

MappedFile::~MappedFile() {
  if (base_) ::munmap(const_cast<uint8_t*>(base_), static_cast<size_t>(size()));
}

void MappedFile::pread_all(uint8_t* out, size_t size, uint64_t offset) const {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(file_.fd(), out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) io_error(path_, "read", errno);
    if (n == 0) fail(PXP_EIO, "cannot read '" + path_ + "': it ended early (was it truncated while in use?)");
    done += static_cast<size_t>(n);
  }
}

void MappedFile::check_range(uint64_t offset, uint64_t length) const {
  if (offset > size() || length > size() - offset)
    range_error("bytes [" + std::to_string(offset) + ", " + std::to_string(offset) + " + " + std::to_string(length) +
                ") are outside '" + path_ + "', which has " + std::to_string(size()) + " bytes (was it replaced?)");
}

Tensor MappedFile::read(uint64_t offset, uint64_t length) const {
  check_range(offset, length);
  Tensor t = Tensor::empty(DType::U8, Shape{static_cast<int64_t>(length)});
  pread_all(t.mutable_bytes(), static_cast<size_t>(length), offset);
  return t;
}

const uint8_t* MappedFile::mapping() const {
  std::call_once(mapped_, [this] {
    if (size() > SIZE_MAX || size() == 0) {
      map_error_ = ENOMEM;
      return;
    }
    void* p = ::mmap(nullptr, static_cast<size_t>(size()), PROT_READ, MAP_SHARED, file_.fd(), 0);
    if (p == MAP_FAILED)
      map_error_ = errno;
    else
      base_ = static_cast<const uint8_t*>(p);
  });
  if (!base_) io_error(path_, "map", map_error_);
  return base_;
}

Tensor MappedFile::view_or_read(uint64_t offset, DType dtype, const Shape& shape) const {
  const size_t element = dtype_size(dtype);
  const uint64_t bytes = static_cast<uint64_t>(checked_numel(shape, element)) * element;
  check_range(offset, bytes);
  const Shape strides = contiguous_strides(shape, element);
  // Views need the element alignment that kernels assume, and bool bytes must be normalized.
  if (bytes >= kViewBytes && dtype != DType::Bool && offset % element == 0) {
    const uint8_t* base = mapping();
    const auto first = reinterpret_cast<uintptr_t>(base + offset);
    const uintptr_t page = page_size();
    auto owner = std::make_shared<MappedPiece>();
    owner->file = shared_from_this();
    owner->begin = first & ~(page - 1);
    owner->end = (first + bytes + page - 1) & ~(page - 1);  // within the mapping's last page
    return Tensor::view(std::move(owner), base + offset, dtype, shape, strides);
  }
  Tensor t = Tensor::empty(dtype, shape);
  uint8_t* out = t.mutable_bytes();
  pread_all(out, static_cast<size_t>(bytes), offset);
  if (dtype == DType::Bool)
    for (uint64_t i = 0; i < bytes; ++i) out[i] = out[i] ? 1 : 0;
  return t;
}

}  // namespace pxp
