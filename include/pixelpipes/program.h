/* pixelpipes/program.h: loading, verifying and describing compiled programs.
 *
 * A program is immutable once loaded: one pxp_program may be shared by any
 * number of threads and pipelines. It must outlive nothing: pipelines keep
 * their own reference, so pxp_program_free may be called as soon as the
 * pipelines that need it are created.
 */
#ifndef PIXELPIPES_PROGRAM_H
#define PIXELPIPES_PROGRAM_H

#include "pixelpipes/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pxp_program pxp_program;

/* Parses and verifies program bytes (see docs/program-format.md). Any bytes
 * are safe to pass: malformed programs give PXP_EINVALID_PROGRAM,
 * PXP_EUNSUPPORTED_VERSION, PXP_EUNKNOWN_OP or PXP_ETYPE with a message that
 * names the instruction, op and node. Instructions whose inputs are all
 * constant are evaluated here, once. On success the caller owns *out. */
PXP_API pxp_status pxp_program_load(pxp_program **out, const void *data, size_t size);

/* Frees a program; NULL is a no-op. */
PXP_API void pxp_program_free(pxp_program *program);

/* Number of named outputs. */
PXP_API pxp_status pxp_program_output_count(size_t *out, const pxp_program *program);

/* Description of output index. Strings are borrowed from the program.
 * type_json is the inferred type, e.g.
 * {"kind":"tensor","dtype":"f32","shape":[-1,224,3]} (-1: unknown size),
 * {"kind":"string"}, {"kind":"list","length":-1,"element":{...}}. */
typedef struct pxp_output_info {
  const char *name;
  int32_t kind;          /* pxp_value_kind, or -1 if not known */
  int32_t dtype;         /* pxp_dtype for tensors, else -1 */
  int32_t ndim;          /* -1 if the rank is unknown or not a tensor */
  int64_t shape[8];      /* -1 for an unknown dimension */
  const char *type_json;
} pxp_output_info;

PXP_API pxp_status pxp_program_output(pxp_output_info *out, const pxp_program *program, size_t index);

/* Number of instructions. */
PXP_API pxp_status pxp_program_instruction_count(size_t *out, const pxp_program *program);

/* A JSON description of the whole program, borrowed from it: {"version":[..],
 * "instructions":[{"index","op","inputs","attributes","key","label","source",
 * "type","constant","jump"?}], "outputs":{name: slot}, "metadata":{..}}. */
PXP_API pxp_status pxp_program_describe(const char **out, const pxp_program *program);

#ifdef __cplusplus
}
#endif
#endif
