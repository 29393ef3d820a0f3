#include "registry/schema.hpp"

#include "core/json.hpp"

namespace pxp {

const AttrSpec* OpSchema::find_attr(const std::string& attr_name) const {
  for (const auto& a : attrs)
    if (a.name == attr_name) return &a;
  return nullptr;
}

size_t OpSchema::min_inputs() const { return variadic() ? inputs.size() - 1 : inputs.size(); }

std::string OpSchema::to_json() const {
  JsonWriter w;
  w.begin_object();
  w.key("name").string(name);
  w.key("doc").string(doc);
  w.key("inputs").begin_array();
  for (const auto& in : inputs) {
    w.begin_object();
    w.key("name").string(in.name);
    w.key("doc").string(in.doc);
    w.key("variadic").boolean(in.variadic);
    w.end_object();
  }
  w.end_array();
  w.key("attributes").begin_array();
  for (const auto& a : attrs) {
    w.begin_object();
    w.key("name").string(a.name);
    w.key("type").string(attr_type_name(a.type));
    w.key("required").boolean(!a.default_value.has_value());
    if (a.default_value) w.key("default").raw(attr_value_json(*a.default_value));
    if (a.min) w.key("min").number(*a.min);
    if (a.max) w.key("max").number(*a.max);
    if (!a.choices.empty()) {
      w.key("choices").begin_array();
      for (const auto& c : a.choices) w.string(c);
      w.end_array();
    }
    w.key("doc").string(a.doc);
    w.end_object();
  }
  w.end_array();
  w.key("output").string(output_doc);
  w.key("random").boolean(random);
  w.key("pure").boolean(pure);
  const char* control_names[] = {"none", "jump", "branch", "merge", "constant"};
  w.key("control").string(control_names[static_cast<int>(control)]);
  w.end_object();
  return w.str();
}

OpBuilder& OpBuilder::attr_bool(std::string n, std::optional<bool> def, std::string d) {
  AttrSpec a{std::move(n), AttrType::Bool, std::nullopt, std::nullopt, std::nullopt, {}, std::move(d)};
  if (def) a.default_value = *def;
  return attr(std::move(a));
}
OpBuilder& OpBuilder::attr_int(std::string n, std::optional<int64_t> def, std::string d, std::optional<double> min,
                               std::optional<double> max) {
  AttrSpec a{std::move(n), AttrType::Int, std::nullopt, min, max, {}, std::move(d)};
  if (def) a.default_value = *def;
  return attr(std::move(a));
}
OpBuilder& OpBuilder::attr_float(std::string n, std::optional<double> def, std::string d, std::optional<double> min,
                                 std::optional<double> max) {
  AttrSpec a{std::move(n), AttrType::Float, std::nullopt, min, max, {}, std::move(d)};
  if (def) a.default_value = *def;
  return attr(std::move(a));
}
OpBuilder& OpBuilder::attr_ints(std::string n, std::optional<std::vector<int64_t>> def, std::string d) {
  AttrSpec a{std::move(n), AttrType::IntList, std::nullopt, std::nullopt, std::nullopt, {}, std::move(d)};
  if (def) a.default_value = *def;
  return attr(std::move(a));
}
OpBuilder& OpBuilder::attr_floats(std::string n, std::optional<std::vector<double>> def, std::string d) {
  AttrSpec a{std::move(n), AttrType::FloatList, std::nullopt, std::nullopt, std::nullopt, {}, std::move(d)};
  if (def) a.default_value = *def;
  return attr(std::move(a));
}
OpBuilder& OpBuilder::attr_dtype(std::string n, std::optional<std::string> def, std::string d) {
  AttrSpec a{std::move(n), AttrType::DType, std::nullopt, std::nullopt, std::nullopt, {}, std::move(d)};
  for (int i = 0; i < kDTypeCount; ++i) a.choices.push_back(dtype_name(static_cast<DType>(i)));
  if (def) a.default_value = *def;
  return attr(std::move(a));
}
OpBuilder& OpBuilder::attr_enum(std::string n, std::vector<std::string> choices, std::optional<std::string> def,
                                std::string d) {
  AttrSpec a{std::move(n), AttrType::Enum, std::nullopt, std::nullopt, std::nullopt, std::move(choices), std::move(d)};
  if (def) a.default_value = *def;
  return attr(std::move(a));
}

}  // namespace pxp
