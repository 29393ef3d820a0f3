// Every seed (tests/fuzz/corpus/<target>/) and every past finding (tests/fuzz/regressions/<target>/)
// goes through the fuzz target's own body (tests/fuzz/entry_points.hpp) in the normal suite,
// without libFuzzer: a finding that comes back crashes or aborts this test (under `make sanitize`
// it is also checked by ASan + UBSan).
#include <gtest/gtest.h>
#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../fuzz/entry_points.hpp"

namespace pxp::test {
namespace {

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') out.push_back(dir + "/" + e->d_name);
    ::closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<uint8_t> read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

size_t feed(const std::string& target, void (*body)(const uint8_t*, size_t)) {
  size_t n = 0;
  for (const char* kind : {"corpus", "regressions"}) {
    for (const auto& path : files_in(std::string(PXP_FUZZ_DIR) + "/" + kind + "/" + target)) {
      SCOPED_TRACE(path);
      std::vector<uint8_t> data = read_all(path);
      body(data.data(), data.size());
      // every prefix length class of the file too, cheaply: truncation is the commonest corruption
      for (size_t cut : {size_t(0), data.size() / 3, data.size() / 2, data.size() ? data.size() - 1 : 0})
        body(data.data(), std::min(cut, data.size()));
      ++n;
    }
  }
  return n;
}

TEST(FuzzRegression, ProgramLoad) { EXPECT_GT(feed("program_load", fuzz::program_load), 10u); }
TEST(FuzzRegression, Jpeg) { EXPECT_GT(feed("jpeg", fuzz::jpeg), 5u); }
TEST(FuzzRegression, Png) { EXPECT_GT(feed("png", fuzz::png), 5u); }
TEST(FuzzRegression, ImageFormats) { EXPECT_GT(feed("image_formats", fuzz::image_formats), 5u); }

}  // namespace
}  // namespace pxp::test
