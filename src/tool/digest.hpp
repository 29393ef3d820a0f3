// FNV-1a digest of sample outputs: equal digests mean bit-identical outputs.
//
// Each value contributes its kind, then a tensor its dtype, shape and elements in row-major
// order (whatever its strides), a string its bytes, a list its length and elements. A batch
// contributes sample by sample, so a digest does not depend on the batch size.
#pragma once

#include <cstdint>

#include "pixelpipes/value.h"

namespace pxp::tool {

class Digest {
 public:
  void add(const pxp_value* value);         // one output of one sample
  void add(const pxp_tensor_view& tensor);  // a tensor output of one sample (e.g. a batch row)
  uint64_t value() const { return hash_; }

 private:
  void mix(const void* data, size_t size);
  void tensor_body(const pxp_tensor_view& tensor);
  uint64_t hash_ = 1469598103934665603ull;
};

}  // namespace pxp::tool
