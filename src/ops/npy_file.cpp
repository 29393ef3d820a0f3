#include "ops/npy_file.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace pxp {

namespace {

// Rows of at least this many bytes are views into the mapping; smaller ones are read with pread.
// A view saves a copy, but its pages must be handed back when it dies (MappedRow below), which
// costs a system call and a TLB flush on every core the process runs on: for a small row that
// costs more than the copy.
constexpr uint64_t kViewBytes = uint64_t(64) << 10;

// Mappings the cache keeps while nothing uses them. Each holds a file descriptor (for pread), so
// a program that reads rows of thousands of files (one .npy per image) must not keep them all.
constexpr size_t kMaxIdleFiles = 64;

[[noreturn]] void io_error(const std::string& path, const std::string& what, int err) {
  fail(err == ENOMEM ? PXP_ENOMEM : PXP_EIO, "cannot " + what + " '" + path + "': " + std::strerror(err));
}

std::string describe(DType dtype, const Shape& shape) {
  std::string s = std::string(dtype_name(dtype)) + " [";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// The process's mappings by path. Its lock is held only around the map itself (never while a
// file is opened or read), and taken around fork() so that a child never inherits it locked
// (a PyTorch DataLoader forks its workers while pipeline threads may be running). Never
// destroyed: worker threads of pipelines that nobody freed may still read rows during exit.
class Cache {
 public:
  static Cache& get() {
    static Cache* cache = new Cache;
    return *cache;
  }
  std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<const NpyFile>> files;

 private:
  Cache() {
    pthread_atfork([] { get().mutex.lock(); }, [] { get().mutex.unlock(); }, [] { get().mutex.unlock(); });
  }
};

// Owns one view of a row: keeps the file mapped, and when the view dies takes the row's pages out
// of the process's resident set. Otherwise every page ever read would stay mapped and count in
// the RSS until the whole file did. On a read-only shared file mapping MADV_DONTNEED only unmaps:
// the data stays in the page cache (for the next epoch, and for other processes), and any
// other live view of the same pages (a neighbouring row, the same row in another sample) simply
// faults them in again on its next read.
struct MappedRow {
  std::shared_ptr<const NpyFile> file;
  uintptr_t begin, end;  // page-aligned, inside the mapping
  ~MappedRow() { ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED); }
};

uintptr_t page_size() {
  static const auto size = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace

NpyFile::Identity NpyFile::identity_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) io_error(path, "open", errno);
  return {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
          static_cast<int64_t>(st.st_mtim.tv_sec), static_cast<int64_t>(st.st_mtim.tv_nsec)};
}

std::shared_ptr<const NpyFile> NpyFile::open(const std::string& path) {
  if (path.empty()) fail(PXP_EIO, "cannot open a .npy file with an empty path");
  const Identity now = identity_of(path);
  Cache& cache = Cache::get();
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    auto it = cache.files.find(path);
    if (it != cache.files.end() && it->second->identity_ == now) return it->second;
  }

  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below like any non-file.
  struct Fd {  // closed on every way out until the NpyFile owns it
    int fd;
    ~Fd() {
      if (fd >= 0) ::close(fd);
    }
  } f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (f.fd < 0) io_error(path, "open", errno);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) io_error(path, "stat", errno);
  if (!S_ISREG(st.st_mode)) fail(PXP_EIO, "cannot map '" + path + "': not a regular file");
  Identity identity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                    static_cast<uint64_t>(st.st_size), static_cast<int64_t>(st.st_mtim.tv_sec),
                    static_cast<int64_t>(st.st_mtim.tv_nsec)};
  std::shared_ptr<const NpyFile> file(new NpyFile(path, f.fd, identity));
  f.fd = -1;
  std::lock_guard<std::mutex> lock(cache.mutex);
  if (cache.files.size() >= kMaxIdleFiles) {
    // Drop the mappings that only the cache holds (copies are made under this lock, so a count
    // of 1 is exact); the ones in use stay.
    for (auto it = cache.files.begin(); it != cache.files.end();)
      it = it->second.use_count() == 1 ? cache.files.erase(it) : std::next(it);
  }
  cache.files[path] = file;  // another thread may have mapped it meanwhile: either mapping is right
  return file;
}

