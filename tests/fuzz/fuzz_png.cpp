// libFuzzer target: pxp::fuzz::png (tests/fuzz/entry_points.hpp). Built with PIXELPIPES_FUZZ
// (`make fuzz`, the "fuzz" preset); seeds in tests/fuzz/corpus/png/.
#include "entry_points.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pxp::fuzz::png(data, size);
  return 0;
}
