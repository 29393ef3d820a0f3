// The op registry: filled once by register_all_ops (src/ops/all_ops.cpp),
// read-only afterwards, so lookups need no lock.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "registry/schema.hpp"

namespace pxp {

class Registry {
 public:
  // Adds an op; a name registered twice is an error.
  void add(OpSchema schema);
  const OpSchema* find(const std::string& name) const;
  size_t size() const { return ops_.size(); }
  // Names sorted, with their schemas' JSON (built once, stable addresses).
  const std::vector<std::string>& names() const { return names_; }
  const std::string* schema_json(const std::string& name) const;

  // The process-wide registry with every built-in op.
  static const Registry& global();

 private:
  std::map<std::string, std::unique_ptr<OpSchema>> ops_;
  std::map<std::string, std::string> json_;
  std::vector<std::string> names_;
};

// Defined in src/ops/all_ops.cpp: calls every register_<family>_ops.
void register_all_ops(Registry& registry);

}  // namespace pxp
