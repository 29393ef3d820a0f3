#include "exec/stream.hpp"

#include "exec/destination_plan.hpp"
#include "exec/fork_generation.hpp"

#include <algorithm>
#include <cstring>

namespace pxp {

// A batch in the making. Its samples are claimed one at a time from next_slot by a few tasks (one
// per worker, not one per sample: queueing and waking a worker per sample cost more than a cheap
// sample). The job lives in jobs_ until next() takes it, which is after its last task ended.
struct Stream::Job {
  Batch batch;
  std::atomic<size_t> next_slot{0};
  size_t active_tasks = 0;  // tasks still claiming samples (mutex_)
  std::vector<std::vector<Value>> varying;  // [output][slot] for outputs that are not stacked
  // Lowest failing position so far, -1 if none: written with `error` under mutex_, read without it
  // by workers deciding whether a sample is still needed.
  std::atomic<int64_t> error_sample{-1};
  std::exception_ptr error;
  uint32_t error_attempts = 0;  // failed replacements of the sample whose error is `error`
  bool ready = false;
  ErrorStats errors;            // failing samples of this batch (error policy)
  uint64_t varying_bytes = 0;   // bytes of the non-stacked outputs so far
};

namespace {
uint64_t value_bytes(const Value& v) {
  if (v.is_tensor()) return v.tensor().nbytes();
  if (v.is_string()) return v.string().size();
  uint64_t total = 0;
  if (v.is_list())
    for (const auto& item : v.list()) total += value_bytes(item);
  return total;
}

std::string byte_text(uint64_t bytes) { return std::to_string(bytes) + " bytes"; }

bool fully_known(const Type& t) {
  if (!t.is_tensor() || !t.dtype || !t.shape) return false;
  return std::all_of(t.shape->begin(), t.shape->end(), [](int64_t d) { return d >= 0; });
}

Value padded(const std::vector<Value>& items, const std::string& name, Value& lengths) {
  const Tensor& first = items.at(0).tensor();
  size_t ndim = static_cast<size_t>(first.ndim());
  if (ndim + 1 > static_cast<size_t>(kMaxDims))
    type_error("output '" + name + "' has samples of " + std::to_string(ndim) + " dimensions: padded into a batch " +
               "they would need " + std::to_string(ndim + 1) + ", more than the limit of " + std::to_string(kMaxDims));
  Shape max_shape(ndim, 0);
  for (const auto& v : items) {
    const Tensor& t = v.tensor();
    if (t.dtype() != first.dtype() || static_cast<size_t>(t.ndim()) != ndim)
      type_error("output '" + name + "' changes dtype or rank within a batch: cannot pad it");
    for (size_t d = 0; d < ndim; ++d) max_shape[d] = std::max(max_shape[d], t.shape()[d]);
  }
  Shape out_shape{static_cast<int64_t>(items.size())};
  out_shape.insert(out_shape.end(), max_shape.begin(), max_shape.end());
  Tensor out = Tensor::zeros(first.dtype(), out_shape);
  Tensor lens = Tensor::empty(DType::I64, {static_cast<int64_t>(items.size()), static_cast<int64_t>(ndim)});
  size_t elem = dtype_size(first.dtype());
  for (size_t b = 0; b < items.size(); ++b) {
    Tensor t = items[b].tensor().contiguous();
    for (size_t d = 0; d < ndim; ++d) lens.mutable_data<int64_t>()[b * ndim + d] = t.shape()[d];
    // copy row-major blocks of the last dimension into the padded slot
    int64_t rows = 1;
    for (size_t d = 0; d + 1 < ndim; ++d) rows *= t.shape()[d];
    int64_t row_len = ndim ? t.shape()[ndim - 1] : 1;
    for (int64_t r = 0; r < rows && row_len > 0; ++r) {
      int64_t offset = static_cast<int64_t>(b) * out.strides()[0];
      int64_t rem = r;
      for (size_t d = ndim; d-- > 1;) {  // the dimensions before the last, innermost first
        offset += (rem % t.shape()[d - 1]) * out.strides()[d];
        rem /= t.shape()[d - 1];
      }
      std::memcpy(out.mutable_bytes() + offset, t.bytes() + r * row_len * static_cast<int64_t>(elem),
                  static_cast<size_t>(row_len) * elem);
    }
  }
  lengths = Value(lens);
  return Value(out);
}
}  // namespace

Stream::Stream(Pipeline& pipeline, StreamOptions options)
    : pipeline_(pipeline), options_(options), buffers_(std::make_shared<BufferPool>()),
      generation_(fork_generation()) {
  validate(options_);
  batch_count_ = static_cast<uint64_t>(std::min<unsigned __int128>(stream_batch_count(options_), ~uint64_t(0)));
  const Program& p = pipeline_.program();
  for (const auto& o : p.outputs) stacked_.push_back(fully_known(p.instructions[o.second].type));
  uint64_t limit = pipeline_.error_policy().max_batch_bytes;
  for (size_t o = 0; o < p.outputs.size(); ++o) {
    if (!stacked_[o]) continue;
    const Type& t = p.instructions[p.outputs[o].second].type;
    unsigned __int128 bytes = dtype_size(*t.dtype) * static_cast<unsigned __int128>(options_.batch_size);
    for (int64_t d : *t.shape) bytes *= static_cast<uint64_t>(d);
    unsigned __int128 total = stacked_bytes_ + bytes;
    if (limit && total > limit)
      fail(PXP_ENOMEM, "a batch of " + std::to_string(options_.batch_size) + " samples needs at least " +
                           (total >> 64 ? std::string("2^64 bytes") : byte_text(static_cast<uint64_t>(total))) +
                           " for its fixed-shape outputs (up to output '" + p.outputs[o].first +
                           "'), more than max_batch_bytes = " + byte_text(limit));
    stacked_bytes_ = static_cast<uint64_t>(std::min<unsigned __int128>(total, ~uint64_t(0)));
  }
  any_varying_ = std::find(stacked_.begin(), stacked_.end(), false) != stacked_.end();
  check_batchable_ranks();
  const DestinationPlan plan = plan_destinations(p);
  for (size_t o = 0; o < p.outputs.size(); ++o) {
    uint32_t slot = p.outputs[o].second;
    bool first_of_slot = true;  // a value output twice is written in place once, then copied
    for (size_t k = 0; k < o; ++k) first_of_slot = first_of_slot && p.outputs[k].second != slot;
    writes_destination_.push_back(stacked_[o] && first_of_slot && p.folded[slot].empty() && plan.targets(o));
  }
  any_destination_ = std::find(writes_destination_.begin(), writes_destination_.end(), true) != writes_destination_.end();
  // A constructor that throws runs no destructor: the tasks already queued reference this stream,
  // so they are cancelled and waited for here before the error leaves.
  std::unique_lock<std::mutex> lock(mutex_);
  try {
    for (size_t k = 0; k < options_.prefetch && scheduled_ < batch_count_; ++k) {
      schedule(scheduled_);
      ++scheduled_;
    }
  } catch (...) {
    cancel_and_wait(lock);
    throw;
  }
}

// An output whose samples have rank r becomes a batch of rank r + 1 (stacked, or padded): reject
// at start what no batch could hold, naming the output, instead of failing in every sample.
void Stream::check_batchable_ranks() const {
  const Program& p = pipeline_.program();
  for (size_t o = 0; o < p.outputs.size(); ++o) {
    const Type& t = p.instructions[p.outputs[o].second].type;
    if (!t.is_tensor() || !t.shape || (!stacked_[o] && !options_.pad_varying)) continue;
    size_t rank = t.shape->size();
    if (rank + 1 > static_cast<size_t>(kMaxDims))
      type_error("output '" + p.outputs[o].first + "' has " + std::to_string(rank) +
                 " dimensions: a batch of it would need " + std::to_string(rank + 1) + ", more than the limit of " +
                 std::to_string(kMaxDims) + " (run() can still compute its samples one by one)");
  }
}

void Stream::cancel_and_wait(std::unique_lock<std::mutex>& lock) {
  cancelled_ = true;
  changed_.wait(lock, [this] { return tasks_in_flight_ == 0; });
}

Stream::~Stream() {
  std::unique_lock<std::mutex> lock(mutex_);
  cancel_and_wait(lock);
}

bool Stream::forked() const { return generation_ != fork_generation(); }

void Stream::destroy(std::unique_ptr<Stream>& stream) {
  // In a child of fork(), the workers that would end the stream's tasks do not exist, and its mutex
  // and condition variable may be held by them: waiting would hang, so the stream is abandoned.
  if (stream && stream->forked())
    (void)stream.release();
  else
    stream.reset();
}

// Called with mutex_ held.
void Stream::schedule(uint64_t number) {
  auto job = std::make_shared<Job>();
  Batch& b = job->batch;
  b.number = number;
  b.size = stream_batch_size(options_, number);
  b.first_position = options_.start + (number * options_.world_size + options_.rank) * options_.batch_size;
  const Program& p = pipeline_.program();
  b.outputs.resize(p.outputs.size());
  b.lengths.resize(p.outputs.size());
  job->varying.resize(p.outputs.size());
  for (size_t o = 0; o < p.outputs.size(); ++o) {
    const Type& t = p.instructions[p.outputs[o].second].type;
    if (stacked_[o]) {
      Shape shape{static_cast<int64_t>(b.size)};
      shape.insert(shape.end(), t.shape->begin(), t.shape->end());
      b.outputs[o] = Value(buffers_->acquire(*t.dtype, shape));
    } else {
      job->varying[o].resize(b.size);
    }
  }
  size_t tasks = std::min(pipeline_.threads(), b.size);
  job->active_tasks = tasks;
  jobs_[number] = job;
  Job* claimed = job.get();  // alive in jobs_ until its last task has ended (see Job)
  // The tasks claim the batch's samples between them, so a batch with at least one task queued
  // completes; if not even one can be queued, the batch is withdrawn and the error goes up. The
  // workers cannot end a task before this returns: they need mutex_, which the caller holds.
  size_t queued = 0;
  try {
    for (; queued < tasks; ++queued) {
      pipeline_.submit([this, claimed](size_t worker) { run_samples(*claimed, worker); });
      ++tasks_in_flight_;
    }
  } catch (...) {
    job->active_tasks = queued;
    if (queued == 0) {
      jobs_.erase(number);
      throw;
    }
  }
}

void Stream::run_samples(Job& job, size_t worker) {
  for (size_t slot; (slot = job.next_slot.fetch_add(1, std::memory_order_relaxed)) < job.batch.size;)
    run_sample(job, slot, worker);
  std::lock_guard<std::mutex> lock(mutex_);
  --tasks_in_flight_;
  bool completed = --job.active_tasks == 0;
  if (completed && !cancelled_) finish(job);
  // wake the consumer (next) or the destructor only when what they wait for may have happened
  if (completed || tasks_in_flight_ == 0) changed_.notify_all();
}

void Stream::run_sample(Job& job, size_t slot, size_t worker) {
  uint64_t position = job.batch.first_position + slot;
  // A failed batch needs no more samples, except earlier ones: the error reported must be the
  // lowest failing position whatever the order in which workers picked the samples.
  int64_t failed_at = job.error_sample.load(std::memory_order_acquire);
  bool skip = cancelled_.load(std::memory_order_relaxed) || (failed_at >= 0 && static_cast<int64_t>(position) > failed_at);
  if (!skip) {
    uint32_t failed_attempts = 0;
    try {
      // The sample's slots in the batch buffers, for the ops that can write their result there.
      std::vector<Tensor> destinations;
      if (any_destination_) {
        destinations.resize(stacked_.size());
        for (size_t o = 0; o < stacked_.size(); ++o) {
          if (!writes_destination_[o]) continue;
          const Tensor& dst = job.batch.outputs[o].tensor();
          Shape shape(dst.shape().begin() + 1, dst.shape().end()), strides(dst.strides().begin() + 1, dst.strides().end());
          destinations[o] = dst.restrided(std::move(shape), std::move(strides), static_cast<int64_t>(slot) * dst.strides()[0]);
        }
      }
      std::vector<Value> outputs =
          compute(job, position, worker, any_destination_ ? &destinations : nullptr, failed_attempts);
      // Profile: the copy into the batch is the profile's last row (padding in finish() is not timed).
      Interpreter& interpreter = pipeline_.interpreter(worker);
      const bool profiling = interpreter.profiling();
      uint64_t copy_started = profiling ? profile_clock_ns() : 0;
      const Program& p = pipeline_.program();
      uint64_t limit = pipeline_.error_policy().max_batch_bytes;
      if (limit && any_varying_) {
        uint64_t bytes = 0;
        for (size_t o = 0; o < outputs.size(); ++o)
          if (!stacked_[o]) bytes += value_bytes(outputs[o]);
        std::lock_guard<std::mutex> lock(mutex_);
        job.varying_bytes += bytes;
        if (stacked_bytes_ + job.varying_bytes > limit) {
          Error e(PXP_ENOMEM, "batch " + std::to_string(job.batch.number) + " holds more than max_batch_bytes = " +
                                  byte_text(limit) + " (" + byte_text(stacked_bytes_) + " of fixed-shape outputs and " +
                                  byte_text(job.varying_bytes) + " of varying ones so far)");
          e.sample = position;
          throw e;
        }
      }
      for (size_t o = 0; o < outputs.size(); ++o) {
        if (!stacked_[o]) {
          job.varying[o][slot] = std::move(outputs[o]);
          continue;
        }
        Tensor& dst = const_cast<Tensor&>(job.batch.outputs[o].tensor());
        const Tensor& src = outputs[o].tensor();
        if (src.dtype() != dst.dtype() || src.shape().size() + 1 != dst.shape().size() ||
            !std::equal(src.shape().begin(), src.shape().end(), dst.shape().begin() + 1)) {
          Error e(PXP_EINTERNAL, "output '" + p.outputs[o].first + "' is " + outputs[o].describe() +
                                     " but its type at load was " + p.instructions[p.outputs[o].second].type.to_string());
          e.sample = position;
          throw e;
        }
        size_t bytes = src.nbytes();
        if (src.bytes() == dst.bytes() + slot * bytes && src.is_contiguous()) {  // written in place
          in_place_.fetch_add(1, std::memory_order_relaxed);
          continue;
        }
        if (src.is_contiguous()) {
          std::memcpy(dst.mutable_bytes() + slot * bytes, src.bytes(), bytes);
        } else {
          Tensor c = src.contiguous();
          std::memcpy(dst.mutable_bytes() + slot * bytes, c.bytes(), bytes);
        }
      }
      if (profiling) interpreter.record_batch_copy(profile_clock_ns() - copy_started);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!job.error || static_cast<int64_t>(position) < job.error_sample.load(std::memory_order_relaxed)) {
        job.error = std::current_exception();
        job.error_attempts = failed_attempts;
        job.error_sample.store(static_cast<int64_t>(position), std::memory_order_release);
      }
    }
  }
}