// Reads and checks the header, then maps the file; takes fd only once that succeeded (open()
// closes it if not). The header is read with pread, not through the mapping: a file that is no
// .npy file is never mapped (a regular file of a device driver may do anything when mapped).
NpyFile::NpyFile(std::string path, int fd, const Identity& identity) : path_(std::move(path)), identity_(identity) {
  std::vector<uint8_t> prefix(static_cast<size_t>(std::min<uint64_t>(identity.size, 12 + kernels::kMaxNpyHeaderBytes)));
  pread_all(fd, prefix.data(), prefix.size(), 0);
  header_ = kernels::parse_npy_header(prefix.data(), prefix.size(), identity.size, path_);
  if (identity.size > SIZE_MAX) fail(PXP_ENOMEM, "cannot map '" + path_ + "': it is larger than the address space");
  void* p = ::mmap(nullptr, static_cast<size_t>(identity.size), PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) io_error(path_, "map", errno);
  base_ = static_cast<const uint8_t*>(p);
  length_ = static_cast<size_t>(identity.size);
  fd_ = fd;
}

void NpyFile::pread_all(int fd, uint8_t* out, size_t size, uint64_t offset) const {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) io_error(path_, "read", errno);
    if (n == 0) fail(PXP_EIO, "cannot read '" + path_ + "': it ended early (was it truncated while in use?)");
    done += static_cast<size_t>(n);
  }
}

NpyFile::~NpyFile() {
  if (base_) ::munmap(const_cast<uint8_t*>(base_), length_);
  ::close(fd_);
}

Tensor NpyFile::row(int64_t index, DType dtype, const Shape& row_shape) const {
  if (header_.dtype != dtype || header_.row_shape() != row_shape)
    fail(PXP_EDECODE, "'" + path_ + "' holds rows of " + describe(header_.dtype, header_.row_shape()) +
                          ", but the program was built for rows of " + describe(dtype, row_shape) +
                          " (was the file replaced since?)");
  if (index < 0 || index >= header_.rows())
    range_error("row " + std::to_string(index) + " is out of range: '" + path_ + "' has " +
                std::to_string(header_.rows()) + " rows");
  const uint64_t offset = header_.data_offset + static_cast<uint64_t>(index) * header_.row_bytes;
  // Views need the element alignment that kernels assume (numpy aligns the data to 64 bytes;
  // a hand-made header may not), and bool bytes must be normalized to 0 or 1.
  const bool viewable = header_.row_bytes >= kViewBytes && dtype != DType::Bool &&
                        header_.data_offset % dtype_size(dtype) == 0;
  return viewable ? view_row(offset, dtype, row_shape) : read_row(offset, dtype, row_shape);
}

Tensor NpyFile::view_row(uint64_t offset, DType dtype, const Shape& row_shape) const {
  const auto first = reinterpret_cast<uintptr_t>(base_ + offset);
  const uintptr_t page = page_size();
  auto owner = std::make_shared<MappedRow>();
  owner->file = shared_from_this();
  owner->begin = first & ~(page - 1);
  owner->end = (first + header_.row_bytes + page - 1) & ~(page - 1);  // within the mapping's last page
  return Tensor::view(std::move(owner), base_ + offset, dtype, row_shape,
                      contiguous_strides(row_shape, dtype_size(dtype)));
}

Tensor NpyFile::read_row(uint64_t offset, DType dtype, const Shape& row_shape) const {
  Tensor t = Tensor::empty(dtype, row_shape);
  uint8_t* out = t.mutable_bytes();
  pread_all(fd_, out, static_cast<size_t>(header_.row_bytes), offset);
  if (dtype == DType::Bool)
    for (uint64_t i = 0; i < header_.row_bytes; ++i) out[i] = out[i] ? 1 : 0;
  return t;
}

}  // namespace pxp
