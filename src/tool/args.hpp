// Command line of pixelpipes-run: what to run and what to report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pxp::tool {

struct RunArgs {
  std::string program;            // path of the saved program
  uint64_t samples = 100;         // -n: samples to stream (0: none)
  uint32_t batch = 0;             // --batch: samples per batch (0: min(32, samples))
  uint32_t threads = 0;           // --threads: worker threads (0: one per core)
  uint64_t seed = 0;              // --seed (default: the program's saved seed, else 0)
  bool seed_given = false;        // --seed was given (else the tool takes the saved seed)
  uint64_t start = 0;             // --start: index of the first streamed sample
  uint32_t prefetch = 0;          // --prefetch: batches computed ahead (0: not given, the library's default)
  bool print = false;             // --print: every sample's outputs, small values included
  bool digest = false;            // --digest: one hash of every output bit of every sample
  std::string save_dir;           // --save-npy DIR
  std::vector<uint64_t> save_samples;  // --samples i,j,k: the samples whose outputs are saved
  bool help = false;              // -h / --help
};

// Parses argv into *out. Returns "" on success, else a one-line description of the problem.
std::string parse_args(int argc, const char* const* argv, RunArgs* out);

// The --help text.
const char* usage_text();

}  // namespace pxp::tool