std::vector<Value> Stream::compute(Job& job, uint64_t position, size_t worker,
                                   const std::vector<Tensor>* destinations, uint32_t& failed_attempts) {
  Interpreter& interpreter = pipeline_.interpreter(worker);
  const ErrorPolicy& policy = pipeline_.error_policy();
  uint64_t seed = pipeline_.seed();
  if (policy.mode == ErrorPolicy::Mode::Raise) {
    try {
      return interpreter.run(seed, position, destinations);
    } catch (const Error&) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++job.errors.failed;
      throw;
    }
  }
  std::exception_ptr first;
  try {
    return interpreter.run(seed, position, destinations);
  } catch (const Error&) {
    first = std::current_exception();  // the interpreter turns every exception into an Error
  }
  uint64_t epoch = policy.epoch_length ? position / policy.epoch_length : 0;
  uint32_t attempts = policy.mode == ErrorPolicy::Mode::Skip ? policy.max_attempts : 1;
  uint32_t tried = 0;
  for (uint32_t a = 1; a <= attempts; ++a) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      // Shutting down, or an earlier sample already failed the batch (a later failure must not
      // cut this sample's attempts short: the lowest failing sample's error is the one reported).
      int64_t failed_at = job.error_sample.load(std::memory_order_relaxed);
      if (cancelled_ || (failed_at >= 0 && failed_at < static_cast<int64_t>(position))) break;
    }
    uint64_t replacement = policy.mode == ErrorPolicy::Mode::Skip
                               ? replacement_position(seed, position, a, policy.epoch_length)
                               : policy.fallback_index;
    ++tried;
    try {
      std::vector<Value> out = interpreter.run(seed, replacement, destinations);
      std::lock_guard<std::mutex> lock(mutex_);
      ++job.errors.failed;
      ++(policy.mode == ErrorPolicy::Mode::Skip ? job.errors.skipped : job.errors.fallbacks);
      ++job.errors.per_epoch[epoch];
      return out;
    } catch (const Error&) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++job.errors.failed_attempts;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++job.errors.failed;
  }
  failed_attempts = tried;
  try {
    std::rethrow_exception(first);
  } catch (const Error& e) {
    if (tried == 0) throw;
    Error out(e.code(), e.message() + (policy.mode == ErrorPolicy::Mode::Skip
                                           ? " (on_error=skip: " + std::to_string(tried) +
                                                 " replacement samples failed as well)"
                                           : " (on_error=fallback: the fallback sample " +
                                                 std::to_string(policy.fallback_index) + " failed as well)"));
    out.sample = e.sample;
    out.instruction = e.instruction;
    out.op = e.op;
    out.node = e.node;
    out.source = e.source;
    out.file = e.file;
    throw out;
  }
}

