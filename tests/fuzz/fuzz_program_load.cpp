// libFuzzer target: pxp::fuzz::program_load (tests/fuzz/entry_points.hpp). Built with PIXELPIPES_FUZZ
// (`make fuzz`, the "fuzz" preset); seeds in tests/fuzz/corpus/program_load/.
#include "entry_points.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pxp::fuzz::program_load(data, size);
  return 0;
}
