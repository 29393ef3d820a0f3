// Attributes: compile-time constants of an instruction (enums, axes, dtypes).
// The verifier checks them against the op's schema and fills in defaults, so
// an op's exec function can read any declared attribute without checks.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "core/dtype.hpp"

namespace pxp {

using AttrValue = std::variant<bool, int64_t, double, std::string, std::vector<int64_t>, std::vector<double>>;

enum class AttrType : uint8_t { Bool, Int, Float, String, IntList, FloatList, DType, Enum };

const char* attr_type_name(AttrType t);

class Attributes {
 public:
  void set(const std::string& name, AttrValue value) { values_[name] = std::move(value); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const AttrValue& get(const std::string& name) const;

  bool get_bool(const std::string& name) const;
  int64_t get_int(const std::string& name) const;
  double get_float(const std::string& name) const;  // ints are accepted
  const std::string& get_string(const std::string& name) const;
  DType get_dtype(const std::string& name) const;
  const std::vector<int64_t>& get_ints(const std::string& name) const;
  std::vector<double> get_floats(const std::string& name) const;

  const std::map<std::string, AttrValue>& all() const { return values_; }

 private:
  std::map<std::string, AttrValue> values_;
};

std::string attr_value_json(const AttrValue& v);

}  // namespace pxp
