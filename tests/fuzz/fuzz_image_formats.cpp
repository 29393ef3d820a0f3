// libFuzzer target: pxp::fuzz::image_formats (tests/fuzz/entry_points.hpp). Built with PIXELPIPES_FUZZ
// (`make fuzz`, the "fuzz" preset); seeds in tests/fuzz/corpus/image_formats/.
#include "entry_points.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pxp::fuzz::image_formats(data, size);
  return 0;
}
