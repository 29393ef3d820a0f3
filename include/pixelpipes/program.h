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
 * constant are evaluated here, once. On success the caller owns *out; data is
 * copied, so the caller may free it at once.
 * Bytes have no folder: file paths that pixelpipes.save recorded as relative
 * to the program file are left as stored (they resolve against the working
 * directory when read); pxp_program_load_file joins them with the file's folder. */
PXP_API pxp_status pxp_program_load(pxp_program **out, const void *data, size_t size);

/* Reads the program file at path (a NUL-terminated path), joins the file
 * paths that pixelpipes.save recorded as relative to the file (the metadata
 * record "pixelpipes.relative_paths", docs/program-format.md section 8) with
 * the file's absolute folder, then parses and verifies it as pxp_program_load
 * does. A program file and the data beside it can so move together. The record
 * is removed from the loaded program (its paths are absolute now). On success
 * the caller owns *out.
 * Errors: PXP_EIO when the file cannot be read (the message names the path
 * and the reason); PXP_EINVALID_PROGRAM for a file over the 2 GiB program
 * limit or a malformed record (the message names the constant and item);
 * otherwise those of pxp_program_load. Any file contents are safe to load.
 * Thread safety: any thread; the file is read once, while this call runs. */
PXP_API pxp_status pxp_program_load_file(pxp_program **out, const char *path);

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

/* The bytes the program was made from, borrowed from it (valid while it
 * lives): the bytes given to pxp_program_load, or for pxp_program_load_file
 * the file's bytes with the recorded relative paths made absolute and their
 * record removed, so pxp_program_load of them makes the same program from any
 * working directory (to hand it to another process, for example). */
PXP_API pxp_status pxp_program_bytes(const void **out_data, size_t *out_size, const pxp_program *program);

/* The seed pixelpipes.save recorded with the program (metadata
 * "pixelpipes.seed"): PXP_OK with *out set, or PXP_NOT_FOUND (not an error,
 * no last error set) with *out = 0 when none is recorded. A pipeline runs with
 * the seed of its pxp_pipeline_options; this is the value a runner should
 * default that seed to (pixelpipes-run and pixelpipes.load do). */
PXP_API pxp_status pxp_program_saved_seed(uint64_t *out, const pxp_program *program);

/* A JSON description of the whole program, borrowed from it: {"version":[..],
 * "instructions":[{"index","op","inputs","attributes","key","label","source",
 * "type","constant","jump"?}], "outputs":{name: slot}, "metadata":{..}}. */
PXP_API pxp_status pxp_program_describe(const char **out, const pxp_program *program);

#ifdef __cplusplus
}
#endif
#endif
