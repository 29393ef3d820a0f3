// Conan and CMake consumer of pixelpipes::pixelpipes, in C++17 through pixelpipes/pixelpipes.hpp:
// loads a small committed program (sample_index.pxp: index, linear = 3 * index + 1,
// product = (index - 5) * (index + 2)), streams two batches of four samples and checks every
// value. (tests/c99/consumer.c is the C ABI's own consumer test, in C99.)
//
//   test_package PROGRAM
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include <pixelpipes/pixelpipes.hpp>

namespace {

// Checks the stacked i64 batch output `output` against formula `which` (0, 1, 2); false on a mismatch.
bool expect_column(const pxp::Batch& batch, size_t output, int which) {
  const pxp::BatchInfo info = batch.info();
  const pxp::TensorView view = batch.output(output).tensor();
  if (view.dtype() != pxp::DType::I64 || view.ndim() != 1 || view.shape(0) != static_cast<int64_t>(info.size)) {
    std::fprintf(stderr, "test_package: output %zu is %s with %d dims\n", output, view.dtype_name(), view.ndim());
    return false;
  }
  for (uint32_t k = 0; k < info.size; ++k) {
    const int64_t i = static_cast<int64_t>(info.first_position + k);
    const int64_t got = view.at<int64_t>(k);  // checks the dtype and the bounds, follows the strides
    const int64_t want = which == 0 ? i : which == 1 ? 3 * i + 1 : (i - 5) * (i + 2);
    if (got != want) {
      std::fprintf(stderr, "test_package: sample %lld output %zu is %lld, expected %lld\n", static_cast<long long>(i),
                   output, static_cast<long long>(got), static_cast<long long>(want));
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) try {
  const char* names[3] = {"index", "linear", "product"};
  if (argc != 2) {
    std::fprintf(stderr, "usage: test_package PROGRAM (test_package/sample_index.pxp)\n");
    return 2;
  }
  if (pxp::version_number() != pxp::header_version_number) {
    std::fprintf(stderr, "test_package: header %s but library %s\n", PXP_VERSION_STRING, pxp::version().data());
    return 1;
  }
  std::ifstream file(argv[1], std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (!file || bytes.empty()) {
    std::fprintf(stderr, "test_package: cannot read %s\n", argv[1]);
    return 1;
  }

  pxp::Pipeline pipeline;
  {
    const pxp::Program program = pxp::Program::from_bytes(bytes);
    if (program.output_count() != 3) {
      std::fprintf(stderr, "test_package: %zu outputs, expected 3\n", program.output_count());
      return 1;
    }
    for (size_t o = 0; o < 3; ++o) {
      const std::string name = program.output(o).name;
      if (name != names[o]) {
        std::fprintf(stderr, "test_package: output %zu is %s, expected %s\n", o, name.c_str(), names[o]);
        return 1;
      }
    }
    pipeline = pxp::Pipeline(program, pxp::PipelineOptions().seed(7).threads(2));
  }  // the pipeline keeps its own reference to the program

  pxp::Stream stream = pipeline.stream(pxp::StreamOptions().start(10).batch_size(4));
  for (int b = 0; b < 2; ++b) {
    const pxp::Batch batch = stream.next();
    for (size_t o = 0; o < 3; ++o)
      if (!expect_column(batch, o, static_cast<int>(o))) return 1;
  }
  std::printf("pixelpipes %s: ran %s, 2 batches of 4 samples correct\n", pxp::version().data(), argv[1]);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "test_package: %s\n", e.what());
  return 1;
}
