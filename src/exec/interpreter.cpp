#include "exec/interpreter.hpp"

#include <algorithm>

#include "core/output_target.hpp"

namespace pxp {

Interpreter::Interpreter(std::shared_ptr<const Program> program, RunLimits limits)
    : program_(std::move(program)), limits_(limits), profile_(program_->size() + 1) {
  size_t n = program_->size();
  slots_.resize(n);
  refs_.resize(n);
  for (size_t i = 0; i < n; ++i) refs_[i] = program_->folded[i].empty() ? &slots_[i] : &program_->folded[i];
  reads_file_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Instruction& ins = program_->instructions[i];
    reads_file_[i] = ins.op->reads_file && !ins.inputs.empty();
  }
  paths_.resize(n);
  destinations_ = plan_destinations(*program_);
}

std::string Interpreter::file_of(size_t i) const {
  // Depth-first up the inputs (cold path: only on an error); the nearest read wins.
  std::vector<size_t> todo{i};
  std::vector<bool> seen(program_->size());
  while (!todo.empty()) {
    size_t k = todo.back();
    todo.pop_back();
    if (k >= seen.size() || seen[k]) continue;
    seen[k] = true;
    if (reads_file_[k] && paths_[k].is_string()) return paths_[k].string();
    const auto& inputs = program_->instructions[k].inputs;
    for (auto it = inputs.rbegin(); it != inputs.rend(); ++it) todo.push_back(*it);
  }
  return "";
}

void Interpreter::release(size_t i) {
  for (uint32_t s : program_->release_after[i]) slots_[s] = Value();
}

// Frees the sample's slots and names where an error happened (unless an inner step already did).
void Interpreter::locate(Error& e, size_t i, uint64_t sample) {
  for (auto& s : slots_) s = Value();
  const Program& p = *program_;
  e.sample = sample;
  if (i < p.size()) {
    if (e.file.empty()) e.file = file_of(i);
    if (e.instruction < 0) {
      const Instruction& ins = p.instructions[i];
      e.instruction = static_cast<int64_t>(i);
      e.op = ins.op->name;
      e.node = ins.label;
      e.source = ins.source;
    }
  }
  clear_paths();
}

std::vector<Value> Interpreter::run(uint64_t seed, uint64_t sample, const std::vector<Tensor>* destinations) {
  const Program& p = *program_;
  size_t n = p.size();
  executed_ = 0;
  size_t i = 0;
  // Profiling: when an instruction starts, the one executed before it has ended, so one clock read
  // per instruction closes the previous row (the folded instructions skipped in between add a
  // compare each); the last is closed after the loop. An instruction that throws is never closed.
  const bool profiling = profiling_.load(std::memory_order_relaxed);
  constexpr size_t kNone = ~size_t(0);
  size_t timed = kNone;  // the instruction running since `started`
  uint64_t started = 0;
  try {
    for (; i < n; ++i) {
      const Instruction& ins = p.instructions[i];
      if (!p.folded[i].empty()) continue;
      ++executed_;
      if (profiling) {
        uint64_t now = profile_clock_ns();
        if (timed != kNone) profile_.add(timed, now - started);
        timed = i;
        started = now;
      }
      switch (ins.op->control) {
        case Control::Jump:
          for (size_t k = i + 1; k < static_cast<size_t>(ins.target); ++k) release(k);
          i = static_cast<size_t>(ins.target) - 1;
          continue;
        case Control::Branch:
          if (!refs_[ins.inputs[0]]->as_bool()) {
            release(i);
            for (size_t k = i + 1; k < static_cast<size_t>(ins.target); ++k) release(k);
            i = static_cast<size_t>(ins.target) - 1;
            continue;
          }
          break;
        case Control::Merge: {
          int64_t pick = refs_[ins.inputs[0]]->as_int();
          // (pick + 1 could overflow: compare against the branch count instead)
          if (pick < 0 || pick >= static_cast<int64_t>(ins.inputs.size()) - 1)
            range_error("branch selector " + std::to_string(pick) + " is out of range: there are " +
                        std::to_string(ins.inputs.size() - 1) + " branches");
          const Value* v = refs_[ins.inputs[static_cast<size_t>(pick) + 1]];
          if (v->empty()) fail(PXP_EINVALID_PROGRAM, "the selected branch did not compute its value");
          slots_[i] = *v;
          break;
        }
        case Control::Constant:
          slots_[i] = p.constants[static_cast<size_t>(ins.attrs.get_int("index"))];
          break;
        case Control::None: {
          args_.clear();
          for (uint32_t s : ins.inputs) args_.push_back(refs_[s]);
          if (reads_file_[i]) paths_[i] = *args_[0];
          ExecContext ctx(ins.attrs, seed, sample, ins.key, limits_);
          const Tensor* slot = nullptr;   // the batch slot this result may be allocated in
          if (destinations) {
            const int32_t w = destinations_.writes[i], a = destinations_.allocates[i];
            if (w >= 0 && (*destinations)[static_cast<size_t>(w)].defined())
              ctx.destination = &(*destinations)[static_cast<size_t>(w)];
            if (a >= 0 && (*destinations)[static_cast<size_t>(a)].defined()) slot = &(*destinations)[static_cast<size_t>(a)];
          }
          if (slot) {
            OutputTarget target(slot);
            slots_[i] = ins.op->exec(ctx, Args(args_.data(), args_.size()));
          } else {
            slots_[i] = ins.op->exec(ctx, Args(args_.data(), args_.size()));
          }
          break;
        }
      }
      release(i);
    }
    if (profiling && timed != kNone) profile_.add(timed, profile_clock_ns() - started);
  } catch (Error& e) {
    locate(e, i, sample);
    throw;
  } catch (const std::bad_alloc&) {
    Error e(PXP_ENOMEM, "out of memory");
    locate(e, i, sample);
    throw e;
  } catch (const std::exception& ex) {
    // OpenCV and the standard library throw their own types: keep the message, add the place.
    Error e(PXP_EINTERNAL, ex.what());
    locate(e, i, sample);
    throw e;
  }
  std::vector<Value> out;
  out.reserve(p.outputs.size());
  for (const auto& o : p.outputs) out.push_back(*refs_[o.second]);
  for (auto& s : slots_) s = Value();
  clear_paths();
  return out;
}

void Interpreter::clear_paths() {
  for (size_t k = 0; k < paths_.size(); ++k)
    if (reads_file_[k]) paths_[k] = Value();
}

}  // namespace pxp
