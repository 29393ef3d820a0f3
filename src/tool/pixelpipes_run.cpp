// pixelpipes-run: runs a saved program with no Python, through the C ABI only.
//   pixelpipes-run PROGRAM [-n SAMPLES] [--seed S] [--threads T] [--start I] [--print]
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "pixelpipes/pixelpipes.h"

namespace {

int report(const char* what) {
  pxp_error_info e;
  pxp_error_last(&e);
  std::fprintf(stderr, "pixelpipes-run: %s: %s: %s\n", what, pxp_status_name(e.code), e.message);
  return 1;
}

void usage() {
  std::fprintf(stderr,
               "usage: pixelpipes-run PROGRAM [-n SAMPLES] [--seed S] [--threads T] [--start I] [--print] [--digest]\n"
               "Loads a compiled program, runs SAMPLES samples (default 100) and prints each output's\n"
               "dtype and shape and the throughput in samples/s. --print also prints small outputs;\n"
               "--digest prints one 64-bit hash of every output bit of every sample.\n");
}

std::string describe(const pxp_value* v) {
  int32_t kind = 0;
  pxp_value_kind_get(&kind, v);
  if (kind == PXP_VALUE_STRING) return "string";
  if (kind == PXP_VALUE_LIST) {
    size_t n = 0;
    pxp_value_list_length(&n, v);
    std::string s = "list[" + std::to_string(n) + "]";
    if (n > 0) {
      const pxp_value* first = nullptr;
      pxp_value_list_get(&first, v, 0);
      s += " of " + describe(first);
    }
    return s;
  }
  pxp_tensor_view t;
  pxp_value_tensor(&t, v);
  std::string s = std::string(pxp_dtype_name(t.dtype)) + "[";
  for (int i = 0; i < t.ndim; ++i) s += (i ? "," : "") + std::to_string(t.shape[i]);
  return s + "]";
}

// FNV-1a over every output's kind, dtype, shape and bytes: equal digests mean bit-identical samples.
void digest_value(uint64_t& h, const pxp_value* v) {
  auto mix = [&h](const void* data, size_t n) {
    const unsigned char* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  int32_t kind = 0;
  pxp_value_kind_get(&kind, v);
  mix(&kind, sizeof kind);
  if (kind == PXP_VALUE_STRING) {
    const char* s = nullptr;
    size_t n = 0;
    pxp_value_string(&s, &n, v);
    mix(s, n);
  } else if (kind == PXP_VALUE_LIST) {
    size_t n = 0;
    pxp_value_list_length(&n, v);
    mix(&n, sizeof n);
    for (size_t i = 0; i < n; ++i) {
      const pxp_value* e = nullptr;
      pxp_value_list_get(&e, v, i);
      digest_value(h, e);
    }
  } else {
    pxp_tensor_view t;
    pxp_value_tensor(&t, v);
    mix(&t.dtype, sizeof t.dtype);
    mix(t.shape, sizeof(int64_t) * static_cast<size_t>(t.ndim));
    // Walk elements in row-major order whatever the strides.
    size_t elem = pxp_dtype_size(t.dtype);
    int64_t n = 1;
    for (int i = 0; i < t.ndim; ++i) n *= t.shape[i];
    std::vector<int64_t> idx(static_cast<size_t>(t.ndim), 0);
    for (int64_t k = 0; k < n; ++k) {
      int64_t off = 0;
      for (int i = 0; i < t.ndim; ++i) off += idx[static_cast<size_t>(i)] * t.strides[i];
      mix(static_cast<const char*>(t.data) + off, elem);
      for (int i = t.ndim - 1; i >= 0; --i) {
        if (++idx[static_cast<size_t>(i)] < t.shape[i]) break;
        idx[static_cast<size_t>(i)] = 0;
      }
    }
  }
}

void print_values(const pxp_value* v) {
  int32_t kind = 0;
  pxp_value_kind_get(&kind, v);
  if (kind != PXP_VALUE_TENSOR) return;
  pxp_tensor_view t;
  pxp_value_tensor(&t, v);
  int64_t n = 1;
  for (int i = 0; i < t.ndim; ++i) n *= t.shape[i];
  if (n > 16 || t.ndim > 1) return;
  std::printf(" =");
  for (int64_t k = 0; k < n; ++k) {
    const char* p = static_cast<const char*>(t.data) + (t.ndim ? k * t.strides[0] : 0);
    double x = 0;
    switch (t.dtype) {
      case PXP_DTYPE_U8: x = *reinterpret_cast<const uint8_t*>(p); break;
      case PXP_DTYPE_I8: x = *reinterpret_cast<const int8_t*>(p); break;
      case PXP_DTYPE_U16: x = *reinterpret_cast<const uint16_t*>(p); break;
      case PXP_DTYPE_I16: x = *reinterpret_cast<const int16_t*>(p); break;
      case PXP_DTYPE_I32: x = *reinterpret_cast<const int32_t*>(p); break;
      case PXP_DTYPE_I64: x = static_cast<double>(*reinterpret_cast<const int64_t*>(p)); break;
      case PXP_DTYPE_F32: x = *reinterpret_cast<const float*>(p); break;
      case PXP_DTYPE_F64: x = *reinterpret_cast<const double*>(p); break;
      case PXP_DTYPE_BOOL: x = *reinterpret_cast<const uint8_t*>(p); break;
    }
    std::printf(" %g", x);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  uint64_t samples = 100, start = 0;
  pxp_pipeline_options options = PXP_PIPELINE_OPTIONS_INIT;
  bool print = false, digest = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "-n" || a == "--samples") samples = std::strtoull(next(), nullptr, 10);
    else if (a == "--seed") options.seed = std::strtoull(next(), nullptr, 10);
    else if (a == "--threads") options.threads = static_cast<uint32_t>(std::strtoul(next(), nullptr, 10));
    else if (a == "--start") start = std::strtoull(next(), nullptr, 10);
    else if (a == "--print") print = true;
    else if (a == "--digest") digest = true;
    else if (a == "-h" || a == "--help") { usage(); return 0; }
    else if (!path) path = argv[i];
    else { usage(); return 2; }
  }
  if (!path) { usage(); return 2; }

  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "pixelpipes-run: cannot open %s\n", path);
    return 1;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  pxp_program* program = nullptr;
  if (pxp_program_load(&program, bytes.data(), bytes.size()) != PXP_OK) return report("cannot load program");
  size_t n_outputs = 0, n_instructions = 0;
  pxp_program_output_count(&n_outputs, program);
  pxp_program_instruction_count(&n_instructions, program);
  std::printf("pixelpipes %s: %s (%zu instructions, %zu outputs)\n", pxp_version(), path, n_instructions, n_outputs);

