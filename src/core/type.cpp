#include "core/type.hpp"

#include "core/json.hpp"

namespace pxp {

Type Type::none() {
  Type t;
  t.kind = Kind::None;
  return t;
}

Type Type::tensor(std::optional<DType> dtype, std::optional<Shape> shape) {
  Type t;
  t.kind = Kind::Tensor;
  t.dtype = dtype;
  t.shape = std::move(shape);
  return t;
}

Type Type::string() {
  Type t;
  t.kind = Kind::String;
  return t;
}

Type Type::list(Type element, int64_t length) {
  Type t;
  t.kind = Kind::List;
  t.element = std::make_shared<const Type>(std::move(element));
  t.length = length;
  return t;
}

const Type& Type::element_type() const {
  static const Type kAny;
  return element ? *element : kAny;
}

std::string Type::to_string() const {
  switch (kind) {
    case Kind::Any: return "any";
    case Kind::None: return "nothing";
    case Kind::String: return "string";
    case Kind::List: {
      std::string s = "list<" + element_type().to_string() + ">";
      if (length >= 0) s += "[" + std::to_string(length) + "]";
      return s;
    }
    case Kind::Tensor: {
      std::string s = dtype ? dtype_name(*dtype) : "tensor";
      if (!shape) return s + "[...]";
      s += "[";
      for (size_t i = 0; i < shape->size(); ++i) {
        if (i) s += ",";
        s += (*shape)[i] < 0 ? "?" : std::to_string((*shape)[i]);
      }
      return s + "]";
    }
  }
  return "?";
}

std::string Type::to_json() const {
  JsonWriter w;
  w.begin_object();
  switch (kind) {
    case Kind::Any: w.key("kind").string("any"); break;
    case Kind::None: w.key("kind").string("none"); break;
    case Kind::String: w.key("kind").string("string"); break;
    case Kind::List:
      w.key("kind").string("list");
      w.key("length").integer(length);
      w.key("element").raw(element_type().to_json());
      break;
    case Kind::Tensor:
      w.key("kind").string("tensor");
      w.key("dtype");
      if (dtype) w.string(dtype_name(*dtype)); else w.null();
      w.key("shape");
      if (shape) {
        w.begin_array();
        for (int64_t d : *shape) w.integer(d);
        w.end_array();
      } else {
        w.null();
      }
      break;
  }
  w.end_object();
  return w.str();
}

Type type_of(const Value& v) {
  switch (v.kind()) {
    case ValueKind::None: return Type::none();
    case ValueKind::Tensor: return Type::tensor(v.tensor().dtype(), v.tensor().shape());
    case ValueKind::String: return Type::string();
    case ValueKind::List: {
      const List& l = v.list();
      Type elem = l.empty() ? Type::any() : type_of(l[0]);
      for (size_t i = 1; i < l.size(); ++i) elem = unify(elem, type_of(l[i]));
      return Type::list(elem, static_cast<int64_t>(l.size()));
    }
  }
  return Type::any();
}

Type unify(const Type& a, const Type& b) {
  if (a.kind != b.kind) return Type::any();
  switch (a.kind) {
    case Type::Kind::Any:
    case Type::Kind::None:
    case Type::Kind::String: return a;
    case Type::Kind::List:
      return Type::list(unify(a.element_type(), b.element_type()), a.length == b.length ? a.length : kUnknownDim);
    case Type::Kind::Tensor: {
      std::optional<DType> dt = (a.dtype && b.dtype && *a.dtype == *b.dtype) ? a.dtype : std::nullopt;
      std::optional<Shape> shape;
      if (a.shape && b.shape && a.shape->size() == b.shape->size()) {
        Shape s(a.shape->size());
        for (size_t i = 0; i < s.size(); ++i) s[i] = (*a.shape)[i] == (*b.shape)[i] ? (*a.shape)[i] : kUnknownDim;
        shape = s;
      }
      return Type::tensor(dt, shape);
    }
  }
  return Type::any();
}

bool compatible(const Type& actual, const Type& expected) {
  if (actual.is_any() || expected.is_any()) return true;
  if (actual.kind != expected.kind) return false;
  if (actual.is_list()) {
    if (actual.length >= 0 && expected.length >= 0 && actual.length != expected.length) return false;
    return compatible(actual.element_type(), expected.element_type());
  }
  if (actual.is_tensor()) {
    if (actual.dtype && expected.dtype && *actual.dtype != *expected.dtype) return false;
    if (actual.shape && expected.shape) {
      if (actual.shape->size() != expected.shape->size()) return false;
      for (size_t i = 0; i < actual.shape->size(); ++i) {
        int64_t x = (*actual.shape)[i], y = (*expected.shape)[i];
        if (x >= 0 && y >= 0 && x != y) return false;
      }
    }
  }
  return true;
}

bool value_matches(const Value& v, const Type& t) { return compatible(type_of(v), t); }

}  // namespace pxp
