#include "ops/op_helpers.hpp"

namespace pxp {

namespace {
std::string input_name(const char* what) { return std::string("input '") + what + "'"; }
bool not_integer(DType d) { return !is_integer(d); }
}  // namespace

int64_t check_sequence_type(const Type& t, const char* what, bool integers_only) {
  const char* of = integers_only ? "integers" : "numbers";
  auto reject = [&]() {
    type_error(input_name(what) + " must be a 1-D tensor or a list of " + of + ", not " + t.to_string());
  };
  if (t.is_any()) return kUnknownDim;
  if (t.is_tensor()) {
    if (t.shape && t.shape->size() != 1) reject();
    if (integers_only && t.dtype && not_integer(*t.dtype)) reject();
    return t.shape ? (*t.shape)[0] : kUnknownDim;
  }
  if (t.is_list()) {
    const Type& e = t.element_type();
    if (!e.may_be_tensor() || (e.shape && !e.shape->empty())) reject();
    if (integers_only && e.dtype && not_integer(*e.dtype)) reject();
    return t.length;
  }
  reject();
  return kUnknownDim;
}

void check_integer_scalar_type(const Type& t, const char* what) {
  if (!t.may_be_tensor() || (t.shape && !t.shape->empty()) || (t.dtype && not_integer(*t.dtype)))
    type_error(input_name(what) + " must be a single integer, not " + t.to_string());
}


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
