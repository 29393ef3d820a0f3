#include "core/error.hpp"

namespace pxp {

std::string Error::full_message() const {
  std::string where;
  auto add = [&where](const std::string& part) {
    if (!where.empty()) where += ", ";
    where += part;
  };
  if (sample) add("sample " + std::to_string(*sample));
  if (!file.empty()) add("file '" + file + "'");
  if (instruction >= 0) add("instruction " + std::to_string(instruction));
  if (!op.empty()) add("op " + op);
  if (!node.empty()) add("node '" + node + "'");
  if (!source.empty()) add("at " + source);
  if (where.empty()) return message_;
  return message_ + " (" + where + ")";
}

}  // namespace pxp
