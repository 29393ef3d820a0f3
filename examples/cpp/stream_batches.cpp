// Loads a saved program and iterates batches with the C++ API (pixelpipes/pixelpipes.hpp),
// printing each output's shape and the throughput.
//
//   stream_batches PROGRAM [BATCHES=10] [BATCH_SIZE=16] [THREADS=0] [SEED=0]
//
// pxp::Program, pxp::Pipeline and pxp::Batch free their C handles themselves, and every failing
// call throws pxp::Error with the library's message (sample, op and node included).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include <pixelpipes/pixelpipes.hpp>

namespace {

// "u8[16,224,224,3]" for a stacked tensor, "list[16]" for an output whose shape varies.
std::string shape_of(const pxp::Value& value) {
  switch (value.kind()) {
    case pxp::ValueKind::List: return "list[" + std::to_string(value.length()) + "]";
    case pxp::ValueKind::String: return "string";
    case pxp::ValueKind::Tensor: break;
    default: return "?";  // a kind newer than this program
  }
  const pxp::TensorView view = value.tensor();
  std::string s = std::string(view.dtype_name()) + "[";
  for (int i = 0; i < view.ndim(); ++i) s += (i ? "," : "") + std::to_string(view.shape(i));
  return s + "]";
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::fprintf(stderr, "usage: stream_batches PROGRAM [BATCHES=10] [BATCH_SIZE=16] [THREADS=0] [SEED=0]\n");
    return 2;
  }
  const unsigned long batches = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 10;
  // Both option sets start from the library's defaults; only what is set here changes.
  pxp::StreamOptions stream_options;
  stream_options.batch_size(argc > 3 ? static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10)) : 16);
  stream_options.stop(stream_options.start() + batches * stream_options.batch_size());  // then the loop ends
  pxp::PipelineOptions options;
  options.threads(argc > 4 ? static_cast<uint32_t>(std::strtoul(argv[4], nullptr, 10)) : 0);
  options.seed(argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 0);

  pxp::Pipeline pipeline;
  std::vector<std::string> names;
  {
    // from_file resolves the file paths that pixelpipes.save stored relative to the program's
    // folder, so a saved dataset folder runs wherever it was copied.
    const pxp::Program program = pxp::Program::from_file(argv[1]);
    for (const pxp::OutputInfo& output : program.outputs()) names.push_back(output.name);
    pipeline = pxp::Pipeline(program, options);
  }  // the program may go: the pipeline holds its own reference

  pxp::Stream stream = pipeline.stream(stream_options);
  const auto t0 = std::chrono::steady_clock::now();
  unsigned long done = 0;
  for (pxp::Batch& batch : stream) {  // each batch is freed when the loop moves on
    const pxp::BatchInfo info = batch.info();
    std::printf("batch %llu (samples %llu..%llu):", static_cast<unsigned long long>(info.number),
                static_cast<unsigned long long>(info.first_position),
                static_cast<unsigned long long>(info.first_position + info.size - 1));
    for (size_t o = 0; o < names.size(); ++o)
      std::printf("  %s %s", names[o].c_str(), shape_of(batch.output(o)).c_str());
    std::printf("\n");
    ++done;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%lu batches of %u in %.3f s: %.0f images/s\n", done, stream_options.batch_size(), seconds,
              static_cast<double>(done) * stream_options.batch_size() / (seconds > 1e-9 ? seconds : 1e-9));
  return 0;
} catch (const std::exception& e) {  // pxp::Error: "PXP_EIO: cannot read ..."
  std::fprintf(stderr, "stream_batches: %s\n", e.what());
  return 1;
}
