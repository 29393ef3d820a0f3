// FileCache<T>: the one T (MappedFile, NpyFile, RecordFile) of each path in the process, so that
// every pipeline and worker thread shares one file descriptor and one mapping per file.
//
// The entry is checked against the file's identity (device, inode, size, modification time) on
// every open(), so a file replaced or rewritten since is opened again; pieces already returned keep
// the old version alive. Entries nobody uses are dropped once the cache holds more than
// kMaxIdleFiles (each keeps a file descriptor: a program that reads pieces of thousands of files
// must not keep them all open). The lock is held only around the map itself (never while a file is
// opened or read), and taken around fork() so that a child never inherits it locked (a PyTorch
// DataLoader forks its workers while pipeline threads may be running). Never destroyed: worker
// threads of pipelines that nobody freed may still read during exit.
#pragma once

#include <pthread.h>

#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/error.hpp"
#include "ops/mapped_file.hpp"

namespace pxp {

template <class T>
class FileCache {
 public:
  static constexpr size_t kMaxIdleFiles = 64;

  // T's constructor is T(const std::string& path, OpenedFile&& file); T::identity() returns
  // the FileIdentity it was made from. `what` names the kind of file in errors ("a .npy file").
  static std::shared_ptr<const T> open(const std::string& path, const char* what) {
    if (path.empty()) fail(PXP_EIO, std::string("cannot open ") + what + " with an empty path");
    const FileIdentity now = FileIdentity::of(path);
    FileCache& cache = get();
    {
      std::lock_guard<std::mutex> lock(cache.mutex_);
      auto it = cache.files_.find(path);
      if (it != cache.files_.end() && it->second->identity() == now) return it->second;
    }
    OpenedFile opened(path);
    auto file = std::make_shared<const T>(path, std::move(opened));
    std::lock_guard<std::mutex> lock(cache.mutex_);
    if (cache.files_.size() >= kMaxIdleFiles) {
      // Drop the entries only the cache holds (copies are made under this lock, so a count of 1
      // is exact); the ones in use stay.
      for (auto it = cache.files_.begin(); it != cache.files_.end();)
        it = it->second.use_count() == 1 ? cache.files_.erase(it) : std::next(it);
    }
    cache.files_[path] = file;  // another thread may have opened it meanwhile: either is right
    return file;
  }

 private:
  static FileCache& get() {
    static FileCache* cache = new FileCache;
    return *cache;
  }
  FileCache() {
    pthread_atfork([] { get().mutex_.lock(); }, [] { get().mutex_.unlock(); }, [] { get().mutex_.unlock(); });
  }
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const T>> files_;
};

}  // namespace pxp
