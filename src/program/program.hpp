// Program: the verified, immutable form of program bytes. Built only by
// load_program (reader + verifier), then shared by every pipeline and thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "registry/schema.hpp"

namespace pxp {

struct Instruction {
  const OpSchema* op = nullptr;
  std::vector<uint32_t> inputs;
  Attributes attrs;
  uint64_t key = 0;
  std::string label;   // the user's node label
  std::string source;  // the user's "file:line"
  // Filled by the verifier:
  Type type;
  int64_t target = -1;     // jump and branch: first instruction after the skipped range
  bool skippable = false;  // some jump may skip it
};

struct Program {
  uint32_t version_major = 0, version_minor = 0;
  std::vector<Value> constants;
  std::vector<Instruction> instructions;
  std::vector<std::pair<std::string, uint32_t>> outputs;
  std::string metadata_json = "{}";
  std::optional<uint64_t> saved_seed;  // metadata "pixelpipes.seed", written by pixelpipes.save
  std::string bytes;                   // what it was read from (pxp_program_bytes)

  // Filled by the verifier:
  std::vector<Value> folded;                         // per instruction: computed at load, or empty
  std::vector<std::vector<uint32_t>> release_after;  // slots to free once instruction i has run
  std::string description_json;                      // pxp_program_describe
  std::vector<std::string> output_types_json;        // pxp_program_output

  size_t size() const { return instructions.size(); }
};

// Parses and verifies bytes; throws pxp::Error with the instruction, op and node named.
std::shared_ptr<const Program> load_program(const void* data, size_t size);
std::shared_ptr<const Program> load_program(std::string bytes);

// Reads a program file (PXP_EIO naming the path when it cannot), joins the paths recorded
// as relative to it with its absolute folder (relative_paths.hpp), then load_program.
std::shared_ptr<const Program> load_program_file(const std::string& path);

// Internal steps of load_program, exposed for tests.
Program read_program(const void* data, size_t size);  // structure only
void verify_program(Program& program);                // indices, schemas, types, folding, liveness

// Throws an Error located at instruction index of the program.
[[noreturn]] void fail_at(const Program& program, size_t index, pxp_status code, const std::string& message);

}  // namespace pxp
