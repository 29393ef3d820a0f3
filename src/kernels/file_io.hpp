// Reading whole files into tensors (the first step of every image pipeline).
#pragma once

#include <string>

#include "core/tensor.hpp"

namespace pxp::kernels {

// The bytes of the file at `path` as a u8 1-D tensor. Fails with PXP_EIO naming the
// path and the system's reason (missing, a directory, unreadable, larger than a tensor may be).
Tensor read_file(const std::string& path);

}  // namespace pxp::kernels
