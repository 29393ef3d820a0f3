// Label maps are mostly background: loops over their int32 labels jump over runs of zeros, eight
// labels per test where the run allows.
#pragma once

#include <cstdint>
#include <cstring>

namespace pxp::kernels {

// The first index >= from (and <= end) whose label is not 0: eight zeros at a time (four 8-byte
// loads or'ed, one vector test), then one by one.
inline int64_t past_background(const int32_t* labels, int64_t from, int64_t end) {
  while (from < end && labels[from] == 0) {
    uint64_t q[4];
    if (from + 8 <= end && (std::memcpy(q, labels + from, sizeof q), (q[0] | q[1] | q[2] | q[3]) == 0))
      from += 8;
    else
      ++from;
  }
  return from;
}

}  // namespace pxp::kernels
