#include "core/output_target.hpp"

namespace pxp {

namespace {
thread_local const Tensor* t_target = nullptr;
}

OutputTarget::OutputTarget(const Tensor* target) : previous_(t_target) {
  t_target = target && target->defined() && target->is_contiguous() ? target : nullptr;
}

OutputTarget::~OutputTarget() { t_target = previous_; }

bool OutputTarget::take(DType dtype, const Shape& shape, Tensor& out) {
  const Tensor* t = t_target;
  if (!t || t->dtype() != dtype) return false;
  int64_t n = 1;   // the shape passed checked_numel in Tensor::empty: no overflow
  for (int64_t d : shape) n *= d;
  if (n != t->numel()) return false;
  t_target = nullptr;   // once: later allocations of the op get their own memory
  // the same elements in the asked shape (a tensor.reshape after the op gives the slot's shape back)
  out = t->shape() == shape ? *t : t->restrided(shape, contiguous_strides(shape, dtype_size(dtype)));
  return true;
}

}  // namespace pxp
