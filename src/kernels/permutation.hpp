// A keyed pseudo-random permutation of [0, n) evaluated one element at a time:
// a balanced Feistel network over the smallest even bit width that covers n,
// with cycle walking back into range. O(1) memory and expected O(1) time per
// element, so a stream can start at any position of any epoch without
// materializing the epoch's order.
#pragma once

#include <cstdint>

namespace pxp::kernels {

// The image of x (< n) under the permutation chosen by key; n >= 1.
uint64_t permute_index(uint64_t x, uint64_t n, uint64_t key);

}  // namespace pxp::kernels
