// Reading whole files into tensors (the first step of every image pipeline).
#pragma once

#include <string>

#include "core/tensor.hpp"

namespace pxp::kernels {

// The bytes of the regular file at `path` as a u8 1-D tensor. Fails with PXP_EIO naming the path
// and the reason: missing, unreadable, not a regular file (a directory, a device such as /dev/zero,
// a FIFO or socket: those could block or never end), or larger than max_bytes.
Tensor read_file(const std::string& path, uint64_t max_bytes);

}  // namespace pxp::kernels
