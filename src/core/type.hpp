// Types for inference: a kind, and for tensors a dtype and a shape with
// unknown dimensions (-1), for lists an element type and a length (-1 unknown).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/value.hpp"

namespace pxp {

constexpr int64_t kUnknownDim = -1;

struct Type {
  enum class Kind : uint8_t { Any, None, Tensor, String, List };

  Kind kind = Kind::Any;
  std::optional<DType> dtype;          // tensors: unset when unknown
  std::optional<Shape> shape;          // tensors: unset when the rank is unknown
  std::shared_ptr<const Type> element;  // lists: element type (Any if unknown)
  int64_t length = kUnknownDim;        // lists

  static Type any() { return Type{}; }
  static Type none();  // control instructions produce nothing
  static Type tensor(std::optional<DType> dtype = std::nullopt, std::optional<Shape> shape = std::nullopt);
  static Type scalar(std::optional<DType> dtype = std::nullopt) { return tensor(dtype, Shape{}); }
  static Type string();
  static Type list(Type element, int64_t length = kUnknownDim);

  bool is_any() const { return kind == Kind::Any; }
  bool is_tensor() const { return kind == Kind::Tensor; }
  bool is_string() const { return kind == Kind::String; }
  bool is_list() const { return kind == Kind::List; }
  bool is_scalar() const { return kind == Kind::Tensor && shape && shape->empty(); }
  // Could a value of this type be a tensor / a list? (Any can be everything.)
  bool may_be_tensor() const { return is_any() || is_tensor(); }
  bool may_be_list() const { return is_any() || is_list(); }
  bool may_be_string() const { return is_any() || is_string(); }
  const Type& element_type() const;
  int rank() const { return shape ? static_cast<int>(shape->size()) : -1; }

  // "f32[?,224,3]", "tensor", "string", "list<i32>[5]"
  std::string to_string() const;
  std::string to_json() const;
};

// The exact type of a value.
Type type_of(const Value& v);
// The most precise type that covers both (used where branches merge).
Type unify(const Type& a, const Type& b);
// Could a value of type `actual` satisfy `expected`? (Unknown parts are compatible.)
bool compatible(const Type& actual, const Type& expected);
// Does the value match the type? (Used to check run-time results in debug tests.)
bool value_matches(const Value& v, const Type& t);

}  // namespace pxp
