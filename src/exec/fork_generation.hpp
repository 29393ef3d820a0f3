// Which process an object that owns threads was made in. fork() copies memory but not threads:
// in the child, a pool's workers do not exist, and the mutexes and condition variables they held
// or waited on stay held or waited on forever (destroying such a condition variable blocks in
// glibc). Owners remember the generation they were made in; in a child they start afresh and
// abandon (leak, on purpose) what the parent's threads touched instead of waiting on it.
#pragma once

#include <cstdint>

namespace pxp {

// 0 in the process that first asked, plus one in a child at every fork() since.
uint64_t fork_generation();

}  // namespace pxp
