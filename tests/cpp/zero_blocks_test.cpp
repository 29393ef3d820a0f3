// past_background jumps over zero labels eight at a time: from every start, in maps of every
// length up to 40 with one label set anywhere (or none), it must land on the first nonzero label
// at or after the start, or on the end.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "kernels/zero_blocks.hpp"

namespace pxp::kernels {
namespace {

TEST(PastBackground, LandsOnTheFirstLabelOrTheEnd) {
  for (int64_t n = 0; n <= 40; ++n)
    for (int64_t set = -1; set < n; ++set) {
      std::vector<int32_t> labels(static_cast<size_t>(n) + 1, 0);
      labels[static_cast<size_t>(n)] = 7;  // past the end: must never be reported
      if (set >= 0) labels[static_cast<size_t>(set)] = 3;
      for (int64_t from = 0; from <= n; ++from) {
        const int64_t want = set >= from ? set : n;
        ASSERT_EQ(past_background(labels.data(), from, n), want) << "n " << n << " set " << set << " from " << from;
      }
    }
}

}  // namespace
}  // namespace pxp::kernels
