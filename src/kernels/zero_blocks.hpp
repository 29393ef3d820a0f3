// Label maps are mostly background: loops over their int32 labels skip 8 zeros at a time.
#pragma once

#include <cstdint>
#include <cstring>

namespace pxp::kernels {

// Are the 8 labels at p all 0? (Four 8-byte loads or'ed: the compiler makes it one vector test.)
inline bool eight_zero_labels(const int32_t* p) {
  uint64_t q[4];
  std::memcpy(q, p, sizeof q);
  return (q[0] | q[1] | q[2] | q[3]) == 0;
}

}  // namespace pxp::kernels
