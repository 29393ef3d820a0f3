/* pixelpipes/pipeline.h: running a program for sample indices.
 *
 * A pipeline is driven by one thread at a time (its own worker threads are
 * internal). Different pipelines are independent. Sample i of a pipeline with
 * seed s is a pure function of (program, s, i): the same bits whatever the
 * number of threads.
 */
#ifndef PIXELPIPES_PIPELINE_H
#define PIXELPIPES_PIPELINE_H

#include "pixelpipes/common.h"
#include "pixelpipes/program.h"
#include "pixelpipes/value.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Options of pxp_pipeline_create. Start from PXP_PIPELINE_OPTIONS_INIT; new
 * fields are only ever added at the end, and version says which are set. */
typedef struct pxp_pipeline_options {
  uint32_t version;   /* PXP_PIPELINE_OPTIONS_VERSION */
  uint64_t seed;      /* pipeline seed */
  uint32_t threads;   /* worker threads for pxp_pipeline_run_many; 0: one per core */
} pxp_pipeline_options;

#define PXP_PIPELINE_OPTIONS_VERSION 1
#define PXP_PIPELINE_OPTIONS_INIT {PXP_PIPELINE_OPTIONS_VERSION, 0, 0}

typedef struct pxp_pipeline pxp_pipeline;
typedef struct pxp_sample pxp_sample;

/* Creates a pipeline over a program (the pipeline keeps its own reference).
 * options may be NULL for the defaults. The caller owns *out. */
PXP_API pxp_status pxp_pipeline_create(pxp_pipeline **out, const pxp_program *program,
                                       const pxp_pipeline_options *options);

/* Stops the workers (waiting for work in flight) and frees the pipeline;
 * NULL is a no-op. Samples already returned stay valid. */
PXP_API void pxp_pipeline_free(pxp_pipeline *pipeline);

/* Computes sample index on the calling thread. The caller owns *out. On an
 * error the last error names the sample, instruction, op, node and source. */
PXP_API pxp_status pxp_pipeline_run(pxp_sample **out, pxp_pipeline *pipeline, uint64_t index);

/* Computes samples start .. start+count-1 on the worker threads and stores
 * them in out[0..count-1] (the caller owns each). If any sample fails, none is
 * returned (all out[i] are NULL) and the last error describes the failing
 * sample with the lowest index. */
PXP_API pxp_status pxp_pipeline_run_many(pxp_sample **out, pxp_pipeline *pipeline, uint64_t start,
                                         size_t count);

/* Frees a sample and every value borrowed from it; NULL is a no-op. A sample
 * does not depend on its pipeline: it may outlive it. */
PXP_API void pxp_sample_free(pxp_sample *sample);

/* Sample index this sample was computed for. */
PXP_API pxp_status pxp_sample_index(uint64_t *out, const pxp_sample *sample);

/* Output number i (in the program's output order), borrowed from the sample. */
PXP_API pxp_status pxp_sample_output(const pxp_value **out, const pxp_sample *sample, size_t index);

#ifdef __cplusplus
}
#endif
#endif
