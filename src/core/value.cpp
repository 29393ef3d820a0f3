#include "core/value.hpp"

namespace pxp {

namespace {
const char* kind_name(ValueKind k) {
  switch (k) {
    case ValueKind::None: return "nothing";
    case ValueKind::Tensor: return "a tensor";
    case ValueKind::String: return "a string";
    case ValueKind::List: return "a list";
  }
  return "?";
}
}  // namespace

const Tensor& Value::tensor() const {
  if (!is_tensor()) type_error(std::string("expected a tensor, got ") + kind_name(kind()));
  return std::get<Tensor>(data_);
}

const std::string& Value::string() const {
  if (!is_string()) type_error(std::string("expected a string, got ") + kind_name(kind()));
  return *std::get<std::shared_ptr<const std::string>>(data_);
}

const List& Value::list() const {
  if (!is_list()) type_error(std::string("expected a list, got ") + kind_name(kind()));
  return *std::get<std::shared_ptr<const List>>(data_);
}

bool Value::bit_equal(const Value& other) const {
  if (kind() != other.kind()) return false;
  switch (kind()) {
    case ValueKind::None: return true;
    case ValueKind::Tensor: return tensor().bit_equal(other.tensor());
    case ValueKind::String: return string() == other.string();
    case ValueKind::List: {
      const List &a = list(), &b = other.list();
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if (!a[i].bit_equal(b[i])) return false;
      return true;
    }
  }
  return false;
}

std::string Value::describe() const {
  switch (kind()) {
    case ValueKind::None: return "nothing";
    case ValueKind::String: return "string";
    case ValueKind::List: return "list[" + std::to_string(list().size()) + "]";
    case ValueKind::Tensor: {
      std::string s = dtype_name(tensor().dtype());
      s += "[";
      for (size_t i = 0; i < tensor().shape().size(); ++i) {
        if (i) s += ",";
        s += std::to_string(tensor().shape()[i]);
      }
      return s + "]";
    }
  }
  return "?";
}

}  // namespace pxp