// Called with mutex_ held, by the worker that completed the batch's last sample.
void Stream::finish(Job& job) {
  if (!job.error) {
    try {
      const Program& p = pipeline_.program();
      for (size_t o = 0; o < job.varying.size(); ++o) {
        if (stacked_[o]) continue;
        if (options_.pad_varying && !job.varying[o].empty() && job.varying[o][0].is_tensor())
          job.batch.outputs[o] = padded(job.varying[o], p.outputs[o].first, job.batch.lengths[o]);
        else
          job.batch.outputs[o] = Value(List(std::move(job.varying[o])));
      }
      uint64_t limit = pipeline_.error_policy().max_batch_bytes;
      if (limit && options_.pad_varying) {  // padding may need more than the samples themselves
        uint64_t bytes = stacked_bytes_;
        for (size_t o = 0; o < job.batch.outputs.size(); ++o)
          if (!stacked_[o]) bytes += value_bytes(job.batch.outputs[o]) + value_bytes(job.batch.lengths[o]);
        if (bytes > limit)
          fail(PXP_ENOMEM, "batch " + std::to_string(job.batch.number) + " needs " + byte_text(bytes) +
                               " with its varying outputs padded, more than max_batch_bytes = " + byte_text(limit));
      }
    } catch (...) {
      job.error = std::current_exception();
    }
  }
  job.ready = true;
}

