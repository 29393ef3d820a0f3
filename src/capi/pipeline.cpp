// extern "C" shims for pixelpipes/pipeline.h.
#include "capi/guard.hpp"
#include "pixelpipes/pixelpipes.h"
#include "capi/handles.hpp"
#include "capi/run_options.hpp"

using namespace pxp;
using capi::guard;
using capi::require;

extern "C" {

PXP_API pxp_status pxp_pipeline_create(pxp_pipeline** out, const pxp_program* program,
                                       const pxp_pipeline_options* options) {
  return guard([&] {
    require(out, "out");
    require(program, "program");
    *out = nullptr;
    auto handle = std::make_unique<pxp_pipeline>();
    handle->pipeline = std::make_unique<Pipeline>(program->program, capi::from_abi(options));
    *out = handle.release();
  });
}

PXP_API void pxp_pipeline_free(pxp_pipeline* pipeline) { delete pipeline; }

PXP_API pxp_status pxp_pipeline_run(pxp_sample** out, pxp_pipeline* pipeline, uint64_t index) {
  return guard([&] {
    require(out, "out");
    require(pipeline, "pipeline");
    *out = nullptr;
    auto sample = std::make_unique<pxp_sample>();
    sample->sample = pipeline->pipeline->run(index);
    *out = sample.release();
  });
}

PXP_API pxp_status pxp_pipeline_run_many(pxp_sample** out, pxp_pipeline* pipeline, uint64_t start, size_t count) {
  return guard([&] {
    require(out, "out");
    require(pipeline, "pipeline");
    for (size_t k = 0; k < count; ++k) out[k] = nullptr;
    std::vector<Sample> samples = pipeline->pipeline->run_many(start, count);
    std::vector<std::unique_ptr<pxp_sample>> owned;
    owned.reserve(count);
    for (auto& s : samples) {
      owned.push_back(std::make_unique<pxp_sample>());
      owned.back()->sample = std::move(s);
    }
    for (size_t k = 0; k < count; ++k) out[k] = owned[k].release();
  });
}

PXP_API pxp_status pxp_pipeline_set_threads(pxp_pipeline* pipeline, uint32_t threads) {
  return guard([&] {
    require(pipeline, "pipeline");
    if (pipeline->stream) fail(PXP_ESTATE, "cannot change the threads of a pipeline while its stream runs");
    pipeline->pipeline->set_threads(threads);
  });
}

PXP_API pxp_status pxp_pipeline_interrupt(pxp_pipeline* pipeline, uint32_t interrupted) {
  return guard([&] {
    require(pipeline, "pipeline");
    pipeline->pipeline->interrupt(interrupted != 0);
  });
}

PXP_API void pxp_sample_free(pxp_sample* sample) { delete sample; }

PXP_API pxp_status pxp_pipeline_start(pxp_pipeline* pipeline, const pxp_stream_options* options) {
  return guard([&] {
    require(pipeline, "pipeline");
    require(options, "options");
    StreamOptions o = capi::from_abi(*options);
    Stream::destroy(pipeline->stream);
    pipeline->stream = std::make_unique<Stream>(*pipeline->pipeline, o);
  });
}

PXP_API pxp_status pxp_pipeline_next_batch(pxp_batch** out, pxp_pipeline* pipeline) {
  return guard([&] {
    require(out, "out");
    require(pipeline, "pipeline");
    *out = nullptr;
    if (!pipeline->stream) fail(PXP_ESTATE, "no stream: call pxp_pipeline_start first");
    auto batch = std::make_unique<pxp_batch>();
    batch->batch = pipeline->stream->next();
    if (!batch->batch) return PXP_END_OF_STREAM;
    *out = batch.release();
    return PXP_OK;
  });
}

PXP_API pxp_status pxp_pipeline_stream_batch_count(uint64_t* out, const pxp_pipeline* pipeline) {
  return guard([&] {
    require(out, "out");
    require(pipeline, "pipeline");
    if (!pipeline->stream) fail(PXP_ESTATE, "no stream: call pxp_pipeline_start first");
    *out = pipeline->stream->batch_count();
  });
}

PXP_API pxp_status pxp_pipeline_stop(pxp_pipeline* pipeline) {
  return guard([&] {
    require(pipeline, "pipeline");
    Stream::destroy(pipeline->stream);
  });
}

PXP_API pxp_status pxp_batch_info_get(pxp_batch_info* out, const pxp_batch* batch) {
  return guard([&] {
    require(out, "out");
    require(batch, "batch");
    out->number = batch->batch->number;
    out->first_position = batch->batch->first_position;
    out->size = static_cast<uint32_t>(batch->batch->size);
  });
}

PXP_API pxp_status pxp_batch_output(const pxp_value** out, const pxp_batch* batch, size_t index) {
  return guard([&] {
    require(out, "out");
    require(batch, "batch");
    const auto& outputs = batch->batch->outputs;
    if (index >= outputs.size())
      range_error("output index " + std::to_string(index) + " is out of range: " + std::to_string(outputs.size()) +
                  " outputs");
    *out = wrap(&outputs[index]);
  });
}

PXP_API pxp_status pxp_batch_lengths(const pxp_value** out, const pxp_batch* batch, size_t index) {
  return guard([&] {
    require(out, "out");
    require(batch, "batch");
    const auto& lengths = batch->batch->lengths;
    if (index >= lengths.size())
      range_error("output index " + std::to_string(index) + " is out of range: " + std::to_string(lengths.size()) +
                  " outputs");
    if (lengths[index].empty()) fail(PXP_ESTATE, "output " + std::to_string(index) + " is not padded");
    *out = wrap(&lengths[index]);
  });
}

PXP_API void pxp_batch_free(pxp_batch* batch) { delete batch; }

PXP_API pxp_status pxp_pipeline_stats_get(pxp_pipeline_stats* out, const pxp_pipeline* pipeline) {
  return guard([&] {
    require(out, "out");
    require(pipeline, "pipeline");
    out->buffers_allocated = pipeline->stream ? pipeline->stream->buffers_allocated() : 0;
    out->buffers_reused = pipeline->stream ? pipeline->stream->buffers_reused() : 0;
  });
}

PXP_API pxp_status pxp_pipeline_error_stats_get(pxp_error_stats* out, const pxp_pipeline* pipeline) {
  return guard([&] {
    require(out, "out");
    require(pipeline, "pipeline");
    if (out->version == 0 || out->version > PXP_ERROR_STATS_VERSION)
      argument_error("pxp_error_stats.version is " + std::to_string(out->version) + "; this library knows versions 1.." +
                     std::to_string(PXP_ERROR_STATS_VERSION));
    ErrorStats s = pipeline->pipeline->error_stats();
    out->failed = s.failed;
    out->skipped = s.skipped;
    out->fallbacks = s.fallbacks;
    out->failed_attempts = s.failed_attempts;
    out->epochs = s.per_epoch.size();
  });
}

PXP_API pxp_status pxp_pipeline_epoch_skips(uint64_t* epochs, uint64_t* counts, size_t capacity, size_t* total,
                                            const pxp_pipeline* pipeline) {
  return guard([&] {
    require(total, "total");
    require(pipeline, "pipeline");
    if (capacity) {
      require(epochs, "epochs");
      require(counts, "counts");
    }
    ErrorStats s = pipeline->pipeline->error_stats();
    *total = s.per_epoch.size();
    size_t k = 0;
    for (auto it = s.per_epoch.begin(); it != s.per_epoch.end() && k < capacity; ++it, ++k) {
      epochs[k] = it->first;
      counts[k] = it->second;
    }
  });
}

PXP_API pxp_status pxp_pipeline_profile_enable(pxp_pipeline* pipeline, uint32_t enabled) {
  return guard([&] {
    require(pipeline, "pipeline");
    pipeline->pipeline->set_profiling(enabled != 0);
  });
}

PXP_API pxp_status pxp_pipeline_profile_reset(pxp_pipeline* pipeline) {
  return guard([&] {
    require(pipeline, "pipeline");
    pipeline->pipeline->reset_profile();
  });
}

PXP_API pxp_status pxp_pipeline_profile_get(pxp_profile_row* rows, size_t capacity, size_t* total,
                                            const pxp_pipeline* pipeline) {
  return guard([&] {
    require(total, "total");
    require(pipeline, "pipeline");
    if (capacity) require(rows, "rows");
    const Program& program = pipeline->pipeline->program();
    std::vector<ProfileRow> profile = pipeline->pipeline->profile();
    *total = profile.size();
    for (size_t k = 0; k < profile.size() && k < capacity; ++k) {
      bool instruction = k < program.size();
      rows[k].op = instruction ? program.instructions[k].op->name.c_str() : "(batch copy)";
      rows[k].node = instruction ? program.instructions[k].label.c_str() : "";
      rows[k].source = instruction ? program.instructions[k].source.c_str() : "";
      rows[k].count = profile[k].count;
      rows[k].nanoseconds = profile[k].nanoseconds;
    }
  });
}

PXP_API pxp_status pxp_sample_index(uint64_t* out, const pxp_sample* sample) {
  return guard([&] {
    require(out, "out");
    require(sample, "sample");
    *out = sample->sample.index;
  });
}

PXP_API pxp_status pxp_sample_output(const pxp_value** out, const pxp_sample* sample, size_t index) {
  return guard([&] {
    require(out, "out");
    require(sample, "sample");
    const auto& outputs = sample->sample.outputs;
    if (index >= outputs.size())
      range_error("output index " + std::to_string(index) + " is out of range: " + std::to_string(outputs.size()) +
                  " outputs");
    *out = wrap(&outputs[index]);
  });
}

}  // extern "C"
