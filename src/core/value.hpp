// Value: what flows between instructions. A tensor (scalars are 0-d tensors),
// a string, or a list of values. Copies are cheap: payloads are shared.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/tensor.hpp"

namespace pxp {

class Value;
using List = std::vector<Value>;

// The most elements a list may have: a typo in a count should be a clear error, not an allocation
// of billions of values. Checked on types at load (verifier) and by the ops that build lists.
constexpr int64_t kMaxListLength = int64_t(1) << 24;
// The most bytes one list may hand to its user: list.repeat of a long string shares one payload
// in C but becomes that many strings in Python. A value counts the bytes of its tensors and
// strings plus kValueOverheadBytes (about what an element costs besides its payload, in C: the
// value, a tensor's shape and shared buffer; in Python: a 0-d array or a str), so lists of small
// or empty items are not free: a list of 2^24 scalars is over the byte limit.
constexpr uint64_t kMaxListBytes = uint64_t(1) << 31;
constexpr uint64_t kValueOverheadBytes = 128;

enum class ValueKind : uint8_t { None, Tensor, String, List };

class Value {
 public:
  Value() = default;
  Value(Tensor t) : data_(std::move(t)) {}
  Value(std::string s) : data_(std::make_shared<const std::string>(std::move(s))) {}
  Value(List l) : data_(std::make_shared<const List>(std::move(l))) {}

  template <typename T> static Value scalar(T v) { return Value(Tensor::scalar<T>(v)); }

  ValueKind kind() const { return static_cast<ValueKind>(data_.index()); }
  bool empty() const { return kind() == ValueKind::None; }
  bool is_tensor() const { return kind() == ValueKind::Tensor; }
  bool is_string() const { return kind() == ValueKind::String; }
  bool is_list() const { return kind() == ValueKind::List; }

  // Accessors throw a type error naming what was expected.
  const Tensor& tensor() const;
  const std::string& string() const;
  const List& list() const;

  // Convenience for scalar arguments.
  double as_double() const { return tensor().item_double(); }
  int64_t as_int() const { return tensor().item_int(); }
  bool as_bool() const { return tensor().item_bool(); }

  // Same kind and, recursively, bit-identical contents.
  bool bit_equal(const Value& other) const;
  // A short description for error messages: "f32[2,3]", "string", "list[4]".
  std::string describe() const;

 private:
  std::variant<std::monostate, Tensor, std::shared_ptr<const std::string>, std::shared_ptr<const List>> data_;
};

}  // namespace pxp
