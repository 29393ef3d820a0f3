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
  if (!t || t->dtype() != dtype || t->shape() != shape) return false;
  t_target = nullptr;   // once: later allocations of the op get their own memory
  out = *t;
  return true;
}

}  // namespace pxp