std::shared_ptr<const Batch> Stream::next() {
  if (forked())  // checked before mutex_, which a thread of the parent may have held at fork()
    fail(PXP_ESTATE, "this stream was started in another process (before a fork()): its workers are not in this "
                     "process; start a new stream here");
  std::unique_lock<std::mutex> lock(mutex_);
  uint64_t number = next_;
  if (number >= batch_count_) return nullptr;  // the end of the stream
  if (!jobs_.count(number)) {
    // Nothing ahead: scheduling failed at earlier calls (no memory). Try now; if it fails again,
    // this batch fails with that error and the stream moves past it, as for any failing batch.
    try {
      schedule(number);
    } catch (...) {
      scheduled_ = ++next_;
      throw;
    }
    scheduled_ = number + 1;
  }
  changed_.wait(lock, [&] { return jobs_.at(number)->ready; });
  std::shared_ptr<Job> job = jobs_.at(number);
  jobs_.erase(number);
  ++next_;
  // Keep `prefetch` batches ahead. A batch that cannot be allocated now is tried again at the next
  // call (above), so running short of memory costs prefetch, not this batch.
  try {
    while (scheduled_ < next_ + options_.prefetch && scheduled_ < batch_count_) {
      schedule(scheduled_);
      ++scheduled_;
    }
  } catch (...) {
  }
  // A batch that raises counts the one sample whose error it raises (and its failed replacements):
  // which of its other samples ran before the failure stopped the batch depends on timing, so they
  // are not counted.
  if (job->error) {
    ErrorStats raised;
    raised.failed = job->error_sample.load() >= 0 ? 1 : 0;  // (padding a batch fails no sample)
    raised.failed_attempts = job->error_attempts;
    pipeline_.count_errors(raised);
    std::rethrow_exception(job->error);
  }
  pipeline_.count_errors(job->errors);
  return std::shared_ptr<const Batch>(job, &job->batch);
}

}  // namespace pxp
