// What the shutdown and hostile-use tests measure about this process: its OS threads.
#pragma once

#include <dirent.h>

#include <chrono>
#include <cstddef>
#include <thread>

namespace pxp::test {

// Entries of a /proc folder (dot entries left out): threads of /proc/self/task, descriptors of
// /proc/self/fd.
inline size_t proc_entries(const char* folder) {
  size_t n = 0;
  if (DIR* d = ::opendir(folder)) {
    while (dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') ++n;
    ::closedir(d);
  }
  return n;
}

inline size_t thread_count() { return proc_entries("/proc/self/task"); }

// The thread count once it equals `expected`, or after 5 s: a joined thread leaves
// /proc/self/task a moment after join returns.
inline size_t settled_thread_count(size_t expected) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  size_t n = thread_count();
  while (n != expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    n = thread_count();
  }
  return n;
}

}  // namespace pxp::test
