// Command line of pixelpipes-run (see args.hpp).
#include "args.hpp"

#include <cerrno>
#include <cstdlib>
#include <limits>

namespace pxp::tool {
namespace {

// Reads a whole decimal unsigned number no larger than max.
bool parse_unsigned(const std::string& text, uint64_t max, uint64_t* out) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v > max) return false;
  *out = v;
  return true;
}

}  // namespace

const char* usage_text() {
  return "usage: pixelpipes-run PROGRAM [options]\n"
         "Runs a saved program through the C ABI (no Python): streams batches, prints each output's\n"
         "dtype and batch shape and the throughput in images/s. File paths that pixelpipes.save\n"
         "stored relative to the program file are read from the program file's folder.\n"
         "  -n N               samples to stream (default 100; 0 streams none)\n"
         "  -b, --batch B      samples per batch (default: 32, or N if smaller)\n"
         "  --threads T        worker threads (default 0: one per core)\n"
         "  --seed S           pipeline seed (default: the seed pixelpipes.save recorded in the\n"
         "                     program, else 0)\n"
         "  --start I          index of the first streamed sample (default 0)\n"
         "  --prefetch P       batches computed ahead (default: the library's, pxp_stream_options_init)\n"
         "  --print            print every sample's outputs (values of small 0-d and 1-d tensors)\n"
         "  --digest           print 'digest <hex>': a 64-bit hash of every output bit of every sample\n"
         "  --save-npy DIR     write the outputs of the --samples as DIR/sample_<i>_<output>.npy\n"
         "  --samples i,j,k    sample indices to save (with --save-npy)\n"
         "Exit status: 0 on success, 1 on a load or run error (one line on stderr), 2 on a usage error.\n";
}

std::string parse_args(int argc, const char* const* argv, RunArgs* out) {
  RunArgs a;
  for (int i = 1; i < argc; ++i) {
    const std::string opt = argv[i];
    auto value = [&](std::string* v) -> std::string {
      if (i + 1 >= argc) return opt + " needs a value";
      *v = argv[++i];
      return "";
    };
    auto number = [&](uint64_t max, uint64_t* v) -> std::string {
      std::string text;
      std::string err = value(&text);
      if (!err.empty()) return err;
      if (!parse_unsigned(text, max, v)) return opt + ": '" + text + "' is not a number in 0.." + std::to_string(max);
      return "";
    };
    std::string err;
    uint64_t v = 0;
    const uint64_t u32 = std::numeric_limits<uint32_t>::max(), u64 = std::numeric_limits<uint64_t>::max();
    if (opt == "-n") {
      err = number(u64, &a.samples);
    } else if (opt == "-b" || opt == "--batch") {
      err = number(u32, &v);
      if (err.empty() && v == 0) err = opt + " must be at least 1";
      a.batch = static_cast<uint32_t>(v);
    } else if (opt == "--threads") {
      err = number(u32, &v);  // the library checks its limit
      a.threads = static_cast<uint32_t>(v);
    } else if (opt == "--seed") {
      err = number(u64, &a.seed);
      a.seed_given = true;
    } else if (opt == "--start") {
      err = number(u64, &a.start);
    } else if (opt == "--prefetch") {
      err = number(u32, &v);
      if (err.empty() && v == 0) err = opt + " must be at least 1";
      a.prefetch = static_cast<uint32_t>(v);
    } else if (opt == "--print") {
      a.print = true;
    } else if (opt == "--digest") {
      a.digest = true;
    } else if (opt == "--save-npy") {
      err = value(&a.save_dir);
      if (err.empty() && a.save_dir.empty()) err = "--save-npy needs a folder";
    } else if (opt == "--samples") {
      std::string list;
      err = value(&list);
      for (size_t begin = 0; err.empty() && begin <= list.size();) {
        size_t comma = list.find(',', begin);
        if (comma == std::string::npos) comma = list.size();
        std::string item = list.substr(begin, comma - begin);
        if (!parse_unsigned(item, u64, &v)) err = "--samples: '" + item + "' is not a sample index";
        else a.save_samples.push_back(v);
        begin = comma + 1;
      }
    } else if (opt == "-h" || opt == "--help") {
      a.help = true;
    } else if (opt.size() > 1 && opt[0] == '-') {
      err = "unknown option " + opt;
    } else if (a.program.empty()) {
      a.program = opt;
    } else {
      err = "unexpected argument '" + opt + "' (the program is " + a.program + ")";
    }
    if (!err.empty()) return err;
  }
  if (a.help) {
    *out = a;
    return "";
  }
  if (a.program.empty()) return "no program given";
  if (!a.save_dir.empty() && a.save_samples.empty()) return "--save-npy needs --samples i,j,k";
  if (a.save_dir.empty() && !a.save_samples.empty()) return "--samples needs --save-npy DIR";
  *out = a;
  return "";
}

}  // namespace pxp::tool
