// Constants of the program format (docs/program-format.md).
#pragma once

#include <cstdint>

#include "pixelpipes/common.h"

namespace pxp::format {

constexpr const char* kMagic = "PXPP";
constexpr uint32_t kMajor = PXP_PROGRAM_FORMAT_MAJOR;
constexpr uint32_t kMinor = PXP_PROGRAM_FORMAT_MINOR;

// Limits that keep untrusted bytes from exhausting memory or stack.
constexpr uint64_t kMaxProgramBytes = uint64_t(1) << 31;
constexpr uint32_t kMaxInstructions = 1u << 20;
constexpr uint32_t kMaxInputs = 1u << 16;
constexpr uint32_t kMaxDepth = 64;            // nesting of msgpack containers (lists in constants)
constexpr uint32_t kMaxContainer = 1u << 24;  // elements of one msgpack array or map

// Metadata keys that pixelpipes.save writes and the loaders read (docs/program-format.md section 8).
constexpr const char* kRelativePathsKey = "pixelpipes.relative_paths";
constexpr const char* kSeedKey = "pixelpipes.seed";

// Names of the ops the compiler and the interpreter treat specially.
constexpr const char* kConstantOp = "core.constant";
constexpr const char* kJumpOp = "flow.jump";
constexpr const char* kBranchOp = "flow.branch";
constexpr const char* kMergeOp = "flow.merge";

}  // namespace pxp::format
