// An op's result written straight into the batch. While an OutputTarget lives on a thread, the
// first Tensor::empty there of the target's dtype and element count returns the target itself, in
// the shape asked for (the sample's slot in a batch buffer, a contiguous view), instead of new
// memory, so the kernel
// computes its result where the stream would otherwise copy it: one pass over the pixels instead
// of two for memory-bound ops. The interpreter sets one around the ops that declare
// allocates_destination() (ops whose kernels allocate their result once with Tensor::empty and
// keep no reference to it after returning). If the op returns some other tensor, the stream sees
// that the result is not in the slot and copies it as usual, so the target is only ever a hint.
#pragma once

#include "core/tensor.hpp"

namespace pxp {

class OutputTarget {
 public:
  explicit OutputTarget(const Tensor* target);   // null or undefined: no target
  ~OutputTarget();
  OutputTarget(const OutputTarget&) = delete;
  OutputTarget& operator=(const OutputTarget&) = delete;

  // Tensor::empty asks: the target (viewed in `shape`), once, when dtype and element count match.
  static bool take(DType dtype, const Shape& shape, Tensor& out);

 private:
  const Tensor* previous_;
};

}  // namespace pxp
