// pixelpipes-run: runs a saved program with no Python, through the C ABI only.
//   pixelpipes-run PROGRAM [-n N] [--batch B] [--threads T] [--seed S] [--start I] [--prefetch P]
//                  [--print] [--digest] [--save-npy DIR --samples i,j,k]
// Streams N samples in batches of B (pxp_pipeline_start / pxp_pipeline_next_batch), prints each
// output's dtype and batch shape and the images/s; --save-npy writes the outputs of the chosen
// samples as .npy files. The program is loaded with pxp_program_load_file, so paths saved relative
// to the program file are read from its folder, and the seed defaults to the one saved with it.
// Any error is one line on stderr and exit status 1 (2 for usage errors).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "args.hpp"
#include "digest.hpp"
#include "npy.hpp"
#include "pixelpipes/pixelpipes.h"
#include "values.hpp"

namespace {

using namespace pxp::tool;

// Prints "pixelpipes-run: <context>: <STATUS>: <message> (sample .., op .., node .., source ..)" as
// one line from the calling thread's last error, and returns the exit status 1.
int fail(const std::string& context) {
  const pxp_error* e = pxp_error_last();
  std::string message = e->message;
  std::string where;
  auto add = [&where, &message](const std::string& label, const std::string& value) {
    if (value.empty() || message.find(value) != std::string::npos) return;  // already in the message
    where += (where.empty() ? "" : ", ") + label + " " + value;
  };
  if (e->has_sample) add("sample", std::to_string(e->sample));
  add("op", e->op);
  add("node", e->node);
  add("source", e->source);
  std::string line = "pixelpipes-run: " + context + ": " + pxp_status_name(e->code) + ": " + message;
  if (!where.empty()) line += " (" + where + ")";
  std::replace(line.begin(), line.end(), '\n', ' ');
  std::fprintf(stderr, "%s\n", line.c_str());
  return 1;
}

int fail_plain(const std::string& message) {
  std::fprintf(stderr, "pixelpipes-run: %s\n", message.c_str());
  return 1;
}

// A file name made of the output name: anything but [A-Za-z0-9_.-] becomes '_'.
std::string file_safe(const std::string& name) {
  std::string s = name;
  for (char& c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) c = '_';
  return s.empty() ? "_" : s;
}

// Computes each chosen sample on the calling thread and writes its tensor outputs as .npy.
int save_samples(pxp_pipeline* pipeline, const RunArgs& args, const std::vector<std::string>& names) {
  std::error_code ec;
  std::filesystem::create_directories(args.save_dir, ec);
  if (ec) return fail_plain("cannot create " + args.save_dir + ": " + ec.message());
  for (uint64_t index : args.save_samples) {
    pxp_sample* sample = nullptr;
    if (pxp_pipeline_run(&sample, pipeline, index) != PXP_OK) return fail("sample " + std::to_string(index) + " failed");
    for (size_t o = 0; o < names.size(); ++o) {
      const pxp_value* value = nullptr;
      pxp_sample_output(&value, sample, o);
      Item item = value_item(value);
      if (!item.is_tensor) {
        std::printf("note: sample %" PRIu64 " output %s is a %s: not saved (.npy holds tensors only)\n", index,
                    names[o].c_str(), describe(item).c_str());
        continue;
      }
      std::string path = (std::filesystem::path(args.save_dir) /
                          ("sample_" + std::to_string(index) + "_" + file_safe(names[o]) + ".npy"))
                             .string();
      std::string error = write_npy(path, item.tensor);
      if (!error.empty()) {
        pxp_sample_free(sample);
        return fail_plain(error);
      }
      std::printf("saved %s: %s\n", path.c_str(), describe(item).c_str());
    }
    pxp_sample_free(sample);
  }
  return 0;
}

// Streams args.samples samples in batches (the last one short if they do not fill it) and reports
// shapes, throughput and the digest.
int stream(pxp_pipeline* pipeline, const RunArgs& args, const std::vector<std::string>& names) {
  pxp_stream_options options;
  if (pxp_stream_options_init(&options, PXP_STREAM_OPTIONS_VERSION) != PXP_OK)
    return fail("cannot make the stream options");
  options.start = args.start;
  options.batch_size = args.batch ? args.batch : static_cast<uint32_t>(std::min<uint64_t>(32, args.samples));
  options.prefetch = args.prefetch ? args.prefetch : options.prefetch;
  options.has_stop = 1;
  options.stop = args.start + args.samples;

  Digest digest;
  auto t0 = std::chrono::steady_clock::now();
  if (pxp_pipeline_start(pipeline, &options) != PXP_OK) return fail("cannot start the stream");
  uint64_t done = 0, batches = 0;
  for (;;) {
    pxp_batch* batch = nullptr;
    pxp_status status = pxp_pipeline_next_batch(&batch, pipeline);
    if (status == PXP_END_OF_STREAM) break;
    if (status != PXP_OK) return fail("batch " + std::to_string(batches) + " failed");
    pxp_batch_info info;
    pxp_batch_info_get(&info, batch);
    std::vector<const pxp_value*> outputs(names.size());
    for (size_t o = 0; o < names.size(); ++o) pxp_batch_output(&outputs[o], batch, o);
    if (batches == 0) {
      std::printf("batch of %" PRIu32 " (seed %" PRIu64 ", start %" PRIu64 ", threads %" PRIu32 ", prefetch %" PRIu32
                  "):\n",
                  info.size, args.seed, args.start, args.threads, options.prefetch);
      for (size_t o = 0; o < names.size(); ++o) std::printf("  %s: %s\n", names[o].c_str(), describe(outputs[o]).c_str());
    }
    if (args.print || args.digest) {
      for (uint32_t j = 0; j < info.size; ++j) {
        if (args.print) std::printf("sample %" PRIu64 ":", info.first_position + j);
        for (size_t o = 0; o < names.size(); ++o) {
          Item item;
          if (!batch_item(&item, outputs[o], static_cast<size_t>(j))) {
            pxp_batch_free(batch);
            return fail_plain("output " + names[o] + " of batch " + std::to_string(batches) + " has no row " +
                              std::to_string(j));
          }
          if (args.print) std::printf("  %s: %s%s", names[o].c_str(), describe(item).c_str(), small_values(item).c_str());
          if (args.digest) item.is_tensor ? digest.add(item.tensor) : digest.add(item.value);
        }
        if (args.print) std::printf("\n");
      }
    }
    done += info.size;
    ++batches;
    pxp_batch_free(batch);
  }
  pxp_pipeline_stop(pipeline);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%" PRIu64 " samples (%" PRIu64 " batches of %" PRIu32 ") in %.3f s: %.0f images/s\n", done,
              batches, options.batch_size, seconds, static_cast<double>(done) / std::max(seconds, 1e-9));
  if (args.digest) std::printf("digest %016" PRIx64 "\n", digest.value());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  RunArgs args;
  std::string error = parse_args(argc, argv, &args);
  if (!error.empty()) {
    std::fprintf(stderr, "pixelpipes-run: %s (see --help)\n", error.c_str());
    return 2;
  }
  if (args.help) {
    std::fputs(usage_text(), stdout);
    return 0;
  }

