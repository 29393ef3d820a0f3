// Interpreter: runs a verified program for one sample index. One slot per
// instruction; a slot is freed right after its last use. Not thread-safe:
// each worker thread owns its own Interpreter over the shared Program.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "exec/destination_plan.hpp"
#include "exec/profile.hpp"
#include "program/program.hpp"

namespace pxp {

class Interpreter {
 public:
  explicit Interpreter(std::shared_ptr<const Program> program, RunLimits limits = RunLimits());

  // The program's outputs for this sample, in output order. Errors are
  // pxp::Error located at the sample, instruction, op, node and source.
  // destinations: per program output, a tensor its instruction may write into (see
  // ExecContext::destination), or an undefined tensor; null for none.
  std::vector<Value> run(uint64_t seed, uint64_t sample, const std::vector<Tensor>* destinations = nullptr);

  // Instructions executed by the last run (jumps skip the rest): for tests and profiles.
  size_t executed() const { return executed_; }

  // Profiling: when on, each instruction executed (not folded, not skipped by a jump) adds one to
  // its count and its steady-clock time to its row. May be switched from any thread; a run reads
  // the switch once, at its start. Off costs one predictable branch per instruction.
  void set_profiling(bool on) { profiling_.store(on, std::memory_order_relaxed); }
  bool profiling() const { return profiling_.load(std::memory_order_relaxed); }
  // Rows 0 .. program size - 1: the instructions; row batch_copy_row(): copying this worker's
  // samples into batch buffers (recorded by a stream). Written by the thread running this
  // interpreter only; readable from any thread at any time (see exec/profile.hpp).
  const ProfileCounters& profile() const { return profile_; }
  size_t batch_copy_row() const { return program_->size(); }
  void record_batch_copy(uint64_t nanoseconds) { profile_.add(batch_copy_row(), nanoseconds); }

 private:
  void release(size_t i);
  // The path of the file that instruction i's inputs came from (an upstream io.read_file run for
  // this sample), or "": errors name it, whatever op failed on the file's bytes.
  std::string file_of(size_t i) const;
  void locate(Error& e, size_t i, uint64_t sample);
  void clear_paths();

  std::shared_ptr<const Program> program_;
  RunLimits limits_;
  std::vector<Value> slots_;
  std::vector<const Value*> refs_;  // per slot: folded value in the program, or the local slot
  std::vector<const Value*> args_;
  std::vector<bool> reads_file_;  // per instruction: an op that reads_file (its input 0 is the path)
  DestinationPlan destinations_;  // which instructions compute into the batch slots
  std::vector<Value> paths_;      // per io.read_file instruction: the path it read for this sample
  size_t executed_ = 0;
  std::atomic<bool> profiling_{false};
  ProfileCounters profile_;
};

}  // namespace pxp
