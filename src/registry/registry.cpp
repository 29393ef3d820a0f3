#include "registry/registry.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace pxp {

void Registry::add(OpSchema schema) {
  if (ops_.count(schema.name)) fail(PXP_EINTERNAL, "op '" + schema.name + "' is registered twice");
  if (!schema.infer || (!schema.exec && schema.control == Control::None))
    fail(PXP_EINTERNAL, "op '" + schema.name + "' lacks a type rule or an exec function");
  for (size_t i = 0; i + 1 < schema.inputs.size(); ++i)
    if (schema.inputs[i].variadic) fail(PXP_EINTERNAL, "op '" + schema.name + "': only the last input may be variadic");
  std::string name = schema.name;
  json_[name] = schema.to_json();
  ops_[name] = std::make_unique<OpSchema>(std::move(schema));
  names_.insert(std::upper_bound(names_.begin(), names_.end(), name), name);
}

const OpSchema* Registry::find(const std::string& name) const {
  auto it = ops_.find(name);
  return it == ops_.end() ? nullptr : it->second.get();
}

const std::string* Registry::schema_json(const std::string& name) const {
  auto it = json_.find(name);
  return it == json_.end() ? nullptr : &it->second;
}

}  // namespace pxp
