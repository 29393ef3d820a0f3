#include "ops/op_helpers.hpp"

namespace pxp {

namespace {
std::string got(const Type& t) { return t.to_string(); }
}  // namespace

void expect_tensor(const InferContext& ctx, size_t i, const char* what) {
  const Type& t = ctx.inputs.at(i);
  if (!t.may_be_tensor()) type_error(std::string("input '") + what + "' must be a tensor or number, not " + got(t));
}

void expect_scalar(const InferContext& ctx, size_t i, const char* what) {
  const Type& t = ctx.inputs.at(i);
  if (!t.may_be_tensor() || (t.shape && !t.shape->empty()))
    type_error(std::string("input '") + what + "' must be a single number, not " + got(t));
}

void expect_list(const InferContext& ctx, size_t i, const char* what) {
  const Type& t = ctx.inputs.at(i);
  if (!t.may_be_list()) type_error(std::string("input '") + what + "' must be a list, not " + got(t));
}

void expect_string(const InferContext& ctx, size_t i, const char* what) {
  const Type& t = ctx.inputs.at(i);
  if (!t.may_be_string()) type_error(std::string("input '") + what + "' must be a string, not " + got(t));
}

double scalar_arg(const Args& args, size_t i, const char* what) {
  const Value& v = args[i];
  if (!v.is_tensor() || v.tensor().numel() != 1)
    type_error(std::string("input '") + what + "' must be a single number, not " + v.describe());
  return v.tensor().item_double();
}

int64_t int_arg(const Args& args, size_t i, const char* what) {
  const Value& v = args[i];
  if (!v.is_tensor() || v.tensor().numel() != 1)
    type_error(std::string("input '") + what + "' must be a single integer, not " + v.describe());
  return v.tensor().item_int();
}

}  // namespace pxp
