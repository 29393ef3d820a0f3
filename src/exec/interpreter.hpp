// Interpreter: runs a verified program for one sample index. One slot per
// instruction; a slot is freed right after its last use. Not thread-safe:
// each worker thread owns its own Interpreter over the shared Program.
#pragma once

#include <memory>
#include <vector>

#include "program/program.hpp"

namespace pxp {

class Interpreter {
 public:
  explicit Interpreter(std::shared_ptr<const Program> program);

  // The program's outputs for this sample, in output order. Errors are
  // pxp::Error located at the sample, instruction, op, node and source.
  std::vector<Value> run(uint64_t seed, uint64_t sample);

  // Instructions executed by the last run (jumps skip the rest): for tests and profiles.
  size_t executed() const { return executed_; }

 private:
  void release(size_t i);

  std::shared_ptr<const Program> program_;
  std::vector<Value> slots_;
  std::vector<const Value*> refs_;  // per slot: folded value in the program, or the local slot
  std::vector<const Value*> args_;
  size_t executed_ = 0;
};

}  // namespace pxp
