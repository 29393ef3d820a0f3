// Programs for cpp_api_test.cpp, built with ProgramBuilder in cpp_api_programs.cpp. They come as
// bytes through this header because the test includes pixelpipes/pixelpipes.hpp, whose pxp::
// classes must not meet the core's (exec/, program/) in one translation unit.
#pragma once

#include <cstdint>
#include <string>

namespace cpp_api_programs {

// Outputs, for sample i:
//   0 "index":  i64 scalar i
//   1 "matrix": f32 [2, 3], element (r, c) = 3r + c + i
//   2 "even":   bool scalar, i % 2 == 0
//   3 "name":   string "odd" or "even"
//   4 "items":  list of 1 + i % 2 i64 scalars, each i
//   5 "row":    i64 [1 + i % 2], each element i (a tensor whose shape varies)
std::string demo();

// A program whose output "value" (list.element of [10, 20, 30] at the sample index) fails from
// sample 3 on, at instruction failing_instruction, node "pick", source "cpp_api_test.py:42".
struct Failing {
  std::string bytes;
  int64_t failing_instruction;
};
Failing failing();

// Output "bytes": io.read_file(path) at every sample (node "read", source "cpp_api_test.py:50").
std::string reads_file(const std::string& path);

// Fails to load: math.add of a string and a number at instruction 2, node "sum",
// source "cpp_api_test.py:7" (PXP_ETYPE).
std::string type_error();

}  // namespace cpp_api_programs
