// extern "C" shims for pixelpipes/program.h.
#include "capi/guard.hpp"
#include "pixelpipes/pixelpipes.h"
#include "capi/handles.hpp"

using namespace pxp;
using capi::guard;
using capi::require;


extern "C" {

PXP_API pxp_status pxp_program_load(pxp_program** out, const void* data, size_t size) {
  return guard([&] {
    require(out, "out");
    *out = nullptr;
    auto handle = std::make_unique<pxp_program>();
    handle->program = load_program(data, size);
    *out = handle.release();
  });
}

PXP_API pxp_status pxp_program_load_file(pxp_program** out, const char* path) {
  return guard([&] {
    require(out, "out");
    *out = nullptr;
    require(path, "path");
    auto handle = std::make_unique<pxp_program>();
    handle->program = load_program_file(path);
    *out = handle.release();
  });
}

PXP_API void pxp_program_free(pxp_program* program) {
  delete program;
}

PXP_API pxp_status pxp_program_output_count(size_t* out, const pxp_program* program) {
  return guard([&] {
    require(out, "out");
    require(program, "program");
    *out = program->program->outputs.size();
  });
}

PXP_API pxp_status pxp_program_output(pxp_output_info* out, const pxp_program* program, size_t index) {
  return guard([&] {
    require(out, "out");
    require(program, "program");
    const Program& p = *program->program;
    if (index >= p.outputs.size())
      range_error("output index " + std::to_string(index) + " is out of range: " + std::to_string(p.outputs.size()) +
                  " outputs");
    const auto& [name, slot] = p.outputs[index];
    const Type& t = p.instructions[slot].type;
    out->name = name.c_str();
    out->kind = t.is_tensor() ? PXP_VALUE_TENSOR : t.is_string() ? PXP_VALUE_STRING : t.is_list() ? PXP_VALUE_LIST : -1;
    out->dtype = (t.is_tensor() && t.dtype) ? static_cast<int32_t>(*t.dtype) : -1;
    out->ndim = (t.is_tensor() && t.shape) ? static_cast<int32_t>(t.shape->size()) : -1;
    for (int i = 0; i < 8; ++i)
      out->shape[i] = (out->ndim > i) ? (*t.shape)[static_cast<size_t>(i)] : -1;
    out->type_json = p.output_types_json[index].c_str();
  });
}

PXP_API pxp_status pxp_program_instruction_count(size_t* out, const pxp_program* program) {
  return guard([&] {
    require(out, "out");
    require(program, "program");
    *out = program->program->size();
  });
}

PXP_API pxp_status pxp_program_bytes(const void** out_data, size_t* out_size, const pxp_program* program) {
  return guard([&] {
    require(out_data, "out_data");
    require(out_size, "out_size");
    require(program, "program");
    *out_data = program->program->bytes.data();
    *out_size = program->program->bytes.size();
  });
}

PXP_API pxp_status pxp_program_saved_seed(uint64_t* out, const pxp_program* program) {
  bool recorded = false;
  pxp_status status = guard([&] {
    require(out, "out");
    require(program, "program");
    const auto& seed = program->program->saved_seed;
    *out = seed.value_or(0);
    recorded = seed.has_value();
  });
  return status != PXP_OK ? status : recorded ? PXP_OK : PXP_NOT_FOUND;
}

PXP_API pxp_status pxp_program_describe(const char** out, const pxp_program* program) {
  return guard([&] {
    require(out, "out");
    require(program, "program");
    *out = program->program->description_json.c_str();
  });
}

}  // extern "C"
