// The op registry: filled once, read-only afterwards, so lookups need no lock.
// This layer knows no op: the library's registry instance, with every family,
// is made where the library is assembled (Registry::global, src/ops/all_ops.cpp).
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

  // The process-wide registry with every built-in op. Defined by the unit that assembles the
  // library's op families (src/ops/all_ops.cpp), not by this layer.
  static const Registry& global();

 private:
  std::map<std::string, std::unique_ptr<OpSchema>> ops_;
  std::map<std::string, std::string> json_;
  std::vector<std::string> names_;
};

}  // namespace pxp