  // The file's own loader: paths saved relative to the program file are read from its folder.
  pxp_program* program = nullptr;
  if (pxp_program_load_file(&program, args.program.c_str()) != PXP_OK) return fail("cannot load " + args.program);
  if (!args.seed_given && pxp_program_saved_seed(&args.seed, program) < 0) {
    pxp_program_free(program);
    return fail("cannot read the saved seed of " + args.program);
  }
  size_t n_outputs = 0, n_instructions = 0;
  pxp_program_output_count(&n_outputs, program);
  pxp_program_instruction_count(&n_instructions, program);
  std::vector<std::string> names;
  for (size_t o = 0; o < n_outputs; ++o) {
    pxp_output_info info;
    pxp_program_output(&info, program, o);
    names.push_back(info.name);
  }
  std::printf("pixelpipes %s: %s (%zu instructions, %zu outputs)\n", pxp_version(), args.program.c_str(),
              n_instructions, n_outputs);

  pxp_pipeline_options options;
  if (pxp_pipeline_options_init(&options, PXP_PIPELINE_OPTIONS_VERSION) != PXP_OK) {
    pxp_program_free(program);
    return fail("cannot make the pipeline options");
  }
  options.seed = args.seed;
  options.threads = args.threads;
  pxp_pipeline* pipeline = nullptr;
  pxp_status created = pxp_pipeline_create(&pipeline, program, &options);
  pxp_program_free(program);  // the pipeline keeps its own reference
  if (created != PXP_OK) return fail("cannot create the pipeline");

  int status = 0;
  if (!args.save_dir.empty()) status = save_samples(pipeline, args, names);
  if (status == 0 && args.samples > 0) status = stream(pipeline, args, names);
  std::fflush(stdout);
  pxp_pipeline_free(pipeline);
  return status;
}