  pxp_pipeline* pipeline = nullptr;
  if (pxp_pipeline_create(&pipeline, program, &options) != PXP_OK) return report("cannot create pipeline");
  std::vector<std::string> names;
  for (size_t o = 0; o < n_outputs; ++o) {
    pxp_output_info info;
    pxp_program_output(&info, program, o);
    names.push_back(info.name);
  }
  pxp_program_free(program);  // the pipeline keeps its own reference

  const size_t chunk = 256;
  std::vector<pxp_sample*> batch(chunk);
  uint64_t hash = 1469598103934665603ull;
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t done = 0; done < samples;) {
    size_t count = static_cast<size_t>(std::min<uint64_t>(chunk, samples - done));
    if (pxp_pipeline_run_many(batch.data(), pipeline, start + done, count) != PXP_OK) {
      pxp_pipeline_free(pipeline);
      return report("sample failed");
    }
    if ((done == 0 && !digest) || print) {
      for (size_t k = 0; k < (print ? count : 1); ++k) {
        uint64_t index = 0;
        pxp_sample_index(&index, batch[k]);
        std::printf("sample %" PRIu64 ":", index);
        for (size_t o = 0; o < n_outputs; ++o) {
          const pxp_value* v = nullptr;
          pxp_sample_output(&v, batch[k], o);
          std::printf("  %s: %s", names[o].c_str(), describe(v).c_str());
          if (print) print_values(v);
        }
        std::printf("\n");
      }
    }
    if (digest)
      for (size_t k = 0; k < count; ++k)
        for (size_t o = 0; o < n_outputs; ++o) {
          const pxp_value* v = nullptr;
          pxp_sample_output(&v, batch[k], o);
          digest_value(hash, v);
        }
    for (size_t k = 0; k < count; ++k) pxp_sample_free(batch[k]);
    done += count;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%" PRIu64 " samples in %.3f s: %.0f samples/s\n", samples, seconds, samples / std::max(seconds, 1e-9));
  if (digest) std::printf("digest %016" PRIx64 "\n", hash);
  pxp_pipeline_free(pipeline);
  return 0;
}
