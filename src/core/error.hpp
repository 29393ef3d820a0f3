// The one exception type of the C++ core. The C ABI guard turns it into a
// status and the thread-local last error; the interpreter fills in where it
// happened (sample, instruction, op, node, source) on the way out.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "pixelpipes/common.h"

namespace pxp {

class Error : public std::exception {
 public:
  Error(pxp_status code, std::string message) : code_(code), message_(std::move(message)) {}

  const char* what() const noexcept override { return message_.c_str(); }
  pxp_status code() const { return code_; }
  const std::string& message() const { return message_; }

  // Where the error happened; unset / -1 / "" when unknown.
  std::optional<uint64_t> sample;
  int64_t instruction = -1;
  std::string op;
  std::string node;
  std::string source;
  std::string file;  // the file the failing value came from (an upstream io.read_file), or ""

  // The message with the location prefixed, as users see it.
  std::string full_message() const;

 private:
  pxp_status code_;
  std::string message_;
};

[[noreturn]] inline void fail(pxp_status code, const std::string& message) { throw Error(code, message); }
[[noreturn]] inline void type_error(const std::string& message) { throw Error(PXP_ETYPE, message); }
[[noreturn]] inline void argument_error(const std::string& message) {
  throw Error(PXP_EINVALID_ARGUMENT, message);
}
[[noreturn]] inline void range_error(const std::string& message) { throw Error(PXP_EOUT_OF_RANGE, message); }

}  // namespace pxp
