#include "registry/attributes.hpp"

#include "core/error.hpp"
#include "core/json.hpp"

namespace pxp {

const char* attr_type_name(AttrType t) {
  switch (t) {
    case AttrType::Bool: return "bool";
    case AttrType::Int: return "int";
    case AttrType::Float: return "float";
    case AttrType::String: return "string";
    case AttrType::IntList: return "int_list";
    case AttrType::FloatList: return "float_list";
    case AttrType::DType: return "dtype";
    case AttrType::Enum: return "enum";
  }
  return "?";
}

const AttrValue& Attributes::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) fail(PXP_EINTERNAL, "attribute '" + name + "' is not set");
  return it->second;
}

bool Attributes::get_bool(const std::string& name) const { return std::get<bool>(get(name)); }
int64_t Attributes::get_int(const std::string& name) const { return std::get<int64_t>(get(name)); }
double Attributes::get_float(const std::string& name) const {
  const AttrValue& v = get(name);
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}
const std::string& Attributes::get_string(const std::string& name) const { return std::get<std::string>(get(name)); }
DType Attributes::get_dtype(const std::string& name) const {
  auto d = dtype_from_name(get_string(name));
  if (!d) fail(PXP_EINTERNAL, "attribute '" + name + "' is not a dtype");
  return *d;
}
const std::vector<int64_t>& Attributes::get_ints(const std::string& name) const {
  return std::get<std::vector<int64_t>>(get(name));
}
std::vector<double> Attributes::get_floats(const std::string& name) const {
  const AttrValue& v = get(name);
  if (auto* i = std::get_if<std::vector<int64_t>>(&v)) return std::vector<double>(i->begin(), i->end());
  return std::get<std::vector<double>>(v);
}

std::string attr_value_json(const AttrValue& v) {
  JsonWriter w;
  std::visit(
      [&w](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) w.boolean(x);
        else if constexpr (std::is_same_v<T, int64_t>) w.integer(x);
        else if constexpr (std::is_same_v<T, double>) w.number(x);
        else if constexpr (std::is_same_v<T, std::string>) w.string(x);
        else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
          w.begin_array();
          for (auto e : x) w.integer(e);
          w.end_array();
        } else {
          w.begin_array();
          for (auto e : x) w.number(e);
          w.end_array();
        }
      },
      v);
  return w.str();
}

}  // namespace pxp
