// libFuzzer target: pxp::fuzz::jpeg (tests/fuzz/entry_points.hpp). Built with PIXELPIPES_FUZZ
// (`make fuzz`, the "fuzz" preset); seeds in tests/fuzz/corpus/jpeg/.
#include "entry_points.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pxp::fuzz::jpeg(data, size);
  return 0;
}
