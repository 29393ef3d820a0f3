// Loads a saved program and iterates batches through the C ABI, printing each output's shape
// and the throughput.
//
//   stream_batches PROGRAM [BATCHES=10] [BATCH_SIZE=16] [THREADS=0] [SEED=0]
//
// The C handles are held by std::unique_ptr with their pxp_*_free functions, and every status
// goes through check(), which turns an error into an exception carrying the last error's message.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <pixelpipes/pixelpipes.h>

namespace {

struct ProgramFree { void operator()(pxp_program* p) const { pxp_program_free(p); } };
struct PipelineFree { void operator()(pxp_pipeline* p) const { pxp_pipeline_free(p); } };
struct BatchFree { void operator()(pxp_batch* b) const { pxp_batch_free(b); } };
using Program = std::unique_ptr<pxp_program, ProgramFree>;
using Pipeline = std::unique_ptr<pxp_pipeline, PipelineFree>;
using Batch = std::unique_ptr<pxp_batch, BatchFree>;

void check(pxp_status status, const char* what) {
  if (status >= 0) return;
  const pxp_error* e = pxp_error_last();
  throw std::runtime_error(std::string(what) + ": " + pxp_status_name(e->code) + ": " + e->message);
}

// pxp_program_load_file resolves the file paths that pixelpipes.save stored relative to the
// program's folder, so a saved dataset folder runs wherever it was copied.
Program load(const std::string& path) {
  pxp_program* program = nullptr;
  check(pxp_program_load_file(&program, path.c_str()), "load");
  return Program(program);
}

// "u8[16,224,224,3]" for a stacked tensor, "list[16]" for an output whose shape varies.
std::string shape_of(const pxp_value* value) {
  int32_t kind = 0;
  check(pxp_value_kind_get(&kind, value), "kind");
  if (kind == PXP_VALUE_LIST) {
    size_t n = 0;
    check(pxp_value_list_length(&n, value), "list length");
    return "list[" + std::to_string(n) + "]";
  }
  if (kind == PXP_VALUE_STRING) return "string";
  pxp_tensor_view view;
  check(pxp_value_tensor(&view, value), "tensor");
  std::string s = std::string(pxp_dtype_name(view.dtype)) + "[";
  for (int i = 0; i < view.ndim; ++i) s += (i ? "," : "") + std::to_string(view.shape[i]);
  return s + "]";
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::fprintf(stderr, "usage: stream_batches PROGRAM [BATCHES=10] [BATCH_SIZE=16] [THREADS=0] [SEED=0]\n");
    return 2;
  }
  const unsigned long batches = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 10;
  pxp_stream_options stream;
  check(pxp_stream_options_init(&stream, PXP_STREAM_OPTIONS_VERSION), "stream options");
  stream.batch_size = argc > 3 ? static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10)) : 16;
  pxp_pipeline_options options;
  check(pxp_pipeline_options_init(&options, PXP_PIPELINE_OPTIONS_VERSION), "options");
  options.threads = argc > 4 ? static_cast<uint32_t>(std::strtoul(argv[4], nullptr, 10)) : 0;
  options.seed = argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 0;

  Pipeline pipeline;
  std::vector<std::string> names;
  {
    Program program = load(argv[1]);
    size_t outputs = 0;
    check(pxp_program_output_count(&outputs, program.get()), "outputs");
    for (size_t o = 0; o < outputs; ++o) {
      pxp_output_info info;
      check(pxp_program_output(&info, program.get(), o), "output");
      names.emplace_back(info.name);
    }
    pxp_pipeline* raw = nullptr;
    check(pxp_pipeline_create(&raw, program.get(), &options), "pipeline");
    pipeline.reset(raw);
  }  // the program may go: the pipeline holds its own reference

  check(pxp_pipeline_start(pipeline.get(), &stream), "start");
  const auto t0 = std::chrono::steady_clock::now();
  for (unsigned long k = 0; k < batches; ++k) {
    pxp_batch* raw = nullptr;
    check(pxp_pipeline_next_batch(&raw, pipeline.get()), "next batch");
    Batch batch(raw);
    pxp_batch_info info;
    check(pxp_batch_info_get(&info, batch.get()), "batch info");
    std::printf("batch %llu (samples %llu..%llu):", static_cast<unsigned long long>(info.number),
                static_cast<unsigned long long>(info.first_position),
                static_cast<unsigned long long>(info.first_position + info.size - 1));
    for (size_t o = 0; o < names.size(); ++o) {
      const pxp_value* value = nullptr;
      check(pxp_batch_output(&value, batch.get(), o), "batch output");
      std::printf("  %s %s", names[o].c_str(), shape_of(value).c_str());
    }
    std::printf("\n");
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%lu batches of %u in %.3f s: %.0f images/s\n", batches, stream.batch_size, seconds,
              static_cast<double>(batches) * stream.batch_size / (seconds > 1e-9 ? seconds : 1e-9));
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "stream_batches: %s\n", e.what());
  return 1;
}
