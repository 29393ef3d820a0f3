// docs/ops.md is generated from the registry; this test fails when it is stale.
// Regenerate with `make docs` (runs this test with PXP_WRITE_OPS_DOC set).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "registry/registry.hpp"

namespace pxp {
namespace {

std::string escape_cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string attr_default(const AttrSpec& a) {
  if (!a.default_value) return "required";
  return "`" + attr_value_json(*a.default_value) + "`";
}

std::string render_ops_markdown(const Registry& registry) {
  std::ostringstream md;
  md << "# Ops\n\n"
     << "Generated from the registry by `make docs` (tests/cpp/ops_doc_test.cpp fails when this file is stale).\n"
     << "Every op is also a Python node class, generated from the same schema.\n\n";
  std::string family;
  for (const auto& name : registry.names()) {
    std::string fam = name.substr(0, name.find('.'));
    if (fam != family) {
      family = fam;
      md << "## " << family << "\n\n";
    }
    const OpSchema& op = *registry.find(name);
    md << "### `" << name << "`\n\n" << op.doc << "\n\n";
    if (!op.inputs.empty()) {
      md << "| input | description |\n|---|---|\n";
      for (const auto& in : op.inputs)
        md << "| `" << in.name << (in.variadic ? "...`" : "`") << " | " << escape_cell(in.doc) << " |\n";
      md << "\n";
    }
    if (!op.attrs.empty()) {
      md << "| attribute | type | default | range / choices | description |\n|---|---|---|---|---|\n";
      for (const auto& a : op.attrs) {
        std::string range;
        if (a.min || a.max) {
          std::ostringstream r;
          r << "[" << (a.min ? std::to_string(*a.min) : "-inf") << ", " << (a.max ? std::to_string(*a.max) : "inf")
            << "]";
          range = r.str();
        }
        if (!a.choices.empty()) {
          for (size_t i = 0; i < a.choices.size(); ++i) range += (i ? ", " : "") + a.choices[i];
        }
        md << "| `" << a.name << "` | " << attr_type_name(a.type) << " | " << attr_default(a) << " | "
           << escape_cell(range) << " | " << escape_cell(a.doc) << " |\n";
      }
      md << "\n";
    }
    md << "Output: " << op.output_doc << ".";
    if (op.random) md << " Random: draws from the node's own stream.";
    if (!op.pure) md << " Not folded at load (depends on the sample or the outside world).";
    md << "\n\n";
  }
  return md.str();
}

TEST(OpsDoc, DocsOpsMdIsUpToDate) {
  std::string path = std::string(PXP_SOURCE_DIR) + "/docs/ops.md";
  std::string expected = render_ops_markdown(Registry::global());
  if (std::getenv("PXP_WRITE_OPS_DOC")) {
    std::ofstream(path) << expected;
    GTEST_SKIP() << "wrote " << path;
  }
  std::ifstream in(path);
  std::stringstream current;
  current << in.rdbuf();
  EXPECT_TRUE(current.str() == expected) << "docs/ops.md is stale: run `make docs`";
}

TEST(OpsDoc, EveryOpIsDocumented) {
  const Registry& r = Registry::global();
  for (const auto& name : r.names()) {
    const OpSchema& op = *r.find(name);
    EXPECT_FALSE(op.doc.empty()) << name;
    EXPECT_FALSE(op.output_doc.empty()) << name;
    for (const auto& in : op.inputs) EXPECT_FALSE(in.doc.empty()) << name << " input " << in.name;
    for (const auto& a : op.attrs) EXPECT_FALSE(a.doc.empty()) << name << " attribute " << a.name;
  }
}

}  // namespace
}  // namespace pxp
